"""Where the window's docks go when nothing is remembered: a calm first start.

Every panel asks for its place when it is added (``DockPlaces.add``: an area,
optionally a dock to share tabs with); the window replays those requests to
build the default layout, and again for View ▸ Panels ▸ Reset Layout.

The default, for a window on a laptop screen as on a large one:

* the left column (Parts, Training) and the right column (Inspector above the
  network's output) run the full height of the window;
* under the canvas only: the cost curves, with the other plots and the learn
  tools as tabs;
* on a short screen Parts and Training share the left column as tabs; on a
  tall one they stand one above the other.

Panels whose content may be taller or wider than their dock come in a scroll
area (``scrolling``), so no panel makes the window bigger than the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QTabBar, QWidget

Area = Qt.DockWidgetArea
Corner = Qt.Corner
TALL_SCREEN = 900  # px of available height from which Parts and Training stand stacked
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

    def raise_partners(self) -> None:
        """In each tab group, the dock the others joined comes to the front."""
        for name in dict.fromkeys(p.tab_with for p in self.places if p.tab_with):
            dock = self.dock(name)
            if dock is not None and not dock.isHidden():
                dock.raise_()

    def replay(self) -> None:
        """Every dock back to the place it asked for."""
        w = self.window
        for place in self.places:
            place.dock.setFloating(False)
            w.removeDockWidget(place.dock)
        for place in self.places:
            self.put(place)


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


class SweepAfterLayout(QObject):
    """Runs ``hide_stray_tab_bars`` once the layout settles after any dock moved,
    resized, showed or hid (a moved separator only resizes docks)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self, singleShot=True, interval=0)
        self.timer.timeout.connect(lambda: hide_stray_tab_bars(window))

    def watch(self, dock: QDockWidget) -> None:
        dock.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide):
            self.timer.start()
        return False


def clamp(v: float, lo: int, hi: int) -> int:
    return int(max(lo, min(hi, v)))


__all__ = ["DockPlaces", "Place", "TALL_SCREEN", "clamp", "default_geometry", "hide_stray_tab_bars", "scrolling",
           "set_corners", "SweepAfterLayout"]
