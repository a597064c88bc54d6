"""The scene's blocks and links: one ``BlockItem`` (or the item its type's
row of ``LAYER_ITEMS`` names) per layer drawn as a block, one ``LinkItem``
per link, mirrored from the Document like the neurons. Mixed into
``CanvasScene``."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from nnsim.app.canvas.blocks import BlockItem
from nnsim.app.canvas.layer_items import LAYER_ITEMS
from nnsim.app.canvas.links import LinkItem
from nnsim.design.layer_types import TYPES
from nnsim.design.receptive import receptive_field
from nnsim.design.shapes import layer_shapes


def drawn_as_block(layer) -> bool:
    kind = TYPES.get(layer.type)
    return kind is not None and kind.drawn == "block"


class BlocksMixin:
    """Blocks and links of ``CanvasScene``."""

    def _init_blocks(self) -> None:
        self.block_items: dict[int, BlockItem] = {}
        self.link_items: dict[tuple[int, int], LinkItem] = {}
        d = self.document
        d.links_added.connect(self._on_links_added)
        d.links_removed.connect(self._on_links_removed)
        d.links_changed.connect(lambda pairs: self._after_edit())

    def _clear_blocks(self) -> None:
        for item in list(self.block_items.values()) + list(self.link_items.values()):
            self.removeItem(item)
        self.block_items.clear()
        self.link_items.clear()

    def _build_blocks(self) -> None:
        for layer in self.design.layers:
            if drawn_as_block(layer):
                self._add_block_item(layer)
        for link in self.design.links:
            self._add_link_item(link.source, link.target)
        self._refresh_blocks()

    def _add_block_item(self, layer) -> BlockItem:
        item = LAYER_ITEMS.get(layer.type, BlockItem)(layer.id)
        self.block_items[layer.id] = item
        self._quiet += 1
        try:
            item.setPos(layer.x, layer.y)
        finally:
            self._quiet -= 1
        self.addItem(item)
        return item

    def _remove_block_item(self, lid: int) -> bool:
        item = self.block_items.pop(lid, None)
        if item is None:
            return False
        self.removeItem(item)
        return True

    def _add_link_item(self, source: int, target: int) -> None:
        if (source, target) not in self.link_items:
            item = self.link_items[(source, target)] = LinkItem(source, target)
            self.addItem(item)

    def _on_links_added(self, pairs: list) -> None:
        self._structure_changed()
        for s, t in pairs:
            self._add_link_item(s, t)
        self._after_edit()

    def _on_links_removed(self, pairs: list) -> None:
        self._structure_changed()
        for pair in pairs:
            item = self.link_items.pop(tuple(pair), None)
            if item is not None:
                self.removeItem(item)
        self._after_edit()

    # -- drawing ------------------------------------------------------------------------
    def _refresh_blocks(self) -> None:
        """Every block's texts, shape and problem, its place, and the links."""
        if not self.block_items and not self.link_items:
            return
        shapes = layer_shapes(self.design)
        index = self.document.index
        self._quiet += 1
        try:
            for lid, item in self.block_items.items():
                layer = index.layer(lid)
                item.set_data(layer, shapes.of.get(lid), shapes.problems.get(lid))
                if item.pos() != QPointF(layer.x, layer.y) and not (self._press and item.isSelected()):
                    item.setPos(layer.x, layer.y)
        finally:
            self._quiet -= 1
        for pair, item in self.link_items.items():
            item.problem = pair[1] in shapes.problems
        self._refresh_links()

    def _frame_of(self, lid: int):
        item = self.block_items.get(lid) or self.layer_items.get(lid)
        return None if item is None else item.scene_frame()

    def _refresh_links(self, lids=None) -> None:
        for (s, t), item in self.link_items.items():
            if lids is not None and s not in lids and t not in lids:
                continue
            a, b = self._frame_of(s), self._frame_of(t)
            if a is None or b is None:
                continue
            start = QPointF(a.right() + 14, a.center().y())
            end = QPointF(b.left() - 2, b.center().y())
            item.set_ends(start, end)

    def block_moved(self, item: BlockItem) -> None:
        """A block moved (a drag, or the scene placing it): its links follow."""
        self._refresh_links({item.lid})

    def _commit_block_moves(self) -> None:
        index = self.document.index
        moves = {}
        for lid, item in self.block_items.items():
            layer = index.layer(lid)
            p = item.pos()
            if abs(layer.x - p.x()) > 1e-9 or abs(layer.y - p.y()) > 1e-9:
                moves[lid] = (p.x(), p.y())
        if moves:
            name = index.layer(next(iter(moves))).name
            self.document.move_layers(moves, f"Move layer '{name}'" if len(moves) == 1 else f"Move {len(moves)} layers")

    def set_block_images(self, maps: dict | None, kernels: dict | None) -> None:
        """Training's pictures: each block's feature maps for the chosen
        sample and each convolution's kernels (layer id -> QImages); None:
        none. They change only what is drawn."""
        maps, kernels = maps or {}, kernels or {}
        for lid, item in self.block_items.items():
            item.set_maps(maps.get(lid))
            item.set_kernels(kernels.get(lid))
        self._refresh_links()

    def map_pixel_hovered(self, lid: int, pixel: tuple[int, int] | None) -> None:
        """One value of a block's focused map is under the pointer (None:
        none): the image it is computed from marks the pixels it looks at."""
        field = None if pixel is None else receptive_field(self.design, lid, *pixel)
        for item in self.block_items.values():
            if item.type_name == "image":
                item.set_field(field if field is not None and item.lid == self._image_of(lid) else None)

    def _image_of(self, lid: int) -> int | None:
        """The image layer a block's maps are computed from."""
        feeds = {k.target: k.source for k in self.design.links}
        seen = set()
        while lid in feeds and lid not in seen:
            seen.add(lid)
            lid = feeds[lid]
        return lid

    def map_focused(self, lid: int, index: int) -> None:
        """A block's feature map is under the pointer or chosen (-1: none)."""
        self.map_focus_changed.emit(lid, index)


__all__ = ["BlocksMixin", "drawn_as_block"]
