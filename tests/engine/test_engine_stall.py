"""Training that goes nowhere is noticed: the loss stops improving while
nearly every neuron is saturated. It stops with status 'stalled' and says
what to try; healthy runs of every shipped design never trip it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nnsim
from nnsim.design.build import layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, LearningRule
from nnsim.engine.stall import STALL_EPOCHS, ProgressWatch, saturated_share
from nnsim.engine.trainer import READY, STALLED
from nnsim.resources import examples_dir
from nnsim.session import Session

LESSON_DESIGNS = Path(__file__).resolve().parents[2] / "resources" / "lessons" / "designs"


def shipped_designs():
    """The shipped designs trained by backpropagation whose budget is long
    enough to stall: a stall needs STALL_EPOCHS epochs without progress
    after the first, so a run of STALL_EPOCHS epochs or fewer never stalls
    (test_a_run_no_longer_than_the_stall_window_cannot_stall) and is not
    trained here."""
    paths = sorted(examples_dir().glob("*.nnsim")) + sorted(LESSON_DESIGNS.glob("*.nnsim"))
    designs = [(p, nnsim.load(p)) for p in paths]
    return [p for p, d in designs if d.training.rule == LearningRule.BACKPROP and d.training.epochs > STALL_EPOCHS]


def test_a_run_no_longer_than_the_stall_window_cannot_stall():
    """Why shorter shipped runs are left out above: even at a learning rate
    that saturates every neuron, STALL_EPOCHS epochs end "completed"."""
    for epochs, status in ((STALL_EPOCHS, "completed"), (STALL_EPOCHS + 1, STALLED)):
        design = nnsim.example("xor-mlp")
        design.training.learning_rate = 1e6
        assert nnsim.train(design, epochs=epochs).status == status


def test_xor_at_a_learning_rate_of_a_million_stalls_and_says_what_to_try():
    design = nnsim.example("xor-mlp")
    design.training.learning_rate = 1e6
    summary = nnsim.train(design)
    assert summary.status == STALLED
    assert summary.epochs < design.training.epochs  # stopped early, not "completed"
    assert summary.train_accuracy == 0.5
    assert "not improved for 20 epochs" in summary.message
    assert "saturated" in summary.message and "smaller learning rate than 1e+06" in summary.message


@pytest.mark.parametrize("path", shipped_designs(), ids=lambda p: p.stem)
def test_healthy_runs_of_every_shipped_design_never_stall(path):
    design = nnsim.load(path)
    summary = nnsim.train(design, base_dir=path.parent)
    assert summary.status != STALLED, summary.message
    assert summary.epochs == design.training.epochs


def test_saturated_share_counts_pinned_outputs():
    d = layered([1, 3, 1], Activation.TANH, Activation.SIGMOID)
    net = compile_design(d).network
    X = np.array([[1.0], [-1.0]])
    net.blocks[0].W[...] = 100.0  # every tanh at ±1
    net.blocks[1].W[...] = 100.0  # the sigmoid at 0 or 1
    assert saturated_share(net, X) == 1.0
    net.blocks[0].W[...] = 0.1
    net.blocks[1].W[...] = 0.1
    assert saturated_share(net, X) == 0.0
    net.blocks[1].W[...] = 100.0  # only the output saturated: 2 of 8 (sample, neuron) pairs
    assert saturated_share(net, X) == pytest.approx(2 / 8)


def test_linear_and_step_neurons_never_count_as_saturated():
    d = layered([1, 2, 1], Activation.STEP, Activation.LINEAR)
    net = compile_design(d).network
    net.blocks[0].W[...] = 1e6
    assert saturated_share(net, np.array([[1.0], [2.0]])) == 0.0


def test_linear_neurons_count_among_those_that_could_be_and_step_neurons_do_not():
    """The share the stall message quotes: a linear neuron is one that is
    never saturated (it counts in the whole), a step neuron's output is
    always 0 or 1 and is left out of the count altogether."""
    X = np.array([[1.0], [2.0]])
    net = compile_design(layered([1, 2, 1], Activation.RELU, Activation.LINEAR)).network
    net.blocks[0].W[...] = -1.0  # both ReLUs at 0 for positive inputs
    assert saturated_share(net, X) == pytest.approx(2 / 3)
    net = compile_design(layered([1, 2, 1], Activation.STEP, Activation.SIGMOID)).network
    net.blocks[0].W[...] = 1.0  # both step neurons fire
    net.blocks[1].W[...] = 100.0  # the sigmoid at 1; the step neurons not counted
    assert saturated_share(net, X) == 1.0


def test_a_plateau_without_saturation_is_not_a_stall():
    """The loss flat for many epochs, the neurons not saturated: a tiny
    learning rate is slow, not stuck."""
    design = nnsim.example("circle")
    design.training.learning_rate = 1e-9
    summary = nnsim.train(design, epochs=3 * STALL_EPOCHS)
    assert summary.status == "completed"


def test_progress_watch_counts_epochs_since_the_loss_last_improved():
    watch = ProgressWatch()
    assert watch.stalled_for(7, 1.0) == 0  # the first record starts the count
    assert watch.stalled_for(8, 0.9995) == 1  # less than 0.1% better: not progress
    assert watch.stalled_for(9, 0.5) == 0
    assert watch.stalled_for(30, 0.7) == 21
    watch.reset()
    assert watch.stalled_for(31, 0.7) == 0


def test_resuming_after_a_stall_watches_afresh():
    design = nnsim.example("xor-mlp")
    design.training.learning_rate = 1e6
    session = Session(design)
    session.train(100)
    trainer = session.trainer
    stalled_at = trainer.epoch
    assert trainer.status == STALLED
    trainer.resume()
    assert trainer.status == READY
    trainer.train_epochs(STALL_EPOCHS - 1)
    assert trainer.status == READY  # a new window of epochs before it can say so again
    trainer.train_epochs(300)
    assert trainer.status == STALLED and trainer.epoch >= stalled_at + STALL_EPOCHS
