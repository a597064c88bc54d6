"""A learned initial state: every sequence starts from the same learned (h,
c) instead of zeros. Its gradient, and every other parameter's, against
finite differences (full and truncated); a pass that starts from a carried
state neither reads it nor moves it; it starts at 0, so a fresh layer
computes what the zeros start computes."""

from __future__ import annotations

import numpy as np
import pytest
from recurrent_reference import assert_close, central, states_after, truncated_loss
from test_engine_recurrent_gradients import KINDS, N, T, H, X

from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import Parameters


def make(kind, seed=0, learned=True):
    if kind == "rnn":
        op = SimpleRNN(X, H, "w", "b")
    elif kind == "gru":
        op = GRU(X, H, "w", "b", "bn")
    else:
        op = LSTM(X, H, "w", "b", forget_gate=kind == "lstm")
    if learned:
        op.learn_initial("h0")
    rng = np.random.default_rng(seed)
    params = Parameters.of(op.init_arrays(rng))
    params.flat += rng.normal(0.0, 0.4, params.flat.size)  # the learned state too: away from 0
    op.bind(params)
    return op, params, rng


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("k", [None, 2, T])
def test_every_gradient_with_a_learned_start_matches_finite_differences(kind, k):
    op, params, rng = make(kind, seed=4)
    assert [name for name, _ in op.parameter_specs()][2] == "h0"
    assert op.h0.shape == (len(op.state_names), H)
    x, G = rng.normal(size=(N, T, X)), rng.normal(size=(N, T, H))
    D = tuple(rng.normal(size=(N, H)) for _ in op.state_names)

    def start():
        return tuple(np.repeat(op.h0[i][None, :], N, axis=0) for i in range(len(op.state_names)))

    states = states_after(op, x, start())  # truncation holds the forward pass's states fixed

    def loss():
        return truncated_loss(op, x, start(), G, D, k, states)

    p = op.run(x, None)
    assert p.learned_start
    for i, part in enumerate(p.initial):
        assert np.array_equal(part, np.repeat(op.h0[i][None, :], N, axis=0))
    g = op.backprop(p, G, d_state=D, truncate=k)
    analytic = np.concatenate([g.params[name].ravel() for name, _ in op.parameter_specs()])
    assert_close(analytic, central(loss, params.flat))
    assert np.abs(g.params["h0"]).max() > 1e-3  # a gradient that could be wrong


@pytest.mark.parametrize("kind", KINDS)
def test_a_carried_state_leaves_the_learned_one_alone(kind):
    op, params, rng = make(kind, seed=6)
    x, G = rng.normal(size=(N, T, X)), rng.normal(size=(N, T, H))
    carried = tuple(rng.normal(size=(N, H)) for _ in op.state_names)
    p = op.run(x, carried)
    assert not p.learned_start
    g = op.backprop(p, G)
    assert np.all(g.params["h0"] == 0.0)
    op.h0 += 1.0
    assert np.array_equal(op.run(x, carried).h, p.h)  # the learned state does not enter a carried pass
    assert not np.array_equal(op.run(x, None).h, p.h)


@pytest.mark.parametrize("kind", KINDS)
def test_a_fresh_learned_state_is_zeros(kind):
    op, _, rng = make(kind, learned=True)
    arrays = op.init_arrays(np.random.default_rng(1))
    assert np.all(arrays["h0"] == 0.0) and arrays["h0"].shape == (len(op.state_names), H)
    plain = make(kind, learned=False)[0]
    assert {k: v.tobytes() for k, v in plain.init_arrays(np.random.default_rng(1)).items()} == {
        k: v.tobytes() for k, v in arrays.items() if k != "h0"}
