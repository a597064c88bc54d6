"""The logic gates and Iris as the data panel shows them, and which settings
the panel offers for each source (what ``points`` counts and its default)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError
from nnsim.data.iris import load_iris
from nnsim.data.logic import gate_name, load_logic, truth_table
from nnsim.data.reads import fields_read, points_meaning
from nnsim.design.model import DatasetSpec

GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0], "XOR": [0, 1, 1, 0]}


def test_each_gate_is_its_truth_table_for_training_and_testing():
    for name, outputs in GATES.items():
        x, y = truth_table(f" {name.lower()} ")
        assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and x.dtype == np.float64
        assert y.tolist() == outputs and y.dtype == np.int64
        data = load_logic(name.title())
        assert (data.name, data.task, data.feature_names, data.target_names, data.input_range) == (
            name, "classification", ["x1", "x2"], ["0", "1"], ((-0.5, 1.5), (-0.5, 1.5)))
        assert data.y_train.tolist() == outputs and data.y_test.tolist() == outputs
        assert data.x_train.tolist() == data.x_test.tolist() == x.tolist()
        data.x_test[0, 0] = data.y_test[0] = 9  # separate copies: the training part keeps its values
        assert data.x_train[0, 0] == 0 and data.y_train[0] == outputs[0]
    x, _ = truth_table("and")
    x[0, 0] = 5
    assert truth_table("and")[0][0, 0] == 0


def test_an_unknown_gate_is_refused_with_the_known_ones():
    assert gate_name(" nor") == "NOR"
    with pytest.raises(DataError) as refused:
        load_logic("maybe")
    assert str(refused.value) == "unknown logic gate 'maybe' (choose from AND, OR, NAND, NOR, XOR)"


def test_iris_by_default_is_standardised_and_half_trains():
    data = load_iris(rng=np.random.default_rng(2))
    assert (len(data.x_train), len(data.x_test), data.name) == (75, 75, "Iris")
    assert np.allclose(data.x_train.mean(axis=0), 0.0) and np.allclose(data.x_train.std(axis=0), 1.0)
    assert data.x_scaling is not None and data.raw_inputs(data.x_train).min() >= 0.1
    raw = load_iris(0.5, np.random.default_rng(2), normalize=False)
    assert np.allclose(data.raw_inputs(data.x_train), raw.x_train) and raw.x_scaling is None
    assert np.array_equal(data.y_train, raw.y_train)
    assert len(load_iris().x_train) == 75  # a fresh generator


def test_each_source_offers_the_settings_it_reads():
    def read(source, name="x"):
        return sorted(fields_read(DatasetSpec(source=source, name=name)))

    assert read(" Playground ") == ["noise", "points", "seed", "train_ratio"]
    assert read("logic") == [] and read("nowhere") == []
    assert read("iris") == read("csv") == ["normalize", "seed", "train_ratio"]
    assert read("digits") == ["seed", "train_ratio"]
    assert read("shapes") == ["noise", "points", "seed", "train_ratio"]
    assert read("distribution") == ["points", "seed"]
    assert read("sequence", " Sine ") == ["points", "seed"]
    assert read("sequence", "char_text") == [] and read("sequence", "nope") == []


def test_points_count_what_each_source_makes_with_its_default():
    def meaning(source, name="x"):
        return points_meaning(DatasetSpec(source=source, name=name))

    assert meaning("playground", "circle") == ("points", 500) and meaning("playground", "plane") == ("points", 1200)
    assert meaning("shapes") == ("images", 500) and meaning(" Distribution ", "ring") == ("samples", 12_000)
    assert meaning("sequence", "sine") == ("training sequences", 64)
    assert meaning("sequence", "temporal_xor") == ("training bits", 2000)
    assert meaning("sequence", "figure_eight") == ("training cycles", 20)
    assert meaning("sequence", "continual_embedded_reber") == ("training strings", 1000)
    assert meaning("sequence", "adding") == ("training sequences", 2000)
    for source, name in (("sequence", "char_text"), ("sequence", "nope"), ("logic", "and"), ("iris", ""),
                         ("digits", ""), ("csv", "")):
        assert meaning(source, name) is None
