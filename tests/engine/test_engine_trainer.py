"""The mini-batch trainer: reproducibility, divergence, target loss, epochs
and live settings."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

from nnsim.design.build import initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, DatasetSpec, Init, Optimizer, TrainingSettings
from nnsim.engine.targets import REGRESSION, TargetCoding
from nnsim.engine.trainer import DIVERGED, READY, REACHED_TARGET, Trainer, TrainingData
from nnsim.session import Session


def circle_design(optimizer=Optimizer.SGD, hidden=Activation.TANH, lr=0.03, seed=1, output=Activation.TANH):
    d = layered([2, 4, 2, 1], hidden, output)
    d.dataset = DatasetSpec(source="playground", name="circle", seed=1, points=120)
    d.training = TrainingSettings(learning_rate=lr, batch_size=10, optimizer=optimizer, epochs=5, seed=seed)
    initialize(d, np.random.default_rng(seed))
    return d


def regression_data(n=23, seed=0) -> TrainingData:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (0.7 * x[:, :1] - 0.4 * x[:, 1:] + 0.1)
    return TrainingData(x, y, x[:5], y[:5], None, None, TargetCoding(REGRESSION, 1))


def linear_trainer(data=None, seed=0, **settings):
    d = layered([2, 1], output=Activation.LINEAR)
    d.training = TrainingSettings(**{"learning_rate": 0.1, "batch_size": 5, **settings})
    compiled = compile_design(d)
    return Trainer(compiled.network, d.training, data or regression_data(), np.random.default_rng(seed))


# -- reproducibility -------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(Optimizer))
def test_same_seed_same_design_gives_bit_identical_results(optimizer):
    results = []
    for _ in range(2):
        s = Session(circle_design(optimizer))
        s.train(4)
        results.append(s)
    a, b = results
    for p, q in zip(a.network.params, b.network.params):
        assert np.array_equal(p, q)
    assert a.trainer.history == b.trainer.history
    assert len(a.trainer.history) == 4
    assert [c.weight for c in a.design.connections] == [c.weight for c in b.design.connections]


def test_different_seed_gives_different_results():
    a = Session(circle_design(), seed=1)
    b = Session(circle_design(), seed=2)
    for p, q in zip(a.network.params, b.network.params):  # same starting weights
        assert np.array_equal(p, q)
    a.train(2)
    b.train(2)
    assert not all(np.array_equal(p, q) for p, q in zip(a.network.params, b.network.params))
    assert a.trainer.history != b.trainer.history


# -- divergence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hidden, optimizer",
    [
        (Activation.RELU, Optimizer.SGD),
        (Activation.RELU, Optimizer.MOMENTUM),
        (Activation.TANH, Optimizer.SGD),  # overflows inside a matrix product: must not warn
    ],
)
def test_huge_learning_rate_diverges_cleanly(hidden, optimizer):
    design = circle_design(optimizer, hidden=hidden, output=Activation.LINEAR, lr=1e6)
    s = Session(design)
    snapshots = {0: [p.copy() for p in s.network.params]}

    def snapshot(trainer):
        if trainer.status == READY:
            snapshots[trainer.epoch] = [p.copy() for p in trainer.net.params]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summary = s.train(5, callback=snapshot)
    assert summary.status == DIVERGED == s.trainer.status
    assert s.diverged
    assert "learning rate" in s.trainer.message and "1e+06" in s.trainer.message
    assert "\n" not in s.trainer.message
    assert summary.message == s.trainer.message
    for p in s.network.params:
        assert np.all(np.isfinite(p))
    # back to the weights after the last good epoch
    good = int(re.search(r"restored to those after epoch (\d+)", s.trainer.message).group(1))
    assert good == s.trainer._good_epoch < 5
    for p, q in zip(s.network.params, snapshots[good]):
        assert np.array_equal(p, q)
    assert all(math.isfinite(c.weight) for c in design.connections)
    assert math.isfinite(summary.train_loss)
    # stopped: more training does nothing until resumed
    assert s.trainer.train_steps(3) == 0
    s.trainer.resume()
    assert s.trainer.status == READY
    # resumed with a sensible rate, it trains on from the weights put back
    design.training.learning_rate = 0.01
    steps = s.trainer.step_count
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert s.trainer.train_steps(3) == 3
    assert s.trainer.status == READY and s.trainer.step_count == steps + 3
    assert all(np.all(np.isfinite(p)) for p in s.network.params)


@pytest.mark.parametrize("lr", [1e3, 1e10])
def test_divergence_found_at_the_end_of_an_epoch_restores_weights_with_a_finite_loss(lr):
    """One step per epoch: the loss blows up only in the end-of-epoch
    evaluation. The weights put back must be ones whose loss was finite."""
    d = layered([2, 4, 1], Activation.RELU, Activation.LINEAR)
    d.dataset = DatasetSpec(source="playground", name="circle", seed=1, points=100)
    d.training = TrainingSettings(learning_rate=lr, batch_size=1000)
    initialize(d, np.random.default_rng(0))
    s = Session(d)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        summary = s.train(10)
    t = s.trainer
    assert t.status == DIVERGED
    assert t.steps_per_epoch == 1
    assert not math.isfinite(t.history[-1].train_loss)
    good = t.history[-2] if len(t.history) > 1 else None
    rec = t.evaluate()
    assert math.isfinite(rec.train_loss) and math.isfinite(summary.train_loss)
    if good is not None:
        assert rec.train_loss == good.train_loss
        assert f"restored to those after epoch {good.epoch}" in t.message
    assert f"at step {t.step_count} (epoch {t.epoch})" in t.message


def test_divergence_mid_epoch_restores_last_epochs_weights():
    t = linear_trainer(batch_size=1)
    t.train_epochs(1)
    after_one = [p.copy() for p in t.net.params]
    t.settings.learning_rate = 1e200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.train_epochs(3)
    assert t.status == DIVERGED
    assert "after epoch 1" in t.message
    for p, q in zip(t.net.params, after_one):
        assert np.array_equal(p, q)


# -- stopping at a target -----------------------------------------------------------------


def test_target_loss_stops_training():
    t = linear_trainer(target_loss=1e-3, learning_rate=0.2)
    done = t.train_epochs(500)
    assert t.status == REACHED_TARGET
    assert done == t.epoch < 500
    assert t.history[-1].train_loss <= 1e-3
    assert all(r.train_loss > 1e-3 for r in t.history[:-1])
    assert "target" in t.message
    assert t.train_steps(5) == 0


# -- epochs and batches ------------------------------------------------------------------


@pytest.mark.parametrize("n, batch", [(23, 5), (20, 5), (7, 10), (9, 1)])
def test_an_epoch_covers_the_training_set_in_ceil_n_over_batch_steps(n, batch):
    t = linear_trainer(data=regression_data(n), batch_size=batch)
    seen = []
    step = t.net.train_grads

    def recording(X, Y, grads):
        seen.append(np.array(X))
        return step(X, Y, grads)

    t.net.train_grads = recording
    t.train_steps(t.steps_left_in_epoch(), evaluate=False)
    assert t.epoch == 1
    assert t.step_count == math.ceil(n / batch) == t.steps_per_epoch
    rows = np.concatenate(seen)
    assert rows.shape == (n, 2)
    assert sorted(map(tuple, rows)) == sorted(map(tuple, t.data.x_train))
    assert all(len(x) == batch for x in seen[:-1])


def test_train_epochs_counts_and_calls_back():
    t = linear_trainer()
    calls = []
    assert t.train_epochs(3, callback=lambda tr: calls.append(tr.epoch)) == 3
    assert calls == [1, 2, 3]
    assert t.step_count == 3 * 5
    assert [r.epoch for r in t.history] == [1, 2, 3]
    assert [r.step for r in t.history] == [5, 10, 15]


def test_train_steps_can_stop_mid_epoch_and_continue():
    a = linear_trainer(seed=4)
    b = linear_trainer(seed=4)
    a.train_steps(2)
    a.train_steps(7)
    b.train_steps(9)
    assert a.epoch == b.epoch == 1 and a.step_count == b.step_count == 9
    for p, q in zip(a.net.params, b.net.params):
        assert np.array_equal(p, q)


# -- settings are read live ---------------------------------------------------------------


def test_changing_the_learning_rate_between_calls_takes_effect():
    t = linear_trainer()
    t.train_steps(1)
    t.settings.learning_rate = 0.0
    frozen_at = [p.copy() for p in t.net.params]
    t.train_steps(3)
    for p, q in zip(t.net.params, frozen_at):
        assert np.array_equal(p, q)
    t.settings.learning_rate = 0.1
    t.train_steps(1)
    assert not all(np.array_equal(p, q) for p, q in zip(t.net.params, frozen_at))


def test_learning_rate_scales_the_step():
    a = linear_trainer(seed=2, learning_rate=0.01)
    b = linear_trainer(seed=2, learning_rate=0.02)
    start = [p.copy() for p in a.net.params]
    a.train_steps(1)
    b.train_steps(1)
    for p, q, s in zip(a.net.params, b.net.params, start):
        np.testing.assert_allclose(q - s, 2 * (p - s), rtol=1e-12)


# -- frozen connections and missing pairs through whole training runs ---------------------


@pytest.mark.parametrize("optimizer", list(Optimizer))
def test_frozen_weights_never_change_and_missing_pairs_stay_zero(optimizer):
    d = layered([2, 4, 3, 1], Activation.TANH, Activation.TANH)
    del d.connections[3]  # a missing pair, input -> hidden
    d.connections[0].frozen = True
    d.connections[9].frozen = True
    d.dataset = DatasetSpec(source="playground", name="circle", seed=1, points=60)
    d.training = TrainingSettings(
        learning_rate=0.1, optimizer=optimizer, regularization="l2", regularization_rate=0.01, init=Init.XAVIER
    )
    initialize(d, np.random.default_rng(0))
    d.connections[0].weight, d.connections[9].weight = 0.123, -0.456
    s = Session(d)
    w0 = s.compiled.connection_weights()
    s.train(5)
    w = s.compiled.connection_weights()
    assert w[0] == 0.123 and w[9] == -0.456
    assert d.connections[0].weight == 0.123 and d.connections[9].weight == -0.456
    assert np.count_nonzero(w != w0) == len(w) - 2
    for blk in s.network.blocks:
        if blk.mask is not None:
            assert np.all(blk.W[~blk.mask] == 0.0)
    assert any(blk.mask is not None for blk in s.network.blocks)
