"""Side columns as wide as their panels need at a larger text size.

Larger text makes a panel's words and fields wider, and a column of the
usual width would scroll sideways (a palette of "Hidden layer of 4" at 250%
is twice as wide as the column; with QT_SCALE_FACTOR=1.5 on 1366x768 the
columns take their share of a window of 910 logical pixels, too narrow for
the palette). So when the text is larger than usual, or the window short of
room for its text (``Workspaces.short_of_room``), each
side column (the left and right dock areas) widens to the narrowest width
its panels fit in whole, at most ``MOST`` of the window each, so the canvas
keeps room. A column is never made narrower than the user left it, and when
the text gets smaller again a widened column goes back to the width it had
before. At the usual text size in a roomy window nothing here changes a width. A panel whose
content changes (the Inspector showing a convolution's page) fits again
once its layout has settled.

A panel reports how wide it must be through its minimum size hint; one in
a scroll area (``nnsim.app.layout.scrolling``), through its content's: the
column's width is then that plus the dock's margins and a vertical scroll
bar.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea

from nnsim.app.canvas import style as S

Area = Qt.DockWidgetArea
SIDES = (Area.LeftDockWidgetArea, Area.RightDockWidgetArea)
MOST = 0.36  # of the window's width, each side column at most


def needed_width(dock: QDockWidget) -> int:
    """The narrowest width at which ``dock``'s panel shows without scrolling
    sideways: its own minimum, and for each scroll area in it that is shown,
    the dock's width plus what the area's content lacks."""
    need = dock.minimumSizeHint().width()
    if not dock.isVisible():
        return need
    for area in dock.findChildren(QScrollArea):
        if not area.isVisible() or area.widget() is None or not area.widgetResizable():
            continue
        bar = area.verticalScrollBar()
        lack = area.widget().minimumSizeHint().width() - area.viewport().width()
        if not bar.isVisible():
            lack += bar.sizeHint().width()  # larger text may make it taller than its dock
        need = max(need, dock.width() + lack)
    return need


class ColumnWidths(QObject):
    """Widens the window's side columns for larger text (``fit_later``)."""

    def __init__(self, window: QMainWindow, key=lambda: "", short=lambda: False):
        super().__init__(window)
        self.window = window
        self.key = key  # which arrangement the columns belong to (the workspace)
        self.short = short  # whether the window is short of room for its text (a large scale factor)
        self.before: dict[tuple[str, Area], int] = {}  # a widened column's width before it was widened
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.fit)

    def fit_later(self) -> None:
        """Fit once the layout has taken the new text (after the events now queued)."""
        self.timer.start()

    def watch(self, dock: QDockWidget) -> None:
        """Fit again when ``dock``'s content asks for another layout (a page
        changed), while the text is larger than usual."""
        inner = dock.widget()
        area = inner if isinstance(inner, QScrollArea) else inner.findChild(QScrollArea) if inner else None
        if area is not None and area.widget() is not None:
            area.widget().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LayoutRequest and self.active() and not self.timer.isActive():
            self.timer.start()
        return False

    def active(self) -> bool:
        """Whether columns may widen now: larger text, or a window short of room for its text."""
        return S.text_scale() > 1.0 or self.short()

    def column(self, area: Area) -> list[QDockWidget]:
        w = self.window
        return [d for d in w.findChildren(QDockWidget)
                if not d.isHidden() and not d.isFloating() and w.dockWidgetArea(d) == area]

    def fit(self) -> None:
        w = self.window
        if not w.isVisible():
            return
        larger = self.active()
        most = round(w.width() * MOST)
        docks, widths = [], []
        for area in SIDES:
            column = self.column(area)
            if not column:
                continue
            key = (self.key(), area)
            # A dock behind another's tab keeps the width it last had: measure those in view.
            column.sort(key=lambda d: d.visibleRegion().isEmpty())
            now = column[0].width()
            base = self.before.get(key, now)
            need = max(needed_width(d) for d in column) if larger else 0
            target = max(base, min(need, most))
            if target > base:
                self.before[key] = base
            else:
                self.before.pop(key, None)
            if target != now:
                docks.append(column[0])
                widths.append(target)
        if docks:
            w.resizeDocks(docks, widths, Qt.Orientation.Horizontal)


__all__ = ["ColumnWidths", "MOST", "needed_width"]
