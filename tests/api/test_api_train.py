"""``nnsim.train`` as a script uses it: what it trains for, the seed, the
callback, where a CSV file is found, and the trained numbers it leaves in
the design (and so in the saved file)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nnsim
from nnsim.data import load_dataset
from nnsim.design.build import layered
from nnsim.design.model import DatasetSpec
from nnsim.session import Session


def fresh(name: str = "xor-mlp"):
    design = nnsim.example(name)
    design.history = []
    design.training.epochs = 40
    return design


def numbers(design) -> list[float]:
    return [c.weight for c in design.connections] + [n.bias for n in design.neurons]


def test_the_saved_file_predicts_exactly_what_the_trained_network_did(tmp_path):
    design = fresh()
    before = copy.deepcopy(design)
    session = Session(design)
    session.train(5)
    x = load_dataset(design.dataset).x_train
    nnsim.save(design, tmp_path / "trained.nnsim")
    reloaded = nnsim.load(tmp_path / "trained.nnsim")
    assert np.array_equal(nnsim.predict(reloaded, x), session.network.predict(x))
    # the biases of the hidden and output neurons were trained and written back too
    trained = [n.bias for n in reloaded.neurons if n.layer != reloaded.layers[0].id]
    untrained = [n.bias for n in before.neurons if n.layer != before.layers[0].id]
    assert all(a != b for a, b in zip(trained, untrained))


def test_epochs_given_override_the_designs_budget():
    design = fresh()
    summary = nnsim.train(design, epochs=3)
    assert summary.epochs == 3
    assert [r.epoch for r in design.history] == [1, 2, 3]
    default = fresh()
    assert nnsim.train(default).epochs == 40
    assert default.history[-1].epoch == 40


def test_the_seed_drives_the_batch_order_and_defaults_to_the_designs():
    design = fresh()
    design.training.seed = 5
    runs = {}
    for seed in (None, 5, 6):
        d = copy.deepcopy(design)
        nnsim.train(d, epochs=2, seed=seed)
        runs[seed] = numbers(d)
    assert runs[None] == runs[5]
    assert runs[6] != runs[5]


def test_the_callback_sees_every_epoch_as_it_ends():
    design = fresh()
    seen = []
    nnsim.train(design, epochs=3, callback=lambda trainer: seen.append((trainer.epoch, len(trainer.history))))
    assert seen == [(1, 1), (2, 2), (3, 3)]


def test_a_relative_csv_path_is_found_under_base_dir(tmp_path, monkeypatch):
    rows = ["a,b,y"] + [f"{a},{b},{a ^ b}" for a in (0, 1) for b in (0, 1)] * 3
    (tmp_path / "xor.csv").write_text("\n".join(rows) + "\n")
    design = layered([2, 3, 1])
    design.dataset = DatasetSpec(source="csv", path="xor.csv", targets=["y"], train_ratio=1.0)
    monkeypatch.chdir(tmp_path.parent)
    with pytest.raises(Exception, match="xor.csv"):
        nnsim.train(copy.deepcopy(design), epochs=1)
    summary = nnsim.train(design, epochs=2, base_dir=tmp_path)
    assert summary.epochs == 2 and design.history[-1].epoch == 2
