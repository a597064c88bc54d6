"""Sequences through a network with two output layers, with and without a
drawn loop: the loss the cost curve plots worked out by hand from the
outputs (the mean over the (sample, step) pairs that have a target, some
rows missing), and the gradients against finite differences, for sequences
of one step and of several, batches of one and three, a target at every
step or at the last step only."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import add_layer, connect_all, initialize
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Design, LayerKind, Loss, TrainingSettings
from nnsim.engine.gradcheck import numerical_gradients


def two_outputs(loop: bool, loss: Loss, seed=0):
    """Inputs (2) -> hidden (3, tanh) -> outputs A (1) and B (2); the hidden
    layer also reads itself a step late when ``loop``, and B reads the input
    directly (a skip)."""
    act = Activation.SIGMOID if loss == Loss.BINARY_CROSS_ENTROPY else Activation.LINEAR
    d = Design(training=TrainingSettings(loss=loss))
    i = add_layer(d, LayerKind.INPUT, 2)
    h = add_layer(d, LayerKind.HIDDEN, 3, Activation.TANH)
    a = add_layer(d, LayerKind.OUTPUT, 1, act)
    b = add_layer(d, LayerKind.OUTPUT, 2, act)
    connect_all(d, i.id, h.id)
    if loop:
        connect_all(d, h.id, h.id, delay=1)
    connect_all(d, h.id, a.id)
    connect_all(d, h.id, b.id)
    connect_all(d, i.id, b.id)
    initialize(d, np.random.default_rng(seed))
    for n in d.neurons:
        n.bias = 0.3 * ((n.id * 7) % 5 - 2)  # biases that are not all zero
    for c in d.connections:
        c.weight *= 1.5
    net = compile_design(d).network
    assert net.recurrent == loop and net.n_outputs == 3
    return net


def by_hand(loss: Loss, out: np.ndarray, Y: np.ndarray) -> float:
    """The mean over the rows with a target of each row's loss (every output summed)."""
    total, count = 0.0, 0
    for row_a, row_y in zip(out.reshape(-1, 3), Y.reshape(-1, 3)):
        if np.isnan(row_y).any():
            continue
        count += 1
        for a, y in zip(row_a, row_y):
            if loss == Loss.MSE:
                total += 0.5 * (a - y) ** 2
            else:
                total -= y * np.log(a) + (1 - y) * np.log(1 - a)
    return total / count


def check_grads(net, X, Y):
    g = net.loss_and_grads(X, Y)
    for name, num in zip(net.parameters, numerical_gradients(net, X, Y)):
        np.testing.assert_allclose(g.params[name], num, rtol=1e-5, atol=1e-8, err_msg=name)
    return g


@pytest.mark.parametrize("loop", [True, False])
@pytest.mark.parametrize("loss", [Loss.MSE, Loss.BINARY_CROSS_ENTROPY])
@pytest.mark.parametrize("n,T", [(1, 1), (3, 4)])
def test_targets_at_every_step_some_missing(loop, loss, n, T):
    net = two_outputs(loop, loss)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, T, 2))
    Y = rng.uniform(0.1, 0.9, size=(n, T, 3)) if loss == Loss.BINARY_CROSS_ENTROPY else rng.normal(size=(n, T, 3))
    if n == 3:
        Y[0, 1] = np.nan  # one row without a target
        Y[2, 3] = np.nan
        Y[1, 0] = np.nan
    out = net.outputs(net.forward(X))
    assert out.shape == (n, T, 3)
    expected = by_hand(loss, out, Y)
    assert net.loss_of(net.forward(X), Y) == pytest.approx(expected, rel=1e-12)
    g = check_grads(net, X, Y)
    assert g.loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("loop", [True, False])
@pytest.mark.parametrize("n,T", [(1, 1), (3, 4)])
def test_a_target_at_the_last_step_only(loop, n, T):
    net = two_outputs(loop, Loss.MSE, seed=2)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, T, 2))
    Y = rng.normal(size=(n, 3))
    out = net.outputs(net.forward(X))
    expected = by_hand(Loss.MSE, out[:, -1], Y)
    g = check_grads(net, X, Y)
    assert g.loss == pytest.approx(expected, rel=1e-12)
    # the same as targets at every step with the earlier ones missing
    full = np.full((n, T, 3), np.nan)
    full[:, -1] = Y
    assert net.loss_and_grads(X, full).loss == pytest.approx(expected, rel=1e-12)
    if n == 3:
        Y[1] = np.nan  # a sequence without its target
        expected = by_hand(Loss.MSE, out[:, -1], Y)
        assert check_grads(net, X, Y).loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("loop", [True, False])
def test_no_target_at_all_gives_a_loss_of_0_and_no_gradient(loop):
    net = two_outputs(loop, Loss.MSE)
    X = np.random.default_rng(4).normal(size=(2, 3, 2))
    Y = np.full((2, 3, 3), np.nan)
    g = net.loss_and_grads(X, Y)
    assert g.loss == 0.0
    assert all(not v.any() for v in g.params.values())
