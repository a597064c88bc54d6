"""Cost curves: training and test loss against steps or epochs (and accuracy
for classification), previous runs kept faded, divergence marked.

Items are built once; each frame only extends NumPy buffers and calls
``setData`` on the new length, with peak downsampling and clip-to-view so a
run of a million steps stays cheap to draw.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from nnsim.app import present_plots
from nnsim.app.flow import FlowLayout
from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.colors import NEGATIVE
from nnsim.app.training.controller import TrainingController
from nnsim.app.views.common import LogAxis, RoomyAxis, in_sight

TRAIN_COLOR = (40, 40, 40)
TEST_COLOR = NEGATIVE
TRAIN_FADED = (190, 190, 190)
TEST_FADED = (246, 206, 160)
MAX_OLD_RUNS = 4
LOG_FLOOR = 1e-9
EMPTY_X = {"epoch": 10.0, "step": 100.0}  # the x range's end before anything is trained
AXIS_LINE = (170, 170, 170)
AXIS_TEXT = (90, 90, 90)

COLUMNS = ("step", "epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy")


class Series:
    """Growing float64 columns of the history, amortised O(1) appends."""

    def __init__(self):
        self.n = 0
        self.data = {c: np.empty(256) for c in COLUMNS}

    def clear(self) -> None:
        self.n = 0

    def extend(self, records) -> None:
        k = len(records)
        if not k:
            return
        need = self.n + k
        cap = len(self.data["step"])
        if need > cap:
            cap = max(need, 2 * cap)
            for c in COLUMNS:
                grown = np.empty(cap)
                grown[: self.n] = self.data[c][: self.n]
                self.data[c] = grown
        for c in COLUMNS:
            self.data[c][self.n : need] = [_f(getattr(r, c)) for r in records]
        self.n = need

    def column(self, name: str) -> np.ndarray:
        return self.data[name][: self.n]


def nice_ceil(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten
    that is >= v."""
    if v <= 0 or not math.isfinite(v):
        return 1.0
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= v * (1 - 1e-12):
            return m * e
    return 10 * e


def _f(v) -> float:
    return math.nan if v is None else float(v)


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(rgb)


def _pen(rgb, width=2.0, style=Qt.PenStyle.SolidLine):
    return pg.mkPen(color=rgb, width=width, style=style)


PLOT_LINES = 6  # the curves' least height, in lines of text: tick labels and a curve between them


class CostPlot(QWidget):
    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.series = Series()
        self._version = -1
        self._old_runs: list[tuple[Series, list]] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)

        bar = FlowLayout()  # wraps in a narrow dock
        self.x_axis = QComboBox()
        self.x_axis.setObjectName("x_axis")
        self.x_axis.addItem("per epoch", "epoch")
        self.x_axis.addItem("per step", "step")
        self.x_axis.currentIndexChanged.connect(lambda _i: self.redraw_all())
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setObjectName("log_scale")
        self.log_scale.setToolTip("Show the loss on a logarithmic scale: small losses stay visible")
        self.log_scale.toggled.connect(self._log_toggled)
        self.clear_button = QPushButton("Clear old runs")
        self.clear_button.setObjectName("clear_runs")
        self.clear_button.setToolTip("Remove the faded curves of earlier runs")
        self.clear_button.clicked.connect(self.clear_old_runs)
        self.clear_button.setEnabled(False)
        # One label per curve, so that large text wraps the legend rather than widening the dock.
        legend = []
        for color, name in ((TRAIN_COLOR, "training"), (TEST_COLOR, "test"), (TRAIN_FADED, "earlier runs")):
            entry = QLabel(f"<span style='color:{_hex(color)}; font-weight:bold'>━━</span> {name}")
            entry.setTextFormat(Qt.TextFormat.RichText)
            legend.append(entry)
        for widget in (*legend, self.x_axis, self.log_scale, self.clear_button):
            bar.addWidget(widget)
        lay.addLayout(bar)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.pictures = PictureMenu(self.graphics, "Cost")  # right click: copy, save, print
        # Side by side: the dock is usually wide and short.
        self.loss_plot = self.graphics.addPlot(row=0, col=0, axisItems={"left": LogAxis("left"),
                                                                       "bottom": RoomyAxis("bottom")})
        self.acc_plot = self.graphics.addPlot(row=0, col=1, axisItems={"bottom": RoomyAxis("bottom")})
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 2)
        self.acc_plot.setXLink(self.loss_plot)
        for plot, label in ((self.loss_plot, "loss"), (self.acc_plot, "accuracy")):
            # No grid (it doubles the cost of a frame); the hover readout gives values.
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(AXIS_LINE))
                axis.setTextPen(pg.mkPen(AXIS_TEXT))
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            # Ranges are set here, in steps, not re-fitted every frame: a changed
            # range makes pyqtgraph rebuild and repaint the axes.
            plot.disableAutoRange()
            plot.setMouseEnabled(False, False)
            plot.setLabel("left", label)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("left").setWidth(48)
            plot.getAxis("left").setTickDensity(0.6)  # fewer labels in a short dock
        self.acc_plot.setYRange(0, 1.02, padding=0)
        self.acc_plot.getAxis("left").setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")], [(0.25, ""), (0.75, "")]])
        self._x_range = None
        self._y_range = None
        self._stale = True  # records came that are not drawn yet
        self.train_curve = self.loss_plot.plot(pen=_pen(TRAIN_COLOR))
        self.test_curve = self.loss_plot.plot(pen=_pen(TEST_COLOR))
        self.train_acc = self.acc_plot.plot(pen=_pen(TRAIN_COLOR))
        self.test_acc = self.acc_plot.plot(pen=_pen(TEST_COLOR))
        self.curves = [self.train_curve, self.test_curve, self.train_acc, self.test_acc]
        for c in self.curves:
            c.setZValue(10)
        self.markers: list = []
        lay.addWidget(self.graphics, 1)
        self._keep_plot_height()
        self.readout = QLabel(" ")
        self.readout.setObjectName("readout")
        self.readout.setStyleSheet("color: #333;")
        self.readout.setWordWrap(True)
        lay.addWidget(self.readout)
        self._mouse = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._hover)

        controller.updated.connect(self.refresh)
        controller.history_reset.connect(self.refresh)
        controller.run_started.connect(self.keep_as_old_run)
        controller.design_replaced.connect(self.clear_old_runs)
        controller.session_changed.connect(self._task_changed)
        self._task_changed()
        self.refresh()

    # -- data -----------------------------------------------------------------------------
    @property
    def x_name(self) -> str:
        return self.x_axis.currentData()

    @Slot()
    def refresh(self) -> None:
        c = self.controller
        hist = c.history
        if c.history_version != self._version or len(hist) < self.series.n:
            self._version = c.history_version
            self.series.clear()
            self._x_range = self._y_range = None
            self._stale = True
        if len(hist) > self.series.n:
            self.series.extend(hist[self.series.n :])
            self._stale = True
        if not in_sight(self):  # hidden, or behind another dock's tab: drawn when it comes into sight
            return
        if self._stale or self.series.n == 0:
            self._stale = False
            self._draw()
        self._draw_markers()

    def came_into_sight(self) -> None:
        """Its dock's tab was chosen: draw what came meanwhile."""
        self.refresh()

    def _keep_plot_height(self) -> None:
        """Room for the curves at any text size (a larger one, in presentation
        mode, left them a sliver under their axes' labels)."""
        self.graphics.setMinimumHeight(PLOT_LINES * self.fontMetrics().height())

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._keep_plot_height()

    def redraw_all(self) -> None:
        self._x_range = self._y_range = None
        self._draw()
        for s, curves in self._old_runs:
            self._set_curves(s, curves)
        self._draw_markers()
        self._label_x()

    def _label_x(self) -> None:
        for plot in (self.loss_plot, self.acc_plot):
            plot.setLabel("bottom", "epoch" if self.x_name == "epoch" else "step")

    def _draw(self) -> None:
        self._set_curves(self.series, self.curves)
        self._fit()

    def _fit(self) -> None:
        """Keep the current run in view, changing the ranges only in steps.
        The x range follows this run alone (an earlier, longer run is drawn
        as far as it goes into it), so a new run starts at a readable scale;
        with nothing trained yet it shows the first few epochs or steps."""
        x_name = self.x_name
        if self.series.n:
            x = self.series.column(x_name)
            x_hi, x_lo = float(x[-1]), float(x[0])
        else:
            x_hi, x_lo = EMPTY_X[x_name], 0.0
        x_lo = 0.0 if x_lo <= 1 else x_lo
        if self._x_range is None or x_hi > self._x_range[1] or x_lo < self._x_range[0] \
                or x_hi < 0.5 * self._x_range[1]:
            top = max(nice_ceil(max(x_hi, 1.0) * 1.15), x_lo + 1)
            self._x_range = (x_lo, top)
            self.loss_plot.setXRange(x_lo, top, padding=0.01)
        top = self._x_range[1]
        ys = []
        for s in [self.series] + [s for s, _c in self._old_runs]:
            if not s.n:
                continue
            shown = s.column(x_name) <= top
            for col in ("train_loss", "test_loss"):
                y = s.column(col)[shown]
                y = y[np.isfinite(y)]
                if y.size:
                    ys.append(y)
        if not ys:
            self._y_range = None
            self.loss_plot.setYRange(*((-1.0, 0.0) if self.log_scale.isChecked() else (0.0, 1.0)), padding=0.02)
            return
        y_hi = max(float(y.max()) for y in ys)
        if self.log_scale.isChecked():
            y_lo = max(min(float(y.min()) for y in ys), LOG_FLOOR)
            want = (np.floor(np.log10(y_lo)), np.ceil(np.log10(max(y_hi, y_lo * 10))))
        else:
            want = (0.0, nice_ceil(max(y_hi, 1e-12) * 1.05))
        r = self._y_range
        if r is None or want[1] > r[1] or want[0] < r[0] or (not self.log_scale.isChecked() and want[1] < 0.4 * r[1]):
            self._y_range = want
            self.loss_plot.setYRange(*want, padding=0.02)

    def _set_curves(self, s: Series, curves) -> None:
        x = s.column(self.x_name)
        cols = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
        for curve, col in zip(curves, cols):
            y = s.column(col)
            if col.endswith("loss") and self.log_scale.isChecked():
                y = np.maximum(y, LOG_FLOOR)
            if s.n and np.isfinite(y).any():
                curve.setData(x, y, connect="finite")
            else:
                curve.setData([], [])

    def _draw_markers(self) -> None:
        marks = self.controller.divergences
        if len(self.markers) == len(marks) and all(m._nn == k for m, k in zip(self.markers, marks)) \
                and all(m._axis == self.x_name for m in self.markers):
            return
        for m in self.markers:
            self.loss_plot.removeItem(m)
        self.markers = []
        for step, epoch in marks:
            pos = epoch if self.x_name == "epoch" else step
            line = pg.InfiniteLine(pos=pos, angle=90, pen=_pen((200, 30, 30), 1.5, Qt.PenStyle.DashLine),
                                   label="diverged", labelOpts={"position": 0.9, "color": (200, 30, 30)})
            line._nn = (step, epoch)
            line._axis = self.x_name
            self.loss_plot.addItem(line)
            self.markers.append(line)

    @Slot()
    def keep_as_old_run(self) -> None:
        """The current curves become a faded 'previous run'."""
        self.refresh()  # records not drawn yet (no frame since they came) belong to that run
        if self.series.n == 0:
            return
        old = self.series
        self.series = Series()
        self._version = self.controller.history_version
        faded = [
            self.loss_plot.plot(pen=_pen(TRAIN_FADED, 1.5)),
            self.loss_plot.plot(pen=_pen(TEST_FADED, 1.5)),
            self.acc_plot.plot(pen=_pen(TRAIN_FADED, 1.5)),
            self.acc_plot.plot(pen=_pen(TEST_FADED, 1.5)),
        ]
        for f in faded:
            f.setZValue(1)
        self._old_runs.append((old, faded))
        self._set_curves(old, faded)
        while len(self._old_runs) > MAX_OLD_RUNS:
            self._drop(self._old_runs.pop(0))
        self.clear_button.setEnabled(True)
        self._draw()

    def clear_old_runs(self) -> None:
        for run in self._old_runs:
            self._drop(run)
        self._old_runs = []
        self.clear_button.setEnabled(False)
        self._y_range = None  # the earlier runs may have set it
        self._fit()

    def _drop(self, run) -> None:
        _s, faded = run
        for f, plot in zip(faded, (self.loss_plot, self.loss_plot, self.acc_plot, self.acc_plot)):
            plot.removeItem(f)

    @property
    def old_run_count(self) -> int:
        return len(self._old_runs)

    def _log_toggled(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self._y_range = None
        self.redraw_all()

    @Slot()
    def _task_changed(self) -> None:
        ds = self.controller.dataset
        classification = ds is not None and ds.task == "classification"
        # Accuracy only for classification; without it the loss takes the width.
        shown = self.acc_plot in self.graphics.ci.items
        if classification and not shown:
            self.graphics.addItem(self.acc_plot, row=0, col=1)
            self.graphics.ci.layout.setColumnStretchFactor(1, 2)
            present_plots.follow_text(self.acc_plot)  # out of the scene when the text size was set
        elif not classification and shown:
            self.graphics.removeItem(self.acc_plot)
        self.acc_plot.setVisible(classification)
        self._label_x()

    # -- hover -------------------------------------------------------------------------------
    def _hover(self, event) -> None:
        pos = event[0]
        s = self.series
        if s.n == 0:
            return
        for plot in (self.loss_plot, self.acc_plot):
            if plot.isVisible() and plot.sceneBoundingRect().contains(pos):
                x = plot.getViewBox().mapSceneToView(pos).x()
                break
        else:
            return
        self.readout.setText(self.describe_near(x))

    def describe_near(self, x: float) -> str:
        s = self.series
        xs = s.column(self.x_name)
        i = int(np.clip(np.searchsorted(xs, x), 0, s.n - 1))
        if i > 0 and abs(xs[i - 1] - x) < abs(xs[i] - x):
            i -= 1
        parts = [f"epoch {int(s.data['epoch'][i]):,}", f"step {int(s.data['step'][i]):,}",
                 f"training loss {s.data['train_loss'][i]:.5g}"]
        if math.isfinite(s.data["test_loss"][i]):
            parts.append(f"test loss {s.data['test_loss'][i]:.5g}")
        if math.isfinite(s.data["train_accuracy"][i]):
            parts.append(f"accuracy {s.data['train_accuracy'][i]:.1%}")
        if math.isfinite(s.data["test_accuracy"][i]):
            parts.append(f"test accuracy {s.data['test_accuracy'][i]:.1%}")
        return " · ".join(parts)


__all__ = ["CostPlot", "Series"]
