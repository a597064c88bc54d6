"""The pixels a feature map's value looks at, as the canvas highlights them,
checked against the network itself: the pixels whose change moves that value
(all-ones kernels, average pooling, so that every pixel in the field counts).
Non-square images with "same" padding and a stride pad each axis by its own
size. And every layer's output shape with the reason it has none."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.blocks import fit
from nnsim.design.build import add_block, add_layer, link
from nnsim.design.compile import compile_design
from nnsim.design.edits import apply_ops
from nnsim.design.model import Activation, ArrayValue, Design, LayerKind, Link
from nnsim.design.receptive import receptive_field
from nnsim.design.shapes import block_shape, check_layer, layer_shapes


def _chain(height, width, *blocks):
    """image (1 channel) → blocks → flatten → one linear output."""
    d = Design()
    ids = [add_block(d, "image", LayerKind.INPUT, channels=1, height=height, width=width).id]
    for type_name, options in blocks:
        extra = {"activation": Activation.LINEAR, "filters": 1} if type_name == "conv" else {}
        ids.append(add_block(d, type_name, **extra, **options).id)
        link(d, ids[-2], ids[-1])
    flat = add_block(d, "flatten")
    out = add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.LINEAR)
    link(d, ids[-1], flat.id)
    link(d, flat.id, out.id)
    apply_ops(d, fit(d, np.random.default_rng(0)))
    for layer in d.layers:
        if layer.type == "conv":
            k = layer.options["kernel"]
            layer.arrays = {"kernel": ArrayValue(np.ones((1, 1, k, k))), "bias": ArrayValue(np.zeros(1))}
    return d, ids


def _seen(d, lid, row, col):
    """The box of the input pixels whose change moves the value at (row, col) of layer ``lid``, the last block."""
    shapes = layer_shapes(d)
    _, h, w = shapes.of[d.layers[0].id]
    _, oh, ow = shapes.of[lid]
    weights = np.zeros((oh * ow, 1))
    weights[row * ow + col, 0] = 1.0
    d.links[-1].weights = ArrayValue(weights)
    net = compile_design(d).network
    moved = net.predict(np.eye(h * w))[:, 0] != net.predict(np.zeros((1, h * w)))[0, 0]
    rows, cols = np.nonzero(moved.reshape(h, w))
    return int(rows.min()), int(cols.min()), int(rows.max()), int(cols.max())


@pytest.mark.parametrize("height, width, blocks, place", [
    (8, 5, [("conv", dict(kernel=3, stride=2, padding="same"))], (0, 0)),
    (8, 5, [("conv", dict(kernel=3, stride=2, padding="same"))], (1, 2)),
    (5, 8, [("conv", dict(kernel=3, stride=2, padding="same"))], (2, 0)),
    (7, 9, [("conv", dict(kernel=4, stride=3, padding="same"))], (1, 2)),
    (8, 8, [("conv", dict(kernel=3, padding="same"))], (7, 0)),
    (9, 7, [("conv", dict(kernel=3, stride=2, padding="valid"))], (3, 2)),
    (8, 6, [("conv", dict(kernel=3, padding="same")), ("avgpool", dict(pool=2))], (3, 2)),
    (8, 6, [("avgpool", dict(pool=3, stride=2)), ("conv", dict(kernel=2, stride=1, padding="valid"))], (1, 0)),
    (10, 7, [("conv", dict(kernel=5, stride=2, padding="same")), ("avgpool", dict(pool=2, stride=1))], (0, 2)),
])
def test_the_field_is_the_pixels_that_move_the_value(height, width, blocks, place):
    d, ids = _chain(height, width, *blocks)
    assert receptive_field(d, ids[-1], *place) == _seen(d, ids[-1], *place)


def test_a_max_pooling_window_counts_like_an_average_one():
    d, ids = _chain(8, 8, ("conv", dict(kernel=3, padding="valid")), ("maxpool", dict(pool=2)))
    a, ids2 = _chain(8, 8, ("conv", dict(kernel=3, padding="valid")), ("avgpool", dict(pool=2)))
    assert receptive_field(d, ids[-1], 1, 2) == receptive_field(a, ids2[-1], 1, 2) == (2, 4, 5, 7)


def test_no_field_where_no_image_feeds_through_convolutions_and_poolings():
    d, ids = _chain(6, 6, ("conv", dict(kernel=3)))
    flat = next(layer.id for layer in d.layers if layer.type == "flatten")
    assert receptive_field(d, flat, 0, 0) is None
    assert receptive_field(d, 999, 0, 0) is None
    assert receptive_field(d, ids[0], 2, 3) == (2, 3, 2, 3)  # the image's own pixel
    d.links.append(Link(ids[0], ids[1]))  # fed twice
    assert receptive_field(d, ids[1], 0, 0) is None
    column = Design()
    inp = add_layer(column, LayerKind.INPUT, 4)
    for padding in ("same", "valid"):
        conv = add_block(column, "conv", padding=padding)
        link(column, inp.id, conv.id)
        assert receptive_field(column, conv.id, 0, 0) is None
    pooled = Design()
    pool = add_block(pooled, "avgpool")
    conv = add_block(pooled, "conv")
    link(pooled, pool.id, conv.id)
    assert receptive_field(pooled, conv.id, 0, 0) is None


@pytest.mark.parametrize("type_name, options, in_shape, expected", [
    ("image", dict(channels=3, height=5, width=7), None, ((3, 5, 7), "")),
    ("flatten", {}, (2, 3, 4), ((24,), "")),
    ("lstm", dict(cells=6), (5,), ((6,), "")),
    ("gru", dict(cells=2), (9,), ((2,), "")),
    ("rnn", dict(cells=3), (4,), ((3,), "")),
    ("rnn", {}, (1, 4, 4), (None, "it reads a column of values at each time step, not an image: put a flatten "
                                  "before it")),
    ("conv", dict(filters=4, kernel=3, padding="valid", stride=2), (2, 9, 7), ((4, 4, 3), "")),
    ("conv", dict(filters=4, kernel=3, padding="same", stride=2), (2, 9, 7), ((4, 5, 4), "")),
    ("maxpool", dict(pool=2), (3, 9, 7), ((3, 4, 3), "")),
    ("avgpool", dict(pool=3, stride=1), (3, 9, 7), ((3, 7, 5), "")),
    ("conv", {}, (5,), (None, "it needs an image (channels × height × width) as input, not 1 number(s) per sample")),
    ("maxpool", {}, (2, 3), (None, "it needs an image (channels × height × width) as input, not 2 number(s) per "
                                   "sample")),
    ("conv", dict(kernel=5, padding="valid"), (1, 3, 8), (None, 'kernel 5 does not fit a 3-pixel-high input with '
                                                                'padding 0 (padding "same" would keep the size)')),
    ("conv", {}, None, (None, "nothing is linked into it yet")),
    ("flatten", {}, None, (None, "nothing is linked into it yet")),
])
def test_a_blocks_output_shape_or_why_it_has_none(type_name, options, in_shape, expected):
    d = Design()
    block = add_block(d, type_name, kind=LayerKind.INPUT if type_name == "image" else LayerKind.HIDDEN, **options)
    assert block_shape(block, in_shape) == expected


def test_every_layers_shape_and_problem_in_a_design():
    d = Design()
    image = add_block(d, "image", LayerKind.INPUT, channels=2, height=6, width=6)
    conv = add_block(d, "conv", filters=3, kernel=3, padding="valid")
    pool = add_block(d, "maxpool", pool=2)
    flat = add_block(d, "flatten")
    out = add_layer(d, LayerKind.OUTPUT, 5)
    lone = add_block(d, "avgpool")
    # links listed backwards: the shapes still follow the order they feed
    for s, t in ((flat, out), (pool, flat), (conv, pool), (image, conv)):
        link(d, s.id, t.id)
    shapes = layer_shapes(d)
    assert shapes.of == {image.id: (2, 6, 6), conv.id: (3, 4, 4), pool.id: (3, 2, 2), flat.id: (12,), out.id: (5,)}
    assert shapes.problems == {lone.id: "nothing is linked into it yet"}
    assert shapes.inputs == {conv.id: [image.id], pool.id: [conv.id], flat.id: [pool.id], out.id: [flat.id]}
    link(d, image.id, lone.id)
    link(d, lone.id, pool.id)
    shapes = layer_shapes(d)
    assert shapes.problems == {pool.id: "2 layers are linked into it; it takes one",
                               flat.id: "nothing is linked into it yet"}
    assert shapes.of[lone.id] == (2, 3, 3) and flat.id not in shapes.of
    d.links.append(Link(out.id, 999))  # a link to no layer is left out
    assert 999 not in layer_shapes(d).inputs


def test_an_image_fed_by_two_layers_keeps_its_own_shape_and_a_cycle_is_named():
    d = Design()
    a = add_block(d, "image", LayerKind.INPUT)
    b = add_block(d, "image", LayerKind.INPUT)
    c = add_block(d, "image", LayerKind.INPUT)
    link(d, a.id, c.id)
    link(d, b.id, c.id)
    assert layer_shapes(d).of[c.id] == (1, 8, 8) and layer_shapes(d).problems == {}
    d = Design()
    image = add_block(d, "image", LayerKind.INPUT)
    p = add_block(d, "maxpool")
    q = add_block(d, "avgpool")
    r = add_block(d, "flatten")
    link(d, p.id, q.id)
    link(d, q.id, p.id)
    link(d, q.id, r.id)
    shapes = layer_shapes(d)
    cycle = "its input is never computed: the links form a cycle"
    assert shapes.problems == {p.id: cycle, q.id: cycle, r.id: cycle}
    assert image.id in shapes.of
    assert check_layer(d, image) is None
