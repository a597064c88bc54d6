"""The trainer's preallocated step gives exactly the numbers of the plain
forward and backward passes, on irregular designs (skip connections, partly
connected and frozen blocks, mixed activations, several output layers) and
for every batch size an epoch meets."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import add_layer, connect_all, initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Design, LayerKind, Loss, TrainingSettings
from nnsim.engine import fastpath
from test_engine_inspect import random_design

SEEDS = range(12)


def both_ways(net, X, Y):
    fast = net.parameters.like()
    plain = net.parameters.like()
    assert net._fast  # the preallocated path is the one under test
    loss_fast = net.train_grads(X, Y, fast)
    loss_plain = net.backward(net.forward(X), Y, grads=plain, mask_frozen=False).loss
    return loss_fast, fast, loss_plain, plain


@pytest.mark.parametrize("seed", SEEDS)
def test_random_designs_give_the_same_bits(seed):
    design = random_design(seed)
    net = compile_design(design).network
    if not net._fast:
        pytest.skip("a loss the preallocated step leaves to the plain passes")
    rng = np.random.default_rng(seed)
    for batch in (1, 3, 7):  # a plan per batch size, each reused
        for _ in range(2):
            X = rng.normal(size=(batch, net.n_inputs))
            Y = rng.uniform(0.05, 0.95, size=(batch, net.n_outputs))
            lf, gf, lp, gp = both_ways(net, X, Y)
            assert lf == lp
            np.testing.assert_array_equal(gf.flat, gp.flat)


def test_the_random_designs_reach_the_preallocated_path_with_skips_and_many_consumers():
    nets = [compile_design(random_design(s)).network for s in SEEDS]
    fast = [n for n in nets if n._fast]
    assert len(fast) >= 6
    assert any(len(node.outputs) > 1 for n in fast for node in n.layers if node.op is not None)


@pytest.mark.parametrize("hidden", [Activation.TANH, Activation.RELU, Activation.SIGMOID, Activation.LEAKY_RELU])
@pytest.mark.parametrize("output, loss", [(Activation.TANH, Loss.MSE), (Activation.LINEAR, Loss.MSE),
                                          (Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
                                          (Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY)])
def test_layered_networks_give_the_same_bits(hidden, output, loss):
    d = layered([3, 6, 5, 4], hidden, output)
    d.training = TrainingSettings(loss=loss)
    initialize(d, np.random.default_rng(1))
    net = compile_design(d).network
    rng = np.random.default_rng(2)
    X = rng.normal(size=(9, 3))
    Y = np.eye(4)[rng.integers(0, 4, size=9)]
    lf, gf, lp, gp = both_ways(net, X, Y)
    assert lf == lp
    np.testing.assert_array_equal(gf.flat, gp.flat)


def test_a_hidden_layer_that_reaches_no_output_gets_zero_gradients():
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 2)
    h = add_layer(d, LayerKind.HIDDEN, 3)
    dead = add_layer(d, LayerKind.HIDDEN, 2)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    connect_all(d, i.id, dead.id)
    initialize(d, np.random.default_rng(0))
    net = compile_design(d).network
    stale = net.parameters.like(np.full(net.layout.size, 7.0))  # a buffer used before
    X = np.array([[0.3, -0.2], [0.1, 0.4]])
    Y = np.array([[1.0], [0.0]])
    net.train_grads(X, Y, stale)
    plain = net.backward(net.forward(X), Y, mask_frozen=False)
    np.testing.assert_array_equal(stale.flat, plain.params.flat)
    assert not stale[f"layer:{i.id}->layer:{dead.id}/weight"].any()


def test_supports_only_dense_networks():
    net = compile_design(layered([2, 2, 1])).network
    assert fastpath.supports(net)
