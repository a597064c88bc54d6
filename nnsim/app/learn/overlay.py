"""Numbers drawn on the canvas: callouts beside neurons, labels on connections.

The overlay adds its own items to the canvas scene (above everything, never
taking the mouse) at the neurons' design positions, and asks the scene to
light up neurons and connections and to show neuron values when the scene
offers that (``highlight``, ``set_neuron_values``). It never touches the
design. Text keeps its size when the canvas is zoomed, and a callout whose
neuron is in view is kept inside the view (the one above the network goes
below it when there is no room above), and the view scrolls, where it has
room, so that the values the canvas draws beside neurons are not cut off at
its edges; scrolling or zooming the view lays
the callouts out again.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from nnsim.app.canvas import style as S
from nnsim.design.model import Design, LayerKind

Z_OVERLAY = 5000.0
NEURON_RADIUS = 18.0  # the canvas draws neurons this big; callouts keep clear of it
# Above a layer the canvas draws its frame padding and title; below, its readout row.
ABOVE_LAYER = NEURON_RADIUS + 11 + 22
BELOW_LAYER = NEURON_RADIUS + 11 + 36
MAX_WIRE_LABELS = 12
EDGE = 4.0  # pixels kept between a callout and the view's edge
WIRE_T = 0.4  # where along a connection (from its source) its label sits

STYLES = {
    # name: (background, border, text)
    "focus": ("#fff8d6", "#e0a800", "#222222"),
    "badge": ("#ffffff", "#9e9e9e", "#333333"),
    "input": ("#e8f5e9", "#43a047", "#1b5e20"),
    "back": ("#fde7ef", "#c2185b", "#4a0d25"),
    "wire": ("#ffffff", "#c2185b", "#4a0d25"),
}


class CalloutItem(QGraphicsItem):
    """A box of one or more lines of text anchored at a scene point.

    ``side`` is where the box sits relative to the anchor: "right", "left",
    "above", "below" or "middle" (centred on the point); ``gap`` is its
    distance from the anchor in pixels."""

    def __init__(
        self,
        lines: list[str],
        style: str = "badge",
        side: str = "right",
        bold_first: bool = False,
        gap: float = NEURON_RADIUS + 6,
    ):
        super().__init__()
        self.lines = list(lines)
        self.style = style
        self.side = side
        self.bold_first = bold_first
        self.gap = gap
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(Z_OVERLAY + (10 if style == "focus" else 0))
        self.font = QFont()
        self.font.setPointSizeF((9.5 if style in ("focus", "back") else 8.5) * S.label_scale())
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self._rect = self._layout()

    def text(self) -> str:
        return "\n".join(self.lines)

    def _layout(self) -> QRectF:
        pad_x, pad_y = 6.0, 3.0
        widths, height = [], 0.0
        for i, line in enumerate(self.lines):
            fm = QFontMetricsF(self.bold if (i == 0 and self.bold_first) else self.font)
            widths.append(fm.horizontalAdvance(line))
            height += fm.height()
        w = max(widths, default=0.0) + 2 * pad_x
        h = height + 2 * pad_y
        gap = self.gap
        if self.side == "below":
            return QRectF(-w / 2, gap, w, h)
        if self.side == "right":
            return QRectF(gap, -h / 2, w, h)
        if self.side == "left":
            return QRectF(-gap - w, -h / 2, w, h)
        if self.side == "above":
            return QRectF(-w / 2, -gap - h, w, h)
        return QRectF(-w / 2, -h / 2, w, h)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        bg, border, fg = STYLES.get(self.style, STYLES["badge"])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(border), 1.2))
        painter.setBrush(QBrush(QColor(bg)))
        painter.drawRoundedRect(self._rect, 5, 5)
        painter.setPen(QColor(fg))
        y = self._rect.top() + 3
        for i, line in enumerate(self.lines):
            font = self.bold if (i == 0 and self.bold_first) else self.font
            painter.setFont(font)
            fm = QFontMetricsF(font)
            painter.drawText(QPointF(self._rect.left() + 6, y + fm.ascent()), line)
            y += fm.height()


class FocusRing(QGraphicsItem):
    """A ring around a neuron, for scenes that cannot highlight by themselves."""

    def __init__(self, colour: str = "#e0a800"):
        super().__init__()
        self.colour = colour
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(Z_OVERLAY - 1)

    def boundingRect(self) -> QRectF:  # noqa: N802
        r = NEURON_RADIUS + 6
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(self.colour), 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = NEURON_RADIUS + 4
        painter.drawEllipse(QRectF(-r, -r, 2 * r, 2 * r))


class _ViewWatch(QObject):
    """Calls back (once, shortly after) when a view scrolls, zooms or resizes."""

    def __init__(self, callback):
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(callback)
        self._view = None

    def watch(self, view) -> None:
        if view is self._view:
            return
        self._view = view
        if view is None:
            return
        view.horizontalScrollBar().valueChanged.connect(self._changed)
        view.verticalScrollBar().valueChanged.connect(self._changed)
        view.viewport().installEventFilter(self)
        zoom_changed = getattr(view, "zoom_changed", None)
        if zoom_changed is not None:
            zoom_changed.connect(self._changed)

    def _changed(self, *_) -> None:
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False


class Overlay:
    """The learn mode's items on one scene."""

    def __init__(self, scene: QGraphicsScene | None):
        self.scene = scene
        self.items: list[QGraphicsItem] = []
        self.callouts: dict[int, CalloutItem] = {}
        self.labels: dict[tuple[int, int], CalloutItem] = {}
        self._shown = None  # (design, frame, backward) on the canvas now
        self._shown_state = None  # the view's transform, scroll and size it was laid out for
        self._watch = _ViewWatch(self._relayout)

    # -- drawing -----------------------------------------------------------------------
    def _remove_items(self) -> None:
        """Take this overlay's own items off the scene."""
        for item in self.items:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.items.clear()
        self.callouts.clear()
        self.labels.clear()

    def clear(self) -> None:
        self._shown = None
        self._remove_items()
        self._scene_call("highlight", [], [])
        self._scene_call("set_neuron_values", None)

    def show(self, design: Design, frame, backward: bool = False) -> None:
        """Draw one walkthrough frame (see ``walkthrough.Frame``)."""
        self._remove_items()
        if self.scene is None:
            return
        self._shown = (design, frame, backward)
        # The canvas draws values beside their neurons (an input's on its left,
        # its name further out): scroll them into view first, then lay out.
        self._scene_call("set_neuron_values", dict(frame.values))
        self._values_in_view(list(frame.values))
        self._shown_state = self._view_state()
        self._watch.watch(self._view())
        pos = {n.id: (n.x, n.y) for n in design.neurons}
        inputs = {n.id for n in design.neurons if _kind(design, n.layer) == LayerKind.INPUT}
        # A canvas that shows neuron values itself needs no value badges from us.
        shows_values = hasattr(self.scene, "set_neuron_values")
        for nid, lines in frame.callouts.items():
            if nid not in pos or not lines:
                continue
            focus = nid == frame.neuron or (frame.neuron is None and nid in frame.focus and frame.phase != "inputs")
            if shows_values and not focus and frame.phase in ("inputs", "forward"):
                if nid not in inputs or len(lines) < 2:
                    continue
                lines = lines[1:]  # the neuron shows the value; the callout, the file's value beside it
            if focus and nid not in inputs:
                item = self._focus_callout(design, nid, lines, "back" if backward else "focus")
            else:
                style = "input" if nid in inputs else "badge"
                item = CalloutItem(lines, style, "left" if nid in inputs else "right")
                item.setPos(*pos[nid])
                self._add(item)
                self._keep_in_view(item, QPointF(*pos[nid]))
            self.callouts[nid] = item
        wires = []
        labels = frame.conn_labels
        if len(labels) > MAX_WIRE_LABELS:  # a wide layer: label the connections that matter most
            keep = sorted(labels, key=lambda pair: -frame.weights_of_interest.get(pair, 0.0))[:MAX_WIRE_LABELS]
            labels = {pair: labels[pair] for pair in keep}
        for (s, t), text in labels.items():
            if s not in pos or t not in pos:
                continue
            (x1, y1), (x2, y2) = pos[s], pos[t]
            item = CalloutItem(text.split("\n"), "wire", "middle")
            item.setPos(x1 + WIRE_T * (x2 - x1), y1 + WIRE_T * (y2 - y1))
            self._add(item)
            self.labels[(s, t)] = item
            wires.append(item)
        self._spread(wires)
        for item in wires:
            self._keep_in_view(item, item.pos())
        has_highlight = self._scene_call("highlight", list(frame.focus), list(frame.connections))
        if not has_highlight:
            for nid in frame.focus:
                if nid in pos:
                    ring = FocusRing("#c2185b" if backward else "#e0a800")
                    ring.setPos(*pos[nid])
                    self._add(ring)

    def _focus_callout(self, design: Design, nid: int, lines: list[str], style: str) -> CalloutItem:
        """The neuron being computed gets its callout just above the whole
        network (or below it, when the neuron sits in the lower half of its
        layer), so it covers no neuron, with a leader line to it. When the view
        has no room there, it goes on the other side of the network, else
        beside the neuron, else where it has to move least to fit."""
        n = design.neuron(nid)
        at = QPointF(n.x, n.y)
        column = [m for m in design.neurons if m.layer == n.layer] or [n]
        top, bottom = min(m.y for m in column), max(m.y for m in column)
        ys = [m.y for m in design.neurons]
        scale = self._scale()

        def callout(side: str) -> CalloutItem:
            if side in ("right", "left"):
                item = CalloutItem(lines, style, side, gap=(NEURON_RADIUS + 14) * scale + 4)
                item.setPos(at)
                return item
            # Clear of the layer's frame and title, which zoom with the canvas.
            gap = (BELOW_LAYER if side == "below" else ABOVE_LAYER) * scale + 4
            item = CalloutItem(lines, style, side, gap=gap)
            item.setPos(n.x, max(ys) if side == "below" else min(ys))
            return item

        first = "below" if len(column) > 1 and n.y > (top + bottom) / 2 else "above"
        order = [first, "above" if first == "below" else "below", "right", "left"]
        candidates = [callout(side) for side in order]

        def covering(c: CalloutItem) -> float:
            """How far it must move towards the network to fit (sliding along it costs nothing)."""
            shift = self._shift(c, at)
            return abs(shift.y()) if c.side in ("above", "below") else abs(shift.x())

        item = min(candidates, key=covering)  # the first that fits, if one does

        edge = item.pos().y()  # the network's top or bottom (or the neuron, beside it)
        self._add(item)
        self._keep_in_view(item, at)
        if item.side in ("above", "below") and (n.y != edge or item.pos().y() != edge or len(column) == 1):
            box = item.boundingRect()
            end = item.pos().y() + (box.top() if item.side == "below" else box.bottom()) / scale  # its near side
            x = n.x + NEURON_RADIUS + 5
            path = QPainterPath(QPointF(n.x + NEURON_RADIUS, n.y))
            path.lineTo(x, n.y)
            path.lineTo(x, end)
            leader = QGraphicsPathItem(path)
            pen = QPen(QColor(STYLES[style][1]), 1.5, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            leader.setPen(pen)
            leader.setZValue(Z_OVERLAY - 1)
            leader.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._add(leader)
        return item

    # -- staying in view ---------------------------------------------------------------------
    def _view(self):
        views = self.scene.views() if self.scene is not None else []
        return views[0] if views else None

    def screen_rect(self, item: CalloutItem) -> QRectF | None:
        """Where a callout is drawn in the first view's viewport (pixels)."""
        view = self._view()
        if view is None:
            return None
        p = view.mapFromScene(item.pos())
        return item.boundingRect().translated(p.x(), p.y())

    def _room(self) -> QRectF | None:
        view = self._view()
        if view is None:
            return None
        return QRectF(view.viewport().rect()).adjusted(EDGE, EDGE, -EDGE, -EDGE)

    def _anchored_in_view(self, anchor: QPointF) -> bool:
        view, room = self._view(), self._room()
        return view is not None and room is not None and room.contains(QPointF(view.mapFromScene(anchor)))

    def _shift(self, item: CalloutItem, anchor: QPointF) -> QPointF:
        """How far (pixels) a callout must move to lie inside the view; none
        for a callout whose neuron is out of view."""
        if not self._anchored_in_view(anchor):
            return QPointF()
        room, rect = self._room(), self.screen_rect(item)
        dx = room.left() - rect.left() if rect.left() < room.left() or rect.width() > room.width() else \
            min(0.0, room.right() - rect.right())
        dy = room.top() - rect.top() if rect.top() < room.top() or rect.height() > room.height() else \
            min(0.0, room.bottom() - rect.bottom())
        return QPointF(dx, dy)

    def _values_in_view(self, nids: list[int]) -> None:
        """Scroll the view so that the neurons in view that show a value are
        whole, with their values and labels (an input's value box and name
        sit left of it), along each axis where they all fit in the view."""
        view, room = self._view(), self._room()
        items = getattr(self.scene, "neuron_items", None)
        if view is None or room is None or not items:
            return
        box = QRectF()
        for nid in nids:
            item = items.get(nid)
            if item is not None and item.isVisible() and self._anchored_in_view(item.scenePos()):
                box = box.united(QRectF(view.mapFromScene(item.sceneBoundingRect()).boundingRect()))
        if box.isEmpty():
            return

        def shift(low: float, high: float, room_low: float, room_high: float) -> int:
            if high - low > room_high - room_low:
                return 0  # they do not all fit: leave the view where the user put it
            if low < room_low:
                return int(low - room_low) - 1
            if high > room_high:
                return int(high - room_high) + 1
            return 0

        dx = shift(box.left(), box.right(), room.left(), room.right())
        dy = shift(box.top(), box.bottom(), room.top(), room.bottom())
        if dx:
            view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + dx)
        if dy:
            view.verticalScrollBar().setValue(view.verticalScrollBar().value() + dy)

    def _keep_in_view(self, item: CalloutItem, anchor: QPointF) -> None:
        """Move a callout whose neuron is in view inside the view's edges."""
        shift = self._shift(item, anchor)
        if not shift.isNull():
            item.setPos(item.pos() + shift / self._scale())

    def _relayout(self) -> None:
        """The view moved: draw the frame on the canvas again, fitted to it."""
        if self._shown is not None and self.items and self._view_state() != self._shown_state:
            self.show(*self._shown)

    def _view_state(self):
        view = self._view()
        if view is None:
            return None
        return (view.transform(), view.horizontalScrollBar().value(), view.verticalScrollBar().value(),
                view.viewport().size())

    def _scale(self) -> float:
        """Screen pixels per scene unit in the first view (1 without a view)."""
        view = self._view()
        scale = view.transform().m11() if view is not None else 1.0
        return scale if scale > 0 else 1.0

    def _spread(self, labels: list[CalloutItem]) -> None:
        """Move labels apart vertically where they would overlap on screen."""
        scale = self._scale()
        placed: list[QRectF] = []
        for item in sorted(labels, key=lambda i: i.pos().y()):
            r = item.boundingRect()
            x, y = item.pos().x(), item.pos().y()
            rect = QRectF(x + r.left() / scale, y + r.top() / scale, r.width() / scale, r.height() / scale)
            for other in placed:
                if rect.intersects(other):
                    rect.moveTop(other.bottom() + 1 / scale)
            item.setPos(item.pos().x(), rect.top() - r.top() / scale)
            placed.append(rect)

    def _add(self, item: QGraphicsItem) -> None:
        self.scene.addItem(item)
        self.items.append(item)

    def _scene_call(self, name: str, *args) -> bool:
        fn = getattr(self.scene, name, None)
        if fn is None:
            return False
        fn(*args)
        return True

    # -- reading (tests, screenshots) --------------------------------------------------------
    def texts(self) -> dict:
        return {
            "neurons": {nid: item.text() for nid, item in self.callouts.items()},
            "connections": {pair: item.text() for pair, item in self.labels.items()},
        }


def _kind(design: Design, layer_id: int):
    try:
        return design.layer(layer_id).kind
    except KeyError:
        return None


def escape(text: str) -> str:
    return html.escape(text, quote=False)
