"""Truncated backpropagation through time on sequences with one target at
their end (temporal order): each batch is cut into chunks, the state carried
from one to the next, and only the last chunk holds the target, so only its
step moves the weights."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_block, add_layer, initialize, link
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind, Loss, TrainingSettings
from nnsim.session import Session


def order_design(bptt_steps: int) -> Design:
    d = Design(training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY, learning_rate=0.5, batch_size=10,
                                         bptt_steps=bptt_steps))
    i = add_layer(d, LayerKind.INPUT, 8)
    r = add_block(d, "lstm", cells=3, name="lstm")
    o = add_layer(d, LayerKind.OUTPUT, 4, Activation.SOFTMAX)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(0))
    d.dataset = DatasetSpec(source="sequence", name="temporal_order", points=10, seed=0)  # 10 training sequences, 50 steps long
    return d


def test_only_the_last_chunk_of_a_batch_moves_the_weights():
    session = Session(order_design(bptt_steps=10))
    trainer = session.trainer
    assert trainer.steps_per_epoch == 5  # one batch of 10 sequences, 5 chunks of 10 steps
    start = session.network.copy_params()
    losses = []
    for _ in range(4):
        trainer.train_steps(1)
        losses.append(trainer.last_loss)
        assert np.array_equal(session.network.copy_params(), start)
    assert losses == [0.0] * 4
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
