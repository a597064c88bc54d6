"""The perceptron rule's history as the learner reads it: one record per
epoch, counted in epochs and samples, with the loss and accuracy of the
weights at the end of that epoch (on the training and the test samples)."""

from __future__ import annotations

import numpy as np

import nnsim
from nnsim.data import load_dataset
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec, Init, LearningRule, TrainingSettings


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
    spec = DatasetSpec(source="playground", name="gauss", points=60, train_ratio=0.5, seed=4)
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


def test_without_test_samples_the_perceptron_history_has_no_test_numbers():
    design = perceptron(DatasetSpec(source="playground", name="gauss", points=30, train_ratio=1.0, seed=4))
    nnsim.train(design, epochs=4)
    assert [(r.epoch, r.step) for r in design.history] == [(1, 30), (2, 60)]  # converged in the second
    assert design.history[-1].train_accuracy == 1.0
    assert all(r.test_loss is None and r.test_accuracy is None for r in design.history)
