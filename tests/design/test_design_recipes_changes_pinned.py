"""The editor's changing, copying and tidying recipes as the canvas shows
their result, exactly: a neuron's or layer's new settings and the refusals'
words; all numbers set at once; a copied fragment and what pasting it
makes (names, groups, places, weights, links); tidy columns; and undo giving
back the design before, field for field."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_design_recipes_pinned import applied, seen, small

import nnsim
from nnsim.design.build import layered, link
from nnsim.design.edits import SetField, apply_ops
from nnsim.design.model import Activation, ArrayValue, Connection, Design, Layer, LayerKind, Link, Neuron
from nnsim.design.parameters import link_key
from nnsim.design.recipes import (
    EditError,
    arrange,
    fragment,
    move,
    paste,
    refuse_if_invalid,
    set_connection,
    set_layer,
    set_neuron,
    set_numbers,
)


# -- moving -------------------------------------------------------------------------------
def test_moved_neurons_land_where_dropped_and_unmoved_ones_make_no_step():
    design = small()
    ops = move(design, {5: (10, 20.5), 9: (320.0, 0.0)})  # 9 is already there
    assert ops == [SetField(("neuron", 5), "x", 160.0, 10.0), SetField(("neuron", 5), "y", -60.0, 20.5)]
    assert isinstance(ops[0].new, float)
    applied(design, ops)
    assert (design.neuron(5).x, design.neuron(5).y) == (10.0, 20.5)


# -- a neuron's settings -------------------------------------------------------------------------
def test_a_neuron_s_settings_are_set_and_undone():
    design = small()
    ops = set_neuron(design, 6, label="gate", bias=-1.5, activation=Activation.RELU, threshold=0.5)
    applied(design, ops)
    assert design.neuron(6) == Neuron(6, 4, "gate", -1.5, Activation.RELU, 0.5, 160.0, 0.0)


def test_one_neuron_cannot_leave_or_join_a_softmax_layer_alone():
    design = small()
    with pytest.raises(EditError) as refused:
        set_neuron(design, 9 - 3, activation=Activation.SOFTMAX)
    assert str(refused.value) == "layer 'hidden 1': softmax must be the activation of all its neurons"
    design.layer(8).activation = Activation.SOFTMAX
    assert set_neuron(design, 9, activation=Activation.SOFTMAX) == [
        SetField(("neuron", 9), "activation", None, Activation.SOFTMAX)]
    design.layer(4).activation = Activation.SOFTMAX
    with pytest.raises(EditError) as refused:
        set_neuron(design, 5, activation="relu")
    assert str(refused.value) == "layer 'hidden 1': softmax must be the activation of all its neurons"
    # back to the layer's softmax while its siblings keep tanh of their own: refused
    design.neuron(5).activation = Activation.RELU
    design.neuron(6).activation = design.neuron(7).activation = Activation.TANH
    with pytest.raises(EditError):
        set_neuron(design, 5, activation=None)
    design.neuron(6).activation = design.neuron(7).activation = None
    assert set_neuron(design, 5, activation=None) == [SetField(("neuron", 5), "activation", Activation.RELU, None)]


# -- a layer's settings ------------------------------------------------------------------------------
def test_a_layer_s_name_is_set_alone():
    design = small()
    design.neuron(5).activation = Activation.RELU
    ops = set_layer(design, 4, name="features")
    assert ops == [SetField(("layer", 4), "name", "hidden 1", "features")]
    applied(design, ops)
    assert design.neuron(5).activation == Activation.RELU


def test_a_layer_s_activation_clears_its_neurons_own_choices():
    design = small()
    design.neuron(5).activation = Activation.RELU
    design.neuron(7).activation = Activation.SIGMOID
    ops = set_layer(design, 4, activation=Activation.RELU)
    assert ops == [SetField(("layer", 4), "activation", Activation.TANH, Activation.RELU),
                   SetField(("neuron", 5), "activation", Activation.RELU, None),
                   SetField(("neuron", 7), "activation", Activation.SIGMOID, None)]
    applied(design, ops)
    assert [n.activation for n in design.neurons_of(4)] == [None, None, None]


@pytest.mark.parametrize("layer_id, kind, message", [
    (1, LayerKind.OUTPUT, "connection input neuron 1 → hidden 1 neuron 1 starts at an output neuron, which feeds "
                          "nothing in the same time step (a recurrent connection, with a delay, can)"),
    (8, LayerKind.INPUT, "connection hidden 1 neuron 1 → output neuron 1 ends at an input neuron, which only reads "
                         "the data"),
])
def test_a_layer_s_kind_that_breaks_the_design_is_refused_and_changes_nothing(layer_id, kind, message):
    design = small()
    before = seen(design)
    with pytest.raises(EditError) as refused:
        set_layer(design, layer_id, kind=kind)
    assert str(refused.value) == message
    assert seen(design) == before


def test_a_layer_s_kind_that_keeps_the_rules_is_set_and_the_same_kind_is_no_step():
    design = layered([2, 1])
    design.connections = []
    ops = set_layer(design, 4, kind=LayerKind.HIDDEN)
    assert ops == [SetField(("layer", 4), "kind", LayerKind.OUTPUT, LayerKind.HIDDEN)]
    assert set_layer(small(), 1, kind=LayerKind.INPUT) == []


def test_a_layer_of_a_design_broken_already_can_still_be_renamed():
    design = small()
    design.neuron(9).layer = 99
    assert set_layer(design, 4, name="h") == [SetField(("layer", 4), "name", "hidden 1", "h")]


def test_refusing_an_invalid_result_leaves_the_design_and_lets_a_valid_one_pass():
    design = small()
    before = seen(design)
    with pytest.raises(EditError) as refused:
        refuse_if_invalid(design, [SetField(("neuron", 5), "layer", 4, 99)])
    assert str(refused.value) == "neuron 5 is in layer 99, which does not exist"
    assert seen(design) == before
    assert refuse_if_invalid(design, [SetField(("neuron", 5), "bias", 0.75, 1.0)]) is None
    assert seen(design) == before


# -- a connection's settings ---------------------------------------------------------------------------
def test_a_connection_s_weight_and_freezing_are_set_and_a_missing_one_is_named():
    design = small()
    ops = set_connection(design, [2, 6], weight=-2.0, frozen=True)
    assert ops == [SetField(("connection", (2, 6)), "weight", 1.5, -2.0),
                   SetField(("connection", (2, 6)), "frozen", False, True)]
    applied(design, ops)
    with pytest.raises(EditError) as refused:
        set_connection(design, (9, 2), weight=1.0)
    assert str(refused.value) == "there is no connection 9 → 2"


# -- all numbers ----------------------------------------------------------------------------------------
def test_all_weights_and_biases_are_set_at_once_and_undone():
    design = small()
    (op,) = set_numbers(design, list(range(9)), [1, 2, 3, 4, 5, 6])  # ints stored as floats
    applied(design, [op])
    assert [c.weight for c in design.connections] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    assert [n.bias for n in design.neurons] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert all(isinstance(x, float) for x in [*(c.weight for c in design.connections), *(n.bias for n in design.neurons)])
    weights, biases = np.arange(9.0) / 4, np.arange(6.0)
    (op,) = set_numbers(design, weights, biases)
    weights[0] = biases[0] = 99.0  # the step keeps its own copies
    apply_ops(design, [op])
    assert (design.connections[0].weight, design.neurons[0].bias) == (0.0, 0.0)


@pytest.mark.parametrize("weights, biases, message", [
    (np.zeros(8), np.zeros(6), "the numbers do not fit the design (it changed)"),
    (np.zeros(9), np.zeros(7), "the numbers do not fit the design (it changed)"),
    (np.full(9, np.nan), np.zeros(6), "refusing to store weights that are not finite numbers"),
    (np.zeros(9), np.full(6, np.inf), "refusing to store weights that are not finite numbers"),
])
def test_numbers_that_do_not_fit_or_are_not_finite_are_refused(weights, biases, message):
    with pytest.raises(EditError) as refused:
        set_numbers(small(), weights, biases)
    assert str(refused.value) == message


def test_a_layer_s_arrays_and_a_link_s_weights_are_set_with_the_rest_only_where_they_changed():
    design = nnsim.example("digits-cnn")
    conv = design.layer(2)
    kernel = conv.arrays["kernel"]
    into_output = design.links[3]
    w, b = np.zeros(0), np.array([n.bias for n in design.neurons])
    new_kernel = kernel.values + 1.0
    new_link = into_output.weights.values * 2.0
    arrays = {(2, "kernel"): new_kernel, (2, "bias"): conv.arrays["bias"],
              link_key(4, 5): ArrayValue(new_link)}
    (op,) = set_numbers(design, w, b, arrays)
    assert set(op.new_arrays) == {(2, "kernel"), link_key(4, 5)}
    assert op.old_arrays == {(2, "kernel"): kernel, link_key(4, 5): into_output.weights}
    applied(design, [op])
    assert np.array_equal(design.layer(2).arrays["kernel"].values, new_kernel)
    assert np.array_equal(design.links[3].weights.values, new_link)


@pytest.mark.parametrize("key, values, message", [
    ((2, "kernel"), np.zeros((8, 1, 2, 2)), "the numbers do not fit the design (it changed)"),
    ((2, "gates"), np.zeros(3), "the numbers do not fit the design (it changed)"),
    ((77, "kernel"), np.zeros(3), "the numbers do not fit the design (it changed)"),
    (("link", 1, 5), np.zeros(3), "the numbers do not fit the design (it changed)"),
    ((2, "bias"), np.full(8, np.nan), "refusing to store weights that are not finite numbers"),
])
def test_arrays_that_do_not_fit_or_are_not_finite_are_refused(key, values, message):
    design = nnsim.example("digits-cnn")
    b = np.array([n.bias for n in design.neurons])
    with pytest.raises(EditError) as refused:
        set_numbers(design, np.zeros(0), b, {key: values})
    assert str(refused.value) == message


# -- copy and paste ---------------------------------------------------------------------------------------
def test_a_fragment_holds_the_chosen_neurons_their_layers_and_the_connections_among_them():
    design = small()
    design.neuron(5).label = "a"
    frag = fragment(design, [6, 9, 5])
    assert [layer.id for layer in frag["layers"]] == [4, 8]
    assert [n.id for n in frag["neurons"]] == [5, 6, 9]
    assert [(c.source, c.target, c.weight) for c in frag["connections"]] == [(5, 9, 6.5), (6, 9, 7.5)]
    assert frag["blocks"] == [] and frag["links"] == []
    frag["neurons"][0].label = "changed"
    frag["layers"][0].name = "changed"
    frag["layers"][0].options["x"] = 1
    assert design.layer(4).options == {}
    frag["connections"][0].weight = 0.0
    assert (design.neuron(5).label, design.layer(4).name, design.connections[6].weight) == ("a", "hidden 1", 6.5)


def test_a_fragment_holds_blocks_asked_for_and_links_among_whole_layers_only():
    design = nnsim.example("digits-cnn")
    some = [n.id for n in design.neurons_of(5)][:3]
    frag = fragment(design, some, [4, 3, 5])  # 5 is drawn with neurons, not a block
    assert [b.id for b in frag["blocks"]] == [3, 4]
    assert [(k.source, k.target) for k in frag["links"]] == [(3, 4)]
    frag = fragment(design, [n.id for n in design.neurons_of(5)], [4])
    assert [(k.source, k.target) for k in frag["links"]] == [(4, 5)]
    assert frag["links"][0].weights == design.links[3].weights
    frag["blocks"][0].options["x"] = 1
    assert "x" not in design.layer(4).options


def test_pasted_neurons_get_new_layers_named_as_copies_with_every_setting_moved_by_the_offset():
    design = small()
    design.layer(4).group = "g"
    n5 = design.neuron(5)
    n5.label, n5.activation, n5.threshold = "a", Activation.RELU, 0.5
    design.connections[6].frozen = True
    frag = fragment(design, [5, 6, 9])
    ids, ops = paste(design, frag, 10.0, -5.0)
    assert ids == [12, 13, 14]
    applied(design, ops)
    assert design.layers[3:] == [Layer(10, "hidden 1 copy", LayerKind.HIDDEN, Activation.TANH, group="g"),
                                 Layer(11, "output copy", LayerKind.OUTPUT, Activation.TANH)]
    assert design.neurons[6:] == [Neuron(12, 10, "a", n5.bias, Activation.RELU, 0.5, 170.0, -65.0),
                                  Neuron(13, 10, "", design.neuron(6).bias, None, 0.0, 170.0, -5.0),
                                  Neuron(14, 11, "", design.neuron(9).bias, None, 0.0, 330.0, -5.0)]
    assert [dataclasses.astuple(c) for c in design.connections[9:]] == [(12, 14, 6.5, True, 0), (13, 14, 7.5, False, 0)]
    # pasted again: the names go on with primes
    ids, ops = paste(design, frag, 0.0, 0.0)
    apply_ops(design, ops)
    assert [layer.name for layer in design.layers[5:]] == ["hidden 1 copy'", "output copy'"]
    ids, ops = paste(design, frag, 0.0, 0.0)
    apply_ops(design, ops)
    assert [layer.name for layer in design.layers[7:]] == ["hidden 1 copy''", "output copy''"]


def test_a_pasted_connection_from_a_neuron_not_copied_is_left_out():
    design = small()
    frag = fragment(design, [2, 3, 5, 6, 7, 9])
    frag["neurons"] = [n for n in frag["neurons"] if n.id != 2]
    ids, ops = paste(design, frag, 0.0, 0.0)
    applied(design, ops)
    assert len(design.connections) == 9 + 6


def test_pasting_nothing_makes_no_step():
    design = small()
    assert paste(design, fragment(design, []), 1.0, 1.0) == ([], [])
    assert paste(design, {"layers": [], "neurons": [], "connections": []}, 1.0, 1.0) == ([], [])


def test_pasted_blocks_with_neurons_keep_their_links_and_report_their_new_ids():
    design = nnsim.example("digits-cnn")
    design.layers = design.layers[:5]
    frag = fragment(design, [n.id for n in design.neurons_of(5)], [4])
    made = []
    ids, ops = paste(design, frag, 5.0, 7.0, blocks_out=made)
    first = design.next_id()
    assert made == [first + 1]
    assert ids == list(range(first + 2, first + 12))
    applied(design, ops)
    flat = design.layer(made[0])
    assert (flat.name, flat.type, flat.kind, flat.x, flat.y) == ("flatten copy", "flatten", LayerKind.HIDDEN, 695.0,
                                                                  7.0)
    out = design.layer(first)
    assert (out.name, out.type, out.kind) == ("output copy", "dense", LayerKind.OUTPUT)
    assert [(k.source, k.target) for k in design.links[4:]] == [(made[0], first)]
    assert design.links[4].weights == design.links[3].weights


def test_a_pasted_block_that_breaks_the_rules_is_refused():
    design = nnsim.example("digits-cnn")
    frag = fragment(design, [], [2, 3])
    frag["links"].append(Link(2, 3))  # two links into the copied pool
    with pytest.raises(EditError) as refused:
        paste(design, frag, 0.0, 0.0)
    assert "conv copy" in str(refused.value) or "max pool copy" in str(refused.value)


# -- tidying -----------------------------------------------------------------------------------------------
def test_tidying_puts_each_layer_one_column_right_of_the_deepest_feeding_it():
    design = small()
    for n in design.neurons:
        n.x, n.y = 999.0, 999.0
    applied(design, arrange(design, 10.0, 20.0))
    assert [(n.x, n.y) for n in design.neurons] == [(10.0, -10.0), (10.0, 50.0), (170.0, -40.0), (170.0, 20.0),
                                                    (170.0, 80.0), (330.0, 20.0)]
    assert arrange(design, 10.0, 20.0) == []


def test_tidying_puts_outputs_last_and_side_by_side_layers_of_one_depth():
    design = layered([1, 1])
    design.connections = []
    # an unconnected output still goes one column right of the inputs
    apply_ops(design, arrange(design))
    assert [(n.x, n.y) for n in design.neurons] == [(0.0, 0.0), (160.0, 0.0)]
    design = layered([1, 1, 1, 1])  # input 1 (2), hidden 3 (4), hidden 5 (6), output 7 (8)
    design.connections = [c for c in design.connections if c.source != 4]  # 1 → 3, 5 → 7: 5 beside 1
    apply_ops(design, arrange(design))
    assert [(n.x, n.y) for n in design.neurons] == [(0.0, 0.0), (320.0, 0.0), (160.0, 0.0), (480.0, 0.0)]
    design.connections = []
    apply_ops(design, arrange(design))
    assert [(n.x, n.y) for n in design.neurons] == [(0.0, 0.0), (160.0, 0.0), (320.0, 0.0), (480.0, 0.0)]


def tidied(kinds, joined=()):
    """Layers of one neuron each (layer 2i+1, neuron 2i+2) of these kinds, in this order, the
    given layer pairs joined: each neuron's x after tidying."""
    design = Design(layers=[Layer(2 * i + 1, str(i), kind) for i, kind in enumerate(kinds)],
                    neurons=[Neuron(2 * i + 2, 2 * i + 1, x=999.0) for i in range(len(kinds))],
                    connections=[Connection(s + 1, t + 1) for s, t in joined])
    apply_ops(design, arrange(design))
    return [n.x for n in design.neurons]


def test_tidying_puts_an_unfed_output_after_the_inputs_or_beside_the_first_layers_without_inputs():
    input_, hidden, output = LayerKind.INPUT, LayerKind.HIDDEN, LayerKind.OUTPUT
    assert tidied([output, input_]) == [160.0, 0.0]
    assert tidied([output, hidden]) == [0.0, 160.0]
    assert tidied([output, output]) == [0.0, 160.0]
    assert tidied([input_, output, hidden], joined=[(1, 5)]) == [0.0, 160.0, 320.0]


def test_tidying_gives_an_emptied_layer_of_neurons_a_column_of_its_own():
    design = layered([1, 1])
    design.layers.insert(1, Layer(9, "empty", LayerKind.HIDDEN))
    design.connections = []
    apply_ops(design, arrange(design))
    assert [n.x for n in design.neurons] == [0.0, 320.0]


def test_tidying_gives_blocks_a_wider_column_and_half_more_after_neurons():
    design = nnsim.example("digits-cnn")
    ops = arrange(design, 10.0, 20.0)
    applied(design, ops)
    assert [(layer.x, layer.y) for layer in design.layers[:4]] == [(10.0, 20.0), (260.0, 20.0), (510.0, 20.0),
                                                                   (760.0, 20.0)]
    assert {n.x for n in design.neurons} == {1010.0}
    assert [n.y for n in design.neurons] == [20.0 + 60.0 * (i - 4.5) for i in range(10)]
    # a block after a layer of neurons: half the difference of the spacings more
    design = layered([2, 1])
    design.layers.append(Layer(20, "rec", LayerKind.HIDDEN, type="rnn", options={"units": 2}))
    design.layers.append(Layer(21, "out2", LayerKind.OUTPUT))
    design.neurons.append(Neuron(22, 21))
    link(design, 1, 20)
    link(design, 20, 21)
    design.layers.append(Layer(30, "beside", LayerKind.HIDDEN))  # a layer of neurons in the block's column
    design.neurons.append(Neuron(31, 30))
    design.connections.append(Connection(2, 31))
    apply_ops(design, arrange(design))
    assert (design.layer(20).x, design.layer(20).y) == (205.0, 0.0)
    assert [(n.x, n.y) for n in design.neurons] == [(0.0, -30.0), (0.0, 30.0), (615.0, 0.0), (775.0, 0.0),
                                                    (455.0, 0.0)]


def test_tidying_a_wrapped_layer_moves_the_next_column_past_its_width():
    design = layered([30, 1])
    apply_ops(design, arrange(design))
    assert design.neurons[-1].x == 160.0 + 60.0
    assert {n.x for n in design.neurons[:30]} == {0.0, 60.0}


def test_a_fragment_written_before_blocks_pastes_its_neurons():
    design = small()
    frag = fragment(design, [5, 9])
    old = {"layers": frag["layers"], "neurons": frag["neurons"], "connections": frag["connections"]}
    ids, ops = paste(design, old, 0.0, 0.0)
    applied(design, ops)
    assert ids == [12, 13] and [(c.source, c.target) for c in design.connections[9:]] == [(12, 13)]


def test_pasted_blocks_keep_their_options_arrays_group_and_the_frozen_link_between_them():
    design = nnsim.example("digits-cnn")
    for layer in design.layers:
        layer.group = "net"
    design.links[1].frozen = True
    frag = fragment(design, [], [2, 3])
    made = []
    ids, ops = paste(design, frag, 0.0, -10.0, blocks_out=made)
    assert ids == [] and made == [16, 17]
    applied(design, ops)
    for original, new_id in zip(design.layers[1:3], made):
        new = design.layer(new_id)
        assert (new.name, new.kind, new.activation, new.type, new.options, new.group, new.x, new.y) == (
            original.name + " copy", original.kind, original.activation, original.type, original.options, "net",
            original.x, original.y - 10.0)
        assert new.arrays == original.arrays and new.options is not original.options
    assert [dataclasses.astuple(k) for k in design.links[4:]] == [(16, 17, None, True)]


def test_a_pasted_link_to_a_layer_not_pasted_is_left_out():
    design = nnsim.example("digits-cnn")
    frag = fragment(design, [], [2, 3])
    frag["links"] += [Link(1, 2), Link(3, 4)]
    made = []
    _, ops = paste(design, frag, 0.0, 0.0, blocks_out=made)
    applied(design, ops)
    assert [(k.source, k.target) for k in design.links[4:]] == [(made[0], made[1])]


def test_a_paste_that_would_pass_the_matrix_budget_is_refused():
    """Two layers of 3,000 neurons joined (9,000,000 entries), and two of 720 joined (518,400): a copy
    of the small pair (518,400 more) passes the budget, unjoined copies fit."""
    design = Design()
    design.layers = [Layer(1, "a", LayerKind.INPUT), Layer(2, "b", LayerKind.OUTPUT),
                     Layer(3, "c", LayerKind.INPUT), Layer(4, "d", LayerKind.OUTPUT)]
    sizes = {1: 3_000, 2: 3_000, 3: 720, 4: 720}
    layer_of = [lid for lid, size in sizes.items() for _ in range(size)]
    design.neurons = [Neuron(10 + i, lid) for i, lid in enumerate(layer_of)]
    first = {lid: design.neurons_of(lid)[0].id for lid in sizes}
    design.connections = [Connection(first[1], first[2]), Connection(first[3], first[4])]
    frag = fragment(design, [n.id for n in design.neurons if n.layer in (3, 4)])
    with pytest.raises(EditError) as refused:
        paste(design, frag, 0.0, 500.0)
    assert str(refused.value) == (
        "the joined layers need weight matrices of 10,036,800 entries in all, more than nnsim's budget of "
        "10,000,000 (each pair of joined layers costs size × size, however few connections join them; the "
        "largest: a → b, 3,000 × 3,000): join smaller layers or split the big ones")
    frag["connections"] = []
    ids, _ = paste(design, frag, 0.0, 500.0)
    assert len(ids) == 1_440
