"""What the canvas does with its selection: delete, copy, cut, paste,
duplicate, freeze; and the tooltips. Every change goes through the Document.

The clipboard holds a fragment (``nnsim.design.recipes.fragment``) as JSON
under ``FRAGMENT_MIME``.
"""

from __future__ import annotations

import atexit
import json
import math
from dataclasses import fields

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QApplication

from nnsim.app.canvas.blocks import BlockItem
from nnsim.app.canvas.frames import LayerItem
from nnsim.app.canvas.links import LinkItem
from nnsim.app.canvas.loops import LoopArcItem
from nnsim.app.canvas.items import NeuronItem
from nnsim.app.canvas.style import format_number
from nnsim.design import recipes
from nnsim.design.blocks import is_block
from nnsim.design.model import Activation, Connection, Design, Layer, LayerKind, Neuron
from nnsim.design.recipes import EditError
from nnsim.io.format import design_from_dict, design_to_dict

FRAGMENT_MIME = "application/x-nnsim-fragment"
PASTE_STEP = 40.0

_release_registered = False


def _release_clipboard() -> None:
    """Clear the clipboard if it still holds our fragment. The QMimeData was
    made in Python and belongs to the clipboard; left there, Qt deletes it in
    an exit handler after the interpreter has finalized, and shiboken's
    destroy hook then crashes the process (SIGSEGV on quit after a copy)."""
    app = QApplication.instance()
    if app is None:
        return
    clipboard = QApplication.clipboard()
    mime = clipboard.mimeData()
    if mime is not None and mime.hasFormat(FRAGMENT_MIME):
        clipboard.clear()


def _set_clipboard(mime: QMimeData) -> None:
    global _release_registered
    if not _release_registered:
        atexit.register(_release_clipboard)  # runs while Python is still alive
        _release_registered = True
    QApplication.clipboard().setMimeData(mime)


# -- fragments as JSON ------------------------------------------------------------------
def _record(obj) -> dict:
    out = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        out[f.name] = v.value if hasattr(v, "value") else v
    return out


def fragment_to_json(frag: dict) -> str:
    if frag.get("blocks"):  # with block layers: the whole fragment as the design file writes it (arrays and all)
        design = Design(layers=list(frag["layers"]) + list(frag["blocks"]), neurons=list(frag["neurons"]),
                        connections=list(frag["connections"]), links=list(frag.get("links", [])))
        return json.dumps({"nnsim_fragment": 1, "design": design_to_dict(design, include_history=False)})
    return json.dumps(
        {
            "nnsim_fragment": 1,
            "layers": [_record(x) for x in frag["layers"]],
            "neurons": [_record(x) for x in frag["neurons"]],
            "connections": [_record(x) for x in frag["connections"]],
        }
    )


def _finite(v) -> float:
    v = float(v)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return v


def _text(v) -> str:
    if not isinstance(v, str):
        raise ValueError("not text")
    return v


def _delay(v) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError("not a delay")
    return v


def _design_fragment(data) -> dict:
    """A fragment written as a design, read as strictly as a file."""
    d = design_from_dict(data)
    blocks = [layer for layer in d.layers if is_block(layer)]
    layers = [layer for layer in d.layers if not is_block(layer)]
    return {"layers": layers, "neurons": list(d.neurons), "connections": list(d.connections), "blocks": blocks,
            "links": list(d.links)}


def fragment_from_json(text: str) -> dict | None:
    """The fragment, or None if the text is not one."""
    try:
        data = json.loads(text)
        if data.get("nnsim_fragment") != 1:
            return None
        if "design" in data:
            return _design_fragment(data["design"])
        layers = [
            Layer(int(x["id"]), str(x["name"]), LayerKind(x["kind"]), Activation(x["activation"]),
                  group=_text(x.get("group", "")))
            for x in data["layers"]
        ]
        neurons = [
            Neuron(
                int(x["id"]), int(x["layer"]), str(x.get("label", "")), _finite(x.get("bias", 0.0)),
                Activation(x["activation"]) if x.get("activation") else None,
                _finite(x.get("threshold", 0.0)), _finite(x["x"]), _finite(x["y"]),
            )
            for x in data["neurons"]
        ]
        conns = [
            Connection(int(x["source"]), int(x["target"]), _finite(x["weight"]), bool(x.get("frozen", False)),
                       _delay(x.get("delay", 0)))
            for x in data["connections"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if {n.layer for n in neurons} - {lay.id for lay in layers}:
        return None
    return {"layers": layers, "neurons": neurons, "connections": conns, "blocks": [], "links": []}


def clipboard_fragment() -> tuple[dict, str] | None:
    mime = QApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(FRAGMENT_MIME):
        return None
    text = bytes(mime.data(FRAGMENT_MIME).data()).decode("utf-8", "replace")
    frag = fragment_from_json(text)
    return None if frag is None else (frag, text)


# -- selection operations ---------------------------------------------------------------
def selected_neurons(scene) -> list[int]:
    """Neurons chosen directly or through their layer, in design order."""
    neurons, layers, _ = scene.selected_ids()
    chosen, layers = set(neurons), set(layers)
    return [n.id for n in scene.design.neurons if n.id in chosen or n.layer in layers]


def delete_selection(scene) -> None:
    neurons, layers, pairs = scene.selected_ids()
    if not (neurons or layers or pairs):
        return
    parts = []
    for count, what in ((len(layers), "layer"), (len(neurons), "neuron"), (len(pairs), "connection")):
        if count:
            parts.append(f"{count} {what}" + ("s" if count > 1 else ""))
    scene.document.remove(neurons=neurons, layers=layers, connections=pairs, text="Delete " + ", ".join(parts))
    scene.message.emit("Deleted " + ", ".join(parts))


def selected_blocks(scene) -> list[int]:
    """The selected layers drawn as blocks, in design order."""
    chosen = set(scene.selected_ids()[1])
    return [layer.id for layer in scene.design.layers if layer.id in chosen and is_block(layer)]


def _copied(neurons: int, blocks: int) -> str:
    parts = [f"{n} {what}" + ("s" if n != 1 else "") for n, what in ((neurons, "neuron"), (blocks, "layer")) if n]
    return " and ".join(parts)


def copy_selection(scene) -> bool:
    ids, blocks = selected_neurons(scene), selected_blocks(scene)
    if not ids and not blocks:
        scene.message.emit("Select neurons or layers to copy")
        return False
    text = fragment_to_json(recipes.fragment(scene.design, ids, blocks))
    mime = QMimeData()
    mime.setData(FRAGMENT_MIME, text.encode("utf-8"))
    mime.setText(f"{_copied(len(ids), len(blocks))} copied from nnsim")
    _set_clipboard(mime)
    scene._paste_count = 0
    scene.message.emit(f"Copied {_copied(len(ids), len(blocks))}")
    return True


def cut_selection(scene) -> None:
    if copy_selection(scene):
        ids = selected_neurons(scene)
        _, layers, _ = scene.selected_ids()
        scene.document.remove(neurons=ids, layers=layers, text="Cut")


def _paste_fragment(scene, frag: dict, at: QPointF | None, step: int, text: str) -> list[int]:
    if at is not None:
        xs = [n.x for n in frag["neurons"]] + [b.x for b in frag.get("blocks", [])]
        ys = [n.y for n in frag["neurons"]] + [b.y for b in frag.get("blocks", [])]
        dx, dy = at.x() - (min(xs) + max(xs)) / 2, at.y() - (min(ys) + max(ys)) / 2
    else:
        dx = dy = PASTE_STEP * step
    blocks: list[int] = []
    try:
        ids = scene.document.paste(frag, dx, dy, text=text, blocks_out=blocks)
    except EditError as e:
        scene.tools.refuse(str(e), at)
        return []
    scene.select(neurons=ids, layers=blocks)
    scene.message.emit(f"{text}: {_copied(len(ids), len(blocks))}")
    return ids + blocks


def paste(scene, at: QPointF | None = None) -> list[int]:
    """Paste the clipboard's neurons and layers; the new neuron ids, then the new block layers' ids."""
    found = clipboard_fragment()
    if found is None:
        scene.message.emit("The clipboard holds no neurons or layers to paste")
        return []
    frag, _ = found
    scene._paste_count = getattr(scene, "_paste_count", 0) + 1
    return _paste_fragment(scene, frag, at, scene._paste_count, "Paste")


def duplicate_selection(scene) -> list[int]:
    ids, blocks = selected_neurons(scene), selected_blocks(scene)
    if not ids and not blocks:
        scene.message.emit("Select neurons or layers to duplicate")
        return []
    return _paste_fragment(scene, recipes.fragment(scene.design, ids, blocks), None, 1, "Duplicate")


def freeze_selection(scene, frozen: bool = True) -> None:
    """Freeze (or unfreeze) the selected connections and every connection
    into the selected neurons and layers."""
    _, _, pairs = scene.selected_ids()
    into = set(selected_neurons(scene))
    chosen = set(pairs)
    if into:
        chosen |= {(c.source, c.target) for c in scene.design.connections if c.target in into}
    index = scene.document.index
    todo = [p for p in chosen if index.connection(p) is not None and index.connection(p).frozen != frozen]
    if not chosen:
        scene.message.emit("Select connections, neurons or layers first")
        return
    if todo:
        scene.document.set_connections(sorted(todo), frozen=frozen)
    verb = "Froze" if frozen else "Unfroze"
    scene.message.emit(f"{verb} {len(todo)} connection" + ("s" if len(todo) != 1 else ""))


# -- tooltips ------------------------------------------------------------------------------
def tooltip_at(scene, pos: QPointF, scale: float) -> str:
    design = scene.design
    index = scene.document.index
    for item in scene.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform.fromScale(scale, scale)):
        if isinstance(item, LoopArcItem):
            return item.describe()
        if isinstance(item, NeuronItem):
            local = item.mapFromScene(pos)
            if item.in_port(local):
                return "Drag to a neuron or a layer to connect (or Shift-drag the neuron)"
            n = index.neuron(item.nid)
            layer = index.layer(n.layer)
            act = design.activation_of(n)
            name = index.neuron_name(n.id)
            lines = [f"{name} (in '{layer.name}')" if n.label.strip() else name]
            if layer.kind != LayerKind.INPUT:
                detail = f"activation {act.value} · bias {format_number(n.bias)}"
                if act in (Activation.STEP, Activation.SIGN):
                    detail += f" · threshold {format_number(n.threshold)}"
                lines.append(detail)
            if item.value is not None:
                lines.append(f"value {format_number(item.value)}")
            return "\n".join(lines)
        if isinstance(item, LayerItem):
            part = item.part_at(item.mapFromScene(pos))
            if part == "port":
                return ("Drag to another layer to connect every neuron (connect all), or to one neuron; "
                        "hold Alt to connect recurrently (one time step late)")
            if part == "minus":
                return "Remove the last neuron"
            if part == "plus":
                return "Add a neuron"
            layer = index.layer(item.lid)
            return f"{layer.kind.value} layer '{layer.name}' · {item.count} neurons · {layer.activation.value}"
    pair = scene.connection_at(pos, scale)
    if pair is None:
        return ""
    weight, frozen = scene.weight_of(pair)
    s, t = pair
    text = f"w = {weight:.4g}   {index.neuron_name(s)} → {index.neuron_name(t)}"
    if frozen:
        text += "\nfrozen: training leaves this weight alone"
    return text


class SelectionMixin:
    """The selection API of ``CanvasScene``: neurons and layers are selected
    items; connections are not items, so the scene keeps their list."""

    # == selection ========================================================================
    def selected_ids(self) -> tuple[list[int], list[int], list[tuple[int, int]]]:
        """Selected neurons, layers (blocks too), and connections followed by
        links (pairs of neuron ids, then of layer ids)."""
        neurons, layers, links = [], [], []
        for item in self.selectedItems():
            if isinstance(item, NeuronItem):
                neurons.append(item.nid)
            elif isinstance(item, (LayerItem, BlockItem)):
                layers.append(item.lid)
            elif isinstance(item, LinkItem):
                links.append(item.pair)
        return sorted(neurons), sorted(layers), list(self._selected_pairs) + sorted(links)

    def _emit_selection(self) -> None:
        ids = self.selected_ids()
        if ids != self._last_selection:
            self._last_selection = ids
            self.selection_changed_ids.emit(*ids)

    def set_selected_connections(self, pairs) -> None:
        pairs = [tuple(p) for p in pairs if self.table.find(*p) is not None]
        if pairs != self._selected_pairs:
            self._selected_pairs = pairs
            self._refresh_overlays()
            self._emit_selection()

    def _click_pair(self, pair, additive: bool) -> None:
        if additive and pair in self._selected_pairs:
            self.set_selected_connections([p for p in self._selected_pairs if p != pair])
        elif additive:
            self.set_selected_connections(self._selected_pairs + [pair])
        else:
            self.set_selected_connections([pair])

    def select(self, neurons=(), layers=(), connections=()) -> None:
        """Replace the selection."""
        self.blockSignals(True)
        try:
            self.clearSelection()
            for nid in neurons:
                if nid in self.neuron_items:
                    self.neuron_items[nid].setSelected(True)
            for lid in layers:
                item = self.layer_items.get(lid) or self.block_items.get(lid)
                if item is not None:
                    item.setSelected(True)
            for pair in connections:
                if tuple(pair) in self.link_items:
                    self.link_items[tuple(pair)].setSelected(True)
        finally:
            self.blockSignals(False)
        self._selected_pairs = [tuple(p) for p in connections if self.table.find(*p) is not None]
        self._refresh_overlays()
        self._emit_selection()

    def move_selection(self, dx: float, dy: float, nudge: bool = False) -> None:
        """Move the selected neurons and layers by (dx, dy): one undo step
        (``nudge``: an arrow key's, which merges with the nudges just before)."""
        ids = selected_neurons(self)
        if ids:
            index = self.document.index
            moves = {nid: (index.neuron(nid).x + dx, index.neuron(nid).y + dy) for nid in ids}
            text = "Move neuron" if len(ids) == 1 else f"Move {len(ids)} neurons"
            (self.document.nudge if nudge else self.document.move)(moves, text)

    def select_all(self) -> None:
        self.select(neurons=list(self.neuron_items))

    def delete_selection(self) -> None:
        delete_selection(self)

    def copy_selection(self) -> bool:
        return copy_selection(self)

    def cut_selection(self) -> None:
        cut_selection(self)

    def paste(self, at: QPointF | None = None) -> list[int]:
        return paste(self, at)

    def duplicate_selection(self) -> list[int]:
        return duplicate_selection(self)

    def freeze_selection(self, frozen: bool = True) -> None:
        freeze_selection(self, frozen)
