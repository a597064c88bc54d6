"""Data sets as the data panel and the messages show them: names, column
names, counts, and refusals that name the file, the column or the setting."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError, reber
from nnsim.data.csv_file import layout, load_csv
from nnsim.data.image_folder import resize
from nnsim.data.images import shapes_images
from nnsim.data.reads import points_meaning
from nnsim.data.sequences import make_task
from nnsim.data.windows import load_csv_series
from nnsim.design.model import DatasetSpec


def refusal(call) -> str:
    with pytest.raises((DataError, ValueError)) as refused:
        call()
    return str(refused.value)


def test_a_preview_of_an_empty_file_names_the_file_alone(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    assert refusal(lambda: layout(tmp_path / "empty.csv")) == (
        "empty.csv: the file is empty (it needs a header row naming the columns)")


def test_a_target_column_too_spread_to_scale_is_named(tmp_path):
    path = tmp_path / "far.csv"
    path.write_text("x,height\n1,1.7e308\n2,-1.7e308\n3,1.7e308\n4,-1.7e308\n")
    assert refusal(lambda: load_csv(path, ["height"], task="regression", scale_targets=True,
                                    rng=np.random.default_rng(0))) == (
        "far.csv: target column 'height' cannot be scaled: its values are too far apart for 64-bit numbers "
        "(scale the column down, or turn target scaling off)")


def test_a_time_series_with_every_column_a_target_is_refused_by_name(tmp_path):
    text = "a,b\n1,2\n3,4\n5,6\n"
    assert refusal(lambda: load_csv_series(tmp_path / "t.csv", [], ["a", "b"], 3, text=text)) == (
        "t.csv: no input columns left (every column is a target)")


def test_an_unknown_resize_method_lists_the_methods():
    assert refusal(lambda: resize(np.zeros((1, 4, 4)), 2, 2, "bogus")) == (
        "resize method 'bogus' is not one of area, nearest")


def test_one_shape_image_is_enough():
    x, y = shapes_images(1, rng=np.random.default_rng(0))
    assert x.shape[0] == 1 and y.tolist() == [0]


def test_a_distribution_s_points_are_called_samples():
    meaning = points_meaning(DatasetSpec(source="distribution", name="ring"))
    assert meaning is not None and meaning[0] == "samples"


def test_reber_strings_are_named_split_and_seeded_as_asked():
    data = reber.reber(n_train=5, n_test=3)
    assert data.name == "Reber grammar"
    assert (len(data.x_train), len(data.x_test)) == (5, 3)
    again = make_task("reber", n_train=5, n_test=3, seed=0)  # the default seed is 0
    assert np.array_equal(data.x_train, again.x_train) and np.array_equal(data.x_test, again.x_test)
    assert refusal(lambda: reber.continual_embedded_reber(train_strings=5, test_strings=0)) == (
        "test_strings must be a whole number of at least 1, not 0")


def test_a_figure_eight_s_inputs_are_named_x_and_y():
    data = make_task("figure_eight", train_cycles=2, test_cycles=1)
    assert data.feature_names == ["x", "y"] and data.target_names == ["next x", "next y"]


def test_a_csv_file_s_text_is_kept_as_written(tmp_path):
    from nnsim.data.csv_file import file_text

    (tmp_path / "d.csv").write_text("x,y\n1,2\n")
    assert file_text(tmp_path / "d.csv") == "x,y\n1,2\n"


def test_the_adding_and_copy_tasks_are_named_and_refuse_by_the_setting():
    assert refusal(lambda: make_task("adding", n_train=0)) == "n_train must be a whole number of at least 1, not 0"
    assert make_task("copy", n_train=2, n_test=1).name == "Copy task"


def test_the_built_in_tasks_are_named_as_the_data_panel_shows_them():
    assert make_task("char_text").name == "Character text"
    assert make_task("embedded_reber", n_train=3, n_test=2).name == "Embedded Reber grammar"
    assert make_task("temporal_order", n_train=3, n_test=2).name == "Temporal order"
    adding = make_task("adding", length=4)
    assert adding.feature_names == ["value", "marker"] and (len(adding.x_train), len(adding.x_test)) == (2000, 500)


def test_the_tasks_refuse_by_the_setting_and_take_the_least_they_allow():
    assert refusal(lambda: reber.continual_embedded_reber(train_strings=0, test_strings=5)) == (
        "train_strings must be a whole number of at least 1, not 0")
    assert refusal(lambda: make_task("temporal_xor", train_bits=1)) == (
        "train_bits must be a whole number of at least 2, not 1")
    assert len(make_task("temporal_xor", test_bits=2).x_test) > 0
    assert np.array_equal(make_task("sine").x_train, make_task("sine", seed=0).x_train)  # the default seed is 0


def test_a_data_set_s_description_names_it_rounds_its_shares_and_says_where_the_csv_is_kept():
    from nnsim.data import describe

    assert describe(DatasetSpec(source="distribution", name=" Ring ")) == "Points: Ring, 12,000 samples"
    assert "noise 12.3%" in describe(DatasetSpec(source="playground", name="circle", noise=0.12345))
    kept = describe(DatasetSpec(source="csv", path="d.csv", targets=["y"], csv_text="x,y\n1,2\n"))
    assert "d.csv (kept in the design) -> " in kept


def test_a_header_column_without_a_name_is_counted_from_one(tmp_path):
    (tmp_path / "h.csv").write_text("x,,y\n1,2,3\n4,5,6\n")
    assert refusal(lambda: load_csv(tmp_path / "h.csv", ["y"])) == "h.csv, line 1: column 2 of the header has no name"


def test_a_preview_of_a_file_that_is_not_text_names_the_file(tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"x,y\n\xff\xfe,1\n")
    assert refusal(lambda: layout(tmp_path / "bad.csv")) == (
        "bad.csv, line 2: not UTF-8 text (byte 0xff); save the file as UTF-8")


def test_a_normalised_time_series_has_training_inputs_of_mean_zero(tmp_path):
    rows = "\n".join(f"{t},{3 * t + 10}" for t in range(40))
    data = load_csv_series(tmp_path / "s.csv", ["a"], ["b"], 5, normalize=True, text="a,b\n" + rows + "\n")
    first = data.x_train[:, 0, 0]  # each window's first row
    assert abs(first.mean()) < 0.5 and first.std() > 0.1  # scaled, no longer 0 … 39


def test_an_image_folder_too_large_says_how_large(tmp_path):
    from nnsim.data.image_folder import load_image_folder

    for k in range(23):
        folder = tmp_path / ("cats" if k % 2 else "dogs")
        folder.mkdir(exist_ok=True)
        (folder / f"{k}.png").write_bytes(b"")  # never read: the size is known first
    message = refusal(lambda: load_image_folder(tmp_path, lambda p: np.zeros((2, 2)), (3, 1000, 1000)))
    assert message == "23 images of 3 × 1000 × 1000 need 0.5 GB; use fewer images or a smaller input"


def test_a_time_series_header_column_without_a_name_is_counted_from_one(tmp_path):
    text = "a,,b\n1,2,3\n4,5,6\n"
    assert refusal(lambda: load_csv_series(tmp_path / "s.csv", ["a"], ["b"], 1, text=text)) == (
        "s.csv, line 1: column 2 of the header has no name")


def test_a_constant_column_keeps_a_deviation_of_one_when_scaled():
    from nnsim.data.base import standardize

    train, test, bad = standardize(np.array([[5.0], [5.0]]), np.array([[7.0]]))
    assert train.tolist() == [[0.0], [0.0]] and test.tolist() == [[2.0]] and bad is None


def test_a_csv_without_a_file_says_so_and_tasks_refuse_and_default_by_name():
    from nnsim.data import describe

    assert describe(DatasetSpec(source="csv", path="", targets=["y"])) == "CSV (no file chosen) -> y"
    assert refusal(lambda: make_task("char_text", chunk=0)) == "chunk must be a whole number of at least 1, not 0"
    assert len(reber.embedded_reber(n_train=1).x_test) == 200


def test_more_tasks_as_the_data_panel_shows_them():
    assert make_task("temporal_order", n_train=2, n_test=1).description == (
        "classify the order of two keys X/Y among distractors")
    assert reber.continual_embedded_reber(train_strings=2, test_strings=1).name == "Continual embedded Reber"
    assert refusal(lambda: make_task("sine", length=0)) == "length must be a whole number of at least 1, not 0"


def test_a_time_series_takes_its_columns_by_name_or_by_number_alike():
    from nnsim.data.windows import window_dataset

    values = np.arange(60, dtype=float).reshape(30, 2)
    by_name = window_dataset(values, ["a", "b"], ["a"], ["b"], 4)
    by_number = window_dataset(values, ["a", "b"], [0], [1], 4)
    assert np.array_equal(by_name.x_train, by_number.x_train) and np.array_equal(by_name.y_train, by_number.y_train)


def test_a_time_series_describes_its_windows_and_the_copy_task_its_counts(tmp_path):
    rows = "\n".join(f"{t},{2 * t}" for t in range(30))
    data = load_csv_series(tmp_path / "s.csv", ["a"], ["b"], 4, text="a,b\n" + rows + "\n")
    assert data.description == "s.csv: windows of 4 rows, a -> b"
    ahead = load_csv_series(tmp_path / "s.csv", ["a"], ["b"], 4, horizon=1, text="a,b\n" + rows + "\n")
    assert ahead.description == "s.csv: windows of 4 rows, a -> b, 1 row ahead"
    assert len(make_task("copy", n_train=1, delay=1, copy_length=1).x_test) == 500
