"""The recurrent layers' arrays in PyTorch's layout without PyTorch: the
arrays ``to_torch`` gives, run through PyTorch's documented formulas written
here in NumPy (nn.RNN, nn.LSTM, nn.GRU), give the layer's own outputs;
``from_torch`` reads PyTorch's two biases, split in any way, back to ours; a
gate block read by name; each node's outputs stacked over the steps."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine_conv import numeric

from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import Parameters

N_IN, H = 3, 2  # fewer cells than inputs: the two halves of the weight matrix differ in shape


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def torch_rnn(t, x, h):
    """nn.RNN (tanh), batch_first, from its own arrays."""
    out = []
    for s in range(x.shape[1]):
        h = np.tanh(x[:, s] @ t["weight_ih_l0"].T + t["bias_ih_l0"] + h @ t["weight_hh_l0"].T + t["bias_hh_l0"])
        out.append(h)
    return np.stack(out, axis=1)


def torch_lstm(t, x, h, c):
    """nn.LSTM: gates in the order i, f, g, o."""
    out = []
    for s in range(x.shape[1]):
        g = x[:, s] @ t["weight_ih_l0"].T + t["bias_ih_l0"] + h @ t["weight_hh_l0"].T + t["bias_hh_l0"]
        i, f, gg, o = sigmoid(g[:, :H]), sigmoid(g[:, H : 2 * H]), np.tanh(g[:, 2 * H : 3 * H]), sigmoid(g[:, 3 * H :])
        c = f * c + i * gg
        h = o * np.tanh(c)
        out.append(h)
    return np.stack(out, axis=1)


def torch_gru(t, x, h):
    """nn.GRU: gates in the order r, z, n, the reset applied to W_hn·h + b_hn."""
    out = []
    for s in range(x.shape[1]):
        gi = x[:, s] @ t["weight_ih_l0"].T + t["bias_ih_l0"]
        gh = h @ t["weight_hh_l0"].T + t["bias_hh_l0"]
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
        h = (1 - z) * n + z * h
        out.append(h)
    return np.stack(out, axis=1)


def layer(kind):
    if kind == "rnn":
        return SimpleRNN(N_IN, H, "w", "b")
    if kind == "lstm":
        return LSTM(N_IN, H, "w", "b")
    return GRU(N_IN, H, "w", "b", "bn")


def random_arrays(op, seed=0):
    rng = np.random.default_rng(seed)
    return {name: rng.normal(0, 0.7, shape) for name, shape in op.parameter_specs()}


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("batch,steps", [(1, 1), (3, 4)])
def test_the_pytorch_arrays_run_through_pytorchs_formulas_give_the_layers_outputs(kind, batch, steps):
    op = layer(kind)
    arrays = random_arrays(op)
    t = op.to_torch(arrays)
    blocks = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    assert {k: v.shape for k, v in t.items()} == {
        "weight_ih_l0": (blocks * H, N_IN), "weight_hh_l0": (blocks * H, H),
        "bias_ih_l0": (blocks * H,), "bias_hh_l0": (blocks * H,)}
    op.bind(Parameters.of(arrays))
    rng = np.random.default_rng(1)
    x = rng.normal(size=(batch, steps, N_IN))
    h0 = rng.normal(size=(batch, H))
    if kind == "lstm":
        c0 = rng.normal(size=(batch, H))
        p = op.run(x, (h0, c0))
        expected = torch_lstm(t, x, h0, c0)
    else:
        p = op.run(x, (h0,))
        expected = (torch_rnn if kind == "rnn" else torch_gru)(t, x, h0)
    np.testing.assert_allclose(p.h, expected, rtol=0, atol=1e-13)


def test_the_documented_block_orders_in_pytorchs_layout():
    """Ours: LSTM f, i, c̃, o and GRU z, r, n; PyTorch's: i, f, g, o and r, z, n.
    The weight matrix's first ``size`` rows read h, the rest x."""
    op = layer("lstm")
    a = random_arrays(op)
    W, b = a["w"], a["b"]
    t = op.to_torch(a)
    ours = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(("f", "i", "c_tilde", "o"))}
    for k, name in enumerate(("i", "f", "c_tilde", "o")):
        rows = slice(k * H, (k + 1) * H)
        assert np.array_equal(t["weight_ih_l0"][rows], W[H:, ours[name]].T), name
        assert np.array_equal(t["weight_hh_l0"][rows], W[:H, ours[name]].T), name
        assert np.array_equal(t["bias_ih_l0"][rows], b[ours[name]]), name
    assert np.array_equal(t["bias_hh_l0"], np.zeros(4 * H))
    op = layer("gru")
    a = random_arrays(op)
    W, b = a["w"], a["b"]
    t = op.to_torch(a)
    ours = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(("z", "r", "n"))}
    for k, name in enumerate(("r", "z", "n")):
        rows = slice(k * H, (k + 1) * H)
        assert np.array_equal(t["weight_ih_l0"][rows], W[H:, ours[name]].T), name
        assert np.array_equal(t["weight_hh_l0"][rows], W[:H, ours[name]].T), name
        assert np.array_equal(t["bias_ih_l0"][rows], b[ours[name]]), name
    assert np.array_equal(t["bias_hh_l0"], np.concatenate([np.zeros(2 * H), a["bn"]]))
    # the recurrent layer's arrays are left as they were
    assert np.array_equal(a["w"], W) and np.array_equal(a["b"], random_arrays(op)["b"])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_pytorchs_two_biases_split_any_way_read_back_to_the_same_layer(kind):
    op = layer(kind)
    arrays = random_arrays(op, seed=2)
    t = op.to_torch(arrays)
    rng = np.random.default_rng(3)
    shift = rng.normal(size=t["bias_ih_l0"].shape)
    if kind == "gru":
        shift[2 * H :] = 0.0  # the candidate's recurrent bias sits inside the reset: it cannot move
    split = {**t, "bias_ih_l0": t["bias_ih_l0"] - shift, "bias_hh_l0": t["bias_hh_l0"] + shift}
    back = op.from_torch(split["weight_ih_l0"], split["weight_hh_l0"], split["bias_ih_l0"], split["bias_hh_l0"])
    assert set(back) == set(arrays)
    for name in arrays:
        assert back[name].shape == arrays[name].shape
        np.testing.assert_allclose(back[name], arrays[name], rtol=0, atol=1e-14, err_msg=name)
        assert back[name].flags.c_contiguous
    # and read back, they run as PyTorch would
    op.bind(Parameters.of(back))
    x = rng.normal(size=(2, 3, N_IN))
    h0 = np.zeros((2, H))
    ref = {"rnn": lambda: torch_rnn(split, x, h0), "gru": lambda: torch_gru(split, x, h0),
           "lstm": lambda: torch_lstm(split, x, h0, h0)}[kind]()
    np.testing.assert_allclose(op.run(x).h, ref, rtol=0, atol=1e-13)


def test_a_gate_block_by_name_is_its_columns():
    op = layer("lstm")
    a = np.arange(3 * 4 * H).reshape(3, 4 * H)
    for k, name in enumerate(("f", "i", "c_tilde", "o")):
        assert np.array_equal(op.block(a, name), a[:, k * H : (k + 1) * H])
    g = layer("gru")
    w = np.arange(5 * 3 * H).reshape(5, 3 * H)
    assert np.array_equal(g.block(w, "n"), w[:, 2 * H :]) and np.array_equal(g.block(w, "z"), w[:, :H])
    assert np.array_equal(g.block(w[0], "r"), w[0, H : 2 * H])
    with pytest.raises(ValueError):
        g.block(w, "f")


def test_a_plain_recurrent_layers_step_values_are_its_outputs():
    op = layer("rnn")
    op.bind(Parameters.of(random_arrays(op)))
    p = op.run(np.random.default_rng(0).normal(size=(3, 4, N_IN)))
    values = op.step_values(p)
    assert list(values) == ["h"] and values["h"] is p.h


def test_a_sequence_trace_stacks_each_nodes_values_over_the_steps():
    from nnsim.design.build import add_layer, connect_all, initialize
    from nnsim.design.compile import compile_design
    from nnsim.design.model import Activation, Design, LayerKind
    from nnsim.engine import sequence

    d = Design()
    i = add_layer(d, LayerKind.INPUT, 2)
    h = add_layer(d, LayerKind.HIDDEN, 3, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.SIGMOID)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, h.id, delay=1)
    connect_all(d, h.id, o.id)
    initialize(d, np.random.default_rng(0))
    net = compile_design(d).network
    X = np.random.default_rng(1).normal(size=(3, 4, 2))
    out = net.output_layers[0].index
    hidden = [n.index for n in net.layers if n.size == 3][0]
    for keep_z in (False, True):
        trace = sequence.forward(net, X, keep_z=keep_z)
        for node in (hidden, out):
            st = trace.stacked(node)
            assert st.shape == (3, 4, net.layers[node].size)
            for t in range(4):
                assert np.array_equal(st[:, t], trace.a[t][node])
        if keep_z:
            z = trace.stacked(out, "z")
            assert z.shape == (3, 4, 1)
            np.testing.assert_allclose(sigmoid(z), trace.stacked(out, "a"), rtol=1e-14)
            assert not np.array_equal(z, trace.stacked(out))
        else:
            assert trace.stacked(hidden, "z") is None
    # a network without a loop keeps its steps too
    d.connections = [c for c in d.connections if not c.delay]
    net = compile_design(d).network
    trace = sequence.forward(net, X, keep_z=True)
    st = trace.stacked(out, "z")
    assert st.shape == (3, 4, 1)
    np.testing.assert_allclose(sigmoid(st), trace.stacked(out), rtol=1e-14)


def test_the_refusals_word_for_word():
    lstm, gru = layer("lstm"), layer("gru")
    lstm.bind(Parameters.of(random_arrays(lstm)))
    gru.bind(Parameters.of(random_arrays(gru)))

    def says(call, text):
        with pytest.raises(ValueError) as refused:
            call()
        assert str(refused.value) == text

    says(lambda: lstm.run(np.zeros((2, 5))), "sequences of shape (batch, T, 3) are needed, not (2, 5)")
    says(lambda: gru.run(np.zeros((2, 5, 4))), "sequences of shape (batch, T, 3) are needed, not (2, 5, 4)")
    says(lambda: lstm.run(np.zeros((2, 5, 3)), (np.zeros((2, H)),)), "the state is 2 arrays (h, c)")
    says(lambda: gru.run(np.zeros((2, 5, 3)), (np.zeros((2, H)), np.zeros((2, H)))), "the state is 1 arrays (h)")
    says(lambda: lstm.run(np.zeros((2, 5, 3)), (np.zeros((2, H)), np.zeros((1, H)))),
         "state c must have shape (2, 2), not (1, 2)")
    says(lambda: gru.run(np.zeros((3, 1, 3)), (np.zeros((3, 3)),)), "state h must have shape (3, 2), not (3, 3)")
    p = gru.run(np.zeros((3, 4, 3)))
    says(lambda: gru.backprop(p, np.zeros((3, 4, 3))), "the output gradient must have shape (3, 4, 2), not (3, 4, 3)")
    says(lambda: gru.backprop(p, np.zeros((3, 4, 2)), truncate=0), "truncation needs at least one step")
    says(lambda: SimpleRNN(3, 0, "w", "b"), "a recurrent layer needs at least one cell and no negative input size")
    says(lambda: SimpleRNN(-1, 2, "w", "b"), "a recurrent layer needs at least one cell and no negative input size")
    says(lambda: LSTM(3, 2, "w", "b", forget_gate=False).to_torch({}), "this lstm layer has no PyTorch counterpart")
    assert SimpleRNN(0, 1, "w", "b").parameter_specs() == [("w", (1, 1)), ("b", (1,))]


def test_a_reset_layer_starts_again_from_zeros():
    op = layer("rnn")
    op.bind(Parameters.of(random_arrays(op)))
    x = np.random.default_rng(1).normal(size=(2, 3, N_IN))
    _, first = op.forward([x], 2)
    op.state = op.final_state  # carried on, as the trainer does between chunks
    _, carried = op.forward([x], 2)
    assert not np.allclose(carried, first)
    op.reset_state()
    assert op.state is None
    _, again = op.forward([x], 2)
    np.testing.assert_array_equal(again, first)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "lstm-no-forget", "gru"])
@pytest.mark.parametrize("n, T, n_in, size", [(1, 1, 1, 3), (3, 3, 5, 2), (1, 4, 2, 1)])
def test_gradients_on_irregular_shapes_against_finite_differences(kind, n, T, n_in, size):
    """One sample or three, one step or several, more inputs than cells or
    fewer, one cell: every parameter, the input and the starting state."""
    if kind == "rnn":
        op = SimpleRNN(n_in, size, "w", "b")
    elif kind == "gru":
        op = GRU(n_in, size, "w", "b", "bn")
    else:
        op = LSTM(n_in, size, "w", "b", forget_gate=kind == "lstm")
    rng = np.random.default_rng(n * 10 + T)
    params = Parameters.of({name: rng.normal(0, 0.8, shape) for name, shape in op.parameter_specs()})
    op.bind(params)
    x = rng.normal(size=(n, T, n_in))
    start = tuple(rng.normal(size=(n, size)) for _ in op.state_names)
    G = rng.normal(size=(n, T, size))
    D = tuple(rng.normal(size=(n, size)) for _ in op.state_names)

    def loss():
        p = op.run(x, start)
        return float((p.h * G).sum() + sum((s * d).sum() for s, d in zip(p.state, D)))

    g = op.backprop(op.run(x, start), G, d_state=D)
    for name, _ in op.parameter_specs():
        np.testing.assert_allclose(g.params[name], numeric(loss, params[name]), rtol=1e-6, atol=1e-8, err_msg=name)
    np.testing.assert_allclose(g.dx, numeric(loss, x), rtol=1e-6, atol=1e-8)
    for got, s in zip(g.d_state, start):
        np.testing.assert_allclose(got, numeric(loss, s), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_single_precision_follows_double(kind):
    ops = {}
    arrays = random_arrays(layer(kind), seed=5)
    for dtype in (np.float32, np.float64):
        op = layer(kind)
        op.bind(Parameters.of(arrays, dtype=dtype))
        ops[dtype] = op
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 5, N_IN))
    G = rng.normal(size=(3, 5, H))
    p32, p64 = ops[np.float32].run(x.astype(np.float32)), ops[np.float64].run(x)
    assert p32.h.dtype == np.float32 and all(s.dtype == np.float32 for s in p32.state)
    np.testing.assert_allclose(p32.h, p64.h, rtol=1e-5, atol=1e-6)
    g32, g64 = ops[np.float32].backprop(p32, G), ops[np.float64].backprop(p64, G)
    assert g32.dx.dtype == np.float32
    for name in arrays:
        assert g32.params[name].dtype == np.float32
        np.testing.assert_allclose(g32.params[name], g64.params[name], rtol=1e-4, atol=1e-5, err_msg=name)
    np.testing.assert_allclose(g32.dx, g64.dx, rtol=1e-4, atol=1e-5)
