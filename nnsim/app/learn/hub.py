"""What the learn-mode tools share: the document, the canvas scene, the
selected neuron, and the stream of events that lessons listen to.

Each tool records what the learner does (``hub.record("backward_done", ...)``);
the lessons panel hears every event through ``event_recorded``. The hub also
opens designs for lessons (asking about unsaved changes when the window can)
and brings tools forward.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from nnsim.app.document import Document
from nnsim.app.host import Host
from nnsim.design.model import Design
from nnsim.lessons.events import EVENTS, Event


class LearnHub(QObject):
    event_recorded = Signal(object)  # nnsim.lessons.Event
    neuron_selected = Signal(object)  # a neuron id, or None
    tool_requested = Signal(str)  # a tool name from nnsim.lessons.TOOLS
    lesson_requested = Signal(str)  # a lesson id
    trace_changed = Signal()  # the step-through's sample numbers changed (``trace``)
    step_started = Signal(object)  # a lesson step began (nnsim.lessons.Step): tools apply its presets
    design_opened = Signal()  # the learner opened another design (New, Open, Revert...), not a lesson
    selection_changed = Signal(list, list, list)  # the canvas's selection: neurons, layers, connections

    def __init__(self, document: Document, scene=None, window: Host | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.scene = scene
        self.window = window
        self.selected_neuron: int | None = None
        self.trace = None  # the step-through's SampleTrace, for the other tools
        self.focus_neuron: int | None = None  # the neuron the step-through is showing
        self._owned = False  # the open design was opened by a lesson and never saved
        self._replacing = False
        self.log: list[Event] = []
        # Tools register how to show themselves: name -> callable.
        self._showers: dict[str, Callable[[], None]] = {}
        if scene is not None:
            scene.selection_changed_ids.connect(self._scene_selection)
        document.reset.connect(self._design_replaced)
        document.path_changed.connect(self._path_changed)

    # -- events ------------------------------------------------------------------------
    def record(self, name: str, **data) -> Event:
        """Report something the learner did; ``name`` must be one of
        ``nnsim.lessons.EVENTS``."""
        if name not in EVENTS:
            raise ValueError(f"unknown learn event '{name}'")
        event = Event(name, data)
        self.log.append(event)
        del self.log[:-500]
        self.event_recorded.emit(event)
        return event

    # -- selection --------------------------------------------------------------------
    def _scene_selection(self, neurons, layers=(), connections=()) -> None:
        self.select_neuron(neurons[0] if len(neurons) == 1 else None)
        self.selection_changed.emit(list(neurons), list(layers), list(connections))

    def select_neuron(self, neuron_id: int | None) -> None:
        if neuron_id != self.selected_neuron:
            self.selected_neuron = neuron_id
            self.neuron_selected.emit(neuron_id)

    def _design_replaced(self) -> None:
        self.select_neuron(None)
        if not self._replacing:
            self._owned = False
            self.design_opened.emit()

    def _path_changed(self) -> None:
        if self.document.path is not None:
            self._owned = False

    # -- the sample in view --------------------------------------------------------------
    def set_trace(self, trace, focus_neuron: int | None) -> None:
        self.trace = trace
        self.focus_neuron = focus_neuron
        self.trace_changed.emit()

    # -- tools and designs -------------------------------------------------------------
    def register_tool(self, name: str, show: Callable[[], None]) -> None:
        self._showers[name] = show

    def show_tool(self, name: str) -> None:
        show = self._showers.get(name)
        if show is not None:
            show()
        self.tool_requested.emit(name)
        self.record("tool_opened", tool=name)

    def open_design(self, design: Design) -> bool:
        """Replace the open design, asking first about unsaved changes when the
        window can ask, unless the design was itself opened by a lesson (its
        changes are the learner's experiments). False when the learner kept
        their design."""
        files = self.window.files if self.window is not None else None
        if not self._owned and files is not None and not files.maybe_save():
            return False
        self._replacing = True
        try:
            self.document.replace(design, None)
        finally:
            self._replacing = False
        self._owned = True
        if self.window is not None:
            self.window.show_canvas()
        return True
