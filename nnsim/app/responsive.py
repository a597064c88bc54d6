"""Arrangements that follow a panel's size without feeding back into it.

A panel that lays itself out one way when wide and another when narrow must
not decide inside its ``resizeEvent``: changing the arrangement changes what
the panel asks of its parent (its size hints, or whether the scroll area
around it needs a scroll bar), the parent resizes it again, and a layout that
flips between two answers spins forever. So:

* the decision waits until the resizes settle (a single-shot timer, never
  from within Qt's layout pass);
* it has hysteresis: back to narrow only well below the width that made it
  wide, by more than any scroll bar's width, so a scroll bar appearing or
  going cannot flip it back;
* the panel reports the same minimum width in both arrangements (see
  ``StepThroughPanel.minimumSizeHint``), so switching cannot change the width
  its scroll area gives it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

#: px below the wide threshold before a wide arrangement turns narrow again:
#: more than a scroll bar (about 15 px), the largest width change a switch of
#: arrangement can cause in a scroll area.
HYSTERESIS = 48


def choose_wide(width: int, wide_now: bool, threshold: int, margin: int = HYSTERESIS) -> bool:
    """Wide from ``threshold`` px; once wide, narrow again below ``threshold - margin``."""
    return width >= (threshold - margin if wide_now else threshold)


class WidthSwitch(QObject):
    """Watches ``widget``'s width and emits ``switched(wide)`` when the
    arrangement should change, once its resizes have settled.

    ``threshold()`` gives the width from which the wide arrangement is used
    (it may grow with the content, e.g. the wide arrangement's own minimum)."""

    switched = Signal(bool)

    def __init__(self, widget: QWidget, threshold: Callable[[], int], margin: int = HYSTERESIS):
        super().__init__(widget)
        self.widget = widget
        self.threshold = threshold
        self.margin = margin
        self.wide = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.decide)
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.widget and event.type() == QEvent.Type.Resize:
            self.timer.start()  # decide after the layout pass, not inside it
        return False

    def decide(self) -> bool:
        """Switch now if the width calls for it; returns whether it is wide."""
        wide = choose_wide(self.widget.width(), self.wide, self.threshold(), self.margin)
        if wide != self.wide:
            self.wide = wide
            self.switched.emit(wide)
        return self.wide


class Settled(QObject):
    """Calls ``callback`` once ``widget``'s resizes have settled (a burst of
    resizes while a separator is dragged runs it once, after the layout pass)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]):
        super().__init__(widget)
        self.widget = widget
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(callback)
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.widget and event.type() == QEvent.Type.Resize:
            self.timer.start()
        return False


__all__ = ["HYSTERESIS", "Settled", "WidthSwitch", "choose_wide"]
