"""What a window offers the parts that install themselves into it.

Live training (``nnsim.app.training.install_training``) and learn mode
(``nnsim.app.learn.install_learn_mode``) add docks, menus and toolbar
buttons to a window, follow its canvas and its files, and speak in its
status bar. They do all of it through ``Host``, a declared interface, and
never probe the window for names. ``MainWindow`` implements it (its
workspaces place every dock); ``PlainWindow`` is a bare implementation for
tests, benchmarks and embedding (docks go where they are asked to, sized
once when they first show).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QToolBar, QWidget

from nnsim.app.document import Document
from nnsim.app.layout import scrolling, set_corners

Area = Qt.DockWidgetArea


class CanvasHooks(Protocol):
    """What live training uses of a canvas scene (``CanvasScene``)."""

    selection_changed_ids: SignalInstance  # (neuron ids, layer ids, connections as (source, target))
    neuron_hovered: SignalInstance  # the neuron under the pointer, -1 when it left

    def set_neuron_thumbnails(self, images) -> None:
        """Small images inside the neurons (None: none)."""

    def set_live_parameters(self, params) -> None:
        """Weights and biases from a network's named arrays (None: the design's)."""

    def highlight_group(self, group: str | None) -> None:
        """Light up the frame of one network of several (a GAN's player at work; None: none)."""


class FileHooks(Protocol):
    """What the parts use of the window's file handling (``FileManager``)."""

    about_to_save: SignalInstance  # before a file is written
    about_to_close: SignalInstance  # before the window asks about unsaved changes on close

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False if the user cancelled."""


@runtime_checkable
class Host(Protocol):
    """The window, as the parts that install themselves into it see it."""

    document: Document
    settings: QSettings | None  # the app's settings (None: nothing is remembered)
    files: FileHooks | None  # None: no files (nothing to sync before a save)
    main_toolbar: QToolBar
    selection_changed: SignalInstance  # the canvas's selection: (neurons, layers, connections)

    def add_dock(self, widget: QWidget, area: Qt.DockWidgetArea, title: str, name: str | None = None,
                 visible: bool = True, tab_with: QDockWidget | str | None = None, scroll: bool = False,
                 size: int | None = None) -> QDockWidget:
        """A dock panel named ``name``, in ``area`` or as a tab of
        ``tab_with`` (a dock or a dock's name); ``size`` is the width (or,
        at the bottom, height) it would like where the window does not
        decide."""

    def dock(self, name: str) -> QDockWidget | None:
        """The dock of that object name, if the window has one."""

    def bring_dock(self, dock: QDockWidget) -> None:
        """Show a dock in front (where the window decides)."""

    def show_data_views(self, shown: list[QDockWidget], hidden: list[QDockWidget]) -> None:
        """Training's views that fit the data at hand: show some, hide others."""

    def add_menu(self, title: str) -> QMenu:
        """A top-level menu."""

    def add_shortcuts(self, actions: list[QAction]) -> None:
        """Actions whose shortcuts work anywhere in the window."""

    def show_message(self, text: str) -> None:
        """A line in the status bar."""

    def clear_message(self, text: str) -> None:
        """Clear the status bar if it still shows ``text``."""

    def canvas_scene(self) -> CanvasHooks | None:
        """The canvas's scene (None: no canvas)."""

    def show_canvas(self) -> None:
        """Bring the canvas in view (e.g. from a welcome page)."""


#: At first show, a plain window gives a tool under the canvas this share of
#: its height (within these bounds, in pixels), and a tool in the right-hand
#: column this share of the column's height above the docks below it.
BOTTOM_SHARE, BOTTOM_MIN, BOTTOM_MAX = 0.4, 260, 440
RIGHT_SHARE = 0.68


class PlainWindow(QMainWindow):
    """A bare ``Host``: a main window holding a Document (and optionally a
    canvas scene), with a menu bar, one toolbar and a status bar. Docks go
    where they are asked to; their ``size`` applies once the window shows;
    a dock brought forward for the first time gets some room."""

    selection_changed = Signal(list, list, list)

    def __init__(self, document: Document, scene=None, central: QWidget | None = None,
                 settings: QSettings | None = None):
        super().__init__()
        self.document = document
        self.settings = settings
        self.files = None
        self._scene = scene
        self._docks: dict[str, QDockWidget] = {}
        self._sizes: list[tuple[QDockWidget, int]] = []
        self.setCentralWidget(central if central is not None else QLabel("canvas"))
        set_corners(self)
        self.main_toolbar = QToolBar("Tools", self)
        self.main_toolbar.setObjectName("main_toolbar")
        self.addToolBar(self.main_toolbar)
        if scene is not None:
            scene.selection_changed_ids.connect(self.selection_changed)
        self._first_show = _OnFirstShow(self, self._apply_sizes)

    # -- docks ------------------------------------------------------------------------------
    def add_dock(self, widget, area, title, name=None, visible=True, tab_with=None, scroll=False, size=None):
        dock = QDockWidget(title, self)
        dock.setObjectName(name or f"{title.lower().replace(' ', '_')}_dock")
        dock.setWidget(scrolling(widget) if scroll else widget)
        partner = self._docks.get(tab_with) if isinstance(tab_with, str) else tab_with
        if partner is not None:
            self.tabifyDockWidget(partner, dock)
        else:
            self.addDockWidget(area, dock)
        dock.setVisible(visible)
        self._docks[dock.objectName()] = dock
        if size is not None:
            self._sizes.append((dock, size))
        return dock

    def dock(self, name: str) -> QDockWidget | None:
        return self._docks.get(name)

    def _apply_sizes(self) -> None:
        for dock, size in self._sizes:
            across = self.dockWidgetArea(dock) in (Area.LeftDockWidgetArea, Area.RightDockWidgetArea)
            self.resizeDocks([dock], [size], Qt.Orientation.Horizontal if across else Qt.Orientation.Vertical)

    def bring_dock(self, dock: QDockWidget) -> None:
        first = not dock.isVisible() and not dock.property("brought")
        dock.show()
        dock.raise_()
        if first:
            dock.setProperty("brought", True)
            self._give_room(dock)

    def _give_room(self, dock: QDockWidget) -> None:
        """A tool under the canvas gets about two fifths of the height; one in
        the right-hand column most of the column above the docks below it."""
        area = self.dockWidgetArea(dock)
        if area == Area.BottomDockWidgetArea:
            height = max(BOTTOM_MIN, min(BOTTOM_MAX, int(self.height() * BOTTOM_SHARE)))
            self.resizeDocks([dock], [height], Qt.Orientation.Vertical)
            return
        self.resizeDocks([dock], [max(340, dock.width())], Qt.Orientation.Horizontal)
        column = [d for d in self.findChildren(QDockWidget)
                  if d is not dock and d.isVisible() and not d.isFloating() and self.dockWidgetArea(d) == area
                  and dock not in self.tabifiedDockWidgets(d)]
        if column:
            share = self.height() - 100
            rest = int(share * (1 - RIGHT_SHARE) / len(column))
            self.resizeDocks([dock] + column, [int(share * RIGHT_SHARE)] + [rest] * len(column),
                             Qt.Orientation.Vertical)

    def show_data_views(self, shown: list[QDockWidget], hidden: list[QDockWidget]) -> None:
        for dock in shown:
            dock.show()
        for dock in hidden:
            dock.hide()
        if shown:
            shown[0].raise_()

    # -- menus, shortcuts, messages -------------------------------------------------------------
    def add_menu(self, title: str) -> QMenu:
        return self.menuBar().addMenu(title)

    def add_shortcuts(self, actions) -> None:
        self.addActions(list(actions))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def clear_message(self, text: str) -> None:
        if self.statusBar().currentMessage() == text:
            self.statusBar().clearMessage()

    # -- canvas -------------------------------------------------------------------------------
    def canvas_scene(self):
        return self._scene

    def show_canvas(self) -> None:
        pass


class _OnFirstShow(QObject):
    """Calls ``then`` once, after the window first shows (dock sizes only
    stick once the window is laid out)."""

    def __init__(self, window: QMainWindow, then):
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False
