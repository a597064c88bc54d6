"""The perceptron rule's history as the learner reads it: one record per
epoch, counted in epochs and samples, with the loss and accuracy of the
weights at the end of that epoch (on the training and the test samples)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nnsim
from nnsim.data import load_dataset
from nnsim.design.build import initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, DatasetSpec, HistoryRecord, Init, LearningRule, TrainingSettings
from nnsim.design.settings import MAX_EPOCHS
from nnsim.design.validate import DesignError
from nnsim.engine.perceptron import PerceptronTrainer
from nnsim.session import Session


def perceptron(dataset: DatasetSpec):
    d = layered([2, 1], output=Activation.STEP)
    d.dataset = dataset
    d.training = TrainingSettings(rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1, epochs=1, seed=2)
    initialize(d, np.random.default_rng(2), Init.UNIFORM)
    return d


def measured(design, x, labels) -> tuple[float, float]:
    """Half the mean squared error of the outputs (0 or 1) and the share right."""
    out = nnsim.predict(design, x)[:, 0]
    return 0.5 * float(np.mean((out - labels) ** 2)), float(np.mean(out == labels))


def test_every_epoch_records_the_counters_and_the_loss_of_its_weights():
    spec = DatasetSpec(source="playground", name="gauss", points=200, noise=0.5, train_ratio=0.5, seed=4)
    design = perceptron(spec)
    data = load_dataset(spec)
    n = len(data.x_train)
    for epoch in (1, 2, 3):
        nnsim.train(design, epochs=1)
        rec = design.history[-1]
        assert (rec.epoch, rec.step) == (epoch, epoch * n)
        assert (rec.train_loss, rec.train_accuracy) == measured(design, data.x_train, data.y_train)
        assert (rec.test_loss, rec.test_accuracy) == measured(design, data.x_test, data.y_test)
    assert len(design.history) == 3
    assert all(r.train_loss > 0 and r.test_loss > 0 for r in design.history)  # the clusters overlap


def test_without_test_samples_the_perceptron_history_has_no_test_numbers():
    design = perceptron(DatasetSpec(source="playground", name="gauss", points=30, train_ratio=1.0, seed=4))
    nnsim.train(design, epochs=4)
    assert [(r.epoch, r.step) for r in design.history] == [(1, 30), (2, 60)]  # converged in the second
    assert design.history[-1].train_accuracy == 1.0
    assert all(r.test_loss is None and r.test_accuracy is None for r in design.history)


def test_not_separable_names_two_epochs_whose_weights_are_the_same():
    design = nnsim.example("perceptron-xor")
    design.history = []
    after = {}
    summary = nnsim.train(design, epochs=100, callback=lambda t: after.setdefault(t.epoch, t.net.copy_params()))
    assert summary.status == "not_separable"
    later, earlier = map(int, re.match(r"the weights after epoch (\d+) are the same as after epoch (\d+): ",
                                       summary.message).groups())
    assert earlier < later == summary.epochs == design.history[-1].epoch
    assert np.allclose(after[later], after[earlier]) and earlier == min(
        e for e in after if np.allclose(after[e], after[later]))


def test_converging_names_the_first_epoch_without_a_mistake():
    design = nnsim.example("perceptron-and")
    design.history = []
    after = {}
    summary = nnsim.train(design, epochs=100, callback=lambda t: after.setdefault(t.epoch, t.net.copy_params()))
    assert summary.message == f"converged: epoch {summary.epochs} classified every training sample correctly"
    # that epoch changed nothing (no sample was wrong); the one before did
    last = summary.epochs
    assert np.array_equal(after[last], after[last - 1]) and not np.array_equal(after[last - 1], after[last - 2])


def test_a_perceptron_divergence_names_its_step_and_resumes_from_the_first_sample():
    design = nnsim.example("perceptron-and")
    design.history = []
    design.training.learning_rate = 1e308
    session = Session(design)
    trainer = session.trainer
    while trainer.status == "ready" and trainer.epoch < 50:
        trainer.train_steps(1)
    step, epoch = map(int, re.match(r"training diverged at step (\d+) \(epoch (\d+)\): a weight became infinite "
                                    r"or not a number; ", trainer.message).groups())
    assert (step, epoch) == (trainer.step_count, trainer.epoch + 1)
    design.training.learning_rate = 0.1
    trainer.resume()
    assert trainer.steps_left_in_epoch() == trainer.steps_per_epoch == 4
    assert trainer.train_epochs(1) == 1 and trainer.step_count == step + 4


def and_session(weights=(0.3, 0.2), bias=-0.1):
    design = nnsim.example("perceptron-and")
    design.history = []
    design.connections[0].weight, design.connections[1].weight = weights
    design.neurons[-1].bias = bias
    return design, Session(design)


def test_each_step_shows_its_sample_target_error_and_loss():
    design, session = and_session()
    trainer = session.trainer
    assert trainer.last_update is None and trainer.steps_left_in_epoch() == 4
    assert trainer.train_steps(2) == 2  # (0, 0) right, then (0, 1) fires wrongly
    u = trainer.last_update
    assert (u.sample, u.output.tolist(), u.target.tolist(), u.error.tolist()) == (1, [1.0], [0.0], [-1.0])
    assert trainer.last_loss == 0.5 and trainer.steps_left_in_epoch() == 2
    assert trainer.train_steps(2) == 2 and [r.epoch for r in trainer.history] == [1]  # an epoch is recorded


def test_weights_already_right_converge_in_the_first_epoch():
    design, _ = and_session(weights=(0.5, 0.5), bias=-0.7)
    summary = nnsim.train(design, epochs=10)
    assert summary.message == "converged: epoch 1 classified every training sample correctly"


def test_at_the_largest_epoch_no_step_is_taken():
    design, _ = and_session()
    design.history = [HistoryRecord(epoch=MAX_EPOCHS, step=4, train_loss=0.25)]
    trainer = Session(design).trainer
    assert trainer.train_steps(3) == 0 and trainer.status == "at_limit"


def test_the_not_separable_message_says_why_and_what_helps():
    design = nnsim.example("perceptron-xor")
    design.history = []
    message = nnsim.train(design, epochs=100).message
    assert re.fullmatch(r"the weights after epoch \d+ are the same as after epoch \d+: the updates go round in a "
                        r"cycle and will never settle, because no straight line separates the classes \(the data "
                        r"is not linearly separable\); a hidden layer can solve it", message), message


def test_step_and_sign_neurons_may_share_an_output_layer_and_nothing_else_may():
    design = layered([2, 2], output=Activation.STEP)
    design.neurons[-1].activation = Activation.SIGN
    design.dataset = DatasetSpec(source="logic", name="AND")
    design.training = TrainingSettings(rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1)
    assert nnsim.train(design, epochs=2).epochs == 2
    design.neurons[-1].activation = Activation.SIGMOID
    with pytest.raises(DesignError, match=r"^the perceptron rule needs step or sign output neurons$"):
        Session(design)
    with pytest.raises(ValueError, match=r"^the perceptron rule needs step or sign output neurons$"):
        PerceptronTrainer(compile_design(design).network, design.training, None)  # refused before any data


def test_weights_back_to_where_they_started_name_epoch_0():
    # XOR from these weights: the first epoch's four updates cancel out, so its
    # weights are the starting ones, which the message calls epoch 0
    design = nnsim.example("perceptron-xor")
    design.history = []
    design.connections[0].weight, design.connections[1].weight = -0.1, 0.0
    design.neurons[-1].bias = 0.05
    start = [c.weight for c in design.connections] + [design.neurons[-1].bias]
    summary = nnsim.train(design, epochs=50)
    assert summary.message.startswith("the weights after epoch 1 are the same as after epoch 0: ")
    assert np.allclose([c.weight for c in design.connections] + [design.neurons[-1].bias], start)
    assert [r.epoch for r in design.history] == [1]
