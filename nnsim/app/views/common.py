"""What the training views share: following the controller's sessions and
snapshots (redrawing when shown), and the plot of a map over the input plane
with the mouse read back as a point and a grid cell."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget


def in_sight(widget: QWidget) -> bool:
    """Whether some of ``widget`` can be seen. Qt keeps a dock that is behind
    another dock's tab visible (``isVisible``); nothing of it is on screen,
    though, and its dock says so with ``visibilityChanged``."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class HeavyView(QWidget):
    """A view drawn from the training controller's heavy snapshots. Its
    ``refresh`` skips the snapshot it drew last (``_heavy``) and draws nothing
    while out of sight (hidden, or behind another dock's tab), so coming into
    sight forgets ``_heavy`` and refreshes (``showEvent``, and
    ``came_into_sight``, called by its dock). While it is out of sight the
    worker does not measure its ``PARTS`` for it, and a new session is not
    loaded either (``load``: on a large design a view's plots cost a tenth
    of a second to make, at every open, reset and undo): it is loaded when
    the view comes into sight."""

    _heavy = None  # the snapshot drawn last
    _stale = False  # a session came while out of sight: ``_load`` it before drawing
    PARTS: frozenset[str] | None = None  # the parts of a heavy snapshot it draws (None: every part)

    def follow(self, controller, load, every_frame: bool = False) -> None:
        """Call ``load`` for the controller's session now and for each new one
        (one that comes while the view is out of sight, when it comes into
        sight), and have the controller give ``refresh`` its turns
        (``every_frame``: a map that follows every frame of paced training)."""
        self._load = load
        controller.session_changed.connect(self._session_changed)
        controller.add_heavy_view(self._turn, every_frame, self.PARTS, self.in_sight)
        load()

    def _session_changed(self) -> None:
        self._stale = True
        if self.in_sight():
            self._catch_up()

    def _catch_up(self) -> None:
        """Load the session that came while the view was out of sight."""
        if self._stale:
            self._stale = False
            self._load()

    def _turn(self) -> bool:
        if self._stale:
            if not self.in_sight():
                return False
            self._catch_up()
        return self.refresh()

    def refresh(self) -> bool:
        raise NotImplementedError

    def in_sight(self) -> bool:
        return in_sight(self)

    def came_into_sight(self) -> None:
        """Its dock's tab was chosen: draw what there is now."""
        self._catch_up()
        self._heavy = None
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._catch_up()
        self._heavy = None
        self.refresh()


class RoomyAxis(pg.AxisItem):
    """An axis with no more labels than its text leaves room for:
    pyqtgraph's count grows with the log of the length only, so large text
    (a text size, presentation mode) in a short or narrow plot piled up."""

    def _room(self, span_end: float = 0.0) -> float:
        """Pixels between labels: a line and a half of text down a vertical
        axis; across a horizontal one the widest number's width and one more
        line (``span_end``: the larger end of the range)."""
        fm = QFontMetrics(self.style.get("tickFont") or self.font())
        if self.orientation in ("left", "right"):
            return 1.6 * fm.height()
        digits = len(f"{abs(span_end):.0f}") + (1 if span_end < 0 else 0)
        return fm.horizontalAdvance("0" * max(digits, 2)) + fm.height()

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph's names
        span = maxVal - minVal
        if self.logMode or not (math.isfinite(span) and span > 0) or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        end = maxVal if abs(maxVal) >= abs(minVal) else minVal
        labels = max(2.0, size / self._room(end))
        raw = span / labels
        power = 10 ** math.floor(math.log10(raw))
        major = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        return [(major, 0), (major / 2 if str(major / power)[0] == "5" else major / 5, 0)]


class LogAxis(RoomyAxis):
    """A logarithmic axis labelled at 1, 2 and 5 times a power of ten, or at
    fewer of them when the axis is short: pyqtgraph labels 1 to 9 in every
    decade, which pile up on one another in a short plot. On a linear scale,
    as many labels as the text leaves room for."""

    STEPS = ((1, 2, 5), (1, 3), (1,))

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 - pyqtgraph's names
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal or size <= 0:
            return super().logTickValues(minVal, maxVal, size, stdTicks)
        per_decade = size / (maxVal - minVal)  # px
        room = self._room()
        first, last = math.floor(minVal), math.ceil(maxVal)
        decades = range(first, last + 1)
        if per_decade < room:  # not even one label a decade: every so many decades
            every = math.ceil(room / per_decade)
            return [(None, [float(v) for v in decades if v % every == 0 and minVal <= v <= maxVal])]
        for steps in self.STEPS:
            marks = [math.log10(m) for m in steps] + [1.0]
            if min(b - a for a, b in zip(marks, marks[1:])) * per_decade >= room:
                break
        values = [v + math.log10(m) for v in decades for m in steps]
        return [(None, [x for x in values if minVal <= x <= maxVal])]


def map_plot() -> tuple[pg.PlotWidget, pg.PlotItem, pg.ImageItem]:
    """A white plot with a locked aspect, no menu and no auto-range button,
    holding an image item for a map over the input plane."""
    widget = pg.PlotWidget(background="w")
    plot = widget.getPlotItem()
    plot.setAspectLocked(True)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    image = pg.ImageItem(axisOrder="col-major")
    plot.addItem(image)
    return widget, plot, image


def plane_point(plot: pg.PlotItem, event, extent) -> QPointF | None:
    """The point of the input plane under the mouse (``event`` from a
    ``SignalProxy`` of ``sigMouseMoved``), or None outside ``extent``."""
    p = plot.getViewBox().mapSceneToView(event[0])
    (x0, x1), (y0, y1) = extent
    return p if x0 <= p.x() <= x1 and y0 <= p.y() <= y1 else None


def grid_cell(p: QPointF, extent, res: int) -> tuple[int, int]:
    """(row, column) of the cell nearest ``p`` in a ``res`` × ``res`` grid over ``extent``."""
    (x0, x1), (y0, y1) = extent
    col = int(round((p.x() - x0) / (x1 - x0) * (res - 1)))
    row = int(round((p.y() - y0) / (y1 - y0) * (res - 1)))
    return row, col
