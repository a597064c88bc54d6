"""The editor's edits of layers drawn as blocks and of links, as operation
lists (see ``nnsim.design.edits``), no Qt.

A block layer (an image, a convolution, pooling, a flatten; the recurrent
blocks too) holds no neurons: it has a place on the canvas (``Layer.x``,
``Layer.y``), its type's options, and the arrays its type keeps; it is joined
to other layers by links. Each function returns the operations of one edit or
raises ``EditError`` with a one-line reason. An edit that changes what a
layer receives (a link, an option, a neuron more or less in a layer a link
feeds) also brings the arrays that no longer fit to their new shape, drawn
anew by the design's initialisation scheme (``fit``).
"""

from __future__ import annotations

import copy

import numpy as np

from nnsim.design.build import RECURRENT_STARTS, _draw
from nnsim.design.edits import Index, Insert, Remove, SetField, apply_ops, insert_at_end, set_fields
from nnsim.design.layer_types import TYPES, options_of
from nnsim.design.model import Activation, ArrayValue, Design, Layer, LayerKind, Link
from nnsim.design.recipes import EditError
from nnsim.design.shapes import layer_shapes
from nnsim.design.validate import DesignError, check_design
from nnsim.engine.init import initial_bias
from nnsim.text import quote

# How a new block of each type is named ("conv 1", "max pool 2"...).
SHORT_NAMES = {"image": "image", "conv": "conv", "maxpool": "max pool", "avgpool": "avg pool",
               "flatten": "flatten", "lstm": "lstm", "gru": "gru", "rnn": "rnn"}


def is_block(layer: Layer) -> bool:
    kind = TYPES.get(layer.type)
    return kind is not None and kind.drawn == "block"


def _name(design: Design, type_name: str) -> str:
    base = SHORT_NAMES.get(type_name, type_name)
    names = {layer.name for layer in design.layers}
    i = 1
    while f"{base} {i}" in names:
        i += 1
    return f"{base} {i}"


def new_block(design: Design, type_name: str, x: float, y: float, kind: LayerKind | None = None,
              activation: Activation | None = None, name: str | None = None, **options) -> Layer:
    """A new block layer (not yet in the design): an image is an input, the
    others hidden; a convolution is ReLU, the others linear."""
    block_type = TYPES.get(type_name)
    if block_type is None or block_type.drawn != "block":
        raise EditError(f"{quote(str(type_name))} is not a layer type drawn as a block")
    if kind is None:
        kind = LayerKind.INPUT if LayerKind.INPUT in block_type.roles else LayerKind.HIDDEN
    if kind not in block_type.roles:
        raise EditError(f"a {block_type.title.lower()} cannot be an {kind.value} layer")
    if activation is None:
        activation = Activation.RELU if type_name == "conv" else Activation.LINEAR
    for key, value in options.items():
        option = block_type.option(key)
        if option is None:
            raise EditError(f"{block_type.title.lower()}s have no option {quote(key)}")
        problem = option.problem(value)
        if problem:
            raise EditError(f"{option.label}: {problem}")
    return Layer(id=design.next_id(), name=name or _name(design, type_name), kind=kind,
                 activation=Activation.LINEAR if kind == LayerKind.INPUT else activation,
                 type=type_name, options={**block_type.defaults(), **options}, x=float(x), y=float(y))


def add_block(design: Design, type_name: str, x: float, y: float, **kwargs) -> tuple[int, list]:
    """A new block layer centred at (x, y). Returns its id and the operations."""
    layer = new_block(design, type_name, x, y, **kwargs)
    return layer.id, [insert_at_end(design, "layers", [layer])]


# -- fitting arrays to shapes -------------------------------------------------------------
def _arrays_for(design: Design, layer: Layer, specs, rng: np.random.Generator) -> dict[str, ArrayValue]:
    """New starting numbers of a block's arrays (as ``build.initialize_arrays``)."""
    if layer.type in RECURRENT_STARTS:
        return {k: ArrayValue(v) for k, v in RECURRENT_STARTS[layer.type](layer, specs, rng).items()}
    init = design.training.init
    out = {}
    for name, shape in specs:
        if name == "bias":
            out[name] = ArrayValue(np.full(shape, initial_bias(init)))
        else:
            receptive = int(np.prod(shape[1:]))
            out[name] = ArrayValue(_draw(rng, init, shape, receptive, shape[0] * int(np.prod(shape[2:]))))
    return out


def fit(design: Design, rng: np.random.Generator) -> list:
    """Operations that bring every block's arrays and every link's weights
    to the shapes the design now needs (new numbers where a shape changed;
    arrays a layer no longer needs go; the rest is left alone). A block whose
    input is not known yet keeps what it has until it is linked."""
    shapes = layer_shapes(design)
    ops: list = []
    for layer in design.layers:
        kind = TYPES.get(layer.type)
        if kind is None or kind.drawn != "block":
            continue
        specs = kind.arrays(design, layer, shapes)
        if not specs:  # nothing feeds it yet (a pasted copy, say): its numbers wait for a link
            continue
        have = {name: tuple(a.shape) for name, a in layer.arrays.items()}
        if have == {name: tuple(shape) for name, shape in specs}:
            continue
        new = _arrays_for(design, layer, specs, rng)
        # Arrays that still fit keep their numbers (a learned initial state added
        # to a trained LSTM leaves its weights as they were).
        new.update({name: layer.arrays[name] for name, shape in specs
                    if name in layer.arrays and tuple(layer.arrays[name].shape) == tuple(shape)})
        ops.append(SetField(("layer", layer.id), "arrays", dict(layer.arrays), new))
    sizes = design.layer_sizes()
    by_id = {layer.id: layer for layer in design.layers}
    for link in design.links:
        target = by_id.get(link.target)
        if target is None or target.type != "dense" or link.source not in shapes.of:
            continue
        need = (shapes.size(link.source), sizes.get(link.target, 0))
        if link.weights is not None and tuple(link.weights.shape) == need or not all(need):
            continue
        new = ArrayValue(_draw(rng, design.training.init, need, need[0], need[1]))
        ops.append(SetField(("link", (link.source, link.target)), "weights", link.weights, new))
    return ops


def fit_after(design: Design, ops: list, rng: np.random.Generator) -> list:
    """``fit``'s operations for the design as it will be after ``ops``."""
    if not design.links:
        return []
    trial = copy.deepcopy(design)
    apply_ops(trial, ops)
    return fit(trial, rng)


def _checked(design: Design, ops: list, rng: np.random.Generator) -> list:
    """``ops`` followed by the fitting of arrays, refused (``EditError``) when
    the design would break a rule."""
    trial = copy.deepcopy(design)
    apply_ops(trial, ops)
    more = fit(trial, rng)
    apply_ops(trial, more)
    try:
        check_design(trial)
    except DesignError as e:
        raise EditError(str(e)) from None
    return ops + more


# -- links ------------------------------------------------------------------------------------
def link_layers(design: Design, source: int, target: int, rng: np.random.Generator) -> list:
    """Feed the whole output of layer ``source`` into layer ``target`` (one of
    them a block). A block other than an image takes one link only."""
    index = Index(design)
    try:
        s, t = index.layer(source), index.layer(target)
    except KeyError as e:
        raise EditError(f"there is no layer {e.args[0]}") from None
    if index.link((source, target)) is not None:
        raise EditError(f"{quote(s.name)} already feeds {quote(t.name)}")
    if not (is_block(s) or is_block(t)):
        raise EditError(f"{quote(s.name)} and {quote(t.name)} are layers of neurons: join them by connections")
    if is_block(t):
        feeding = [k for k in design.links if k.target == target]
        if feeding:
            other = index.layer(feeding[0].source).name
            raise EditError(f"{quote(t.name)} already takes its input from {quote(other)}: "
                            "delete that link first")
    return _checked(design, [insert_at_end(design, "links", [Link(source, target)])], rng)


def unlink(design: Design, pairs) -> list:
    """Remove links ((source layer, target layer) pairs); the arrays stay."""
    pairs = {tuple(p) for p in pairs}
    found = [(i, k) for i, k in enumerate(design.links) if (k.source, k.target) in pairs]
    if not found:
        return []
    return [Remove("links", tuple(i for i, _ in found), tuple(k for _, k in found))]


# -- changing a block --------------------------------------------------------------------------
def set_block(design: Design, layer_id: int, rng: np.random.Generator, **values) -> list:
    """Change a block's name or activation (``Layer`` fields) or its type's
    options. A setting that does not fit what the block receives (a kernel
    larger than its input, a pooling window too large...) is refused with the
    reason, as is one that makes a layer after it unable to compute."""
    index = Index(design)
    layer = index.layer(layer_id)
    kind = TYPES[layer.type]
    fields = {k: v for k, v in values.items() if k in ("name", "activation")}
    options = {k: v for k, v in values.items() if k not in fields}
    for key, value in options.items():
        option = kind.option(key)
        if option is None:
            raise EditError(f"{kind.title.lower()}s have no option {quote(key)}")
        problem = option.problem(value)
        if problem:
            raise EditError(f"{option.label}: {problem}")
        if option.kind is int:
            options[key] = int(value)
    ops = set_fields(("layer", layer_id), layer, **fields)
    new_options = {**options_of(layer), **options}
    if new_options != options_of(layer):
        ops.append(SetField(("layer", layer_id), "options", dict(layer.options), new_options))
    if not ops:
        return []
    before = layer_shapes(design).problems
    trial = copy.deepcopy(design)
    apply_ops(trial, ops)
    after = layer_shapes(trial).problems
    for lid, problem in after.items():
        if lid not in before:
            where = "" if lid == layer_id else f"{quote(index.layer(lid).name)} after it: "
            raise EditError(f"{quote(layer.name)}: {where}{problem}")
    return _checked(design, ops, rng)


def move_layers(design: Design, positions: dict[int, tuple[float, float]]) -> list:
    """Move blocks to new centres."""
    index = Index(design)
    ops = []
    for lid, (x, y) in positions.items():
        ops += set_fields(("layer", lid), index.layer(lid), x=float(x), y=float(y))
    return ops


__all__ = ["add_block", "fit", "fit_after", "is_block", "link_layers", "move_layers", "new_block", "set_block",
           "unlink", "Insert"]
