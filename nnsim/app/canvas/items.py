"""The neuron item of the canvas.

Items only draw what the scene tells them and report what the user did with
them to the scene (``scene.tools``); they never change the design. A
``NeuronItem`` is a child of its layer's ``LayerItem`` (``frames.py``).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas import style as S
from nnsim.design.model import Activation, Layer, LayerKind, Neuron

R = S.NEURON_RADIUS
PORT_CENTER = QPointF(R + 4.5, 0.0)
VALUE_WIDTH = 42.0  # the box of a neuron's value left of its circle (learn mode), at the usual text size
DETAIL_LOD = 0.55  # below this zoom, skip text and small decorations
DOT_LOD = 0.22  # below this zoom, neurons are dots drawn by their layer
POSITION_CHANGED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
SELECTED_CHANGED = QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged


def _shows_selected(item: QGraphicsItem) -> bool:
    """Selected, and not being exported (files show no selection marks)."""
    return item.isSelected() and not getattr(item.scene(), "exporting", False)


def drawn_clean(item: QGraphicsItem) -> bool:
    """Drawn for a picture in the clean style: no editing controls (buttons,
    ports), no hover or highlight marks, no step-through numbers."""
    return getattr(item.scene(), "clean", False)


def _inside(point: QPointF, center: QPointF, radius: float) -> bool:
    return math.hypot(point.x() - center.x(), point.y() - center.y()) <= radius


class PortDrag:
    """Dragging a new connection out of an item's port, for the canvas items
    that have one (mixed in before ``QGraphicsItem``): a press on the port calls
    ``_start_connect``; the scene's tools follow the drag and finish it on release."""

    _connecting = False  # a connection is being dragged out of the port

    def _start_connect(self, event, kind: str, ident: int) -> None:
        self._connecting = True
        delay = 1 if event.modifiers() & Qt.AltModifier else 0  # Alt: a recurrent connection
        self.scene().tools.begin_connect(kind, ident, self.port_scene_pos(), delay)
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._connecting:
            self.scene().tools.update_connect(event.scenePos())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._connecting:
            self._connecting = False
            self.update()
            self.scene().tools.finish_connect(event.scenePos())
            return
        super().mouseReleaseEvent(event)


class LayerPort(PortDrag):
    """A layer's port, a frame of neurons or a block alike: beside the right
    edge of ``port_frame()``, mostly outside it, clear of what it holds; every
    layer but an output has one."""

    def port_frame(self) -> QRectF:
        raise NotImplementedError

    @property
    def has_port(self) -> bool:
        return self.kind != LayerKind.OUTPUT

    def port_center(self) -> QPointF:
        frame = self.port_frame()
        return QPointF(frame.right() + 4, frame.center().y())

    def port_scene_pos(self) -> QPointF:
        return self.mapToScene(self.port_center())


class NeuronItem(PortDrag, QGraphicsItem):
    """One neuron: a circle coloured by its layer's kind, its label or
    activation symbol, an activation glyph, a bias (or threshold) readout and
    a connect port on the right."""

    def __init__(self, nid: int, parent: QGraphicsItem | None = None):
        super().__init__()
        self.nid = nid
        self.setFlags(
            QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.kind = LayerKind.HIDDEN
        self.activation = Activation.TANH
        self.text = ""
        self.readout = ""
        self.thumbnail: QImage | None = None
        self.value: float | None = None
        self.highlighted = False
        self.target_state: bool | None = None  # connect drag over this neuron: ok / refused
        self._hover = False
        self._port_hover = False
        self._connecting = False
        self._readout_width = 0.0
        self._threshold = self._bias = 0.0  # the design's, for the readout
        self.label = ""  # the neuron's own label ("" when it has none)
        self._label_too_long = False
        self.outside = ""  # a label drawn beside the circle (too long for it, or covered by a thumbnail)
        self._outside_width = 0.0
        self._pill_width = 0.0  # the pill behind the label over a thumbnail
        self._text_px = 11  # the label in the circle: larger with the text size, as far as it fits
        self._rect = QRectF()
        self._update_rect()
        if parent is not None:
            self.setParentItem(parent)

    # -- data ------------------------------------------------------------------------
    def set_data(self, neuron: Neuron, layer: Layer, activation: Activation, index: int) -> None:
        self.kind = layer.kind
        self.activation = activation
        fm = S.metrics(11)
        default = f"x{index + 1}" if layer.kind == LayerKind.INPUT else S.ACTIVATION_SYMBOL[activation]
        self.label = neuron.label
        self._label_too_long = bool(neuron.label) and layer.kind != LayerKind.HIDDEN \
            and fm.horizontalAdvance(neuron.label) > 2 * R - 5
        text = default if not neuron.label or self._label_too_long else neuron.label
        self.text = fm.elidedText(text, Qt.ElideRight, 2 * R - 5)
        bold = layer.kind == LayerKind.INPUT
        self._text_px = round(11 * S.label_scale())
        while self._text_px > 11 and S.metrics(self._text_px, bold).horizontalAdvance(self.text) > 2 * R - 5:
            self._text_px -= 1
        self._place_label()
        self._threshold = neuron.threshold
        self._bias = neuron.bias
        self.readout = None  # measured again: the text size may have changed
        self._set_readout(neuron.bias)
        self._update_rect()
        self.update()

    def set_numbers(self, bias: float, threshold: float) -> None:
        """The design's bias and threshold changed (nothing else did)."""
        self._threshold, self._bias = threshold, bias
        self._set_readout(bias)

    def show_bias(self, bias: float | None) -> None:
        """Show this bias in the readout instead of the design's (live
        training); None goes back to the design's."""
        self._set_readout(self._bias if bias is None else bias)

    def _set_readout(self, bias: float) -> None:
        if self.kind == LayerKind.INPUT:
            readout = ""
        elif self.activation in (Activation.STEP, Activation.SIGN):
            readout = f"θ {S.format_number(self._threshold)}"
            if bias:
                readout += f"  b {S.format_number(bias)}"
        else:
            readout = f"b {S.format_number(bias)}"
        if readout == self.readout:
            return
        self.readout = readout
        self._readout_width = S.label_metrics(9).horizontalAdvance(self.readout)
        self._update_rect()
        self.update()

    def set_thumbnail(self, image: QImage | None) -> None:
        """A small picture inside the circle (training's neuron map); the
        label it covers moves beside the circle. An image with an alpha
        channel is drawn as it is, so it should be round (transparent outside
        its inscribed circle: fast to draw); one without is clipped to the
        circle (a clip path costs about twenty times as much a paint)."""
        if image is not self.thumbnail:
            had = self.thumbnail is not None
            self.thumbnail = image
            if had != (image is not None):  # the label moves only when a thumbnail comes or goes
                self._place_label()
            self.update()

    def _place_label(self) -> None:
        """A label goes outside, where the layer is open (inputs on the left,
        outputs on the right, as TensorFlow Playground labels features), when it
        is too long for the circle or a thumbnail covers the circle. A hidden
        neuron's label stays on the circle (on a light pill over a thumbnail)."""
        outside = self.kind != LayerKind.HIDDEN and bool(self.label) and (
            self._label_too_long or self.thumbnail is not None)
        bold = S.label_metrics(11, True)
        self.outside = bold.elidedText(self.label, Qt.ElideRight, 110 * S.label_scale()) if outside else ""
        self._outside_width = bold.horizontalAdvance(self.outside) + 2 if outside else 0.0
        pill = self.thumbnail is not None and bool(self.label) and not self.outside  # as paint() decides
        self._pill_width = S.metrics(10, True).horizontalAdvance(self.text) + 8 if pill else 0.0
        self._update_rect()

    @property
    def has_port(self) -> bool:
        return self.kind != LayerKind.OUTPUT

    def port_scene_pos(self) -> QPointF:
        return self.mapToScene(PORT_CENTER)

    def in_port(self, local: QPointF) -> bool:
        return self.has_port and _inside(local, PORT_CENTER, S.PORT_RADIUS + 2.5)

    # -- geometry --------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        # Tight: the rubber band selects items whose whole bounding rect it holds.
        return self._rect

    def _outside_rect(self, value_shown: bool | None = None) -> QRectF:
        """Where the label beside the circle goes: further out while a value
        box is drawn between them (``value_shown`` None: whenever there is a value)."""
        w, k = self._outside_width, S.label_scale()
        if self.kind == LayerKind.OUTPUT:
            return QRectF(R + S.LAYER_PAD + 4, -8 * k, w, 16 * k)
        shown = self.value is not None if value_shown is None else value_shown
        left = -R - S.LAYER_PAD - 4 - w - (6 + VALUE_WIDTH * k if shown else 0)
        return QRectF(left, -8 * k, w, 16 * k)

    def _update_rect(self) -> None:
        k = S.label_scale()
        half = max(R + 6, self._readout_width / 2 + 2)
        left = -R - 8 - VALUE_WIDTH * k if self.value is not None else -half
        right = max(PORT_CENTER.x() + S.PORT_RADIUS + 2, half)
        rect = QRectF(left, -R - 6, right - left, 2 * R + 6 + (3 + 12 * k if self.readout else 6))
        if self.outside:
            rect = rect.united(self._outside_rect().adjusted(-1, -1, 1, 1))
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def set_value(self, value: float | None) -> None:
        if value != self.value:
            self.value = value
            self._update_rect()
            self.update()

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), R + 1, R + 1)
        if self.has_port:
            path.addEllipse(PORT_CENTER, S.PORT_RADIUS + 2.5, S.PORT_RADIUS + 2.5)
        return path

    def itemChange(self, change, value):  # noqa: N802
        # Called about ten times for each item made (flags, parent, scene, position):
        # compared with constants, and ``value`` given back as the base class does.
        if change is POSITION_CHANGED:
            scene = self.scene()
            if scene is not None:
                scene.item_moved(self)
        elif change is SELECTED_CHANGED and self.flags() & QGraphicsItem.ItemHasNoContents:
            self.parentItem().update()  # the layer draws this neuron as a dot
        return value

    # -- painting --------------------------------------------------------------------
    def paint(self, painter: QPainter, option, widget=None) -> None:
        ks = S.KIND_STYLE[self.kind]
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        circle = QRectF(-R, -R, 2 * R, 2 * R)
        clean = drawn_clean(self)
        value = None if clean else self.value
        fill = S.value_color(value) if value is not None else ks.fill
        if _shows_selected(self):
            ring = QPen(S.SELECT, 2.6)
        else:
            ring = QPen(ks.ring.darker(115) if self._hover and not clean else ks.ring, 1.5)
        painter.setPen(ring)
        painter.setBrush(fill)
        painter.drawEllipse(circle)
        if self.thumbnail is not None:
            inside = circle.adjusted(1.5, 1.5, -1.5, -1.5)
            exporting = getattr(self.scene(), "exporting", False)
            if self.thumbnail.hasAlphaChannel() and not exporting:  # round already (see set_thumbnail)
                painter.drawImage(inside, self.thumbnail)
            else:
                painter.save()
                clip = QPainterPath()
                clip.addEllipse(inside)
                painter.setClipPath(clip)  # files clip too: an SVG's image is a square
                painter.drawImage(inside if self.thumbnail.hasAlphaChannel() else circle, self.thumbnail)
                painter.restore()
        if self.highlighted and not clean:
            painter.setPen(QPen(S.HIGHLIGHT, 3.0))
            painter.setBrush(Qt.NoBrush)
            painter.drawEllipse(circle.adjusted(-4, -4, 4, 4))
        if self.target_state is not None and not clean:
            painter.setPen(QPen(S.ACCEPT if self.target_state else S.REFUSED, 3.0))
            painter.setBrush(Qt.NoBrush)
            painter.drawEllipse(circle.adjusted(-4, -4, 4, 4))
        if lod < DETAIL_LOD:
            return
        if self.thumbnail is None:
            painter.setPen(S.TEXT)
            painter.setFont(S.font(self._text_px, bold=self.kind == LayerKind.INPUT))
            painter.drawText(circle, Qt.AlignCenter, self.text)
        elif self.label and not self.outside:
            self._paint_pill(painter, self.text)
        if self.outside:
            painter.setPen(ks.title)
            painter.setFont(S.label_font(11, True))
            align = Qt.AlignLeft if self.kind == LayerKind.OUTPUT else Qt.AlignRight
            painter.drawText(self._outside_rect(value is not None), align | Qt.AlignVCenter, self.outside)
        if self.kind != LayerKind.INPUT:
            self._paint_glyph(painter, ks)
        if self.readout:
            # On the frame's own colour, so connections passing behind do not cross the numbers.
            w = self._readout_width + 4
            rect = QRectF(-w / 2, R + 1, w, 12 * S.label_scale())
            painter.setPen(Qt.NoPen)
            painter.setBrush(ks.frame)
            painter.drawRoundedRect(rect.adjusted(-1, 0, 1, 0), 3, 3)
            painter.setPen(S.MUTED)
            painter.setFont(S.label_font(9))
            painter.drawText(rect, Qt.AlignHCenter | Qt.AlignTop, self.readout)
        if value is not None:
            self._paint_value(painter)
        if self.has_port and not clean and (self._hover or _shows_selected(self) or self._connecting):
            self._paint_port(painter, ks)

    def _paint_glyph(self, painter: QPainter, ks: S.KindStyle) -> None:
        c = QPointF(R * 0.74, -R * 0.74)
        painter.setPen(QPen(ks.ring, 1.0))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(c, 7.5, 7.5)
        painter.translate(c)
        painter.setPen(QPen(ks.title, 1.3))
        painter.setBrush(ks.title if self.activation == Activation.SOFTMAX else Qt.NoBrush)
        painter.drawPath(S.glyph_path(self.activation, 4.6))
        painter.translate(-c)

    def _paint_pill(self, painter: QPainter, text: str) -> None:
        """A label on a light pill in the middle of the circle (over a thumbnail)."""
        font = S.font(10, bold=True)
        w = self._pill_width
        rect = QRectF(-w / 2, -7.5, w, 15)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(rect, 7, 7)
        painter.setPen(S.TEXT)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignCenter, text)

    def _paint_value(self, painter: QPainter) -> None:
        text = S.format_number(self.value)
        k = S.label_scale()
        rect = QRectF(-R - 4 - VALUE_WIDTH * k, -8 * k, VALUE_WIDTH * k, 16 * k)
        painter.setPen(QPen(S.value_color(self.value).darker(130), 1.0))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setPen(S.TEXT)
        painter.setFont(S.label_font(10, bold=True))
        painter.drawText(rect, Qt.AlignCenter, text)

    def _paint_port(self, painter: QPainter, ks: S.KindStyle) -> None:
        strong = self._port_hover or self._connecting
        painter.setPen(QPen(ks.ring, 1.2))
        painter.setBrush(ks.ring if strong else QColor("#ffffff"))
        painter.drawEllipse(PORT_CENTER, S.PORT_RADIUS, S.PORT_RADIUS)
        painter.setPen(QPen(QColor("#ffffff") if strong else ks.ring, 1.4))
        x, y, a = PORT_CENTER.x(), PORT_CENTER.y(), 2.8
        painter.drawLine(QPointF(x - a, y), QPointF(x + a, y))
        painter.drawLine(QPointF(x, y - a), QPointF(x, y + a))

    # -- interaction -------------------------------------------------------------------
    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self._hover = True
        self.update()
        if self.scene() is not None:
            self.scene().set_hovered_neuron(self.nid)

    def hoverMoveEvent(self, event) -> None:  # noqa: N802
        port = self.in_port(event.pos())
        if port != self._port_hover:
            self._port_hover = port
            self.setCursor(Qt.CrossCursor if port else Qt.ArrowCursor)
            self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover = self._port_hover = False
        self.unsetCursor()
        self.update()
        scene = self.scene()
        if scene is not None and scene._hover_neuron == self.nid:
            scene.set_hovered_neuron(-1)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        wants_connect = self.in_port(event.pos()) or event.modifiers() & Qt.ShiftModifier
        recurrent = bool(event.modifiers() & Qt.AltModifier)  # Alt-drag: a recurrent connection, from any neuron
        if event.button() == Qt.LeftButton and ((wants_connect and self.has_port) or recurrent):
            self._start_connect(event, "neuron", self.nid)
            return
        super().mousePressEvent(event)
