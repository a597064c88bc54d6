"""CSV files as spreadsheets in many locales export them: semicolons between
fields and decimal commas; tabs. The separator is detected from the header."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError
from nnsim.data.csv_file import layout, load_csv


def write(tmp_path, text, name="houses.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_semicolons_and_decimal_commas(tmp_path):
    path = write(tmp_path, "area_m2;rooms;price_k\n72,5;3;310,25\n101;4;-1,5e2\n55,0;2;199\n")
    ds = load_csv(path, ["price_k"], task="regression", train_ratio=1.0, rng=np.random.default_rng(0))
    assert ds.feature_names == ["area_m2", "rooms"]
    got = sorted(map(tuple, np.column_stack([ds.x_train, ds.y_train]).tolist()))
    assert got == [(55.0, 2.0, 199.0), (72.5, 3.0, 310.25), (101.0, 4.0, -150.0)]
    assert layout(path) == ("semicolon", "comma", ["area_m2", "rooms", "price_k"],
                            [["72,5", "3", "310,25"], ["101", "4", "-1,5e2"], ["55,0", "2", "199"]])


def test_tabs_and_class_labels(tmp_path):
    path = write(tmp_path, "weight_g\tcolour\tlabel\n120\t0.5\tapple\n130\t0.1\tpear\n")
    ds = load_csv(path, ["label"], train_ratio=1.0, rng=np.random.default_rng(0))
    assert ds.feature_names == ["weight_g", "colour"] and ds.target_names == ["apple", "pear"]
    assert layout(path)[:2] == ("tab", "point")


def test_commas_as_before_and_a_comma_inside_a_number_is_still_refused(tmp_path):
    path = write(tmp_path, "a,b,label\n1.5,2,x\n3,4,y\n")
    assert layout(path)[:2] == ("comma", "point")
    assert load_csv(path, ["label"], train_ratio=1.0).x_train.shape == (2, 2)
    broken = write(tmp_path, "a;b;label\n1,5;heavy;x\n", "fruit-broken.csv")
    with pytest.raises(DataError, match=r"fruit-broken.csv, line 2, column 'b': 'heavy' is not a number"):
        load_csv(broken, ["label"])

