"""A plot first in a short dock: the settings above it go under it.

At a large text size on a small screen a dock of the Train workspace can be
shorter than its view (the cost curves' dock at 250% on 1366x768 shows 203
pixels of a view that needs 439: four rows of legend and settings above a
plot of 210), and the view scrolls there (``nnsim.app.layout.filling``). With
the settings first, what showed was the settings and no curve. In a dock
shorter than its view's least height the settings go under the plot, so the
plot is what shows and the settings are a scroll away; with room, the view
is as it was.

Following ``nnsim.app.responsive``: decided once resizes settle, with
hysteresis, and moving the settings changes no size hint (the same parts in
another order), so the decision cannot feed back into the size it reads.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDockWidget, QScrollArea, QWidget

from nnsim.app.responsive import HYSTERESIS, Settled, choose_wide


class PlotFirst(QObject):
    """Puts ``top`` (a widget above ``plot`` in ``view``'s box layout) under
    ``plot`` while ``view`` shows in less height than it needs."""

    def __init__(self, view: QWidget, top: QWidget, plot: QWidget):
        super().__init__(view)
        self.view, self.top, self.plot = view, top, plot
        self.short = False
        self._settled: Settled | None = None
        view.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.view and event.type() == QEvent.Type.Show and self._settled is None:
            self._settled = Settled(self.outer(), self.fit)  # in its dock now: follow what shows it
            self._settled.timer.start()
        return False

    def outer(self) -> QWidget:
        """What shows the view: the viewport of the scroll area it is in, or the view itself."""
        widget = self.view.parentWidget()
        while widget is not None and not isinstance(widget, QDockWidget):
            if isinstance(widget, QScrollArea):
                return widget.viewport()
            widget = widget.parentWidget()
        return self.view

    def least(self) -> int:
        """The view's least height at its width (wrapped text whole)."""
        lay = self.view.layout()
        if lay.hasHeightForWidth():
            return lay.totalMinimumHeightForWidth(self.view.width())
        return self.view.minimumSizeHint().height()

    def fit(self) -> None:
        shown = self.outer().height()
        short = not choose_wide(shown, not self.short, self.least(), HYSTERESIS)
        if short != self.short:
            self.short = short
            lay = self.view.layout()
            lay.removeWidget(self.top)
            lay.insertWidget(lay.indexOf(self.plot) + 1 if short else 0, self.top)


__all__ = ["PlotFirst"]
