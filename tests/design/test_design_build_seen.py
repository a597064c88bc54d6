"""Designs built in code as the canvas shows them: layer names, neuron
positions, input layers linear and without bias, starting numbers that leave
frozen connections alone, and a recurrent block's forget bias."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import (
    COLUMN_SPACING,
    ROW_SPACING,
    add_block,
    add_layer,
    connect_all,
    initialize,
    layered,
    link,
)
from nnsim.design.model import Activation, Design, Init, LayerKind


def test_layers_are_named_and_placed_in_columns():
    d = layered([2, 3, 3, 1])
    assert [layer.name for layer in d.layers] == ["input", "hidden 1", "hidden 2", "output"]
    for k, layer in enumerate(d.layers):
        ys = [n.y for n in d.neurons_of(layer.id)]
        assert all(n.x == k * COLUMN_SPACING for n in d.neurons_of(layer.id))
        assert ys == [ROW_SPACING * (i - (len(ys) - 1) / 2) for i in range(len(ys))]  # centred on 0
    assert add_layer(d, LayerKind.INPUT, 1).name == "input 2"
    assert add_layer(d, LayerKind.OUTPUT, 1).name == "output 2"
    assert add_layer(d, LayerKind.HIDDEN, 1).name == "hidden 3"
    assert add_layer(d, LayerKind.HIDDEN, 1, name="mine").name == "mine"


def test_a_freed_name_is_used_again():
    d = layered([2, 3, 1])
    d.layers[1].name = "renamed"
    assert add_layer(d, LayerKind.HIDDEN, 2).name == "hidden 1"
    d.layers[0].name = "x"
    assert add_layer(d, LayerKind.INPUT, 2).name == "input"


def test_input_layers_are_linear_without_bias_and_keep_it_through_initialize():
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 2, Activation.RELU, labels=["a", "b"])
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.SIGMOID)
    connect_all(d, i.id, o.id)
    assert i.activation == Activation.LINEAR and [n.label for n in d.neurons_of(i.id)] == ["a", "b"]
    initialize(d, np.random.default_rng(0), Init.UNIFORM)
    assert [n.bias for n in d.neurons_of(i.id)] == [0.0, 0.0]
    assert [n.bias for n in d.neurons_of(o.id)] == [0.1]


def test_initialize_leaves_frozen_connections_alone_and_repeats_with_the_seed():
    d = layered([2, 3, 1])
    d.connections[2].frozen, d.connections[2].weight = True, 0.75
    initialize(d, np.random.default_rng(4))
    first = [c.weight for c in d.connections]
    assert first[2] == 0.75 and len(set(first)) == len(first)
    initialize(d, np.random.default_rng(4))
    assert [c.weight for c in d.connections] == first


def test_connect_all_adds_only_the_pairs_missing_and_loops_with_a_delay():
    d = layered([2, 3, 1])
    h = d.layers[1]
    assert connect_all(d, d.layers[0].id, h.id) == []
    loops = connect_all(d, h.id, h.id, weight=0.5, delay=1)
    assert len(loops) == 9 and all(c.delay == 1 and c.weight == 0.5 for c in loops)
    assert loops == d.connections[-9:]


@pytest.mark.parametrize("forget_bias", [1.0, 2.5, -1.0])
def test_an_lstm_starts_with_its_forget_bias(forget_bias):
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 2)
    r = add_block(d, "lstm", cells=3, forget_bias=forget_bias)
    o = add_layer(d, LayerKind.OUTPUT, 1)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(0))
    assert r.name == "lstm"
    bias = r.arrays["bias"].values
    assert sorted(bias.tolist()).count(forget_bias) == 3  # the forget gate's three cells
    assert sum(1 for b in bias.tolist() if b != 0.0) == (3 if forget_bias else 0)


def test_a_layer_added_in_the_editor_without_an_activation_gets_tanh_and_an_input_linear():
    from nnsim.design import recipes
    from nnsim.design.edits import apply_ops

    d = Design()
    for kind, want in ((LayerKind.INPUT, Activation.LINEAR), (LayerKind.HIDDEN, Activation.TANH),
                       (LayerKind.OUTPUT, Activation.TANH)):
        lid, ops = recipes.add_layer(d, kind, 2, 0.0, 0.0)
        apply_ops(d, ops)
        assert d.layer(lid).activation == want, kind
    assert [layer.name for layer in d.layers] == ["input", "hidden 1", "output"]


def test_blocks_are_named_placed_and_activated_as_the_canvas_shows_them():
    d = layered([2, 1])
    image = add_block(d, "image", LayerKind.INPUT, activation=Activation.TANH)
    conv = add_block(d, "conv")
    pool = add_block(d, "maxpool", activation=Activation.SIGMOID, x=999.0)
    assert [image.name, conv.name, pool.name] == ["input 2", "conv", "maxpool"]
    assert [image.activation, conv.activation, pool.activation] == [Activation.LINEAR, Activation.RELU,
                                                                     Activation.SIGMOID]
    assert [image.x, conv.x, pool.x] == [2 * COLUMN_SPACING, 3 * COLUMN_SPACING, 999.0]


def test_connect_all_starts_every_new_connection_at_zero_unless_told():
    d = Design()
    a, b = add_layer(d, LayerKind.INPUT, 2), add_layer(d, LayerKind.OUTPUT, 2)
    assert [c.weight for c in connect_all(d, a.id, b.id)] == [0.0] * 4
    d.connections.clear()
    assert [c.weight for c in connect_all(d, a.id, b.id, weight=0.5)] == [0.5] * 4


def test_a_layered_design_is_untitled_until_named():
    assert layered([2, 1]).name == "Untitled"
    assert layered([2, 1], name="mine").name == "mine"


def test_initialize_follows_the_scheme_asked_for_over_the_design_s_own():
    """Playground's uniform scheme draws in ±0.5 with biases 0.1; He draws
    from a normal whose spread grows as the fan-in shrinks, biases 0."""
    d = layered([2, 40, 1])
    d.training.init = Init.HE
    initialize(d, np.random.default_rng(0), Init.UNIFORM)
    weights = np.array([c.weight for c in d.connections])
    assert np.abs(weights).max() <= 0.5 and np.abs(weights).max() > 0.45
    assert {n.bias for n in d.neurons if d.layer(n.layer).name != "input"} == {0.1}
    d.training.init = Init.UNIFORM
    initialize(d, np.random.default_rng(0), Init.HE)
    first = np.array([c.weight for c in d.connections[:80]])  # fan-in 2: spread 1
    assert np.abs(first).max() > 1.5
    assert {n.bias for n in d.neurons} == {0.0}


def test_a_convolutional_design_s_arrays_follow_the_scheme_asked_for_and_the_preview_leaves_it_alone():
    """``initial_numbers`` (Reset on a large design) gives what ``initialize``
    would, leaving the design as it is; both follow the scheme asked for
    (uniform: ±0.5, biases 0.1) over the design's own (He)."""
    import nnsim
    from nnsim.design.build import initial_numbers

    d = nnsim.example("shapes-cnn")
    assert d.training.init == Init.HE
    conv = next(layer for layer in d.layers if layer.type == "conv")
    link_before = np.array(d.links[-1].weights.values)
    kernel_before = np.array(conv.arrays["kernel"].values)
    _, b, arrays = initial_numbers(d, np.random.default_rng(0), Init.UNIFORM)
    assert np.array_equal(d.links[-1].weights.values, link_before)  # the design is left alone
    assert np.array_equal(conv.arrays["kernel"].values, kernel_before)
    assert np.abs(arrays[(conv.id, "kernel")]).max() <= 0.5 and np.all(arrays[(conv.id, "bias")] == 0.1)
    assert np.all(b[[d.layer(n.layer).kind != LayerKind.INPUT for n in d.neurons]] == 0.1)
    initialize(d, np.random.default_rng(0), Init.UNIFORM)
    assert np.array_equal(conv.arrays["kernel"].values, arrays[(conv.id, "kernel")])  # the same draws
    assert np.abs(d.links[-1].weights.values).max() <= 0.5 and np.all(conv.arrays["bias"].values == 0.1)


@pytest.mark.parametrize("init", [Init.HE, Init.XAVIER])
def test_a_convolution_s_kernels_start_with_the_spread_of_their_fan_in_and_fan_out(init):
    """He: normal with variance 2 / (channels·k²); Xavier (Glorot): uniform
    within √(6 / (channels·k² + filters·k²)); biases 0. Links into dense
    layers are drawn anew, frozen ones kept."""
    from nnsim.design.build import add_block, link

    d = Design()
    image = add_block(d, "image", LayerKind.INPUT, height=8, width=8, channels=3)
    conv = add_block(d, "conv", filters=40, kernel=3)
    flat = add_block(d, "flatten")
    out = add_layer(d, LayerKind.OUTPUT, 2)
    other = add_layer(d, LayerKind.OUTPUT, 2)
    link(d, image.id, conv.id)
    link(d, conv.id, flat.id)
    drawn, kept = link(d, flat.id, out.id), link(d, flat.id, other.id)
    initialize(d, np.random.default_rng(1), Init.UNIFORM)
    kept.frozen = True
    before_drawn, before_kept = np.array(drawn.weights.values), np.array(kept.weights.values)
    initialize(d, np.random.default_rng(2), init)
    kernel = np.asarray(conv.arrays["kernel"].values)
    assert kernel.shape == (40, 3, 3, 3) and np.all(np.asarray(conv.arrays["bias"].values) == 0.0)
    fan_in, fan_out = 3 * 9, 40 * 9
    if init == Init.HE:
        assert kernel.std() == pytest.approx(np.sqrt(2 / fan_in), rel=0.1)
    else:
        bound = np.sqrt(6 / (fan_in + fan_out))
        assert np.abs(kernel).max() <= bound and np.abs(kernel).max() > 0.95 * bound
    assert not np.array_equal(drawn.weights.values, before_drawn)
    assert np.array_equal(kept.weights.values, before_kept)


def test_every_recurrent_block_of_a_stack_gets_its_starting_numbers():
    """Two LSTMs one on the other, then a GRU: each block listed after the
    first is started too (its arrays fit its own input), not left empty."""
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 2)
    first = add_block(d, "lstm", cells=3)
    second = add_block(d, "lstm", cells=4)
    third = add_block(d, "gru", cells=2)
    o = add_layer(d, LayerKind.OUTPUT, 1)
    for a, b in ((i, first), (first, second), (second, third), (third, o)):
        link(d, a.id, b.id)
    initialize(d, np.random.default_rng(0))
    # An LSTM's weights: (inputs + cells) rows, four gates of the cells; a GRU's three.
    assert first.arrays["weight"].values.shape == (2 + 3, 4 * 3)
    assert second.arrays["weight"].values.shape == (3 + 4, 4 * 4)
    assert third.arrays["weight"].values.shape == (4 + 2, 3 * 2)
    for block in (first, second, third):
        assert np.any(block.arrays["weight"].values != 0.0)


def test_a_link_into_a_dense_layer_without_neurons_gets_no_weights_until_it_has_some():
    d = Design()
    image = add_block(d, "image", LayerKind.INPUT)
    conv = add_block(d, "conv")
    empty = add_layer(d, LayerKind.OUTPUT, 0)  # every neuron removed in the editor
    link(d, image.id, conv.id)
    into_empty = link(d, conv.id, empty.id)
    initialize(d, np.random.default_rng(0))
    assert into_empty.weights is None  # not an array with no columns
    out = add_layer(d, LayerKind.OUTPUT, 2)
    into_out = link(d, conv.id, out.id)
    initialize(d, np.random.default_rng(0))
    n_in = into_out.weights.values.shape[0]
    assert into_out.weights.values.shape == (n_in, 2) and n_in > 0 and into_empty.weights is None


def test_a_link_from_a_block_of_unknown_size_gets_no_weights_until_its_input_is_linked():
    d = Design()
    image = add_block(d, "image", LayerKind.INPUT)
    conv = add_block(d, "conv")  # its input not linked yet: its size is unknown
    out = add_layer(d, LayerKind.OUTPUT, 2)
    onward = link(d, conv.id, out.id)
    initialize(d, np.random.default_rng(0))
    assert onward.weights is None and conv.arrays == {}
    link(d, image.id, conv.id)
    initialize(d, np.random.default_rng(0))
    assert onward.weights.values.shape[1] == 2 and onward.weights.values.shape[0] > 0
