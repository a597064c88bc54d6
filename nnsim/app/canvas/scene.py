"""The canvas scene: a mirror of the Document's design.

The scene follows the Document's signals incrementally and never changes the
design itself: user gestures (``nnsim.app.canvas.interactions``) call the
Document's edit methods, which push undo commands and signal back here.

Items: one ``LayerItem`` per layer holding one ``NeuronItem`` per neuron, and
one ``BundleItem`` per (source layer, target layer) pair drawing all the
connections of the pair. Connections are NumPy arrays in a
``ConnectionTable``; hover, tooltips and clicks find them geometrically.

Hooks for the training views: ``set_live_parameters`` (weights and biases
from a network's named arrays, through the design's ``ParameterMap``),
``set_neuron_thumbnails``, ``set_neuron_values`` and ``highlight``; they
change only what is drawn.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QImage, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from nnsim.app.canvas.block_scene import BlocksMixin, drawn_as_block
from nnsim.app.canvas.blocks import BlockItem
from nnsim.app.canvas.bundles import DRAG_Z, OVERLAY_Z, BundleItem, SegmentsItem
from nnsim.app.canvas.connections import ConnectionTable, PairKey, encode, table_of
from nnsim.app.canvas.hooks import HooksMixin
from nnsim.app.canvas.interactions import CanvasTools
from nnsim.app.canvas.frames import LayerItem
from nnsim.app.canvas.groups import GroupFrames
from nnsim.app.canvas.items import NeuronItem
from nnsim.app.canvas.loops import LoopArcs
from nnsim.app.canvas.pointer import PointerMixin
from nnsim.app.canvas.selection import SelectionMixin
from nnsim.app.document import Document

WIDE_LIMIT = 3000  # up to this many connections, line width shows |weight|
DRAG_BUDGET = 6000  # most moving lines redrawn per drag frame (the strongest)
PIXMAP_CACHE_KB = 160 * 1024  # room for the big bundles' pixmap caches

class _Drag:
    """Neurons being dragged: which connections the overlay draws meanwhile."""

    def __init__(self):
        self.moving: dict[PairKey, np.ndarray] = {}  # pair -> indices of moving connections


class CanvasScene(PointerMixin, SelectionMixin, HooksMixin, BlocksMixin, QGraphicsScene):
    """The editable picture of a Document's design."""

    # A sentence for the status bar (a refusal, or what an edit did).
    message = Signal(str)
    # Selected neuron ids, layer ids and connections as (source, target).
    selection_changed_ids = Signal(list, list, list)
    # The scene was rebuilt for a new design (the view fits it in).
    rebuilt = Signal()
    # Connections were added or removed (how many are drawn may change).
    shown_connections_changed = Signal()
    # The neuron under the pointer: its id, or -1 when the pointer left it.
    neuron_hovered = Signal(int)
    # A block's feature map under the pointer or chosen: layer id, map index (-1: none).
    map_focus_changed = Signal(int, int)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        # Long diagonal connections defeat the BSP index; a linear scan is faster.
        self.setItemIndexMethod(QGraphicsScene.NoIndex)
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
        self.document = document
        self.table = ConnectionTable()
        self.neuron_items: dict[int, NeuronItem] = {}
        # (item, design index) of the neurons with a bias, for live training
        # feeds; None when neurons or layers changed (built again when needed).
        self._bias_items: list[tuple[NeuronItem, int]] | None = None
        self.layer_items: dict[int, LayerItem] = {}
        self.group_frames = GroupFrames(self)
        self.bundle_items: dict[PairKey, BundleItem] = {}
        self.wide_pens = True
        self.exporting = False  # drawing into a file: no selection marks
        self.clean = False  # and no editing controls or step-through numbers (``items.drawn_clean``)
        self._order_in_layer: dict[int, int] = {}
        self._dirty_neurons: set[int] = set()
        self._dirty_pairs: set[PairKey] = set()
        self._quiet = 0  # > 0 while the scene itself moves items
        self._press = False  # left button pressed on a movable item
        self._drag: _Drag | None = None
        self._selected_pairs: list[tuple[int, int]] = []
        self._hover_pair: tuple[int, int] | None = None
        self._hover_neuron = -1
        self._highlight_pairs: list[tuple[int, int]] = []
        self._highlight_neurons: set[int] = set()
        self._thumbnails: dict[int, QImage] = {}
        self._values: dict[int, float] = {}
        self._live: np.ndarray | None = None  # live weights shown, design order
        self._live_params = None  # the named arrays they came from
        self._parameter_map = None  # made when live numbers first come (``parameter_map``)
        self._prepared = None  # (design, its ConnectionTable) made ahead (``prepare``)
        self._last_selection: tuple | None = None
        self._pending_pair = None
        self._paste_count = 0
        self._zoom = 1.0
        self._dots = False

        self.drag_overlay = SegmentsItem(DRAG_Z)
        self.hover_overlay = SegmentsItem(OVERLAY_Z)
        self.select_overlay = SegmentsItem(OVERLAY_Z + 1)
        self.highlight_overlay = SegmentsItem(OVERLAY_Z + 2)
        for item in (self.drag_overlay, self.hover_overlay, self.select_overlay, self.highlight_overlay):
            self.addItem(item)
        self.tools = CanvasTools(self)
        self.loops = LoopArcs(self)  # recurrent connections, drawn as arcs
        self._init_blocks()

        d = document
        d.reset.connect(self._on_reset)
        d.layers_added.connect(self._on_layers_added)
        d.layers_removed.connect(self._on_layers_removed)
        d.layers_changed.connect(self._on_layers_changed)
        d.neurons_added.connect(self._on_neurons_added)
        d.neurons_removed.connect(self._on_neurons_removed)
        d.neurons_changed.connect(self._on_neurons_changed)
        d.connections_added.connect(self._on_connections_added)
        d.connections_removed.connect(self._on_connections_removed)
        d.connections_changed.connect(self._on_connections_changed)
        d.numbers_changed.connect(self._on_numbers_changed)
        self.selectionChanged.connect(self._emit_selection)
        self._on_reset()

    # == mirroring the document =======================================================
    @property
    def design(self):
        return self.document.design

    def _on_reset(self) -> None:
        self.tools.cancel()
        self._drag, self._press = None, False
        for item in list(self.layer_items.values()) + list(self.bundle_items.values()):
            self.removeItem(item)
        for item in self.layer_items.values():
            self.removeItem(item.backdrop)
        self._clear_blocks()
        self.neuron_items.clear()
        self._bias_items = None
        self.layer_items.clear()
        self.bundle_items.clear()
        self.table = ConnectionTable()
        self.loops.clear()
        self._selected_pairs, self._hover_pair = [], None
        self.set_hovered_neuron(-1)
        self._highlight_pairs, self._highlight_neurons = [], set()
        self._thumbnails, self._values, self._live, self._live_params = {}, {}, None, None
        self._parameter_map = None
        self._dirty_neurons.clear()
        self._dirty_pairs.clear()
        design = self.design
        prepared, self._prepared = self._prepared, None
        ready = prepared is not None and prepared[0] is design
        if ready:
            self.table = prepared[1]  # made while the file was read
        self._quiet += 1
        try:
            for layer in design.layers:
                if not drawn_as_block(layer):
                    self._add_layer_item(layer.id)
            self._build_blocks()
            self._add_neuron_items([n.id for n in design.neurons], in_table=ready)
            if not ready:
                self.table.add_records(design.connections)
        finally:
            self._quiet -= 1
        self._dirty_pairs |= set(self.table.pairs)
        self._flush()
        self._emit_selection()
        self.rebuilt.emit()

    def highlight_group(self, group: str | None) -> None:
        """Light up one group's frame (a GAN's player at work; None: none)."""
        self.group_frames.highlight(group)

    def _add_layer_item(self, lid: int) -> LayerItem:
        item = LayerItem(lid)
        item.dots = self._dots
        self.layer_items[lid] = item
        self.addItem(item.backdrop)
        self.addItem(item)
        return item

    def prepare(self, design) -> None:
        """Make the connection table of ``design`` for when it is drawn next
        (any thread: a large file's, on the thread that read it)."""
        self._prepared = (design, table_of(design))

    def _add_neuron_items(self, nids, in_table: bool = False) -> None:
        """Items for these neurons (``in_table``: the table has them already)."""
        index = self.document.index
        self._quiet += 1
        try:
            for nid in nids:
                n = index.neuron(nid)
                item = NeuronItem(nid, self.layer_items[n.layer])
                if self._dots:
                    item.setFlag(QGraphicsItem.ItemHasNoContents, True)
                item.setPos(n.x, n.y)
                self.neuron_items[nid] = item
                if not in_table:
                    self.table.add_neuron(nid, n.layer, n.x, n.y)
        finally:
            self._quiet -= 1
        self._refresh_layers({index.neuron(nid).layer for nid in nids}, members_changed=True)

    def _refresh_layers(self, lids, members_changed: bool = False) -> None:
        """Texts, colours and frames of these layers and their neurons."""
        self._bias_items = None  # members or kinds may have changed
        design, index = self.design, self.document.index
        lids = {lid for lid in lids if lid in self.layer_items}
        if not lids:
            return
        members: dict[int, list] = {lid: [] for lid in lids}
        for n in design.neurons:
            if n.layer in members:
                members[n.layer].append(n)
        for lid, neurons in members.items():
            layer = index.layer(lid)
            self.layer_items[lid].set_data(layer, len(neurons))
            for k, n in enumerate(neurons):
                self._order_in_layer[n.id] = k
                item = self.neuron_items.get(n.id)
                if item is not None:
                    item.set_data(n, layer, n.activation or layer.activation, k)
            if members_changed:
                self.layer_items[lid].refresh_frame()

    def restyle_labels(self) -> None:
        """Measure and draw every label again (the text size changed)."""
        self._refresh_layers(list(self.layer_items), members_changed=True)  # frames make room for readouts
        for item in self.block_items.values():
            item.restyle()  # a block grows down with its texts
        self._refresh_links()
        self.loops.refresh()
        self.group_frames.restyle()
        self.update()

    def _refresh_neurons(self, nids) -> None:
        index = self.document.index
        for nid in nids:
            item = self.neuron_items.get(nid)
            if item is not None:
                n = index.neuron(nid)
                layer = index.layer(n.layer)
                item.set_data(n, layer, n.activation or layer.activation, self._order_in_layer.get(nid, 0))

    def _structure_changed(self) -> None:
        """Layers, neurons or connections came, went or changed layer: the
        places of numbers in named arrays change."""
        self._parameter_map = None
        self.loops.mark_dirty()

    def _on_layers_added(self, ids: list) -> None:
        self._structure_changed()
        index = self.document.index
        for lid in ids:
            layer = index.layer(lid)
            if drawn_as_block(layer):
                if lid not in self.block_items:
                    self._add_block_item(layer)
            elif lid not in self.layer_items:
                self._add_layer_item(lid)
        self._refresh_layers(ids, members_changed=True)
        self._after_edit()

    def _on_layers_removed(self, ids: list) -> None:
        self._structure_changed()
        for lid in ids:
            if self._remove_block_item(lid):
                continue
            item = self.layer_items.pop(lid, None)
            if item is None:
                continue
            kids = [k.nid for k in item.neurons()]
            self._forget_neurons(kids)
            self.removeItem(item.backdrop)
            self.removeItem(item)
        self._after_edit()

    def _on_layers_changed(self, ids: list) -> None:
        self._structure_changed()  # a layer's kind or type decides which numbers it has
        self._refresh_layers(ids)
        self._after_edit()

    def _on_neurons_added(self, ids: list) -> None:
        self._structure_changed()
        self._add_neuron_items([nid for nid in ids if nid not in self.neuron_items])
        self._after_edit()

    def _forget_neurons(self, nids) -> None:
        nids = [nid for nid in nids if nid in self.neuron_items]
        self._bias_items = None
        self._structure_changed()
        self._dirty_pairs |= self.table.remove_neurons(nids)
        for nid in nids:
            item = self.neuron_items.pop(nid)
            self._dirty_neurons.discard(nid)
            item.setParentItem(None)
            self.removeItem(item)
        gone = set(nids)
        self._selected_pairs = [p for p in self._selected_pairs if p[0] not in gone and p[1] not in gone]
        if self._hover_neuron in gone:
            self.set_hovered_neuron(-1)

    def _on_neurons_removed(self, ids: list) -> None:
        layers = {self.table.layer_of[nid] for nid in ids if nid in self.table.layer_of}
        self._forget_neurons(ids)
        self._refresh_layers(layers, members_changed=True)
        self._after_edit()

    def _on_neurons_changed(self, ids: list) -> None:
        index = self.document.index
        layers = set()
        self._quiet += 1
        try:
            for nid in ids:
                item = self.neuron_items.get(nid)
                if item is None:
                    continue
                n = index.neuron(nid)
                old_layer = self.table.layer_of.get(nid)
                if old_layer != n.layer:
                    self._move_to_layer(item, n.layer)
                    layers |= {n.layer, old_layer}
                if item.scenePos() != QPointF(n.x, n.y):
                    item.setPos(item.parentItem().mapFromScene(QPointF(n.x, n.y)))
                    self.table.set_position(nid, n.x, n.y)
                    self._mark_moved(nid)
                    layers.add(n.layer)
        finally:
            self._quiet -= 1
        self._refresh_neurons(ids)
        self._refresh_layers(layers, members_changed=True)
        self._after_edit()

    def _move_to_layer(self, item: NeuronItem, lid: int) -> None:
        """A neuron changed layer: its connections move to other bundles."""
        nid = item.nid
        self._structure_changed()
        self._dirty_pairs |= self.table.remove_neurons([nid])
        item.setParentItem(self.layer_items[lid])
        n = self.document.index.neuron(nid)
        self.table.add_neuron(nid, lid, n.x, n.y)
        conns = [
            (c.source, c.target, c.weight, c.frozen) for c in self.design.connections if nid in (c.source, c.target)
        ]
        self._dirty_pairs |= self.table.add_connections(conns)

    def _on_connections_added(self, pairs: list) -> None:
        self._structure_changed()
        index = self.document.index
        conns = []
        for pair in pairs:
            c = index.connection(pair)
            if c is not None:
                conns.append((c.source, c.target, c.weight, c.frozen))
        self._dirty_pairs |= self.table.add_connections(conns)
        self._after_edit()

    def _on_connections_removed(self, pairs: list) -> None:
        self._structure_changed()
        self._dirty_pairs |= self.table.remove_connections(pairs)
        gone = {tuple(p) for p in pairs}
        self._selected_pairs = [p for p in self._selected_pairs if p not in gone]
        if self._hover_pair in gone:
            self._hover_pair = None
        self._after_edit()

    def _on_connections_changed(self, pairs: list) -> None:
        index = self.document.index
        conns = [(c.source, c.target, c.weight, c.frozen) for c in map(index.connection, pairs) if c is not None]
        self._dirty_pairs |= self.table.set_connections(conns)
        self._after_edit()

    def _on_numbers_changed(self) -> None:
        design = self.design
        if self._ensure_order():
            weights = np.fromiter(map(attrgetter("weight"), design.connections), np.float64, len(design.connections))
            for key, data in self.table.pairs.items():
                data.set_values(slice(None), weights[data.design_idx], data.frozen)
                self._dirty_pairs.add(key)
        else:  # out of step: read everything again
            self._on_reset()
            return
        for n in design.neurons:  # their readouts (their texts and sizes stay: a pass over 900 neurons took 0.08 s)
            item = self.neuron_items.get(n.id)
            if item is not None:
                item.set_numbers(n.bias, n.threshold)
        self._after_edit()

    def _after_edit(self) -> None:
        structural = not self.table.order_valid
        if self._live is not None and structural:
            self.set_live_parameters(None)  # a structural edit: live numbers no longer fit
        self._flush()
        self._refresh_blocks()
        if structural:
            self.shown_connections_changed.emit()
        self._refresh_overlays()
        self._emit_selection()

    def _ensure_order(self) -> bool:
        if self.table.order_valid:
            return True
        conns = self.design.connections
        keys = encode(
            np.fromiter(map(attrgetter("source"), conns), np.int64, len(conns)),
            np.fromiter(map(attrgetter("target"), conns), np.int64, len(conns)),
        )
        return self.table.ensure_design_order(keys)

    # == geometry ========================================================================
    def item_moved(self, item) -> None:
        """Called by items when their position changed."""
        if self._quiet:
            return
        if isinstance(item, NeuronItem):
            self._mark_moved(item.nid)
        elif isinstance(item, LayerItem):
            for kid in item.neurons():
                self._mark_moved(kid.nid)

    def _mark_moved(self, nid: int) -> None:
        self._dirty_neurons.add(nid)

    def _flush(self) -> None:
        """Bring connections and frames up to date with moved neurons and
        changed pairs; called once per event, not once per item."""
        table = self.table
        moved = [nid for nid in self._dirty_neurons if nid in self.neuron_items]
        self._dirty_neurons.clear()
        if moved:
            for nid in moved:
                p = self.neuron_items[nid].scenePos()
                table.set_position(nid, p.x(), p.y())
            if self._press and self._drag is None:
                self._begin_drag(moved)
            layers = {table.layer_of[nid] for nid in moved}
            for lid in layers:
                for key in table.pairs_of_layer.get(lid, ()):
                    if self._drag is None or key not in self._drag.moving:
                        self._dirty_pairs.add(key)
            for lid in layers:  # frames follow their neurons (not while the frame itself moves)
                frame = self.layer_items.get(lid)
                if frame is not None and frame.pos() == QPointF(0, 0):
                    frame.refresh_frame()
        self.wide_pens = table.total <= WIDE_LIMIT
        for key in self._dirty_pairs:
            self._rebuild_pair(key)
        self._dirty_pairs.clear()
        self.loops.refresh()
        if moved and self._drag is not None:
            self._draw_moving()
        if moved:
            self._refresh_links(layers)
            self._refresh_overlays()
        self.group_frames.update()

    def _rebuild_pair(self, key: PairKey) -> None:
        data = self.table.pairs.get(key)
        item = self.bundle_items.get(key)
        if data is None:
            if item is not None:
                self.removeItem(self.bundle_items.pop(key))
            return
        if item is None or item.data is not data:
            if item is not None:
                self.removeItem(item)
            item = self.bundle_items[key] = BundleItem(data, self)
            self.addItem(item)
        item.setVisible(not self.loops.drawn_as_arc(key))
        item.rebuild(self.table.pos)

    # -- dragging -----------------------------------------------------------------------
    def _begin_drag(self, moved: list[int]) -> None:
        table = self.table
        rows = np.array([table.row_of[nid] for nid in moved], dtype=np.int64)
        layers = {table.layer_of[nid] for nid in moved}
        drag = self._drag = _Drag()
        for lid in layers:
            for key in table.pairs_of_layer.get(lid, ()):
                if key in drag.moving:
                    continue
                item = self.bundle_items[key]
                if not item.isVisible():  # drawn as a loop arc, which follows by itself
                    continue
                idx = item.begin_drag(rows)
                data = item.data
                # No more moving lines than the bundle shows at rest (the strongest).
                budget = min(DRAG_BUDGET, item.shown_count(self._zoom))
                if len(idx) > budget:
                    keep = np.argpartition(-np.abs(data.shown_weights()[idx]), budget)[:budget]
                    idx = np.sort(idx[keep])
                drag.moving[key] = idx
                item.rebuild(table.pos)

    def _draw_moving(self) -> None:
        pos, pairs = self.table.pos, self.table.pairs
        segs, buckets = [], []
        for key, idx in self._drag.moving.items():
            data = pairs.get(key)
            if data is not None and len(idx):
                segs.append(data.segments(pos, idx))
                buckets.append(data.buckets()[idx])
        if segs:
            self.drag_overlay.set_buckets(np.concatenate(segs), np.concatenate(buckets), self.wide_pens)
        else:
            self.drag_overlay.clear()

    def _end_drag(self) -> None:
        drag, self._drag = self._drag, None
        self._quiet += 1
        try:  # layers dragged as a whole go back to the origin, their neurons stay put
            for layer in self.layer_items.values():
                offset = layer.pos()
                if offset != QPointF(0, 0):
                    for kid in layer.neurons():
                        kid.setPos(kid.pos() + offset)
                    layer.setPos(0, 0)
                    layer.refresh_frame()
        finally:
            self._quiet -= 1
        if drag is not None:
            for key in drag.moving:
                item = self.bundle_items.get(key)
                if item is not None:
                    item.end_drag()
                    self._dirty_pairs.add(key)
            self.drag_overlay.clear()
        self._flush()
        self._commit_positions()
        self._commit_block_moves()

    def _commit_positions(self) -> None:
        index = self.document.index
        moves = {}
        for nid, item in self.neuron_items.items():
            p = item.scenePos()
            n = index.neuron(nid)
            if abs(n.x - p.x()) > 1e-9 or abs(n.y - p.y()) > 1e-9:
                moves[nid] = (p.x(), p.y())
        if not moves:
            return
        layers = {index.neuron(nid).layer for nid in moves}
        if len(layers) == 1 and len(moves) == len(self.layer_items[next(iter(layers))].neurons()) > 1:
            text = f"Move layer '{index.layer(next(iter(layers))).name}'"
        else:
            text = "Move neuron" if len(moves) == 1 else f"Move {len(moves)} neurons"
        self.document.move(moves, text)

    # == inspection (tests, benchmark, exporters) =======================================
    def connection_counts(self) -> dict[PairKey, int]:
        return {key: len(data) for key, data in self.table.pairs.items()}

    def drawing_items(self) -> list[QGraphicsItem]:
        """The top-level items that draw the design itself (their children
        too), as opposed to overlays, callouts and feedback."""
        return [*self.layer_items.values(), *(i.backdrop for i in self.layer_items.values()),
                *self.bundle_items.values(), *self.block_items.values(), *self.link_items.values(),
                *self.loops.items.values(), *self.group_frames.items.values()]

    def content_rect(self) -> QRectF:
        """The whole drawing, with the labels beside neurons (children of
        their layer's frame)."""
        rect = QRectF()
        for item in self.drawing_items():
            rect = rect.united(item.sceneBoundingRect())
            if item.childItems():
                rect = rect.united(item.mapRectToScene(item.childrenBoundingRect()))
        return rect

    def layer_at(self, pos: QPointF, near: float = 0.0, blocks: bool = True) -> LayerItem | BlockItem | None:
        """The layer whose frame (or block) contains ``pos`` or lies within
        ``near`` of it (the nearest such layer); ``blocks`` False: layers of
        neurons only."""
        best, best_d = None, None
        for item in [*self.layer_items.values(), *(self.block_items.values() if blocks else ())]:
            frame = item.scene_frame()
            if not frame.adjusted(-near, -near, near, near).contains(pos):
                continue
            dx = max(frame.left() - pos.x(), 0, pos.x() - frame.right())
            dy = max(frame.top() - pos.y(), 0, pos.y() - frame.bottom())
            d = dx * dx + dy * dy
            if best_d is None or d < best_d:
                best, best_d = item, d
        return best


__all__ = ["CanvasScene"]
