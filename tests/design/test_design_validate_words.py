"""Every structural rule's refusal as the user reads it, word for word and
naming the place: neurons, connections and links by name, the layers of a
cycle in order, the matrices' budget with its largest pair; and what each
rule lets through (delayed loops, links into blocks)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnsim.design.blocks import fit
from nnsim.design.build import add_block, add_layer, connect_all, link
from nnsim.design.edits import apply_ops
from nnsim.design.model import Activation, ArrayValue, Connection, Design, LayerKind, Neuron
from nnsim.design.validate import (
    MAX_MATRIX_ENTRIES, DesignError, check_design, check_trainable, connection_problem, layer_order, matrix_entries,
    matrix_problem,
)


def _net():
    """in (x1, x2) → h1 (a1, a2) → h2 (b1, b2) → out (y), fully connected."""
    d = Design()
    layers = [add_layer(d, LayerKind.INPUT, 2, name="in", labels=["x1", "x2"]),
              add_layer(d, LayerKind.HIDDEN, 2, name="h1", labels=["a1", "a2"]),
              add_layer(d, LayerKind.HIDDEN, 2, name="h2", labels=["b1", "b2"]),
              add_layer(d, LayerKind.OUTPUT, 1, name="out", labels=["y"])]
    for s, t in zip(layers, layers[1:]):
        connect_all(d, s.id, t.id)
    return d


def _id(d, label):
    return next(n.id for n in d.neurons if n.label == label)


def _refused(d):
    with pytest.raises(DesignError) as refused:
        check_design(d)
    return str(refused.value)


def _add(d, a, b, delay=0, weight=0.0):
    d.connections.append(Connection(_id(d, a), _id(d, b), weight, delay=delay))


def test_a_design_error_is_one_line():
    assert str(DesignError("a\nb")) == "a\\nb"
    assert str(DesignError()) == ""
    check_design(_net())


def test_ids_and_neurons_are_refused_by_number():
    d = _net()
    d.neurons[0].id = d.layers[2].id
    assert _refused(d) == f"id {d.layers[2].id} is used twice"
    d = _net()
    d.neurons[3].id = d.neurons[1].id
    assert _refused(d) == f"id {d.neurons[1].id} is used twice"
    d = _net()
    d.neurons.append(Neuron(500, 77))
    assert _refused(d) == "neuron 500 is in layer 77, which does not exist"
    for name, value in (("bias", math.inf), ("threshold", -math.inf), ("x", math.nan), ("y", math.inf)):
        d = _net()
        setattr(d.neurons[4], name, value)
        assert _refused(d) == f"neuron {d.neurons[4].id}: {name} is {value}, not a finite number"


def test_connections_are_refused_naming_their_neurons():
    d = _net()
    d.connections.append(Connection(_id(d, "a1"), 999))
    assert _refused(d) == f"connection {len(d.connections)} ({_id(d, 'a1')} → 999): there is no neuron 999"
    d = _net()
    d.connections.insert(0, Connection(998, _id(d, "a1")))
    assert _refused(d) == f"connection 1 (998 → {_id(d, 'a1')}): there is no neuron 998"
    d = _net()
    d.connections[2].weight = math.inf
    c = d.connections[2]
    assert (c.source, c.target) == (_id(d, "x2"), _id(d, "a1"))
    assert _refused(d) == "connection “x2” → “a1”: weight is inf, not a finite number"
    d = _net()
    _add(d, "a2", "b1", weight=1.0)
    assert _refused(d) == "connection “a2” → “b1” appears twice"


@pytest.mark.parametrize("source, target, delay, words", [
    ("a1", "x2", 0, "connection “a1” → “x2” ends at an input neuron, which only reads the data"),
    ("y", "x1", 1, "connection “y” → “x1” ends at an input neuron, which only reads the data"),
    ("a1", "a1", 0, "“a1” cannot connect to itself without a delay (a recurrent connection)"),
    ("y", "b1", 0, "connection “y” → “b1” starts at an output neuron, which feeds nothing in the same time step "
                   "(a recurrent connection, with a delay, can)"),
    ("a1", "a2", 0, "connection “a1” → “a2” joins two neurons of layer 'h1' in the same time step "
                    "(a recurrent connection, with a delay, can)"),
    ("b2", "a1", 0, "connection “b2” → “a1” closes a cycle (h1 → h2 → h1) within one time step; "
                    "a loop needs a delayed (recurrent) connection"),
])
def test_structural_rules_in_these_words(source, target, delay, words):
    d = _net()
    assert connection_problem(d, _id(d, source), _id(d, target), delay=delay) == words
    _add(d, source, target, delay)
    assert _refused(d) == words


@pytest.mark.parametrize("source, target", [("a1", "a1"), ("y", "b1"), ("a1", "a2"), ("b2", "a1"), ("y", "y")])
def test_a_delayed_connection_may_loop(source, target):
    d = _net()
    assert connection_problem(d, _id(d, source), _id(d, target), delay=1) is None
    _add(d, source, target, delay=1)
    check_design(d)


def test_the_first_connection_closing_a_cycle_is_named_with_the_whole_cycle():
    d = _net()
    h3 = add_layer(d, LayerKind.HIDDEN, 1, name="h3", labels=["c"])
    _add(d, "b1", "c")
    _add(d, "c", "a2")  # closes h1 → h2 → h3 → h1
    _add(d, "b2", "a1")  # closes h1 → h2 → h1, later in design order
    assert h3.name == "h3"
    assert _refused(d) == ("connection “c” → “a2” closes a cycle (h1 → h2 → h3 → h1) within one time step; "
                           "a loop needs a delayed (recurrent) connection")
    d.connections.insert(0, d.connections.pop())  # now h2 → h1 comes first: the first h1 → h2 closes the cycle
    assert _refused(d) == ("connection “a1” → “b1” closes a cycle (h2 → h1 → h2) within one time step; "
                           "a loop needs a delayed (recurrent) connection")


def test_a_cycle_of_unnamed_layers_names_them_by_id():
    d = _net()
    h1, h2 = d.layers[1], d.layers[2]
    h1.name, h2.name = "", ""
    _add(d, "b1", "a2")
    assert _refused(d) == (f"connection “b1” → “a2” closes a cycle (layer {h1.id} → layer {h2.id} → layer {h1.id}) "
                           "within one time step; a loop needs a delayed (recurrent) connection")


def test_connection_problem_names_missing_and_existing_connections():
    d = _net()
    assert connection_problem(d, _id(d, "a1"), 999) == f"connection {_id(d, 'a1')} → 999: no neuron 999"
    assert connection_problem(d, 997, _id(d, "a1")) == f"connection 997 → {_id(d, 'a1')}: no neuron 997"
    assert connection_problem(d, _id(d, "a1"), _id(d, "b2")) == "“a1” → “b2” is already connected"
    assert connection_problem(d, _id(d, "x1"), _id(d, "y")) is None
    assert connection_problem(d, _id(d, "a1"), _id(d, "y")) is None
    # the caller's graph is the one searched for a cycle
    assert connection_problem(d, _id(d, "b2"), _id(d, "a1"), graph={}) is None


def test_softmax_must_be_the_whole_layers_activation():
    d = _net()
    d.layers[3].activation = Activation.SOFTMAX
    check_design(d)
    d = _net()
    d.neurons_of(d.layers[2].id)[1].activation = Activation.SOFTMAX
    assert _refused(d) == "layer 'h2': softmax must be the activation of all its neurons"
    d.neurons_of(d.layers[2].id)[0].activation = Activation.SOFTMAX
    check_design(d)


def _blocks():
    """image (1×2×3) → conv → flatten → out (4 neurons), fitted."""
    d = Design()
    image = add_block(d, "image", kind=LayerKind.INPUT, name="photo", channels=1, height=2, width=3)
    conv = add_block(d, "conv", name="edges", filters=2, kernel=1)
    flat = add_block(d, "flatten", name="flat")
    out = add_layer(d, LayerKind.OUTPUT, 4, name="out")
    link(d, image.id, conv.id)
    link(d, conv.id, flat.id)
    link(d, flat.id, out.id)
    apply_ops(d, fit(d, np.random.default_rng(0)))
    return d, image, conv, flat, out


def test_a_fitted_block_design_passes():
    d, *_ = _blocks()
    check_design(d)
    check_trainable(d)


def test_links_are_refused_naming_their_layers():
    d, image, conv, flat, out = _blocks()
    d.links.append(type(d.links[0])(flat.id, 99))
    assert _refused(d) == f"link 4 ({flat.id} → 99): there is no layer 99"
    d, image, conv, flat, out = _blocks()
    d.links.insert(0, type(d.links[0])(98, flat.id))
    assert _refused(d) == f"link 1 (98 → {flat.id}): there is no layer 98"
    d, image, conv, flat, out = _blocks()
    link(d, conv.id, conv.id)
    assert _refused(d) == "link 'edges' → 'edges': a layer cannot feed itself"
    d, image, conv, flat, out = _blocks()
    link(d, conv.id, image.id)
    assert _refused(d) == "link 'edges' → 'photo' ends at an input layer, which only reads the data"
    d, image, conv, flat, out = _blocks()
    out2 = add_block(d, "flatten", name="after")
    link(d, out.id, out2.id)
    assert _refused(d) == "link 'out' → 'after' starts at an output layer, which feeds nothing"
    d, image, conv, flat, out = _blocks()
    hidden = add_layer(d, LayerKind.HIDDEN, 2, name="dense")
    link(d, hidden.id, out.id)
    assert _refused(d) == "link 'dense' → 'out': two layers of neurons are joined by connections, not a link"
    d, image, conv, flat, out = _blocks()
    link(d, image.id, conv.id)
    assert _refused(d) == "link 'photo' → 'edges' appears twice"
    d, image, conv, flat, out = _blocks()
    d.links[1].weights = ArrayValue(np.zeros((2, 2)))
    assert _refused(d) == "link 'edges' → 'flat': a link into a flatten has no weights of its own"
    d, image, conv, flat, out = _blocks()
    values = d.links[2].weights.values.copy()
    values[1, 2] = math.nan
    d.links[2].weights = ArrayValue(values)
    assert _refused(d) == "link 'flat' → 'out': a weight is not a finite number"


def test_a_links_weights_must_match_its_ends():
    d, image, conv, flat, out = _blocks()
    assert d.links[2].weights.shape == (12, 4)
    d.links[2].weights = ArrayValue(np.zeros((12, 3)))
    assert _refused(d) == ("link 'flat' → 'out': the weights must be 12 × 4 (values of the source × neurons of the "
                           "target), not (12, 3)")
    d.links[2].weights = None
    assert _refused(d) == ("link 'flat' → 'out': the weights must be 12 × 4 (values of the source × neurons of the "
                           "target), not none")


def test_neurons_in_a_block_are_refused():
    d, image, conv, flat, out = _blocks()
    d.neurons.append(Neuron(d.next_id(), conv.id))
    assert _refused(d) == "layer 'edges': a convolution holds no neurons"


def test_links_and_connections_closing_a_cycle_are_refused():
    d = Design()
    inp = add_layer(d, LayerKind.INPUT, 2, name="in")
    hidden = add_layer(d, LayerKind.HIDDEN, 3, name="h")
    rnn = add_block(d, "rnn", name="loop", cells=2)
    out = add_layer(d, LayerKind.OUTPUT, 1, name="out")
    connect_all(d, inp.id, hidden.id)
    link(d, hidden.id, rnn.id)
    link(d, rnn.id, out.id)
    apply_ops(d, fit(d, np.random.default_rng(0)))
    check_design(d)
    link(d, rnn.id, hidden.id)
    apply_ops(d, fit(d, np.random.default_rng(0)))
    assert _refused(d) == "the links and connections form a cycle: a layer feeds itself within one time step"


def test_the_trainable_rules():
    d = Design()
    conv = add_block(d, "conv", name="edges")
    with pytest.raises(DesignError) as refused:
        check_trainable(d)
    assert str(refused.value) == "layer 'edges': nothing is linked into it yet"
    d = Design()
    add_layer(d, LayerKind.OUTPUT, 1)
    with pytest.raises(DesignError) as refused:
        check_trainable(d)
    assert str(refused.value) == "the design has no input neurons"
    d = Design()
    add_layer(d, LayerKind.INPUT, 1)
    with pytest.raises(DesignError) as refused:
        check_trainable(d)
    assert str(refused.value) == "the design has no output neurons"
    assert conv.name == "edges"


def test_layers_are_ordered_with_ties_kept_in_the_given_order():
    assert layer_order([3, 1, 2], {}) == [3, 1, 2]
    assert layer_order([3, 1, 2], {2: {3}}) == [1, 2, 3]
    assert layer_order([3, 1, 2], {3: {1}, 2: {1}}) == [3, 2, 1]
    assert layer_order([5, 4, 6], {6: {4}, 4: {5}}) == [6, 4, 5]
    assert layer_order([1, 2, 3], {1: {2}, 2: {3}, 3: {2}}) is None
    assert layer_order([1, 2], {1: {1}}) is None
    assert layer_order([], {}) == []


def test_matrix_entries_add_every_pair_and_name_the_largest():
    sizes = {1: 2, 2: 3, 3: 4}
    assert matrix_entries(sizes, {1: {2}}, {2: {2}}, {2: {3}}) == (6 + 9 + 12, (2, 3))
    assert matrix_entries(sizes) == (0, None)
    assert matrix_entries({1: 3, 2: 2}, {1: {2}}, {2: {1}}) == (12, (1, 2))  # the first of equals
    assert matrix_entries({1: 3, 2: 2, 3: 0}, {1: {3}}) == (0, (1, 3))


def test_the_matrix_budget_in_these_words():
    d = Design()
    a = add_layer(d, LayerKind.INPUT, 1, name="wide")
    b = add_layer(d, LayerKind.OUTPUT, 1)
    b.name = ""
    assert matrix_problem(d, {a.id: 4000, b.id: 2500}, {a.id: {b.id}}) is None  # exactly the budget
    assert 4000 * 2500 == MAX_MATRIX_ENTRIES
    assert matrix_problem(d, {a.id: 4000, b.id: 2501}, {a.id: {b.id}}) == (
        "the joined layers need weight matrices of 10,004,000 entries in all, more than nnsim's budget of "
        "10,000,000 (each pair of joined layers costs size × size, however few connections join them; the "
        f"largest: wide → layer {b.id}, 4,000 × 2,501): join smaller layers or split the big ones")
    sizes = {a.id: 3000, b.id: 2000}
    assert matrix_problem(d, sizes, {a.id: {b.id}}, {b.id: {b.id}}) is None
    assert matrix_problem(d, {a.id: 3000, b.id: 2000}, {a.id: {b.id}}, {b.id: {b.id}}) is None  # 6M + 4M
    assert matrix_problem(d, {a.id: 3000, b.id: 2000}, {a.id: {b.id}}, {b.id: {b.id}}, {b.id: {a.id}}) == (
        "the joined layers need weight matrices of 16,000,000 entries in all, more than nnsim's budget of "
        "10,000,000 (each pair of joined layers costs size × size, however few connections join them; the "
        f"largest: wide → layer {b.id}, 3,000 × 2,000): join smaller layers or split the big ones")
    assert matrix_problem(d, {a.id: 3000, b.id: 2000}, {}, None, {b.id: {a.id, b.id}}) is None
    assert "largest: wide → wide, 3,000 × 3,000" in matrix_problem(d, {a.id: 3000, b.id: 2000}, {}, {a.id: {a.id}},
                                                                  {b.id: {b.id, a.id}})


def _big():
    d = Design()
    a = add_layer(d, LayerKind.INPUT, 3000, name="A")
    b = add_layer(d, LayerKind.HIDDEN, 3000, name="B")
    c = add_layer(d, LayerKind.OUTPUT, 1, name="C")
    first = lambda layer: d.neurons_of(layer.id)[0].id  # noqa: E731
    d.connections += [Connection(first(a), first(b)), Connection(first(b), first(c))]
    return d, a, b, c, first


def test_the_budget_counts_delayed_pairs_in_the_design_and_in_the_editor():
    d, a, b, c, first = _big()
    check_design(d)
    words = ("the joined layers need weight matrices of 18,003,000 entries in all, more than nnsim's budget of "
             "10,000,000 (each pair of joined layers costs size × size, however few connections join them; the "
             "largest: A → B, 3,000 × 3,000): join smaller layers or split the big ones")
    assert connection_problem(d, first(b), d.neurons_of(b.id)[1].id, delay=1) == words
    assert connection_problem(d, d.neurons_of(a.id)[1].id, d.neurons_of(b.id)[1].id) is None  # a pair joined already
    assert connection_problem(d, first(a), first(c)) is None  # 3,000 more
    d.connections.append(Connection(first(b), first(b), delay=1))
    assert _refused(d) == words
    assert connection_problem(d, d.neurons_of(b.id)[1].id, first(b), delay=1) is None  # the loop is drawn already


def _ring(n, long_name=False):
    """in → h1 → … → hn → out, with hn → h1 closing a cycle."""
    d = Design()
    layers = [add_layer(d, LayerKind.INPUT, 1, name="in")]
    layers += [add_layer(d, LayerKind.HIDDEN, 1, name=f"h{i}", labels=[f"n{i}"]) for i in range(1, n + 1)]
    layers.append(add_layer(d, LayerKind.OUTPUT, 1, name="out"))
    if long_name:
        layers[2].name = "a" * 31
    for s, t in zip(layers, layers[1:]):
        connect_all(d, s.id, t.id)
    _add(d, f"n{n}", "n1")
    return d


def test_a_cycle_of_eight_names_is_named_whole_and_a_longer_one_by_its_ends():
    assert _refused(_ring(7)) == (
        "connection “n7” → “n1” closes a cycle (h1 → h2 → h3 → h4 → h5 → h6 → h7 → h1) within one time step; "
        "a loop needs a delayed (recurrent) connection")
    assert _refused(_ring(8, long_name=True)) == (
        f"connection “n8” → “n1” closes a cycle (h1 → {'a' * 29}… → h3 → … 3 more … → h7 → h8 → h1) within one "
        "time step; a loop needs a delayed (recurrent) connection")
    d = _ring(3)
    d.layers[2].name = "b" * 30  # kept whole up to 30 characters
    assert _refused(d) == (f"connection “n3” → “n1” closes a cycle (h1 → {'b' * 30} → h3 → h1) within one time step; "
                           "a loop needs a delayed (recurrent) connection")
