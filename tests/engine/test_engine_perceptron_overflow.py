"""The perceptron rule notices overflow: a learning rate so large that a
weight becomes ±inf is divergence, as in backpropagation (the last finite
weights are put back), never 'not linearly separable'."""

from __future__ import annotations

import warnings

import numpy as np

import nnsim
from nnsim.engine.trainer import DIVERGED
from nnsim.session import Session


def test_a_huge_rate_on_and_diverges_and_restores_the_last_finite_weights():
    design = nnsim.example("perceptron-and")
    design.training.learning_rate = 1e308
    session = Session(design)
    trainer = session.trainer
    after_epoch = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        while trainer.status == "ready" and trainer.epoch < 50:
            trainer.train_epochs(1, callback=lambda t: after_epoch.setdefault(t.epoch, t.net.copy_params()))
    assert trainer.status == DIVERGED
    assert "diverged" in trainer.message and "smaller learning rate than 1e+308" in trainer.message
    assert session.network.all_finite()
    good = after_epoch[trainer.good_epoch] if trainer.good_epoch else None
    if good is not None:
        for p, q in zip(session.network.params, good):
            np.testing.assert_array_equal(p, q)
    summary = session.train(5)  # nothing more happens: training stopped
    assert summary.status == DIVERGED and summary.epochs == 0


def test_huge_but_finite_weights_are_not_mistaken_for_a_cycle():
    """Rounding 1e300 to 9 decimals overflows to inf: every huge weight then
    looked the same, and the rule called AND 'not linearly separable'."""
    design = nnsim.example("perceptron-and")
    session = Session(design)
    trainer = session.trainer
    net = session.network
    net.blocks[0].W[...] = [[1e300], [3e300]]
    first = trainer._state_key()
    net.blocks[0].W[...] = [[2e300], [5e300]]
    assert trainer._state_key() != first


def test_a_normal_rate_still_converges_on_and():
    summary = nnsim.train(nnsim.example("perceptron-and"))
    assert summary.status == "converged"
