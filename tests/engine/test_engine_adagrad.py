"""Adagrad against hand-computed updates, ``preview`` against ``apply``,
reset and state, and the rate read live."""

from __future__ import annotations

import numpy as np

from nnsim.engine.optimizers import Adagrad
from nnsim.engine.params import Parameters
from nnsim.engine.vocab import TrainingSettings

P0 = np.array([1.0, -2.0, 0.5])
GRADS = [np.array([0.5, -1.0, 0.0]), np.array([0.25, 0.5, 0.0]), np.array([-1.0, 0.0, 1e-6])]


def test_adagrad_by_hand():
    # G1 = [0.25, 1, 0]: steps -0.1·[0.5/√0.25, -1/√1, 0] = [-0.1, 0.1, 0] (ε = 1e-8 inside the root).
    # G2 = [0.3125, 1.25, 0]: steps -0.1·[0.25/√0.3125, 0.5/√1.25, 0].
    s = TrainingSettings(learning_rate=0.1, epsilon=1e-8)
    p = Parameters.of([P0])
    opt = Adagrad(p, s)
    opt.apply(p, Parameters.of([GRADS[0]]))
    np.testing.assert_allclose(p.flat, [0.9, -1.9, 0.5], rtol=1e-7)
    opt.apply(p, Parameters.of([GRADS[1]]))
    np.testing.assert_allclose(p.flat, [0.9 - 0.025 / np.sqrt(0.3125), -1.9 - 0.05 / np.sqrt(1.25), 0.5], rtol=1e-7)
    np.testing.assert_allclose(opt.g2, [0.3125, 1.25, 0.0], rtol=1e-15)
    before = p.flat.copy()
    opt.apply(p, Parameters.of([GRADS[2]]))
    # A tiny first gradient moves its weight by 0.1·1e-6/√(1e-12 + 1e-8) ≈ 1e-3, not by the whole rate.
    assert abs(p.flat[2] - before[2]) < 2e-3


def test_preview_is_the_next_change_and_changes_nothing():
    s = TrainingSettings(learning_rate=0.05)
    p = Parameters.of([P0])
    opt = Adagrad(p, s)
    opt.apply(p, Parameters.of([GRADS[0]]))
    g2, before = opt.g2.copy(), p.flat.copy()
    change = opt.preview(Parameters.of([GRADS[1]]))
    assert np.array_equal(opt.g2, g2) and np.array_equal(p.flat, before)
    opt.apply(p, Parameters.of([GRADS[1]]))
    np.testing.assert_allclose(p.flat - before, change.flat, rtol=1e-14, atol=1e-17)


def test_reset_state_and_a_live_rate():
    s = TrainingSettings(learning_rate=0.1)
    p = Parameters.of([P0])
    opt = Adagrad(p, s)
    opt.apply(p, Parameters.of([GRADS[0]]))
    state = opt.state()
    state["g2"][0] = 99.0
    assert opt.g2[0] == 0.25  # state() hands out copies
    opt.reset()
    assert np.all(opt.g2 == 0.0)
    s.learning_rate = 0.2
    before = p.flat.copy()
    opt.apply(p, Parameters.of([GRADS[0]]))
    np.testing.assert_allclose(p.flat - before, [-0.2, 0.2, 0.0], rtol=1e-7)
    assert opt.kind == "adagrad"


def test_adagrad_is_an_optimizer_kind_a_design_can_name_and_a_file_can_hold(tmp_path):
    from nnsim.design.build import initialize, layered
    from nnsim.design.model import DatasetSpec, Optimizer
    from nnsim.engine.optimizers import make_optimizer
    from nnsim.io import load, save
    from nnsim.session import Session

    assert type(make_optimizer(Parameters.of([P0]), TrainingSettings(optimizer="adagrad"))) is Adagrad
    d = layered([2, 3, 1])
    d.dataset = DatasetSpec(source="logic", name="XOR")
    d.training = TrainingSettings(optimizer=Optimizer.ADAGRAD, learning_rate=0.1, epsilon=1e-6, batch_size=4)
    initialize(d, np.random.default_rng(0))
    save(d, tmp_path / "a.nnsim")
    again = load(tmp_path / "a.nnsim")
    assert again.training.optimizer == Optimizer.ADAGRAD and again.training.epsilon == 1e-6
    s = Session(again)
    assert isinstance(s.trainer.optimizers[0], Adagrad)
    s.train(3)
    assert s.trainer.optimizers[0].g2.any()
