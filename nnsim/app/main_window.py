"""The main window: puts the parts together and computes nothing.

Canvas in the middle (with the welcome gallery in its place while the design
is empty), the palette on the left, the inspector and the undo history on the
right, menus, one toolbar and a status bar.

Extension points for other panels (training, lessons…):

* ``add_dock(widget, area, title, name=None, visible=True) -> QDockWidget``:
  a dock whose show/hide action appears in View ▸ Panels and whose place is
  remembered between runs;
* ``add_menu(title) -> QMenu``: a menu inserted before Help;
* ``main_toolbar``: the toolbar (``addSeparator``/``addAction`` on it);
* ``show_message(text)``: a line in the status bar;
* ``selection_changed(neurons, layers, connections)``: the canvas's selection;
* ``files.about_to_save`` / ``files.about_to_close``: signals emitted before a
  file is written and before the window asks about unsaved changes on close
  (live training syncs its numbers into the Document there);
* ``show_canvas()`` (leave the welcome gallery), ``files.maybe_save()``;
* ``document``, ``canvas``, ``files``, ``inspector``, ``palette``, ``acts`` (the actions).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
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
)
from nnsim.app.canvas import CanvasScene, CanvasView
from nnsim.app.document import Document
from nnsim.app.files import Autosaver, FileManager
from nnsim.app.learn import install_learn_mode
from nnsim.app.panels.inspector import Inspector
from nnsim.app.panels.palette import Palette
from nnsim.app.panels.welcome import WelcomePage
from nnsim.app.settings import RecentFiles, open_settings
from nnsim.app.training import install_training
from nnsim.design.build import COLUMN_SPACING, ROW_SPACING
from nnsim.design.model import LayerKind
from nnsim.design.recipes import EditError

Area = Qt.DockWidgetArea
MESSAGE_MS = 8000


class MainWindow(QMainWindow):
    selection_changed = Signal(list, list, list)

    def __init__(self, settings: QSettings | None = None, document: Document | None = None):
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

        self.setDockNestingEnabled(True)
        self.palette = Palette()
        self.palette_dock = self.add_dock(self.palette, Area.LeftDockWidgetArea, "Parts", "palette_dock")
        self.inspector = Inspector(self.document)
        self.inspector_dock = self.add_dock(self.inspector, Area.RightDockWidgetArea, "Inspector", "inspector_dock")
        self.undo_view = QUndoView(self.document.undo_stack)
        self.undo_view.setEmptyLabel("<opened>")
        self.history_dock = self.add_dock(self.undo_view, Area.RightDockWidgetArea, "History", "history_dock",
                                          visible=False)

        self.acts = Actions(self)
        self.menus = build_menus(self, self.acts)
        for dock in (self.palette_dock, self.inspector_dock, self.history_dock):
            self.panels_menu.addAction(dock.toggleViewAction())
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
        self.learn_mode = install_learn_mode(self, training=self.training)
        self.restore_layout()

    # -- extension points --------------------------------------------------------------
    def add_dock(self, widget: QWidget, area: Qt.DockWidgetArea, title: str, name: str | None = None,
                 visible: bool = True) -> QDockWidget:
        """A dock panel; its show/hide action goes into View ▸ Panels and its place
        and visibility are remembered (give each a stable ``name``)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name or f"{title.lower().replace(' ', '_')}_dock")
        dock.setWidget(widget)
        # A panel added after the layout was restored gets its remembered place.
        if not (getattr(self, "_layout_restored", False) and self.restoreDockWidget(dock)):
            self.addDockWidget(area, dock)
            dock.setVisible(visible)
        panels = getattr(self, "panels_menu", None)
        if panels is not None:
            panels.addAction(dock.toggleViewAction())
        return dock

    def add_menu(self, title: str) -> QMenu:
        """A top-level menu, placed before Help."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.menus["help"].menuAction(), menu)
        return menu

    def show_message(self, text: str, timeout_ms: int = MESSAGE_MS) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # -- wiring --------------------------------------------------------------------------
    def _wire(self) -> None:
        doc = self.document
        doc.undo_stack.cleanChanged.connect(self._update_title)
        doc.path_changed.connect(self._update_title)
        doc.settings_changed.connect(self._update_title)
        doc.reset.connect(lambda: self._choose_central(reset=True))
        doc.reset.connect(lambda: self._show_selection([], [], []))
        doc.changed.connect(self._update_counts)
        doc.changed.connect(self._choose_central)
        self.scene.selection_changed_ids.connect(self._show_selection)
        self.canvas.message.connect(self.show_message)  # the scene's messages too
        self.canvas.zoom_changed.connect(self.update_zoom)
        self.inspector.message.connect(self.show_message)
        self.files.message.connect(self.show_message)
        self.palette.part_activated.connect(self.add_part_at_centre)
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

        def plural(n, word):
            return f"{n} {word}{'s' * (n != 1)}"

        self.counts_label.setText(
            f"{plural(len(d.layers), 'layer')} · {plural(len(d.neurons), 'neuron')} · "
            f"{plural(len(d.connections), 'connection')}")

    def update_zoom(self, *_) -> None:
        self.zoom_label.setText(f"{round(self.canvas.zoom * 100)}%")

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
        the right of anything already there."""
        self.show_canvas()
        centre = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        x, y = centre.x(), centre.y()
        taken = [(n.x, n.y) for n in self.document.design.neurons]
        half = ROW_SPACING * size / 2
        while any(abs(nx - x) < COLUMN_SPACING / 2 and abs(ny - y) < half + ROW_SPACING for nx, ny in taken):
            x += COLUMN_SPACING
        try:
            self.document.add_layer(LayerKind(kind), size, x, y)
        except EditError as e:
            self.show_message(str(e))

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
            self.show_message(f"Connected {done} pair{'s' * (done != 1)} of layers"
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
        ShortcutsDialog(self.acts.all(), self).exec()

    # -- layout and closing -----------------------------------------------------------
    def restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 880)
        if state is None or not self.restoreState(state):
            self.resizeDocks([self.palette_dock, self.inspector_dock], [210, 300], Qt.Orientation.Horizontal)
        self._layout_restored = True

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.files.close():
            event.ignore()
            return
        self.save_layout()
        self.training.shutdown()
        event.accept()
