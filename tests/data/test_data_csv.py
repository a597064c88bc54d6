"""Reading CSV files: parsing, labels, normalisation and one-line error messages."""

import numpy as np
import pytest

from nnsim.data import DataError, load_dataset
from nnsim.data.csv_file import load_csv
from nnsim.design.model import DatasetSpec


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def load(path, targets=("label",), task="classification", ratio=1.0, seed=0, normalize=False):
    return load_csv(path, list(targets), task, ratio, np.random.default_rng(seed), normalize)


def error(path, *args, **kwargs):
    with pytest.raises(DataError) as info:
        load(path, *args, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# -- reading -----------------------------------------------------------------------

GOOD = """# measurements
a,b,label

1,2,cat
3,4,dog
  # an indented comment, with "quotes
5,6,cat
7,8,ant
"""


def test_text_labels_comments_and_blank_lines(tmp_path):
    d = load(write(tmp_path, GOOD))
    assert d.name == "data.csv" and d.task == "classification"
    assert d.feature_names == ["a", "b"]
    assert d.target_names == ["ant", "cat", "dog"]
    rows = sorted(zip(d.x_train.tolist(), d.y_train.tolist()))
    assert rows == [([1, 2], 1), ([3, 4], 2), ([5, 6], 1), ([7, 8], 0)]
    assert d.x_train.dtype == np.float64 and d.y_train.dtype == np.int64


def test_numeric_labels_sorted_numerically(tmp_path):
    d = load(write(tmp_path, "x,label\n0,10\n1,2\n2,1\n3,2.0\n"))
    assert d.target_names == ["1", "2", "10"]
    pairs = dict(zip(d.x_train[:, 0].tolist(), d.y_train.tolist()))
    assert pairs == {0: 2, 1: 1, 2: 0, 3: 1}  # "2" and "2.0" are the same class


def test_mixed_labels_are_text(tmp_path):
    d = load(write(tmp_path, "x,label\n0,1\n1,b\n2,a\n"))
    assert d.target_names == ["1", "a", "b"]


def test_target_column_anywhere_and_quoted_fields(tmp_path):
    d = load(write(tmp_path, 'label,"a",b\n"x y", 1.5 ,2\n"z",3,4e1\n'))
    assert d.feature_names == ["a", "b"]
    assert d.target_names == ["x y", "z"]
    assert sorted(d.x_train.tolist()) == [[1.5, 2], [3, 40]]


def test_regression_several_targets(tmp_path):
    path = write(tmp_path, "t2,x1,t1,x2\n1,2,3,4\n5,6,7,8\n")
    d = load(path, targets=["t1", "t2"], task="regression")
    assert d.task == "regression"
    assert d.feature_names == ["x1", "x2"] and d.target_names == ["t1", "t2"]
    rows = sorted(zip(d.x_train.tolist(), d.y_train.tolist()))
    assert rows == [([2, 4], [3, 1]), ([6, 8], [7, 5])]
    assert d.y_train.dtype == np.float64 and d.y_train.shape == (2, 2)
    assert d.input_range is not None  # two features: a plane to draw over


def test_bom_and_crlf(tmp_path):
    d = load(write(tmp_path, "\ufeffa,label\r\n1,x\r\n2,y\r\n"))
    assert d.feature_names == ["a"] and d.target_names == ["x", "y"]


def test_split_and_determinism(tmp_path):
    text = "a,label\n" + "".join(f"{i},{i % 3}\n" for i in range(100))
    path = write(tmp_path, text)
    d = load(path, ratio=0.3, seed=4)
    assert len(d.x_train) == 30 and len(d.x_test) == 70
    again = load(path, ratio=0.3, seed=4)
    assert np.array_equal(d.x_train, again.x_train)
    assert not np.array_equal(d.x_train, load(path, ratio=0.3, seed=5).x_train)
    x = np.concatenate([d.x_train, d.x_test])[:, 0]
    y = np.concatenate([d.y_train, d.y_test])
    assert np.array_equal(y, x.astype(int) % 3)  # labels stay with their rows


def test_normalisation_uses_training_rows(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.normal([10, -3, 7], [5, 0.1, 0], (200, 3))
    lines = [f"{a!r},{b!r},{c!r},{i % 2}\n" for i, (a, b, c) in enumerate(values.tolist())]
    text = "a,b,c,label\n" + "".join(lines)
    path = write(tmp_path, text)
    raw = load(path, ratio=0.25, seed=9)
    norm = load(path, ratio=0.25, seed=9, normalize=True)
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)
    std[std == 0] = 1  # constant column c
    assert np.allclose(norm.x_train, (raw.x_train - mean) / std)
    assert np.allclose(norm.x_test, (raw.x_test - mean) / std)
    assert np.allclose(norm.x_train[:, :2].mean(axis=0), 0)
    assert np.allclose(norm.x_train[:, :2].std(axis=0), 1)
    assert np.all(norm.x_train[:, 2] == 0) and np.all(norm.x_test[:, 2] == 0)
    # test rows are scaled by the training statistics, not their own
    assert not np.allclose(norm.x_test.mean(axis=0)[:2], 0, atol=1e-9)


def test_load_dataset_csv_relative_to_base_dir(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", name="sub/d.csv")
    spec = DatasetSpec(source="csv", path="sub/d.csv", targets=["label"], train_ratio=0.5, seed=1)
    d = load_dataset(spec, base_dir=tmp_path)
    assert len(d.x_train) == 2 and d.target_names == ["x", "y"]
    assert np.array_equal(d.x_train, load_dataset(spec, base_dir=tmp_path).x_train)
    with pytest.raises(DataError, match="no CSV file"):
        load_dataset(DatasetSpec(source="csv", path="", targets=["label"]))


# -- errors --------------------------------------------------------------------------


def test_error_not_a_number(tmp_path):
    text = "sepal,petal_width,label\n" + "1,2,x\n" * 10 + "1,abc,x\n"
    message = error(write(tmp_path, text, name="iris.csv"))
    assert message == "iris.csv, line 12, column 'petal_width': 'abc' is not a number"


def test_error_line_numbers_count_comments_and_blanks(tmp_path):
    text = "# c\n\na,label\n\n# c\n1,x\n2 ,y\nfoo,z\n"
    message = error(write(tmp_path, text))
    assert message.startswith("data.csv, line 8, column 'a':") and "'foo'" in message


def test_error_wrong_number_of_values(tmp_path):
    message = error(write(tmp_path, "a,b,c,label\n1,2,3,x\n1,2,3,x\n\n1,2,3\n"))
    assert message == "data.csv, line 5: 3 values where the header has 4 columns"


def test_error_missing_column(tmp_path):
    message = error(write(tmp_path, "a,b,c\n1,2,3\n"))
    assert message == "data.csv: no column named 'label' (columns: a, b, c)"


def test_error_empty_file(tmp_path):
    assert "empty" in error(write(tmp_path, ""))
    assert "empty" in error(write(tmp_path, "# only a comment\n\n   \n"))


def test_error_no_data_rows(tmp_path):
    assert "no data rows" in error(write(tmp_path, "a,label\n# nothing\n"))


def test_error_missing_file(tmp_path):
    message = error(tmp_path / "gone.csv")
    assert "gone.csv" in message and "no such file" in message


def test_error_not_utf8(tmp_path):
    message = error(write(tmp_path, "a,label\n1,x\n2,caf\xe9\n", encoding="latin-1"))
    assert message.startswith("data.csv, line 3:") and "UTF-8" in message


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity", "NaN"])
def test_error_non_finite(tmp_path, bad):
    message = error(write(tmp_path, f"a,b,label\n1,2,x\n3,{bad},y\n"))
    assert message.startswith("data.csv, line 3, column 'b':") and "finite" in message


def test_error_empty_field(tmp_path):
    message = error(write(tmp_path, "a,b,label\n1,,x\n"))
    assert message.startswith("data.csv, line 2, column 'b':") and "missing" in message


def test_error_label_problems(tmp_path):
    where = "data.csv, line 3, column 'label':"
    assert error(write(tmp_path, "a,label\n1,x\n2,\n")).startswith(where)
    assert error(write(tmp_path, "a,label\n1,1\n2,nan\n")).startswith(where)


def test_error_regression_target_not_a_number(tmp_path):
    message = error(write(tmp_path, "a,t\n1,2\n3,big\n"), targets=["t"], task="regression")
    assert message == "data.csv, line 3, column 't': 'big' is not a number"


def test_error_header_problems(tmp_path):
    assert "twice" in error(write(tmp_path, "a,a,label\n1,2,x\n"))
    assert "no name" in error(write(tmp_path, "a,,label\n1,2,x\n"))


def test_error_bad_target_choices(tmp_path):
    path = write(tmp_path, "a,b,label\n1,2,x\n")
    assert "exactly one" in error(path, targets=["a", "label"])
    assert "no target" in error(path, targets=[])
    assert "no feature" in error(write(tmp_path, "label\nx\n", name="one.csv"))
    assert "unknown task" in error(path, task="clustering")


def test_error_bad_csv_quoting(tmp_path):
    # a quote left open would swallow the rest of the file: reported where it starts
    message = error(write(tmp_path, 'a,label\n# c\n1,"x\n2,y\n'))
    assert message.startswith("data.csv, line 3: not valid CSV")
    message = error(write(tmp_path, 'a,label\n1,"x"y\n'))
    assert message.startswith("data.csv, line 2: not valid CSV")
