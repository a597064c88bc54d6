"""Adding a palette part without a drop (double-click, or Enter on the part):
it goes in the middle of what the canvas shows, or the next free column to
the right, and the view follows so the new layer is never left off-screen."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from nnsim.design.model import LayerKind
from nnsim.design.placement import free_column

MARGIN = 24  # viewport pixels kept between a new layer and the view's edge


def add_part_in_view(view, kind: str, size: int) -> int:
    """Add a layer of ``size`` at the view's centre (or the next free column to
    its right) and bring it into view. Returns the layer id; raises EditError."""
    scene = view.scene()
    document = scene.document
    centre = view.mapToScene(view.viewport().rect().center())
    taken = [(n.x, n.y) for n in document.design.neurons]
    x, y = free_column(taken, centre.x(), centre.y(), size)
    lid = document.add_layer(LayerKind(kind), size, x, y)
    item = scene.layer_items.get(lid)
    if item is not None:
        bring_into_view(view, item.mapRectToScene(item.boundingRect() | item.childrenBoundingRect()))
    return lid


def add_block_in_view(view, type_name: str) -> int:
    """Add a block layer right of the rightmost layer (level with the view's
    centre when the canvas is empty) and bring it into view. Returns its id;
    raises EditError."""
    scene = view.scene()
    centre = view.mapToScene(view.viewport().rect().center())
    content = scene.content_rect()
    x = centre.x() if content.isEmpty() else content.right() + 130.0
    y = centre.y() if content.isEmpty() else content.center().y()
    lid = scene.document.add_block(type_name, x, y)
    item = scene.block_items.get(lid)
    if item is not None:
        bring_into_view(view, item.sceneBoundingRect())
    return lid


def bring_into_view(view, rect: QRectF) -> None:
    """Scroll so ``rect`` (scene coordinates) is inside the view: the whole
    design centred when it fits at this zoom, else just enough to show it."""
    zoom = view.transform().m11() or 1.0
    margin = MARGIN / zoom
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    if visible.adjusted(margin, margin, -margin, -margin).contains(rect):
        return
    content = view.scene().content_rect().united(rect)
    if content.width() + 2 * margin <= visible.width() and content.height() + 2 * margin <= visible.height():
        view.centerOn(content.center())
    else:
        view.ensureVisible(rect, MARGIN, MARGIN)
