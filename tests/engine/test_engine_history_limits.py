"""A design whose history ends at the largest epoch or step a file can hold
loads, and training it stops at that limit with a message instead of counting
past it: the result can always be saved and read back."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim import cli
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, HistoryRecord, LearningRule
from nnsim.design.settings import MAX_EPOCHS, MAX_STEPS
from nnsim.io import load, save
from nnsim.session import Session


def xor_with_history(epoch: int, step: int, perceptron: bool = False):
    if perceptron:
        d = layered([2, 1], output=Activation.STEP)
        d.training.rule = LearningRule.PERCEPTRON
        d.dataset.source, d.dataset.name = "logic", "AND"
    else:
        d = layered([2, 3, 1])
        d.dataset.source, d.dataset.name = "logic", "XOR"
        d.training.batch_size = 4  # one step per epoch
    initialize(d, np.random.default_rng(0))
    d.history = [HistoryRecord(epoch=epoch, step=step, train_loss=0.25)]
    return d


@pytest.mark.parametrize("perceptron", [False, True])
def test_training_at_the_largest_epoch_stops_and_saves(tmp_path, capsys, perceptron):
    path, out = tmp_path / "old.nnsim", tmp_path / "trained.nnsim"
    save(xor_with_history(MAX_EPOCHS, 5, perceptron), path)
    code = cli.main(["train", str(path), "--epochs", "3", "--save", str(out)])
    text = capsys.readouterr().out
    assert code == cli.EXIT_OK, text
    assert "the most a design's history can count" in text
    assert load(out).history[-1].epoch == MAX_EPOCHS


def test_training_just_below_the_largest_epoch_trains_up_to_it(tmp_path):
    d = xor_with_history(MAX_EPOCHS - 2, 10)
    summary = Session(d).train(10)
    assert summary.status == "at_limit" and summary.epochs == 2
    assert d.history[-1].epoch == MAX_EPOCHS
    save(d, tmp_path / "trained.nnsim")
    assert load(tmp_path / "trained.nnsim").history[-1].epoch == MAX_EPOCHS


def test_training_just_below_the_largest_step_count_stops_before_passing_it(tmp_path):
    d = xor_with_history(7, MAX_STEPS - 3)
    summary = Session(d).train(10)
    assert summary.status == "at_limit" and summary.steps == MAX_STEPS
    save(d, tmp_path / "trained.nnsim")
    assert load(tmp_path / "trained.nnsim").history[-1].step == MAX_STEPS
