"""What an LSTM layer does over time, live while it trains:

* **Gates over time** — heatmaps in the style of LSTMVis: for the chosen
  sequence, the forget, input and output gates (0–1, white to black), the
  candidate, the cell state and the hidden output (orange negative, blue
  positive), one row per cell, one column per step;
* **LSTM cell** — one cell at one time step drawn in the conventions of
  Colah's "Understanding LSTM Networks": the cell state running along the
  top (multiplied by the forget gate, the input gate's share of the
  candidate added), the gates as 0–1 bars, tanh of the cell state times the
  output gate giving h; every line carries its number. A slider or the
  arrow keys move through time.

Both read the LSTM's values from ``Heavy.sequence`` (``LayerSteps.gates``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QSpinBox, QVBoxLayout, QWidget

from nnsim.app.training.snapshot import SEQUENCE
from nnsim.app.views.common import HeavyView
from nnsim.app.views.strip import Band, StripWidget

GATES = (("f", "forget gate", True), ("i", "input gate", True), ("o", "output gate", True),
         ("c_tilde", "candidate", False), ("c", "cell state", False),
         ("z", "update gate", True), ("r", "reset gate", True), ("n", "candidate", False),  # a GRU's
         ("h", "hidden", False))
BELT = QColor("#2b2f36")
SIGMA = QColor("#f2a900")  # Colah's yellow layer boxes
POINTWISE = QColor("#e8590c")


def lstm_layers(seq) -> list:
    return [layer for layer in seq.layers if layer.gates and "c" in layer.gates] if seq is not None else []


def gated_layers(seq) -> list:
    """The LSTM and GRU layers: those with gates to show."""
    return [layer for layer in seq.layers if len(layer.gates) > 1] if seq is not None else []


class LayerChooser(QComboBox):
    """Which LSTM layer the view shows (when there are several)."""

    def set_layers(self, layers) -> None:
        ids = [layer.layer_id for layer in layers]
        if ids != [self.itemData(k) for k in range(self.count())]:
            current = self.currentData()
            self.blockSignals(True)
            self.clear()
            for layer in layers:
                self.addItem(layer.name, layer.layer_id)
            if current in ids:
                self.setCurrentIndex(ids.index(current))
            self.blockSignals(False)
        self.setVisible(len(layers) > 1)

    def pick(self, layers):
        chosen = self.currentData()
        return next((layer for layer in layers if layer.layer_id == chosen), layers[0] if layers else None)


class GateHeatmapView(HeavyView):
    PARTS = frozenset({SEQUENCE})

    def __init__(self, controller, focus, parent=None):
        super().__init__(parent)
        self.controller, self.focus = controller, focus
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("gates_note")
        top.addWidget(self.note, 1)
        self.chooser = LayerChooser()
        self.chooser.currentIndexChanged.connect(self._rechoose)
        top.addWidget(self.chooser)
        lay.addLayout(top)
        self.strip = StripWidget()
        self.strip.setObjectName("gate_strip")
        self.strip.step_clicked.connect(focus.set_step)
        focus.step_changed.connect(self.strip.set_chosen)
        lay.addWidget(self.strip, 1)
        self.layer = None
        self.follow(controller, self._session, every_frame=True)  # every paced frame

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        self.note.setText("The gates of an LSTM layer over the steps of the chosen sequence (a network with an "
                          "LSTM layer, on sequence data).")
        self.strip.set_bands([], 0)
        self.refresh()

    @Slot()
    def _rechoose(self, *_) -> None:
        self._heavy = None
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        seq = None if heavy is None else heavy.sequence
        layers = gated_layers(seq)
        if not layers or heavy is self._heavy or not self.in_sight():
            return False
        self._heavy = heavy
        self.chooser.set_layers(layers)
        layer = self.layer = self.chooser.pick(layers)
        bands = []
        for key, name, unit in GATES:
            values = layer.gates.get(key)
            if values is None:
                continue
            if unit:
                lo, hi = 0.0, 1.0
            else:
                m = float(np.nanmax(np.abs(values))) if values.size else 1.0
                lo, hi = (-1.0, 1.0) if key in ("h", "c_tilde", "n") else (-max(m, 1e-9), max(m, 1e-9))
            bands.append(Band(name, values.T, lo, hi, unit=unit, tip=name))
        self.focus.seen(seq.steps)
        self.strip.set_bands(bands, seq.steps)
        self.strip.set_chosen(self.focus.step)
        size = layer.values.shape[1]
        self.note.setText(f"'{layer.name}': {size} cells, one row each. Gates from white (0, closed) to black "
                          "(1, open); the cell state, candidate and hidden output orange (−) to blue (+).")
        return True


class CellDiagram(QWidget):
    """One LSTM cell at one step, Colah-style, with its numbers."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.values: dict[str, float] = {}
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_values(self, values: dict[str, float]) -> None:
        self.values = values
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        v = self.values
        if not v:
            p.end()
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        box = QRectF(36, 30, w - 72, h - 72)
        p.setPen(QPen(QColor(180, 180, 180), 1.2))
        p.setBrush(QColor(246, 247, 249))
        p.drawRoundedRect(box, 14, 14)
        small = QFont(p.font())
        small.setPointSizeF(8.0)
        p.setFont(small)
        top, bottom = box.top() + 22, box.bottom() - 18
        gate_y = top + (bottom - top) * 0.68
        xf, xi, xc, xo = (box.left() + box.width() * k for k in (0.13, 0.33, 0.53, 0.72))
        xh = box.left() + box.width() * 0.9
        mid = top + (gate_y - top) * 0.45
        thin, belt = QPen(BELT, 1.6), QPen(BELT, 3)
        p.setBrush(Qt.BrushStyle.NoBrush)
        # The cell state along the top: c(t−1) → × f → + i·cand → c(t).
        p.setPen(belt)
        p.drawLine(QPointF(8, top), QPointF(w - 8, top))
        self._label(p, QPointF(8, top - 18), f"c(t−1) = {v['c_prev']:+.2f}")
        self._label(p, QPointF(w - 118, top - 18), f"c(t) = {v['c']:+.2f}")
        # h(t−1) joins x(t) at the bottom; both feed the four layers.
        p.setPen(thin)
        p.drawLine(QPointF(8, bottom), QPointF(xo, bottom))
        self._label(p, QPointF(8, bottom + 3), f"h(t−1) = {v['h_prev']:+.2f}")
        self._label(p, QPointF(box.left() + 4, h - 18), f"x(t): {v['x_text']}", 260)
        for key, fn, x in (("f", "σ", xf), ("i", "σ", xi), ("c_tilde", "tanh", xc), ("o", "σ", xo)):
            if key not in v:
                continue
            p.setPen(thin)
            p.drawLine(QPointF(x, bottom), QPointF(x, gate_y + 12))
            r = QRectF(x - 20, gate_y - 12, 40, 24)
            p.setBrush(SIGMA)
            p.setPen(QPen(QColor(120, 90, 0), 1))
            p.drawRect(r)
            p.setPen(BELT)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, fn)
            if fn == "σ":
                self._bar(p, QRectF(x - 31, gate_y - 18, 7, 36), v[key])
            name = {"f": "forget", "i": "input", "c_tilde": "cand.", "o": "output"}[key]
            sp = box.width() * 0.19
            p.setPen(QColor(40, 40, 40))
            for k, text in enumerate((name, f"{v[key]:+.2f}" if key == "c_tilde" else f"{v[key]:.2f}")):
                p.drawText(QRectF(x - sp / 2, gate_y + 13 + 13 * k, sp, 14), Qt.AlignmentFlag.AlignHCenter,
                           p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(sp)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(thin)
        if "f" in v:  # forget: × on the belt
            p.drawLine(QPointF(xf, gate_y - 12), QPointF(xf, top))
            self._op(p, QPointF(xf, top), "×")
        # input × candidate, added to the belt
        mul_i = QPointF(xc, mid)
        p.setPen(thin)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline([QPointF(xi, gate_y - 12), QPointF(xi, mid), mul_i])
        p.drawLine(QPointF(xc, gate_y - 12), mul_i)
        p.drawLine(mul_i, QPointF(xc, top))
        self._op(p, mul_i, "×")
        self._op(p, QPointF(xc, top), "+")
        self._label(p, mul_i + QPointF(12, -16), f"i·cand = {v['i'] * v['c_tilde']:+.2f}", 110)
        # tanh(c) × o → h(t)
        tanh_at = QPointF(xh, top + (gate_y - top) * 0.3)
        mul_o = QPointF(xh, top + (gate_y - top) * 0.7)
        p.setPen(thin)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(QPointF(xh, top), mul_o)
        p.drawPolyline([QPointF(xo, gate_y - 12), QPointF(xo, mul_o.y()), mul_o])
        p.drawPolyline([mul_o, QPointF(xh, bottom), QPointF(w - 8, bottom)])
        p.setPen(QPen(POINTWISE, 1))
        p.setBrush(QColor(255, 232, 214))
        r = QRectF(tanh_at.x() - 18, tanh_at.y() - 9, 36, 18)
        p.drawEllipse(r)
        p.setPen(BELT)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, "tanh")
        self._op(p, mul_o, "×")
        self._label(p, QPointF(w - 118, bottom + 3), f"h(t) = {v['h']:+.2f}")
        p.end()

    def _op(self, p: QPainter, at: QPointF, text: str) -> None:
        p.setPen(QPen(POINTWISE, 1))
        p.setBrush(QColor(255, 232, 214))
        p.drawEllipse(at, 9, 9)
        p.setPen(BELT)
        p.drawText(QRectF(at.x() - 9, at.y() - 9, 18, 18), Qt.AlignmentFlag.AlignCenter, text)

    def _bar(self, p: QPainter, r: QRectF, value: float) -> None:
        p.setPen(QPen(QColor(120, 120, 120), 1))
        p.setBrush(QColor(255, 255, 255))
        p.drawRect(r)
        fill = QRectF(r.left(), r.bottom() - r.height() * float(np.clip(value, 0, 1)), r.width(),
                      r.height() * float(np.clip(value, 0, 1)))
        p.fillRect(fill, QColor(40, 40, 40))

    def _label(self, p: QPainter, at: QPointF, text: str, width: float = 118) -> None:
        p.setPen(QColor(40, 40, 40))
        p.drawText(QRectF(at.x(), at.y(), width, 15), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width)))


class CellView(HeavyView):
    """The LSTM cell view: one cell, one step, every number."""

    PARTS = frozenset({SEQUENCE})

    layer_shown = Signal(int)

    def __init__(self, controller, focus, parent=None):
        super().__init__(parent)
        self.controller, self.focus = controller, focus
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        self.chooser = LayerChooser()
        self.chooser.currentIndexChanged.connect(self._redraw)
        row.addWidget(self.chooser)
        row.addWidget(QLabel("Cell"))
        self.cell = QSpinBox()
        self.cell.setObjectName("lstm_cell")
        self.cell.setRange(1, 1)
        self.cell.valueChanged.connect(self._redraw)
        row.addWidget(self.cell)
        row.addWidget(QLabel("Step"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("lstm_step")
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(focus.set_step)
        row.addWidget(self.slider, 1)
        self.step_label = QLabel()
        self.step_label.setMinimumWidth(QLabel("t = 000").sizeHint().width())
        row.addWidget(self.step_label)
        lay.addLayout(row)
        self.diagram = CellDiagram()
        self.diagram.setObjectName("lstm_cell_diagram")
        lay.addWidget(self.diagram, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.layer = None
        self.seq = None
        focus.step_changed.connect(self._on_step)
        self.follow(controller, self._session, every_frame=True)  # every paced frame

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        self.seq = None
        self.diagram.set_values({})
        self.note.setText("Select an LSTM layer and train on sequence data: one of its cells at one time step, "
                          "in the drawing of Colah's \"Understanding LSTM Networks\".")
        self.refresh()

    def choose_layer(self, layer_id: int) -> None:
        """Show this LSTM layer (selected on the canvas)."""
        k = self.chooser.findData(layer_id)
        if k >= 0:
            self.chooser.setCurrentIndex(k)
        else:
            self._wanted = layer_id

    @Slot(int)
    def _on_step(self, step: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(step)
        self.slider.blockSignals(False)
        self._redraw()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not self.focus.step_by_arrow(event):
            super().keyPressEvent(event)

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        seq = None if heavy is None else heavy.sequence
        layers = lstm_layers(seq)
        if not layers or heavy is self._heavy or not self.in_sight():
            return False
        self._heavy = heavy
        self.seq = seq
        self.chooser.set_layers(layers)
        wanted = getattr(self, "_wanted", None)
        if wanted is not None and self.chooser.findData(wanted) >= 0:
            self.chooser.setCurrentIndex(self.chooser.findData(wanted))
            self._wanted = None
        self.focus.seen(seq.steps)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, seq.steps - 1))
        self.slider.setValue(self.focus.step)
        self.slider.blockSignals(False)
        self._redraw()
        return True

    @Slot()
    def _redraw(self, *_) -> None:
        seq = self.seq
        layers = lstm_layers(seq)
        if not layers:
            return
        layer = self.layer = self.chooser.pick(layers)
        size = layer.values.shape[1]
        self.cell.blockSignals(True)
        self.cell.setRange(1, size)
        self.cell.blockSignals(False)
        j, t = self.cell.value() - 1, min(self.focus.step, seq.steps - 1)
        g = layer.gates
        values = {k: float(g[k][t, j]) for k in ("i", "c_tilde", "o", "c", "h")}
        if "f" in g:
            values["f"] = float(g["f"][t, j])
        start = layer.start  # zeros, or a learned initial state
        values["c_prev"] = float(g["c"][t - 1, j]) if t else float(start["c"][j]) if "c" in start else 0.0
        values["h_prev"] = float(g["h"][t - 1, j]) if t else float(start["h"][j]) if "h" in start else 0.0
        x = seq.x[t]
        values["x_text"] = (", ".join(f"{v:+.2f}" for v in x) if len(x) <= 4
                            else f"{len(x)} values, largest #{int(np.argmax(x)) + 1} = {float(np.max(x)):+.2f}")
        self.diagram.set_values(values)
        self.step_label.setText(f"t = {t + 1}")
        f = values.get("f")
        keep = (f"keeps {f:.0%} of c(t−1) = {values['c_prev']:+.2f}" if f is not None
                else f"(no forget gate) keeps all of c(t−1) = {values['c_prev']:+.2f}")
        self.note.setText(f"Cell {j + 1} of '{layer.name}' at step {t + 1}: it {keep}, adds i·candidate = "
                          f"{values['i']:.2f} × {values['c_tilde']:+.2f}, so c(t) = {values['c']:+.2f}; "
                          f"h(t) = o·tanh(c) = {values['o']:.2f} × {np.tanh(values['c']):+.2f} = {values['h']:+.2f}.")
        self.layer_shown.emit(layer.layer_id)


__all__ = ["CellView", "GateHeatmapView"]
