"""Which pixels of the input image one value of a feature map looks at (its
receptive field), walking back through the convolutions and poolings that
made it. No Qt; linear in the length of the chain."""

from __future__ import annotations

from nnsim.design.layer_types import options_of
from nnsim.design.model import Design
from nnsim.design.shapes import layer_shapes


def _step(layer, in_shape) -> tuple[int, int, int, int] | None:
    """(window, stride, padding before the rows, padding before the columns)
    of a convolution or pooling layer: "same" padding is worked out for each
    axis from its own size, as the convolution pads it."""
    o = options_of(layer)
    if len(in_shape) != 3:  # fed by a column of values, not an image
        return None
    if layer.type == "conv":
        k, s = o["kernel"], o["stride"]
        pads = []
        for size in in_shape[1:]:
            if o["padding"] == "same":
                out = -(-size // s)
                pads.append(max((out - 1) * s + k - size, 0) // 2)
            else:
                pads.append(0)
        return k, s, pads[0], pads[1]
    if layer.type in ("maxpool", "avgpool"):
        return o["pool"], o["stride"] or o["pool"], 0, 0
    return None


def receptive_field(design: Design, layer_id: int, row: int, col: int) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right), inclusive, in the input image's pixels, of
    the value at (row, col) of a block's feature maps; None where the layer
    is not fed through convolutions and poolings from an image."""
    shapes = layer_shapes(design)
    by_id = {layer.id: layer for layer in design.layers}
    top, bottom, left, right = row, row, col, col
    lid = layer_id
    while True:
        layer = by_id.get(lid)
        if layer is None:
            return None
        if layer.type == "image":
            h, w = shapes.of[lid][1:]
            return max(top, 0), max(left, 0), min(bottom, h - 1), min(right, w - 1)
        feeding = shapes.inputs.get(lid, [])
        if len(feeding) != 1 or feeding[0] not in shapes.of:
            return None
        step = _step(layer, shapes.of[feeding[0]])
        if step is None:
            return None
        k, s, p_rows, p_cols = step
        top, bottom = top * s - p_rows, bottom * s - p_rows + k - 1
        left, right = left * s - p_cols, right * s - p_cols + k - 1
        lid = feeding[0]


__all__ = ["receptive_field"]
