"""Gestures on the canvas turned into Document edits: dragging a connection
out of a port, the layer frames' + and - buttons, parts dropped from the
palette, and the context menus. A refused edit shows the Document's reason
near the cursor and as ``scene.message``.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from PySide6.QtCore import QLineF, QMimeData, QPointF, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from nnsim.app.canvas import menus
from nnsim.app.canvas.feedback import RubberLine, ToastItem
from nnsim.app.canvas.frames import LayerItem
from nnsim.app.canvas.items import NeuronItem
from nnsim.design import blocks
from nnsim.design.layer_types import TYPES
from nnsim.design.model import LayerKind
from nnsim.design.placement import free_row
from nnsim.design.recipes import EditError
from nnsim.design.validate import connection_problem

PART_MIME = "application/x-nnsim-part"
NEAR_LAYER = 36.0  # a neuron dropped this close to a frame joins the layer
TOAST_MS = 4000
CLICK_SLOP = 6.0  # a port pressed and released this close is a click, not a drag
MAX_PART_SIZE = 10_000


class Part(NamedTuple):
    """A palette part: a single neuron (which joins a layer it is dropped on)
    or a layer of ``size`` (always a new layer, also of one neuron), or a
    layer drawn as a block of type ``block`` (an image, a convolution...)."""

    kind: LayerKind
    size: int
    layer: bool = False
    block: str = ""


def part_mime(kind: str, size: int, layer: bool = False, block: str = "") -> QMimeData:
    """Mime data of a palette part (what the palette puts in its QDrag)."""
    data = {"kind": kind, "size": size}
    if layer:
        data["layer"] = True
    if block:
        data["block"] = block
    mime = QMimeData()
    mime.setData(PART_MIME, json.dumps(data).encode("utf-8"))
    return mime


def part_from_mime(mime: QMimeData | None) -> Part | None:
    if mime is None or not mime.hasFormat(PART_MIME):
        return None
    try:
        data = json.loads(bytes(mime.data(PART_MIME).data()).decode("utf-8"))
        part = Part(LayerKind(data["kind"]), int(data.get("size", 1)), data.get("layer", False) is True,
                    str(data.get("block", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if part.block and (part.block not in TYPES or TYPES[part.block].drawn != "block"):
        return None
    return part if 1 <= part.size <= MAX_PART_SIZE else None


class CanvasTools:
    """The scene's gesture handlers (``scene.tools``)."""

    def __init__(self, scene):
        self.scene = scene
        self.toast = ToastItem()
        self.toast.hide()
        scene.addItem(self.toast)
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.toast.hide)
        self._source: tuple[str, int] | None = None
        self._delay = 0  # 1 while dragging a recurrent connection (Alt held at the press)
        self._start = QPointF()
        self._line: RubberLine | None = None
        self._target = None  # item marked as the connect target
        self._preview: dict = {}
        self._drop_layer: LayerItem | None = None

    @property
    def doc(self):
        return self.scene.document

    # -- messages ------------------------------------------------------------------------
    def refuse(self, text: str, pos: QPointF | None = None) -> None:
        """Show why an edit was refused, near ``pos`` and in the status bar."""
        self._toast(text, pos, ok=False)
        self.scene.message.emit(text)

    def _toast(self, text: str, pos: QPointF | None, ok: bool) -> None:
        if pos is None:
            return
        self.toast.set_text(text, ok)
        self.toast.setPos(pos)
        self.toast.show()
        self._timer.start(TOAST_MS)

    def notify(self, text: str) -> None:
        self.scene.message.emit(text)

    # -- connecting by dragging from a port --------------------------------------------------
    @property
    def connecting(self) -> bool:
        return self._source is not None

    def begin_connect(self, kind: str, ident: int, start: QPointF, delay: int | None = None) -> None:
        """Start dragging a connection; ``delay`` 1 (or Alt held): a recurrent one."""
        self.cancel()
        if delay is None:
            delay = 1 if QGuiApplication.keyboardModifiers() & Qt.AltModifier else 0
        self._delay = int(delay)
        self._source, self._start = (kind, ident), QPointF(start)
        self._preview = {}
        self._line = RubberLine()
        self._line.setLine(QLineF(start, start))
        self.scene.addItem(self._line)
        self.toast.hide()

    def update_connect(self, pos: QPointF) -> None:
        if self._line is None:
            return
        self._line.setLine(QLineF(self._start, pos))
        target = self.target_at(pos)
        item = target[1] if target else None
        if item is not self._target:
            self._mark_target(None)
            if target is not None:
                ok = self._problem(target) is None
                self._mark_target(item, ok)
                self._line.set_state(ok)
            else:
                self._line.set_state(None)

    def finish_connect(self, pos: QPointF) -> bool:
        source, delay = self._source, self._delay
        target = self.target_at(pos) if source else None
        clicked = QLineF(self._start, pos).length() < CLICK_SLOP
        self.cancel()
        if source is None or clicked:
            return False
        if target is None:
            self.notify("Release over a neuron or a layer to connect")
            return False
        return self.connect(source, (target[0], _ident(target[1])), pos, delay=delay)

    def cancel(self) -> None:
        self._mark_target(None)
        if self._line is not None:
            self.scene.removeItem(self._line)
            self._line = None
        self._source = None

    def _mark_target(self, item, ok: bool | None = None) -> None:
        if self._target is not None:
            if isinstance(self._target, NeuronItem):
                self._target.target_state = None
            else:
                self._target.drop_state = None
            self._target.update()
        self._target = item
        if item is not None:
            if isinstance(item, NeuronItem):
                item.target_state = ok
            else:
                item.drop_state = ok
            item.update()

    def target_at(self, pos: QPointF):
        """('neuron', NeuronItem) or ('layer', LayerItem) under ``pos``: from a
        neuron's port a neuron, else a layer's frame; from a layer's port a layer."""
        source = self._source
        # From a layer's port the target is always a layer (its neurons included).
        for item in self.scene.items(pos) if source is None or source[0] == "neuron" else ():
            if isinstance(item, NeuronItem):
                if source == ("neuron", item.nid) and not self._delay:
                    continue
                return "neuron", item
        layer = self.scene.layer_at(pos)
        if layer is not None and (source != ("layer", layer.lid) or self._delay):  # recurrent: onto itself too
            return "layer", layer
        return None

    def _members(self, lid: int) -> list[int]:
        return [n.id for n in self.scene.design.neurons_of(lid)]

    def _pairs(self, source, target) -> list[tuple[int, int]]:
        (skind, sid), (tkind, tid) = source, target
        sources = [sid] if skind == "neuron" else self._members(sid)
        targets = [tid] if tkind == "neuron" else self._members(tid)
        table = self.scene.table
        return [(s, t) for s in sources for t in targets if table.find(s, t) is None]

    def _problem(self, target) -> str | None:
        """Why connecting to ``target`` would be refused (a preview; the
        Document has the last word)."""
        key = (target[0], _ident(target[1]))
        if key not in self._preview and self._links(self._source, key):
            try:
                blocks.link_layers(self.scene.design, self._source[1], key[1], self.doc.rng)
                self._preview[key] = None
            except EditError as e:
                self._preview[key] = str(e)
        if key not in self._preview:
            pairs = self._pairs(self._source, key)
            if not pairs:
                self._preview[key] = "already connected"
            else:
                # The graph of undelayed connections is read from the design
                # (a delayed pair closes no cycle); once per target.
                self._preview[key] = connection_problem(self.scene.design, *pairs[0], None, self._delay)
        return self._preview[key]

    def _links(self, source, target) -> bool:
        """Whether joining these two is a link (two layers, one a block)."""
        if source[0] != "layer" or target[0] != "layer":
            return False
        index = self.doc.index
        return any(blocks.is_block(index.layer(lid)) for lid in (source[1], target[1]))

    def connect(self, source: tuple[str, int], target: tuple[str, int], pos: QPointF | None = None,
                delay: int = 0) -> bool:
        """Connect a neuron or a layer (every neuron) to a neuron or a layer,
        ``delay`` 1: recurrently (the value arrives one time step later);
        link two layers when one is a block."""
        try:
            if self._links(source, target):
                self.doc.link_layers(source[1], target[1])
                self.notify(f"Linked {self._name(source)} to {self._name(target)}")
                return True
            if source[0] == "layer" and target[0] == "layer":
                before = self.scene.table.total
                self.doc.connect_layers(source[1], target[1], delay=delay)
                count = self.scene.table.total - before
            else:
                pairs = self._pairs(source, target)
                if not pairs:
                    raise EditError(f"{self._name(source)} and {self._name(target)} are already connected")
                self.doc.connect(pairs, delay=delay)
                count = len(pairs)
        except EditError as e:
            text = str(e)
            if not delay and ("cycle" in text or "delay" in text):
                text += " Hold Alt while dragging to connect recurrently."
            self.refuse(text, pos)
            return False
        onto = "onto itself" if source == target else f"to {self._name(target)}"
        self.notify(
            f"Connected {self._name(source)} {onto}" + (" recurrently (one time step late)" if delay else "")
            + (f" ({count} connections)" if count != 1 else "")
        )
        return True

    def _name(self, ref) -> str:
        kind, ident = ref
        if kind == "neuron":
            return self.doc.index.neuron_name(ident)
        return f"'{self.doc.index.layer(ident).name}'"

    # -- layer size ----------------------------------------------------------------------
    def resize_layer_by(self, lid: int, delta: int, pos: QPointF | None = None) -> bool:
        count = len(self._members(lid))
        if count + delta < 1:
            self.refuse("A layer keeps at least one neuron: to remove it, delete the layer", pos)
            return False
        try:
            self.doc.resize_layer(lid, count + delta)
        except EditError as e:
            self.refuse(str(e), pos)
            return False
        return True

    # -- parts dropped from the palette -----------------------------------------------------
    def _drop_target(self, kind: LayerKind, size: int, layer: bool, block: str, pos: QPointF) -> LayerItem | None:
        return self.scene.layer_at(pos, NEAR_LAYER, blocks=False) if size == 1 and not layer and not block else None

    def drag_part(self, mime: QMimeData, pos: QPointF) -> bool:
        """A palette part hovers at ``pos``: mark the layer it would join."""
        part = part_from_mime(mime)
        if part is None:
            return False
        layer = self._drop_target(*part, pos)
        if layer is not self._drop_layer:
            self.leave_part()
            self._drop_layer = layer
            if layer is not None:
                layer.drop_state = layer.kind == part[0]
                layer.update()
        return True

    def leave_part(self) -> None:
        if self._drop_layer is not None:
            self._drop_layer.drop_state = None
            self._drop_layer.update()
            self._drop_layer = None

    def drop_part(self, mime: QMimeData, pos: QPointF) -> bool:
        """Add the dropped part: a single neuron on or near a layer of its kind
        joins it; anything else becomes a new layer centred at ``pos``."""
        self.leave_part()
        part = part_from_mime(mime)
        if part is None:
            return False
        kind, size, _, block = part
        layer = self._drop_target(*part, pos)
        try:
            if block:
                lid = self.doc.add_block(block, pos.x(), pos.y())
                self.scene.select(layers=[lid])
                self.notify(f"Added {TYPES[block].title.lower()} '{self.doc.index.layer(lid).name}'")
            elif layer is not None:
                if layer.kind != kind:
                    self.refuse(
                        f"{_article(kind)} {kind.value} neuron cannot join the {layer.kind.value} layer "
                        f"'{layer.name}': drop it on empty canvas for a new layer",
                        pos,
                    )
                    return False
                members = self.scene.design.neurons_of(layer.lid)
                xs = sorted(n.x for n in members)
                x = xs[len(xs) // 2] if xs else pos.x()
                # Where it was dropped, or the nearest free place in the column.
                y = free_row([n.y for n in members], pos.y())
                nid = self.doc.add_neuron(layer.lid, x, y)
                self.scene.select(neurons=[nid])
                self.notify(f"Added a neuron to '{layer.name}'")
            else:
                lid = self.doc.add_layer(kind, size, pos.x(), pos.y())
                self.scene.select(layers=[lid])
                what = "neuron" if size == 1 else f"layer of {size}"
                self.notify(f"Added {_article(kind)} {kind.value} {what}")
        except EditError as e:
            self.refuse(str(e), pos)
            return False
        return True

    # -- context menus ------------------------------------------------------------------------
    def context_menu(self, pos: QPointF, view=None) -> QMenu | None:
        """The menu for whatever is at ``pos`` (not shown: the caller execs it)."""
        return menus.build(self, pos, view)


def _article(kind: LayerKind) -> str:
    return "an" if kind.value[0] in "aeiou" else "a"


def _ident(item) -> int:
    return item.nid if isinstance(item, NeuronItem) else item.lid


__all__ = ["CanvasTools", "Part", "PART_MIME", "part_mime", "part_from_mime"]
