"""The plots at another text size and line width (text size, presentation mode).

Every pyqtgraph plot in the window: the axes' tick labels and titles take the
window's text (its size now), axes of a fixed width or height grow with it so
the larger numbers still fit, and in presentation mode the curves' lines are
wider. Each item keeps what it had first, so scaling again never compounds
and scale 1 puts it back exactly.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QApplication

_FIRST = "_nnsim_unscaled"  # an item's own settings before any scaling


def _items(window, kind):
    for view in window.findChildren(pg.GraphicsView):
        scene = view.scene()
        if scene is not None:
            yield from (item for item in scene.items() if isinstance(item, kind))


_scale = 1.0  # the text size the axes are drawn at now


def scale_axes(window, scale: float) -> None:
    """Axes' text at the window's text size, fixed sizes ``scale`` times theirs."""
    global _scale
    _scale = scale
    _scale_all(_items(window, pg.AxisItem))


def text_scale() -> float:
    """How much larger than usual the plots' text is now (for titles set in points)."""
    return _scale


def follow_text(plot) -> None:
    """A plot made, or put back in its layout, after the text size was set:
    its axes at the text size now (``plot`` a PlotItem or a GraphicsView)."""
    if isinstance(plot, pg.GraphicsView):
        scene = plot.scene()
        axes = [] if scene is None else [item for item in scene.items() if isinstance(item, pg.AxisItem)]
    else:
        axes = [entry["item"] for entry in plot.axes.values()]
    _scale_all(axes)


def _scale_all(axes) -> None:
    scale, font = _scale, QFont(QApplication.font())
    for axis in axes:
        first = getattr(axis, _FIRST, None)
        if first is None:
            if scale == 1.0:
                continue  # as it was made
            first = (axis.style.get("tickFont"), axis.fixedWidth, axis.fixedHeight)
            setattr(axis, _FIRST, first)
        tick_font, width, height = first
        axis.setTickFont(tick_font if scale == 1.0 else font)
        if width is not None:
            axis.setWidth(round(width * scale))
        if height is not None:
            axis.setHeight(round(height * scale))
        if axis.label is not None:
            axis.label.setFont(font)
            axis._updateLabel()


def scale_lines(window, factor: float) -> None:
    """Curves drawn ``factor`` times as wide as they were made (their colours
    and styles as they are now)."""
    for curve in _items(window, pg.PlotDataItem):
        pen = curve.opts.get("pen")
        if pen is None:
            continue
        pen = QPen(pg.mkPen(pen))
        width = getattr(curve, _FIRST, None)
        if width is None:
            width = pen.widthF()
            setattr(curve, _FIRST, width)
        pen.setWidthF(max(width, 1.0) * factor if factor != 1.0 else width)
        curve.setPen(pen)
