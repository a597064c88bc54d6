"""Learn mode: step through the arithmetic of one sample, the perceptron rule,
the loss landscape, the activation functions, and guided lessons.

``install_learn_mode(window)`` adds the panels as docks and a Learn menu to a
main window; everything else in this package hangs off the ``LearnHub``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from nnsim.app.learn.activations_panel import ActivationsPanel
from nnsim.app.learn.compare_panel import ComparePanel
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.landscape_panel import LandscapePanel
from nnsim.app.learn.lessons_panel import LessonsPanel
from nnsim.app.learn.perceptron_panel import PerceptronPanel
from nnsim.app.learn.step_panel import StepThroughPanel
from nnsim.app.learn.training_link import TrainingLink

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
}


@dataclass
class LearnMode:
    """What ``install_learn_mode`` made, for the window (and tests) to reach."""

    hub: LearnHub
    panels: dict[str, QWidget] = field(default_factory=dict)
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

    def show(self, name: str) -> None:
        self.hub.show_tool(name)

    def connect_training(self, controller) -> None:
        """Let lessons hear live training (a ``TrainingController``)."""
        if controller is not None and self.training_link is None:
            self.training_link = TrainingLink(self.hub, controller)


def _scene_of(window):
    scene = getattr(window, "scene", None)
    if scene is not None and not callable(scene):
        return scene
    canvas = getattr(window, "canvas", None)
    if canvas is not None and hasattr(canvas, "scene"):
        return canvas.scene()
    return None


def _is_controller(c) -> bool:
    return c is not None and hasattr(c, "updated") and hasattr(c, "state_changed")


def _training_of(window):
    """The window's TrainingController: ``window.training`` (the controller, or
    the TrainingUI that ``install_training`` returns, which holds it)."""
    for name in ("training", "training_ui", "training_controller"):
        c = getattr(window, name, None)
        if _is_controller(c):
            return c
        if _is_controller(getattr(c, "controller", None)):
            return c.controller
    return None


#: The share of the window's height a tool under the canvas gets when it first
#: appears (its plot is sized to that height), and the bounds in pixels.
BOTTOM_SHARE, BOTTOM_MIN, BOTTOM_MAX = 0.4, 260, 440
#: The lesson's share of the right-hand column, over the dock(s) below it.
LESSON_SHARE = 0.68


def _give_room(window: QMainWindow, dock: QDockWidget, area) -> None:
    """The first time a learn dock appears, give it a useful size: tools
    under the canvas about two fifths of the height (they lay out sideways,
    their plots as tall as the dock); the lessons most of the right-hand
    column, so the lesson's words, its to-do list and its buttons are all
    in view."""
    if area == Area.BottomDockWidgetArea:
        height = max(BOTTOM_MIN, min(BOTTOM_MAX, int(window.height() * BOTTOM_SHARE)))
        window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
        return
    window.resizeDocks([dock], [max(340, dock.width())], Qt.Orientation.Horizontal)
    column = [
        d
        for d in window.findChildren(QDockWidget)
        if d is not dock and d.isVisible() and not d.isFloating() and window.dockWidgetArea(d) == area
        and dock not in window.tabifiedDockWidgets(d)
    ]
    if column:
        share = window.height() - 100
        rest = int(share * (1 - LESSON_SHARE) / len(column))
        window.resizeDocks([dock] + column, [int(share * LESSON_SHARE)] + [rest] * len(column),
                           Qt.Orientation.Vertical)


def install_learn_mode(window: QMainWindow, training=None, lessons=None) -> LearnMode:
    """Add learn mode to a main window: six docks (hidden until asked for) and
    a Learn menu. The window needs ``document``; it may offer ``scene`` or
    ``canvas`` (the numbers go on the canvas), ``add_dock``/``add_menu``,
    ``files`` (to ask about unsaved changes), ``settings`` (to remember
    finished lessons) and a training controller (``training=``, or as
    ``window.training``). It also lets the right-hand dock column reach the
    bottom edge (``setCorner``), so the lesson keeps its height when tools
    open under the canvas. Returns the ``LearnMode`` (also ``window.learn_mode``)."""
    document = window.document
    hub = LearnHub(document, _scene_of(window), window, parent=window)
    selection = getattr(window, "selection_changed", None)
    if selection is not None:
        selection.connect(hub._scene_selection)
    mode = LearnMode(hub)
    settings = getattr(window, "settings", None)
    mode.panels = {
        "lessons": LessonsPanel(hub, lessons=lessons, settings=settings),
        "step_through": StepThroughPanel(hub),
        "perceptron": PerceptronPanel(hub),
        "landscape": LandscapePanel(hub),
        "activations": ActivationsPanel(hub),
        "compare": ComparePanel(hub),
    }
    add_menu = getattr(window, "add_menu", None)
    mode.menu = add_menu("&Learn") if add_menu is not None else window.menuBar().addMenu("&Learn")
    # Tools under the canvas join the plots there (the cost curves) as tabs; the
    # lessons share a tab with the inspector (tabs only in the default layout:
    # a place the user chose is remembered).
    bottom = window.findChild(QDockWidget, "training_cost_dock") or next(
        (d for d in window.findChildren(QDockWidget)
         if window.dockWidgetArea(d) == Area.BottomDockWidgetArea and not d.isFloating()), None)
    partners = {Area.BottomDockWidgetArea: bottom.objectName() if bottom is not None else None,
                Area.RightDockWidgetArea: "inspector_dock"}
    for name, (text, title, object_name, area, keys) in TOOLS.items():
        panel = mode.panels[name]
        add_dock = getattr(window, "add_dock", None)
        if add_dock is not None:
            dock = add_dock(panel, area, title, object_name, visible=False, tab_with=partners.get(area), scroll=True)
        else:
            dock = QDockWidget(title, window)
            dock.setObjectName(object_name)
            dock.setWidget(panel)
            partner = window.findChild(QDockWidget, partners.get(area) or "")
            if partner is not None:
                window.tabifyDockWidget(partner, dock)
            else:
                window.addDockWidget(area, dock)
            dock.hide()
        mode.docks[name] = dock
        in_view = getattr(panel, "set_in_view", None)
        if in_view is not None:  # a tab behind another one is out of view but not hidden
            dock.visibilityChanged.connect(in_view)
        if area == Area.BottomDockWidgetArea and partners[area] is None:
            partners[area] = object_name

        def show(d=dock, a=area):
            bring = getattr(window, "bring_dock", None)
            if bring is not None:  # the window's workspaces know where it belongs
                bring(d)
                return
            first = not d.isVisible() and not d.property("learn_sized")
            d.show()
            d.raise_()
            if first:
                d.setProperty("learn_sized", True)
                _give_room(window, d, a)

        hub.register_tool(name, show)
        action = QAction(text, window)
        action.setObjectName(f"learn_{name}_action")
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False, n=name: hub.show_tool(n))
        mode.menu.addAction(action)
        mode.actions[name] = action
        if name == "lessons":
            mode.menu.addSeparator()
    if training is not None and not _is_controller(training):
        training = getattr(training, "controller", None)
    mode.connect_training(training if training is not None else _training_of(window))
    # The right-hand column (inspector, lessons) reaches down to the bottom edge, so a
    # lesson's words keep their height when tools open under the canvas.
    window.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
    window.learn_mode = mode
    return mode


__all__ = ["LearnHub", "LearnMode", "install_learn_mode"]
