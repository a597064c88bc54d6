"""Layer frames: a rounded frame around a layer's neurons, its name above,
a connect port on the right and "-  n  +" buttons at the bottom; the frame's
fill is a separate item below the connections.

A layer item is the parent of its neurons, so dragging the frame moves them
along. It sits at the origin except while it is being dragged; its neurons'
positions are then the design's positions.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas import style as S
from nnsim.app.canvas.items import (
    DETAIL_LOD, DOT_LOD, POSITION_CHANGED, R, LayerPort, NeuronItem, _inside, _shows_selected, drawn_clean,
)
from nnsim.design.model import Layer, LayerKind


CLEAN_TRIM = S.BUTTON - 2  # a picture in the clean style has no "- n +" row: its frames end higher


class LayerBackdrop(QGraphicsItem):
    """The opaque fill of a layer's frame, below the connections (a
    translucent fill above them would cost ~20x more to draw)."""

    Z = -20.0

    def __init__(self):
        super().__init__()
        self.setZValue(self.Z)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.rect = QRectF()
        self.color = QColor("#ffffff")

    def set_rect(self, rect: QRectF) -> None:
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = QRectF(rect)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self.rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.color)
        rect = self.rect.adjusted(0, 0, 0, -CLEAN_TRIM) if drawn_clean(self) else self.rect
        if option.levelOfDetailFromTransform(painter.worldTransform()) < 0.15:
            painter.drawRect(rect)
        else:
            painter.drawRoundedRect(rect, 10, 10)


class LayerItem(LayerPort, QGraphicsItem):
    """A rounded frame around a layer's neurons, its name above, a connect
    port on the right and "-  n  +" buttons at the bottom."""

    def __init__(self, lid: int):
        super().__init__()
        self.lid = lid
        self.setFlags(
            QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.name = ""
        self.kind = LayerKind.HIDDEN
        self.count = 0
        pad = R + S.LAYER_PAD
        self.frame = QRectF(-pad, -pad, 2 * pad, pad + R + S.LAYER_BOTTOM)
        self.drop_state: bool | None = None  # a part or a connection hovering: ok / refused
        self._title = ""
        self._title_width = 0.0
        self.dots = False
        self.backdrop = LayerBackdrop()
        self.backdrop.set_rect(self.frame)
        self._hover_part: str | None = None
        self._connecting = False

    def set_data(self, layer: Layer, count: int) -> None:
        self.name, self.kind, self.count = layer.name, layer.kind, count
        self.backdrop.color = S.KIND_STYLE[layer.kind].frame
        self.backdrop.update()
        fm = QFontMetricsF(S.label_font(12, True))
        self.prepareGeometryChange()  # the title's rect (its text and the text size) is in the bounding rect
        self._title = fm.elidedText(layer.name, Qt.ElideRight, 150)  # within its column, however large
        self._title_width = fm.horizontalAdvance(self._title) + 8
        self.update()

    def neurons(self) -> list[NeuronItem]:
        return [c for c in self.childItems() if isinstance(c, NeuronItem)]

    def refresh_frame(self) -> None:
        """Fit the frame around the neurons (in this item's coordinates)."""
        kids = self.neurons()
        if kids:
            xs = [k.pos().x() for k in kids]
            ys = [k.pos().y() for k in kids]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        else:
            x0 = x1 = y0 = y1 = 0.0
        pad = R + S.LAYER_PAD
        bottom = S.LAYER_BOTTOM + 12 * (S.label_scale() - 1)  # the last readout grows with the text
        frame = QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + pad + R + bottom)
        if frame != self.frame:
            self.prepareGeometryChange()
            self.frame = frame
            self.backdrop.set_rect(frame)
            self.update()

    def scene_frame(self) -> QRectF:
        return self.mapRectToScene(self.frame)

    # -- parts -----------------------------------------------------------------------
    def port_frame(self) -> QRectF:
        return self.frame

    def _buttons(self) -> tuple[QRectF, QRectF]:
        y = self.frame.bottom() - S.BUTTON - 5
        minus = QRectF(self.frame.left() + 5, y, S.BUTTON, S.BUTTON)
        plus = QRectF(self.frame.right() - 5 - S.BUTTON, y, S.BUTTON, S.BUTTON)
        return minus, plus

    def part_at(self, local: QPointF) -> str | None:
        """'port', 'minus', 'plus', 'title', 'frame' or None."""
        if self.has_port and _inside(local, self.port_center(), S.LAYER_PORT_RADIUS + 3):
            return "port"
        minus, plus = self._buttons()
        if minus.adjusted(-2, -2, 2, 2).contains(local):
            return "minus"
        if plus.adjusted(-2, -2, 2, 2).contains(local):
            return "plus"
        if self._title_rect().contains(local):
            return "title"
        if self.frame.contains(local):
            return "frame"
        return None

    def _title_rect(self) -> QRectF:
        c, w = self.frame.center().x(), max(self._title_width, 20.0)
        h = (S.LAYER_TITLE - 2) * S.label_scale()
        return QRectF(c - w / 2, self.frame.top() - 2 - h, w, h)

    # -- geometry ----------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        r = self.frame.united(self._title_rect())
        return r.adjusted(-5, -3, S.LAYER_PORT_RADIUS + 9, 5)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.frame, 10, 10)
        path.addRect(self._title_rect())
        if self.has_port:
            path.addEllipse(self.port_center(), S.LAYER_PORT_RADIUS + 3, S.LAYER_PORT_RADIUS + 3)
        return path

    def itemChange(self, change, value):  # noqa: N802
        # Called for every neuron added (about ten times each): see ``NeuronItem.itemChange``.
        if change is POSITION_CHANGED:
            self.backdrop.setPos(self.pos())
            scene = self.scene()
            if scene is not None:
                scene.item_moved(self)
        return value

    # -- painting ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option, widget=None) -> None:
        ks = S.KIND_STYLE[self.kind]
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if _shows_selected(self):
            border = QPen(S.SELECT, 2.4)
        elif self.drop_state is not None:
            border = QPen(S.ACCEPT if self.drop_state else S.REFUSED, 2.6)
        else:
            border = QPen(ks.border, 1.4)
        painter.setPen(border)
        painter.setBrush(Qt.NoBrush)  # the backdrop, under the connections, fills it
        frame = self.frame.adjusted(0, 0, 0, -CLEAN_TRIM) if drawn_clean(self) else self.frame
        if lod * 10 < 1.5:  # corners under a pixel and a half: a plain rectangle is faster
            painter.drawRect(frame)
        else:
            painter.drawRoundedRect(frame, 10, 10)
        if self.dots:
            self._paint_dots(painter, ks)
        if lod < DOT_LOD:
            return
        painter.setPen(ks.title)
        painter.setFont(S.label_font(12, True))
        painter.drawText(self._title_rect(), Qt.AlignHCenter | Qt.AlignBottom, self._title)
        if lod < DETAIL_LOD or drawn_clean(self):  # a picture shows no editing controls
            return
        minus, plus = self._buttons()
        for rect, part in ((minus, "minus"), (plus, "plus")):
            hot = self._hover_part == part
            painter.setPen(QPen(ks.border.darker(125) if hot else ks.border, 1.0))
            painter.setBrush(QColor("#ffffff") if hot else ks.frame.lighter(102))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(QPen(ks.title, 1.5))
            c = rect.center()
            painter.drawLine(QPointF(c.x() - 3.5, c.y()), QPointF(c.x() + 3.5, c.y()))
            if part == "plus":
                painter.drawLine(QPointF(c.x(), c.y() - 3.5), QPointF(c.x(), c.y() + 3.5))
        painter.setPen(S.MUTED)
        painter.setFont(S.font(10))
        painter.drawText(QRectF(minus.right(), minus.top(), plus.left() - minus.right(), S.BUTTON),
                         Qt.AlignCenter, str(self.count))
        if self.has_port:
            hot = self._hover_part == "port" or self._connecting
            c = self.port_center()
            painter.setPen(QPen(ks.ring, 1.4))
            painter.setBrush(ks.ring if hot else QColor("#ffffff"))
            painter.drawEllipse(c, S.LAYER_PORT_RADIUS, S.LAYER_PORT_RADIUS)
            arrow = QPainterPath(QPointF(c.x() - 2.5, c.y() - 4))
            arrow.lineTo(c.x() + 4, c.y())
            arrow.lineTo(c.x() - 2.5, c.y() + 4)
            arrow.closeSubpath()
            painter.setPen(Qt.NoPen)
            painter.setBrush(QColor("#ffffff") if hot else ks.ring)
            painter.drawPath(arrow)

    def set_dots(self, dots: bool) -> None:
        """Far zoomed out, the layer draws its neurons as dots in one call
        instead of each neuron painting itself (the neurons stay selectable)."""
        if dots != self.dots:
            self.dots = dots
            for kid in self.neurons():
                kid.setFlag(QGraphicsItem.ItemHasNoContents, dots)
            self.update()

    def _paint_dots(self, painter: QPainter, ks: S.KindStyle) -> None:
        plain, chosen = [], []
        for kid in self.neurons():
            p = kid.pos()
            (chosen if _shows_selected(kid) else plain).append(QRectF(p.x() - R, p.y() - R, 2 * R, 2 * R))
        painter.setPen(Qt.NoPen)
        for rects, color in ((plain, ks.ring), (chosen, S.SELECT)):
            if rects:
                painter.setBrush(color)
                painter.drawRects(rects)

    # -- interaction -------------------------------------------------------------------
    def hoverMoveEvent(self, event) -> None:  # noqa: N802
        part = self.part_at(event.pos())
        if part != self._hover_part:
            self._hover_part = part
            cursors = {"port": Qt.CrossCursor, "minus": Qt.PointingHandCursor, "plus": Qt.PointingHandCursor}
            self.setCursor(cursors.get(part, Qt.OpenHandCursor))
            self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover_part = None
        self.unsetCursor()
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton:
            part = self.part_at(event.pos())
            tools = self.scene().tools
            recurrent = bool(event.modifiers() & Qt.AltModifier)  # Alt-drag the frame: connect recurrently
            if part == "port" or (recurrent and part not in ("minus", "plus")):
                self._start_connect(event, "layer", self.lid)
                return
            if part in ("minus", "plus"):
                event.accept()
                tools.resize_layer_by(self.lid, 1 if part == "plus" else -1, event.scenePos())
                return
        super().mousePressEvent(event)
