"""A strip of heatmaps over time: rows of values (one per neuron, gate or
input), one column per time step, grouped in labelled bands; the chosen
step marked. The hidden-state strip and the LSTM gate heatmaps are made of
it. Drawn with QPainter from one small image per band (nearest-neighbour
scaling), so a frame costs about a millisecond."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnsim.app.training.colors import LUT, to_rgba

LABEL_W = 84  # px for the band names on the left
AXIS_H = 16  # px for the step numbers underneath
GAP = 5  # px between bands
MAX_ROW = 22  # px: a row never gets taller than this
UNIT_LUT = np.concatenate([np.linspace([255, 255, 255, 255], [35, 35, 35, 255], 256)]).round().astype(np.uint8)


@dataclass
class Band:
    """Rows of one kind: ``values`` (rows, T); colour range lo..hi; ``unit``
    bands (0–1 gates) are drawn white to black, the others in the
    diverging colours (orange negative, blue positive); ``marks`` (T,) an
    optional row index per step to ring (a target class)."""

    name: str
    values: np.ndarray
    lo: float = -1.0
    hi: float = 1.0
    unit: bool = False
    marks: np.ndarray | None = None
    tip: str = ""


class StripWidget(QWidget):
    """Bands of heatmaps over the same time steps."""

    step_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bands: list[Band] = []
        self.steps = 0
        self.chosen: int | None = None
        self._images: list[QImage] = []
        self.setMinimumSize(200, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    def set_bands(self, bands: list[Band], steps: int) -> None:
        self.bands, self.steps = bands, steps
        self._images = []
        for band in bands:
            v = np.asarray(band.values, dtype=np.float32)
            rgba = to_rgba(v, band.lo, band.hi, UNIT_LUT if band.unit else LUT)
            rgba = np.ascontiguousarray(rgba)
            img = QImage(rgba.data, rgba.shape[1], rgba.shape[0], rgba.shape[1] * 4, QImage.Format.Format_RGBA8888)
            self._images.append(img.copy())  # own the pixels
        self.update()

    def set_chosen(self, step: int | None) -> None:
        if step != self.chosen:
            self.chosen = step
            self.update()

    # -- geometry --------------------------------------------------------------------
    def _layout(self) -> tuple[float, list[tuple[float, float]]]:
        """Width of a step, and each band's (top, row height)."""
        rows = sum(max(1, len(b.values)) for b in self.bands)
        free = self.height() - AXIS_H - GAP * max(0, len(self.bands) - 1) - 2
        row_h = min(MAX_ROW, max(1.0, free / max(1, rows)))
        col_w = (self.width() - LABEL_W - 6) / max(1, self.steps)
        places, y = [], 1.0
        for b in self.bands:
            h = row_h * max(1, len(b.values))
            places.append((y, row_h))
            y += h + GAP
        return col_w, places

    def step_at(self, x: float) -> int | None:
        col_w, _ = self._layout()
        if not self.steps or x < LABEL_W:
            return None
        return int(min(self.steps - 1, max(0, (x - LABEL_W) // max(col_w, 1e-9))))

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        if not self.bands or not self.steps:
            p.end()
            return
        col_w, places = self._layout()
        fm = p.fontMetrics()
        width = col_w * self.steps
        bottom = 0.0
        for band, img, (top, row_h) in zip(self.bands, self._images, places):
            n = max(1, len(band.values))
            rect = QRectF(LABEL_W, top, width, row_h * n)
            p.drawImage(rect, img)
            p.setPen(QColor(90, 90, 90))
            p.drawText(QRectF(2, top, LABEL_W - 6, max(row_h * n, fm.height())),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(band.name, Qt.TextElideMode.ElideRight, LABEL_W - 8))
            if band.marks is not None:
                p.setPen(QPen(QColor(20, 20, 20), 1.2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                r = max(1.5, min(col_w, row_h) / 2 - 1)
                for t, row in enumerate(band.marks[: self.steps]):
                    if row >= 0:
                        p.drawEllipse(QPointF(LABEL_W + (t + 0.5) * col_w, top + (row + 0.5) * row_h), r, r)
            bottom = top + row_h * n
        # The step axis: a number every few steps.
        p.setPen(QColor(110, 110, 110))
        every = max(1, int(np.ceil(fm.horizontalAdvance("000") / max(col_w, 1e-9))))
        for t in range(0, self.steps, every):
            x = LABEL_W + (t + 0.5) * col_w
            p.drawText(QRectF(x - 15, bottom + 2, 30, AXIS_H), Qt.AlignmentFlag.AlignHCenter, str(t + 1))
        if self.chosen is not None and 0 <= self.chosen < self.steps:
            x = LABEL_W + self.chosen * col_w
            p.setPen(QPen(QColor(242, 169, 0), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(x, 0.5, col_w, bottom))
        p.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        step = self.step_at(event.position().x())
        if step is not None and event.button() == Qt.MouseButton.LeftButton:
            self.step_clicked.emit(step)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        step = self.step_at(event.position().x())
        if step is None:
            self.setToolTip("")
            return
        y = event.position().y()
        _, places = self._layout()
        for band, (top, row_h) in zip(self.bands, places):
            n = max(1, len(band.values))
            if top <= y < top + row_h * n:
                row = int((y - top) // row_h)
                if row < len(band.values):
                    v = float(band.values[row][step])
                    label = band.tip or band.name
                    self.setToolTip(f"{label}, row {row + 1}, step {step + 1}: {v:.3g}")
                return
        self.setToolTip("")


__all__ = ["Band", "StripWidget"]
