"""Numbers drawn on the canvas: callouts beside neurons, labels on connections.

The overlay adds its own items to the canvas scene (above everything, never
taking the mouse) at the neurons' design positions, and asks the scene to
light up neurons and connections and to show neuron values when the scene
offers that (``highlight``, ``set_neuron_values``). It never touches the
design. Text keeps its size when the canvas is zoomed.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene

from nnsim.design.model import Design, LayerKind

Z_OVERLAY = 5000.0
NEURON_RADIUS = 18.0  # the canvas draws neurons this big; callouts keep clear of it
# Above a layer the canvas draws its frame padding and title; below, its readout row.
ABOVE_LAYER = NEURON_RADIUS + 11 + 22
BELOW_LAYER = NEURON_RADIUS + 11 + 36
MAX_WIRE_LABELS = 12
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
        self.font.setPointSizeF(9.5 if style in ("focus", "back") else 8.5)
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


class Overlay:
    """The learn mode's items on one scene."""

    def __init__(self, scene: QGraphicsScene | None):
        self.scene = scene
        self.items: list[QGraphicsItem] = []
        self.callouts: dict[int, CalloutItem] = {}
        self.labels: dict[tuple[int, int], CalloutItem] = {}

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
        self._remove_items()
        self._scene_call("highlight", [], [])
        self._scene_call("set_neuron_values", None)

    def show(self, design: Design, frame, backward: bool = False) -> None:
        """Draw one walkthrough frame (see ``walkthrough.Frame``)."""
        self._remove_items()
        if self.scene is None:
            return
        pos = {n.id: (n.x, n.y) for n in design.neurons}
        inputs = {n.id for n in design.neurons if _kind(design, n.layer) == LayerKind.INPUT}
        # A canvas that shows neuron values itself needs no value badges from us.
        shows_values = hasattr(self.scene, "set_neuron_values")
        for nid, lines in frame.callouts.items():
            if nid not in pos or not lines:
                continue
            focus = nid == frame.neuron or (frame.neuron is None and nid in frame.focus and frame.phase != "inputs")
            if shows_values and not focus and frame.phase in ("inputs", "forward"):
                continue
            if focus and nid not in inputs:
                item = self._focus_callout(design, nid, lines, "back" if backward else "focus")
            else:
                style = "input" if nid in inputs else "badge"
                item = CalloutItem(lines, style, "left" if nid in inputs else "right")
                item.setPos(*pos[nid])
                self._add(item)
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
        has_highlight = self._scene_call("highlight", list(frame.focus), list(frame.connections))
        if not has_highlight:
            for nid in frame.focus:
                if nid in pos:
                    ring = FocusRing("#c2185b" if backward else "#e0a800")
                    ring.setPos(*pos[nid])
                    self._add(ring)
        self._scene_call("set_neuron_values", dict(frame.values))

    def _focus_callout(self, design: Design, nid: int, lines: list[str], style: str) -> CalloutItem:
        """The neuron being computed gets its callout just above the whole
        network (or below it, when the neuron sits in the lower half of its
        layer), so it covers no neuron, with a leader line down to it."""
        n = design.neuron(nid)
        column = [m for m in design.neurons if m.layer == n.layer] or [n]
        top, bottom = min(m.y for m in column), max(m.y for m in column)
        below = len(column) > 1 and n.y > (top + bottom) / 2
        ys = [m.y for m in design.neurons]
        edge = max(ys) if below else min(ys)
        scale = self._scale()
        # Clear of the layer's frame and title, which zoom with the canvas.
        gap = (BELOW_LAYER if below else ABOVE_LAYER) * scale + 4
        item = CalloutItem(lines, style, "below" if below else "above", gap=gap)
        item.setPos(n.x, edge)
        self._add(item)
        if n.y != edge or len(column) == 1:
            x = n.x + NEURON_RADIUS + 5
            # Reach up (or down) to the callout.
            reach = gap / scale
            end = (edge + reach) if below else (edge - reach)
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

    def _scale(self) -> float:
        """Screen pixels per scene unit in the first view (1 without a view)."""
        views = self.scene.views() if self.scene is not None else []
        scale = views[0].transform().m11() if views else 1.0
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
