"""Training saved and continued equals training in one go, to the bit: the
batch order of each epoch depends only on the seed and the epoch's number,
and the optimizer's memory (momentum's velocities, Adam's moments and step
count) and the place in the epoch are saved with the weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim
from nnsim.design.model import Optimizer
from nnsim.engine.program import epoch_order
from nnsim.session import Session


def example(name: str, optimizer: Optimizer | None = None):
    d = nnsim.example(name)
    if optimizer is not None:
        d.training.optimizer = optimizer
    return d


def same_numbers(a, b) -> bool:
    pa, pb = nnsim.parameters(a), nnsim.parameters(b)
    return pa.keys() == pb.keys() and all(np.array_equal(pa[k], pb[k]) for k in pa)


@pytest.mark.parametrize("optimizer", [Optimizer.SGD, Optimizer.MOMENTUM, Optimizer.ADAM])
def test_train_save_reopen_train_equals_training_in_one_go(optimizer, tmp_path):
    whole = example("iris", optimizer)
    nnsim.train(whole, epochs=10, seed=0)
    half = example("iris", optimizer)
    nnsim.train(half, epochs=5, seed=0)
    nnsim.save(half, tmp_path / "half.nnsim")
    again = nnsim.load(tmp_path / "half.nnsim")
    nnsim.train(again, epochs=5, seed=0)
    assert same_numbers(again, whole)
    assert [h.train_loss for h in again.history] == [h.train_loss for h in whole.history]


@pytest.mark.parametrize("optimizer", [Optimizer.MOMENTUM, Optimizer.ADAM])
def test_without_the_state_training_goes_on_afresh(optimizer, tmp_path):
    whole = example("iris", optimizer)
    nnsim.train(whole, epochs=4, seed=0)
    half = example("iris", optimizer)
    nnsim.train(half, epochs=2, seed=0)
    nnsim.save(half, tmp_path / "half.nnsim", include_state=False)
    assert "training_state" not in json.loads((tmp_path / "half.nnsim").read_text())
    again = nnsim.load(tmp_path / "half.nnsim")
    assert again.training_state is None
    nnsim.train(again, epochs=2, seed=0)
    assert not same_numbers(again, whole)  # a fresh optimizer: the memory mattered


def test_saved_in_the_middle_of_an_epoch_continues_with_the_same_batches(tmp_path):
    d = example("spiral-deep")
    s = Session(d)
    per_epoch = s.trainer.steps_per_epoch
    s.trainer.train_steps(per_epoch * 2 + 3, evaluate=True)
    s.write_back()
    assert d.training_state.position == 3 * d.training.batch_size
    nnsim.save(d, tmp_path / "mid.nnsim")
    s2 = Session(nnsim.load(tmp_path / "mid.nnsim"))
    s2.trainer.train_steps(per_epoch - 3 + per_epoch, evaluate=True)
    whole = Session(example("spiral-deep"))
    whole.trainer.train_steps(per_epoch * 4, evaluate=True)
    assert np.array_equal(s2.network.parameters.flat, whole.network.parameters.flat)


def test_a_run_in_two_calls_equals_one_call():
    once, twice = example("xor-mlp"), example("xor-mlp")
    nnsim.train(once, epochs=30, seed=0)
    nnsim.train(twice, epochs=15, seed=0)
    nnsim.train(twice, epochs=15, seed=0)
    assert same_numbers(once, twice)


def test_the_order_of_an_epoch_depends_on_the_seed_and_the_epoch_only():
    assert np.array_equal(epoch_order(0, 7, 50), epoch_order(0, 7, 50))
    assert not np.array_equal(epoch_order(0, 7, 50), epoch_order(0, 8, 50))
    assert not np.array_equal(epoch_order(0, 7, 50), epoch_order(1, 7, 50))
    assert sorted(epoch_order(3, 2, 50).tolist()) == list(range(50))


def test_a_state_that_no_longer_fits_is_left_out():
    d = example("iris", Optimizer.ADAM)
    nnsim.train(d, epochs=2, seed=0)
    d.history = d.history[:1]  # the history no longer ends where the state was taken
    s = Session(d)
    assert s.trainer.optimizer.t == 0 and s.trainer.epoch == 1
    d2 = example("iris", Optimizer.ADAM)
    nnsim.train(d2, epochs=2, seed=0)
    d2.training.optimizer = Optimizer.MOMENTUM  # another optimizer: its own memory starts empty
    s2 = Session(d2)
    assert not s2.trainer.optimizer.v.any() and s2.trainer.epoch == 2


def test_the_state_is_read_strictly(tmp_path):
    d = example("iris", Optimizer.ADAM)
    nnsim.train(d, epochs=1, seed=0)
    data = json.loads(nnsim.io.dumps(d))
    name = next(iter(data["training_state"]["arrays"]["m"]))
    data["training_state"]["arrays"]["m"][name]["values"][0] = "x"
    with pytest.raises(nnsim.FormatError, match=rf"training_state.arrays.m.{name}.values\[0\]"):
        nnsim.io.loads(json.dumps(data))
    data = json.loads(nnsim.io.dumps(d))
    data["training_state"]["optimizer"] = "rmsprop"
    with pytest.raises(nnsim.FormatError, match="training_state.optimizer"):
        nnsim.io.loads(json.dumps(data))


def gan_numbers(design) -> np.ndarray:
    from nnsim.design.gan import compile_gan

    return compile_gan(design).players.parameters.flat.copy()


def gan(optimizer: Optimizer):
    d = nnsim.example("gan-line")
    d.gan.discriminator.optimizer = d.gan.generator.optimizer = optimizer
    return d


@pytest.mark.parametrize("optimizer", [Optimizer.SGD, Optimizer.MOMENTUM, Optimizer.ADAM])
def test_a_gan_saved_and_continued_equals_one_run(optimizer, tmp_path):
    whole = gan(optimizer)
    whole.gan.discriminator.steps = 1  # Adam's step counts of the two players agree: one record keeps both
    nnsim.train(whole, epochs=4, seed=0)
    half = gan(optimizer)
    half.gan.discriminator.steps = 1
    nnsim.train(half, epochs=2, seed=0)
    nnsim.save(half, tmp_path / "half.nnsim")
    again = nnsim.load(tmp_path / "half.nnsim")
    assert again.training_state is not None and again.training_state.optimizer == optimizer
    nnsim.train(again, epochs=2, seed=0)
    assert np.array_equal(gan_numbers(again), gan_numbers(whole))


def test_a_gan_saved_in_the_middle_of_an_epoch_continues_with_the_same_draws(tmp_path):
    s = Session(gan(Optimizer.MOMENTUM), seed=0)
    s.trainer.train_steps(37)  # an epoch of gan-line is 80 rounds
    s.write_back()
    assert s.design.training_state.position == 37
    nnsim.save(s.design, tmp_path / "mid.nnsim")
    again = Session(nnsim.load(tmp_path / "mid.nnsim"), seed=0)
    again.trainer.train_steps(50)
    whole = Session(gan(Optimizer.MOMENTUM), seed=0)
    whole.trainer.train_steps(87)
    assert np.array_equal(again.compiled.players.parameters.flat, whole.compiled.players.parameters.flat)
    assert again.trainer.epoch == whole.trainer.epoch == 1

