"""Save As starts where the user keeps files: beside their own file, else in
their documents folder, never in the shipped examples' folder; an untitled
design takes the name of the file it is first saved as."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

import nnsim.app.files as files_module
from nnsim.design.model import LayerKind
from nnsim.io import load
from nnsim.resources import example_path, examples_dir


@pytest.fixture
def save_dialog(monkeypatch, tmp_path):
    """QFileDialog.getSaveFileName as the real code calls it: records where it
    starts and answers with ``answer["path"]``; the documents folder is a
    temporary one."""
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(files_module, "documents_dir", lambda: documents, raising=False)
    answer = {"path": "", "starts": [], "documents": documents}

    def get_save(parent, caption, start, *args, **kwargs):
        answer["starts"].append(start)
        return str(answer["path"]), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    return answer


def _real_questions(window, monkeypatch):
    cls = type(window.files)
    monkeypatch.setattr(window.files, "ask_save_path", cls.ask_save_path.__get__(window.files))


def _save_as_by_keyboard(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_an_example_is_saved_to_the_documents_folder(make_window, qtbot, save_dialog, monkeypatch):
    window, _ = make_window(example_path("circle"))
    _real_questions(window, monkeypatch)
    _save_as_by_keyboard(window, qtbot)
    (start,) = save_dialog["starts"]
    assert start == str(save_dialog["documents"] / "circle.nnsim")
    assert not start.startswith(str(examples_dir()))
    assert window.document.design.name == "Circle classifier"  # a named design keeps its name


def test_an_untitled_design_takes_the_files_name(make_window, qtbot, save_dialog, monkeypatch):
    window, _ = make_window()
    _real_questions(window, monkeypatch)
    window.files.new()
    window.document.add_layer(LayerKind.INPUT, 2, 0, 0)
    assert window.document.design.name == "Untitled"
    target = save_dialog["documents"] / "my first net.nnsim"
    save_dialog["path"] = target
    _save_as_by_keyboard(window, qtbot)
    assert save_dialog["starts"] == [str(save_dialog["documents"] / "untitled.nnsim")]
    assert window.document.design.name == "my first net"
    assert load(target).name == "my first net"  # saved with its new name
    assert not window.isWindowModified()
    assert window.inspector.design_name.text() == "my first net"
    window.document.undo_stack.undo()  # naming it was one step
    assert window.document.design.name == "Untitled"


def test_a_failed_first_save_leaves_the_name(make_window, qtbot, save_dialog, monkeypatch, tmp_path):
    window, answers = make_window()
    _real_questions(window, monkeypatch)
    window.files.new()
    save_dialog["path"] = tmp_path / "no such folder" / "net.nnsim"
    _save_as_by_keyboard(window, qtbot)
    assert answers.errors  # said it could not save
    assert window.document.design.name == "Untitled"


def test_the_users_own_file_saves_beside_itself(make_window, qtbot, save_dialog, monkeypatch, tmp_path):
    mine = tmp_path / "projects" / "xor.nnsim"
    mine.parent.mkdir()
    shutil.copy(example_path("xor-mlp"), mine)
    window, _ = make_window(mine)
    _real_questions(window, monkeypatch)
    _save_as_by_keyboard(window, qtbot)
    assert save_dialog["starts"] == [str(mine.resolve())]


def test_what_counts_as_the_users_own(tmp_path, monkeypatch):
    mine = tmp_path / "net.nnsim"
    mine.write_text("{}")
    assert files_module.users_own(mine)
    assert not files_module.users_own(example_path("circle"))
    assert not files_module.users_own(None)
    monkeypatch.setattr(files_module.os, "access", lambda *a: False)  # a folder they cannot write to
    assert not files_module.users_own(mine)



def test_a_copy_of_the_shipped_examples_opens_untitled(make_window, qtbot, save_dialog, monkeypatch, tmp_path):
    """The source tree's examples, opened while nnsim runs installed, are the examples too."""
    other = tmp_path / "clone" / "resources" / "examples" / "circle.nnsim"
    other.parent.mkdir(parents=True)
    shutil.copy(example_path("circle"), other)
    window, _ = make_window(other)
    assert window.document.path is None
    _real_questions(window, monkeypatch)
    _save_as_by_keyboard(window, qtbot)
    assert save_dialog["starts"] == [str(save_dialog["documents"] / "circle.nnsim")]
    other.write_text(other.read_text().replace("Circle classifier", "My circle"))  # changed: the user's own
    window2, _ = make_window(other)
    assert window2.document.path == other.resolve()
