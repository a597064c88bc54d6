"""Putting live training into the main window: docks, the Train menu, toolbar
buttons, and the canvas hooks (neuron thumbnails, live numbers, selection).

The window (a ``nnsim.app.host.Host``) calls ``install_training(window)``
once and keeps the result; training syncs its numbers into the Document
before a save and pauses before the window closes (the window's file
hooks), and the window calls ``shutdown()`` when closing.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QWidget

from nnsim.app.host import Host

from nnsim.app.panels.plots import CostPlot
from nnsim.app.panels.speed import SpeedMenu
from nnsim.app.panels.training_panel import TrainingPanel
from nnsim.app.responsive import hold_width
from nnsim.app.training import prepared
from nnsim.app.training.actions import TrainingActions
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.pace import SETTINGS_KEY
from nnsim.app.training.gan_probe import GanProbe
from nnsim.app.training.sequence_install import SequenceViews
from nnsim.app.training.snapshot import BLOCKS, MAPS, ROUND
from nnsim.app.views.common import in_sight
from nnsim.app.views.confusion import ConfusionView
from nnsim.app.views.gan_view import GanView
from nnsim.app.views.histograms import ActivationHistograms
from nnsim.app.views.neuron_maps import NeuronMapsView
from nnsim.app.views.output_map import OutputMap
from nnsim.app.views.sample_view import SampleView
from nnsim.app.workspaces import DATA_VIEWS

Area = Qt.DockWidgetArea
CANVAS_INTERVAL = 0.2  # s between canvas updates (weights, thumbnails) while training


class TrainingUI(QObject):
    """Everything training adds to a window. ``controller`` does the work;
    the rest are views of it."""

    def __init__(self, window: Host):
        super().__init__(window)
        self.window = window
        self.controller = TrainingController(window.document, self)
        self._settings = window.settings  # the app's QSettings, if the window has them
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
        self.gan = GanView(self.controller)
        self.docks: dict[str, QDockWidget] = {}
        self._scene = window.canvas_scene()
        self._thumbs_sent = None
        self._blocks_sent = None
        self._weights_sent = None
        self._canvas_at = 0.0
        self._live_on = False
        self._before_hover: int | None = None  # the neuron shown before the pointer came onto another
        self._told = ""  # the message last put in the status bar
        self._build_docks()
        self.controller.sample_opened.connect(self._bring_sample)
        self._build_menu()
        self._hook_canvas()
        self._hook_files()
        self.controller.state_changed.connect(self._tell_message)

    # -- window parts ---------------------------------------------------------------------
    def _dock(self, widget: QWidget, area, title: str, name: str, visible: bool = True,
              tab_with: str | None = None, size: int | None = None, scroll: bool = False) -> QDockWidget:
        # The window places it (and remembers where the user put it).
        dock = self.window.add_dock(widget, area, title, name, visible, tab_with=tab_with, size=size, scroll=scroll)
        self.docks[name] = dock
        dock.visibilityChanged.connect(self._dock_visibility)
        return dock

    @Slot(bool)
    def _dock_visibility(self, shown: bool) -> None:
        """A dock came into sight (shown, or its tab chosen; a dock behind a
        tab stays 'visible' to Qt, so its views were not drawn meanwhile):
        its views draw what there is now, once the layout has placed them."""
        dock = self.sender()
        if shown and isinstance(dock, QDockWidget):
            QTimer.singleShot(0, lambda: self._came_into_sight(dock))

    @staticmethod
    def _came_into_sight(dock: QDockWidget) -> None:
        try:
            widget = dock.widget()
            views = [widget, *widget.findChildren(QWidget)] if widget is not None else []
        except RuntimeError:  # closed meanwhile
            return
        for view in views:
            if hasattr(view, "came_into_sight") and in_sight(view):
                view.came_into_sight()

    @Slot()
    def _bring_sample(self) -> None:
        """A view opened a sample (a confusion-matrix cell's list): show it."""
        self.window.bring_dock(self.docks["training_sample_dock"])

    def _build_docks(self) -> None:
        """Training on the left; what the network does with the data on the
        right (the output map and the neuron maps for two inputs, the confusion
        matrix and single samples for more); the plots under the canvas."""
        self._dock(self.panel, Area.LeftDockWidgetArea, "Training", "training_dock", size=340)
        output = self._dock(self.output, Area.RightDockWidgetArea, "Output", "training_output_dock", size=400)
        self._dock(self.neurons, Area.RightDockWidgetArea, "Neurons", "training_neurons_dock",
                   tab_with="training_output_dock")
        self._dock(self.confusion, Area.RightDockWidgetArea, "Confusion", "training_confusion_dock", visible=False,
                   tab_with="training_output_dock", scroll=True)  # a window short of room scrolls the table
        self._dock(self.sample, Area.RightDockWidgetArea, "Sample", "training_sample_dock", visible=False,
                   tab_with="training_output_dock", scroll=True)
        self._dock(self.gan, Area.RightDockWidgetArea, "GAN", "training_gan_dock", visible=False,
                   tab_with="training_output_dock", scroll=True)
        cost = self._dock(self.cost, Area.BottomDockWidgetArea, "Cost", "training_cost_dock", size=270)
        self._dock(self.histograms, Area.BottomDockWidgetArea, "Activation histograms", "training_histograms_dock",
                   tab_with="training_cost_dock")
        self.sequence = SequenceViews(self)
        output.raise_()
        cost.raise_()
        self._two_d = None  # the kind of data the views were last fitted to (maps, tables, sequences, a GAN)
        self.controller.session_changed.connect(self._fit_views_to_data)
        self._fit_views_to_data()

    @Slot()
    def _fit_views_to_data(self) -> None:
        """The views that mean something for this data: maps over the input
        plane for two inputs; for more, the confusion matrix and single
        samples in their place. Only when the kind of data changes, so a panel
        the user opened stays open."""
        probe = self.controller.probe
        if probe is None:
            return
        if isinstance(probe, GanProbe):
            gan = self.docks["training_gan_dock"]
            shown, hidden, kind = [gan], [d for name, d in self.docks.items() if name in DATA_VIEWS and d is not gan], "gan"
        else:
            shown, hidden, kind = self.sequence.fit(probe, self.docks)
            hidden.append(self.docks["training_gan_dock"])
        if kind == self._two_d:
            return
        self._two_d = kind
        self.window.show_data_views(list(shown), list(hidden))  # where the window's workspaces have them
        if kind == "gan":
            shown[0].raise_()

    def _build_menu(self) -> None:
        w = self.window
        menu = w.add_menu("&Train")
        a = self.actions
        menu.addAction(a.play)
        menu.addSeparator()
        menu.addActions([a.step_batch, a.step_epoch])
        self.speed_menu = SpeedMenu(self.controller, menu.addMenu("Spee&d"))
        menu.addSeparator()
        menu.addActions([a.reset, a.restart])
        self.menu = menu
        w.add_shortcuts(a.all())  # shortcuts also when the menu bar is hidden
        bar = w.main_toolbar
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
        files = self.window.files
        if files is not None:
            files.after_read.append(prepared.prepare)  # a large file's design is compiled on the reading thread
            files.about_to_save.connect(self._before_save)
            files.about_to_close.connect(self._before_close)

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
        self.gan.round.highlight = scene.highlight_group  # a slow GAN round lights the network at work
        scene.selection_changed_ids.connect(self._canvas_selection)
        scene.neuron_hovered.connect(self._canvas_hover)
        # Through the frame scheduler: every frame of paced training; at full
        # speed one heavy redraw per frame and at most ~5 times a second (a
        # canvas repaint is not cheap).
        self.controller.add_heavy_view(self._feed_canvas, every_frame=True, parts=(MAPS, ROUND, BLOCKS),
                                       shown=self._canvas_in_sight)
        self.controller.session_changed.connect(self._clear_canvas)

    def _canvas_in_sight(self) -> bool:
        views = getattr(self._scene, "views", None)
        return views is None or any(in_sight(view) for view in views())

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
        new_blocks = heavy is not None and heavy.block_maps is not None and heavy is not self._blocks_sent
        # Live weights only while training runs; once it stops, the Document
        # holds the trained numbers and the canvas shows the Document's.
        new_weights = snap.params is not None and snap is not self._weights_sent and (snap.running or self._live_on)
        if not (new_thumbs or new_weights or new_blocks):
            return False
        now = time.perf_counter()
        if snap.running and not snap.paced and now - self._canvas_at < CANVAS_INTERVAL:
            return False  # at full speed (a paced frame always reaches the canvas)
        self._canvas_at = now
        if new_thumbs:
            self._thumbs_sent = heavy
            scene.set_neuron_thumbnails(heavy.round_thumbnails)
        if new_blocks:
            self._blocks_sent = heavy
            scene.set_block_images(heavy.block_maps, heavy.block_kernels)
        if new_weights:
            self._weights_sent = snap
            self._live_on = snap.running
            scene.set_live_parameters(snap.params if snap.running else None)
        return True

    @Slot()
    def _clear_canvas(self) -> None:
        self._thumbs_sent = self._weights_sent = self._blocks_sent = None
        scene = self._scene
        if scene is None:
            return
        if self._live_on:
            scene.set_live_parameters(None)
        self._live_on = False
        probe = self.controller.probe
        if probe is None or not probe.two_d:
            scene.set_neuron_thumbnails(None)
        scene.set_block_images(None, None)

    @Slot()
    def _tell_message(self) -> None:
        """Training's message in the status bar too; gone from there as soon
        as it no longer holds (an output neuron was added, say)."""
        c, told = self.controller, self._told
        if c.message == told:
            return
        self._told = c.message
        if c.message:
            self.window.show_message(c.message)
        else:
            self.window.clear_message(told)

    # -- for the window --------------------------------------------------------------------
    def sync_to_document(self) -> bool:
        """Write the trained weights and history into the Document (one undo
        step). Call before saving."""
        return self.controller.sync_to_document()

    def shutdown(self) -> None:
        """Stop training and its thread. Call when the window closes."""
        self.controller.shutdown()


def install_training(window: Host) -> TrainingUI:
    """Add live training to ``window`` (see ``nnsim.app.host.Host`` for what
    it offers). Keep the returned object; see the module docstring."""
    return TrainingUI(window)
