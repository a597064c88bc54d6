"""Widgets and arrangements that follow their size without feeding back into it.

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

Texts that change while the window is in use (a status line, a button that
reads Play or Pause) get room that does not depend on the text: the window
holds still while they change (``StatusLine``, ``ElidedButton``,
``hold_width``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QToolButton,
    QWidget,
)

#: px below the wide threshold before a wide arrangement turns narrow again:
#: more than a scroll bar (about 15 px), the largest width change a switch of
#: arrangement can cause in a scroll area.
HYSTERESIS = 48


def choose_wide(width: int, wide_now: bool, threshold: int, margin: int = HYSTERESIS) -> bool:
    """Wide from ``threshold`` px; once wide, narrow again below ``threshold - margin``."""
    return width >= (threshold - margin if wide_now else threshold)



def _watch(owner: QObject, widget: QWidget, decide: Callable[[], None]) -> QTimer:
    """``owner`` filters ``widget``'s events; the single-shot timer it gets
    back calls ``decide`` once the event loop is free (after a run of resizes
    or font changes has settled)."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(decide)
    widget.installEventFilter(owner)
    return timer

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
        self.timer = _watch(self, widget, self.decide)

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
        self.timer = _watch(self, widget, callback)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.widget and event.type() == QEvent.Type.Resize:
            self.timer.start()
        return False


class StatusLine(QLabel):
    """A status text with fixed room: ``lines`` lines, each shortened with …
    to the width the label has (the whole text in its tooltip). Its size
    hints do not depend on the text, so changing it moves nothing."""

    def __init__(self, lines: int = 1, name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._count = lines
        self._lines: list[str] = []
        if name:
            self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_lines(self, *lines: str) -> None:
        """Show these lines (at most as many as the label has room for)."""
        lines = [line for line in lines if line is not None][: self._count]
        if lines != self._lines:
            self._lines = lines
            self.setToolTip("\n".join(line for line in lines if line))
            self._elide()

    def lines(self) -> list[str]:
        return list(self._lines)

    def _room(self) -> QSize:
        m = self.contentsMargins()
        fm = self.fontMetrics()
        return QSize(m.left() + m.right(), fm.height() + (self._count - 1) * fm.lineSpacing() + m.top() + m.bottom())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._room() + QSize(40, 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._room()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.contentsRect().width())
        fm = self.fontMetrics()
        text = "\n".join(fm.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in self._lines)
        if text != self.text():
            self.setText(text)


class ElidedButton(QPushButton):
    """A push button whose text is shortened with … to the width it is given.

    Its size hints do not depend on its text, so shortening the text when the
    button is resized cannot resize it again (a button sized by its own text,
    elided to its parent's width, would feed back into that width)."""

    def __init__(self, text: str = "", tip: str = "", name: str = "", minimum: int = 80):
        super().__init__()
        self._full = text
        self._minimum = minimum
        if tip:
            self.setToolTip(tip)
        if name:
            self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._minimum, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        opt.text = ""
        chrome = self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, opt, QSize(0, 0), self).width()
        room = max(0, self.width() - chrome)
        text = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room)
        if text != self.text():
            self.setText(text)


class _HeldWidth(QObject):
    """Keeps a button's minimum width at what its widest label needs; measured
    again when the button is polished or its font or style changes."""

    def __init__(self, button: QAbstractButton, texts: list[str]):
        super().__init__(button)
        self.button = button
        self.texts = [t.replace("&", "") for t in texts]
        button.installEventFilter(self)
        self.update()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Polish, QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self, self.update)
        return False

    def update(self) -> int:
        width = max(self._hint(text) for text in self.texts)
        if self.button.minimumWidth() != width:
            self.button.setMinimumWidth(width)
        return width

    def _hint(self, text: str) -> int:
        """The button's preferred width with ``text`` (measured on a twin)."""
        b = self.button
        twin = QToolButton() if isinstance(b, QToolButton) else QPushButton()
        twin.setFont(b.font())
        twin.setIcon(b.icon())
        twin.setIconSize(b.iconSize())
        if isinstance(b, QToolButton):
            twin.setToolButtonStyle(b.toolButtonStyle())
            twin.setAutoRaise(b.autoRaise())
        twin.setText(text)
        width = twin.sizeHint().width()
        twin.deleteLater()
        return width


def hold_width(button: QAbstractButton, texts: Iterable[str]) -> None:
    """Make ``button`` as wide as it is with the widest of ``texts`` (the
    labels it takes in turn, such as Play and Pause), so changing its label
    moves nothing beside it."""
    _HeldWidth(button, list(texts))


class PageStack(QStackedWidget):
    """A stack of pages that asks for the room of the page shown, not of its
    widest page: a page hidden behind must not make the panel scroll
    sideways (Qt's stack asks for the largest of all)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.currentChanged.connect(lambda _: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


class FormWrap(QObject):
    """Puts the fields of some forms under their labels while ``widget`` is
    too narrow for a label and ``chars`` characters of field beside it (large
    text in a side column), and beside them again when it is wide enough:
    a name squeezed to three letters beside its label helps nobody. Decided
    after resizes and font changes settle, with ``choose_wide``'s hysteresis
    (a vertical scroll bar coming or going cannot flip it back)."""

    def __init__(self, widget: QWidget, chars: int = 14):
        super().__init__(widget)
        self.widget = widget
        self.chars = chars
        self.forms: list[QFormLayout] = []
        self.beside = True
        self.timer = _watch(self, widget, self.decide)

    def add(self, form: QFormLayout) -> None:
        self.forms.append(form)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows if self.beside
                              else QFormLayout.RowWrapPolicy.WrapAllRows)
        self.timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.widget and event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self.timer.start()
        return False

    def threshold(self) -> int:
        """The width from which fields stand beside their labels."""
        labels = [0]
        for form in self.forms:
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                if item is not None and item.widget() is not None and not item.widget().isHidden():
                    labels.append(item.widget().sizeHint().width())
        spacing = max([f.horizontalSpacing() for f in self.forms] + [6])
        return max(labels) + spacing + self.chars * QFontMetrics(self.widget.font()).averageCharWidth()

    def decide(self) -> None:
        beside = choose_wide(self.widget.width(), self.beside, self.threshold())
        if beside != self.beside:
            self.beside = beside
            for form in self.forms:
                form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows if beside
                                      else QFormLayout.RowWrapPolicy.WrapAllRows)


__all__ = ["ElidedButton", "FormWrap", "HYSTERESIS", "PageStack", "Settled", "StatusLine", "WidthSwitch", "choose_wide",
           "hold_width"]
