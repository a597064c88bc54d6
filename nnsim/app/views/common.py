"""What the training views share: following the controller's sessions and
snapshots (redrawing when shown), and the plot of a map over the input plane
with the mouse read back as a point and a grid cell."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QWidget


class HeavyView(QWidget):
    """A view drawn from the training controller's heavy snapshots. Its
    ``refresh`` skips the snapshot it drew last (``_heavy``) and draws nothing
    while hidden, so showing it forgets ``_heavy`` and refreshes."""

    _heavy = None  # the snapshot drawn last

    def follow(self, controller, load, every_frame: bool = False) -> None:
        """Call ``load`` for the controller's session now and for each new one,
        and have the controller give ``refresh`` its turns (``every_frame``:
        a map that follows every frame of paced training)."""
        controller.session_changed.connect(load)
        controller.add_heavy_view(self.refresh, every_frame)
        load()

    def refresh(self) -> bool:
        raise NotImplementedError

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._heavy = None
        self.refresh()


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
