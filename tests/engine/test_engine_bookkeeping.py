"""What a learner reads about a run: the history's numbers, the counters,
the divergence message, and regularisation switched off either way."""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

import nnsim
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec, Regularization
from nnsim.engine.program import DIVERGED, READY
from nnsim.session import Session


def xor_design(train_ratio: float = 0.5, output: Activation = Activation.TANH):
    design = layered([2, 4, 1], output=output)
    design.dataset = DatasetSpec(source="playground", name="xor", points=40, train_ratio=train_ratio)
    design.training.batch_size = 4
    design.training.learning_rate = 0.05
    initialize(design, np.random.default_rng(1))
    return design


def numbers(design) -> list[float]:
    return [c.weight for c in design.connections] + [n.bias for n in design.neurons]


def test_the_history_test_loss_is_the_loss_on_the_test_set_at_that_epoch():
    design = xor_design()
    session = Session(design)
    session.train(1)
    net, data = session.network, session.data
    rec = design.history[-1]
    assert rec.test_loss == net.loss_of(net.forward(data.x_test), data.y_test)
    assert rec.train_loss == net.loss_of(net.forward(data.x_train), data.y_train)
    assert rec.test_loss != rec.train_loss


def test_without_a_test_set_the_history_has_no_test_numbers():
    design = xor_design(train_ratio=1.0)
    summary = nnsim.train(design, epochs=2)
    assert [(r.test_loss, r.test_accuracy) for r in design.history] == [(None, None)] * 2
    assert summary.test_loss is None and summary.test_accuracy is None
    assert all(np.isfinite(r.train_loss) for r in design.history)


@pytest.mark.parametrize("kind, rate", [(Regularization.NONE, 0.0), (Regularization.NONE, 0.5),
                                        (Regularization.L1, 0.0), (Regularization.L2, 0.0)])
def test_regularisation_switched_off_by_its_kind_or_by_a_zero_rate_trains_alike(kind, rate):
    plain = xor_design()
    nnsim.train(plain, epochs=3)
    design = xor_design()
    design.training.regularization, design.training.regularization_rate = kind, rate
    nnsim.train(design, epochs=3)
    assert numbers(design) == numbers(plain)


@pytest.mark.parametrize("kind", [Regularization.L1, Regularization.L2])
def test_a_penalty_with_a_rate_keeps_the_weights_smaller(kind):
    plain = xor_design()
    nnsim.train(plain, epochs=3)
    design = xor_design()
    design.training.regularization, design.training.regularization_rate = kind, 0.5
    nnsim.train(design, epochs=3)
    size = (lambda d: sum(abs(c.weight) for c in d.connections)) if kind == Regularization.L1 else (
        lambda d: sum(c.weight**2 for c in d.connections))
    assert size(design) < size(plain)
    assert numbers(design) != numbers(plain)


def exploding_session():
    """A linear output and a huge rate: the first step's update makes the
    loss of the second step overflow."""
    design = xor_design(output=Activation.LINEAR)
    return design, Session(design)


def test_divergence_mid_epoch_names_its_step_and_epoch_and_restores_the_weights():
    design, session = exploding_session()
    start = session.network.copy_params()
    design.training.learning_rate = 1e200
    trainer = session.trainer
    assert trainer.train_steps(3) == 1  # the one step that ran
    assert trainer.status == DIVERGED
    assert re.match(r"training diverged at step 2 \(epoch 1\): the loss became (inf|nan); "
                    r"the weights were restored to those after epoch 0\. Try a smaller learning rate than 1e\+200\.$",
                    trainer.message), trainer.message
    assert np.array_equal(session.network.copy_params(), start)


def test_divergence_in_a_later_epoch_counts_on_from_the_earlier_ones():
    design, session = exploding_session()
    trainer = session.trainer
    trainer.train_epochs(1)
    per_epoch = trainer.steps_per_epoch
    design.training.learning_rate = 1e200
    trainer.train_steps(5)
    assert trainer.status == DIVERGED
    assert trainer.message.startswith(f"training diverged at step {per_epoch + 2} (epoch 2): ")
    assert "restored to those after epoch 1." in trainer.message


def test_after_a_mid_epoch_divergence_resume_trains_whole_epochs_again():
    design, session = exploding_session()
    trainer = session.trainer
    design.training.learning_rate = 1e200
    trainer.train_steps(3)
    assert trainer.status == DIVERGED
    design.training.learning_rate = 0.01
    trainer.resume()
    assert (trainer.status, trainer.message) == (READY, "")  # the status line no longer says it diverged
    assert trainer.train_epochs(2) == 2
    assert trainer.status == READY
    assert (trainer.epoch, trainer.step_count) == (2, 1 + 2 * trainer.steps_per_epoch)
    assert [r.epoch for r in trainer.history] == [1, 2]
    assert all(np.isfinite(r.train_loss) for r in trainer.history)


def test_finishing_a_partial_epoch_stops_at_its_end():
    design = xor_design()
    trainer = Session(design).trainer
    per_epoch = trainer.steps_per_epoch
    assert per_epoch == 5  # 20 training points in batches of 4
    trainer.train_steps(2)
    assert trainer.steps_left_in_epoch() == 3
    assert trainer.train_epochs(1) == 1
    assert (trainer.epoch, trainer.step_count) == (1, per_epoch)
    assert trainer.steps_left_in_epoch() == per_epoch
    trainer.train_epochs(2)
    assert (trainer.epoch, trainer.step_count) == (3, 3 * per_epoch)
    assert [(r.epoch, r.step) for r in trainer.history] == [(1, 5), (2, 10), (3, 15)]


def test_training_a_saved_design_again_counts_on_from_its_history(tmp_path):
    design = xor_design()
    nnsim.train(design, epochs=2)
    nnsim.save(design, tmp_path / "half.nnsim")
    again = nnsim.load(tmp_path / "half.nnsim")
    summary = nnsim.train(again, epochs=1)
    assert (summary.epochs, summary.steps) == (1, 15)
    assert [(r.epoch, r.step) for r in again.history] == [(1, 5), (2, 10), (3, 15)]
    # and the one run of three epochs would have ended on the same records
    whole = xor_design()
    nnsim.train(whole, epochs=3)
    assert [(r.epoch, r.step) for r in whole.history] == [(r.epoch, r.step) for r in again.history]


def test_settings_followed_between_steps_keep_the_optimizers_memory_unless_it_changes():
    plain = xor_design()
    plain.training.optimizer = "momentum"
    reference = Session(plain)
    reference.trainer.train_steps(6)
    design = xor_design()
    design.training.optimizer = "momentum"
    session = Session(design)
    for _ in range(6):  # the window applies settings before every step
        assert session.follow_settings() == ""
        session.trainer.train_steps(1)
    assert np.array_equal(session.network.copy_params(), reference.network.copy_params())
    design.training.optimizer = "adam"
    plain.training.optimizer = "adam"
    session.follow_settings()
    session.trainer.train_steps(1)
    reference.trainer.train_steps(1)  # this one still has its momentum optimizer
    assert not np.array_equal(session.network.copy_params(), reference.network.copy_params())
