"""Fisher's Iris data set, shipped as ``resources/datasets/iris.csv``.

150 flowers, 50 each of setosa, versicolor and virginica (class indices 0, 1,
2), with four features: sepal length and width, petal length and width (cm).
"""

from __future__ import annotations

import numpy as np

from ..resources import resource_path
from .base import CLASSIFICATION, Dataset
from .csv_file import load_csv

IRIS_FILE = ("datasets", "iris.csv")
IRIS_ROWS = 150
IRIS_SPECIES = ("setosa", "versicolor", "virginica")


def load_iris(
    train_ratio: float = 0.5,
    rng: np.random.Generator | None = None,
    normalize: bool = True,
) -> Dataset:
    """The Iris data split ``train_ratio`` training, the rest test, shuffled
    with ``rng``; ``normalize`` standardises the features by the training
    rows' mean and standard deviation."""
    return load_csv(
        resource_path(*IRIS_FILE),
        ["species"],
        CLASSIFICATION,
        train_ratio,
        rng,
        normalize,
        name="Iris",
    )
