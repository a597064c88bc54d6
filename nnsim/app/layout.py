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
A view of plots (``filling``) takes the whole of its dock, as without a
scroll area, and scrolls only in a dock shorter than its least height.
Dock tab bars never shorten a panel's name: with more tabs than room they
scroll (``tidy_tab_bars``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QTabBar, QVBoxLayout, QWidget

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


class _LeastLayout(QVBoxLayout):
    """Holds one panel; its least height is the panel's at the scroll area's
    width, and it tells the scroll area nothing of heights for widths.

    A resizable scroll area sizes a panel whose layout has heights for widths
    (wrapped text, a flow of buttons) by the heights its parts ask for, not
    their least: pyqtgraph's plots ask for 480 pixels whatever they need, so
    the cost curves (least 308 pixels at 250% text) were 709 high, taller
    than their dock at every text size. Here the panel gets the viewport's
    size, or its least height for the viewport's width (wrapped text whole)
    when the viewport is shorter; a least height never depends on the
    height the panel has, so no resize feeds back."""

    def __init__(self, holder: QWidget, scroll: QScrollArea):
        super().__init__(holder)
        self.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return False

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        least = super().minimumSize()
        item = self.itemAt(0)
        inner = item.widget().layout() if item is not None and item.widget() is not None else None
        if inner is not None and inner.hasHeightForWidth():
            width = max(self.scroll.viewport().width(), least.width())
            least.setHeight(max(least.height(), inner.totalMinimumHeightForWidth(width)))
        return least


class _FillingScroll(QScrollArea):
    """A scroll area as narrow as its panel lets it be (a dock holding it
    keeps the width the panel alone would give it), and a scroll bar wider
    while it scrolls in sight, so the panel never scrolls sideways for want
    of the bar's width; as short as a scroll area. Its dock calls
    ``updateGeometry`` when its tab is chosen or left."""

    def __init__(self):
        super().__init__()
        self.verticalScrollBar().installEventFilter(self)

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt's name
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if (obj is self.verticalScrollBar() and kind in (QEvent.Type.Show, QEvent.Type.Hide)) \
                or (obj is self.widget() and kind == QEvent.Type.LayoutRequest):
            self.updateGeometry()  # the dock asks again how narrow it may be (larger text: a wider panel)
        return super().eventFilter(obj, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        if self.widget() is not None:
            bar = self.verticalScrollBar()  # a dock behind a tab, parked out of sight, may be any size
            extra = bar.sizeHint().width() if bar.isVisibleTo(self) and not self.visibleRegion().isEmpty() else 0
            hint.setWidth(max(hint.width(), self.widget().minimumSizeHint().width() + extra))
        return hint


def filling(widget: QWidget) -> QScrollArea:
    """``widget`` (a view of plots) in a frameless scroll area that gives it
    the whole viewport, as a dock without a scroll area would; the dock can be
    shorter than the view's least height (a large text size on a small
    screen), and scrolls then. Its least width stays the view's."""
    scroll = _FillingScroll()
    scroll.setObjectName(f"{widget.objectName() or 'panel'}_scroll")
    holder = QWidget()
    holder.setObjectName(f"{widget.objectName() or 'panel'}_holder")
    _LeastLayout(holder, scroll).addWidget(widget)
    scroll.setWidget(holder)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
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


__all__ = ["DockPlaces", "Place", "clamp", "default_geometry", "filling", "hide_stray_tab_bars", "scrolling",
           "set_corners", "SweepAfterLayout", "tidy_tab_bars"]
