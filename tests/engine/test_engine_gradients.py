"""Backpropagation against finite differences, in float64.

Every activation and every loss (fused and non-fused paths), on designs with
partial connectivity, frozen connections, skip connections, a layer of mixed
activations and several output layers. Inputs are chosen so that no weighted
sum sits near a kink (ReLU at 0, step/sign at their threshold), where the
finite difference would not be a derivative.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import add_layer, connect_all, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, Design, LayerKind, Loss
from nnsim.engine import losses
from nnsim.engine.gradcheck import max_relative_error, numerical_gradients

TOL = 1e-5
KINK_MARGIN = 1e-4
SMOOTH = [Activation.LINEAR, Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU]
KINKED = {Activation.RELU, Activation.LEAKY_RELU}
THRESHOLDED = {Activation.STEP, Activation.SIGN}


# -- helpers -------------------------------------------------------------------


def randomize(design: Design, rng: np.random.Generator, scale: float = 0.8) -> None:
    """Random weights (frozen ones too) and random biases and thresholds."""
    inputs = {layer.id for layer in design.layers_of_kind(LayerKind.INPUT)}
    for c in design.connections:
        c.weight = float(rng.normal(scale=scale))
    for n in design.neurons:
        if n.layer not in inputs:
            n.bias = float(rng.normal(scale=0.3))
            n.threshold = float(rng.uniform(-0.3, 0.3))


def targets_for(net, rng: np.random.Generator, n: int) -> np.ndarray:
    """Targets matching each output layer's activation and the loss."""
    cols = []
    for op in net.output_layers:
        kinds = set(op.act.kinds)
        if net.loss == Loss.SOFTMAX_CROSS_ENTROPY or kinds == {Activation.SOFTMAX}:
            cols.append(np.eye(op.size)[rng.integers(0, op.size, size=n)])
        elif net.loss == Loss.BINARY_CROSS_ENTROPY:
            cols.append(rng.integers(0, 2, size=(n, op.size)).astype(float))
        else:
            cols.append(rng.uniform(-0.9, 0.9, size=(n, op.size)))
    return np.concatenate(cols, axis=1)


def kink_distance(net, X) -> float:
    """Smallest distance of any ReLU-like z to 0 and any step/sign z to its threshold."""
    trace = net.forward(X, keep_z=True)
    worst = np.inf
    for op in net.layers:
        if op.act is None:
            continue
        z = trace.z[op.index]
        for col, kind in enumerate(op.act.kinds):
            if kind in KINKED:
                worst = min(worst, float(np.abs(z[:, col]).min()))
            elif kind in THRESHOLDED:
                worst = min(worst, float(np.abs(z[:, col] - op.act.thr[col]).min()))
    return worst


def prepared(make_design, loss: Loss, n: int = 6, seed: int = 0):
    """Compile ``make_design()`` with random numbers, retrying seeds until no z
    is within KINK_MARGIN of a kink. Returns (compiled, design, X, Y)."""
    for s in range(seed, seed + 50):
        rng = np.random.default_rng(s)
        design = make_design()
        design.training.loss = loss
        randomize(design, rng)
        compiled = compile_design(design, np.float64)
        net = compiled.network
        X = rng.uniform(-1.0, 1.0, size=(n, net.n_inputs))
        Y = targets_for(net, rng, n)
        if kink_distance(net, X) > KINK_MARGIN:
            return compiled, design, X, Y
    raise AssertionError("no kink-free configuration found")


def assert_gradients_match(net, X, Y, tol: float = TOL) -> None:
    err = max_relative_error(net, X, Y)
    assert err < tol, f"max relative error {err:.3g}"
    analytic = net.loss_and_grads(X, Y).as_list(net)
    # The check is not vacuous: some gradient is clearly non-zero.
    assert max(float(np.abs(g).max()) for g in analytic) > 1e-3


def frozen_and_absent(compiled, design):
    """Per block: boolean arrays of frozen entries and of absent entries."""
    net = compiled.network
    frozen = [np.zeros(b.W.shape, dtype=bool) for b in net.blocks]
    for k, c in enumerate(design.connections):
        if c.frozen:
            frozen[compiled.conn_block[k]][compiled.conn_row[k], compiled.conn_col[k]] = True
    absent = [np.zeros(b.W.shape, dtype=bool) if b.mask is None else ~b.mask for b in net.blocks]
    return frozen, absent


# -- designs -------------------------------------------------------------------


def simple(hidden: Activation, output: Activation, sizes=(3, 4, 3)):
    return lambda: layered(list(sizes), hidden, output)


def complex_design(output: Activation, second_output: Activation | None = None):
    """Inputs(3) -> h1(4, tanh) -> h2(4, mixed) -> out(3), with:
    input -> out directly (skip), h1 -> out skipping h2 (partial), h1 -> h2
    partial, some frozen connections; optionally a second output layer fed by
    h1 and the inputs."""

    def make():
        d = Design()
        inp = add_layer(d, LayerKind.INPUT, 3)
        h1 = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
        h2 = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
        out = add_layer(d, LayerKind.OUTPUT, 3, output)
        for n, kind in zip(d.neurons_of(h2.id), [Activation.RELU, Activation.SIGMOID, Activation.LEAKY_RELU, None]):
            n.activation = kind  # the last keeps the layer's tanh
        connect_all(d, inp.id, h1.id)
        # h1 -> h2: partial (drop two pairs)
        for k, (s, t) in enumerate((s, t) for s in d.neurons_of(h1.id) for t in d.neurons_of(h2.id)):
            if k not in (1, 6):
                d.connections.append(Connection(s.id, t.id))
        connect_all(d, h2.id, out.id)
        connect_all(d, inp.id, out.id)  # skip: input -> output directly
        h1n, outn = d.neurons_of(h1.id), d.neurons_of(out.id)
        d.connections += [Connection(h1n[0].id, outn[0].id), Connection(h1n[2].id, outn[2].id)]  # skip h2
        if second_output is not None:
            out2 = add_layer(d, LayerKind.OUTPUT, 2, second_output, name="output 2")
            connect_all(d, h1.id, out2.id)
            connect_all(d, inp.id, out2.id)
        for k in (0, 5, len(d.connections) - 1, len(d.connections) - 3):
            d.connections[k].frozen = True
        return d

    return make


# -- every activation, every loss ------------------------------------------------


@pytest.mark.parametrize("output", SMOOTH + [Activation.SOFTMAX])
def test_mse_with_every_output_activation(output):
    compiled, _, X, Y = prepared(simple(Activation.TANH, output), Loss.MSE)
    net = compiled.network
    assert not net.output_layers[0].fused
    assert_gradients_match(net, X, Y)


@pytest.mark.parametrize("hidden", SMOOTH + [Activation.SOFTMAX])
def test_every_hidden_activation(hidden):
    compiled, _, X, Y = prepared(simple(hidden, Activation.LINEAR, (3, 5, 2)), Loss.MSE)
    assert_gradients_match(compiled.network, X, Y)


def test_binary_cross_entropy_with_sigmoid_outputs_is_fused_and_exact():
    compiled, _, X, Y = prepared(simple(Activation.TANH, Activation.SIGMOID, (3, 4, 2)), Loss.BINARY_CROSS_ENTROPY)
    net = compiled.network
    assert net.output_layers[0].fused
    assert_gradients_match(net, X, Y)


def test_softmax_cross_entropy_with_softmax_outputs_is_fused_and_exact():
    compiled, _, X, Y = prepared(simple(Activation.TANH, Activation.SOFTMAX), Loss.SOFTMAX_CROSS_ENTROPY)
    net = compiled.network
    assert net.output_layers[0].fused
    assert_gradients_match(net, X, Y)


def test_mse_with_sigmoid_and_softmax_are_not_fused():
    for act in (Activation.SIGMOID, Activation.SOFTMAX):
        compiled, _, _, _ = prepared(simple(Activation.TANH, act), Loss.MSE)
        assert not compiled.network.output_layers[0].fused


def test_binary_cross_entropy_on_a_mixed_output_layer_uses_the_chain_rule():
    """A sigmoid/tanh output layer with BCE cannot take the fused path; the
    non-fused one must still be exact (tanh outputs kept inside (0, 1))."""

    def make():
        d = layered([2, 3, 2], Activation.TANH, Activation.SIGMOID)
        d.neurons[-1].activation = Activation.TANH
        return d

    for s in range(50):
        compiled, design, X, Y = prepared(make, Loss.BINARY_CROSS_ENTROPY, seed=s)
        net = compiled.network
        if (net.predict(X)[:, 1] > 0.05).all():
            break
    else:
        raise AssertionError("no configuration with tanh outputs in (0, 1)")
    assert not net.output_layers[0].fused
    assert_gradients_match(net, X, Y)


# -- fused paths stay exact where the outputs saturate ---------------------------


def _single_layer(output: Activation, loss: Loss, n_out: int):
    d = layered([1, n_out], output=output)
    d.training.loss = loss
    return compile_design(d).network


def test_fused_softmax_gradient_survives_saturation():
    net = _single_layer(Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY, 2)
    net.blocks[0].W[...] = [[1000.0, -1000.0]]  # class 0 certain, target says class 1
    X, Y = np.array([[1.0]]), np.array([[0.0, 1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        g = net.loss_and_grads(X, Y)
    assert g.loss == 2000.0  # −log softmax of z = (1000, −1000) at the wrong class, from z: not clipped
    np.testing.assert_allclose(g.delta[net.output_layers[0].index], [[1.0, -1.0]], atol=1e-12)
    np.testing.assert_allclose(g.dW[0], [[1.0, -1.0]], atol=1e-12)


def test_fused_sigmoid_gradient_survives_saturation():
    net = _single_layer(Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY, 1)
    net.blocks[0].W[...] = [[-1000.0]]
    X, Y = np.array([[1.0]]), np.array([[1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        g = net.loss_and_grads(X, Y)
    assert g.loss == 1000.0  # −log σ(−1000), from z: not clipped
    np.testing.assert_allclose(g.delta[net.output_layers[0].index], [[-1.0]], atol=1e-12)
    np.testing.assert_allclose(g.db[net.output_layers[0].index], [-1.0], atol=1e-12)


# -- step and sign: zero gradient, and finite differences agree -------------------


@pytest.mark.parametrize("kind", [Activation.STEP, Activation.SIGN])
def test_thresholded_hidden_layer_gives_zero_gradient_to_what_feeds_it(kind):
    compiled, _, X, Y = prepared(simple(kind, Activation.LINEAR, (3, 4, 2)), Loss.MSE)
    net = compiled.network
    analytic = net.loss_and_grads(X, Y)
    numeric = numerical_gradients(net, X, Y)
    # input -> hidden weights and hidden biases: exactly zero, both ways
    assert net.blocks[0].dst == 1
    assert np.array_equal(analytic.dW[0], np.zeros_like(net.blocks[0].W))
    assert np.array_equal(analytic.db[1], np.zeros(4))
    assert np.abs(numeric[0]).max() == 0.0
    assert np.abs(numeric[2]).max() == 0.0  # params: W0, W1, b_hidden, b_out
    # hidden -> output still learns
    assert np.abs(analytic.dW[1]).max() > 1e-3
    assert max_relative_error(net, X, Y) < TOL


@pytest.mark.parametrize("kind", [Activation.STEP, Activation.SIGN])
def test_thresholded_output_layer_gives_zero_gradient(kind):
    compiled, _, X, Y = prepared(simple(Activation.TANH, kind, (3, 4, 2)), Loss.MSE)
    net = compiled.network
    g = net.loss_and_grads(X, Y)
    for arr in g.as_list(net):
        assert np.array_equal(arr, np.zeros_like(arr))
    for arr in numerical_gradients(net, X, Y):
        assert np.abs(arr).max() == 0.0
    assert g.loss > 0


# -- masks, frozen connections, skips, mixed activations, several outputs ----------


@pytest.mark.parametrize(
    "output, loss",
    [
        (Activation.LINEAR, Loss.MSE),
        (Activation.SIGMOID, Loss.MSE),
        (Activation.SOFTMAX, Loss.MSE),
        (Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
        (Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
    ],
)
def test_complex_design(output, loss):
    compiled, design, X, Y = prepared(complex_design(output), loss)
    net = compiled.network
    assert_gradients_match(net, X, Y)
    # the structure really is what the test claims
    assert any(b.mask is not None for b in net.blocks)
    assert any(b.grad_mask is not None for b in net.blocks)
    assert len(net.blocks) == 5  # in->h1, in->out, h1->h2, h1->out, h2->out
    frozen, absent = frozen_and_absent(compiled, design)
    assert sum(f.sum() for f in frozen) == 4
    g = net.backward(net.forward(X), Y)  # as training uses them: frozen entries masked
    for dW, f, a in zip(g.dW, frozen, absent):
        assert np.all(dW[f] == 0.0)
        assert np.all(dW[a] == 0.0)
    for dW, a in zip(numerical_gradients(net, X, Y)[: len(net.blocks)], absent):
        assert np.all(dW[a] == 0.0)  # an absent connection is no parameter


def test_frozen_connection_has_a_nonzero_true_gradient_but_reports_zero():
    """Freezing masks, for training, a gradient that is non-zero (and true)."""
    compiled, design, X, Y = prepared(complex_design(Activation.LINEAR), Loss.MSE)
    frozen, _ = frozen_and_absent(compiled, design)
    net = compiled.network
    true = net.loss_and_grads(X, Y)
    assert any(np.abs(dW[f]).max() > 1e-4 for dW, f in zip(true.dW, frozen) if f.any())
    numeric = numerical_gradients(net, X, Y)
    for dW, num, f in zip(true.dW, numeric, frozen):
        np.testing.assert_allclose(dW[f], num[f], rtol=1e-6, atol=1e-9)
    g = net.backward(net.forward(X), Y)
    for dW, f in zip(g.dW, frozen):
        assert np.all(dW[f] == 0.0)


@pytest.mark.parametrize(
    "first, second, loss",
    [
        (Activation.LINEAR, Activation.SIGMOID, Loss.MSE),
        (Activation.SIGMOID, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
        (Activation.SOFTMAX, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
        (Activation.SOFTMAX, Activation.TANH, Loss.MSE),
    ],
)
def test_two_output_layers(first, second, loss):
    compiled, _, X, Y = prepared(complex_design(first, second), loss)
    net = compiled.network
    assert len(net.output_layers) == 2 and net.n_outputs == 5
    assert_gradients_match(net, X, Y)
    # the total loss is the sum of the two layers' losses
    out = net.predict(X)
    parts = losses.VALUE[loss](out[:, :3], Y[:, :3]) + losses.VALUE[loss](out[:, 3:], Y[:, 3:])
    assert net.loss_and_grads(X, Y).loss == pytest.approx(parts, rel=1e-12)
    assert net.loss_value(out, Y) == pytest.approx(parts, rel=1e-12)


def test_output_columns_follow_design_order_not_topological_order():
    """Output layer A is declared first but computed last; Y's first columns are A's."""
    d = Design()
    inp = add_layer(d, LayerKind.INPUT, 2)
    out_a = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR, name="A")
    out_b = add_layer(d, LayerKind.OUTPUT, 2, Activation.LINEAR, name="B")
    hid = add_layer(d, LayerKind.HIDDEN, 3, Activation.TANH)
    connect_all(d, inp.id, hid.id)
    connect_all(d, hid.id, out_a.id)
    connect_all(d, inp.id, out_b.id)
    rng = np.random.default_rng(3)
    randomize(d, rng)
    compiled = compile_design(d)
    net = compiled.network
    assert [op.kind for op in net.layers] == ["input", "output", "hidden", "output"]
    a_op = net.layers[compiled.layer_index[out_a.id]]
    b_op = net.layers[compiled.layer_index[out_b.id]]
    assert a_op.columns == slice(0, 1) and b_op.columns == slice(1, 3)
    X = rng.uniform(-1, 1, size=(4, 2))
    trace = net.forward(X)
    out = net.outputs(trace)
    np.testing.assert_array_equal(out[:, :1], trace.a[a_op.index])
    np.testing.assert_array_equal(out[:, 1:], trace.a[b_op.index])
    Y = rng.uniform(-1, 1, size=(4, 3))
    assert max_relative_error(net, X, Y) < TOL


def test_gradient_check_notices_a_wrong_gradient():
    """max_relative_error itself is sensitive (guards every test above)."""
    compiled, _, X, Y = prepared(simple(Activation.TANH, Activation.LINEAR), Loss.MSE)
    net = compiled.network
    original = net.backward

    def wrong(trace, Y, need_input_delta=False, grads=None, mask_frozen=True):
        g = original(trace, Y, need_input_delta, grads, mask_frozen)
        g.dW[0][...] *= 1.01
        return g

    net.backward = wrong
    assert max_relative_error(net, X, Y) > 1e-3


def test_two_input_layers_read_their_own_columns():
    """Input layer A (2 neurons) declared before B (1 neuron), B declared
    first among the layers: X's first two columns are A's, the last is B's."""
    d = Design()
    b_in = add_layer(d, LayerKind.INPUT, 1, name="B")
    out = add_layer(d, LayerKind.OUTPUT, 2, Activation.LINEAR)
    a_in = add_layer(d, LayerKind.INPUT, 2, name="A")
    hid = add_layer(d, LayerKind.HIDDEN, 2, Activation.TANH)
    connect_all(d, a_in.id, hid.id)
    connect_all(d, hid.id, out.id)
    connect_all(d, b_in.id, out.id)
    rng = np.random.default_rng(5)
    randomize(d, rng)
    compiled = compile_design(d)
    net = compiled.network
    assert net.n_inputs == 3
    # columns follow the design's order of input layers: B first, then A
    assert net.layers[compiled.layer_index[b_in.id]].columns == slice(0, 1)
    assert net.layers[compiled.layer_index[a_in.id]].columns == slice(1, 3)
    X = rng.uniform(-1, 1, size=(5, 3))
    w = {(c.source, c.target): c.weight for c in d.connections}
    (xb,), (xa1, xa2) = d.neurons_of(b_in.id), d.neurons_of(a_in.id)
    expected = np.zeros((5, 2))
    for j, o in enumerate(d.neurons_of(out.id)):
        acc = o.bias + w[(xb.id, o.id)] * X[:, 0]
        for h in d.neurons_of(hid.id):
            acc = acc + w[(h.id, o.id)] * np.tanh(h.bias + w[(xa1.id, h.id)] * X[:, 1] + w[(xa2.id, h.id)] * X[:, 2])
        expected[:, j] = acc
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-12)
    assert max_relative_error(net, X, rng.uniform(-1, 1, size=(5, 2))) < TOL


# -- softmax layers whose targets do not sum to 1 ----------------------------------


def _two_softmax_layers():
    """One input x, two softmax output layers of two neurons each."""
    d = Design()
    inp = add_layer(d, LayerKind.INPUT, 1)
    first = add_layer(d, LayerKind.OUTPUT, 2, Activation.SOFTMAX, name="first")
    second = add_layer(d, LayerKind.OUTPUT, 2, Activation.SOFTMAX, name="second")
    connect_all(d, inp.id, first.id)
    connect_all(d, inp.id, second.id)
    for c, w in zip(d.connections, (1.0, -1.0, 0.5, -0.5)):
        c.weight = w
    d.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    return d


def test_a_softmax_layer_whose_targets_are_all_zero_gets_no_error():
    """Classes split over two softmax layers: target (1, 0, 0, 0) says nothing
    about the second layer, whose loss −Σ y·log a is 0 whatever it outputs."""
    net = compile_design(_two_softmax_layers()).network
    X, Y = np.array([[1.0]]), np.array([[1.0, 0.0, 0.0, 0.0]])
    g = net.loss_and_grads(X, Y)
    first, second = net.output_layers
    a1 = 1.0 / (1.0 + np.exp(-2.0))  # softmax of (1, −1)
    np.testing.assert_allclose(g.delta[first.index], [[a1 - 1.0, 1.0 - a1]], rtol=1e-14)
    np.testing.assert_array_equal(g.delta[second.index], [[0.0, 0.0]])
    np.testing.assert_array_equal(g.dW[1], [[0.0, 0.0]])  # the second layer's weights
    np.testing.assert_array_equal(g.db[second.index], [0.0, 0.0])
    assert g.loss == pytest.approx(-np.log(a1), rel=1e-14)
    for analytic, numeric in zip(g.as_list(net), numerical_gradients(net, X, Y)):
        np.testing.assert_allclose(analytic, numeric, atol=1e-9)


def soft_targets(net, rng: np.random.Generator, n: int) -> np.ndarray:
    """Targets in [0, 1] that need not sum to 1 in any layer (each row of a
    layer sums to somewhere between 0 and 2)."""
    cols = []
    for op in net.output_layers:
        share = rng.dirichlet(np.ones(op.size), size=n)  # (n, size), rows sum to 1
        cols.append(share * rng.uniform(0.0, 2.0, size=(n, 1)))
    return np.clip(np.concatenate(cols, axis=1), 0.0, 1.0)


@pytest.mark.parametrize("seed", range(6))
def test_several_softmax_layers_with_soft_targets_match_finite_differences(seed):
    compiled, _, X, _ = prepared(complex_design(Activation.SOFTMAX, Activation.SOFTMAX), Loss.SOFTMAX_CROSS_ENTROPY,
                                 seed=10 * seed)
    net = compiled.network
    assert all(op.fused for op in net.output_layers)
    Y = soft_targets(net, np.random.default_rng(seed), len(X))
    assert np.abs(Y[:, :3].sum(axis=1) - 1).max() > 0.05 and np.abs(Y[:, 3:].sum(axis=1) - 1).max() > 0.05
    assert_gradients_match(net, X, Y)


@pytest.mark.parametrize("seed", range(4))
def test_sigmoid_with_cross_entropy_and_soft_targets_matches_finite_differences(seed):
    compiled, _, X, _ = prepared(complex_design(Activation.SIGMOID, Activation.SIGMOID), Loss.BINARY_CROSS_ENTROPY,
                                 seed=10 * seed)
    net = compiled.network
    assert all(op.fused for op in net.output_layers)
    Y = np.random.default_rng(seed).uniform(0.0, 1.0, size=(len(X), net.n_outputs))
    assert_gradients_match(net, X, Y)
