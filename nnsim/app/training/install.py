"""Putting live training into the main window: docks, the Train menu, toolbar
buttons, and the canvas hooks (neuron thumbnails, live weights, selection).

The window calls ``install_training(window)`` once and keeps the result; it
calls ``sync_to_document()`` before saving and ``shutdown()`` when closing.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar, QWidget

from nnsim.app.panels.plots import CostPlot
from nnsim.app.panels.speed import SpeedMenu
from nnsim.app.panels.training_panel import TrainingPanel
from nnsim.app.responsive import hold_width
from nnsim.app.training.actions import TrainingActions
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.pace import SETTINGS_KEY
from nnsim.app.views.confusion import ConfusionView
from nnsim.app.views.histograms import ActivationHistograms
from nnsim.app.views.neuron_maps import NeuronMapsView
from nnsim.app.views.output_map import OutputMap
from nnsim.app.views.sample_view import SampleView

Area = Qt.DockWidgetArea
CANVAS_INTERVAL = 0.2  # s between canvas updates (weights, thumbnails) while training


class TrainingUI(QObject):
    """Everything training adds to a window. ``controller`` does the work;
    the rest are views of it."""

    def __init__(self, window: QMainWindow, document=None, scene=None):
        super().__init__(window)
        self.window = window
        document = document if document is not None else window.document
        self.controller = TrainingController(document, self)
        self._settings = getattr(window, "settings", None)  # the app's QSettings, if the window has them
        if self._settings is not None:
            self.controller.set_pace(str(self._settings.value(SETTINGS_KEY, "") or ""))
            self.controller.pace_changed.connect(self._remember_pace)
        self.actions = TrainingActions(self.controller, self)
        self.panel = TrainingPanel(self.controller, self.actions)
        self.cost = CostPlot(self.controller)
        self.output = OutputMap(self.controller)
        self.neurons = NeuronMapsView(self.controller)
        self.histograms = ActivationHistograms(self.controller)
        self.confusion = ConfusionView(self.controller)
        self.sample = SampleView(self.controller)
        self.docks: dict[str, QDockWidget] = {}
        self._scene = scene if scene is not None else find_scene(window)
        self._thumbs_sent = None
        self._weights_sent = None
        self._canvas_at = 0.0
        self._live_on = False
        self._before_hover: int | None = None  # the neuron shown before the pointer came onto another
        self._build_docks()
        self._build_menu()
        self._hook_canvas()
        self._hook_files()
        self.controller.state_changed.connect(self._tell_message)

    # -- window parts ---------------------------------------------------------------------
    def _dock(self, widget: QWidget, area, title: str, name: str, visible: bool = True,
              tab_with: str | None = None) -> QDockWidget:
        add = getattr(self.window, "add_dock", None)
        if add is not None:  # the window places it (and remembers where the user put it)
            dock = add(widget, area, title, name, visible, tab_with=tab_with)
        else:
            dock = QDockWidget(title, self.window)
            dock.setObjectName(name)
            dock.setWidget(widget)
            partner = self.docks.get(tab_with)
            if partner is not None:
                self.window.tabifyDockWidget(partner, dock)
            else:
                self.window.addDockWidget(area, dock)
            dock.setVisible(visible)
        self.docks[name] = dock
        return dock

    def _build_docks(self) -> None:
        """Training on the left; what the network does with the data on the
        right (the output map and the neuron maps for two inputs, the confusion
        matrix and single samples for more); the plots under the canvas."""
        self._dock(self.panel, Area.LeftDockWidgetArea, "Training", "training_dock")
        output = self._dock(self.output, Area.RightDockWidgetArea, "Output", "training_output_dock")
        self._dock(self.neurons, Area.RightDockWidgetArea, "Neurons", "training_neurons_dock",
                   tab_with="training_output_dock")
        self._dock(self.confusion, Area.RightDockWidgetArea, "Confusion", "training_confusion_dock", visible=False,
                   tab_with="training_output_dock")
        self._dock(self.sample, Area.RightDockWidgetArea, "Sample", "training_sample_dock", visible=False,
                   tab_with="training_output_dock")
        cost = self._dock(self.cost, Area.BottomDockWidgetArea, "Cost", "training_cost_dock")
        self._dock(self.histograms, Area.BottomDockWidgetArea, "Activation histograms", "training_histograms_dock",
                   tab_with="training_cost_dock")
        output.raise_()
        cost.raise_()
        self._two_d: bool | None = None  # the kind of data the views were last fitted to
        if getattr(self.window, "add_dock", None) is None:  # a plain window: size the docks here
            self._size_docks()
            if not self.window.isVisible():  # sizes only stick once the window is laid out
                self.window.installEventFilter(self)
        self.controller.session_changed.connect(self._fit_views_to_data)
        self._fit_views_to_data()

    def _size_docks(self) -> None:
        w, d = self.window, self.docks
        train, output, cost = d["training_dock"], d["training_output_dock"], d["training_cost_dock"]
        w.resizeDocks([train, output], [340, 400], Qt.Orientation.Horizontal)
        w.resizeDocks([cost], [270], Qt.Orientation.Vertical)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.window and event.type() == QEvent.Type.Show:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self._size_docks)
        return False

    @Slot()
    def _fit_views_to_data(self) -> None:
        """The views that mean something for this data: maps over the input
        plane for two inputs; for more, the confusion matrix and single
        samples in their place. Only when the kind of data changes, so a panel
        the user opened stays open."""
        probe = self.controller.probe
        if probe is None or bool(probe.two_d) == self._two_d:
            return
        self._two_d = two_d = bool(probe.two_d)
        d = self.docks
        maps = (d["training_output_dock"], d["training_neurons_dock"])
        tables = (d["training_confusion_dock"], d["training_sample_dock"])
        shown, hidden = (maps, tables) if two_d else (tables, maps)
        place = getattr(self.window, "show_data_views", None)
        if place is not None:  # the window's workspaces show them where they belong
            place(list(shown), list(hidden))
            return
        for dock in shown:
            dock.show()
        for dock in hidden:
            dock.hide()
        shown[0].raise_()

    def _build_menu(self) -> None:
        w = self.window
        add_menu = getattr(w, "add_menu", None)
        menu = add_menu("&Train") if add_menu is not None else w.menuBar().addMenu("&Train")
        a = self.actions
        menu.addAction(a.play)
        menu.addSeparator()
        menu.addActions([a.step_batch, a.step_epoch])
        self.speed_menu = SpeedMenu(self.controller, menu.addMenu("Spee&d"))
        menu.addSeparator()
        menu.addActions([a.reset, a.restart])
        self.menu = menu
        for action in a.all():
            w.addAction(action)  # shortcuts also when the menu bar is hidden
        bar = getattr(w, "main_toolbar", None)
        if bar is None:
            bar = QToolBar("Training", w)
            bar.setObjectName("training_toolbar")
            w.addToolBar(bar)
        bar.addSeparator()
        bar.addActions([a.play, a.step_batch, a.reset])
        play = bar.widgetForAction(a.play)
        if play is not None:  # Play and Pause take the same room: the buttons after it stay put
            hold_width(play, ["Play", "Pause"])
        self.toolbar = bar

    @Slot()
    def _remember_pace(self) -> None:
        """The speed is how this user likes to watch, kept with the app's
        settings (not in the design: it changes no number)."""
        self._settings.setValue(SETTINGS_KEY, self.controller.pace.key)

    # -- files --------------------------------------------------------------------------------
    def _hook_files(self) -> None:
        """Save writes what training reached; closing pauses first (so the
        unsaved-changes question knows about it)."""
        files = getattr(self.window, "files", None)
        about_to_save = getattr(files, "about_to_save", None)
        if about_to_save is not None:
            about_to_save.connect(self._before_save)
        about_to_close = getattr(files, "about_to_close", None)
        if about_to_close is not None:
            about_to_close.connect(self._before_close)

    @Slot()
    def _before_save(self) -> None:
        self.controller.sync_to_document()

    @Slot()
    def _before_close(self) -> None:
        self.controller.pause()
        self.controller.sync_to_document()

    # -- canvas -----------------------------------------------------------------------------------
    def _hook_canvas(self) -> None:
        scene = self._scene
        if scene is None:
            return
        selection = getattr(scene, "selection_changed_ids", None)
        if selection is not None:
            selection.connect(self._canvas_selection)
        hovered = getattr(scene, "neuron_hovered", None)  # optional
        if hovered is not None:
            hovered.connect(self._canvas_hover)
        # Through the frame scheduler: every frame of paced training; at full
        # speed one heavy redraw per frame and at most ~5 times a second (a
        # canvas repaint is not cheap).
        self.controller.add_heavy_view(self._feed_canvas, every_frame=True)
        self.controller.session_changed.connect(self._clear_canvas)

    @Slot(list, list, list)
    def _canvas_selection(self, neurons, layers, connections) -> None:
        if neurons:
            self.controller.select_neuron(int(neurons[0]))
            if self._before_hover is not None:  # clicked while hovering: it stays when the pointer leaves
                self._before_hover = int(neurons[0])

    @Slot(int)
    def _canvas_hover(self, neuron_id: int) -> None:
        """A neuron with a map shows large while the pointer is on it; leaving
        it shows the selected one again."""
        c = self.controller
        probe = c.probe
        if neuron_id is not None and neuron_id >= 0:
            if probe is None or neuron_id not in probe.mapped_ids:
                return
            if self._before_hover is None:
                self._before_hover = c.selected_neuron
            c.select_neuron(int(neuron_id))
        elif self._before_hover is not None:
            back, self._before_hover = self._before_hover, None
            c.select_neuron(back)

    def _feed_canvas(self) -> bool:
        """Live weights and neuron thumbnails to the canvas, together (one
        repaint) and at most every CANVAS_INTERVAL while training."""
        c, scene = self.controller, self._scene
        snap = c.latest
        if snap is None or snap.session_id != c.session_id:
            return False
        heavy = c.heavy
        new_thumbs = heavy is not None and heavy.round_thumbnails is not None and heavy is not self._thumbs_sent
        # Live weights only while training runs; once it stops, the Document
        # holds the trained numbers and the canvas shows the Document's.
        new_weights = snap.params is not None and snap is not self._weights_sent and (snap.running or self._live_on)
        if not (new_thumbs or new_weights):
            return False
        now = time.perf_counter()
        if snap.running and not snap.paced and now - self._canvas_at < CANVAS_INTERVAL:
            return False  # at full speed (a paced frame always reaches the canvas)
        self._canvas_at = now
        set_thumbs = getattr(scene, "set_neuron_thumbnails", None)
        if new_thumbs and set_thumbs is not None:
            self._thumbs_sent = heavy
            set_thumbs(heavy.round_thumbnails)
        set_live = getattr(scene, "set_live_parameters", None)
        if new_weights and set_live is not None:
            self._weights_sent = snap
            self._live_on = snap.running
            set_live(snap.params if snap.running else None)
        return True

    @Slot()
    def _clear_canvas(self) -> None:
        self._thumbs_sent = self._weights_sent = None
        set_live = getattr(self._scene, "set_live_parameters", None)
        if set_live is not None and self._live_on:
            set_live(None)
        self._live_on = False
        set_thumbs = getattr(self._scene, "set_neuron_thumbnails", None)
        if set_thumbs is not None:
            probe = self.controller.probe
            if probe is None or not probe.two_d:
                set_thumbs(None)

    @Slot()
    def _tell_message(self) -> None:
        """Training's message in the status bar too; gone from there as soon
        as it no longer holds (an output neuron was added, say)."""
        show = getattr(self.window, "show_message", None)
        c = self.controller
        told = getattr(self, "_told", "")
        if show is None or c.message == told:
            return
        self._told = c.message
        if c.message:
            show(c.message)
        elif isinstance(self.window, QMainWindow) and self.window.statusBar().currentMessage() == told:
            self.window.statusBar().clearMessage()

    # -- for the window --------------------------------------------------------------------
    def sync_to_document(self) -> bool:
        """Write the trained weights and history into the Document (one undo
        step). Call before saving."""
        return self.controller.sync_to_document()

    def shutdown(self) -> None:
        """Stop training and its thread. Call when the window closes."""
        self.controller.shutdown()


def find_scene(window):
    """The canvas scene of a window, if it has one."""
    scene = getattr(window, "scene", None)
    if scene is not None and not callable(scene):
        return scene
    canvas = getattr(window, "canvas", None)
    if canvas is not None and hasattr(canvas, "scene") and callable(canvas.scene):
        return canvas.scene()
    return None


def install_training(window: QMainWindow) -> TrainingUI:
    """Add live training to ``window`` (which has ``document``; optionally
    ``canvas``/``scene``, ``add_dock``, ``add_menu``, ``main_toolbar``,
    ``show_message``). Keep the returned object; see the module docstring."""
    return TrainingUI(window)
