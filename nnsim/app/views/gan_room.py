"""The GAN view in a short dock: the plane first, the settings under it.

In the Train workspace's arrangement for a window short of room (the cost
curves under the data's views: QT_SCALE_FACTOR=1.5 on 1366x768, or large
text) the GAN dock is a few hundred pixels high. With the settings above
the plane, the plane was below the fold and the learner had to scroll to
see what the GAN does. There, the settings and the legend go under the
plots, and the plane takes the height the dock shows under its buttons (the
losses, settings and legend follow, a scroll away); with room, the view is
arranged as before.

Its plots ask for no more height than their minimum (``LowPlot``): pyqtgraph's
ask for 480 px, and a scroll area sizes a view with wrapped text by the
heights its parts ask for, so the view was twice as tall as its dock and the
plane went below the fold in any arrangement; now the dock's height is
shared out among the parts (the plane twice the losses).

Following ``nnsim.app.responsive``: decided once resizes settle, with
hysteresis, measured against the view's height with the plane at its usual
minimum (so the larger plane cannot keep it short).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QSize
from PySide6.QtWidgets import QScrollArea, QWidget

from nnsim.app.responsive import HYSTERESIS, Settled, choose_wide

ROOM = 160  # px beyond its minimum a view needs to keep its settings above the plane
PLANE_LEAST = 110  # the plane's usual minimum height


class LowPlot(pg.PlotWidget):
    """A plot that asks for its minimum height: it takes the room it is given."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().sizeHint().width(), max(self.minimumHeight(), self.minimumSizeHint().height()))


class LowLayoutWidget(pg.GraphicsLayoutWidget):
    """A pyqtgraph layout of plots that asks for its minimum height."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().sizeHint().width(), max(self.minimumHeight(), self.minimumSizeHint().height()))


class ShortDock(QObject):
    """Arranges ``view`` (a ``GanView``) for the height its dock shows."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.short = False
        self._settled: Settled | None = None

    def watch(self) -> None:
        """Start following the room (once the view is in its dock)."""
        if self._settled is None:
            self._settled = Settled(self.outer(), self.fit)
        self.fit()

    def outer(self) -> QWidget:
        """What shows the view: its scroll area's viewport, or the view itself."""
        parent = self.view.parentWidget()
        if parent is not None and isinstance(parent.parentWidget(), QScrollArea):
            return parent
        return self.view

    def fit(self) -> None:
        view = self.view
        shown = self.outer().height()
        usual = view.minimumSizeHint().height() - (view.plot_widget.minimumHeight() - PLANE_LEAST)
        short = not choose_wide(shown, not self.short, usual + ROOM, HYSTERESIS)
        if short != self.short:
            self.short = short
            self.arrange(short)
        least = PLANE_LEAST
        if short:  # the plane takes what the dock shows under the buttons (the losses follow it)
            lay = view.layout()
            m = lay.contentsMargins()
            buttons = lay.itemAt(0).geometry().height()  # the row of buttons, first in the view
            least = max(PLANE_LEAST, shown - buttons - lay.spacing() - m.top() - 2)
        if view.plot_widget.minimumHeight() != least:
            view.plot_widget.setMinimumHeight(least)

    def arrange(self, short: bool) -> None:
        """Settings above the plots (roomy) or under them, before the legend (short)."""
        view, lay = self.view, self.view.layout()
        lay.removeWidget(view.settings_row)
        at = lay.indexOf(view.legend) if short else lay.indexOf(view.stack)
        lay.insertWidget(at, view.settings_row)


__all__ = ["LowLayoutWidget", "LowPlot", "PLANE_LEAST", "ShortDock"]
