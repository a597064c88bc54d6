"""The editor's recipes as the canvas shows their result, exactly: which
layers, neurons (ids, places, biases) and connections (weights, delays)
an add, connect, remove or resize leaves; the words of each refusal; and
undo giving back the design it started from, field for field."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import nnsim
from nnsim.design.build import layered
from nnsim.design.edits import apply_ops, inverse_ops
from nnsim.design.model import Activation, Design, Init, Layer, LayerKind, Neuron
from nnsim.design.recipes import (
    EditError,
    add_layer,
    add_neuron,
    connect,
    connect_layers,
    new_weights,
    remove,
    resize_layer,
)
from nnsim.engine.init import initial_weights


def seen(design):
    """Everything of a design's network the canvas draws, as plain values."""
    return (
        [dataclasses.astuple(layer) for layer in design.layers],
        [dataclasses.astuple(n) for n in design.neurons],
        [dataclasses.astuple(c) for c in design.connections],
        [dataclasses.astuple(k) for k in design.links],
    )


def applied(design, ops):
    """Apply ``ops``, check that undo gives back the design before exactly,
    and apply them again (as redo does)."""
    before = seen(design)
    apply_ops(design, ops)
    after = seen(design)
    apply_ops(design, inverse_ops(ops))
    assert seen(design) == before
    apply_ops(design, ops)
    assert seen(design) == after
    return design


def small():
    """input 1 (neurons 2, 3), hidden 1 id 4 (5, 6, 7), output 8 (9)."""
    design = layered([2, 3, 1])
    for i, n in enumerate(design.neurons):
        n.bias = 0.0 if n.layer == 1 else 0.25 * (i + 1)
    for i, c in enumerate(design.connections):
        c.weight = 0.5 + i
    return design


# -- errors -------------------------------------------------------------------------------
def test_an_edit_error_is_one_line():
    assert str(EditError("a\nb")) == "a\\nb"
    assert str(EditError()) == ""


# -- adding layers ------------------------------------------------------------------------
def test_a_new_layer_is_a_column_of_fresh_neurons_with_the_scheme_s_bias():
    design = layered([2, 1])  # input 1 (2, 3), output 4 (5)
    lid, ops = add_layer(design, LayerKind.HIDDEN, 3, 200.0, 10.0)
    assert lid == 6
    applied(design, ops)
    assert design.layers[-1] == Layer(6, "hidden 1", LayerKind.HIDDEN, Activation.TANH)
    assert design.neurons[-3:] == [Neuron(7, 6, bias=0.1, x=200.0, y=-50.0), Neuron(8, 6, bias=0.1, x=200.0, y=10.0),
                                   Neuron(9, 6, bias=0.1, x=200.0, y=70.0)]


def test_a_new_layer_takes_the_given_name_and_activation_and_xavier_s_zero_bias():
    design = layered([2, 1])
    design.training.init = Init.XAVIER
    lid, ops = add_layer(design, LayerKind.OUTPUT, 1, 5.0, 6.0, Activation.RELU, "score")
    applied(design, ops)
    assert design.layers[-1] == Layer(lid, "score", LayerKind.OUTPUT, Activation.RELU)
    assert design.neurons[-1] == Neuron(lid + 1, lid, bias=0.0, x=5.0, y=6.0)


def test_a_new_input_layer_is_linear_without_bias_and_named_after_the_others():
    design = layered([2, 1])
    lid, ops = add_layer(design, LayerKind.INPUT, 1, 0.0, 300.0)
    applied(design, ops)
    assert design.layers[-1] == Layer(lid, "input 2", LayerKind.INPUT, Activation.LINEAR)
    assert design.neurons[-1].bias == 0.0


@pytest.mark.parametrize("size", [0, 10_001])
def test_a_layer_of_no_neuron_or_too_many_is_refused(size):
    design = layered([2, 1])
    with pytest.raises(EditError) as refused:
        add_layer(design, LayerKind.HIDDEN, size, 0.0, 0.0)
    assert str(refused.value) == f"a layer holds 1 to 10000 neurons, not {size}"


def test_layers_of_one_and_of_ten_thousand_neurons_are_allowed():
    design = layered([2, 1])
    assert len(add_layer(design, LayerKind.HIDDEN, 1, 0.0, 0.0)[1][1].items) == 1
    assert len(add_layer(design, LayerKind.HIDDEN, 10_000, 0.0, 0.0)[1][1].items) == 10_000


# -- starting weights -------------------------------------------------------------------------
def test_new_weights_count_the_fans_with_the_existing_and_the_new_connections():
    design = small()
    design.training.init = Init.XAVIER
    # 2 already feeds 3 neurons, 9 already has 3 inputs; 5 feeds 1 and has 2 inputs
    pairs = [(2, 9), (5, 9), (3, 5)]
    got = new_weights(design, np.random.default_rng(3), pairs)
    fan_in = np.array([5.0, 5.0, 3.0])  # 9: 3 + 2 new; 5: 2 + 1 new
    fan_out = np.array([4.0, 2.0, 4.0])  # 2: 3 + 1; 5: 1 + 1; 3: 3 + 1
    assert got == pytest.approx(initial_weights(Init.XAVIER, fan_in, fan_out, np.random.default_rng(3)).tolist(),
                                rel=1e-12)
    assert new_weights(design, np.random.default_rng(3), []) == []


def test_he_weights_read_the_fan_in_alone():
    design = small()
    design.training.init = Init.HE
    got = new_weights(design, np.random.default_rng(1), [(6, 5)])
    assert got == pytest.approx((np.random.default_rng(1).standard_normal(1) * np.sqrt(2.0 / 3.0)).tolist())


# -- adding neurons ---------------------------------------------------------------------------
def test_a_neuron_added_to_a_hidden_layer_copies_the_last_bias_and_joins_the_full_partners():
    design = small()
    design.training.init = Init.XAVIER
    nid, ops = add_neuron(design, 4, 160.0, 120.0, np.random.default_rng(7))
    assert nid == 10
    applied(design, ops)
    assert design.neurons[-1] == Neuron(10, 4, bias=design.neuron(7).bias, x=160.0, y=120.0)
    new = design.connections[9:]
    assert [(c.source, c.target, c.delay, c.frozen) for c in new] == [(2, 10, 0, False), (3, 10, 0, False),
                                                                      (10, 9, 0, False)]
    # into 10: 2 inputs; out of 2 and 3: 4 each; into 9: 4; out of 10: 1
    expected = initial_weights(Init.XAVIER, np.array([2.0, 2.0, 4.0]), np.array([4.0, 4.0, 1.0]),
                               np.random.default_rng(7))
    assert [c.weight for c in new] == pytest.approx(expected.tolist(), rel=1e-12)


def test_a_neuron_added_to_an_input_layer_has_no_bias_and_feeds_the_layer_after():
    design = small()
    design.neuron(3).bias = 0.7  # even when a sibling has one
    nid, ops = add_neuron(design, 1, 0.0, 90.0, np.random.default_rng(0))
    applied(design, ops)
    assert design.neuron(nid).bias == 0.0
    assert [(c.source, c.target) for c in design.connections[9:]] == [(nid, 5), (nid, 6), (nid, 7)]


def test_a_neuron_added_to_a_partly_connected_layer_gets_no_connection():
    design = small()
    design.connections = [c for c in design.connections if (c.source, c.target) != (3, 5)]
    nid, ops = add_neuron(design, 4, 160.0, 120.0, np.random.default_rng(0))
    applied(design, ops)
    # hidden to output is still full: the new neuron feeds the output; nothing from the inputs
    assert [(c.source, c.target) for c in design.connections[8:]] == [(nid, 9)]


def test_a_neuron_added_to_a_layer_of_one_is_not_fed_by_the_layer_of_one_it_feeds():
    design = layered([2, 1, 1])  # input 1 (2, 3), hidden 4 (5), output 6 (7)
    nid, ops = add_neuron(design, 4, 160.0, 60.0, np.random.default_rng(0))
    applied(design, ops)
    assert [(c.source, c.target) for c in design.connections[3:]] == [(2, nid), (3, nid), (nid, 7)]


def test_a_neuron_added_to_a_layer_fully_connected_both_ways_around_it():
    design = small()
    nid, ops = add_neuron(design, 8, 320.0, 60.0, np.random.default_rng(0))
    applied(design, ops)
    assert design.neuron(nid) == Neuron(nid, 8, bias=design.neuron(9).bias, x=320.0, y=60.0)
    assert [(c.source, c.target) for c in design.connections[9:]] == [(5, nid), (6, nid), (7, nid)]


def test_a_neuron_added_to_an_emptied_layer_starts_at_bias_zero():
    design = small()
    design.neurons = [n for n in design.neurons if n.layer != 8]
    design.connections = [c for c in design.connections if c.target != 9]
    nid, ops = add_neuron(design, 8, 320.0, 0.0, np.random.default_rng(0))
    applied(design, ops)
    assert design.neuron(nid).bias == 0.0
    assert len(design.connections) == 6


def test_a_full_layer_takes_no_more_neurons():
    design = layered([10_000, 1])
    design.connections = design.connections[:1]
    with pytest.raises(EditError) as refused:
        add_neuron(design, 1, 0.0, 0.0, np.random.default_rng(0))
    assert str(refused.value) == "layer 'input' already holds 10000 neurons"


def wide():
    """5,000 inputs (ids 2 to 5001) joined to an output layer (id 5002) of 2,000 neurons by one connection:
    a matrix of exactly the budget, 10,000,000 entries."""
    design = layered([5_000, 1])
    design.connections = design.connections[:1]
    design.neurons.extend(Neuron(5004 + i, 5002) for i in range(1_999))
    return design


BUDGET = ("the joined layers need weight matrices of {total:,} entries in all, more than nnsim's budget of "
          "10,000,000 (each pair of joined layers costs size × size, however few connections join them; "
          "the largest: {names}, {rows:,} × {columns:,}): join smaller layers or split the big ones")


def test_a_neuron_that_would_pass_the_matrix_budget_is_refused():
    design = wide()
    with pytest.raises(EditError) as refused:
        add_neuron(design, 5002, 0.0, 0.0, np.random.default_rng(0))
    assert str(refused.value) == BUDGET.format(total=10_005_000, names="input → output", rows=5_000,
                                              columns=2_001)
    design.neurons.pop()  # one fewer: the new one fits exactly
    nid, ops = add_neuron(design, 5002, 0.0, 0.0, np.random.default_rng(0))
    assert nid == 7002


# -- connecting ---------------------------------------------------------------------------------
def two_hidden():
    """input 1 (2, 3), hidden 1 id 4 (5, 6), hidden 2 id 7 (8, 9), output 10 (11); only input → hidden 1."""
    design = layered([2, 2, 2, 1])
    design.connections = [c for c in design.connections if c.target in (5, 6)]
    return design


def test_connecting_pairs_adds_them_once_in_order_with_drawn_weights():
    design = two_hidden()
    design.training.init = Init.XAVIER
    ops = connect(design, [(5, 8), (6, 9), (5, 8), (8, 11)], np.random.default_rng(2))
    applied(design, ops)
    new = design.connections[4:]
    assert [(c.source, c.target, c.delay) for c in new] == [(5, 8, 0), (6, 9, 0), (8, 11, 0)]
    expected = initial_weights(Init.XAVIER, np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0]),
                               np.random.default_rng(2))
    assert [c.weight for c in new] == pytest.approx(expected.tolist(), rel=1e-12)


def test_a_pair_closing_a_cycle_with_another_of_the_same_edit_is_refused():
    design = two_hidden()
    before = seen(design)
    with pytest.raises(EditError) as refused:
        connect(design, [(5, 8), (9, 6)], np.random.default_rng(0))
    assert "cycle" in str(refused.value) or "loop" in str(refused.value)
    assert seen(design) == before


def test_recurrent_pairs_may_close_a_loop_and_carry_their_delay():
    design = two_hidden()
    ops = connect(design, [(5, 8), (9, 6), (8, 8)], np.random.default_rng(0), delay=1)
    applied(design, ops)
    assert [(c.source, c.target, c.delay) for c in design.connections[4:]] == [(5, 8, 1), (9, 6, 1), (8, 8, 1)]


def test_an_existing_pair_after_a_new_pair_between_the_same_layers_is_still_refused():
    design = two_hidden()
    with pytest.raises(EditError) as refused:
        connect(design, [(3, 5), (2, 5)], np.random.default_rng(0))  # 3 → 5 is new? no: all four exist
    assert str(refused.value) == "input neuron 2 → hidden 1 neuron 1 is already connected"
    design.connections = [c for c in design.connections if (c.source, c.target) != (3, 5)]
    with pytest.raises(EditError) as refused:
        connect(design, [(3, 5), (2, 5)], np.random.default_rng(0))
    assert str(refused.value) == "input neuron 1 → hidden 1 neuron 1 is already connected"


def test_two_neurons_of_one_layer_joined_in_the_same_step_are_refused():
    design = two_hidden()
    with pytest.raises(EditError) as refused:
        connect(design, [(8, 9)], np.random.default_rng(0))
    assert str(refused.value) == ("connection hidden 2 neuron 1 → hidden 2 neuron 2 joins two neurons of layer "
                                  "'hidden 2' in the same time step (a recurrent connection, with a delay, can)")


@pytest.mark.parametrize("pairs, message", [
    ([(5, 8), (11, 8)], "connection output neuron 1 → hidden 2 neuron 1 starts at an output neuron, which feeds "
                        "nothing in the same time step (a recurrent connection, with a delay, can)"),
    ([(5, 8), (5, 2)], "connection hidden 1 neuron 1 → input neuron 1 ends at an input neuron, which only reads "
                       "the data"),
])
def test_a_pair_is_checked_on_its_own_layers_after_another_into_or_out_of_one_of_them(pairs, message):
    with pytest.raises(EditError) as refused:
        connect(two_hidden(), pairs, np.random.default_rng(0))
    assert str(refused.value) == message


def test_skipping_existing_pairs_adds_only_the_new_ones():
    design = two_hidden()
    ops = connect(design, [(2, 5), (5, 8), (3, 6), (5, 8)], np.random.default_rng(0), skip_existing=True)
    applied(design, ops)
    assert [(c.source, c.target) for c in design.connections[4:]] == [(5, 8)]
    assert connect(design, [(2, 5)], np.random.default_rng(0), skip_existing=True) == []
    assert connect(design, [], np.random.default_rng(0)) == []


def test_connecting_a_neuron_that_is_not_there_is_refused_by_name():
    design = two_hidden()
    with pytest.raises(EditError) as refused:
        connect(design, [(5, 8), (2, 99)], np.random.default_rng(0))
    assert str(refused.value) == "connection 2 → 99: no neuron 99"


def test_connecting_layers_adds_only_the_missing_pairs():
    design = two_hidden()
    design.connections = design.connections[1:]  # 2 → 5 gone
    ops = connect_layers(design, 1, 4, np.random.default_rng(0))
    applied(design, ops)
    assert [(c.source, c.target, c.delay) for c in design.connections] == [(2, 6, 0), (3, 5, 0), (3, 6, 0), (2, 5, 0)]


def test_connecting_layers_fully_connected_already_is_refused_by_their_names():
    design = two_hidden()
    with pytest.raises(EditError) as refused:
        connect_layers(design, 1, 4, np.random.default_rng(0))
    assert str(refused.value) == "'input' and 'hidden 1' are already fully connected"


def test_a_layer_connected_onto_itself_recurrently():
    design = two_hidden()
    ops = connect_layers(design, 7, 7, np.random.default_rng(0), delay=1)
    applied(design, ops)
    assert [(c.source, c.target, c.delay) for c in design.connections[4:]] == [
        (8, 8, 1), (8, 9, 1), (9, 8, 1), (9, 9, 1)]


# -- removing -------------------------------------------------------------------------------------
def test_removing_a_neuron_takes_its_connections_and_leaves_its_layer():
    design = small()
    applied(design, remove(design, neurons=[6]))
    assert [n.id for n in design.neurons] == [2, 3, 5, 7, 9]
    assert [(c.source, c.target) for c in design.connections] == [(2, 5), (2, 7), (3, 5), (3, 7), (5, 9), (7, 9)]
    assert [layer.id for layer in design.layers] == [1, 4, 8]


def test_removing_every_neuron_of_a_layer_removes_the_layer():
    design = small()
    applied(design, remove(design, neurons=[5, 6, 7, 2]))
    assert [layer.id for layer in design.layers] == [1, 8]
    assert [n.id for n in design.neurons] == [3, 9]
    assert design.connections == []


def test_removing_a_layer_takes_its_neurons_and_connections():
    design = small()
    applied(design, remove(design, layers=[8]))
    assert [layer.id for layer in design.layers] == [1, 4]
    assert [n.id for n in design.neurons] == [2, 3, 5, 6, 7]
    assert len(design.connections) == 6


def test_removing_single_connections_leaves_the_neurons():
    design = small()
    applied(design, remove(design, connections=[(2, 6), [7, 9], (9, 2)]))
    assert [(c.source, c.target) for c in design.connections] == [(2, 5), (2, 7), (3, 5), (3, 6), (3, 7), (5, 9),
                                                                  (6, 9)]
    assert len(design.neurons) == 6
    assert remove(design) == []


def test_removing_a_block_takes_its_links_and_a_link_can_go_alone():
    design = nnsim.example("digits-cnn")
    applied(design, remove(design, layers=[3]))
    assert [layer.id for layer in design.layers] == [1, 2, 4, 5]
    assert [(k.source, k.target) for k in design.links] == [(1, 2), (4, 5)]
    design = nnsim.example("digits-cnn")
    applied(design, remove(design, connections=[(2, 3)]))
    assert [(k.source, k.target) for k in design.links] == [(1, 2), (3, 4), (4, 5)]
    assert len(design.layers) == 5
    design = nnsim.example("digits-cnn")
    applied(design, remove(design, layers=[5]))
    assert [(k.source, k.target) for k in design.links] == [(1, 2), (2, 3), (3, 4)]
    assert design.neurons == []


# -- resizing -------------------------------------------------------------------------------------
def test_a_grown_layer_s_new_neurons_go_below_the_last_and_are_connected_like_it():
    design = small()
    design.training.init = Init.XAVIER
    ops = resize_layer(design, 4, 5, np.random.default_rng(4))
    applied(design, ops)
    last = small().neuron(7)
    assert design.neurons[-2:] == [Neuron(10, 4, bias=last.bias, x=last.x, y=last.y + 60.0),
                                   Neuron(11, 4, bias=last.bias, x=last.x, y=last.y + 120.0)]
    assert [(c.source, c.target) for c in design.connections[9:]] == [(2, 10), (3, 10), (10, 9), (2, 11), (3, 11),
                                                                      (11, 9)]
    rng = np.random.default_rng(4)
    first = initial_weights(Init.XAVIER, np.array([2.0, 2.0, 4.0]), np.array([4.0, 4.0, 1.0]), rng)
    second = initial_weights(Init.XAVIER, np.array([2.0, 2.0, 5.0]), np.array([5.0, 5.0, 1.0]), rng)
    assert [c.weight for c in design.connections[9:]] == pytest.approx([*first, *second], rel=1e-12)


def test_a_shrunk_layer_loses_its_last_neurons_and_the_same_size_changes_nothing():
    design = small()
    applied(design, resize_layer(design, 4, 1, np.random.default_rng(0)))
    assert [n.id for n in design.neurons] == [2, 3, 5, 9]
    assert [(c.source, c.target) for c in design.connections] == [(2, 5), (3, 5), (5, 9)]
    assert resize_layer(small(), 4, 3, np.random.default_rng(0)) == []
    design = Design(layers=[Layer(1, "big", LayerKind.INPUT)], neurons=[Neuron(2 + i, 1) for i in range(10_000)])
    assert resize_layer(design, 1, 10_000, np.random.default_rng(0)) == []  # the largest size is allowed


@pytest.mark.parametrize("size", [0, 10_001])
def test_a_layer_resized_out_of_range_is_refused(size):
    with pytest.raises(EditError) as refused:
        resize_layer(small(), 4, size, np.random.default_rng(0))
    assert str(refused.value) == f"layer 'hidden 1' can hold 1 to 10000 neurons, not {size}"


def test_a_block_or_an_empty_layer_cannot_be_resized():
    design = nnsim.example("digits-cnn")
    with pytest.raises(EditError) as refused:
        resize_layer(design, 2, 3, np.random.default_rng(0))
    assert str(refused.value) == "layer 'conv' (Convolution) takes its size from its settings"
    design.layers.append(Layer(50, "spare", LayerKind.HIDDEN))
    with pytest.raises(EditError) as refused:
        resize_layer(design, 50, 3, np.random.default_rng(0))
    assert str(refused.value) == "layer 'spare' has no neuron to place new ones below: add one first"
    design.layers.append(Layer(51, "odd", LayerKind.HIDDEN, type="unknown"))
    with pytest.raises(EditError) as refused:
        resize_layer(design, 51, 3, np.random.default_rng(0))
    assert str(refused.value) == "layer 'odd' has no neuron to place new ones below: add one first"


def test_growing_past_the_matrix_budget_is_refused():
    design = wide()
    design.neurons.pop()
    with pytest.raises(EditError) as refused:
        resize_layer(design, 5002, 2_001, np.random.default_rng(0))
    assert str(refused.value) == BUDGET.format(total=10_005_000, names="input → output", rows=5_000,
                                              columns=2_001)
