"""Which canvas item draws a layer of each type (``LAYER_ITEMS``): dense
layers are a frame (``LayerItem``) around their neurons; every type drawn as
a block is a ``BlockItem`` unless its row names a subclass with a drawing of
its own. A new layer type adds its row here (see docs/architecture.md)."""

from __future__ import annotations

from nnsim.app.canvas.blocks import BlockItem
from nnsim.app.canvas.frames import LayerItem
from nnsim.design.layer_types import TYPES

#: Layer type -> the item class that draws it.
LAYER_ITEMS: dict[str, type] = {
    "dense": LayerItem,
    **{name: BlockItem for name, kind in TYPES.items() if kind.drawn == "block"},
}
