"""Logic-gate truth tables."""

import numpy as np
import pytest

from nnsim.data import DataError, load_dataset
from nnsim.data.logic import INPUT_RANGE, LOGIC_NAMES, load_logic, truth_table
from nnsim.design.model import DatasetSpec

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
EXPECTED = {
    "AND": lambda a, b: a and b,
    "OR": lambda a, b: a or b,
    "NAND": lambda a, b: not (a and b),
    "NOR": lambda a, b: not (a or b),
    "XOR": lambda a, b: a != b,
}


@pytest.mark.parametrize("gate", sorted(EXPECTED))
def test_truth_tables(gate):
    x, y = truth_table(gate)
    assert x.dtype == np.float64 and x.tolist() == INPUTS
    assert y.dtype == np.int64 and y.shape == (4,)
    assert y.tolist() == [int(bool(EXPECTED[gate](a, b))) for a, b in INPUTS]


def test_names():
    assert set(LOGIC_NAMES) == set(EXPECTED)


@pytest.mark.parametrize("name", ["xor", "Xor", " XOR "])
def test_case_insensitive(name):
    assert truth_table(name)[1].tolist() == [0, 1, 1, 0]


def test_dataset_train_and_test_are_the_table():
    d = load_logic("nand")
    assert d.name == "NAND" and d.task == "classification"
    assert d.x_train.tolist() == INPUTS and d.x_test.tolist() == INPUTS
    assert d.y_train.tolist() == [1, 1, 1, 0] and d.y_test.tolist() == [1, 1, 1, 0]
    assert d.input_range == INPUT_RANGE == ((-0.5, 1.5), (-0.5, 1.5))
    assert d.n_classes == 2 and d.n_targets == 1
    d.x_train[0, 0] = 9  # the two sets are separate arrays
    assert d.x_test[0, 0] == 0


def test_load_dataset_logic_ignores_ratio():
    d = load_dataset(DatasetSpec(source="logic", name="or", train_ratio=0.5))
    assert len(d.x_train) == 4 and len(d.x_test) == 4
    assert d.y_train.tolist() == [0, 1, 1, 1]


def test_unknown_gate():
    with pytest.raises(DataError) as info:
        load_dataset(DatasetSpec(source="logic", name="XNOR"))
    assert "XNOR" in str(info.value) and "\n" not in str(info.value)
