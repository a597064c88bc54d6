"""What every data source produces: a train/test split of plain arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.text import one_line

CLASSIFICATION = "classification"
REGRESSION = "regression"


class DataError(ValueError):
    """A data set could not be made or read; the message is one line for the
    user (text from a file in it is shown escaped)."""

    def __init__(self, message: str = ""):
        super().__init__(one_line(message))


@dataclass
class Dataset:
    """A split data set.

    ``x_train``/``x_test`` are float64 arrays of shape (n, n_features). For
    classification, ``y_train``/``y_test`` are int64 class indices of shape (n,)
    and ``target_names`` names the classes (index order); for regression they
    are float64 arrays of shape (n, n_targets) and ``target_names`` names the
    target columns. ``input_range`` is the plane to draw 2-D heatmaps over, as
    ((x1_min, x1_max), (x2_min, x2_max)), when the data has two features.
    """

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    input_range: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes (classification only)."""
        return len(self.target_names)

    @property
    def n_targets(self) -> int:
        """Number of output values the task needs from a network with one
        output per class (or per regression target)."""
        if self.task == CLASSIFICATION:
            return 1 if self.n_classes == 2 else self.n_classes
        return int(self.y_train.shape[1])


def split(x: np.ndarray, y: np.ndarray, train_ratio: float, rng: np.random.Generator):
    """Shuffle and split into (x_train, y_train, x_test, y_test).

    The first ``round(n * train_ratio)`` shuffled rows train, the rest test,
    as TensorFlow Playground does.
    """
    if not 0.0 < train_ratio <= 1.0:
        raise DataError(f"train ratio {train_ratio} is outside (0, 1]")
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(round(len(x) * train_ratio))
    n_train = min(max(n_train, 1), len(x))
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]

