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


def test_a_link_removed_can_be_drawn_again_and_a_block_moved():
    from nnsim.design.blocks import move_layers

    design = nnsim.example("digits-cnn")
    ids = _ids(design)
    apply_ops(design, unlink(design, [(ids["conv"], ids["maxpool"])]))
    apply_ops(design, link_layers(design, ids["conv"], ids["maxpool"], np.random.default_rng(0)))
    assert (ids["conv"], ids["maxpool"]) in [(k.source, k.target) for k in design.links]
    apply_ops(design, move_layers(design, {ids["conv"]: (12.5, -3.0)}))
    conv = design.layer(ids["conv"])
    assert (conv.x, conv.y) == (12.5, -3.0)


def test_the_data_names_every_input_neuron():
    from nnsim.design.build import layered

    design = layered([3, 2, 1])
    apply_ops(design, label_ops(design, ["a", "b", "c"], "regression", ["y"], set()))
    assert [n.label for n in design.neurons_of(design.layers[0].id)] == ["a", "b", "c"]
    assert design.neurons_of(design.layers[-1].id)[0].label == "y"


def test_numbers_are_equal_only_when_every_array_and_value_is():
    from nnsim.design.parameters import all_numbers

    design = nnsim.example("digits-cnn")
    a, b = all_numbers(design), all_numbers(design)
    assert a.equals(b)
    key = next(iter(b.arrays))
    changed = b.copy()
    changed.arrays[key] = changed.arrays[key] + 1.0
    assert not a.equals(changed)
    fewer = b.copy()
    del fewer.arrays[key]
    assert not a.equals(fewer) and not fewer.equals(a)
