"""The main window: puts the parts together and computes nothing.

Canvas in the middle (with the welcome gallery in its place while the design
is empty), the palette on the left, the inspector and the undo history on the
right, menus, one toolbar and a status bar.

The window is the ``Host`` (``nnsim.app.host``) that live training and learn
mode install themselves into:

* ``add_dock(widget, area, title, name=None, visible=True, tab_with=None,
  scroll=False, size=None) -> QDockWidget``: a dock whose show/hide action
  appears in View ▸ Panels and whose place is remembered between runs;
  ``tab_with`` (a dock or its object name) makes it a tab of that dock where
  no workspace places it, ``scroll`` puts a tall or wide panel in a scroll
  area (``nnsim.app.layout``); the workspaces (``nnsim.app.workspaces``) say
  which docks each shows, where and how large (``size`` is not needed here);
* ``dock(name)``, ``bring_dock(dock)`` (show a dock in front, switching to the
  workspace that has it when the current one does not), ``show_data_views``;
* ``add_menu(title) -> QMenu``: a menu inserted before Help; ``add_shortcuts``;
* ``main_toolbar``: the toolbar (``addSeparator``/``addAction`` on it);
* ``show_message(text)``, ``clear_message(text)``: the status bar;
* ``selection_changed(neurons, layers, connections)``: the canvas's selection;
  ``canvas_scene()``: the scene (training's thumbnails and live numbers);
* ``files.about_to_save`` / ``files.about_to_close``: signals emitted before a
  file is written and before the window asks about unsaved changes on close
  (live training syncs its numbers into the Document there);
  ``files.maybe_save()``, ``show_canvas()`` (leave the welcome gallery);
* ``document``, ``settings``; besides: ``canvas``, ``inspector``, ``palette``,
  ``acts`` (the actions).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QUndoView,
    QWidget,
)

from nnsim import __version__
from nnsim.app.actions import (
    Actions,
    ShortcutsDialog,
    build_menus,
    build_toolbar,
    connect_consecutive,
    fill_examples_menu,
    fill_recent_menu,
    layer_columns,
    menu_actions,
)
from nnsim.app.canvas import CanvasScene, CanvasView
from nnsim.app.canvas.placing import add_block_in_view, add_part_in_view
from nnsim.app.document import Document
from nnsim.app.files import Autosaver, FileManager
from nnsim.app.layout import DockPlaces, SweepAfterLayout, default_geometry, scrolling, set_corners
from nnsim.app.learn import install_learn_mode
from nnsim.app.panels.inspector import Inspector
from nnsim.app.panels.palette import Palette
from nnsim.app.panels.welcome import WelcomePage
from nnsim.app.learn.conv_step_panel import install_conv_step
from nnsim.app.learn.draw_pad import install_draw_pad
from nnsim.app.panel_focus import install_panel_focus
from nnsim.app.presenting import install_presenting
from nnsim.app.settings import RecentFiles, open_settings
from nnsim.app.training import install_training
from nnsim.app.training.actions import is_play_key
from nnsim.app.workspaces import Workspaces
from nnsim.design.recipes import EditError
from nnsim.explain import count

Area = Qt.DockWidgetArea
MESSAGE_MS = 8000


class HistoryView(QUndoView):
    """The undo history; a click or a key that jumps in it goes through the
    Document, so live training writes itself in first."""

    def __init__(self, document: Document):
        super().__init__(document.undo_stack)
        self.document = document

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # A row clicked while training plays means "back to that state": the
        # training so far becomes a step first (so it can be redone).
        if event.button() == Qt.MouseButton.LeftButton and self.indexAt(event.position().toPoint()).isValid():
            self.document.history_move_requested.emit()
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End,
                           Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.document.history_move_requested.emit()
        super().keyPressEvent(event)


class MainWindow(QMainWindow):
    selection_changed = Signal(list, list, list)

    def __init__(self, settings: QSettings | None = None, document: Document | None = None,
                 reset_layout: bool = False):
        super().__init__()
        self.setObjectName("main_window")
        self.settings = settings if settings is not None else open_settings()
        self.document = document if document is not None else Document(parent=self)
        self.selection: tuple[list, list, list] = ([], [], [])

        self.scene = CanvasScene(self.document, self)  # the view does not own its scene
        self.canvas = CanvasView(self.scene)
        self.welcome = WelcomePage()
        self.central = QStackedWidget()
        self.central.addWidget(self.welcome)
        self.central.addWidget(self.canvas)
        self.setCentralWidget(self.central)

        self.autosaver = Autosaver(self.document, parent=self)
        self.files = FileManager(self.document, self, RecentFiles(self.settings), self.autosaver)
        self.files.after_read.append(self.scene.prepare)  # a large file's connection table, made as it is read

        self.setDockNestingEnabled(True)
        set_corners(self)
        self.dock_places = DockPlaces(self)
        self.workspaces = Workspaces(self, self.settings)
        # Qt can leave copies of dock tab bars behind; they are swept away after
        # every change of the layout (see ``hide_stray_tab_bars``).
        self._sweep = SweepAfterLayout(self)
        self.palette = Palette()
        self.palette_dock = self.add_dock(self.palette, Area.LeftDockWidgetArea, "Parts", "palette_dock",
                                          scroll=True)
        self.inspector = Inspector(self.document)
        self.inspector_dock = self.add_dock(self.inspector, Area.RightDockWidgetArea, "Inspector", "inspector_dock")
        self.undo_view = HistoryView(self.document)
        self.undo_view.setEmptyLabel("<opened>")
        self.history_dock = self.add_dock(self.undo_view, Area.RightDockWidgetArea, "History", "history_dock",
                                          visible=False, tab_with="inspector_dock")

        self.acts = Actions(self)
        self.menus = build_menus(self, self.acts)
        for dock in (self.palette_dock, self.inspector_dock, self.history_dock):
            self.panels_menu.addAction(dock.toggleViewAction())
        self.reset_layout_action = QAction("&Reset Layout", self)
        self.reset_layout_action.setObjectName("reset_layout")
        self.reset_layout_action.setStatusTip("Put every panel of every workspace back where it was at first start")
        self.reset_layout_action.triggered.connect(self.reset_layout)
        self.panels_menu.addSeparator()
        self.panels_menu.addAction(self.reset_layout_action)
        workspace_menu = QMenu("&Workspace", self)
        workspace_menu.setObjectName("workspace_menu")
        self.menus["view"].insertMenu(self.panels_menu.menuAction(), workspace_menu)
        workspace_menu.addActions(list(self.workspaces.actions.values()))
        workspace_menu.addSeparator()
        workspace_menu.addAction(self.reset_layout_action)
        self.main_toolbar = build_toolbar(self, self.acts)
        self.addToolBar(self.main_toolbar)

        self.counts_label = QLabel()
        self.zoom_label = QLabel()
        for label in (self.counts_label, self.zoom_label):
            label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.zoom_label)

        self._wire()
        self._update_title()
        self._update_counts()
        self.update_zoom()
        self._show_selection([], [], [])
        self._choose_central(reset=True)
        # Live training and learn mode add their own docks, menus and actions;
        # both before the layout is restored so their docks find their places.
        self.training = install_training(self)
        # Redo would be lost to the step that playing training becomes: not while it plays.
        self.acts.redo_blocked = lambda: self.training.controller.playing
        self.training.controller.state_changed.connect(self.acts.update_history_actions)
        self.learn_mode = install_learn_mode(self, training=self.training.controller)
        self.presenting = install_presenting(self)  # text size, full screen and presentation mode (View)
        self.draw_pad, _, _ = install_draw_pad(self, self.training.controller)
        self.conv_step, _, _ = install_conv_step(self)
        self.panel_focus = install_panel_focus(self)  # F6 between panels, a frame round the one with the keys
        # The workspace switcher at the menu bar's right end (as Blender's workspace
        # tabs beside its menus): always in view, however narrow the window.
        self.workspace_switcher = self.workspaces.switcher()  # (kept: the menu bar does not own it)
        self.menuBar().setCornerWidget(self.workspace_switcher, Qt.Corner.TopRightCorner)
        self.restore_layout(reset=reset_layout)

    # -- extension points --------------------------------------------------------------
    def add_dock(self, widget: QWidget, area: Qt.DockWidgetArea, title: str, name: str | None = None,
                 visible: bool = True, tab_with: QDockWidget | str | None = None,
                 scroll: bool = False, size: int | None = None) -> QDockWidget:
        """A dock panel; its show/hide action goes into View ▸ Panels and its place
        and visibility are remembered (give each a stable ``name``). By default it
        goes to ``area``, or becomes a tab of ``tab_with``; ``scroll`` wraps a
        panel that may be taller or wider than its dock in a scroll area. The
        workspaces size the docks (``size`` is for windows without them)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name or f"{title.lower().replace(' ', '_')}_dock")
        dock.setWidget(scrolling(widget) if scroll else widget)
        self.dock_places.record(dock, area, tab_with, visible)
        self._sweep.watch(dock)
        # A panel added after the layout was restored gets its remembered place.
        if not (getattr(self, "_layout_restored", False) and self.restoreDockWidget(dock)):
            self.dock_places.put(self.dock_places.places[-1])
        panels = getattr(self, "panels_menu", None)
        if panels is not None:  # the panels above the separator and Reset Layout
            actions = panels.actions()
            separator = actions[-2] if len(actions) >= 2 else None
            panels.insertAction(separator, dock.toggleViewAction())
        return dock

    def add_menu(self, title: str) -> QMenu:
        """A top-level menu, placed before Help."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.menus["help"].menuAction(), menu)
        return menu

    def dock(self, name: str) -> QDockWidget | None:
        return self.dock_places.dock(name)

    def add_shortcuts(self, actions) -> None:
        """Actions whose shortcuts work anywhere in the window, also with the
        menu bar hidden."""
        self.addActions(list(actions))

    def show_message(self, text: str, timeout_ms: int = MESSAGE_MS) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def clear_message(self, text: str) -> None:
        """Clear the status bar if it still shows ``text`` (a message that no
        longer holds)."""
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()

    def canvas_scene(self) -> CanvasScene:
        return self.scene

    # -- wiring --------------------------------------------------------------------------
    def _wire(self) -> None:
        doc = self.document
        doc.undo_stack.cleanChanged.connect(self._update_title)
        doc.path_changed.connect(self._update_title)
        doc.settings_changed.connect(self._update_title)
        doc.reset.connect(lambda: self._choose_central(reset=True))
        doc.reset.connect(lambda: self._show_selection([], [], []))
        doc.reset.connect(lambda: self.front_left_panel() if hasattr(self, "training") else None)
        doc.changed.connect(self._update_counts)
        doc.changed.connect(self._choose_central)
        self.scene.selection_changed_ids.connect(self._show_selection)
        self.canvas.message.connect(self.show_message)  # the scene's messages too
        self.canvas.zoom_changed.connect(self.update_zoom)
        self.canvas.space_tapped.connect(self.toggle_training)
        self.inspector.message.connect(self.show_message)
        self.files.message.connect(self.show_message)
        self.palette.part_activated.connect(self.add_part_at_centre)
        self.palette.block_activated.connect(self.add_block_at_centre)
        self.welcome.example_chosen.connect(self.files.open_example)
        self.welcome.open_requested.connect(self.files.open)
        self.welcome.blank_chosen.connect(self.show_canvas)
        self.welcome.part_dropped.connect(self.add_part_at_centre)

    def _show_selection(self, neurons, layers, connections) -> None:
        self.selection = (list(neurons), list(layers), list(connections))
        self.inspector.set_selection(neurons, layers, connections)
        some = bool(neurons or layers or connections)
        for action in self.acts.selection_actions:
            action.setEnabled(some)
        self.selection_changed.emit(list(neurons), list(layers), list(connections))

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.files.display_name()}[*] — nnsim")
        self.setWindowModified(self.document.modified)
        self.acts.revert.setEnabled(self.document.path is not None)

    def _update_counts(self) -> None:
        d = self.document.design
        self.counts_label.setText(
            f"{count(len(d.layers), 'layer')} · {count(len(d.neurons), 'neuron')} · "
            f"{count(len(d.connections), 'connection')}")

    def update_zoom(self, *_) -> None:
        self.zoom_label.setText(f"{round(self.canvas.zoom * 100)}%")
        # Room for the widest zoom (400%) in the font of the moment: the status bar's
        # other texts never squeeze it.
        m = self.zoom_label.contentsMargins()
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400%") + m.left() + m.right())

    # -- Space: play/pause ---------------------------------------------------------------
    def toggle_training(self) -> None:
        play = self.training.actions.play
        if play.isEnabled():
            play.trigger()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Space reaches the window when the focused widget has no use for it
        (buttons press, text fields type, the canvas taps or pans)."""
        if is_play_key(event):
            self.toggle_training()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- the centre: welcome gallery or canvas ----------------------------------------
    def _choose_central(self, reset: bool = False) -> None:
        empty = not self.document.design.layers
        if reset:
            self.central.setCurrentWidget(self.welcome if empty else self.canvas)
        elif not empty:
            self.central.setCurrentWidget(self.canvas)

    def show_welcome(self) -> None:
        self.central.setCurrentWidget(self.welcome)

    def show_canvas(self) -> None:
        self.central.setCurrentWidget(self.canvas)
        self.canvas.setFocus()

    # -- edits made of parts -----------------------------------------------------------
    def add_part_at_centre(self, kind: str, size: int) -> None:
        """The palette's keyboard path: add a part in the middle of the view, to
        the right of anything already there, and keep it in view."""
        keys = QApplication.focusWidget()  # a palette part keeps the keyboard for the next one
        self.show_canvas()
        try:
            add_part_in_view(self.canvas, kind, size)
        except EditError as e:
            self.show_message(str(e))
        if keys is not None and keys is not self.canvas and keys.isVisible():
            keys.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_block_at_centre(self, type_name: str) -> None:
        """A block part (an image, a convolution...) added without a drop."""
        keys = QApplication.focusWidget()
        self.show_canvas()
        try:
            lid = add_block_in_view(self.canvas, type_name)
        except EditError as e:
            self.show_message(str(e))
            return
        self.scene.select(layers=[lid])
        if keys is not None and keys is not self.canvas and keys.isVisible():
            keys.setFocus(Qt.FocusReason.OtherFocusReason)

    def arrange(self) -> None:
        try:
            self.document.arrange()
        except EditError as e:
            self.show_message(str(e))
        self.canvas.fit_all()
        self.update_zoom()

    def connect_layers(self) -> None:
        layers = self.selection[1]
        order = layer_columns(self.document, layers if len(layers) >= 2 else None)
        if len(order) < 2:
            self.show_message("Connect layers needs at least two layers")
            return
        done, refused = connect_consecutive(self.document, order)
        if refused and not done:
            self.show_message(refused[0])
        elif done:
            self.show_message(f"Connected {count(done, 'pair')} of layers"
                              + (f"; {refused[0]}" if refused else ""))

    # -- menus ---------------------------------------------------------------------------
    def fill_recent_menu(self) -> None:
        fill_recent_menu(self)

    def fill_examples_menu(self) -> None:
        fill_examples_menu(self)

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About nnsim",
            f"<h3>nnsim {__version__}</h3><p>Build a neural network by hand, neuron by neuron, "
            "and watch it learn.</p><p>Designs are plain JSON files (<code>.nnsim</code>); the same "
            "networks train from the command line with <code>nnsim train</code>.</p>")

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_actions(), self).exec()

    def shortcut_actions(self) -> list:
        """The actions of every menu (editing, training, learning), then any
        other window action, each once."""
        actions = menu_actions(self.menuBar())
        return actions + [a for a in self.acts.all() if a not in actions]

    # -- layout and closing -----------------------------------------------------------
    def restore_layout(self, reset: bool = False) -> None:
        """The window's size and place, and the workspace used last as it was
        left (``reset``: the first-start layout, as ``nnsim --reset-layout``)."""
        geometry = None if reset else self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.setGeometry(default_geometry(self.screen().availableGeometry()))
        self.settings.remove("window/state")  # one state per workspace now
        self.workspaces.restore(reset=reset)
        self._layout_restored = True

    def reset_layout(self) -> None:
        """View ▸ Workspace ▸ Reset Layout: every workspace as at first start,
        this one at this size now."""
        self.workspaces.reset()

    def bring_dock(self, dock: QDockWidget) -> None:
        self.workspaces.bring(dock)

    def show_data_views(self, shown: list[QDockWidget], hidden: list[QDockWidget]) -> None:
        """Training's views that fit the data at hand (see ``Workspaces.show_data_views``)."""
        self.workspaces.show_data_views(shown, hidden)

    def front_left_panel(self) -> None:
        """Parts and Training as tabs: Parts in front while there is nothing to
        train, Training once a network is open."""
        training = self.training.docks.get("training_dock")
        if training is None or training not in self.tabifiedDockWidgets(self.palette_dock):
            return
        if training.isHidden() or self.palette_dock.isHidden():
            return
        lessons = self.dock("learn_lessons_dock")
        if lessons is not None and not lessons.isHidden() and lessons in self.tabifiedDockWidgets(training):
            return  # Learn in a window short of room: the lesson stays in front
        (training if self.document.design.layers else self.palette_dock).raise_()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._sweep.timer.start()
        QTimer.singleShot(0, self.workspaces.apply_sizes)  # sizes only stick once the window is laid out

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.workspaces.save()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.files.close():
            event.ignore()
            return
        self.save_layout()
        self.training.shutdown()
        event.accept()
