"""Training programs behind one interface, chosen by the learning rule."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.model import LearningRule, Optimizer
from nnsim.engine.optimizers import Adam, Momentum
from nnsim.engine.perceptron import PerceptronTrainer
from nnsim.engine.program import TrainingProgram
from nnsim.engine.programs import PROGRAMS, make_program, program_problem
from nnsim.engine.trainer import Trainer
from nnsim.session import Session


def test_every_learning_rule_has_a_program():
    assert set(PROGRAMS) == set(LearningRule)
    assert all(issubclass(p, TrainingProgram) for p in PROGRAMS.values())


def test_the_rule_picks_the_program_and_says_what_it_cannot_train():
    session = Session(nnsim.example("perceptron-and"))
    assert isinstance(session.trainer, PerceptronTrainer)
    assert session.trainer.optimizers == [] and session.trainer.uses_loss is False
    mlp = nnsim.example("xor-mlp")
    session = Session(mlp)
    assert isinstance(session.trainer, Trainer) and session.trainer.uses_loss
    assert session.trainer.optimizers == [session.trainer.optimizer]
    assert program_problem(LearningRule.PERCEPTRON, session.network).startswith(
        "the perceptron rule trains a single layer")
    assert program_problem(LearningRule.BACKPROP, session.network) is None
    mlp.training.rule = LearningRule.PERCEPTRON
    with pytest.raises(nnsim.DesignError, match="single layer"):
        Session(mlp)


def test_a_changed_optimizer_is_followed_between_steps_and_its_state_starts_afresh():
    d = nnsim.example("xor-mlp")
    d.training.optimizer = Optimizer.ADAM
    session = Session(d)
    session.trainer.train_steps(3)
    assert session.trainer.optimizer.t == 3
    d.training.optimizer = Optimizer.MOMENTUM
    assert session.follow_settings() == ""
    assert isinstance(session.trainer.optimizer, Momentum) and not session.trainer.optimizer.v.any()
    session.trainer.train_steps(2)
    assert session.trainer.optimizer.v.any()
    d.training.optimizer = Optimizer.ADAM
    session.follow_settings()
    assert isinstance(session.trainer.optimizers[0], Adam)


def test_a_changed_loss_is_followed_only_where_it_fits():
    d = nnsim.example("iris")
    session = Session(d)
    d.training.loss = "binary_cross_entropy"  # the outputs are softmax: refused, loss kept
    assert "binary cross-entropy needs sigmoid output neurons" in session.follow_settings()
    assert session.network.loss == "softmax_cross_entropy"
    d.training.loss = "mse"
    assert session.follow_settings() == "" and session.network.loss == "mse"


def test_the_perceptron_rule_ignores_the_loss_setting():
    d = nnsim.example("perceptron-and")
    session = Session(d)
    d.training.loss = "binary_cross_entropy"
    assert session.follow_settings() == ""


def test_a_design_history_is_continued():
    d = nnsim.example("xor-mlp")
    nnsim.train(d, epochs=3, seed=0)
    session = Session(d)
    assert (session.trainer.epoch, session.trainer.good_epoch) == (3, 3)
    assert session.trainer.step_count == d.history[-1].step
    program = make_program(session.network, d.training, session.data, np.random.default_rng(0))
    assert isinstance(program, Trainer) and program.epoch == 0
