"""File → Save writes the training state with the weights; File → Save
without Training State leaves it out."""

from __future__ import annotations

import json

import nnsim


def test_save_keeps_the_training_state_and_save_without_leaves_it_out(make_window, tmp_path):
    trained = nnsim.example("iris")
    nnsim.train(trained, epochs=2, seed=0)
    path = tmp_path / "iris.nnsim"
    nnsim.save(trained, path)
    window, answers = make_window(path)
    assert window.document.design.training_state is not None
    window.acts.save_without_state.trigger()
    assert "training_state" not in json.loads(path.read_text())
    assert not answers.errors and window.document.design.training_state is not None  # only the file lacks it
    window.acts.save.trigger()
    assert json.loads(path.read_text())["training_state"]["optimizer"] == "adam"


def test_save_without_training_state_is_in_the_file_menu(make_window):
    window, _ = make_window()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.acts.save_without_state in file_menu.actions()
