"""The shipped Iris file and its loader."""

import csv

import numpy as np
import pytest

from nnsim.data import load_dataset
from nnsim.data.iris import load_iris
from nnsim.design.model import DatasetSpec
from nnsim.resources import resource_path

# scikit-learn / R iris, per species: sepal length, sepal width, petal length, petal width
MEANS = {
    "setosa": [5.006, 3.428, 1.462, 0.246],
    "versicolor": [5.936, 2.770, 4.260, 1.326],
    "virginica": [6.588, 2.974, 5.552, 2.026],
}


def test_file_layout():
    with open(resource_path("datasets", "iris.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    assert len(rows) == 151
    assert rows[1] == ["5.1", "3.5", "1.4", "0.2", "setosa"]
    assert rows[150] == ["5.9", "3.0", "5.1", "1.8", "virginica"]
    # Fisher's values for the two rows UCI's copy gets wrong
    assert rows[35] == ["4.9", "3.1", "1.5", "0.2", "setosa"]
    assert rows[38] == ["4.9", "3.6", "1.4", "0.1", "setosa"]


def test_all_rows_class_counts_and_means():
    d = load_iris(1.0, np.random.default_rng(0), normalize=False)
    assert d.name == "Iris" and d.task == "classification"
    assert d.x_train.shape == (150, 4) and len(d.x_test) == 0
    assert d.target_names == ["setosa", "versicolor", "virginica"]
    assert d.feature_names == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert np.bincount(d.y_train).tolist() == [50, 50, 50]
    for index, species in enumerate(d.target_names):
        means = d.x_train[d.y_train == index].mean(axis=0)
        assert np.round(means, 3).tolist() == pytest.approx(MEANS[species], abs=1e-9)
    assert d.n_targets == 3 and d.input_range is None


def test_normalized_by_training_rows():
    d = load_iris(0.6, np.random.default_rng(1))  # normalize defaults to True
    assert len(d.x_train) == 90 and len(d.x_test) == 60
    assert np.allclose(d.x_train.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(d.x_train.std(axis=0), 1)
    assert not np.allclose(d.x_test.mean(axis=0), 0, atol=1e-3)


def test_load_dataset_iris_is_deterministic():
    spec = DatasetSpec(source="iris", train_ratio=0.8, seed=5, normalize=True)
    a, b = load_dataset(spec), load_dataset(spec)
    assert len(a.x_train) == 120
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    raw = load_dataset(DatasetSpec(source="iris", normalize=False))
    assert raw.x_train.max() > 5  # centimetres, not standardised
