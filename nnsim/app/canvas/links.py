"""Links drawn between layers: a curve with an arrowhead from the right edge
of the layer that feeds to the left edge of the layer fed, selectable (a
click near the curve; Delete removes the link through the Document).
Hit-tested against a widened stroke of the curve."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas import style as S
from nnsim.app.canvas.items import _shows_selected

LINK_COLOR = S.MUTED
ARROW = 7.0


class LinkItem(QGraphicsItem):
    """The link from layer ``source`` to layer ``target`` (ids)."""

    def __init__(self, source: int, target: int):
        super().__init__()
        self.pair = (source, target)
        self.setFlags(QGraphicsItem.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(1.0)
        self.problem = False  # the target cannot compute what it receives
        self._path = QPainterPath()
        self._shape = QPainterPath()
        self._end = QPointF()
        self._angle_from = QPointF()
        self._hover = False

    def set_ends(self, start: QPointF, end: QPointF) -> None:
        dx = max(40.0, abs(end.x() - start.x()) / 2)
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
        self.prepareGeometryChange()
        self._path = path
        self._end = QPointF(end)
        self._angle_from = path.pointAtPercent(0.97)
        stroker = QPainterPathStroker()
        stroker.setWidth(12.0)
        self._shape = stroker.createStroke(path)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._path.boundingRect().adjusted(-ARROW - 3, -ARROW - 3, ARROW + 3, ARROW + 3)

    def shape(self) -> QPainterPath:
        return self._shape

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if _shows_selected(self):
            color, width = S.SELECT, 3.0
        elif self.problem:
            color, width = S.REFUSED, 2.2
        else:
            color, width = (LINK_COLOR.darker(130) if self._hover else LINK_COLOR), 2.2
        painter.setPen(QPen(color, width, Qt.SolidLine, Qt.RoundCap))
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self._path)
        # Arrowhead along the curve's last direction.
        d = self._end - self._angle_from
        length = (d.x() ** 2 + d.y() ** 2) ** 0.5 or 1.0
        ux, uy = d.x() / length, d.y() / length
        tip = self._end
        left = QPointF(tip.x() - ARROW * ux + ARROW * 0.55 * uy, tip.y() - ARROW * uy - ARROW * 0.55 * ux)
        right = QPointF(tip.x() - ARROW * ux - ARROW * 0.55 * uy, tip.y() - ARROW * uy + ARROW * 0.55 * ux)
        head = QPainterPath(tip)
        head.lineTo(left)
        head.lineTo(right)
        head.closeSubpath()
        painter.setPen(Qt.NoPen)
        painter.setBrush(color)
        painter.drawPath(head)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover = False
        self.update()


__all__ = ["LinkItem"]
