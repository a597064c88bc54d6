"""The window's docks: each one's own place, tab bars Qt leaves behind, and
scroll areas for panels that may be larger than their dock.

Every panel asks for its place when it is added (``DockPlaces.record``: an
area, optionally a dock to share tabs with). A workspace
(``nnsim.app.workspaces``) puts the docks it shows where it wants them; every
other dock waits, hidden, at its own place, where View ▸ Panels shows it.

The side columns run the full height of the window; the bottom area stays
under the canvas (``set_corners``).

Panels whose content may be taller or wider than their dock come in a scroll
area (``scrolling``), so no panel makes the window bigger than the screen.
Dock tab bars never shorten a panel's name: with more tabs than room they
scroll (``tidy_tab_bars``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QTabBar, QWidget

Area = Qt.DockWidgetArea
Corner = Qt.Corner
DEFAULT_SIZE = QSize(1440, 920)


@dataclass
class Place:
    dock: QDockWidget
    area: Qt.DockWidgetArea
    tab_with: str | None  # object name of the dock to share tabs with
    visible: bool


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that resizes it: the dock can be
    smaller than the widget's minimum, and scrolls then."""
    scroll = QScrollArea()
    scroll.setObjectName(f"{widget.objectName() or 'panel'}_scroll")
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return scroll


class DockPlaces:
    """The place each dock asked for, in the order they were added."""

    def __init__(self, window: QMainWindow):
        self.window = window
        self.places: list[Place] = []

    def record(self, dock: QDockWidget, area, tab_with, visible: bool) -> None:
        name = tab_with.objectName() if isinstance(tab_with, QDockWidget) else tab_with
        self.places.append(Place(dock, area, name, visible))

    def area_of(self, dock: QDockWidget) -> Qt.DockWidgetArea:
        """The area ``dock`` asked for."""
        return next((p.area for p in self.places if p.dock is dock), Area.RightDockWidgetArea)

    def dock(self, name: str | None) -> QDockWidget | None:
        if not name:
            return None
        return next((p.dock for p in self.places if p.dock.objectName() == name), None)

    def put(self, place: Place) -> None:
        """Put one dock where it asked to be (at the end of its area, or as a
        tab of its partner when that one is in the window)."""
        w, dock = self.window, place.dock
        partner = self.dock(place.tab_with)
        if partner is not None and not partner.isFloating() and w.dockWidgetArea(partner) != Area.NoDockWidgetArea:
            w.tabifyDockWidget(partner, dock)
        else:
            w.addDockWidget(place.area, dock)
        dock.setVisible(place.visible)


def set_corners(window: QMainWindow) -> None:
    """The side columns run the full height; the bottom area stays under the canvas."""
    for corner, area in ((Corner.TopLeftCorner, Area.LeftDockWidgetArea),
                         (Corner.BottomLeftCorner, Area.LeftDockWidgetArea),
                         (Corner.TopRightCorner, Area.RightDockWidgetArea),
                         (Corner.BottomRightCorner, Area.RightDockWidgetArea)):
        window.setCorner(corner, area)


def default_geometry(available: QRect) -> QRect:
    """A window that fits the screen with a margin, centred on it."""
    w = min(DEFAULT_SIZE.width(), int(available.width() * 0.96))
    h = min(DEFAULT_SIZE.height(), int(available.height() * 0.96))
    rect = QRect(0, 0, w, h)
    rect.moveCenter(available.center())
    return rect


def _beside(bar: QRect, dock: QRect, gap: int = 4) -> bool:
    """Whether a tab bar sits right above or below a dock, overlapping it sideways."""
    across = bar.left() < dock.right() and dock.left() < bar.right()
    below = 0 <= bar.top() - dock.bottom() - 1 <= gap
    above = 0 <= dock.top() - bar.bottom() - 1 <= gap
    return across and (below or above)


def hide_stray_tab_bars(window: QMainWindow) -> int:
    """Hide the tab bars of dock groups that Qt left behind.

    Tabifying docks into a second group of one area before the window shows,
    and restoring a saved layout, leave extra copies of a group's tab bar
    (Qt 6.11); a copy stays where the group was and shows through once the
    docks move (over the canvas, or over another dock). The tab bar in use
    sits right beside the dock of its current tab; a copy does not. Returns
    how many were hidden."""
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()}
    hidden = 0
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        g = bar.geometry()
        if not bar.isVisible() or bar.count() == 0 or g.right() < 0 or g.bottom() < 0:
            continue  # hidden, or parked out of sight by Qt
        dock = docks.get(bar.tabText(bar.currentIndex()))
        if dock is None or not _beside(g, dock.geometry()):
            bar.hide()
            hidden += 1
    return hidden


def tidy_tab_bars(window: QMainWindow) -> None:
    """Dock tab bars show whole names, scrolling when there are more tabs than
    room (Qt's default shortens every name to a few letters)."""
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if bar.elideMode() != Qt.TextElideMode.ElideNone:
            bar.setElideMode(Qt.TextElideMode.ElideNone)
        if not bar.usesScrollButtons():
            bar.setUsesScrollButtons(True)


class SweepAfterLayout(QObject):
    """Runs ``hide_stray_tab_bars`` and ``tidy_tab_bars`` once the layout
    settles after any dock moved, resized, showed or hid (a moved separator
    only resizes docks)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self, singleShot=True, interval=0)
        self.timer.timeout.connect(self.sweep)

    def sweep(self) -> None:
        tidy_tab_bars(self.window)
        hide_stray_tab_bars(self.window)

    def watch(self, dock: QDockWidget) -> None:
        dock.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide):
            self.timer.start()
        return False


def clamp(v: float, lo: int, hi: int) -> int:
    return int(max(lo, min(hi, v)))


__all__ = ["DockPlaces", "Place", "clamp", "default_geometry", "hide_stray_tab_bars", "scrolling", "set_corners",
           "SweepAfterLayout", "tidy_tab_bars"]
