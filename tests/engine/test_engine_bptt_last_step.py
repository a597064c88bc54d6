"""Truncated backpropagation through time on sequences with one target at
their end (temporal order): each batch is cut into chunks, the state carried
from one to the next, and only the last chunk holds the target, so only its
step moves the weights."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_block, add_layer, initialize, link
from nnsim.design.model import Activation, DatasetSpec, Design, HistoryRecord, LayerKind, Loss, TrainingSettings
from nnsim.design.settings import MAX_EPOCHS, MAX_STEPS
from nnsim.engine.program import AT_LIMIT, DIVERGED
from nnsim.session import Session


def order_design(bptt_steps: int, out: Activation = Activation.SOFTMAX) -> Design:
    loss = Loss.SOFTMAX_CROSS_ENTROPY if out == Activation.SOFTMAX else Loss.MSE
    d = Design(training=TrainingSettings(loss=loss, learning_rate=0.5, batch_size=10, bptt_steps=bptt_steps))
    i = add_layer(d, LayerKind.INPUT, 8)
    r = add_block(d, "lstm", cells=3, name="lstm")
    o = add_layer(d, LayerKind.OUTPUT, 4, out)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(0))
    d.dataset = DatasetSpec(source="sequence", name="temporal_order", points=10, seed=0)  # 10 training sequences, 50 steps long
    return d


@pytest.mark.parametrize("bptt_steps, chunks", [(10, 5), (25, 2)])
def test_only_the_last_chunk_of_a_batch_moves_the_weights(bptt_steps, chunks):
    session = Session(order_design(bptt_steps))
    trainer = session.trainer
    assert trainer.steps_per_epoch == chunks  # one batch of 10 sequences cut into chunks
    start = session.network.copy_params()
    losses = []
    for _ in range(chunks - 1):
        trainer.train_steps(1)
        losses.append(trainer.last_loss)
        assert np.array_equal(session.network.copy_params(), start)
    assert losses == [0.0] * (chunks - 1)
    trainer.train_steps(1)
    assert trainer.last_loss > 0 and trainer.epoch == 1
    assert not np.array_equal(session.network.copy_params(), start)


@pytest.mark.parametrize("bptt_steps", [0, 50, 80])
def test_chunks_as_long_as_the_sequence_train_as_whole_sequences(bptt_steps):
    whole = order_design(0)
    nnsim.train(whole, epochs=2)
    design = order_design(bptt_steps)
    summary = nnsim.train(design, epochs=2)
    assert summary.steps == 2
    got, expected = nnsim.parameters(design), nnsim.parameters(whole)
    assert got.keys() == expected.keys()
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("bptt_steps, steps", [(1, 50), (10, 5), (49, 2), (50, 1), (0, 1)])
def test_an_epoch_takes_one_step_per_chunk(bptt_steps, steps):
    design = order_design(bptt_steps)
    assert nnsim.train(design, epochs=1).steps == steps


def test_sequences_one_at_a_time_take_a_step_per_sequence_and_chunk():
    design = order_design(25)
    design.training.batch_size = 1
    summary = nnsim.train(design, epochs=1)
    assert (summary.epochs, summary.steps) == (1, 10 * 2)
    assert [(r.epoch, r.step) for r in design.history] == [(1, 20)]


@pytest.mark.parametrize("epoch, step, what", [(MAX_EPOCHS, 7, "epoch 1,000,000,000"),
                                               (3, MAX_STEPS, f"step {MAX_STEPS:,}")])
def test_sequence_training_stops_at_the_largest_count_a_file_holds(epoch, step, what):
    design = order_design(10)
    design.history = [HistoryRecord(epoch=epoch, step=step, train_loss=1.0)]
    session = Session(design)
    assert session.trainer.train_steps(3) == 0
    assert session.trainer.status == AT_LIMIT
    assert session.trainer.message.startswith(f"stopped at {what}, the most a design's history can count")


def test_sequence_training_just_below_the_largest_epoch_trains_up_to_it():
    design = order_design(25)
    design.history = [HistoryRecord(epoch=MAX_EPOCHS - 1, step=7, train_loss=1.0)]
    session = Session(design)
    assert session.trainer.train_steps(5) == 2
    assert (session.trainer.status, session.trainer.epoch, session.trainer.step_count) == (AT_LIMIT, MAX_EPOCHS, 9)


def test_a_diverging_sequence_run_says_when_and_counts_the_steps_it_took():
    design = order_design(0, out=Activation.LINEAR)
    design.training.batch_size = 2
    design.training.learning_rate = 1e200
    trainer = Session(design).trainer
    assert trainer.train_steps(5) == 1  # the first step's update makes the second step's loss overflow
    assert trainer.status == DIVERGED and trainer.step_count == 1
    assert re.match(r"training diverged at step 2 \(epoch 1\): the loss became (inf|nan); "
                    r"the weights were restored to those after epoch 0\.", trainer.message), trainer.message
