"""Each CSV refusal in full: the file, the place, and the value or name at
fault, as the learner reads it."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import DataError
from nnsim.data.csv_file import load_csv


def refusal(tmp_path, text: str, targets=("label",), **options) -> str:
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(DataError) as e:
        load_csv(path, list(targets), rng=np.random.default_rng(0), **options)
    return str(e.value)


@pytest.mark.parametrize("text, targets, options, message", [
    ("a,label\n1,x\n", ["label"], {"task": "clustering"},
     "d.csv: unknown task 'clustering' (use classification or regression)"),
    ("a,label\n1,x\n", ["label", "label"], {}, "d.csv: a target column is named twice (label, label)"),
    ("a,b,a,label\n1,2,3,x\n", ["label"], {}, "d.csv, line 1: column 'a' appears twice in the header"),
    ("a,label\n1,x\ninf,y\n", ["label"], {}, "d.csv, line 3, column 'a': 'inf' is not a finite number"),
    ("a,label\n1,x\n2,nan\n", ["label"], {}, "d.csv, line 3, column 'label': 'nan' is not a valid label"),
    ("a,b,label\n1,2,x\n", ["a", "label"], {},
     "d.csv: classification needs exactly one target column, not 2 (a, label)"),
])
def test_refusals_name_the_file_the_place_and_the_value(tmp_path, text, targets, options, message):
    assert refusal(tmp_path, text, targets, **options) == message


def test_a_folder_is_refused_as_a_folder(tmp_path):
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(DataError) as e:
        load_csv(tmp_path / "d.csv", ["label"])
    assert str(e.value) == f"d.csv: is a folder, not a file ({tmp_path / 'd.csv'})"


def test_without_a_generator_a_fresh_one_shuffles(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,label\n" + "".join(f"{i},{i % 2}\n" for i in range(40)))
    orders = {tuple(load_csv(path, ["label"], train_ratio=1.0).x_train[:, 0]) for _ in range(3)}
    assert len(orders) > 1 and all(sorted(o) == list(range(40)) for o in orders)


def test_a_file_of_exactly_the_largest_size_is_read(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("a,label\n1,x\n2,y\n")
    monkeypatch.setattr("nnsim.data.csv_file.MAX_CSV_BYTES", path.stat().st_size)
    assert len(load_csv(path, ["label"], train_ratio=1.0).x_train) == 2
    monkeypatch.setattr("nnsim.data.csv_file.MAX_CSV_BYTES", path.stat().st_size - 1)
    with pytest.raises(DataError, match=r"^d\.csv: 16 bytes is larger than a CSV file can be \(15\)$"):
        load_csv(path, ["label"])
