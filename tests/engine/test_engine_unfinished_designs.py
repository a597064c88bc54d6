"""Backpropagation on designs a learner leaves unfinished: a hidden layer
that reaches no output, an output layer nothing feeds, an input layer listed
after the layers it feeds. The gradients of every parameter are there and
agree with finite differences, and training moves only what reaches the
loss."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_layer, connect_all, initialize
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind
from nnsim.engine.gradcheck import max_relative_error


def dead_end(n_in=3, n_out=2) -> Design:
    """input -> hidden -> output, and input -> a hidden layer going nowhere."""
    d = Design()
    i = add_layer(d, LayerKind.INPUT, n_in, Activation.LINEAR)
    h = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
    add_layer(d, LayerKind.HIDDEN, 2, Activation.SIGMOID, name="nowhere")
    o = add_layer(d, LayerKind.OUTPUT, n_out, Activation.TANH)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    connect_all(d, i.id, d.layers[2].id)
    return d


def unfed_output() -> Design:
    """Two output layers; the second has no incoming connection (its bias alone)."""
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 3, Activation.LINEAR)
    h = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.TANH)
    add_layer(d, LayerKind.OUTPUT, 1, Activation.SIGMOID)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    return d


def input_listed_last() -> Design:
    d = Design()
    h = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.TANH)
    i = add_layer(d, LayerKind.INPUT, 3, Activation.LINEAR)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    return d


def with_numbers(design: Design) -> Design:
    initialize(design, np.random.default_rng(0))
    for k, n in enumerate(design.neurons):
        if design.layer(n.layer).kind != LayerKind.INPUT:
            n.bias = 0.1 * (k % 5) - 0.2
    return design


@pytest.mark.parametrize("make", [dead_end, unfed_output, input_listed_last])
def test_every_gradient_agrees_with_finite_differences(make):
    design = with_numbers(make())
    net = compile_design(design).network
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, net.n_inputs))
    y = rng.uniform(0.1, 0.9, size=(5, net.n_outputs))
    assert max_relative_error(net, x, y) < 1e-6
    loss, grads = nnsim.gradients(design, x, y)
    shapes = {name: a.shape for name, a in nnsim.parameters(design).items()}
    assert {name: g.shape for name, g in grads.items()} == shapes
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())


def test_the_gradient_of_a_layer_that_reaches_no_output_is_zero_and_the_rest_is_not():
    design = with_numbers(dead_end())
    nowhere = next(lay for lay in design.layers if lay.name == "nowhere")
    _, grads = nnsim.gradients(design, np.ones((2, 3)), np.full((2, 2), 0.5))
    for name, g in grads.items():
        assert np.all(g == 0) == (name.split("->")[-1].split("/")[0] == f"layer:{nowhere.id}"), name


def test_training_moves_only_what_reaches_the_loss():
    design = with_numbers(dead_end(n_in=2, n_out=1))
    design.dataset = DatasetSpec(source="playground", name="xor", points=40)
    design.training.optimizer = "adam"
    nowhere = next(lay for lay in design.layers if lay.name == "nowhere")
    before = nnsim.parameters(design)
    nnsim.train(design, epochs=2)
    after = nnsim.parameters(design)
    for name in before:
        unchanged = np.array_equal(before[name], after[name])
        assert unchanged == (name.split("->")[-1].split("/")[0] == f"layer:{nowhere.id}"), name
