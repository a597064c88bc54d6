"""The shape of each layer's output, per sample, and why a layer's settings
do not fit the shape it is given.

A layer drawn as neurons outputs one number per neuron: shape (n,). A layer
drawn as a block outputs what its type computes from its one input (the
layer linked into it): an image (channels, height, width) from its options,
a convolution (filters, height′, width′) with height′ = (height + 2·padding −
kernel) / stride + 1 rounded down, pooling (channels, height′, width′),
flattening (channels · height · width,). Linear in the size of the design.
"""

from __future__ import annotations

import math

from nnsim.design.layer_types import TYPES, Shape, Shapes, check_layer_in, options_of  # noqa: F401 - Shapes, Shape: read from here too
from nnsim.design.model import Design, Layer
from nnsim.engine.ops.shapes import conv2d_plan, pool2d_plan



def block_shape(layer: Layer, in_shape: Shape | None) -> tuple[Shape | None, str]:
    """The output shape of a block layer from its input's shape, or None and
    why its settings do not fit."""
    o = options_of(layer)
    if layer.type == "image":
        return (o["channels"], o["height"], o["width"]), ""
    if in_shape is None:
        return None, "nothing is linked into it yet"
    if layer.type == "flatten":
        return (math.prod(in_shape),), ""
    if layer.type in ("lstm", "gru", "rnn"):
        if len(in_shape) != 1:
            return None, "it reads a column of values at each time step, not an image: put a flatten before it"
        return (o["cells"],), ""
    if len(in_shape) != 3:
        return None, f"it needs an image (channels × height × width) as input, not {len(in_shape)} number(s) per sample"
    if layer.type == "conv":
        plan, why = conv2d_plan(in_shape, o["filters"], o["kernel"], o["stride"], o["padding"])
    else:  # pooling
        plan, why = pool2d_plan(in_shape, o["pool"], o["stride"] or None)
    return (plan.out_shape if plan else None), why


def layer_shapes(design: Design) -> Shapes:
    """The output shape of every layer, in one pass in the order links and
    connections feed them."""

    out = Shapes()
    sizes = design.layer_sizes()
    by_id = {layer.id: layer for layer in design.layers}
    for link in design.links:
        if link.target in by_id and link.source in by_id:
            out.inputs.setdefault(link.target, []).append(link.source)
    waiting = {lid for lid, layer in by_id.items() if TYPES.get(layer.type) and TYPES[layer.type].drawn == "block"}
    for layer in design.layers:
        if layer.id not in waiting:
            out.of[layer.id] = (sizes[layer.id],)
    # Block layers take their shape once their input's is known: in the
    # order the links feed them (Kahn's algorithm, linear in their number).
    feeds: dict[int, list[int]] = {}
    pending = dict.fromkeys(waiting, 0)
    for link in design.links:
        if link.source in waiting and link.target in waiting:
            feeds.setdefault(link.source, []).append(link.target)
            pending[link.target] += 1
    ready = [lid for lid in (layer.id for layer in design.layers) if lid in waiting and pending[lid] == 0]
    while ready:
        lid = ready.pop()
        waiting.discard(lid)
        layer = by_id[lid]
        feeding = out.inputs.get(lid, [])
        if layer.type != "image" and len(feeding) > 1:
            out.problems[lid] = f"{len(feeding)} layers are linked into it; it takes one"
        else:
            src = feeding[0] if feeding else None
            shape, why = block_shape(layer, out.of.get(src) if src is not None else None)
            if shape is None:
                out.problems[lid] = why
            else:
                out.of[lid] = shape
        for t in feeds.get(lid, ()):
            pending[t] -= 1
            if pending[t] == 0:
                ready.append(t)
    for lid in waiting:  # in a cycle of links (refused elsewhere)
        out.problems[lid] = "its input is never computed: the links form a cycle"
    return out


def check_layer(design: Design, layer: Layer, shapes: Shapes | None = None) -> str | None:
    """Why a layer's type, options or arrays are wrong (None if they are
    right), in one line naming the layer; ``shapes``: the design's layer
    shapes, when the caller has them (else they are worked out)."""
    return check_layer_in(design, layer, layer_shapes(design) if shapes is None else shapes)
