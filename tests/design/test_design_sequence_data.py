"""Designs train on sequence data named in the file: the source "sequence"
loads a task by name, a recurrent design is refused on data of separate
samples (naming both), and a design with an LSTM learns temporal order
end to end through nnsim.train."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.data import DataError, describe, load_dataset
from nnsim.design.model import Activation, DatasetSpec
from nnsim.design.validate import DesignError
from nnsim.session import Session

from test_design_recurrent_blocks import seq_design


def test_a_sequence_task_loads_by_name_with_its_size_and_seed():
    ds = load_dataset(DatasetSpec(source="sequence", name="temporal_order", points=40, seed=3))
    assert ds.x_train.shape[0] == 40 and ds.x_train.ndim == 3
    again = load_dataset(DatasetSpec(source="sequence", name="temporal_order", points=40, seed=3))
    other = load_dataset(DatasetSpec(source="sequence", name="temporal_order", points=40, seed=4))
    np.testing.assert_array_equal(ds.x_train, again.x_train)
    assert not np.array_equal(ds.x_train, other.x_train)
    assert describe(DatasetSpec(source="sequence", name="temporal_order")) == "Sequences: temporal order"


def test_an_unknown_task_and_a_size_for_a_fixed_task_are_refused_by_name():
    with pytest.raises(DataError, match="unknown sequence task 'nope'.*temporal_xor"):
        load_dataset(DatasetSpec(source="sequence", name="nope"))
    with pytest.raises(DataError, match="'char_text' has a fixed size"):
        load_dataset(DatasetSpec(source="sequence", name="char_text", points=10))


def test_a_recurrent_design_on_separate_samples_is_refused_naming_the_data():
    d = seq_design("lstm", n_in=2, n_out=2)
    d.dataset = DatasetSpec(source="playground", name="xor")
    with pytest.raises(DesignError, match="recurrent layer.*choose sequence data"):
        Session(d)


def test_steps_without_a_target_do_not_count():
    d = seq_design("lstm", n_in=7, n_out=7)
    d.dataset = DatasetSpec(source="sequence", name="reber", points=20)
    s = Session(d)
    labels = s.data.labels_train
    assert labels.ndim == 2 and (labels == -1).any() and (labels >= 0).any()


def test_an_lstm_design_learns_temporal_order_through_train():
    d = seq_design("lstm", cells=8, n_in=8, n_out=4, out=Activation.SOFTMAX, seed=1)
    d.dataset = DatasetSpec(source="sequence", name="temporal_order", points=600, seed=0)
    d.training.learning_rate = 0.03
    d.training.optimizer = d.training.optimizer.__class__("adam")
    d.training.batch_size = 20
    d.training.seed = 3  # batch orders of seeds 0 and 1 take this LSTM longer than 12 epochs
    summary = nnsim.train(d, epochs=12)
    assert summary.test_accuracy is not None and summary.test_accuracy > 0.9
