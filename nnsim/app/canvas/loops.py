"""Recurrent connections drawn as loop arcs.

A connection with a delay of one time step carries a value to the next step:
a layer onto itself (Elman) or a later layer back to an earlier one (Jordan).
Drawn as straight lines those would run inside a column or backwards over the
network, so each (source layer, target layer) pair of delayed connections is
one arc above the layers instead, labelled with its delay (at the window's
text size); the pair's straight bundle is hidden when all its connections are
delayed. Clicking an arc selects its connections (Delete removes them,
undoably).

``LoopArcs`` (``scene.loops``) keeps the arcs in step with the design: the
pairs are read again after a structural edit, the geometry after any move.
"""

from __future__ import annotations

import math
from operator import attrgetter

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas import style as S

DELAY = attrgetter("delay")

LOOP = QColor("#7048e8")  # the recurrent connections' colour (violet: neither weight sign)
LOOP_Z = -7.0  # above the bundles and their overlays, below the neurons
RISE = 46.0  # how far an arc climbs above the higher of its layers' frames
SPREAD = 18.0  # arcs of the same layer climb this much higher, one after another
ARROW = 9.0

PairKey = tuple[int, int]


def label_font() -> QFont:
    """The loop labels' font: 8 points at the usual text size, larger with it."""
    font = QFont()
    font.setPointSizeF(8.0 * S.label_scale())
    return font


class LoopArcItem(QGraphicsItem):
    """The delayed connections from one layer to another (or to itself)."""

    def __init__(self, key: PairKey):
        super().__init__()
        self.key = key
        self.count = 0
        self.names = ("", "")
        self.mean_weight = 0.0
        self.selected_all = False
        self.setZValue(LOOP_Z)
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.LeftButton)
        self._path = QPainterPath()
        self._shape = QPainterPath()
        self._arrow = QPolygonF()
        self._label_at = QPointF()
        self._label_box = QRectF()
        self._rect = QRectF()

    # -- geometry -------------------------------------------------------------------
    def set_geometry(self, source: QRectF, target: QRectF, level: int) -> None:
        """Arc from the top of ``source``'s frame to the top of ``target``'s."""
        k = S.label_scale()
        title = S.LAYER_TITLE * k  # the layers' titles grow with the text
        top = min(source.top(), target.top()) - title - (RISE + SPREAD * level) * k
        if self.key[0] == self.key[1]:
            w = source.width()
            start = QPointF(source.right() - min(12.0, w / 4), source.top() - title)
            end = QPointF(source.left() + min(12.0, w / 4), source.top() - title)
            reach = max(w * 0.6, 30.0)
        else:
            start = QPointF(source.center().x(), source.top() - title)
            end = QPointF(target.center().x() + 10.0, target.top() - title)
            reach = 0.0
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x() + reach, top), QPointF(end.x() - reach, top), end)
        self.prepareGeometryChange()
        self._path = path
        stroker = QPainterPathStroker()
        stroker.setWidth(12.0)
        self._shape = stroker.createStroke(path)
        # The arrow head points down into the target at the arc's end.
        angle = path.angleAtPercent(1.0)
        tip = end
        a = math.radians(angle)
        back = QPointF(-math.cos(a) * ARROW, math.sin(a) * ARROW)
        side = QPointF(-math.sin(a) * ARROW * 0.5, -math.cos(a) * ARROW * 0.5)
        self._arrow = QPolygonF([tip, tip + back + side, tip + back - side])
        self._label_at = path.pointAtPercent(0.5)
        self._label_box = self.label_box()
        self._rect = path.boundingRect().united(self._arrow.boundingRect()).adjusted(-40, -22, 40, 8)
        self._rect = self._rect.united(self._label_box.adjusted(-2, -2, 2, 2))  # a larger label reaches further
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def shape(self) -> QPainterPath:
        return self._shape

    def path(self) -> QPainterPath:
        return QPainterPath(self._path)

    # -- text -------------------------------------------------------------------------
    def label(self) -> str:
        return "t−1" if self.count == 1 else f"t−1 · {self.count}"

    def label_box(self) -> QRectF:
        """The rounded box of the label on the arc, sized for its text."""
        fm = QFontMetricsF(label_font())
        w, h = fm.horizontalAdvance(self.label()) + 8 * S.label_scale(), fm.height() + 3
        return QRectF(self._label_at.x() - w / 2, self._label_at.y() - h / 2, w, h)

    def describe(self) -> str:
        s, t = self.names
        where = f"'{s}' onto itself" if self.key[0] == self.key[1] else f"'{s}' back to '{t}'"
        n = f"{self.count} recurrent connection" + ("s" if self.count != 1 else "")
        return (f"{n} from {where}: each carries its value to the next time step (a delay of 1). "
                f"Mean weight {self.mean_weight:+.3g}. Click to select, Delete removes them.")

    # -- painting -----------------------------------------------------------------------
    def paint(self, painter: QPainter, option, widget=None) -> None:
        selected = self.selected_all and not getattr(self.scene(), "exporting", False)
        color = S.SELECT if selected else LOOP
        painter.setRenderHint(QPainter.Antialiasing, True)
        pen = QPen(color, 3.0 if selected else 2.0)
        pen.setStyle(Qt.DashLine)
        pen.setCapStyle(Qt.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(self._arrow)
        painter.setFont(label_font())
        text = self.label()
        box = self._label_box
        painter.setBrush(QBrush(S.BACKGROUND))
        painter.setPen(QPen(color, 1.0))
        painter.drawRoundedRect(box, 7, 7)
        painter.setPen(color)
        painter.drawText(box, Qt.AlignCenter, text)

    # -- mouse --------------------------------------------------------------------------
    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self.setToolTip(self.describe())

    def mousePressEvent(self, event) -> None:  # noqa: N802
        scene = self.scene()
        if scene is None:
            return
        additive = bool(event.modifiers() & Qt.ControlModifier)
        pairs = scene.loops.pairs_of(self.key)
        if additive:
            _, _, chosen = scene.selected_ids()
            pairs = list(dict.fromkeys(list(chosen) + pairs))
        scene.select(connections=pairs)
        event.accept()


class LoopArcs:
    """The scene's loop arcs (``scene.loops``)."""

    def __init__(self, scene):
        self.scene = scene
        self.items: dict[PairKey, LoopArcItem] = {}
        self._delayed: dict[PairKey, list[tuple[int, int]]] = {}
        self._dirty = True

    def mark_dirty(self) -> None:
        self._dirty = True

    def clear(self) -> None:
        for item in self.items.values():
            self.scene.removeItem(item)
        self.items.clear()
        self._delayed = {}
        self._dirty = True

    def pairs_of(self, key: PairKey) -> list[tuple[int, int]]:
        return list(self._delayed.get(key, ()))

    def drawn_as_arc(self, key: PairKey) -> bool:
        """True when every connection of the pair is delayed (its straight
        bundle is then hidden)."""
        self._read()
        data = self.scene.table.pairs.get(key)
        return data is not None and key in self._delayed and len(self._delayed[key]) == len(data)

    def _read(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        design = self.scene.design
        delayed: dict[PairKey, list[tuple[int, int]]] = {}
        if any(map(DELAY, design.connections)):  # a pass in C over every connection, at every draw of the design
            layer_of = {n.id: n.layer for n in design.neurons}
            for c in design.connections:
                if c.delay:
                    delayed.setdefault((layer_of[c.source], layer_of[c.target]), []).append((c.source, c.target))
        self._delayed = delayed
        for key in [k for k in self.items if k not in delayed]:
            self.scene.removeItem(self.items.pop(key))
        for key in delayed:
            if key not in self.items:
                item = self.items[key] = LoopArcItem(key)
                self.scene.addItem(item)

    def refresh(self) -> None:
        """Bring the arcs up to date with the design and the frames."""
        self._read()
        if not self.items:
            return
        scene = self.scene
        index = scene.document.index
        levels: dict[int, int] = {}
        for key in sorted(self.items, key=lambda k: (k[0] != k[1], k)):
            item = self.items[key]
            src, dst = scene.layer_items.get(key[0]), scene.layer_items.get(key[1])
            if src is None or dst is None:
                item.hide()
                continue
            item.show()
            pairs = self._delayed[key]
            item.count = len(pairs)
            item.names = (index.layer(key[0]).name, index.layer(key[1]).name)
            item.mean_weight = self._mean_weight(key)
            lo, hi = sorted(key)
            level = max(levels.get(lo, 0), levels.get(hi, 0))
            levels[lo] = levels[hi] = level + 1
            item.set_geometry(src.scene_frame(), dst.scene_frame(), level)

    def _mean_weight(self, key: PairKey) -> float:
        data = self.scene.table.pairs.get(key)
        if data is None or not len(data):
            return 0.0
        return float(np.mean(data.shown_weights()))

    def straight(self, pairs) -> list:
        """Those of ``pairs`` drawn as straight lines (not in an arc)."""
        if not self.items or not pairs:
            return list(pairs)
        table = self.scene.table
        arcs = {key for key in self.items if self.drawn_as_arc(key)}
        return [p for p in pairs if p[0] in table.layer_of and p[1] in table.layer_of
                and table.pair_key(*p) not in arcs]

    def show_selection(self, selected) -> None:
        """Mark the arcs whose connections are all selected."""
        if not self.items:
            return
        chosen = set(map(tuple, selected))
        for key, item in self.items.items():
            pairs = self._delayed.get(key, ())
            now = bool(pairs) and all(p in chosen for p in pairs)
            if now != item.selected_all:
                item.selected_all = now
                item.update()

    def arc_at(self, pos: QPointF) -> LoopArcItem | None:
        for item in self.items.values():
            if item.isVisible() and item.shape().contains(item.mapFromScene(pos)):
                return item
        return None


__all__ = ["LoopArcItem", "LoopArcs", "LOOP"]
