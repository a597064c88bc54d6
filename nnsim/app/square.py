"""A layout holding one widget as the largest square that fits, centred: a
map over the input plane keeps equal units on both axes however the panel is
shaped, without a locked aspect stretching the axes' ranges."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class SquareLayout(QLayout):
    """One widget, square. Its size hints do not depend on the geometry it is
    given, so a resize can never feed back into itself."""

    def __init__(self, parent: QWidget | None = None, minimum: int = 120, hint: int = 260):
        super().__init__(parent)
        self._item: QLayoutItem | None = None
        self._minimum = minimum
        self._hint = hint
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._item = item

    def count(self) -> int:
        return 0 if self._item is None else 1

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._item if index == 0 else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if index != 0:
            return None
        item, self._item = self._item, None
        return item

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation.Horizontal | Qt.Orientation.Vertical

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._hint, self._hint)

    def minimumSize(self) -> QSize:  # noqa: N802
        return QSize(self._minimum, self._minimum)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        if self._item is None:
            return
        side = max(0, min(rect.width(), rect.height()))
        self._item.setGeometry(QRect(rect.x() + (rect.width() - side) // 2, rect.y() + (rect.height() - side) // 2,
                                     side, side))
