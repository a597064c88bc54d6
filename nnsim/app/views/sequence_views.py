"""The live views of a network on sequence data, each a dock of the Train
workspace shown when the data are sequences:

* **Hidden state** — the chosen sequence step by step: its inputs, each
  hidden layer's values (one row per neuron), the outputs and the targets,
  as heatmaps over the steps; under it the prediction against the target;
* **Through time** — the gradient through time: how much of the loss at the
  sequence's last target reaches each earlier step, on a log scale (the
  vanishing gradient, seen);
* **Text samples** — for the character task, text the network writes one
  character at a time, fed back as the next input.

They draw from the training controller's heavy snapshots
(``Heavy.sequence``, measured by ``nnsim.app.training.sequence_probe``),
only while shown. ``SequenceFocus`` is the sequence and the time step they
all follow (the LSTM views too).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.snapshot import SEQUENCE
from nnsim.app.views.common import HeavyView, LogAxis
from nnsim.app.views.strip import Band, StripWidget

CURVE_COLORS = ((59, 91, 219), (232, 89, 12), (47, 158, 68), (174, 62, 201), (12, 133, 153))


class SequenceFocus(QObject):
    """The sequence the views show (set, index) and the chosen time step."""

    changed = Signal()  # another sequence
    step_changed = Signal(int)

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.which, self.index, self.step = "train", 0, 0
        self.steps = 0

    def set_sequence(self, which: str, index: int) -> None:
        if (which, index) != (self.which, self.index):
            self.which, self.index = which, int(index)
            self.controller.set_sample(which, self.index)
            self.changed.emit()

    def set_step(self, step: int) -> None:
        step = int(max(0, min(step, max(0, self.steps - 1))))
        if step != self.step:
            self.step = step
            self.step_changed.emit(step)

    def step_by_arrow(self, event) -> bool:
        """Left and Right move one step back and on (the views that follow
        this focus call it from their key handler); True when it was one."""
        if event.key() not in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            return False
        self.set_step(self.step + (1 if event.key() == Qt.Key.Key_Right else -1))
        event.accept()
        return True

    def seen(self, steps: int) -> None:
        """The shown sequence has ``steps`` steps (the chosen one stays inside)."""
        self.steps = steps
        if self.step >= steps:
            self.set_step(steps - 1)


def latest_sequence(controller):
    heavy = controller.heavy
    return None if heavy is None else heavy.sequence


def _levels(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return -1.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    if lo >= 0.0 and hi <= 1.0:
        return 0.0, 1.0
    m = max(abs(lo), abs(hi), 1e-9)
    return -m, m


class SequencePicker(QWidget):
    """"Sequence [n] of N in [training|test] · step t"."""

    def __init__(self, focus: SequenceFocus, parent=None):
        super().__init__(parent)
        self.focus = focus
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Sequence"))
        self.index = QSpinBox()
        self.index.setObjectName("sequence_index")
        self.index.setRange(1, 1)
        self.index.valueChanged.connect(self._changed)
        lay.addWidget(self.index)
        self.set = QComboBox()
        self.set.addItem("training", "train")
        self.set.addItem("test", "test")
        self.set.currentIndexChanged.connect(self._changed)
        lay.addWidget(self.set)
        self.count = QLabel()
        lay.addWidget(self.count, 1)

    def show_numbers(self, seq) -> None:
        self.index.blockSignals(True)
        self.index.setRange(1, max(1, seq.count))
        self.index.setValue(seq.index + 1)
        self.index.blockSignals(False)
        self.count.setText(f"of {seq.count:,} · {seq.steps} steps")

    @Slot()
    def _changed(self, *_) -> None:
        self.focus.set_sequence(self.set.currentData(), self.index.value() - 1)


class HiddenStateView(HeavyView):
    """The hidden-state strip and the prediction against the target."""

    PARTS = frozenset({SEQUENCE})

    def __init__(self, controller, focus: SequenceFocus, parent=None):
        super().__init__(parent)
        self.controller, self.focus = controller, focus
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.picker = SequencePicker(focus)
        lay.addWidget(self.picker)
        self.note = QLabel()
        self.note.setObjectName("hidden_state_note")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.strip = StripWidget()
        self.strip.setObjectName("hidden_state_strip")
        self.strip.step_clicked.connect(focus.set_step)
        lay.addWidget(self.strip, 3)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("prediction_plot")
        self.pictures = PictureMenu(self.plot, "Sequence predictions")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLabel("bottom", "step")
        item.showGrid(x=True, y=True, alpha=0.2)
        item.addLegend(offset=(6, 4), labelTextSize="8pt")
        self.output_curve = item.plot([], [], pen=pg.mkPen((59, 91, 219), width=2), name="network")
        self.target_curve = item.plot([], [], pen=None, symbol="o", symbolSize=5, symbolBrush=(232, 89, 12),
                                      symbolPen=None, name="target")
        self.plot.setMinimumHeight(110)
        lay.addWidget(self.plot, 2)
        self.shown = None  # the SequenceNumbers drawn last
        focus.step_changed.connect(self.strip.set_chosen)
        focus.changed.connect(self._refetch)
        self.follow(controller, self._session, every_frame=True)  # every paced frame

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        probe = self.controller.probe
        if probe is None or not probe.sequence:
            self.note.setText("This view shows sequence data: choose a sequence task under Training data.")
            self.strip.set_bands([], 0)
        self.refresh()

    @Slot()
    def _refetch(self) -> None:
        self._heavy = None

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        if heavy is None or heavy is self._heavy or heavy.sequence is None or not self.in_sight():
            return False
        self._heavy = heavy
        seq = heavy.sequence
        self.shown = seq
        self.focus.seen(seq.steps)
        self.picker.show_numbers(seq)
        self.strip.set_bands(self.bands(seq), seq.steps)
        self.strip.set_chosen(self.focus.step)
        self._plot(seq)
        looped = [layer.name for layer in seq.layers if layer.looped or layer.type != "dense"]
        memory = (f"'{looped[0]}' carries its values to the next step." if len(looped) == 1 else
                  f"{len(looped)} layers carry values to the next step." if looped else
                  "No layer has a loop: each step sees only its own input.")
        self.note.setText(f"Each row a neuron, each column a time step (click one to choose it). {memory}")
        return True

    def bands(self, seq) -> list[Band]:
        x = seq.x.T
        lo, hi = _levels(x)
        bands = [Band("input", x, lo, hi, unit=lo == 0.0, tip="input")]
        for layer in seq.layers:
            lo, hi = _levels(layer.values)
            bands.append(Band(layer.name, layer.values.T, lo, hi, tip=f"'{layer.name}'"))
        out = seq.output.T
        lo, hi = _levels(np.concatenate([seq.output.ravel(), seq.target[np.isfinite(seq.target)]]))
        if seq.classification and out.shape[0] > 1:
            marks = np.where(np.isfinite(seq.target).all(axis=1), np.nan_to_num(seq.target).argmax(axis=1), -1)
            bands.append(Band("output · target ○", out, lo, hi, unit=lo == 0.0, marks=marks, tip="output"))
        else:
            bands.append(Band("output", out, lo, hi, unit=lo == 0.0, tip="output"))
            bands.append(Band("target", seq.target.T, lo, hi, unit=lo == 0.0, tip="target"))
        return bands

    def _plot(self, seq) -> None:
        steps = np.arange(1, seq.steps + 1, dtype=np.float64)
        target = seq.target
        if seq.classification and seq.output.shape[1] > 1:
            has = np.isfinite(target).all(axis=1)
            cls = np.nan_to_num(target).argmax(axis=1)
            y = np.where(has, seq.output[np.arange(seq.steps), cls], np.nan)
            self.output_curve.setData(steps, y, connect="finite")
            self.target_curve.setData(steps[has], np.max(np.nan_to_num(target[has]), axis=1))
            self.plot.getPlotItem().setLabel("left", "output for the right class")
        else:
            self.output_curve.setData(steps, seq.output[:, 0])
            has = np.isfinite(target[:, 0])
            self.target_curve.setData(steps[has], target[has, 0])
            self.plot.getPlotItem().setLabel("left", "output")


class TimeGradientView(HeavyView):
    """The gradient through time on a log scale."""

    PARTS = frozenset({SEQUENCE})

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.note = QLabel()
        self.note.setObjectName("time_gradient_note")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.plot = pg.PlotWidget(background="w", axisItems={"left": LogAxis("left")})
        self.plot.setObjectName("time_gradient_plot")
        self.pictures = PictureMenu(self.plot, "Gradient through time")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setLogMode(y=True)
        item.getAxis("left").enableAutoSIPrefix(False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setLabel("bottom", "steps before the loss")
        item.setLabel("left", "‖gradient‖")
        item.addLegend(offset=(-6, 4), labelTextSize="8pt")
        self.legend = item.legend
        self.curves: dict[int, pg.PlotDataItem] = {}
        lay.addWidget(self.plot, 1)
        self.follow(controller, self._session)

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        for curve in self.curves.values():
            self.plot.getPlotItem().removeItem(curve)
        self.curves = {}
        self.legend.clear()
        probe = self.controller.probe
        if probe is None or not probe.sequence:
            self.note.setText("The gradient through time is for sequence data.")
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        seq = latest_sequence(self.controller)
        heavy = self.controller.heavy
        if seq is None or heavy is self._heavy or not self.in_sight():
            return False
        self._heavy = heavy
        item = self.plot.getPlotItem()
        last = seq.loss_step
        reach = []
        for k, layer in enumerate(seq.layers):
            if layer.through_time is None:
                continue
            g = np.asarray(layer.through_time[: last + 1], dtype=np.float64)[::-1]  # 0 = the loss's own step
            back = np.arange(len(g), dtype=np.float64)
            curve = self.curves.get(layer.layer_id)
            if curve is None:
                color = CURVE_COLORS[k % len(CURVE_COLORS)]
                curve = self.curves[layer.layer_id] = item.plot([], [], pen=pg.mkPen(color, width=2),
                                                                 symbol="o", symbolSize=4, symbolBrush=color,
                                                                 symbolPen=None, name=layer.name)
            keep = g > 0
            curve.setData(back[keep], g[keep])
            if keep.any() and g[0] > 0:
                far = int(min(10, len(g) - 1))
                reach.append((layer.name, far, g[far] / g[0] if g[far] > 0 else 0.0))
        if reach:
            name, far, ratio = reach[0]
            told = (f"{ratio:.1e}" if ratio > 0 else "nothing") if ratio < 0.01 else f"{ratio:.0%}"
            self.note.setText(f"How much of the loss at step {last + 1} reaches each earlier step of '{name}' "
                              f"(log scale). {far} steps back: {told} of what reaches step {last + 1}.")
        else:
            self.note.setText("No hidden layer receives a gradient from this sequence's last target.")
        return True


class TextSampleView(HeavyView):
    """Text the network writes, one character at a time."""

    PARTS = frozenset({SEQUENCE})

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.text = QLabel()
        self.text.setObjectName("text_sample")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(font)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.text, 1)
        self.follow(controller, self._session)

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        self.text.setText("")
        self.note.setText("Text samples are for the character task (Training data ▸ Sequences ▸ char text).")
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        seq = latest_sequence(self.controller)
        heavy = self.controller.heavy
        if seq is None or seq.text is None or heavy is self._heavy or not self.in_sight():
            return False
        self._heavy = heavy
        snap = self.controller.latest
        epoch = snap.epoch if snap is not None else 0
        self.note.setText(f"Written by the network after {epoch:,} epoch{'s' if epoch != 1 else ''}, starting from "
                          f"'{seq.prompt}', "
                          "each character drawn from its outputs (temperature 0.8) and fed back as the next input.")
        self.text.setText(seq.prompt + seq.text)
        return True



__all__ = ["HiddenStateView", "SequenceFocus", "TextSampleView", "TimeGradientView"]
