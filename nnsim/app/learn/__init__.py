"""Learn mode: step through the arithmetic of one sample, the perceptron rule,
the loss landscape, the activation functions, and guided lessons.

``install_learn_mode(window)`` adds the panels as docks and a Learn menu to a
window (a ``nnsim.app.host.Host``); everything else in this package hangs off
the ``LearnHub``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QScrollArea, QWidget

from nnsim.app.host import Host

from nnsim.app.learn.activations_panel import ActivationsPanel
from nnsim.app.learn.compare_panel import ComparePanel
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.landscape_panel import LandscapePanel
from nnsim.app.learn.lessons_panel import LessonsPanel
from nnsim.app.learn.perceptron_panel import PerceptronPanel
from nnsim.app.learn.rnn_lstm_panel import RnnLstmPanel
from nnsim.app.learn.step_panel import StepThroughPanel
from nnsim.app.learn.time_panel import TimeStepsPanel
from nnsim.app.learn.training_link import TrainingLink
from nnsim.app.learn.widgets import DockPanel
from nnsim.app.training.controller import TrainingController

Area = Qt.DockWidgetArea

#: name -> (menu text, dock title, dock object name, area, shortcut)
TOOLS = {
    "lessons": ("&Lessons", "Lessons", "learn_lessons_dock", Area.RightDockWidgetArea, "Ctrl+Shift+L"),
    "step_through": ("&Step Through a Sample", "Step through a sample", "learn_step_dock", Area.BottomDockWidgetArea,
                     "Ctrl+Shift+T"),
    "perceptron": ("&Perceptron", "Perceptron", "learn_perceptron_dock", Area.BottomDockWidgetArea, ""),
    "landscape": ("Loss &Landscape", "Loss landscape", "learn_landscape_dock", Area.BottomDockWidgetArea, ""),
    "activations": ("&Activation Functions", "Activation functions", "learn_activations_dock",
                    Area.BottomDockWidgetArea, ""),
    "compare": ("&Compare Shallow and Deep Networks", "Compare networks", "learn_compare_dock",
                Area.BottomDockWidgetArea, ""),
    "time_steps": ("Step Through &Time", "Step through time", "learn_time_dock", Area.BottomDockWidgetArea, ""),
    "rnn_lstm": ("Compare &RNN and LSTM", "RNN against LSTM", "learn_rnn_lstm_dock", Area.BottomDockWidgetArea, ""),
}


# Tools no workspace places (the tabs under the canvas are full): brought in as
# one more tab of the step-through when it is shown, so they get its width.
JOIN_STEP_TABS = ("time_steps", "rnn_lstm")


def _bring_beside_step(window, mode, dock: QDockWidget) -> None:
    step = mode.docks.get("step_through")
    if step is not None and step.isVisible() and not step.isFloating() and not dock.isVisible() \
            and hasattr(window, "tabifyDockWidget"):
        window.tabifyDockWidget(step, dock)
    window.bring_dock(dock)


# Tools made the first time they are wanted (their dock shown, a lesson step's
# presets, or asked for by name) rather than with the window: most learners
# open few of them, and together they were a third of a window's start.
LAZY = ("perceptron", "landscape", "activations", "compare", "rnn_lstm")

# A lesson step's presets and the tool they are for (a tool made for a step
# takes it at once: it was not yet listening when the step began).
PRESETS = {"compare": "compare", "landscape": "landscape"}


class Panels(dict):
    """Tool name -> panel; a lazy tool's panel is made on first use
    (``panels[name]``); ``name in panels`` says whether it was made."""

    def __init__(self, makers: dict[str, Callable[[], DockPanel]] | None = None):
        super().__init__()
        self.makers = dict(makers or {})

    def __missing__(self, name: str) -> DockPanel:
        make = self.makers.pop(name)  # KeyError: no such tool
        panel = self[name] = make()
        return panel


@dataclass
class LearnMode:
    """What ``install_learn_mode`` made, for the window (and tests) to reach."""

    hub: LearnHub
    panels: Panels = field(default_factory=Panels)
    docks: dict[str, QDockWidget] = field(default_factory=dict)
    actions: dict[str, QAction] = field(default_factory=dict)
    menu: QMenu | None = None
    training_link: TrainingLink | None = None

    @property
    def lessons(self) -> LessonsPanel:
        return self.panels["lessons"]

    @property
    def step_through(self) -> StepThroughPanel:
        return self.panels["step_through"]

    @property
    def perceptron(self) -> PerceptronPanel:
        return self.panels["perceptron"]

    @property
    def landscape(self) -> LandscapePanel:
        return self.panels["landscape"]

    @property
    def activations(self) -> ActivationsPanel:
        return self.panels["activations"]

    @property
    def compare(self) -> ComparePanel:
        return self.panels["compare"]

    @property
    def time_steps(self) -> TimeStepsPanel:
        return self.panels["time_steps"]

    @property
    def rnn_lstm(self) -> RnnLstmPanel:
        return self.panels["rnn_lstm"]

    def show(self, name: str) -> None:
        self.hub.show_tool(name)

    def connect_training(self, controller) -> None:
        """Let lessons hear live training (a ``TrainingController``)."""
        if controller is not None and self.training_link is None:
            self.training_link = TrainingLink(self.hub, controller)


def install_learn_mode(window: Host, training: TrainingController | None = None, lessons=None) -> LearnMode:
    """Add learn mode to a window (a ``nnsim.app.host.Host``): six docks
    (hidden until asked for) and a Learn menu. The numbers go on the window's
    canvas when it has one; opening a lesson's design asks about unsaved
    changes through its files; finished lessons are remembered in its
    settings; ``training`` (the window's live training) lets lessons hear
    training's progress. Returns the ``LearnMode`` (also ``window.learn_mode``)."""
    hub = LearnHub(window.document, window.canvas_scene(), window, parent=window)
    window.selection_changed.connect(hub._scene_selection)
    mode = LearnMode(hub)
    classes = {"lessons": lambda: LessonsPanel(hub, lessons=lessons, settings=window.settings),
               "step_through": StepThroughPanel, "perceptron": PerceptronPanel, "landscape": LandscapePanel,
               "activations": ActivationsPanel, "compare": ComparePanel, "time_steps": TimeStepsPanel,
               "rnn_lstm": RnnLstmPanel}
    makers = {name: (lambda n=name: _made(mode, n, classes[n](hub))) for name in LAZY}
    mode.panels = Panels(makers)
    for name in TOOLS:
        if name not in LAZY:
            mode.panels[name] = classes[name](hub) if name != "lessons" else classes[name]()
    hub.step_started.connect(lambda step: _make_for_step(mode, step))
    mode.menu = window.add_menu("&Learn")
    # Tools under the canvas join the plots there (the cost curves) as tabs; the
    # lessons share a tab with the inspector (tabs only in the default layout:
    # a place the user chose is remembered).
    partners = {Area.BottomDockWidgetArea: "training_cost_dock" if window.dock("training_cost_dock") else None,
                Area.RightDockWidgetArea: "inspector_dock"}
    for name, (text, title, object_name, area, keys) in TOOLS.items():
        if name in LAZY:  # an empty page until the panel is made
            content = QWidget()
            content.setObjectName(object_name.removesuffix("_dock"))
        else:
            content = mode.panels[name]
        dock = window.add_dock(content, area, title, object_name, visible=False, tab_with=partners.get(area),
                               scroll=True)
        mode.docks[name] = dock
        # A tab behind another is out of view, not hidden; a lazy tool is made when its dock comes into view.
        dock.visibilityChanged.connect(lambda visible, n=name: _in_view(mode, n, visible))
        if area == Area.BottomDockWidgetArea and partners[area] is None:
            partners[area] = object_name
        # The window's workspaces know where it belongs (a plain window gives it room).
        if name in JOIN_STEP_TABS:
            hub.register_tool(name, lambda d=dock, n=name: (mode.panels[n], _bring_beside_step(window, mode, d)))
        else:
            hub.register_tool(name, lambda d=dock, n=name: (mode.panels[n], window.bring_dock(d)))
        action = QAction(text, window)
        action.setObjectName(f"learn_{name}_action")
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False, n=name: hub.show_tool(n))
        mode.menu.addAction(action)
        mode.actions[name] = action
        if name == "lessons":
            mode.menu.addSeparator()
    mode.connect_training(training)
    window.learn_mode = mode
    return mode


def _made(mode: LearnMode, name: str, panel: DockPanel) -> DockPanel:
    """A lazy tool's panel was made: it takes the place of its dock's empty page."""
    dock = mode.docks.get(name)
    if dock is not None:
        scroll = dock.widget()
        if isinstance(scroll, QScrollArea):
            scroll.setWidget(panel)  # the empty page is deleted
        else:
            dock.setWidget(panel)
        panel.set_in_view(dock.isVisible() and not dock.visibleRegion().isEmpty())
    return panel


def _in_view(mode: LearnMode, name: str, visible: bool) -> None:
    if visible or name in mode.panels:
        mode.panels[name].set_in_view(visible)


def _make_for_step(mode: LearnMode, step) -> None:
    for preset, name in PRESETS.items():
        if getattr(step, preset, None) and name not in mode.panels:
            mode.panels[name].apply_step(step)


__all__ = ["LearnHub", "LearnMode", "install_learn_mode"]
