"""Windows of a time series against their definition, and the split by time."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import DataError
from nnsim.data.sequences import EVERY_STEP, LAST_STEP
from nnsim.data.windows import window_dataset, windows

# Row r holds (r, 100 + r, 1000 + r): every number says where it came from.
TABLE = np.stack([np.arange(20.0), 100 + np.arange(20.0), 1000 + np.arange(20.0)], axis=1)


def test_every_step_targets_are_the_rows_a_horizon_later():
    x, y = windows(TABLE, [0, 1], [2], length=4, horizon=1, stride=3)
    # Windows start at rows 0, 3, ..., as long as row start + 4 - 1 + 1 exists: starts 0..15.
    assert x.shape == (6, 4, 2) and y.shape == (6, 4, 1)
    for k in range(6):
        rows = 3 * k + np.arange(4)
        assert np.array_equal(x[k], TABLE[rows][:, [0, 1]])
        assert np.array_equal(y[k, :, 0], TABLE[rows + 1, 2])


def test_last_step_targets_and_predicting_the_next_value_of_an_input():
    x, y = windows(TABLE, [0], [0], length=5, horizon=1, targets_at=LAST_STEP)
    assert x.shape == (15, 5, 1) and y.shape == (15, 1)
    assert np.array_equal(y[:, 0], x[:, -1, 0] + 1)  # the next row's value
    x, y = windows(TABLE, [0], [1], length=20, horizon=0, targets_at=EVERY_STEP)
    assert x.shape == (1, 20, 1) and np.array_equal(y[0, :, 0], TABLE[:, 1])
    x, y = windows(TABLE, [0], [1], length=20, horizon=1)
    assert x.shape == (0, 20, 1) and y.shape == (0, 20, 1)


def test_the_split_is_by_time_and_no_test_row_trains():
    d = window_dataset(TABLE, ["t", "a", "b"], ["t", "a"], ["b"], length=3, horizon=1, train_ratio=0.5)
    assert d.feature_names == ["t", "a"] and d.target_names == ["b"] and d.task == "regression"
    train_rows = set(d.x_train[..., 0].ravel()) | set(d.y_train[..., 0].ravel() - 1000)
    test_rows = set(d.x_test[..., 0].ravel()) | set(d.y_test[..., 0].ravel() - 1000)
    assert max(train_rows) < 10 <= min(test_rows)
    assert len(d.x_train) == 7 and len(d.x_test) == 7


def test_bad_tables_and_settings_are_refused_with_their_place():
    names = ["t", "a", "b"]
    bad = TABLE.copy()
    bad[7, 1] = np.nan
    with pytest.raises(DataError, match="row 8, column 'a'"):
        window_dataset(bad, names, ["t"], ["b"], length=3)
    with pytest.raises(DataError, match="no column named 'c'"):
        window_dataset(TABLE, names, ["c"], ["b"], length=3)
    with pytest.raises(DataError, match="too few"):
        window_dataset(TABLE, names, ["t"], ["b"], length=30)
    with pytest.raises(DataError, match="window length"):
        windows(TABLE, [0], [1], length=0)
    with pytest.raises(DataError, match="outside the table"):
        windows(TABLE, [5], [1], length=2)
    with pytest.raises(DataError, match="at least one input"):
        windows(TABLE, [], [1], length=2)
    with pytest.raises(DataError, match="targets are at"):
        windows(TABLE, [0], [1], length=2, targets_at="middle")
