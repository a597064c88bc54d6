"""Short-lived feedback items: the message shown near the cursor when an
edit is refused, and the line that follows the cursor while connecting."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem

from nnsim.app.canvas import style as S


class ToastItem(QGraphicsItem):
    """A short message shown near the cursor (refusals), the same size at any zoom."""

    def __init__(self):
        super().__init__()
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setZValue(30)
        self.text = ""
        self.ok = False
        self._rect = QRectF()

    def set_text(self, text: str, ok: bool = False) -> None:
        fm = QFontMetricsF(S.font(12))
        rect = fm.boundingRect(QRectF(0, 0, 380, 1000), Qt.TextWordWrap, text)
        self.prepareGeometryChange()
        self._rect = QRectF(14, 12, rect.width() + 20, rect.height() + 12)
        self.text, self.ok = text, ok
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        color = S.ACCEPT if self.ok else S.REFUSED
        painter.setPen(QPen(color, 1.2))
        painter.setBrush(QColor("#fffdfd") if not self.ok else QColor("#f8fff9"))
        painter.drawRoundedRect(self._rect, 6, 6)
        painter.setPen(color.darker(120))
        painter.setFont(S.font(12))
        painter.drawText(self._rect.adjusted(10, 6, -10, -6), Qt.TextWordWrap, self.text)


class RubberLine(QGraphicsLineItem):
    """The line following the cursor while a connection is dragged out."""

    def __init__(self):
        super().__init__()
        self.setZValue(20)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.set_state(None)

    def set_state(self, ok: bool | None) -> None:
        color = S.MUTED if ok is None else (S.ACCEPT if ok else S.REFUSED)
        pen = QPen(color, 2.0, Qt.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
