"""The editor's edits without Qt (``nnsim.design.recipes`` and
``nnsim.design.edits``): random sequences of edits, the arrays of parametric
layers among the numbers, apply, undo and redo exactly; a refused edit
changes nothing."""

from __future__ import annotations

import copy
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnsim
from nnsim.design import layer_types, recipes
from nnsim.design.build import layered
from nnsim.design.edits import Index, SetNumbers, all_numbers, apply_ops, inverse_ops
from nnsim.design.layer_types import LayerType, Option, options_of
from nnsim.design.model import Activation, ArrayValue, Design, Layer, LayerKind
from nnsim.design.parameters import link_key
from nnsim.design.recipes import EditError

KINDS = [LayerKind.INPUT, LayerKind.HIDDEN, LayerKind.OUTPUT]
ACTS = [a for a in Activation if a != Activation.SOFTMAX]

# A parametric layer type for these tests: its numbers live in Layer.arrays.
TOY = LayerType(
    name="toy", title="Toy layer", description="for tests", drawn="block",
    options=(Option("width", "Width", int, 3, low=1, high=9),),
    arrays=lambda design, layer, shapes: [("kernel", (options_of(layer)["width"], 2)), ("offset", (2,))],
)


def with_toy_layers(design: Design) -> Design:
    """The design plus two toy layers holding arrays (not connected: edits
    do not compile)."""
    rng = np.random.default_rng(0)
    for width in (2, 3):
        lid = design.next_id()
        design.layers.append(Layer(lid, f"toy {width}", LayerKind.HIDDEN, type="toy", options={"width": width},
                                   arrays={"kernel": ArrayValue(rng.normal(size=(width, 2))),
                                           "offset": ArrayValue(rng.normal(size=2))}))
    return design


def start_design(name: str | None) -> Design:
    if name == "toy":
        return with_toy_layers(layered([2, 3, 1]))
    return nnsim.example(name) if name else Design()


def _pick(data, items, label):
    return data.draw(st.sampled_from(items), label=label) if items else None


def random_ops(d: Design, index: Index, data) -> list:
    """The operations of one random edit (raises EditError when refused)."""
    neurons = [n.id for n in d.neurons]
    layers = [layer.id for layer in d.layers]
    conns = [(c.source, c.target) for c in d.connections]
    rng = np.random.default_rng(data.draw(st.integers(0, 100), label="seed"))
    what = data.draw(st.sampled_from(
        ["add_layer", "add_neuron", "connect", "connect_layers", "remove", "move", "set_neuron", "set_layer",
         "set_connection", "resize", "arrange", "paste", "numbers", "arrays"]), label="edit")
    if what == "add_layer":
        return recipes.add_layer(d, data.draw(st.sampled_from(KINDS)), data.draw(st.integers(1, 4)),
                                 data.draw(st.floats(-500, 500)), data.draw(st.floats(-500, 500)))[1]
    if what == "add_neuron" and layers:
        return recipes.add_neuron(d, _pick(data, layers, "layer"), 10.0, 20.0, rng, index)[1]
    if what == "connect" and len(neurons) >= 2:
        return recipes.connect(d, [(_pick(data, neurons, "s"), _pick(data, neurons, "t"))], rng)
    if what == "connect_layers" and len(layers) >= 2:
        return recipes.connect_layers(d, _pick(data, layers, "s"), _pick(data, layers, "t"), rng)
    if what == "remove" and (neurons or conns or layers):
        return recipes.remove(
            d, neurons=data.draw(st.lists(st.sampled_from(neurons), max_size=2)) if neurons else (),
            layers=data.draw(st.lists(st.sampled_from(layers), max_size=1)) if layers else (),
            connections=data.draw(st.lists(st.sampled_from(conns), max_size=2)) if conns else ())
    if what == "move" and neurons:
        return recipes.move(d, {_pick(data, neurons, "n"): (data.draw(st.floats(-1e3, 1e3)),
                                                            data.draw(st.floats(-1e3, 1e3)))}, index)
    if what == "set_neuron" and neurons:
        return recipes.set_neuron(d, _pick(data, neurons, "n"), index, bias=data.draw(st.floats(-5, 5)),
                                  activation=data.draw(st.sampled_from(ACTS + [None])))
    if what == "set_layer" and layers:
        return recipes.set_layer(d, _pick(data, layers, "l"), index, name=data.draw(st.text(max_size=6)),
                                 activation=data.draw(st.sampled_from(ACTS)))
    if what == "set_connection" and conns:
        return recipes.set_connection(d, _pick(data, conns, "c"), index, weight=data.draw(st.floats(-3, 3)),
                                      frozen=data.draw(st.booleans()))
    if what == "resize" and layers:
        return recipes.resize_layer(d, _pick(data, layers, "l"), data.draw(st.integers(1, 5)), rng)
    if what == "arrange":
        return recipes.arrange(d)
    blocks = [layer.id for layer in d.layers if layer_types.TYPES[layer.type].drawn == "block"]
    if what == "paste" and (neurons or blocks):
        chosen = data.draw(st.lists(st.sampled_from(neurons), max_size=3)) if neurons else []
        frag = recipes.fragment(d, chosen, data.draw(st.lists(st.sampled_from(blocks), max_size=2)) if blocks else [])
        return recipes.paste(d, frag, 30, 30)[1]
    if what in ("numbers", "arrays"):
        # "Set all numbers" (after training, Reset, Restart, a learn-mode update):
        # new weights and biases and, for "arrays", new values of some layer arrays.
        arrays = {}
        if what == "arrays":
            for layer in d.layers:
                for name, a in layer.arrays.items():
                    if data.draw(st.booleans(), label=f"change {name}"):
                        arrays[(layer.id, name)] = rng.normal(size=a.shape)
            for link in d.links:  # the weights between layers drawn as blocks
                if link.weights is not None and data.draw(st.booleans(), label="change a link"):
                    arrays[link_key(link.source, link.target)] = rng.normal(size=link.weights.shape)
        return recipes.set_numbers(d, rng.normal(size=len(conns)), rng.normal(size=len(neurons)), arrays)
    return []


@settings(max_examples=80, deadline=None)
@given(data=st.data(), start=st.sampled_from(["xor-mlp", "circle", "iris", "toy", None]))
def test_random_edits_apply_undo_and_redo_exactly(data, start):
    edit_undo_and_redo(data, start)


@settings(max_examples=25, deadline=None)
@given(data=st.data(), start=st.sampled_from(["adding-lstm", "shapes-cnn"]))
def test_random_edits_of_layers_drawn_as_blocks_and_their_links_undo_and_redo_exactly(data, start):
    """Designs whose layers are joined by links (an LSTM's, a CNN's): the
    links' weights are among the numbers set, and removing or pasting a
    block takes its links along."""
    edit_undo_and_redo(data, start)


def edit_undo_and_redo(data, start) -> None:
    with patch.dict(layer_types.TYPES, {"toy": TOY}):
        design = start_design(start)
        index = Index(design)
        original = copy.deepcopy(design)
        done: list[list] = []
        for _ in range(data.draw(st.integers(1, 12), label="n_edits")):
            before = copy.deepcopy(design)
            try:
                ops = random_ops(design, index, data)
            except EditError:
                assert design == before  # a refused edit changes nothing
                continue
            assert design == before  # making the operations changes nothing either
            apply_ops(design, ops, index)
            after = copy.deepcopy(design)
            apply_ops(design, inverse_ops(ops), index)  # each edit undoes and redoes on its own
            assert design == before
            apply_ops(design, inverse_ops(inverse_ops(ops)), index)  # the undo of the undo is the edit
            assert design == after
            done.append(ops)
        final = copy.deepcopy(design)
        for ops in reversed(done):
            apply_ops(design, inverse_ops(ops), index)
        assert design == original
        for ops in done:
            apply_ops(design, ops, index)
        assert design == final


def test_setting_all_numbers_carries_the_layer_arrays():
    with patch.dict(layer_types.TYPES, {"toy": TOY}):
        d = start_design("toy")
        toy = d.layers[-1]
        before = copy.deepcopy(d)
        w, b = np.zeros(len(d.connections)), np.zeros(len(d.neurons))
        ops = recipes.set_numbers(d, w, b, {(toy.id, "kernel"): np.ones((3, 2))})
        change = apply_ops(d, ops)
        assert change.numbers
        assert d.layer(toy.id).arrays["kernel"] == ArrayValue(np.ones((3, 2)))
        assert d.layer(toy.id).arrays["offset"] == before.layer(toy.id).arrays["offset"]
        numbers = all_numbers(d)
        np.testing.assert_array_equal(numbers.arrays[(toy.id, "kernel")], np.ones((3, 2)))
        assert set(numbers.arrays) == {(lay.id, name) for lay in d.layers for name in lay.arrays}
        apply_ops(d, inverse_ops(ops))
        assert d == before
        with pytest.raises(EditError, match="do not fit"):
            recipes.set_numbers(d, w, b, {(toy.id, "kernel"): np.ones((2, 2))})
        with pytest.raises(EditError, match="not finite"):
            recipes.set_numbers(d, w, b, {(toy.id, "offset"): [np.nan, 0.0]})
        with pytest.raises(EditError, match="do not fit"):
            recipes.set_numbers(d, w, b, {(toy.id, "bias"): [0.0, 0.0]})
        assert d == before


@settings(max_examples=30, deadline=None)
@given(seeds=st.lists(st.integers(0, 1000), min_size=2, max_size=5))
def test_runs_of_all_numbers_merge_into_one_operation(seeds):
    """Consecutive training steps (or learn-mode updates) merge into one undo
    step: the merged operation does what the run did, and undoes it."""
    with patch.dict(layer_types.TYPES, {"toy": TOY}):
        d = start_design("toy")
        original = copy.deepcopy(d)
        merged: SetNumbers | None = None
        for seed in seeds:
            rng = np.random.default_rng(seed)
            toy = d.layers[-1 - seed % 2]
            (op,) = recipes.set_numbers(d, rng.normal(size=len(d.connections)), rng.normal(size=len(d.neurons)),
                                        {(toy.id, "offset"): rng.normal(size=2)})
            apply_ops(d, [op])
            merged = op if merged is None else merged.then(op)
        final = copy.deepcopy(d)
        apply_ops(d, [merged.inverse()])
        assert d == original
        apply_ops(d, [merged])
        assert d == final


def test_resizing_a_layer_without_neurons_is_refused_and_changes_nothing():
    with patch.dict(layer_types.TYPES, {"toy": TOY}):
        d = start_design("toy")
        before = copy.deepcopy(d)
        toy = d.layers[-1]
        with pytest.raises(EditError, match="takes its size from its settings"):
            recipes.resize_layer(d, toy.id, 2, np.random.default_rng(0))
        assert d == before


def test_setting_all_numbers_carries_the_weights_of_links_and_undoes_them():
    """After training a design with an LSTM, the weights on the link out of
    it are stored, reported as changed numbers, and undone; the other
    link (with no weights of its own) and the layers' arrays are left."""
    d = nnsim.example("adding-lstm")
    before = copy.deepcopy(d)
    link = next(k for k in d.links if k.weights is not None)
    new = np.arange(link.weights.values.size, dtype=np.float64).reshape(link.weights.shape)
    ops = recipes.set_numbers(d, np.zeros(len(d.connections)), np.zeros(len(d.neurons)),
                              {link_key(link.source, link.target): new})
    change = apply_ops(d, ops)
    assert change.numbers and not change.structural
    np.testing.assert_array_equal(all_numbers(d).arrays[link_key(link.source, link.target)], new)
    assert [k.weights for k in d.links if k is not link] == [k.weights for k in before.links
                                                                if (k.source, k.target) != (link.source, link.target)]
    assert all(a.arrays == b.arrays for a, b in zip(d.layers, before.layers))
    apply_ops(d, inverse_ops(ops))
    assert d == before


def test_growing_the_layer_a_link_feeds_gives_the_link_weights_of_the_new_shape_and_undoes():
    """As the window does it: a resize, then the links fitted to it. The
    design compiles after the edit and is the same as before after undo."""
    from nnsim.design import blocks
    from nnsim.design.compile import compile_design

    d = nnsim.example("adding-lstm")
    before = copy.deepcopy(d)
    link = next(k for k in d.links if k.weights is not None)
    rng = np.random.default_rng(0)
    ops = recipes.resize_layer(d, link.target, 3, rng)
    ops += blocks.fit_after(d, ops, rng)
    rows = link.weights.shape[0]
    change = apply_ops(d, ops)
    (grown,) = [k for k in d.links if (k.source, k.target) == (link.source, link.target)]
    assert grown.weights.shape == (rows, 3)
    assert (link.source, link.target) in change.changed["links"]
    assert compile_design(d).network.n_outputs == 3
    apply_ops(d, inverse_ops(ops))
    assert d == before
