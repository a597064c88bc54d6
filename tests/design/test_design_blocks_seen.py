"""Blocks and data names as the editor shows them, without the window: a
new block is named apart from the others and placed where it was dropped;
linking twice is refused by name; a link removed comes back where it was
on undo; a block fed by two layers says so; the data names a design of one
input and one output layer."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.blocks import add_block, link_layers, unlink
from nnsim.design.build import add_layer, connect_all
from nnsim.design.data_names import label_ops
from nnsim.design.edits import apply_ops, inverse_ops
from nnsim.design.model import Design, LayerKind, Link
from nnsim.design.recipes import EditError
from nnsim.design.shapes import layer_shapes


def _ids(design):
    return {layer.type if layer.type != "dense" else layer.kind: layer.id for layer in design.layers}


def test_a_new_block_is_named_apart_and_placed_where_dropped():
    design = nnsim.example("digits-cnn")
    new_id, ops = add_block(design, "conv", 10.0, 20.0)
    apply_ops(design, ops)
    layer = design.layer(new_id)
    assert (layer.name, layer.type, layer.x, layer.y) == ("conv 1", "conv", 10.0, 20.0)
    assert layer.options == {"filters": 8, "kernel": 3, "stride": 1, "padding": "same", "frozen": False}
    apply_ops(design, inverse_ops(ops))
    assert all(layer.id != new_id for layer in design.layers)


def test_linking_layers_already_linked_is_refused_by_name():
    design = nnsim.example("digits-cnn")
    ids = _ids(design)
    with pytest.raises(EditError) as refused:
        link_layers(design, ids["image"], ids["conv"], np.random.default_rng(0))
    assert str(refused.value) == "'image' already feeds 'conv'"


def test_a_removed_link_comes_back_in_its_place_on_undo():
    design = nnsim.example("digits-cnn")
    ids = _ids(design)
    before = [(k.source, k.target) for k in design.links]
    ops = unlink(design, [(ids["conv"], ids["maxpool"])])
    apply_ops(design, ops)
    assert (ids["conv"], ids["maxpool"]) not in [(k.source, k.target) for k in design.links]
    apply_ops(design, inverse_ops(ops))
    assert [(k.source, k.target) for k in design.links] == before


def test_a_block_fed_by_two_layers_says_it_takes_one():
    design = nnsim.example("digits-cnn")
    ids = _ids(design)
    design.links.append(Link(ids["image"], ids["maxpool"]))
    assert layer_shapes(design).problems[ids["maxpool"]] == "2 layers are linked into it; it takes one"


def test_the_data_names_a_design_of_one_input_and_one_output_layer_only():
    design = nnsim.example("xor-mlp")
    apply_ops(design, label_ops(design, ["a", "b"], "classification", ["no", "yes"], set()))
    assert design.neurons_of(design.layers_of_kind(LayerKind.OUTPUT)[0].id)[0].label == "yes"
    two = Design()
    inputs = [add_layer(two, LayerKind.INPUT, 1), add_layer(two, LayerKind.INPUT, 1)]
    out = add_layer(two, LayerKind.OUTPUT, 1)
    for layer in inputs:
        connect_all(two, layer.id, out.id)
    assert label_ops(two, ["a", "b"], "classification", ["no", "yes"], set()) == []
