"""SimpleRNN and GRU: the documented arithmetic step by step, and their
parameters (gradients are in test_engine_recurrent_gradients.py)."""

from __future__ import annotations

import numpy as np

from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import Parameters


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_simple_rnn_is_tanh_of_the_previous_output_and_the_input():
    rng = np.random.default_rng(0)
    op = SimpleRNN(3, 4, "w", "b")
    assert op.parameter_specs() == [("w", (7, 4)), ("b", (4,))] and op.stateful and op.type == "simple_rnn"
    W, b = rng.normal(size=(7, 4)), rng.normal(size=4)
    op.bind(Parameters.of({"w": W, "b": b}))
    x, h = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 4))
    p = op.run(x, (h,))
    for t in range(6):
        h = np.tanh(h @ W[:4] + x[:, t] @ W[4:] + b)
        assert np.allclose(p.h[:, t], h, rtol=0, atol=1e-14)
    assert np.array_equal(p.state[0], p.h[:, -1]) and set(op.step_values(p)) == {"h"}


def test_gru_is_the_documented_arithmetic():
    rng = np.random.default_rng(1)
    H = 4
    op = GRU(3, H, "w", "b", "bn")
    assert op.parameter_specs() == [("w", (7, 12)), ("b", (12,)), ("bn", (4,))] and op.block_names == ("z", "r", "n")
    W, b, bn = rng.normal(size=(7, 12)), rng.normal(size=12), rng.normal(size=4)
    op.bind(Parameters.of({"w": W, "b": b, "bn": bn}))
    x, h = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, H))
    p = op.run(x, (h,))
    values = op.step_values(p)
    for t in range(5):
        xs = x[:, t] @ W[H:] + b
        hs = h @ W[:H]
        z = sigmoid(xs[:, :H] + hs[:, :H])
        r = sigmoid(xs[:, H : 2 * H] + hs[:, H : 2 * H])
        n = np.tanh(xs[:, 2 * H :] + r * (hs[:, 2 * H :] + bn))
        h = (1 - z) * n + z * h
        for name, v in (("z", z), ("r", r), ("n", n), ("h", h)):
            assert np.allclose(values[name][:, t], v, rtol=0, atol=1e-14), (name, t)


def test_starting_arrays():
    for op in (SimpleRNN(5, 9, "w", "b"), GRU(5, 9, "w", "b", "bn")):
        arrays = op.init_arrays(np.random.default_rng(0))
        assert {k: v.shape for k, v in arrays.items()} == dict(op.parameter_specs())
        assert np.abs(arrays["w"]).max() <= 1 / 3 and np.abs(arrays["w"]).max() > 0.3
        assert all(np.all(arrays[k] == 0) for k in arrays if k != "w")
        assert np.abs(op.init_arrays(np.random.default_rng(0), scale=0.01)["w"]).max() <= 0.01


def test_a_simple_rnn_in_single_precision_runs_in_single_precision():
    """A single-precision network's recurrent layer: the same outputs as in
    double precision, to single precision's rounding, and kept single."""
    rng = np.random.default_rng(2)
    W, b = rng.normal(size=(7, 4)) * 0.5, rng.normal(size=4) * 0.5
    x, h = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 4))
    double, single = SimpleRNN(3, 4, "w", "b"), SimpleRNN(3, 4, "w", "b")
    double.bind(Parameters.of({"w": W, "b": b}))
    single.bind(Parameters.of({"w": W, "b": b}, dtype=np.float32))
    p64, p32 = double.run(x, (h,)), single.run(x.astype(np.float32), (h.astype(np.float32),))
    assert p32.h.dtype == np.float32
    assert np.allclose(p32.h, p64.h, rtol=0, atol=1e-5)


def test_a_recurrent_layer_s_backward_runs_forward_again_on_inputs_it_did_not_see_last():
    """Gradients asked for other inputs than the last forward pass's (as
    the step-through does when it shows one sample after a batch) are those
    of these inputs."""
    rng = np.random.default_rng(3)
    op = SimpleRNN(3, 4, "w", "b")
    op.bind(Parameters.of({"w": rng.normal(size=(7, 4)), "b": rng.normal(size=4)}))
    x1, x2 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 3))
    d = rng.normal(size=(2, 5, 4))

    def grads_after(first):
        op.reset_state()
        op.last = None
        op.forward([first], 2)
        out = Parameters.of({"w": np.zeros((7, 4)), "b": np.zeros(4)})
        dx, params = op.backward(d, [x2], out, [True])
        return dx[0], {k: np.array(v) for k, v in params.items()}

    dx_fresh, p_fresh = grads_after(x2)
    dx_other, p_other = grads_after(x1)
    assert np.allclose(dx_other, dx_fresh, rtol=0, atol=1e-12)
    assert p_other.keys() == p_fresh.keys()
    assert all(np.allclose(p_other[k], p_fresh[k], rtol=0, atol=1e-12) for k in p_fresh)
