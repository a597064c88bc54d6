"""A CSV file's text kept in the design (``dataset.csv_text``): optional, written
only for a CSV source, read strictly (text, no NUL, no more bytes than a CSV
file may have), and trained on without the file."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim.io.format as fmt
from nnsim.data import load_dataset
from nnsim.design.build import layered
from nnsim.design.model import DatasetSpec
from nnsim.io import FormatError, design_from_dict, design_to_dict, dumps, loads

ROWS = "weight_g;colour;label\n" + "".join(f"{100 + 7 * i};{i % 10 / 10:.1f};{'apple' if i % 2 else 'pear'}\n"
                                           for i in range(30))


def _design(text: str = ROWS, source: str = "csv"):
    d = layered([2, 3, 1])
    d.dataset = DatasetSpec(source, path="../data/fruit.csv", targets=["label"], normalize=True, csv_text=text)
    return d


def test_the_text_goes_round_and_stays_out_when_empty_or_not_csv():
    d = _design()
    assert loads(dumps(d)).dataset.csv_text == ROWS
    assert "csv_text" not in design_to_dict(_design(""))["dataset"]
    assert "csv_text" not in design_to_dict(_design(source="iris"))["dataset"]
    old = design_to_dict(d)
    del old["dataset"]["csv_text"]
    assert design_from_dict(old).dataset.csv_text == ""  # files without it read as before


@pytest.mark.parametrize("value, words", [
    (12, "expected text"),
    ("a,b\n1\x002\n", "NUL"),
])
def test_bad_text_is_refused_with_where(value, words):
    data = design_to_dict(_design())
    data["dataset"]["csv_text"] = value
    with pytest.raises(FormatError) as e:
        loads(json.dumps(data), "fruit.nnsim")
    assert "dataset.csv_text" in str(e.value) and words in str(e.value)


def test_more_than_a_csv_file_may_hold_is_refused(monkeypatch):
    monkeypatch.setattr(fmt, "MAX_CSV_TEXT_BYTES", 100)
    data = design_to_dict(_design("a,b\n1,2\n"))
    data["dataset"]["csv_text"] = "é" * 60  # 60 characters, 120 bytes
    with pytest.raises(FormatError) as e:
        loads(json.dumps(data), "fruit.nnsim")
    assert "dataset.csv_text: more than 100 bytes" in str(e.value)


def test_the_kept_text_trains_as_the_file_did_and_the_file_is_not_opened(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "designs").mkdir()
    (data / "fruit.csv").write_text(ROWS)
    from_file = load_dataset(_design("").dataset, tmp_path / "designs")
    kept = load_dataset(_design().dataset, tmp_path / "nowhere")  # no file there
    np.testing.assert_array_equal(kept.x_train, from_file.x_train)
    np.testing.assert_array_equal(kept.y_test, from_file.y_test)
    assert kept.name == from_file.name == "fruit.csv"
