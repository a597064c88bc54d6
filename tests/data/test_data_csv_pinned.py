"""CSV files read whole as the data panel shows them: columns and classes in
their order, values, normalisation, the plotted plane, time-series tables,
the preview, the text kept in a design, and each refusal word for word."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError, csv_file
from nnsim.data.csv_file import file_text, layout, load_csv, read_table, separator_of


def refusal(call) -> str:
    with pytest.raises(DataError) as refused:
        call()
    return str(refused.value)


def write(tmp_path, text: str, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_a_classification_file_gives_its_columns_classes_and_rows_in_order(tmp_path):
    path = write(tmp_path, "# measured by hand\n\n b , a ,label\n1,2,cat\n3,4,dog\n5,6,cat\n")
    data = load_csv(path, ["label"], train_ratio=1.0, rng=np.random.default_rng(0))
    order = np.random.default_rng(0).permutation(3)
    assert np.array_equal(data.x_train, np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])[order])
    assert data.y_train.tolist() == np.array([0, 1, 0])[order].tolist() and data.y_train.dtype == np.int64
    assert (data.name, data.task, data.feature_names, data.target_names) == (
        "f.csv", "classification", ["b", "a"], ["cat", "dog"])
    assert (data.x_scaling, data.y_scaling, len(data.x_test)) == (None, None, 0)
    (lo1, hi1), (lo2, hi2) = data.input_range  # a tenth of each column's span either side
    assert (lo1, hi1, lo2, hi2) == pytest.approx((0.6, 5.4, 1.6, 6.4))


def test_number_labels_are_sorted_as_numbers_and_named_by_their_value(tmp_path):
    path = write(tmp_path, "x,y\n1,10\n2,2\n3,0.5\n4,1.5\n5,2.0\n6,-3\n")
    data = load_csv(path, ["y"], train_ratio=1.0, rng=np.random.default_rng(1))
    assert data.target_names == ["-3", "0.5", "1.5", "2", "10"]
    by_x = dict(zip(data.x_train[:, 0].tolist(), data.y_train.tolist()))
    assert by_x == {1.0: 4, 2.0: 3, 3.0: 1, 4.0: 2, 5.0: 3, 6.0: 0}
    mixed = write(tmp_path, "x,y\n1,b\n2,10\n3,9\n4,b\n", "m.csv")
    data = load_csv(mixed, ["y"], train_ratio=1.0, rng=np.random.default_rng(1))
    assert data.target_names == ["10", "9", "b"]  # not all numbers: sorted as text
    assert dict(zip(data.x_train[:, 0].tolist(), data.y_train.tolist())) == {1.0: 2, 2.0: 0, 3.0: 1, 4.0: 2}


def test_a_semicolon_file_reads_decimal_commas_in_values_and_labels(tmp_path):
    path = write(tmp_path, "x;y;c\n1,5;-2,25e1;0,5\n2;3;1\n")
    data = load_csv(path, ["c"], train_ratio=1.0, rng=np.random.default_rng(0))
    rows = sorted(zip(data.x_train.tolist(), data.y_train.tolist()))
    assert rows == [([1.5, -22.5], 0), ([2.0, 3.0], 1)] and data.target_names == ["0.5", "1"]
    assert layout(path) == ("semicolon", "comma", ["x", "y", "c"], [["1,5", "-2,25e1", "0,5"], ["2", "3", "1"]])
    quoted = write(tmp_path, 'x,c\n1,"1,5"\n2,2\n', "q.csv")  # a comma file has no decimal commas
    assert load_csv(quoted, ["c"], rng=np.random.default_rng(0)).target_names == ["1,5", "2"]
    texts = write(tmp_path, "x;c\n1,5;a,b\n2;a,b\n", "t.csv")
    assert load_csv(texts, ["c"], rng=np.random.default_rng(0)).target_names == ["a,b"]


def test_regression_targets_come_in_the_order_asked_and_scale_by_the_training_rows(tmp_path):
    path = write(tmp_path, "t1,x,t2\n1,10,100\n3,20,300\n")
    data = load_csv(path, ["t2", "t1"], task="regression", train_ratio=1.0, rng=np.random.default_rng(0),
                    normalize=True, scale_targets=True, name="mine")
    order = np.random.default_rng(0).permutation(2)
    assert (data.name, data.feature_names, data.target_names) == ("mine", ["x"], ["t2", "t1"])
    assert np.array_equal(data.x_train, np.array([[-1.0], [1.0]])[order])
    assert np.array_equal(data.y_train, np.array([[-1.0, -1.0], [1.0, 1.0]])[order])
    assert data.x_scaling[0].tolist() == [15.0] and data.x_scaling[1].tolist() == [5.0]
    assert data.y_scaling[0].tolist() == [200.0, 2.0] and data.y_scaling[1].tolist() == [100.0, 1.0]
    assert np.array_equal(data.raw_targets(data.y_train), np.array([[100.0, 1.0], [300.0, 3.0]])[order])
    plain = load_csv(path, ["t2", "t1"], task="regression", train_ratio=1.0, rng=np.random.default_rng(0))
    assert np.array_equal(plain.y_train, np.array([[100.0, 1.0], [300.0, 3.0]])[order]) and plain.y_scaling is None
    assert load_csv(path, ["t2"], scale_targets=True, rng=np.random.default_rng(0)).y_scaling is None  # classes


def test_the_plotted_plane_has_a_tenth_of_each_span_as_margin(tmp_path):
    data = load_csv(write(tmp_path, "a,b,y\n-2,7,0\n8,7,1\n"), ["y"], train_ratio=0.5,
                    rng=np.random.default_rng(0))
    assert (len(data.x_train), len(data.x_test)) == (1, 1)  # the plane covers the test rows too
    assert data.input_range == (pytest.approx((-3.0, 9.0)), (6.0, 8.0))  # a constant column: 1 either side
    three = load_csv(write(tmp_path, "a,b,c,y\n1,2,3,0\n4,5,6,1\n", "3.csv"), ["y"], rng=np.random.default_rng(0))
    assert three.input_range is None
    one = load_csv(write(tmp_path, "a,y\n1,0\n4,1\n", "1.csv"), ["y"], rng=np.random.default_rng(0))
    assert one.input_range is None
    far = load_csv(write(tmp_path, "a,b,y\n-1.7e308,0,0\n1.7e308,1,1\n", "far.csv"), ["y"], rng=np.random.default_rng(0))
    top = float(np.finfo(np.float64).max)
    assert far.input_range == ((-top, top), pytest.approx((-0.1, 1.1)))


def test_a_column_too_spread_to_normalise_is_named_with_the_advice(tmp_path):
    order = np.random.default_rng(0).permutation(4)
    values = [1e-300, 3e-300, 2e-300, 2e-300]
    values[order[-1]] = 1.7e308  # the one test row: far outside the training rows
    text = "x,far,y\n" + "".join(f"{k},{v!r},{k % 2}\n" for k, v in enumerate(values))
    assert refusal(lambda: load_csv(write(tmp_path, text), ["y"], train_ratio=0.75, rng=np.random.default_rng(0),
                                    normalize=True)) == (
        "f.csv: column 'far' cannot be normalised: its values are too far apart for 64-bit numbers "
        "(scale the column down, or turn normalisation off)")


def test_a_file_s_settings_and_columns_are_refused_word_for_word(tmp_path):
    path = write(tmp_path, "x,y\n1,0\n2,1\n")
    cases = [
        (lambda: load_csv(path, ["y"], task="clustering"), "f.csv: unknown task 'clustering' (use classification or regression)"),
        (lambda: load_csv(path, []), "f.csv: no target column chosen"),
        (lambda: load_csv(path, ["y", "y"], task="regression"), "f.csv: a target column is named twice (y, y)"),
        (lambda: load_csv(path, ["x", "y"]), "f.csv: classification needs exactly one target column, not 2 (x, y)"),
        (lambda: load_csv(path, ["z"]), "f.csv: no column named 'z' (columns: x, y)"),
        (lambda: load_csv(path, ["x", "y"], task="regression"), "f.csv: no feature columns left (every column is a target)"),
        (lambda: load_csv(write(tmp_path, "x,x,y\n1,2,3\n", "d.csv"), ["y"]),
         "d.csv, line 1: column 'x' appears twice in the header"),
        (lambda: load_csv(write(tmp_path, "\n# c\nx,y\n", "e.csv"), ["y"]), "e.csv: no data rows after the header"),
        (lambda: load_csv(write(tmp_path, "x,y\n1,0\n\n2\n", "r.csv"), ["y"]),
         "r.csv, line 4: 1 values where the header has 2 columns"),
        (lambda: load_csv(write(tmp_path, "x,y\n1,0\nabc,1\n", "n.csv"), ["y"]),
         "n.csv, line 3, column 'x': 'abc' is not a number"),
        (lambda: load_csv(write(tmp_path, "x,y\n ,0\n", "m.csv"), ["y"]), "m.csv, line 2, column 'x': missing value (the field is empty)"),
        (lambda: load_csv(write(tmp_path, "x,y\n-inf,0\n", "i.csv"), ["y"]), "i.csv, line 2, column 'x': '-inf' is not a finite number"),
        (lambda: load_csv(write(tmp_path, "x,y\n1, \n", "l.csv"), ["y"]), "l.csv, line 2, column 'y': missing label (the field is empty)"),
        (lambda: load_csv(write(tmp_path, "x,y\n1,nan\n", "v.csv"), ["y"]), "v.csv, line 2, column 'y': 'nan' is not a valid label"),
        (lambda: load_csv(write(tmp_path, "x,y\n1,2\n", "t.csv"), ["y"], task="regression", text="x,y\n1,b\n"),
         "t.csv, line 2, column 'y': 'b' is not a number"),
        (lambda: load_csv(write(tmp_path, "x;y\n1;2,5,1\n", "s.csv"), ["y"], task="regression"),
         "s.csv, line 2, column 'y': '2,5,1' is not a number"),
        (lambda: load_csv(tmp_path / "k.csv", ["c"], text='x,c\n1,"a\nb"\n\n# note\n2,\n'),
         "k.csv, line 6, column 'c': missing label (the field is empty)"),  # lines counted past a quoted break
        (lambda: load_csv(tmp_path / "k.csv", ["y"], text='x,y\n1,2\n3,"a"b\n'),
         "k.csv, line 3: not valid CSV (',' expected after '\"')"),
    ]
    for call, message in cases:
        assert refusal(call) == message
    kept = load_csv(tmp_path / "k.csv", ["y"], text="\ufeffx,y\r1,0\r2,1\r", rng=np.random.default_rng(0))
    assert (kept.feature_names, kept.target_names, len(kept.x_train) + len(kept.x_test)) == (["x"], ["0", "1"], 2)
    assert load_csv(path, ["y"]).n_features == 1  # a fresh generator


def test_a_time_series_table_keeps_its_rows_in_order_with_their_lines(tmp_path):
    names, values, lines = read_table(write(tmp_path, "t , v\n1,2\n# gap\n\n3,4.5\n"))
    assert (names, values.tolist(), lines) == (["t", "v"], [[1.0, 2.0], [3.0, 4.5]], [2, 5])
    names, values, lines = read_table(tmp_path / "kept.csv", text="a;b\n1,5;2\n")
    assert (names, values.tolist(), lines) == (["a", "b"], [[1.5, 2.0]], [2])
    assert read_table(write(tmp_path, "a\n1\n2\n", "one.csv"))[1].tolist() == [[1.0], [2.0]]
    for text, message in [
        ("a,a\n1,2\n", "s.csv, line 1: column 'a' appears twice in the header"),
        ("a, \n1,2\n", "s.csv, line 1: column 2 of the header has no name"),
        ("a,b\n", "s.csv: no data rows after the header"),
        ("a,b\n1,2\n3\n", "s.csv, line 3: 1 values where the header has 2 columns"),
        ("a,b\n1,x\n", "s.csv, line 2, column 'b': 'x' is not a number"),
    ]:
        assert refusal(lambda: read_table(tmp_path / "s.csv", text=text)) == message


def test_the_separator_is_the_one_splitting_the_header_most():
    assert separator_of("a;b,c;d") == ";" and separator_of("a\tb\tc;d") == "\t" and separator_of("abc") == ","
    assert separator_of("a,b;c") == "," and separator_of("a;b;c;d,e\tf") == ";"


def test_a_preview_names_the_separator_and_decimal_mark_and_shows_the_first_rows(tmp_path):
    path = write(tmp_path, "a\tb\n1,5\t2\n3\t4\n5\t6\n")
    assert layout(path, rows=2) == ("tab", "comma", ["a", "b"], [["1,5", "2"], ["3", "4"]])
    assert layout(write(tmp_path, "a,b\n1,2\n", "c.csv")) == ("comma", "point", ["a", "b"], [["1", "2"]])
    assert layout(write(tmp_path, "a;b\n1.5;2\n", "p.csv")) == ("semicolon", "point", ["a", "b"], [["1.5", "2"]])
    quoted = write(tmp_path, 'a,b\n"1,5",2\n' + "3,4\n" * 6, "q.csv")
    assert layout(quoted) == ("comma", "point", ["a", "b"], [["1,5", "2"]] + [["3", "4"]] * 4)  # five rows shown


def test_a_file_s_text_is_kept_without_its_byte_order_mark_and_refused_when_not_utf8(tmp_path):
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfx,y\r\n1,2\r\n")
    assert file_text(tmp_path / "bom.csv") == "x,y\r\n1,2\r\n"
    (tmp_path / "bad.csv").write_bytes(b"x,y\n1,2\n3,\xe9\n")
    assert refusal(lambda: file_text(tmp_path / "bad.csv")) == (
        "bad.csv, line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8")
    assert refusal(lambda: load_csv(tmp_path / "bad.csv", ["y"])) == (
        "bad.csv, line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8")


def test_only_a_regular_file_small_enough_is_read(tmp_path, monkeypatch):
    path = write(tmp_path, "x,y\n1,2\n")  # 8 bytes
    assert refusal(lambda: file_text(tmp_path / "no.csv")) == f"no.csv: no such file ({tmp_path / 'no.csv'})"
    (tmp_path / "dir.csv").mkdir()
    assert refusal(lambda: file_text(tmp_path / "dir.csv")) == f"dir.csv: is a folder, not a file ({tmp_path / 'dir.csv'})"
    assert refusal(lambda: file_text("/dev/null")) == (
        "null: /dev/null is not a regular file but a device, pipe or socket; choose a CSV file")
    assert refusal(lambda: file_text(tmp_path / "a\0b.csv")).endswith(
        ": the file name holds a NUL character, which no file name can")
    monkeypatch.setattr(csv_file, "MAX_CSV_BYTES", 8)
    assert file_text(path) == "x,y\n1,2\n"
    monkeypatch.setattr(csv_file, "MAX_CSV_BYTES", 7)
    assert refusal(lambda: file_text(path)) == "f.csv: 8 bytes is larger than a CSV file can be (7)"
    monkeypatch.setattr(csv_file, "MAX_CSV_BYTES", 1000)
    big = write(tmp_path, "x\n" + "1\n" * 600, "big.csv")
    assert refusal(lambda: file_text(big)) == "big.csv: 1,202 bytes is larger than a CSV file can be (1,000)"
