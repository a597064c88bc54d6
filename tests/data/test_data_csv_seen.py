"""What a learner sees of a CSV file: the plane the plot covers, the class
names, every line read whatever the line endings, where a header problem is,
and normalisation as chosen (for the shipped Iris data too)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import load_dataset
from nnsim.data.base import DataError
from nnsim.data.csv_file import load_csv
from nnsim.design.model import DatasetSpec


def write(tmp_path, text: str, name: str = "d.csv", newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_the_plot_covers_every_point_of_both_sets_with_a_tenth_to_spare(tmp_path):
    rows = ["a,b,y", "0,-2,0", "10,2,1", "5,0,0", "2,1,1"]
    for ratio in (0.25, 0.5, 1.0):  # the extremes land in either set: the range is the same
        ds = load_csv(write(tmp_path, "\n".join(rows) + "\n"), ["y"], train_ratio=ratio,
                      rng=np.random.default_rng(0))
        (x0, x1), (y0, y1) = ds.input_range
        assert (x0, x1) == pytest.approx((-1.0, 11.0))
        assert (y0, y1) == pytest.approx((-2.4, 2.4))


def test_the_plot_range_of_a_constant_column_and_of_more_features(tmp_path):
    ds = load_csv(write(tmp_path, "a,b,y\n3,-1,0\n3,1,1\n"), ["y"], rng=np.random.default_rng(0))
    assert ds.input_range == ((2.0, 4.0), pytest.approx((-1.2, 1.2)))
    three = load_csv(write(tmp_path, "a,b,c,y\n3,-1,0,0\n3,1,1,1\n"), ["y"], rng=np.random.default_rng(0))
    assert three.input_range is None


def test_number_labels_are_named_by_their_value_and_sorted_by_it(tmp_path):
    path = write(tmp_path, "x,y\n1,1.5\n2,0.5\n3,10\n4,3\n5,0.5\n")
    ds = load_csv(path, ["y"], train_ratio=1.0, rng=np.random.default_rng(0))
    assert ds.target_names == ["0.5", "1.5", "3", "10"]
    by_x = dict(zip(ds.x_train[:, 0].tolist(), ds.y_train.tolist()))
    assert by_x == {1.0: 1, 2.0: 0, 3.0: 3, 4.0: 2, 5.0: 0}


def test_text_labels_are_sorted_as_text(tmp_path):
    ds = load_csv(write(tmp_path, "x,kind\n1,b\n2,a\n3,c\n"), ["kind"], train_ratio=1.0, rng=np.random.default_rng(0))
    assert ds.target_names == ["a", "b", "c"]
    assert dict(zip(ds.x_train[:, 0].tolist(), ds.y_train.tolist())) == {1.0: 1, 2.0: 0, 3.0: 2}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_is_read_whatever_ends_it(tmp_path, newline):
    path = write(tmp_path, "# a comment\na,b,y\n1,2,0\n\n3,4,1\n5,6,0\n", newline=newline)
    ds = load_csv(path, ["y"], train_ratio=1.0, rng=np.random.default_rng(0))
    assert sorted(ds.x_train[:, 0].tolist()) == [1.0, 3.0, 5.0]
    bad = write(tmp_path, "a,b,y\n1,2,0\n3,x,1\n", name="bad.csv", newline=newline)
    with pytest.raises(DataError, match=r"^bad\.csv, line 3, column 'b': 'x' is not a number$"):
        load_csv(bad, ["y"])


def test_a_header_column_without_a_name_is_named_by_its_position(tmp_path):
    with pytest.raises(DataError, match=r"^d\.csv, line 2: column 3 of the header has no name$"):
        load_csv(write(tmp_path, "# data\na,b, ,y\n1,2,3,0\n"), ["y"])


def test_csv_features_are_normalised_only_when_asked(tmp_path):
    rows = ["a,b,y"] + [f"{10 * i},{100 + i},{i % 2}" for i in range(20)]
    path = write(tmp_path, "\n".join(rows) + "\n")
    raw = load_csv(path, ["y"], train_ratio=1.0, rng=np.random.default_rng(0))
    assert sorted(raw.x_train[:, 0].tolist()) == [10.0 * i for i in range(20)]
    spec = DatasetSpec(source="csv", path=str(path), targets=["y"], train_ratio=0.5, normalize=True)
    ds = load_dataset(spec)
    assert ds.x_train.mean(axis=0) == pytest.approx([0, 0], abs=1e-12)
    assert ds.x_train.std(axis=0) == pytest.approx([1, 1])
    assert load_dataset(DatasetSpec(source="csv", path=str(path), targets=["y"])).x_train.max() > 100


def test_iris_is_normalised_only_when_asked():
    plain = load_dataset(DatasetSpec(source="iris", train_ratio=0.5, normalize=False))
    assert plain.x_train.min() > 0 and plain.x_train.max() == pytest.approx(7.9, abs=1.0)
    scaled = load_dataset(DatasetSpec(source="iris", train_ratio=0.5, normalize=True))
    assert scaled.x_train.mean(axis=0) == pytest.approx([0] * 4, abs=1e-12)
    assert scaled.x_train.std(axis=0) == pytest.approx([1] * 4)
