"""One sample's numbers (nnsim.engine.inspect) against a neuron-by-neuron
computation in plain Python over the design's connections."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_layer
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, Design, LayerKind, Loss, Optimizer, TrainingSettings
from nnsim.engine.gradcheck import numerical_gradients
from nnsim.engine.inspect import inspect_sample
from nnsim.engine.optimizers import make_optimizer
from nnsim.engine.params import Parameters

SMOOTH = [Activation.LINEAR, Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU]
OUTPUTS = [
    (Loss.MSE, Activation.LINEAR),
    (Loss.MSE, Activation.TANH),
    (Loss.MSE, Activation.SIGMOID),
    (Loss.MSE, Activation.SOFTMAX),
    (Loss.MSE, Activation.RELU),
    (Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID),
    (Loss.SOFTMAX_CROSS_ENTROPY, Activation.SOFTMAX),
]


def random_design(seed: int) -> Design:
    """A random feed-forward design: 1-2 hidden layers, random per-neuron
    activations, random (partial, skipping) connections, some frozen."""
    rng = np.random.default_rng(seed)
    loss, out_act = OUTPUTS[seed % len(OUTPUTS)]
    d = Design(training=TrainingSettings(loss=loss, learning_rate=0.01))
    layers = [add_layer(d, LayerKind.INPUT, int(rng.integers(2, 4)))]
    for _ in range(int(rng.integers(1, 3))):
        layers.append(add_layer(d, LayerKind.HIDDEN, int(rng.integers(2, 5)), SMOOTH[int(rng.integers(len(SMOOTH)))]))
    layers.append(add_layer(d, LayerKind.OUTPUT, int(rng.integers(2, 4)), out_act))
    for layer in layers[1:-1]:
        for n in d.neurons_of(layer.id):
            if rng.random() < 0.5:
                n.activation = SMOOTH[int(rng.integers(len(SMOOTH)))]
    for i, src in enumerate(layers[:-1]):
        for dst in layers[i + 1 :]:
            p = 0.85 if dst is layers[i + 1] else 0.3
            for s in d.neurons_of(src.id):
                for t in d.neurons_of(dst.id):
                    if rng.random() < p:
                        d.connections.append(Connection(s.id, t.id, float(rng.normal()), frozen=bool(rng.random() < 0.15)))
    for n in d.neurons:
        if n.layer != layers[0].id:
            n.bias = float(rng.normal(scale=0.3))
    return d


def f(kind: Activation, z: float) -> float:
    return {
        Activation.LINEAR: lambda: z,
        Activation.SIGMOID: lambda: 1.0 / (1.0 + math.exp(-z)),
        Activation.TANH: lambda: math.tanh(z),
        Activation.RELU: lambda: max(0.0, z),
        Activation.LEAKY_RELU: lambda: z if z > 0 else 0.01 * z,
    }[kind]()


def df(kind: Activation, z: float) -> float:
    s = 1.0 / (1.0 + math.exp(-z))
    return {
        Activation.LINEAR: 1.0,
        Activation.SIGMOID: s * (1 - s),
        Activation.TANH: 1 - math.tanh(z) ** 2,
        Activation.RELU: 1.0 if z > 0 else 0.0,
        Activation.LEAKY_RELU: 1.0 if z > 0 else 0.01,
    }[kind]


def by_hand(design: Design, compiled, x, y):
    """z, a, δ per neuron id and ∂L/∂w per connection, one neuron at a time."""
    net = compiled.network
    z, a = {}, {}
    incoming = {}
    for c in design.connections:
        incoming.setdefault(c.target, []).append(c)
    outgoing = {}
    for c in design.connections:
        outgoing.setdefault(c.source, []).append(c)
    for op in net.layers:
        ids = compiled.neuron_ids(op.index)
        if op.kind == "input":
            for nid, col in zip(ids, range(op.columns.start, op.columns.stop)):
                a[nid] = float(x[col])
            continue
        for nid in ids:
            z[nid] = design.neuron(nid).bias + sum(c.weight * a[c.source] for c in incoming.get(nid, []))
        kinds = {design.activation_of(design.neuron(nid)) for nid in ids}
        if kinds == {Activation.SOFTMAX}:
            top = max(z[nid] for nid in ids)
            total = sum(math.exp(z[nid] - top) for nid in ids)
            for nid in ids:
                a[nid] = math.exp(z[nid] - top) / total
        else:
            for nid in ids:
                a[nid] = f(design.activation_of(design.neuron(nid)), z[nid])
    loss = design.training.loss
    delta = {}
    for op in reversed(net.layers):
        ids = compiled.neuron_ids(op.index)
        if op.kind == "input":
            continue
        kinds = {design.activation_of(design.neuron(nid)) for nid in ids}
        if op.kind == "output":
            t = {nid: float(y[col]) for nid, col in zip(ids, range(op.columns.start, op.columns.stop))}
            if loss == Loss.MSE:
                g = {nid: a[nid] - t[nid] for nid in ids}
            elif loss == Loss.BINARY_CROSS_ENTROPY:
                g = {nid: (a[nid] - t[nid]) / (a[nid] * (1 - a[nid])) for nid in ids}
            else:
                g = {nid: -t[nid] / a[nid] for nid in ids}
        else:
            g = {nid: sum(c.weight * delta[c.target] for c in outgoing.get(nid, [])) for nid in ids}
        if kinds == {Activation.SOFTMAX}:
            dot = sum(a[nid] * g[nid] for nid in ids)
            for nid in ids:
                delta[nid] = a[nid] * (g[nid] - dot)
        else:
            for nid in ids:
                delta[nid] = df(design.activation_of(design.neuron(nid)), z[nid]) * g[nid]
    dW = [a[c.source] * delta[c.target] for c in design.connections]  # frozen ones too: their true gradient
    return z, a, delta, dW


def sample(design: Design, compiled, seed: int):
    rng = np.random.default_rng(seed + 100)
    net = compiled.network
    x = rng.uniform(-1, 1, size=net.n_inputs)
    y = np.zeros(net.n_outputs)
    for op in net.output_layers:
        if design.training.loss == Loss.SOFTMAX_CROSS_ENTROPY:
            y[op.columns.start + int(rng.integers(op.size))] = 1.0
        elif design.training.loss == Loss.BINARY_CROSS_ENTROPY:
            y[op.columns] = rng.integers(0, 2, size=op.size)
        else:
            y[op.columns] = rng.uniform(-0.8, 0.8, size=op.size)
    return x, y


SEEDS = list(range(21))


@pytest.mark.parametrize("seed", SEEDS)
def test_forward_and_backward_numbers_match_a_hand_computation(seed):
    design = random_design(seed)
    compiled = compile_design(design)
    net = compiled.network
    x, y = sample(design, compiled, seed)
    ins = inspect_sample(net, x, y)
    z, a, delta, dW = by_hand(design, compiled, x, y)
    for nid, (li, col) in compiled.neuron_pos.items():
        assert ins.a[li][col] == pytest.approx(a[nid], rel=1e-12, abs=1e-14)
        if net.layers[li].kind == "input":
            assert ins.z[li] is None and ins.delta[li] is None
            continue
        assert ins.z[li][col] == pytest.approx(z[nid], rel=1e-12, abs=1e-14)
        assert ins.delta[li][col] == pytest.approx(delta[nid], rel=1e-9, abs=1e-12)
        assert ins.db[li][col] == pytest.approx(delta[nid], rel=1e-9, abs=1e-12)
    for k, c in enumerate(design.connections):
        b, r, col = compiled.conn_block[k], compiled.conn_row[k], compiled.conn_col[k]
        assert ins.dW[b][r, col] == pytest.approx(dW[k], rel=1e-9, abs=1e-12)
    # dW is the outer product a_src ⊗ δ_dst on every existing entry (frozen too), 0 where none is drawn
    for blk, g in zip(net.blocks, ins.dW):
        full = np.outer(ins.a[blk.src], ins.delta[blk.dst])
        keep = np.ones(blk.W.shape) if blk.mask is None else blk.mask
        np.testing.assert_allclose(g, full * keep, rtol=1e-12, atol=1e-15)
    # the output's δ is the loss derivative (the fused pairs: simply a − y)
    out = ins.output
    assert ins.loss == pytest.approx(net.loss_value(out[None, :], y[None, :]), rel=1e-12)
    for op in net.output_layers:
        d_out = ins.delta[op.index]
        if op.fused:
            np.testing.assert_allclose(d_out, out[op.columns] - y[op.columns], rtol=1e-12, atol=1e-15)


def test_every_output_pairing_is_covered():
    seen = {(random_design(s).training.loss, random_design(s).layers[-1].activation) for s in SEEDS}
    assert seen == set(OUTPUTS)
    designs = [random_design(s) for s in SEEDS]
    assert sum(c.frozen for d in designs for c in d.connections) >= 10
    skips = 0
    for d in designs:  # connections that skip a layer
        order = {layer.id: i for i, layer in enumerate(d.layers)}
        layer_of = {n.id: n.layer for n in d.neurons}
        skips += sum(order[layer_of[c.target]] - order[layer_of[c.source]] > 1 for c in d.connections)
    assert skips >= 10
    assert any(len({d.activation_of(n) for n in d.neurons_of(layer.id)}) > 1 for d in designs for layer in d.layers)


@pytest.mark.parametrize("seed", SEEDS[:7])
def test_sgd_preview_is_minus_rate_times_gradient_and_applying_it_lowers_the_loss(seed):
    design = random_design(seed)
    design.training.optimizer = Optimizer.SGD
    design.training.learning_rate = 1e-3
    compiled = compile_design(design)
    net = compiled.network
    x, y = sample(design, compiled, seed)
    opt = make_optimizer(net.parameters, design.training)
    before = [p.copy() for p in net.params]
    ins = inspect_sample(net, x, y, opt, design.training)
    for p, q in zip(net.params, before):  # inspecting changes nothing
        assert np.array_equal(p, q)
    applied = [g if blk.grad_mask is None else g * blk.grad_mask for blk, g in zip(net.blocks, ins.dW)]
    for change, g in zip(ins.change_W, applied):
        np.testing.assert_allclose(change, -1e-3 * g, rtol=1e-15)
    for op in net.trainable_layers:
        np.testing.assert_allclose(ins.change_b[op.index], -1e-3 * ins.db[op.index], rtol=1e-15)
    for op in net.input_layers:
        assert ins.change_b[op.index] is None
    grads = applied + [ins.db[op.index] for op in net.trainable_layers]
    preview = ins.change_W + [ins.change_b[op.index] for op in net.trainable_layers]
    opt.apply(net.parameters, Parameters.of(dict(zip(net.parameters, grads))))
    for p, q, c in zip(net.params, before, preview):
        np.testing.assert_allclose(p - q, c, rtol=1e-9, atol=1e-14)
    assert inspect_sample(net, x, y).loss < ins.loss


@pytest.mark.parametrize("kind", [Optimizer.MOMENTUM, Optimizer.ADAM])
def test_preview_with_stateful_optimizers_leaves_their_state_alone(kind):
    design = random_design(3)
    design.training.optimizer = kind
    compiled = compile_design(design)
    net = compiled.network
    x, y = sample(design, compiled, 3)
    opt = make_optimizer(net.parameters, design.training)
    ins = inspect_sample(net, x, y)
    opt.apply(net.parameters, Parameters.of(dict(zip(net.parameters, ins.dW + [ins.db[op.index] for op in net.trainable_layers]))))
    state = [getattr(opt, k).copy() for k in ("v", "m") if hasattr(opt, k)]
    t = getattr(opt, "t", None)
    first = inspect_sample(net, x, y, opt, design.training)
    second = inspect_sample(net, x, y, opt, design.training)
    for a, b in zip(first.change_W, second.change_W):
        assert np.array_equal(a, b)
    after = [getattr(opt, k) for k in ("v", "m") if hasattr(opt, k)]
    for a, b in zip(state, after):
        assert np.array_equal(a, b)
    assert getattr(opt, "t", None) == t


def test_api_inspect_maps_gradients_onto_the_design_connections():
    design = random_design(4)
    design.training.learning_rate = 0.05
    compiled = compile_design(design)
    x, y = sample(design, compiled, 4)
    trace = nnsim.inspect(design, x, target=y)
    z, a, delta, dW = by_hand(design, compiled, x, y)
    assert len(trace.connections) == len(design.connections)
    assert any(c.frozen for c in design.connections)
    for step, c, g in zip(trace.connections, design.connections, dW):
        assert (step.source, step.target, step.weight, step.frozen) == (c.source, c.target, c.weight, c.frozen)
        assert step.gradient == pytest.approx(g, rel=1e-9, abs=1e-12)
        assert step.change == pytest.approx(0.0 if c.frozen else -0.05 * g, rel=1e-9, abs=1e-12)
    for step in trace.neurons:
        assert step.a == pytest.approx(a[step.id], rel=1e-12, abs=1e-14)
        if step.kind != LayerKind.INPUT:
            assert step.z == pytest.approx(z[step.id], rel=1e-12, abs=1e-14)
            assert step.delta == pytest.approx(delta[step.id], rel=1e-9, abs=1e-12)


def test_a_frozen_connection_shows_its_true_gradient_but_does_not_change():
    """The gradient shown for a frozen connection is ∂L/∂w by finite
    differences (with the connection unfrozen); its change is 0, and
    training on the sample leaves it where it is."""
    for seed in SEEDS:
        design = random_design(seed)
        design.training.optimizer = Optimizer.SGD
        compiled = compile_design(design)
        x, y = sample(design, compiled, seed)
        trace = nnsim.inspect(design, x, target=y)
        frozen = [k for k, step in enumerate(trace.connections) if step.frozen and abs(step.gradient) > 1e-3]
        if frozen:
            break
    else:
        raise AssertionError("no frozen connection with a clear gradient")
    thawed = compile_design(design).network
    for blk in thawed.blocks:
        blk.grad_mask = None if blk.mask is None else blk.mask.astype(float)
    numeric = numerical_gradients(thawed, x[None, :], y[None, :])
    for k in frozen:
        step = trace.connections[k]
        b, r, col = compiled.conn_block[k], compiled.conn_row[k], compiled.conn_col[k]
        assert step.gradient == pytest.approx(numeric[b][r, col], rel=1e-6)
        assert step.change == 0.0
    net = compiled.network
    opt = make_optimizer(net.parameters, design.training)
    before = compiled.connection_weights()
    ins = inspect_sample(net, x, y, opt, design.training)
    g = net.backward(net.forward(x[None, :]), y[None, :])
    opt.apply(net.parameters, g.params)
    after = compiled.connection_weights()
    for k in frozen:
        assert after[k] == before[k]
        b, r, col = compiled.conn_block[k], compiled.conn_row[k], compiled.conn_col[k]
        assert ins.change_W[b][r, col] == 0.0 and g.dW[b][r, col] == 0.0
