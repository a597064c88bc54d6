"""Two networks, one data set: train both and compare their curves.

For the "going deeper" lesson: a shallow and a deep network on the spiral.
Both are trained here, on copies (the open design is not touched), a few
epochs per tick so the window stays responsive; their training-loss curves
share one plot, and each network's decision map shows what it learned.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnsim.app.colors import NEGATIVE, POSITIVE, class_color, hex_color
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.overlay import escape
from nnsim.app.learn.widgets import DockPanel, button, column, message_box, note, scroll_column, set_box
from nnsim.app.views.common import LogAxis
from nnsim.data import DataError
from nnsim.design.model import Design, LayerKind
from nnsim.design.validate import DesignError
from nnsim.explain import fmt
from nnsim.session import Session

COLOURS = (hex_color(class_color(0)), hex_color(class_color(1)))
EPOCHS_PER_TICK = 10
MAP = 60


def describe_shape(design: Design) -> str:
    """'2 → 8 → 8 → 8 → 1' — the layer sizes in order."""
    order = [k for k in (LayerKind.INPUT, LayerKind.HIDDEN, LayerKind.OUTPUT)]
    sizes = [len(design.neurons_of(layer.id)) for kind in order for layer in design.layers_of_kind(kind)]
    return " → ".join(str(s) for s in sizes)


def default_pair() -> list[Design]:
    from nnsim.io import load
    from nnsim.lessons.model import lessons_dir
    from nnsim.resources import example_path

    return [load(lessons_dir() / "designs" / "spiral-shallow.nnsim"), load(example_path("spiral-deep"))]


class ComparePanel(DockPanel):
    def __init__(self, hub: LearnHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_compare")
        self.hub = hub
        self.designs: list[Design] = []
        self.sessions: list[Session | None] = []
        self.target_epochs = 300
        self.done = False

        self.intro = note(
            "Train two networks on the same data and compare. The curves show the training loss epoch by "
            "epoch; the maps show the boundary each network drew."
        )
        self.names = [QLabel(), QLabel()]
        self.epochs = QSpinBox()
        self.epochs.setObjectName("compare_epochs")
        self.epochs.setRange(10, 5000)
        self.epochs.setSingleStep(50)
        self.epochs.setValue(self.target_epochs)
        self.train_button = button("Train both", "Train both networks from their starting weights", "train_both_button")
        self.stop_button = button("Stop", "", "compare_stop_button")
        self.open_buttons = [
            button("Open on the canvas", "Open this network as the design", f"open_compare_{i}") for i in range(2)
        ]
        self.curves_plot = pg.PlotWidget(background="w", axisItems={"left": LogAxis("left")})
        self.curves_plot.setObjectName("compare_curves")
        self.curves_plot.setMinimumSize(180, 130)
        self.curves_plot.setLabel("bottom", "epoch")
        self.curves_plot.setLabel("left", "training loss")
        self.curves_plot.setLogMode(y=True)
        self.curves_plot.getAxis("left").enableAutoSIPrefix(False)
        self.curves = [self.curves_plot.plot(pen=pg.mkPen(c, width=2.5)) for c in COLOURS]
        self.key = QLabel()
        self.key.setObjectName("compare_key")
        self.key.setWordWrap(True)
        self.maps = []
        self.map_images = []
        maps_row = QHBoxLayout()
        for i in range(2):
            col = QVBoxLayout()
            plot = pg.PlotWidget(background="w")
            plot.setObjectName(f"compare_map_{i}")
            plot.setMinimumSize(120, 110)
            plot.setAspectLocked(True)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.hideAxis("left")
            plot.hideAxis("bottom")
            image = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            pts = [pg.ScatterPlotItem(size=4, brush=pg.mkBrush(c), pen=None) for c in COLOURS]
            for p in pts:
                plot.addItem(p)
            self.maps.append((plot, pts))
            self.map_images.append(image)
            self.names[i].setWordWrap(True)
            self.names[i].setStyleSheet(f"color: {COLOURS[i]}; font-weight: bold;")
            col.addWidget(self.names[i])
            col.addWidget(plot, 1)
            col.addWidget(self.open_buttons[i])
            maps_row.addLayout(col)
        self.result = message_box("info")
        self.result.setObjectName("compare_result")

        # Sideways, to fit the short dock under the canvas: the controls and the
        # words (which scroll on their own) in a column, then the curves, then the maps.
        epochs_row = QHBoxLayout()
        epochs_row.addWidget(QLabel("Epochs:"))
        epochs_row.addWidget(self.epochs, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        self.words = scroll_column(self.result, self.intro, name="compare_words")
        self.side = column(epochs_row, buttons, self.words, stretch_last=True, width=(190, 320))
        layout = QHBoxLayout(self)
        layout.addWidget(self.side, 2)
        curves = QVBoxLayout()
        curves.addWidget(self.key)
        curves.addWidget(self.curves_plot, 1)
        layout.addLayout(curves, 3)
        layout.addLayout(maps_row, 4)

        self.timer = QTimer(self)
        self.timer.setInterval(15)
        self.timer.timeout.connect(self._tick)
        self.train_button.clicked.connect(self.train)
        self.stop_button.clicked.connect(self.stop)
        for i, b in enumerate(self.open_buttons):
            b.clicked.connect(lambda _=False, k=i: self.open_on_canvas(k))
        hub.step_started.connect(self.apply_step)
        self._loaded = False
        self._enable()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._loaded:
            try:
                self.set_designs(default_pair())
            except (OSError, ValueError) as e:
                set_box(self.result, f"The networks to compare could not be opened: {escape(str(e))}", "warn")

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.stop()

    # -- the two networks -----------------------------------------------------------------
    def apply_step(self, step) -> None:
        if step.compare:
            self.set_designs([ref.load() for ref in step.compare["designs"]], step.compare["epochs"])

    def set_designs(self, designs: list[Design], epochs: int | None = None) -> None:
        self.stop()
        self._loaded = True
        self.designs = [d.copy() for d in designs]
        if epochs is not None:
            self.epochs.setValue(epochs)
        for i, d in enumerate(self.designs):
            self.names[i].setText(f"{escape(d.name)} ({describe_shape(d)})")
        # One network a line: a shape is never broken across lines.
        self.key.setText("<br>".join(
            f"<span style='color:{COLOURS[i]}'><b>—</b> {escape(describe_shape(d)).replace(' ', '&nbsp;')}</span>"
            for i, d in enumerate(self.designs)))
        self.sessions = [None, None]
        for c in self.curves:
            c.setData([], [])
        set_box(self.result, "")
        self.done = False
        self._prepare()
        for i in range(len(self.designs)):
            self._draw_map(i)
        self._enable()

    def _prepare(self) -> bool:
        try:
            self.sessions = [Session(d.copy()) for d in self.designs]
        except (DesignError, DataError, ValueError, OSError) as e:
            self.sessions = [None, None]
            set_box(self.result, f"These networks cannot be trained: {escape(str(e))}", "warn")
            return False
        return True

    # -- training ---------------------------------------------------------------------------
    def train(self) -> None:
        if not self.designs or not self._prepare():
            return
        self.target_epochs = self.epochs.value()
        self.done = False
        set_box(self.result, "Training both networks…", "info")
        for c in self.curves:
            c.setData([], [])
        self.timer.start()
        self._enable()

    def stop(self) -> None:
        self.timer.stop()
        self._enable()

    def _tick(self) -> None:
        busy = False
        for i, s in enumerate(self.sessions):
            if s is None:
                continue
            left = self.target_epochs - s.trainer.epoch
            if left > 0 and s.trainer.status == "ready":
                s.trainer.train_epochs(min(EPOCHS_PER_TICK, left), evaluate=True)
                busy = busy or (s.trainer.epoch < self.target_epochs and s.trainer.status == "ready")
            hist = s.trainer.history
            self.curves[i].setData([r.epoch for r in hist], [max(r.train_loss, 1e-9) for r in hist])
        for i in range(len(self.sessions)):
            self._draw_map(i)
        if not busy:
            self.timer.stop()
            self._finished()
        self._enable()

    def _finished(self) -> None:
        self.done = True
        recs = [s.trainer.evaluate() if s is not None else None for s in self.sessions]
        names = [d.name for d in self.designs]
        parts = []
        for d, r in zip(self.designs, recs):
            acc = "" if r.train_accuracy is None else f", {round(100 * r.train_accuracy)}% of the training points right"
            parts.append(f"<b>{escape(d.name)}</b>: loss {fmt(r.train_loss)}{acc}")
        best = min(range(2), key=lambda k: recs[k].train_loss)
        set_box(
            self.result,
            "After "
            f"{self.target_epochs} epochs — " + "; ".join(parts) + ". "
            f"<b>{escape(names[best])}</b> learned more. Each extra layer can fold the boundary again, which is "
            "what a twisting shape like the spiral needs.",
            "good",
        )
        self.hub.record(
            "compare_done",
            names=names,
            losses=[float(r.train_loss) for r in recs],
            accuracies=[None if r.train_accuracy is None else float(r.train_accuracy) for r in recs],
            epochs=self.target_epochs,
        )

    def _draw_map(self, i: int) -> None:
        s = self.sessions[i] if i < len(self.sessions) else None
        plot, pts = self.maps[i]
        image = self.map_images[i]
        if s is None or s.network.n_inputs != 2:
            image.clear()
            return
        ds = s.dataset
        (x0, x1), (y0, y1) = ds.input_range or ((-6, 6), (-6, 6))
        gx, gy = np.linspace(x0, x1, MAP), np.linspace(y0, y1, MAP)
        grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
        with np.errstate(all="ignore"):
            out = s.network.predict(grid)[:, 0].reshape(MAP, MAP)
        coding = s.data.coding
        t = np.clip((out - coding.low) / max(coding.high - coding.low, 1e-9), 0, 1)  # 0 orange … 1 blue
        orange, blue, white = np.array(NEGATIVE), np.array(POSITIVE), np.array([255, 255, 255])
        w = np.abs(t - 0.5)[..., None] * 2
        colour = np.where((t > 0.5)[..., None], white * (1 - w) + blue * w, white * (1 - w) + orange * w)
        rgba = np.concatenate([colour * 0.55 + 255 * 0.45, np.full((MAP, MAP, 1), 255.0)], axis=-1)
        image.setImage(rgba.astype(np.ubyte), autoLevels=False)
        image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        labels = ds.y_train if ds.task == "classification" else (s.data.y_train[:, 0] > 0).astype(int)
        for k, p in enumerate(pts):
            sel = labels == k
            p.setData(ds.x_train[sel, 0], ds.x_train[sel, 1])

    def open_on_canvas(self, i: int) -> None:
        if i < len(self.designs):
            self.hub.open_design(self.designs[i].copy())

    def _enable(self) -> None:
        running = self.timer.isActive()
        ok = bool(self.designs) and all(s is not None for s in self.sessions)
        self.train_button.setEnabled(ok and not running)
        self.stop_button.setEnabled(running)
        for b in self.open_buttons:
            b.setEnabled(bool(self.designs) and not running)
