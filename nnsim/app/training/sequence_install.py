"""The sequence views in the window: their docks (on the right, where the
maps and tables of other data stand) and the choice of which of training's
data views fit the data at hand (maps for two inputs, tables for more, the
sequence views for sequences)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nnsim.app.views.sequence_views import HiddenStateView, SequenceFocus, TextSampleView, TimeGradientView

Area = Qt.DockWidgetArea

# Dock names, in their tab order on the right.
SEQUENCE_DOCKS = ("training_hidden_state_dock", "training_time_gradient_dock", "training_text_dock")


class SequenceViews:
    """The sequence views of a ``TrainingUI`` (``ui.sequence``)."""

    def __init__(self, ui):
        self.ui = ui
        controller = ui.controller
        self.focus = SequenceFocus(controller, ui)
        self.hidden_state = HiddenStateView(controller, self.focus)
        self.time_gradient = TimeGradientView(controller)
        self.text = TextSampleView(controller)
        views = (("Hidden state", self.hidden_state), ("Through time", self.time_gradient),
                 ("Text samples", self.text))
        for (title, widget), name in zip(views, SEQUENCE_DOCKS):
            ui._dock(widget, Area.RightDockWidgetArea, title, name, visible=False,
                     tab_with="training_output_dock")

    def fit(self, probe, docks) -> tuple[list, list, object]:
        """(shown, hidden, kind) of training's data views for this probe's data."""
        maps = [docks["training_output_dock"], docks["training_neurons_dock"]]
        tables = [docks["training_confusion_dock"], docks["training_sample_dock"]]
        sequence = [docks[name] for name in SEQUENCE_DOCKS]
        if probe.sequence:
            shown = sequence[:2] + ([sequence[2]] if probe.sequence_probe.is_text else [])
            if probe.is_classification:
                shown.append(tables[0])
            return shown, [d for d in maps + tables + sequence if d not in shown], ("sequence", tuple(shown))
        if probe.two_d:
            return maps, tables + sequence, "maps"
        return tables, maps + sequence, "tables"
