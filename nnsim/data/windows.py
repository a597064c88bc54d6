"""Windows of a time series: a table whose rows are in time order, cut into
sequences for a recurrent network.

Given the table as an array (rows in time order, one column per variable),
the input columns, the target columns, a window length L, a horizon h ≥ 0 and
a stride s ≥ 1, window k covers rows r = k·s … k·s + L − 1:

- its inputs are the input columns of those rows, (L, n_inputs);
- per step (``EVERY_STEP``), the target of the step at row r is the target
  columns of row r + h, (L, n_targets); at the last step (``LAST_STEP``), the
  target columns of row k·s + L − 1 + h, (n_targets,).

With the target among the inputs and h = 1 that is "predict the next value";
with a separate target column and h = 0, "read the target off the same row".
Windows end where the rows their targets need run out.

``window_dataset`` splits by time: the first ``train_ratio`` of the rows is
the training part and the rest the test part, each cut into windows of its
own, so no test row is seen while training. ``load_csv_series`` does all of
it for a CSV file (a design's data set with a ``window``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnsim.text import cut, listing, quote

from .base import REGRESSION, DataError, scaling_of
from .sequence_base import EVERY_STEP, LAST_STEP, SequenceDataset, check_count


def windows(values: np.ndarray, inputs: list[int], targets: list[int], length: int, horizon: int = 0,
            stride: int = 1, targets_at: str = EVERY_STEP) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)``: x (n, L, n_inputs) and y (n, L, n_targets) or (n,
    n_targets), from ``values`` (rows, columns) in time order (see the module
    docstring). No rows for even one window give n = 0."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise DataError(f"a time series is a table of rows and columns, not an array of shape {values.shape}")
    L, h, s = check_count("window length", length), check_count("horizon", horizon, 0), check_count("stride", stride)
    if targets_at not in (EVERY_STEP, LAST_STEP):
        raise DataError(f"targets are at {EVERY_STEP!r} or {LAST_STEP!r}, not {targets_at!r}")
    inputs, targets = _columns(inputs, values.shape[1], "input"), _columns(targets, values.shape[1], "target")
    rows = values.shape[0]
    n = max(0, (rows - (L + h)) // s + 1) if rows >= L + h else 0
    starts = np.arange(n) * s  # (n,)
    steps = starts[:, None] + np.arange(L)[None, :]  # (n, L) row of each step
    x = values[steps][:, :, inputs] if n else np.zeros((0, L, len(inputs)))
    if targets_at == EVERY_STEP:
        y = values[steps + h][:, :, targets] if n else np.zeros((0, L, len(targets)))
    else:
        y = values[starts + L - 1 + h][:, targets] if n else np.zeros((0, len(targets)))
    return x, y


def window_dataset(values: np.ndarray, names: list[str], inputs: list, targets: list, length: int,
                   horizon: int = 0, stride: int = 1, targets_at: str = EVERY_STEP, train_ratio: float = 0.8,
                   name: str = "Time series") -> SequenceDataset:
    """A ``SequenceDataset`` of windows (regression), split by time.
    ``names`` names the columns of ``values``; ``inputs`` and ``targets`` are
    column names or indices. Non-finite values are refused with their row
    and column."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(names):
        raise DataError(f"{len(names)} column names for a table of shape {values.shape}")
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        r, c = bad[0]
        raise DataError(f"row {r + 1}, column {names[c]!r}: {values[r, c]} is not a finite number")
    cols_in, cols_out = _by_name(inputs, names), _by_name(targets, names)
    ratio = float(train_ratio)
    if not 0.0 < ratio < 1.0:
        raise DataError(f"training share {train_ratio} must lie strictly between 0 and 1")
    cut = round(len(values) * ratio)
    x_tr, y_tr = windows(values[:cut], cols_in, cols_out, length, horizon, stride, targets_at)
    x_te, y_te = windows(values[cut:], cols_in, cols_out, length, horizon, stride, targets_at)
    if not len(x_tr):
        raise DataError(f"the first {cut} rows are too few for one window of {length} rows and horizon {horizon}")
    return SequenceDataset(
        name=name, task=REGRESSION, x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
        feature_names=[names[c] for c in cols_in], target_names=[names[c] for c in cols_out],
        targets_at=targets_at, description=f"windows of {length} rows, targets {horizon} rows ahead")


def _columns(cols, n: int, what: str) -> list[int]:
    cols = [int(c) for c in cols]
    if not cols:
        raise DataError(f"choose at least one {what} column")
    for c in cols:
        if not 0 <= c < n:
            raise DataError(f"{what} column {c} is outside the table's {n} columns")
    return cols


def _by_name(cols, names: list[str]) -> list[int]:
    out = []
    for c in cols:
        if isinstance(c, str):
            if c not in names:
                raise DataError(f"no column named {c!r} (columns: {', '.join(names)})")
            out.append(names.index(c))
        else:
            out.append(int(c))
    return out


def load_csv_series(path, inputs: list[str], targets: list[str], length: int, horizon: int = 0,
                    targets_at: str = EVERY_STEP, train_ratio: float = 0.8, normalize: bool = False,
                    text: str | None = None) -> SequenceDataset:
    """A CSV file of numbers, rows in time order, as windows for a recurrent
    network (regression). ``inputs`` names the input columns (empty: every
    column that is not a target); ``normalize`` standardises every column
    used by the training rows' mean and standard deviation; ``text``: the
    file's text kept in a design. Problems raise ``DataError`` naming the
    file."""
    from .csv_file import read_table

    path = Path(path)
    fname = cut(path.name or str(path))
    names, values, _lines = read_table(path, text)
    targets = [str(t) for t in targets]
    if not targets:
        raise DataError(f"{fname}: no target column chosen")
    for column in list(targets) + [str(c) for c in inputs]:
        if column not in names:
            raise DataError(f"{fname}: no column named {quote(column)} (columns: {listing(names)})")
    inputs = [str(c) for c in inputs] or [c for c in names if c not in targets]
    if not inputs:
        raise DataError(f"{fname}: no input columns left (every column is a target)")
    ratio = float(train_ratio)
    if not 0.0 < ratio < 1.0:
        raise DataError(f"{fname}: a time series needs rows for testing too: "
                        f"choose a training share below 100% (not {ratio:.0%})")
    if normalize:
        used = sorted({names.index(c) for c in inputs + targets})
        mean, spread = scaling_of(values[: round(len(values) * ratio), used])
        values = values.copy()
        values[:, used] = (values[:, used] - mean) / spread
    try:
        ds = window_dataset(values, names, inputs, targets, length, horizon, 1, targets_at, ratio, name=fname)
    except DataError as e:
        raise DataError(f"{fname}: {e}") from None
    ds.description = (f"{fname}: windows of {length} rows, {listing(inputs)} -> {listing(targets)}"
                      + (f", {horizon} row{'s' * (horizon != 1)} ahead" if horizon else "")
                      + (", target at the last step" if targets_at == LAST_STEP else ""))
    return ds
