"""What every sequence task produces (``SequenceDataset``) and the small
helpers the tasks share; the tasks themselves and their registry are in
``nnsim.data.sequences``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .base import CLASSIFICATION, DataError, Split

EVERY_STEP = "every_step"
LAST_STEP = "last_step"

@dataclass
class SequenceDataset(Split):
    """A split sequence data set.

    ``x_train``/``x_test``: float64 (n, T, n_features). ``y_train``/``y_test``:
    float64, (n, T, n_outputs) when ``targets_at`` is ``EVERY_STEP``, (n,
    n_outputs) when it is ``LAST_STEP``. ``task`` is ``CLASSIFICATION`` (then
    ``target_names`` names the classes, index order) or ``REGRESSION`` (then it
    names the target columns). ``mask_train``/``mask_test``: bool (n, T), the
    steps whose targets count (False for padding after a shorter sequence and
    for steps with nothing to predict), or None when every step counts;
    padded steps have all-zero inputs and targets. ``stream``: the rows are
    consecutive chunks of one stream (train and test each their own): keep
    their order and carry the hidden state from one row to the next.
    ``extras``: task-specific arrays, e.g. ``legal_train``/``legal_test`` for
    the Reber grammars. ``description``: one line for the user.
    """

    targets_at: str = EVERY_STEP
    mask_train: np.ndarray | None = None
    mask_test: np.ndarray | None = None
    stream: bool = False
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    description: str = ""

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[2])

    @property
    def length(self) -> int:
        """Steps per sequence (T)."""
        return int(self.x_train.shape[1])

    @property
    def n_targets(self) -> int:
        """Outputs a network needs: 1 for two classes, one per class for
        more, one per target column for regression (as ``Dataset``)."""
        return int(self.y_train.shape[-1])

    def classes(self, y: np.ndarray) -> np.ndarray:
        """Class indices (int64) from targets or outputs shaped like them:
        the largest output, or output ≥ 0.5 for a single 0/1 column."""
        if self.task != CLASSIFICATION:
            raise DataError(f"{self.name} is not a classification task")
        y = np.asarray(y)
        if y.shape[-1] == 1:
            return (y[..., 0] >= 0.5).astype(np.int64)
        return np.argmax(y, axis=-1).astype(np.int64)


def one_hot(indices: np.ndarray, n: int) -> np.ndarray:
    """float64 one-hot rows for integer ``indices`` (any shape) of ``n``
    classes; negative indices give all-zero rows (padding)."""
    indices = np.asarray(indices)
    out = np.zeros(indices.shape + (n,))
    ok = indices >= 0
    out[ok, indices[ok]] = 1.0
    return out


def padded(sequences: list[np.ndarray], fill=-1) -> tuple[np.ndarray, np.ndarray]:
    """Integer sequences of different lengths as one (n, T) array padded at
    the end with ``fill``, and the (n, T) bool mask of real steps."""
    T = max((len(s) for s in sequences), default=0)
    out = np.full((len(sequences), T), fill, dtype=np.int64)
    mask = np.zeros((len(sequences), T), dtype=bool)
    for k, s in enumerate(sequences):
        out[k, : len(s)] = s
        mask[k, : len(s)] = True
    return out, mask


def stream_rows(a: np.ndarray, chunk: int | None, fill=0) -> np.ndarray:
    """A stream (T, …) cut into consecutive rows of ``chunk`` steps,
    (ceil(T / chunk), chunk, …); the last row padded with ``fill``. ``chunk``
    None: one row holding the whole stream."""
    a = np.asarray(a)
    if chunk is None:
        return a[None]
    chunk = int(chunk)
    if chunk < 1:
        raise DataError(f"chunk length {chunk} must be at least 1")
    rows = -(-len(a) // chunk)
    out = np.full((rows * chunk,) + a.shape[1:], fill, dtype=a.dtype)
    out[: len(a)] = a
    return out.reshape((rows, chunk) + a.shape[1:])


def check_count(name: str, value, least: int = 1) -> int:
    """``value`` as an int ≥ ``least``, or ``DataError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise DataError(f"{name} must be a whole number of at least {least}, not {value!r}")
    return int(value)


def rng_of(seed) -> np.random.Generator:
    """The generator of a task's seed (a whole number ≥ 0)."""
    return np.random.default_rng(check_count("seed", seed, 0))
