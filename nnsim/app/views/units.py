"""Values in the data's own units: where a data set's features (or
regression targets) were standardised for the network, the plots still speak
of the file's values. An axis whose ticks are the file's values, and a colour
scale that says what each colour of a regression map means."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnsim.app.training.colors import BACKGROUND_LUT


def number(value: float) -> str:
    """A value for a label: 3 significant digits, thousands grouped
    (352,100 rather than 3.52e+05), a true minus sign."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:,.0f}" if 1000 <= abs(value) < 1e15 else f"{value:.3g}"
    return "0" if text in ("-0", "-0.0") else text.replace("-", "−")


class RawAxis(pg.AxisItem):
    """An axis over standardised values whose ticks are placed and labelled
    at round numbers of the raw values (``raw = value · spread + mean``)."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.mean, self.spread = 0.0, 1.0

    def set_scaling(self, mean: float = 0.0, spread: float = 1.0) -> None:
        ok = math.isfinite(mean) and math.isfinite(spread) and spread > 0
        self.mean, self.spread = (float(mean), float(spread)) if ok else (0.0, 1.0)
        self.picture = None
        self.update()

    @property
    def scaled(self) -> bool:
        return (self.mean, self.spread) != (0.0, 1.0)

    def raw(self, value: float) -> float:
        return value * self.spread + self.mean

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph's names
        if not self.scaled:
            return super().tickValues(minVal, maxVal, size)
        levels = super().tickValues(self.raw(minVal), self.raw(maxVal), size)
        return [(spacing / self.spread, [(v - self.mean) / self.spread for v in values]) for spacing, values in levels]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        if not self.scaled:
            return super().tickStrings(values, scale, spacing)
        step = spacing * self.spread  # the ticks are multiples of this in raw values
        raw = [round(self.raw(v) / step) * step if step > 0 else self.raw(v) for v in values]
        return super().tickStrings([0.0 if abs(v) < 1e-9 * step else v for v in raw], scale, step)


def install_raw_axes(plot: pg.PlotItem) -> tuple[RawAxis, RawAxis]:
    """Give a plot raw-value axes at the bottom and the left."""
    bottom, left = RawAxis("bottom"), RawAxis("left")
    plot.setAxisItems({"bottom": bottom, "left": left})
    return bottom, left


def label_plane(plot: pg.PlotItem, dataset) -> None:
    """Name a 2-D map's axes after the data's two features, ticked in the
    file's values (``dataset.x_scaling``, where standardised)."""
    names = list(getattr(dataset, "feature_names", []) or []) + ["x1", "x2"]
    scaling = getattr(dataset, "x_scaling", None)
    for i, side in enumerate(("bottom", "left")):
        axis = plot.getAxis(side)
        if isinstance(axis, RawAxis):
            if scaling is not None:
                axis.set_scaling(float(scaling[0][i]), float(scaling[1][i]))
            else:
                axis.set_scaling()
        plot.setLabel(side, names[i])


def raw_point(dataset, x: float, y: float) -> tuple[float, float]:
    """A point of the (possibly standardised) plane in the file's values."""
    scaling = getattr(dataset, "x_scaling", None)
    if scaling is None:
        return x, y
    (m0, m1), (s0, s1) = scaling[0][:2], scaling[1][:2]
    return x * s0 + m0, y * s1 + m1


class ColorScale(QWidget):
    """A horizontal bar of the map's colours with the values at its ends
    and middle: what a colour of a regression map means."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("color_scale")
        self.low = self.high = 0.0
        self.title = ""
        self.labels: list[str] = []
        self._image: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(120)

    def sizeHint(self):  # noqa: N802 - Qt's name
        size = super().sizeHint()
        size.setHeight(self.fontMetrics().height() * 2 + 16)
        return size

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        return self.sizeHint()

    def set_range(self, low: float, high: float, title: str) -> None:
        """Colours from ``low`` (orange) to ``high`` (blue), labelled in raw values."""
        self.low, self.high, self.title = float(low), float(high), title
        self.labels = [number(v) for v in (low, 0.5 * (low + high), high)]
        lut = np.ascontiguousarray(BACKGROUND_LUT[None, :, :])  # (1, 256, 4)
        self._image = QImage(lut.data, lut.shape[1], 1, 4 * lut.shape[1], QImage.Format.Format_RGBA8888).copy()
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._image is None:
            return
        p = QPainter(self)
        fm = p.fontMetrics()
        h = fm.height()
        margin = 4
        bar = QRectF(margin, 2, self.width() - 2 * margin, h)
        p.drawImage(bar, self._image)
        p.setPen(QColor(120, 120, 120))
        p.drawRect(bar)
        p.setPen(QColor(60, 60, 60))
        text_row = QRectF(margin, bar.bottom() + 3, bar.width(), h + 4)
        p.drawText(text_row, Qt.AlignmentFlag.AlignLeft, self.labels[0])
        p.drawText(text_row, Qt.AlignmentFlag.AlignHCenter, f"{self.labels[1]}  {self.title}".strip())
        p.drawText(text_row, Qt.AlignmentFlag.AlignRight, self.labels[2])
        p.end()
