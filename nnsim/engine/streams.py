"""One long stream in lanes: how the trainer reads a stream's rows.

A stream's data (``TrainingData.stream``) is one sequence cut into rows of
consecutive chunks, (rows, T, …). Shuffling the rows would break the stream,
and starting every row from a zero state would forget what came before. So a
stream is read in order: joined into one sequence and cut into ``lanes``
contiguous pieces of equal length (the batch: lane j runs from step j·L to
(j + 1)·L − 1), which are fed side by side, ``steps`` time steps at a time,
each lane's state carried from one chunk to the next. One pass over the lanes
is one epoch; the state starts from zeros at the start of each.

The last lane is padded at its end with zero inputs and targets that do not
count (NaN). A stream is measured as the one long sequence it is
(``whole``).
"""

from __future__ import annotations

import math

import numpy as np


def whole(a: np.ndarray | None) -> np.ndarray | None:
    """A stream's rows (rows, T, …) joined into one sequence (1, rows·T, …);
    labels (rows, T) into (1, rows·T)."""
    if a is None:
        return None
    return a.reshape((1, a.shape[0] * a.shape[1]) + a.shape[2:])


def lane_count(steps: int, batch_size: int) -> int:
    """How many lanes a stream of ``steps`` steps is read in: the batch
    size, but never more lanes than steps."""
    return max(1, min(int(batch_size), int(steps)))


def lanes(x: np.ndarray, y: np.ndarray, n_lanes: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (rows, T, features) and per-step targets (rows, T, outputs) of
    a stream as ``n_lanes`` contiguous pieces side by side: (lanes, L, …)
    with L = ⌈rows·T / lanes⌉, the last padded (inputs 0, targets NaN)."""
    xs, ys = whole(x)[0], whole(y)[0]
    n = len(xs)
    length = math.ceil(n / n_lanes)
    pad = n_lanes * length - n
    if pad:
        xs = np.concatenate([xs, np.zeros((pad,) + xs.shape[1:], dtype=xs.dtype)])
        ys = np.concatenate([ys, np.full((pad,) + ys.shape[1:], np.nan, dtype=ys.dtype)])
    return xs.reshape((n_lanes, length) + xs.shape[1:]), ys.reshape((n_lanes, length) + ys.shape[1:])


def lane_length(rows: int, row_steps: int, n_lanes: int) -> int:
    """Steps per lane (L above)."""
    return math.ceil(rows * row_steps / n_lanes)


def chunk_steps(row_steps: int, bptt_steps: int) -> int:
    """Time steps per training step: ``bptt_steps`` when set (> 0), else
    the length of the stream's rows."""
    return int(bptt_steps) if int(bptt_steps) > 0 else int(row_steps)
