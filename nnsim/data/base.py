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
class Split:
    """What every split data set has: its name and task, the training and
    test arrays, the names of the inputs and of the classes (index order)
    or regression targets."""

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)

    @property
    def n_classes(self) -> int:
        """Number of classes (classification only)."""
        return len(self.target_names)


@dataclass
class Dataset(Split):
    """A split data set of separate samples.

    ``x_train``/``x_test`` are float64 arrays of shape (n, n_features). For
    classification, ``y_train``/``y_test`` are int64 class indices of shape (n,)
    and ``target_names`` names the classes (index order); for regression they
    are float64 arrays of shape (n, n_targets) and ``target_names`` names the
    target columns. ``input_range`` is the plane to draw 2-D heatmaps over, as
    ((x1_min, x1_max), (x2_min, x2_max)), when the data has two features.
    """

    input_range: tuple[tuple[float, float], tuple[float, float]] | None = None
    x_scaling: tuple[np.ndarray, np.ndarray] | None = None
    y_scaling: tuple[np.ndarray, np.ndarray] | None = None

    def raw_inputs(self, x: np.ndarray) -> np.ndarray:
        """Feature values (..., n_features) as the file wrote them."""
        return unscale(x, self.x_scaling)

    def raw_targets(self, y: np.ndarray) -> np.ndarray:
        """Regression outputs or targets (..., n_targets) in the file's units."""
        return unscale(y, self.y_scaling)

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

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


def unscale(values: np.ndarray, scaling: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
    """Standardised ``values`` (..., n) back in their own units (a copy)."""
    values = np.array(values, dtype=np.float64)
    if scaling is None:
        return values
    mean, spread = scaling
    with np.errstate(all="ignore"):
        return values * spread + mean


def scaling_of(x_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, spread) per column of the training rows, as ``standardize``
    takes them (a spread of 0 counts as 1), for showing values in their own
    units again."""
    with np.errstate(all="ignore"):
        mean = x_train.mean(axis=0) if len(x_train) else np.zeros(x_train.shape[1:])
        std = x_train.std(axis=0) if len(x_train) else np.ones(x_train.shape[1:])
    std = np.where(std == 0, 1.0, std)
    return mean, std


def standardize(x_train: np.ndarray, x_test: np.ndarray) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Each feature less the training rows' mean, divided by their standard
    deviation (a deviation of 0 counts as 1): (x_train, x_test, None). Values
    near the largest float (1.7e308) would overflow the sums, and values near
    the smallest underflow them; such columns are computed on values scaled
    to [-1, 1] first. The third item is the index of
    a column whose result is still not finite (test values far outside the
    training range), else None."""
    with np.errstate(all="ignore"):
        mean = x_train.mean(axis=0)  # (n_features,)
        std = x_train.std(axis=0)  # (n_features,)
        # Sums of squares overflow near 1.7e308 and underflow near 1e-300 (a
        # column that varies with a deviation of 0).
        bad = ~(np.isfinite(mean) & np.isfinite(std))
        if len(x_train):
            bad |= (std == 0) & (x_train.min(axis=0) != x_train.max(axis=0))
        std[std == 0] = 1.0
        train = (x_train - mean) / std
        test = (x_test - mean) / std
        bad |= ~(np.isfinite(train).all(axis=0) & np.isfinite(test).all(axis=0))
        for j in np.flatnonzero(bad):
            train[:, j], test[:, j] = _standardize_scaled(x_train[:, j], x_test[:, j])
    finite = np.isfinite(train).all(axis=0) & np.isfinite(test).all(axis=0)
    return train, test, None if finite.all() else int(np.flatnonzero(~finite)[0])


def _standardize_scaled(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One column standardised without overflow: the mean and deviation are
    taken of the values divided by their largest magnitude."""
    scale = float(np.abs(train).max()) if len(train) else 1.0
    scale = scale or 1.0
    t = train / scale
    mean, std = t.mean(), t.std()
    if std == 0:  # a constant column: shift by the mean only, as above
        return (train / scale - mean) * scale, (test / scale - mean) * scale
    return (t - mean) / std, (test / scale - mean) / std
