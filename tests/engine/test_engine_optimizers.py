"""Optimizers against hand-computed updates, ``preview`` against ``apply``,
and L1/L2 regularisation only on trainable, existing connections."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from nnsim.design.build import add_layer, connect_all
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, Design, LayerKind, Optimizer, Regularization, TrainingSettings
from nnsim.engine.inspect import inspect_sample
from nnsim.engine.optimizers import SGD, Adam, Momentum, make_optimizer
from nnsim.engine.params import Parameters
from nnsim.engine.targets import REGRESSION, TargetCoding
from nnsim.engine.trainer import Trainer, TrainingData, regularization_grad

P0 = np.array([1.0, -2.0])
GRADS = [np.array([0.5, -1.0]), np.array([0.25, 0.5]), np.array([-1.0, 0.0])]


def run(kind: Optimizer, steps: int, **settings):
    s = TrainingSettings(optimizer=kind, learning_rate=0.1, **settings)
    p = Parameters.of([P0])
    opt = make_optimizer(p, s)
    out = []
    for g in GRADS[:steps]:
        opt.apply(p, Parameters.of([g]))
        out.append(p.flat.copy())
    return out, opt


def test_make_optimizer_picks_the_kind():
    p = Parameters.of([np.zeros(2)])
    assert isinstance(make_optimizer(p, TrainingSettings(optimizer=Optimizer.SGD)), SGD)
    assert isinstance(make_optimizer(p, TrainingSettings(optimizer=Optimizer.MOMENTUM)), Momentum)
    assert isinstance(make_optimizer(p, TrainingSettings(optimizer=Optimizer.ADAM)), Adam)
    assert isinstance(make_optimizer(p, TrainingSettings(optimizer="adam")), Adam)


def test_sgd_by_hand():
    ps, _ = run(Optimizer.SGD, 3)
    np.testing.assert_allclose(ps[0], [0.95, -1.9], rtol=1e-15)
    np.testing.assert_allclose(ps[1], [0.925, -1.95], rtol=1e-15)
    np.testing.assert_allclose(ps[2], [1.025, -1.95], rtol=1e-15)


def test_momentum_by_hand():
    # v1 = -0.1 g1 = [-0.05, 0.1]; v2 = 0.9 v1 - 0.1 g2 = [-0.07, 0.04]; v3 = 0.9 v2 - 0.1 g3 = [0.037, 0.036]
    ps, opt = run(Optimizer.MOMENTUM, 3, momentum=0.9)
    np.testing.assert_allclose(ps[0], [0.95, -1.9], rtol=1e-14)
    np.testing.assert_allclose(ps[1], [0.88, -1.86], rtol=1e-14)
    np.testing.assert_allclose(ps[2], [0.917, -1.824], rtol=1e-14)
    np.testing.assert_allclose(opt.v, [0.037, 0.036], rtol=1e-13)


def test_momentum_uses_its_coefficient():
    ps, _ = run(Optimizer.MOMENTUM, 2, momentum=0.5)
    # v2 = 0.5 [-0.05, 0.1] - 0.1 [0.25, 0.5] = [-0.05, 0]
    np.testing.assert_allclose(ps[1], [0.9, -1.9], rtol=1e-14)


def test_adam_by_hand():
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.1
    ps, opt = run(Optimizer.ADAM, 3, beta1=b1, beta2=b2, epsilon=eps)
    # step 1: bias-corrected moments are g and g², so the change is -lr g / (|g| + eps)
    np.testing.assert_allclose(ps[0], P0 - lr * GRADS[0] / (np.abs(GRADS[0]) + eps), rtol=1e-15)
    np.testing.assert_allclose(ps[0], [0.9, -1.9], rtol=1e-7)
    m = np.zeros(2)
    v = np.zeros(2)
    p = P0.copy()
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(ps[t - 1], p, rtol=1e-14)
    # step 2, second entry, written out: m = 0.09*(-1)·… by hand
    m2 = 0.9 * 0.1 * -1.0 + 0.1 * 0.5  # -0.04
    v2 = 0.999 * 0.001 * 1.0 + 0.001 * 0.25  # 0.001249
    change = -0.1 * (m2 / 0.19) / (np.sqrt(v2 / (1 - 0.999**2)) + eps)
    assert ps[1][1] == pytest.approx(ps[0][1] + change, rel=1e-13)
    assert opt.t == 3


def test_adam_with_zero_gradient_does_not_move():
    s = TrainingSettings(optimizer=Optimizer.ADAM, learning_rate=0.1)
    p = Parameters.of([np.array([0.3, -0.3])])
    opt = make_optimizer(p, s)
    opt.apply(p, Parameters.of([np.zeros(2)]))
    np.testing.assert_array_equal(p.flat, [0.3, -0.3])


@pytest.mark.parametrize("kind", list(Optimizer))
def test_preview_equals_apply_and_changes_nothing(kind):
    s = TrainingSettings(optimizer=kind, learning_rate=0.05)
    rng = np.random.default_rng(0)
    params = Parameters.of([rng.normal(size=(3, 2)), rng.normal(size=2)])
    opt = make_optimizer(params, s)
    for _ in range(2):  # some state first
        opt.apply(params, Parameters.of([rng.normal(size=(3, 2)), rng.normal(size=2)]))
    grads = Parameters.of([rng.normal(size=(3, 2)), rng.normal(size=2)])
    grads_before = [g.copy() for g in grads.values()]
    params_before = [p.copy() for p in params.values()]
    state_before = copy.deepcopy(opt.__dict__)
    change = opt.preview(grads)
    change_again = opt.preview(grads)
    for p, q in zip(params.values(), params_before):
        np.testing.assert_array_equal(p, q)
    for g, q in zip(grads.values(), grads_before):
        np.testing.assert_array_equal(g, q)
    _assert_same_state(opt.__dict__, state_before)
    for c, c2 in zip(change.values(), change_again.values()):
        np.testing.assert_array_equal(c, c2)
    opt.apply(params, grads)
    for p, q, c in zip(params.values(), params_before, change.values()):
        np.testing.assert_allclose(p - q, c, rtol=1e-12, atol=1e-15)
    for g, q in zip(grads.values(), grads_before):  # apply does not scale the caller's gradients either
        np.testing.assert_array_equal(g, q)


def _assert_same_state(now: dict, before: dict) -> None:
    assert now.keys() == before.keys()
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(now[key], value)
        elif key != "settings":
            assert now[key] == value


@pytest.mark.parametrize("kind", [Optimizer.MOMENTUM, Optimizer.ADAM])
def test_reset_clears_the_state(kind):
    ps, opt = run(kind, 2)
    opt.reset()
    for name in ("v", "m"):
        if hasattr(opt, name):
            assert not getattr(opt, name).any()
    if kind == Optimizer.ADAM:
        assert opt.t == 0


def test_a_changed_learning_rate_applies_at_the_next_step():
    s = TrainingSettings(optimizer=Optimizer.SGD, learning_rate=0.1)
    p = Parameters.of([np.array([1.0])])
    opt = make_optimizer(p, s)
    opt.apply(p, Parameters.of([np.array([1.0])]))
    s.learning_rate = 0.5
    opt.apply(p, Parameters.of([np.array([1.0])]))
    np.testing.assert_allclose(p.flat, [0.4])


# -- regularisation --------------------------------------------------------------------


def test_regularization_gradients():
    W = np.array([[0.5, -2.0], [0.0, 3.0]])
    np.testing.assert_array_equal(regularization_grad(Regularization.L1, 0.1, W), 0.1 * np.sign(W))
    np.testing.assert_array_equal(regularization_grad(Regularization.L2, 0.1, W), 0.1 * W)
    assert regularization_grad(Regularization.NONE, 0.1, W) is None
    assert regularization_grad(Regularization.L1, 0.0, W) is None
    assert regularization_grad(Regularization.L2, 0.0, W) is None


def partly_connected_design() -> tuple[Design, list[int]]:
    """Inputs(2) -> out(2, linear), one pair missing, one frozen; plus a fully
    connected, fully trainable hidden path. Returns the design and the
    indices of its frozen connections."""
    d = Design()
    inp = add_layer(d, LayerKind.INPUT, 2)
    hid = add_layer(d, LayerKind.HIDDEN, 2, Activation.TANH)
    out = add_layer(d, LayerKind.OUTPUT, 2, Activation.LINEAR)
    (i1, i2), (o1, o2) = d.neurons_of(inp.id), d.neurons_of(out.id)
    d.connections += [Connection(i1.id, o1.id, 0.8), Connection(i1.id, o2.id, -0.6, frozen=True), Connection(i2.id, o2.id, 0.4)]
    connect_all(d, inp.id, hid.id, 0.3)
    connect_all(d, hid.id, out.id, -0.7)
    d.connections[4].weight = -0.9
    for n in d.neurons_of(hid.id) + d.neurons_of(out.id):
        n.bias = 0.2
    return d, [1]


def make_data(n=8, seed=0) -> TrainingData:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = np.column_stack([x[:, 0] - x[:, 1], 0.5 * x[:, 0]])
    return TrainingData(x, y, x[:0], y[:0], None, None, TargetCoding(REGRESSION, 2))


def one_step(reg: Regularization, rate: float):
    d, frozen = partly_connected_design()
    d.training = TrainingSettings(learning_rate=0.1, batch_size=8, regularization=reg, regularization_rate=rate)
    compiled = compile_design(d)
    before = [p.copy() for p in compiled.network.params]
    trainer = Trainer(compiled.network, d.training, make_data(), np.random.default_rng(0))
    assert trainer.train_steps(1, evaluate=False) == 1
    return compiled, before, [p.copy() for p in compiled.network.params], frozen


@pytest.mark.parametrize("reg", [Regularization.L1, Regularization.L2])
def test_regularization_only_on_trainable_existing_connections(reg):
    rate, lr = 0.05, 0.1
    plain, before, after_plain, frozen = one_step(Regularization.NONE, 0.0)
    compiled, before2, after_reg, _ = one_step(reg, rate)
    net = compiled.network
    n_blocks = len(net.blocks)
    for p, q in zip(before, before2):
        np.testing.assert_array_equal(p, q)
    for i, blk in enumerate(net.blocks):
        W0 = before[i]
        penalty = rate * (np.sign(W0) if reg == Regularization.L1 else W0)
        trainable = np.ones(W0.shape) if blk.grad_mask is None else blk.grad_mask
        np.testing.assert_allclose(after_reg[i] - after_plain[i], -lr * penalty * trainable, rtol=1e-10, atol=1e-15)
    # biases are not regularised
    for p, q in zip(after_reg[n_blocks:], after_plain[n_blocks:]):
        np.testing.assert_array_equal(p, q)
    # the missing pair stays 0 and the frozen connection keeps its weight
    direct = next(b for b in net.blocks if b.mask is not None)
    assert direct.mask.sum() == 3
    assert np.all(direct.W[~direct.mask] == 0.0)
    weights = compiled.connection_weights()
    assert weights[frozen[0]] == -0.6
    # and the regularised step did change the trainable direct weights differently
    assert not np.array_equal(after_reg[0], after_plain[0])


def test_regularization_in_the_preview_skips_frozen_and_missing():
    d, frozen = partly_connected_design()
    d.training = TrainingSettings(learning_rate=0.1, regularization=Regularization.L2, regularization_rate=0.3)
    compiled = compile_design(d)
    net = compiled.network
    opt = make_optimizer(net.parameters, d.training)
    ins = inspect_sample(net, [0.3, -0.4], [0.1, 0.2], opt, d.training)
    for blk, dW, change in zip(net.blocks, ins.dW, ins.change_W):
        trainable = np.ones(blk.W.shape) if blk.grad_mask is None else blk.grad_mask
        np.testing.assert_allclose(change, -0.1 * (dW + 0.3 * blk.W) * trainable, rtol=1e-13, atol=1e-16)
    k = frozen[0]
    assert ins.change_W[compiled.conn_block[k]][compiled.conn_row[k], compiled.conn_col[k]] == 0.0
