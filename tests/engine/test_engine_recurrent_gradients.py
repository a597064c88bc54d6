"""Backpropagation through time of SimpleRNN, LSTM (with and without the
forget gate) and GRU against finite differences: every parameter, the input,
the initial state, and the gradient reaching each step's state; full, with
the state carried in, and truncated to k steps (the reference is defined in
recurrent_reference.py)."""

from __future__ import annotations

import numpy as np
import pytest
from recurrent_reference import assert_close, central, state_gradient, states_after, truncated_loss

from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import Parameters

KINDS = ["rnn", "lstm", "lstm-no-forget", "gru"]
N, T, X, H = 2, 6, 3, 4


def make(kind, seed=0, in_size=X, size=H):
    if kind == "rnn":
        op = SimpleRNN(in_size, size, "w", "b")
    elif kind == "gru":
        op = GRU(in_size, size, "w", "b", "bn")
    else:
        op = LSTM(in_size, size, "w", "b", forget_gate=kind == "lstm")
    rng = np.random.default_rng(seed)
    params = Parameters.of(op.init_arrays(rng))
    params.flat += rng.normal(0.0, 0.4, params.flat.size)  # away from the start: every gate in play
    op.bind(params)
    return op, params, rng


def problem(op, rng, carried=True, end_gradient=True):
    x = rng.normal(size=(N, T, X))
    G = rng.normal(size=(N, T, H))
    initial = tuple(rng.normal(size=(N, H)) for _ in op.state_names) if carried else None
    D = tuple(rng.normal(size=(N, H)) for _ in op.state_names) if end_gradient else None
    return x, G, initial, D


def zeros_if_none(op, initial):
    return initial if initial is not None else tuple(np.zeros((N, H)) for _ in op.state_names)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("k", [None, 1, 2, 4, T])
def test_parameter_and_input_gradients_match_finite_differences(kind, k):
    op, params, rng = make(kind, seed=3)
    x, G, initial, D = problem(op, rng)
    states = states_after(op, x, initial)

    def loss():
        return truncated_loss(op, x, initial, G, D, k, states)

    g = op.backprop(op.run(x, initial), G, d_state=D, truncate=k)
    numeric = central(loss, params.flat)
    analytic = np.concatenate([g.params[name].ravel() for name, _ in op.parameter_specs()])
    assert_close(analytic, numeric)
    assert_close(g.dx, central(loss, x))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("k", [None, 1, 3])
def test_the_gradient_reaching_each_state_matches_finite_differences(kind, k):
    """``d_steps`` (the gradient-through-time chart's numbers) and ``d_state``
    (the initial state's gradient)."""
    op, _, rng = make(kind, seed=5)
    x, G, initial, D = problem(op, rng)
    states = states_after(op, x, initial)
    g = op.backprop(op.run(x, initial), G, d_state=D, truncate=k)
    for at in range(-1, T):
        numeric = state_gradient(op, x, initial, G, D, k, states, at)
        for part, name in enumerate(op.state_names):
            analytic = g.d_state[part] if at == -1 else g.d_steps[name][:, at]
            assert_close(analytic, numeric[part])


@pytest.mark.parametrize("kind", KINDS)
def test_from_zeros_and_without_an_end_gradient(kind):
    op, params, rng = make(kind, seed=7)
    x, G, _, _ = problem(op, rng, carried=False, end_gradient=False)
    zero = zeros_if_none(op, None)
    D = tuple(np.zeros((N, H)) for _ in op.state_names)
    g = op.backprop(op.run(x), G)
    numeric = central(lambda: truncated_loss(op, x, zero, G, D), params.flat)
    assert_close(np.concatenate([g.params[n].ravel() for n, _ in op.parameter_specs()]), numeric)


@pytest.mark.parametrize("kind", KINDS)
def test_truncation_at_the_length_or_beyond_is_full_backpropagation(kind):
    op, _, rng = make(kind, seed=9)
    x, G, initial, D = problem(op, rng)
    p = op.run(x, initial)
    full = op.backprop(p, G, d_state=D)
    for k in (T, T + 5):
        g = op.backprop(p, G, d_state=D, truncate=k)
        for name in full.params:
            assert np.array_equal(g.params[name], full.params[name])
        assert np.array_equal(g.dx, full.dx)


@pytest.mark.parametrize("kind", KINDS)
def test_truncation_changes_the_gradient_where_it_should(kind):
    """A test that can fail: k = 1 and full differ (the recurrence carries
    gradient), and k = 1 equals the sum of one-step passes from the recorded
    states."""
    op, _, rng = make(kind, seed=11)
    x, G, initial, _ = problem(op, rng, end_gradient=False)
    p = op.run(x, initial)
    full, one = op.backprop(p, G), op.backprop(p, G, truncate=1)
    assert not np.allclose(full.params["w"], one.params["w"])
    states = states_after(op, x, initial)
    steps = [op.backprop(op.run(x[:, t : t + 1], states[t]), G[:, t : t + 1]) for t in range(T)]
    for name, value in one.params.items():
        assert np.allclose(value, sum(g.params[name] for g in steps), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_carrying_the_state_across_chunks_is_one_long_pass(kind):
    """Forward in two chunks with the state carried gives the outputs of one
    pass; backward of the second chunk hands its initial state's gradient to
    the first as the end gradient, and the sums are the full gradients."""
    op, _, rng = make(kind, seed=13)
    x, G, initial, _ = problem(op, rng, end_gradient=False)
    whole = op.run(x, initial)
    first = op.run(x[:, :3], initial)
    second = op.run(x[:, 3:], first.state)
    assert np.allclose(np.concatenate([first.h, second.h], axis=1), whole.h, rtol=0, atol=1e-14)
    for a, b in zip(second.state, whole.state):
        assert np.allclose(a, b, rtol=0, atol=1e-14)
    g_whole = op.backprop(whole, G)
    g2 = op.backprop(second, G[:, 3:])
    g1 = op.backprop(first, G[:, :3], d_state=g2.d_state)
    for name in g_whole.params:
        assert np.allclose(g1.params[name] + g2.params[name], g_whole.params[name], rtol=1e-12, atol=1e-12)
    assert np.allclose(np.concatenate([g1.dx, g2.dx], axis=1), g_whole.dx, rtol=1e-12, atol=1e-12)
    for a, b in zip(g1.d_state, g_whole.d_state):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12)
