"""The sequence views in the window: their docks (on the right, where the
maps and tables of other data stand) and the choice of which of training's
data views fit the data at hand (maps for two inputs, tables for more, the
sequence views for sequences)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from nnsim.app.views.common import in_sight
from nnsim.app.views.lstm_views import CellView, GateHeatmapView
from nnsim.app.views.sequence_views import HiddenStateView, SequenceFocus, TextSampleView, TimeGradientView
from nnsim.app.views.unrolled import UnrolledView

Area = Qt.DockWidgetArea

# Dock names, in their tab order on the right.
SEQUENCE_DOCKS = ("training_hidden_state_dock", "training_time_gradient_dock", "training_unrolled_dock",
                  "training_text_dock")
LSTM_DOCKS = ("training_lstm_cell_dock", "training_gates_dock")  # on the right; under the canvas


class SequenceViews:
    """The sequence views of a ``TrainingUI`` (``ui.sequence``)."""

    def __init__(self, ui):
        self.ui = ui
        controller = ui.controller
        self.focus = SequenceFocus(controller, ui)
        self.hidden_state = HiddenStateView(controller, self.focus)
        self.time_gradient = TimeGradientView(controller)
        self.unrolled = UnrolledView(controller, self.focus)
        self.text = TextSampleView(controller)
        views = (("Hidden state", self.hidden_state), ("Through time", self.time_gradient),
                 ("Unrolled", self.unrolled), ("Text samples", self.text))
        for (title, widget), name in zip(views, SEQUENCE_DOCKS):
            ui._dock(widget, Area.RightDockWidgetArea, title, name, visible=False,
                     tab_with="training_output_dock")
        self.cell = CellView(controller, self.focus)
        self.gates = GateHeatmapView(controller, self.focus)
        ui._dock(self.cell, Area.RightDockWidgetArea, "LSTM cell", LSTM_DOCKS[0], visible=False,
                 tab_with="training_output_dock")
        ui._dock(self.gates, Area.BottomDockWidgetArea, "Gates over time", LSTM_DOCKS[1], visible=False,
                 tab_with="training_cost_dock")
        scene = ui.window.canvas_scene()
        if scene is not None:
            scene.selection_changed_ids.connect(self._selected)
        for name in SEQUENCE_DOCKS + LSTM_DOCKS:
            ui.docks[name].visibilityChanged.connect(self._soon)
        controller.session_changed.connect(self._update_wanted)
        self._update_wanted()

    def _soon(self, *_) -> None:
        QTimer.singleShot(0, self._update_wanted)  # once the dock's widgets are shown or hidden

    def _update_wanted(self, *_) -> None:
        """The worker measures the chosen sequence only while a view of it is
        in sight (a tab behind another is not), the text sample only for the
        text view; coming into sight while paused measures it at once."""
        probe = self.ui.controller.probe
        seq = None if probe is None else probe.sequence_probe
        if seq is None:
            return
        views = (self.hidden_state, self.time_gradient, self.unrolled, self.text, self.cell, self.gates)
        wanted = any(in_sight(v) for v in views)
        want_text = in_sight(self.text)
        more = (wanted and not seq.wanted) or (want_text and not seq.want_text)
        seq.wanted, seq.want_text = wanted, want_text
        if more and not self.ui.controller.playing:
            self.ui.controller.set_sample(self.focus.which, self.focus.index)

    def _selected(self, neurons, layers, connections) -> None:
        """An LSTM layer selected on the canvas: its cell view comes forward."""
        if len(layers) != 1 or neurons:
            return
        layer = self.ui.window.document.index.layer(int(layers[0]))
        if layer is None or layer.type != "lstm":
            return
        self.cell.choose_layer(layer.id)
        self.ui.window.bring_dock(self.ui.docks[LSTM_DOCKS[0]])

    def fit(self, probe, docks) -> tuple[list, list, object]:
        """(shown, hidden, kind) of training's data views for this probe's data."""
        maps = [docks["training_output_dock"], docks["training_neurons_dock"]]
        tables = [docks["training_confusion_dock"], docks["training_sample_dock"]]
        sequence = [docks[name] for name in SEQUENCE_DOCKS + LSTM_DOCKS]
        if probe.sequence:
            shown = sequence[:3] + ([sequence[3]] if probe.sequence_probe.is_text else [])
            types = {getattr(node.op, "type", "") for node in probe.session.network.layers}
            if "lstm" in types:
                shown += sequence[4:]  # the cell view and the gates
            elif "gru" in types:
                shown.append(sequence[5])  # the gates
            if probe.is_classification:
                shown.append(tables[0])
            return shown, [d for d in maps + tables + sequence if d not in shown], ("sequence", tuple(shown))
        if probe.two_d:
            return maps, tables + sequence, "maps"
        return tables, maps + sequence, "tables"
