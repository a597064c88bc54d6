"""Every activation function and its slope, side by side.

Each small plot shows f(z) (solid) and its derivative f'(z) (dashed), both
computed by the engine's own functions. When the step-through has a neuron in
view, its weighted sum z is marked on every curve, so the learner sees what
each function would make of the same number. Clicking a plot picks that
function; "Use … for …" gives it to the neuron (one undoable edit).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from nnsim.app import present_plots
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.overlay import escape
from nnsim.app.learn.widgets import DockPanel, button, column, message_box, note, scroll_column, set_box
from nnsim.design.model import Activation, LayerKind
from nnsim.design.recipes import EditError
from nnsim.engine.activations import BACKWARD, FORMULA, FORWARD
from nnsim.explain import ACTIVATION_NAMES, fmt

#: The gallery, in reading order: the four the article's readers meet first, then the rest.
GALLERY = [
    Activation.STEP,
    Activation.SIGMOID,
    Activation.TANH,
    Activation.RELU,
    Activation.SIGN,
    Activation.LINEAR,
    Activation.LEAKY_RELU,
]
WORDS = {
    Activation.STEP: "Fires (1) when z is above the threshold θ, else 0 — the article's neuron. Flat everywhere "
    "else, so its slope is 0: gradient descent gets no signal through it.",
    Activation.SIGN: "Like the step, but −1 instead of 0. Also flat: slope 0.",
    Activation.LINEAR: "Passes z through unchanged. Slope 1 everywhere. A network of only linear neurons can "
    "only draw straight lines, however many layers it has.",
    Activation.SIGMOID: "A smooth step from 0 to 1. Its slope is largest (0.25) at z = 0 and fades away for "
    "large |z|, where learning slows down.",
    Activation.TANH: "A smooth step from −1 to 1, centred on 0. Slope up to 1, fading for large |z|.",
    Activation.RELU: "0 for negative z, z itself for positive z. Slope 1 where it is active, 0 where it is not: "
    "cheap, and the usual choice in deep networks.",
    Activation.LEAKY_RELU: "Like ReLU, but negative z leak through at 0.01·z, so the slope is never quite 0.",
}
Z_RANGE = (-4.0, 4.0)
CURVE = "#1e88e5"
SLOPE = "#9e9e9e"
MARK = "#e53935"
TITLE_PT = 8.5


def curve(kind: Activation, z: np.ndarray, threshold: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and f'(z) from the engine (f' recovered from the output, as in training)."""
    zz = z.reshape(-1, 1)
    thr = np.array([threshold])
    a = FORWARD[kind](zz, thr)
    slope = BACKWARD[kind](a, np.ones_like(a))
    return a[:, 0], slope[:, 0]


class _Tile(pg.PlotWidget):
    clicked = Signal(object)

    def __init__(self, kind: Activation):
        super().__init__(background="w")
        self.kind = kind
        self.setObjectName(f"activation_{kind.value}")
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setMinimumSize(110, 100)
        self.getAxis("left").setWidth(28)
        self.title_text = f"{ACTIVATION_NAMES[kind]}: {FORMULA[kind]}"
        self.setToolTip(self.title_text)
        self._lines = ""  # the title shown
        self._fit_title()
        self.f = self.plot(pen=pg.mkPen(CURVE, width=2.5))
        self.d = self.plot(pen=pg.mkPen(SLOPE, width=1.8, style=Qt.PenStyle.DashLine))
        self.mark_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(MARK, width=1, style=Qt.PenStyle.DotLine))
        self.mark = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(MARK), pen=None)
        self.addItem(self.mark_line)
        self.addItem(self.mark)
        self.set_selected(False)

    def _fit_title(self) -> None:
        """The name and the formula on one line when the tile is wide enough
        for both, else on two: never cut off."""
        if "title_text" not in self.__dict__:
            return  # still being built (pyqtgraph resizes on the way)
        font = QFont(self.font())
        font.setPointSizeF(TITLE_PT * present_plots.text_scale())
        metrics = QFontMetrics(font)
        room = self.width() - 38  # the title is centred over the plot, right of the axis
        name, formula = ACTIVATION_NAMES[self.kind], FORMULA[self.kind]
        if metrics.horizontalAdvance(self.title_text) <= room:
            text = self.title_text
        elif metrics.horizontalAdvance(formula) <= room:
            text = f"{name}:<br>{formula}"
        else:  # too narrow even for the formula: the name (the formula is in the tooltip)
            text = f"{name}<br>&nbsp;"
        size = f"{TITLE_PT * present_plots.text_scale():.3g}pt"  # at the window's text size
        if (text, size) != self._lines:
            self._lines = (text, size)
            self.setTitle(text, size=size)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_title()

    def set_selected(self, on: bool) -> None:
        self.setStyleSheet("border: 2px solid #1e88e5;" if on else "border: 2px solid transparent;")

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.clicked.emit(self.kind)
        event.accept()


class ActivationsPanel(DockPanel):
    def __init__(self, hub: LearnHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_activations")
        self.hub = hub
        self.document = hub.document
        self.chosen: Activation | None = None
        self.z: float | None = None  # the weighted sum to mark
        self.neuron: int | None = None  # the neuron it belongs to

        self.intro = note(
            "An activation turns a neuron's weighted sum <i>z</i> into its output.<br>"
            "<span style='color:#1e88e5'><b>—</b> the function</span> &nbsp; "
            "<span style='color:#757575'><b>- -</b> its slope</span> (what backpropagation multiplies by). "
            "Click a plot to read about it."
        )
        grid = QGridLayout()
        grid.setSpacing(4)
        self.tiles: dict[Activation, _Tile] = {}
        for i, kind in enumerate(GALLERY):
            tile = _Tile(kind)
            tile.clicked.connect(self.choose)
            self.tiles[kind] = tile
            grid.addWidget(tile, i // 4, i % 4)
        softmax = note(
            "<b>softmax</b>: e^z / Σ e^z<br>Works on a whole layer at once: turns the layer's sums into "
            "shares that add up to 1 (one per class). It has no curve of its own."
        )
        softmax.setStyleSheet("QLabel { background: white; padding: 4px; }")
        self.softmax = scroll_column(softmax, name="softmax_note")
        grid.addWidget(self.softmax, 1, 3)
        for c in range(4):
            grid.setColumnStretch(c, 1)
        for r in range(2):
            grid.setRowStretch(r, 1)
        self.about = message_box("info")
        self.about.setObjectName("activation_about")
        self.use_button = button("", "Give this activation to the neuron (undoable)", "use_activation_button")
        self.use_button.hide()
        self.marker_note = note()

        # Sideways, to fit the short dock under the canvas: the words (which
        # scroll on their own) and the button beside the plots.
        self.words = scroll_column(self.intro, self.marker_note, self.about, name="activation_words")
        self.side = column(self.words, self.use_button, width=(170, 320))
        layout = QHBoxLayout(self)
        layout.addWidget(self.side, 2)
        layout.addLayout(grid, 5)

        self.use_button.clicked.connect(self.use_for_neuron)
        hub.neuron_selected.connect(lambda _: self._follow())
        hub.trace_changed.connect(lambda: self._follow())
        self.document.changed.connect(self._follow)
        self._follow()

    # -- which neuron ------------------------------------------------------------------------
    def target_neuron(self) -> int | None:
        """The neuron a "Use …" button changes: the selected one, else the one
        in the step-through's view, else the design's only output neuron."""
        d = self.document.design
        ids = {n.id for n in d.neurons}
        inputs = {layer.id for layer in d.layers_of_kind(LayerKind.INPUT)}
        for nid in (self.hub.selected_neuron, self.hub.focus_neuron):
            if nid in ids and d.neuron(nid).layer not in inputs:
                return nid
        outs = [n.id for layer in d.layers_of_kind(LayerKind.OUTPUT) for n in d.neurons_of(layer.id)]
        return outs[0] if len(outs) == 1 else None

    def _follow(self) -> None:
        nid = self.target_neuron()
        trace = self.hub.trace
        z = None
        if nid is not None and trace is not None:
            step = next((s for s in trace.neurons if s.id == nid), None)
            z = step.z if step is not None else None
        self.neuron, self.z = nid, z
        self._draw()
        self._update_use()

    # -- drawing -----------------------------------------------------------------------------
    def _draw(self) -> None:
        d = self.document.design
        threshold = 0.0
        if self.neuron is not None:
            try:
                threshold = d.neuron(self.neuron).threshold
            except KeyError:
                pass
        lo, hi = Z_RANGE
        if self.z is not None and np.isfinite(self.z):
            lo, hi = min(lo, self.z - 0.5), max(hi, self.z + 0.5)
        z = np.linspace(lo, hi, 401)
        for kind, tile in self.tiles.items():
            thr = threshold if kind in (Activation.STEP, Activation.SIGN) else 0.0
            a, slope = curve(kind, z, thr)
            tile.f.setData(z, a)
            tile.d.setData(z, slope)
            # The whole curve and its slope, whatever the tile's size.
            finite = np.concatenate([a[np.isfinite(a)], slope[np.isfinite(slope)], [0.0]])
            y0, y1 = float(finite.min()), float(finite.max())
            pad = 0.08 * max(y1 - y0, 1.0)
            tile.setRange(xRange=(lo, hi), yRange=(y0 - pad, y1 + pad), padding=0)
            if self.z is not None and np.isfinite(self.z):
                fz, _ = curve(kind, np.array([self.z]), thr)
                tile.mark_line.setPos(self.z)
                tile.mark_line.show()
                tile.mark.setData([self.z], [fz[0]])
            else:
                tile.mark_line.hide()
                tile.mark.setData([], [])
        if self.z is not None and self.neuron is not None:
            name = escape(self.document.index.neuron_name(self.neuron))
            values = ", ".join(
                f"{ACTIVATION_NAMES[k]} "
                f"{fmt(curve(k, np.array([self.z]), threshold if k == Activation.STEP else 0.0)[0][0])}"
                for k in (Activation.STEP, Activation.SIGMOID, Activation.TANH, Activation.RELU)
            )
            self.marker_note.setText(
                f"<span style='color:{MARK}'>●</span> The weighted sum of {name} in the step-through is "
                f"z = <b>{fmt(self.z)}</b>. Each function would turn it into: {values}."
            )
        else:
            self.marker_note.setText(
                "Step through a sample to mark a neuron's weighted sum on every curve."
            )

    # -- choosing ----------------------------------------------------------------------------
    def choose(self, kind: Activation) -> None:
        self.chosen = Activation(kind)
        for k, tile in self.tiles.items():
            tile.set_selected(k == self.chosen)
        set_box(self.about, f"<b>{ACTIVATION_NAMES[self.chosen]}</b> — {escape(WORDS[self.chosen])}")
        self._update_use()
        self.hub.record("activation_shown", activation=self.chosen.value)

    def _update_use(self) -> None:
        nid = self.target_neuron()
        if self.chosen is None or nid is None:
            self.use_button.hide()
            return
        d = self.document.design
        name = self.document.index.neuron_name(nid)
        current = d.activation_of(d.neuron(nid))
        self.use_button.setText(f"Use {ACTIVATION_NAMES[self.chosen]} for {name}")
        self.use_button.setEnabled(current != self.chosen)
        self.use_button.setToolTip(
            f"{name} uses {ACTIVATION_NAMES[current]} now" if current == self.chosen else
            f"Change {name} from {ACTIVATION_NAMES[current]} to {ACTIVATION_NAMES[self.chosen]} (undoable)"
        )
        self.use_button.show()

    def use_for_neuron(self) -> None:
        nid = self.target_neuron()
        if nid is None or self.chosen is None:
            return
        try:
            self.document.set_neuron(nid, activation=self.chosen)
        except EditError as e:
            set_box(self.about, escape(str(e)), "warn")
