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
