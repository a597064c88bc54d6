"""The LSTM operation: its arithmetic step by step, the documented gate order,
the starting arrays, what it keeps for inspection, and the Operation
interface (gradients against finite differences are in
test_engine_recurrent_gradients.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.engine.ops.base import Operation
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.params import ParameterLayout, Parameters


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bound(op, arrays):
    params = Parameters.of(arrays)
    op.bind(params)
    return params


def reference_lstm(W, b, x, h, c, forget_gate=True):
    """The module docstring's formulas, one step at a time, blocks f, i, c̃, o."""
    H = h.shape[1]
    out = []
    for t in range(x.shape[1]):
        z = np.concatenate([h, x[:, t]], axis=1) @ W + b
        if forget_gate:
            f, i, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), sigmoid(
                z[:, 3 * H :])
            c = f * c + i * g
        else:
            i, g, o = sigmoid(z[:, :H]), np.tanh(z[:, H : 2 * H]), sigmoid(z[:, 2 * H :])
            c = c + i * g
        h = o * np.tanh(c)
        out.append(dict(i=i, c_tilde=g, o=o, c=c, h=h, **({"f": f} if forget_gate else {})))
    return out


@pytest.mark.parametrize("forget_gate", [True, False])
def test_the_forward_pass_is_the_documented_arithmetic(forget_gate):
    rng = np.random.default_rng(0)
    op = LSTM(3, 5, "w", "b", forget_gate=forget_gate)
    assert op.parameter_specs() == [("w", (8, (4 if forget_gate else 3) * 5)), ("b", ((4 if forget_gate else 3) * 5,))]
    arrays = {"w": rng.normal(0, 0.8, (8, op.width)), "b": rng.normal(0, 0.5, op.width)}
    bound(op, arrays)
    x = rng.normal(size=(4, 7, 3))
    h0, c0 = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    p = op.run(x, (h0, c0))
    ref = reference_lstm(arrays["w"], arrays["b"], x, h0, c0, forget_gate)
    values = op.step_values(p)
    assert set(values) == set(ref[0])
    for t, step in enumerate(ref):
        for name, v in step.items():
            assert np.allclose(values[name][:, t], v, rtol=0, atol=1e-14), (name, t)
    assert np.allclose(p.h[:, -1], ref[-1]["h"], rtol=0, atol=1e-14)
    assert np.array_equal(p.state[0], p.h[:, -1])
    assert np.allclose(p.state[1], ref[-1]["c"], rtol=0, atol=1e-14)


def test_the_gate_blocks_lie_in_the_documented_order():
    """With all weights 0: a forget bias of +40 and an input bias of −40 keep
    the cell state as it was; an output bias of +40 shows it whole as
    tanh(c); the candidate block's bias is then irrelevant. Any other order of
    the blocks would change c."""
    op = LSTM(2, 3, "w", "b")
    H = 3
    b = np.zeros(4 * H)
    b[0:H], b[H : 2 * H], b[2 * H : 3 * H], b[3 * H :] = 40.0, -40.0, 7.0, 40.0
    bound(op, {"w": np.zeros((5, 4 * H)), "b": b})
    c0 = np.array([[0.3, -0.2, 0.9]])
    p = op.run(np.ones((1, 6, 2)), (np.zeros((1, 3)), c0))
    assert np.allclose(p.state[1], c0, atol=1e-12)
    assert np.allclose(p.h[0], np.tanh(c0), atol=1e-12)
    assert op.block_names == ("f", "i", "c_tilde", "o")
    assert LSTM(2, 3, "w", "b", forget_gate=False).block_names == ("i", "c_tilde", "o")


def test_starting_arrays_have_the_forget_bias_and_bounded_weights():
    op = LSTM(6, 16, "lstm/w", "lstm/b")
    arrays = op.init_arrays(np.random.default_rng(0))
    b = arrays["lstm/b"]
    assert np.all(b[:16] == 1.0) and np.all(b[16:] == 0.0)
    w = arrays["lstm/w"]
    assert w.shape == (22, 64) and np.abs(w).max() <= 0.25 and np.abs(w).max() > 0.2
    assert np.all(LSTM(6, 16, "w", "b", forget_bias=2.5).init_arrays(np.random.default_rng(0))["b"][:16] == 2.5)
    no_forget = LSTM(6, 16, "w", "b", forget_gate=False).init_arrays(np.random.default_rng(0))
    assert no_forget["b"].shape == (48,) and np.all(no_forget["b"] == 0.0)
    again = op.init_arrays(np.random.default_rng(0))
    assert all(np.array_equal(arrays[k], again[k]) for k in arrays)


def test_it_is_a_stateful_operation_through_the_common_interface():
    """forward/backward as the network calls them, with the state carried by
    attributes and the gradients written into the network's views."""
    op = LSTM(3, 4, "lstm:1/weight", "lstm:1/bias")
    assert isinstance(op, Operation) and op.stateful and op.type == "lstm"
    layout = ParameterLayout(op.parameter_specs())
    params, grads = Parameters(layout), Parameters(layout)
    params.assign(op.init_arrays(np.random.default_rng(1)))
    op.bind(params)
    rng = np.random.default_rng(2)
    x, d = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4))
    kept, h = op.forward([x], 2, keep=True)
    assert h.shape == (2, 5, 4) and kept is op.last and kept.h is h
    direct = op.backprop(op.run(x), d)
    back, out = op.backward(d, [x], grads, [True])
    assert np.allclose(back[0], direct.dx) and out["lstm:1/weight"] is grads["lstm:1/weight"]
    assert np.allclose(grads.flat, np.concatenate([direct.params[n].ravel() for n, _ in op.parameter_specs()]))
    assert op.last_gradients.norms().shape == (5,)
    # Carry the state into the next chunk, then reset it.
    op.state = op.final_state
    _, h2 = op.forward([x], 2)
    assert np.allclose(h2, op.run(x, kept.state).h)
    op.reset_state()
    _, h3 = op.forward([x], 2)
    assert np.allclose(h3, h)
    back, _ = op.backward(d, [x], grads, [False])
    assert back == [None]
    op.truncate = 1
    op.backward(d, [x], grads, [True])
    assert np.allclose(grads["lstm:1/weight"], op.backprop(op.run(x), d, truncate=1).params["lstm:1/weight"])


def test_norms_over_the_state_and_per_sample():
    op = LSTM(2, 3, "w", "b")
    bound(op, op.init_arrays(np.random.default_rng(0)))
    rng = np.random.default_rng(1)
    x, d = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 3))
    g = op.backprop(op.run(x), d)
    dh, dc = g.d_steps["h"], g.d_steps["c"]
    assert np.allclose(g.norms(), np.sqrt((dh**2).sum(axis=(0, 2)) + (dc**2).sum(axis=(0, 2))))
    assert np.allclose(g.norms(parts=("h",)), np.sqrt((dh**2).sum(axis=(0, 2))))
    assert np.allclose(g.norms(sample=1), np.sqrt((dh[1] ** 2).sum(axis=1) + (dc[1] ** 2).sum(axis=1)))
    assert np.all(dc[:, -1] == 0.0)  # nothing comes after the last step


def test_float32_follows_float64():
    op64, op32 = LSTM(3, 4, "w", "b"), LSTM(3, 4, "w", "b")
    arrays = op64.init_arrays(np.random.default_rng(0))
    bound(op64, arrays)
    op32.bind(Parameters.of(arrays, dtype=np.float32))
    x = np.random.default_rng(1).normal(size=(2, 9, 3))
    p64, p32 = op64.run(x), op32.run(x)
    assert p32.h.dtype == np.float32 and np.allclose(p32.h, p64.h, atol=1e-5)
    d = np.ones((2, 9, 4))
    g32, g64 = op32.backprop(p32, d), op64.backprop(p64, d)
    assert g32.params["w"].dtype == np.float32 and np.allclose(g32.params["w"], g64.params["w"], atol=1e-4)


def test_wrong_shapes_and_settings_are_refused():
    op = LSTM(3, 4, "w", "b")
    bound(op, op.init_arrays(np.random.default_rng(0)))
    with pytest.raises(ValueError, match=r"\(batch, T, 3\)"):
        op.run(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"\(batch, T, 3\)"):
        op.run(np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="2 arrays"):
        op.run(np.zeros((2, 5, 3)), (np.zeros((2, 4)),))
    with pytest.raises(ValueError, match=r"state c must have shape \(2, 4\)"):
        op.run(np.zeros((2, 5, 3)), (np.zeros((2, 4)), np.zeros((1, 4))))
    p = op.run(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match="output gradient"):
        op.backprop(p, np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="at least one step"):
        op.backprop(p, np.zeros((2, 5, 4)), truncate=0)
    with pytest.raises(ValueError, match="at least one cell"):
        LSTM(3, 0, "w", "b")


def test_an_empty_sequence_returns_the_initial_state():
    op = LSTM(3, 4, "w", "b")
    bound(op, op.init_arrays(np.random.default_rng(0)))
    state = (np.ones((2, 4)), np.full((2, 4), 0.5))
    p = op.run(np.zeros((2, 0, 3)), state)
    assert p.h.shape == (2, 0, 4)
    assert np.array_equal(p.state[0], state[0]) and np.array_equal(p.state[1], state[1])
    g = op.backprop(p, np.zeros((2, 0, 4)), d_state=state)
    assert np.array_equal(g.d_state[1], state[1]) and np.all(g.params["w"] == 0.0)
