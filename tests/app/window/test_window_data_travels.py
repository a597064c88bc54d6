"""A design saved with CSV data names the file relative to the design's
folder, so a class can be handed both folders and open the design anywhere."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np

from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec
from nnsim.io import load


def fruit(tmp_path):
    data = tmp_path / "teacher" / "data"
    data.mkdir(parents=True)
    rows = ["weight_g,colour,label"] + [f"{100 + 7 * i},{(i * 37) % 10 / 10},{'apple' if i % 2 else 'pear'}"
                                          for i in range(40)]
    (data / "fruit.csv").write_text("\n".join(rows) + "\n")
    d = layered([2, 3, 1], output=Activation.SIGMOID, name="Fruit")
    initialize(d, np.random.default_rng(0))
    d.dataset = DatasetSpec("csv", path=str(data / "fruit.csv"), targets=["label"], normalize=True)
    return d


def test_saved_data_is_named_relative_and_opens_in_another_folder(make_window, tmp_path):
    window, answers = make_window()
    window.document.replace(fruit(tmp_path), None)
    assert window.training.controller.session is not None  # the absolute path works here
    designs = tmp_path / "teacher" / "designs"
    designs.mkdir()
    answers.save_path = designs / "fruit.nnsim"
    assert window.files.save_as()
    assert load(designs / "fruit.nnsim").dataset.path == "../data/fruit.csv"
    assert not window.document.modified
    # The students get both folders somewhere else.
    shutil.copytree(tmp_path / "teacher", tmp_path / "student" / "class")
    shutil.rmtree(tmp_path / "teacher")
    other, answers2 = make_window(tmp_path / "student" / "class" / "designs" / "fruit.nnsim")
    assert answers2.errors == []
    c = other.training.controller
    assert c.session is not None and not c.error, c.error
    assert len(c.session.data.x_train) + len(c.session.data.x_test) == 40


def test_save_as_elsewhere_names_the_data_from_there_and_undo_takes_it_back(make_window, tmp_path):
    window, answers = make_window()
    d = fruit(tmp_path)
    window.document.replace(d, None)
    first = tmp_path / "teacher" / "fruit.nnsim"
    answers.save_path = first
    assert window.files.save_as()
    assert window.document.design.dataset.path == "data/fruit.csv"
    deeper = tmp_path / "copies" / "week 3"
    deeper.mkdir(parents=True)
    answers.save_path = deeper / "fruit.nnsim"
    assert window.files.save_as()
    assert load(deeper / "fruit.nnsim").dataset.path == "../../teacher/data/fruit.csv"
    assert window.training.controller.session is not None and not window.training.controller.error
    window.document.undo()
    assert window.document.design.dataset.path == "data/fruit.csv"  # one undo step each


def test_other_data_sources_are_left_alone(make_window, tmp_path):
    window, answers = make_window()
    d = fruit(tmp_path)
    d.dataset = dataclasses.replace(DatasetSpec("playground", "circle"), path="")
    window.document.replace(d, None)
    answers.save_path = tmp_path / "circle.nnsim"
    count = window.document.undo_stack.count()
    assert window.files.save_as()
    assert window.document.undo_stack.count() == count


def test_save_with_data_opens_and_trains_where_the_csv_is_not(make_window, tmp_path):
    window, answers = make_window()
    window.document.replace(fruit(tmp_path), None)
    answers.save_path = tmp_path / "teacher" / "fruit.nnsim"
    window.acts.save_with_data.trigger()
    assert answers.errors == [] and not window.document.modified
    saved = load(tmp_path / "teacher" / "fruit.nnsim")
    assert saved.dataset.path == "data/fruit.csv"
    assert saved.dataset.csv_text.startswith("weight_g,colour,label\n")
    # Only the design file goes to the students: no data folder beside it.
    student = tmp_path / "student"
    student.mkdir()
    shutil.copy(tmp_path / "teacher" / "fruit.nnsim", student / "fruit.nnsim")
    shutil.rmtree(tmp_path / "teacher")
    other, answers2 = make_window(student / "fruit.nnsim")
    assert answers2.errors == []
    c = other.training.controller
    assert c.session is not None and not c.error, c.error
    assert len(c.session.data.x_train) + len(c.session.data.x_test) == 40


def test_save_with_data_cancelled_or_without_a_csv_changes_nothing(make_window, tmp_path):
    window, answers = make_window()
    window.document.replace(fruit(tmp_path), None)
    count = window.document.undo_stack.count()
    answers.save_path = None  # the file dialog cancelled
    window.acts.save_with_data.trigger()
    assert window.document.undo_stack.count() == count
    assert window.document.design.dataset.csv_text == ""
    window.document.replace(layered([2, 2, 1]), None)  # Playground data: nothing to keep
    answers.save_path = tmp_path / "xor.nnsim"
    window.acts.save_with_data.trigger()
    assert answers.errors and "No CSV data" in answers.errors[0][0]
    assert not (tmp_path / "xor.nnsim").exists()


def test_a_missing_csv_is_said_and_nothing_is_saved(make_window, tmp_path):
    window, answers = make_window()
    d = fruit(tmp_path)
    (tmp_path / "teacher" / "data" / "fruit.csv").unlink()
    window.document.replace(d, None)
    answers.save_path = tmp_path / "fruit.nnsim"
    window.acts.save_with_data.trigger()
    assert answers.errors and "no such file" in answers.errors[0][1]
    assert not (tmp_path / "fruit.nnsim").exists()
