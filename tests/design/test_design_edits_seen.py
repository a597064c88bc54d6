"""Edits as the canvas shows their result: a refused block setting names
the layer it breaks and leaves the design as it was; connecting a pair
already connected is refused; a layer's new activation is every neuron's;
new connections start at the scale their neurons' fans give; each player
of a GAN keeps its own links."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim
from nnsim.design.blocks import set_block
from nnsim.design.build import add_block as add_block_to
from nnsim.design.build import layered, link
from nnsim.design.compile import compile_design
from nnsim.design.edits import apply_ops
from nnsim.design.gan import gan_problem, group_design
from nnsim.design.model import Activation, Init, LayerKind, Link
from nnsim.design.parameters import ParameterMap, all_numbers
from nnsim.design.recipes import EditError, add_neuron, connect, set_layer, set_neuron
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR
from nnsim.engine.init import initial_weights
from nnsim.design.shapes import layer_shapes
from nnsim.io.format import design_to_dict


def test_a_block_setting_that_breaks_the_layer_after_it_is_refused_and_changes_nothing():
    design = nnsim.example("digits-cnn")
    conv = next(layer for layer in design.layers if layer.type == "conv")
    before = json.dumps(design_to_dict(design))
    with pytest.raises(EditError) as refused:
        set_block(design, conv.id, np.random.default_rng(0), stride=8)
    assert str(refused.value) == "'conv': 'max pool' after it: pool 2 does not fit a 1-pixel-high input with padding 0"
    assert json.dumps(design_to_dict(design)) == before


def test_connecting_a_pair_already_connected_is_refused():
    design = nnsim.example("xor-mlp")
    c = design.connections[0]
    with pytest.raises(EditError) as refused:
        connect(design, [(c.source, c.target)], np.random.default_rng(0))
    assert str(refused.value).endswith("is already connected")
    assert connect(design, [(c.source, c.target)], np.random.default_rng(0), skip_existing=True) == []


def test_a_layer_s_new_activation_replaces_its_neurons_own():
    design = layered([2, 3, 1])
    hidden = design.layers[1]
    first = design.neurons_of(hidden.id)[0]
    first.activation = Activation.RELU
    apply_ops(design, set_layer(design, hidden.id, activation=Activation.SIGMOID))
    assert hidden.activation == Activation.SIGMOID
    assert [n.activation for n in design.neurons_of(hidden.id)] == [None] * 3


@pytest.mark.parametrize("init", [Init.XAVIER, Init.HE])
def test_a_new_connection_starts_at_the_scale_of_its_neurons_fans(init):
    """A connection drawn into a neuron that already has two inputs, from one
    that already has an output, starts as one of three in and one of two
    out: the scheme reads the fans with the existing ones."""
    design = layered([3, 2])
    design.training.init = init
    gone = design.connections.pop()  # its source keeps one other output, its target two inputs
    ops = connect(design, [(gone.source, gone.target)], np.random.default_rng(4))
    apply_ops(design, ops)
    expected = initial_weights(init, np.array([3.0]), np.array([2.0]), np.random.default_rng(4))
    assert design.connections[-1].weight == pytest.approx(float(expected[0]), rel=1e-12)


def test_each_player_of_a_gan_keeps_the_links_within_its_group():
    design = nnsim.example("gan-line")
    own = {group: [layer.id for layer in design.layers if layer.group == group] for group in (GENERATOR, DISCRIMINATOR)}
    links = [Link(own[GENERATOR][0], own[GENERATOR][1]), Link(own[DISCRIMINATOR][0], own[DISCRIMINATOR][1])]
    design.links = links
    assert group_design(design, GENERATOR).links == [links[0]]
    assert group_design(design, DISCRIMINATOR).links == [links[1]]


def test_the_numbers_read_from_a_network_hold_its_trained_biases():
    """What the canvas's bias readouts and a saved design read after
    training: every dense neuron's bias from the network's bias arrays."""
    design = nnsim.example("xor-mlp")
    params = compile_design(design).network.parameters
    pmap = ParameterMap(design)
    for name in params:
        if name.endswith("/bias"):
            params[name][...] = np.arange(params[name].size) + 10.0 * len(name)
    numbers = pmap.read(params, all_numbers(design))
    for k, n in enumerate(design.neurons):
        where = pmap.bias(n.id)
        if design.layer(n.layer).kind == "input":
            assert where is None
        else:
            name, (col,) = where
            assert numbers.biases[k] == params[name][col]
    assert sorted({pmap.bias(n.id)[0] for n in design.neurons if pmap.bias(n.id)}) == sorted(
        name for name in params if name.endswith("/bias"))


def test_a_larger_kernel_gets_new_starting_kernels_of_its_size_and_the_bias_is_kept():
    design = nnsim.example("digits-cnn")
    conv = next(layer for layer in design.layers if layer.type == "conv")
    bias = np.array(conv.arrays["bias"].values)
    apply_ops(design, set_block(design, conv.id, np.random.default_rng(0), kernel=5))
    kernels = np.array(conv.arrays["kernel"].values)
    assert kernels.shape == (8, 1, 5, 5) and np.isfinite(kernels).all() and kernels.std() > 0
    assert np.array_equal(np.array(conv.arrays["bias"].values), bias)
    compile_design(design)  # the design computes with them


def test_a_kernel_too_large_without_padding_is_refused_with_the_way_out():
    design = nnsim.example("digits-cnn")
    conv = next(layer for layer in design.layers if layer.type == "conv")
    with pytest.raises(EditError) as refused:
        set_block(design, conv.id, np.random.default_rng(0), padding="valid", kernel=9)
    assert str(refused.value) == (
        "'conv': kernel 9 does not fit a 8-pixel-high input with padding 0 (padding \"same\" would keep the size)")


def test_a_block_s_name_and_activation_are_set_like_its_options():
    design = nnsim.example("digits-cnn")
    conv = next(layer for layer in design.layers if layer.type == "conv")
    apply_ops(design, set_block(design, conv.id, np.random.default_rng(0), name="edges", activation=Activation.TANH))
    assert (conv.name, conv.activation) == ("edges", Activation.TANH)


def test_a_neuron_added_to_a_fully_connected_layer_is_connected_like_its_siblings():
    design = nnsim.example("xor-mlp")
    hidden = design.layers[1]
    new_id, ops = add_neuron(design, hidden.id, 0.0, 0.0, np.random.default_rng(0))
    apply_ops(design, ops)
    assert len([c for c in design.connections if c.target == new_id]) == 2  # from both inputs
    assert len([c for c in design.connections if c.source == new_id]) == 1  # to the output
    new_input, ops = add_neuron(design, design.layers[0].id, 0.0, 0.0, np.random.default_rng(0))
    apply_ops(design, ops)
    assert design.neuron(new_input).bias == 0.0  # an input has no bias to speak of


def test_one_neuron_cannot_be_made_softmax_alone():
    design = nnsim.example("xor-mlp")
    hidden = design.layers[1]
    with pytest.raises(EditError) as refused:
        set_neuron(design, design.neurons_of(hidden.id)[0].id, activation=Activation.SOFTMAX)
    assert str(refused.value) == "layer 'hidden 1': softmax must be the activation of all its neurons"


def test_a_gan_s_players_stay_apart_and_are_named_after_the_design():
    design = nnsim.example("gan-line")
    assert group_design(design, GENERATOR).name == "GAN: a line (generator)"
    generator = [layer for layer in design.layers if layer.group == GENERATOR]
    discriminator = [layer for layer in design.layers if layer.group == DISCRIMINATOR]
    design.links.append(Link(generator[-1].id, discriminator[0].id))
    assert gan_problem(design) == "a link joins the generator to the discriminator: the two networks must stay apart"


def test_a_recurrent_block_after_an_image_asks_for_a_flatten():
    design = nnsim.example("digits-cnn")
    image = design.layers[0]
    lstm = add_block_to(design, "lstm", cells=2)
    link(design, image.id, lstm.id)
    assert layer_shapes(design).problems[lstm.id] == (
        "it reads a column of values at each time step, not an image: put a flatten before it")


def test_a_neuron_lands_where_it_was_dropped_and_a_layer_of_one_is_allowed():
    from nnsim.design.recipes import add_layer as add_layer_at

    design = nnsim.example("xor-mlp")
    new_id, ops = add_neuron(design, design.layers[1].id, 123.0, 45.0, np.random.default_rng(0))
    apply_ops(design, ops)
    assert (design.neuron(new_id).x, design.neuron(new_id).y) == (123.0, 45.0)
    layer_id, ops = add_layer_at(design, LayerKind.HIDDEN, 1, 300.0, 0.0)
    apply_ops(design, ops)
    assert len(design.neurons_of(layer_id)) == 1


def test_a_new_layer_moves_right_only_past_neurons_in_its_rows():
    from nnsim.design.placement import COLUMN_SPACING, ROW_SPACING, free_column

    below = [(0.0, -10 * ROW_SPACING)]  # far below a layer of two centred at y = 10 rows
    assert free_column(below, 0.0, 10 * ROW_SPACING, 2) == (0.0, 10 * ROW_SPACING)
    beside = [(0.0, 10 * ROW_SPACING)]
    assert free_column(beside, 0.0, 10 * ROW_SPACING, 2) == (COLUMN_SPACING, 10 * ROW_SPACING)


def test_a_gan_player_s_learning_rate_outside_its_range_stops_training_before_it_starts():
    from nnsim.session import Session

    design = nnsim.example("gan-line")
    design.gan.generator.learning_rate = 0.0
    with pytest.raises(ValueError) as refused:
        Session(design)
    assert str(refused.value) == "gan.generator.learning_rate: 0 must be greater than 0"


def test_a_data_file_name_with_a_nul_character_is_refused_by_its_field():
    from nnsim.io import FormatError, loads

    data = design_to_dict(nnsim.example("iris"))
    data["dataset"]["source"], data["dataset"]["path"] = "csv", "a\\u0000b.csv"
    with pytest.raises(FormatError) as refused:
        loads(json.dumps(data).replace("\\\\u0000", "\\u0000"))
    assert str(refused.value) == "<text>: dataset.path: contains a NUL character, which no file name can"
