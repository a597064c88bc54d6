"""Sequence data: what every sequence task produces, and the tasks by name.

A ``SequenceDataset`` is the sequence counterpart of ``Dataset``: a
train/test split of plain arrays, inputs of shape (n, T, n_features) (n
sequences of T steps) and targets either at every step, (n, T, n_outputs), or
at the last step only, (n, n_outputs). Targets are what a network with one
output per class (per regression target) should output: one-hot rows for
three or more classes, a single 0/1 column for two, values for regression.

The tasks (exact definitions in docs/sequence-tasks.md), each seeded so the
same arguments give bit-identical arrays:

- ``nnsim.data.sequence_tasks``: temporal XOR, sine next value, the
  figure eight, temporal order, the adding problem, the copy task;
- ``nnsim.data.reber``: the Reber grammar, embedded Reber, continual
  embedded Reber, with tables of the legal next symbols;
- ``nnsim.data.char_text``: next-character prediction on a shipped text,
  and sampling at a temperature;
- ``nnsim.data.windows``: windows of a user's time series (rows in time order).

``make_task(name, **options)`` makes any of them by name (``tasks()``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from .base import CLASSIFICATION, REGRESSION, DataError

EVERY_STEP = "every_step"
LAST_STEP = "last_step"

__all__ = ["CLASSIFICATION", "EVERY_STEP", "LAST_STEP", "REGRESSION", "SequenceDataset", "make_task", "tasks"]


@dataclass
class SequenceDataset:
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

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
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
    def n_classes(self) -> int:
        """Number of classes (classification only)."""
        return len(self.target_names)

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


@functools.cache
def tasks() -> dict:
    """Every built-in sequence task: name -> maker (a function of keyword
    options, ``seed`` among them, returning a ``SequenceDataset``)."""
    from . import char_text, reber, sequence_tasks  # they import this module: imported when first asked

    return {
        "temporal_xor": sequence_tasks.temporal_xor,
        "sine": sequence_tasks.sine,
        "figure_eight": sequence_tasks.figure_eight,
        "temporal_order": sequence_tasks.temporal_order,
        "adding": sequence_tasks.adding,
        "copy": sequence_tasks.copy_task,
        "reber": reber.reber,
        "embedded_reber": reber.embedded_reber,
        "continual_embedded_reber": reber.continual_embedded_reber,
        "char_text": char_text.char_text,
    }


def make_task(name: str, **options) -> SequenceDataset:
    """The built-in task ``name`` (see ``tasks()``) made with ``options``."""
    key = str(name).strip().lower()
    makers = tasks()
    if key not in makers:
        raise DataError(f"unknown sequence task {name!r} (choose from {', '.join(makers)})")
    return makers[key](**options)
