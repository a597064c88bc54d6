"""Windows of a time series whole: which rows each window and target come
from for every length, horizon and stride, the split by time, a CSV file's
series (standardised by its training rows, named and described), and every
refusal word for word."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import REGRESSION, DataError
from nnsim.data.sequences import EVERY_STEP, LAST_STEP
from nnsim.data.windows import load_csv_series, window_dataset, windows

# Row r holds (r, 100 + r, 1000 + r): every number says where it came from.
TABLE = np.stack([np.arange(12.0), 100 + np.arange(12.0), 1000 + np.arange(12.0)], axis=1)
NAMES = ["t", "a", "b"]


def expected(values, inputs, targets, L, h, s, at):
    """Window k covers rows k·s … k·s + L − 1 while the row its last target needs exists."""
    xs, ys = [], []
    start = 0
    while start + L - 1 + h < len(values):
        rows = np.arange(start, start + L)
        xs.append(values[rows][:, inputs])
        ys.append(values[rows + h][:, targets] if at == EVERY_STEP else values[start + L - 1 + h, targets])
        start += s
    x = np.array(xs).reshape(len(xs), L, len(inputs))
    y = np.array(ys).reshape((len(ys), L, len(targets)) if at == EVERY_STEP else (len(ys), len(targets)))
    return x, y


@pytest.mark.parametrize("at", [EVERY_STEP, LAST_STEP])
def test_every_window_against_its_definition(at):
    for L in (1, 2, 3, 5, 12, 13):
        for h in (0, 1, 2, 4):
            for s in (1, 2, 3, 5):
                x, y = windows(TABLE, [2, 0], [1], L, h, s, at)
                want_x, want_y = expected(TABLE, [2, 0], [1], L, h, s, at)
                assert x.shape == want_x.shape and y.shape == want_y.shape, (L, h, s)
                assert np.array_equal(x, want_x) and np.array_equal(y, want_y), (L, h, s)
                assert x.dtype == np.float64 and y.dtype == np.float64


def test_the_defaults_are_horizon_0_stride_1_every_step():
    x, y = windows(TABLE.astype(int).tolist(), [0], [1, 2], 4)
    want_x, want_y = expected(TABLE, [0], [1, 2], 4, 0, 1, EVERY_STEP)
    assert np.array_equal(x, want_x) and np.array_equal(y, want_y) and x.dtype == np.float64
    assert windows(TABLE, [0], [1], 12)[0].shape == (1, 12, 1)
    assert windows(TABLE, [0], [1], 11, 1, targets_at=LAST_STEP)[1].tolist() == [[111.0]]


def test_no_window_gives_empty_arrays_of_the_right_shape():
    x, y = windows(TABLE, [0, 1], [2], 12, 1)
    assert x.shape == (0, 12, 2) and y.shape == (0, 12, 1)
    x, y = windows(TABLE, [0, 1], [2], 13, 0, 1, LAST_STEP)
    assert x.shape == (0, 13, 2) and y.shape == (0, 1)
    x, y = windows(np.zeros((0, 3)), [0], [1, 2], 2)
    assert x.shape == (0, 2, 1) and y.shape == (0, 2, 2)


@pytest.mark.parametrize("values, options, words", [
    (np.arange(5.0), {}, "a time series is a table of rows and columns, not an array of shape (5,)"),
    (TABLE, {"length": 0}, "window length must be a whole number of at least 1, not 0"),
    (TABLE, {"horizon": -1}, "horizon must be a whole number of at least 0, not -1"),
    (TABLE, {"stride": 0}, "stride must be a whole number of at least 1, not 0"),
    (TABLE, {"targets_at": "middle"}, "targets are at 'every_step' or 'last_step', not 'middle'"),
    (TABLE, {"inputs": []}, "choose at least one input column"),
    (TABLE, {"targets": []}, "choose at least one target column"),
    (TABLE, {"inputs": [0, 3]}, "input column 3 is outside the table's 3 columns"),
    (TABLE, {"targets": [-1]}, "target column -1 is outside the table's 3 columns"),
])
def test_windows_refusals(values, options, words):
    arguments = {"inputs": [0], "targets": [1], "length": 2} | options
    with pytest.raises(DataError) as e:
        windows(values, **arguments)
    assert str(e.value) == words


def test_the_data_set_split_by_time_whole():
    d = window_dataset(TABLE, NAMES, ["b", 0], [1], length=3, horizon=1, stride=2, train_ratio=0.6,
                       targets_at=LAST_STEP, name="Rows")
    cut = 7  # round(12 · 0.6)
    x, y = expected(TABLE[:cut], [2, 0], [1], 3, 1, 2, LAST_STEP)
    assert np.array_equal(d.x_train, x) and np.array_equal(d.y_train, y)
    x, y = expected(TABLE[cut:], [2, 0], [1], 3, 1, 2, LAST_STEP)
    assert np.array_equal(d.x_test, x) and np.array_equal(d.y_test, y) and len(d.x_test) == 1
    assert d.name == "Rows" and d.task == REGRESSION and d.targets_at == LAST_STEP and not d.stream
    assert d.feature_names == ["b", "t"] and d.target_names == ["a"] and d.mask_train is None
    assert d.description == "windows of 3 rows, targets 1 rows ahead"


def test_the_data_sets_defaults():
    d = window_dataset(TABLE, NAMES, ["t"], ["a"], length=2)
    x, y = expected(TABLE[:10], [0], [1], 2, 0, 1, EVERY_STEP)  # round(12 · 0.8) = 10 training rows
    assert np.array_equal(d.x_train, x) and np.array_equal(d.y_train, y)
    x, y = expected(TABLE[10:], [0], [1], 2, 0, 1, EVERY_STEP)
    assert np.array_equal(d.x_test, x) and np.array_equal(d.y_test, y)
    assert d.name == "Time series" and d.targets_at == EVERY_STEP
    assert d.description == "windows of 2 rows, targets 0 rows ahead"
    # The test part may be too short for a window: it is then empty.
    d = window_dataset(TABLE, NAMES, ["t"], ["a"], length=3, train_ratio=0.9)
    assert len(d.x_train) == 9 and d.x_test.shape == (0, 3, 1) and d.y_test.shape == (0, 3, 1)
    # Half a row rounds to even: 10.5 → 10.
    d = window_dataset(np.vstack([TABLE] * 2)[:21], NAMES, [0], [1], length=1, train_ratio=0.5)
    assert len(d.x_train) == 10 and len(d.x_test) == 11


@pytest.mark.parametrize("values, names, options, words", [
    (TABLE, ["t", "a"], {}, "2 column names for a table of shape (12, 3)"),
    (np.arange(3.0), NAMES, {}, "3 column names for a table of shape (3,)"),
    (TABLE, NAMES, {"inputs": ["c"]}, "no column named 'c' (columns: t, a, b)"),
    (TABLE, NAMES, {"targets": ["t", "B"]}, "no column named 'B' (columns: t, a, b)"),
    (TABLE, NAMES, {"train_ratio": 1.0}, "training share 1.0 must lie strictly between 0 and 1"),
    (TABLE, NAMES, {"train_ratio": 0}, "training share 0 must lie strictly between 0 and 1"),
    (TABLE, NAMES, {"length": 10}, "the first 10 rows are too few for one window of 10 rows and horizon 1"),
    (TABLE, NAMES, {"train_ratio": 0.5, "length": 7, "horizon": 0},
     "the first 6 rows are too few for one window of 7 rows and horizon 0"),
    (TABLE, NAMES, {"inputs": [4]}, "input column 4 is outside the table's 3 columns"),
])
def test_the_data_sets_refusals(values, names, options, words):
    arguments = {"inputs": ["t"], "targets": ["a"], "length": 2, "horizon": 1} | options
    with pytest.raises(DataError) as e:
        window_dataset(values, names, **arguments)
    assert str(e.value) == words


@pytest.mark.parametrize("row, column, value, later", [(0, 0, np.nan, (0, 1)), (7, 1, np.inf, (11, 0)),
                                                        (11, 2, -np.inf, None)])
def test_a_number_that_is_not_finite_is_named_by_its_place(row, column, value, later):
    bad = TABLE.copy()
    bad[row, column] = value
    if later:
        bad[later] = np.nan  # a later one is not the one named
    with pytest.raises(DataError) as e:
        window_dataset(bad, NAMES, ["t"], ["b"], length=3)
    assert str(e.value) == f"row {row + 1}, column {NAMES[column]!r}: {value} is not a finite number"


def write(tmp_path, name="series.csv"):
    path = tmp_path / name
    path.write_text("t,a,b\n" + "".join(f"{r:g},{v:g},{w:g}\n" for r, v, w in TABLE))
    return path


def test_a_csv_series_whole(tmp_path):
    path = write(tmp_path)
    d = load_csv_series(path, ["b", "t"], ["a"], 3, horizon=2, train_ratio=0.5)
    x, y = expected(TABLE[:6], [2, 0], [1], 3, 2, 1, EVERY_STEP)
    assert np.array_equal(d.x_train, x) and np.array_equal(d.y_train, y)
    x, y = expected(TABLE[6:], [2, 0], [1], 3, 2, 1, EVERY_STEP)
    assert np.array_equal(d.x_test, x) and np.array_equal(d.y_test, y)
    assert d.name == "series.csv" and d.feature_names == ["b", "t"] and d.target_names == ["a"]
    assert d.targets_at == EVERY_STEP and d.task == REGRESSION
    assert d.description == "series.csv: windows of 3 rows, b, t -> a, 2 rows ahead"


def test_a_csv_series_defaults_every_other_column_and_the_last_step(tmp_path):
    path = write(tmp_path)
    d = load_csv_series(path, [], ["a"], 4, targets_at=LAST_STEP)
    x, y = expected(TABLE[:10], [0, 2], [1], 4, 0, 1, LAST_STEP)  # 80% of 12 rows: 10
    assert np.array_equal(d.x_train, x) and np.array_equal(d.y_train, y)
    assert d.feature_names == ["t", "b"] and d.targets_at == LAST_STEP
    assert d.description == "series.csv: windows of 4 rows, t, b -> a, target at the last step"
    d = load_csv_series(path, ["t"], ["a", "b"], 2, horizon=1)
    assert d.description == "series.csv: windows of 2 rows, t -> a, b, 1 row ahead"
    x, y = expected(TABLE[:10], [0], [1, 2], 2, 1, 1, EVERY_STEP)
    assert np.array_equal(d.x_train, x) and np.array_equal(d.y_train, y)


def test_a_csv_series_standardised_by_its_training_rows(tmp_path):
    path = write(tmp_path)
    d = load_csv_series(path, ["t"], ["b"], 2, horizon=1, train_ratio=0.75, normalize=True)
    scaled = TABLE.copy()
    for c in (0, 2):
        first = TABLE[:9, c]  # round(12 · 0.75) rows
        scaled[:, c] = (TABLE[:, c] - first.mean()) / first.std()
    x, y = expected(scaled[:9], [0], [2], 2, 1, 1, EVERY_STEP)
    np.testing.assert_allclose(d.x_train, x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.y_train, y, rtol=0, atol=1e-12)
    x, y = expected(scaled[9:], [0], [2], 2, 1, 1, EVERY_STEP)
    np.testing.assert_allclose(d.x_test, x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.y_test, y, rtol=0, atol=1e-12)
    plain = load_csv_series(path, ["t"], ["b"], 2, horizon=1, train_ratio=0.75)
    assert np.array_equal(plain.x_test, expected(TABLE[9:], [0], [2], 2, 1, 1, EVERY_STEP)[0])


def test_a_constant_column_keeps_its_values_less_its_mean(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("k,v\n" + "".join(f"7,{r}\n" for r in range(10)))
    d = load_csv_series(path, ["k"], ["v"], 2, normalize=True, train_ratio=0.5)
    assert np.array_equal(d.x_train, np.zeros((4, 2, 1))) and np.array_equal(d.x_test, np.zeros((4, 2, 1)))


def test_a_series_from_the_text_kept_in_a_design(tmp_path):
    d = load_csv_series(tmp_path / "gone.csv", ["t"], ["a"], 2, text="t,a\n1,5\n2,6\n3,7\n4,8\n5,9\n")
    assert d.name == "gone.csv" and d.x_train[:, :, 0].tolist() == [[1, 2], [2, 3], [3, 4]]
    assert d.y_test[:, :, 0].tolist() == [] and d.y_train[:, :, 0].tolist() == [[5, 6], [6, 7], [7, 8]]


@pytest.mark.parametrize("inputs, targets, options, words", [
    (["t"], [], {}, "series.csv: no target column chosen"),
    (["t"], ["rain"], {}, "series.csv: no column named 'rain' (columns: t, a, b)"),
    (["wind"], ["a"], {}, "series.csv: no column named 'wind' (columns: t, a, b)"),
    ([], ["t", "a", "b"], {}, "series.csv: no input columns left (every column is a target)"),
    (["t"], ["a"], {"train_ratio": 1.0},
     "series.csv: a time series needs rows for testing too: choose a training share below 100% (not 100%)"),
    (["t"], ["a"], {"train_ratio": 0.0},
     "series.csv: a time series needs rows for testing too: choose a training share below 100% (not 0%)"),
    (["t"], ["a"], {"length": 11},
     "series.csv: the first 10 rows are too few for one window of 11 rows and horizon 0"),
    (["t"], ["a"], {"length": 2, "targets_at": "later"},
     "series.csv: targets are at 'every_step' or 'last_step', not 'later'"),
])
def test_a_csv_series_refusals_name_the_file(tmp_path, inputs, targets, options, words):
    path = write(tmp_path)
    with pytest.raises(DataError) as e:
        load_csv_series(path, inputs, targets, **({"length": 2} | options))
    assert str(e.value) == words


def test_a_path_without_a_name_is_named_whole():
    d = load_csv_series("/", ["t"], ["a"], 2, text="t,a\n1,5\n2,6\n3,7\n4,8\n5,9\n")
    assert d.name == "/" and d.description == "/: windows of 2 rows, t -> a"


def test_standardising_leaves_the_columns_not_used_alone(tmp_path):
    """A column neither input nor target may hold numbers too large to
    standardise (their sum overflows): it is not read."""
    path = tmp_path / "big.csv"
    path.write_text("t,big,v\n" + "".join(f"{r},1.5e308,{2 * r}\n" for r in range(10)))
    d = load_csv_series(path, ["t"], ["v"], 2, normalize=True, train_ratio=0.5)
    t = np.arange(10.0)
    scaled = (t - t[:5].mean()) / t[:5].std()
    np.testing.assert_allclose(d.x_train[:, :, 0], [scaled[k : k + 2] for k in range(4)], rtol=0, atol=1e-12)
    np.testing.assert_allclose(d.y_train[:, :, 0], [scaled[k : k + 2] for k in range(4)], rtol=0, atol=1e-12)


def test_a_table_given_as_lists_with_a_missing_value_is_refused_at_its_place():
    table = [[float(r), 2.0 * r] for r in range(6)]
    d = window_dataset(table, ["t", "v"], ["t"], ["v"], length=2, train_ratio=0.5)
    assert d.x_train.dtype == np.float64 and d.x_train[:, :, 0].tolist() == [[0, 1], [1, 2]]
    table[4][1] = None
    with pytest.raises(DataError) as e:
        window_dataset(table, ["t", "v"], ["t"], ["v"], length=2)
    assert str(e.value) == "row 5, column 'v': nan is not a finite number"
