"""File menu: New, Open, Save, Save As, Revert, the unsaved-changes prompt, the title."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from nnsim.design.model import LayerKind
from nnsim.io import FormatError, dumps, load, save
from nnsim.resources import example_path


@pytest.fixture
def design_file(tmp_path):
    path = tmp_path / "xor.nnsim"
    shutil.copy(example_path("xor-mlp"), path)
    return path


@pytest.fixture
def dialogs(monkeypatch):
    """Answers for QFileDialog's static methods, as the real code calls them."""
    answers = {"open": "", "save": "", "calls": []}

    def get_open(*args, **kwargs):
        answers["calls"].append("open")
        return str(answers["open"]), ""

    def get_save(*args, **kwargs):
        answers["calls"].append("save")
        return str(answers["save"]), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(get_open))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    return answers


def _unrestore(files, monkeypatch):
    """Undo the fixture's replacement of the path questions (use QFileDialog)."""
    cls = type(files)
    monkeypatch.setattr(files, "ask_open_path", cls.ask_open_path.__get__(files))
    monkeypatch.setattr(files, "ask_save_path", cls.ask_save_path.__get__(files))


def _edit(window):
    first = window.document.design.neurons[-1]
    window.document.set_neuron(first.id, bias=0.25 if first.bias != 0.25 else 0.5)


def test_window_opens_with_an_example(make_window):
    window, answers = make_window(example_path("circle"))
    design = window.document.design
    assert design.name == "Circle classifier"
    assert len(design.neurons) == 9
    assert window.central.currentWidget() is window.canvas
    # An example opens as an untitled copy: the shipped file is never overwritten.
    assert window.document.path is None
    assert not window.isWindowModified()
    assert "Circle classifier" in window.windowTitle()
    assert not answers.errors


def test_title_shows_file_name_and_modified_mark(make_window, design_file):
    window, _ = make_window(design_file)
    assert window.windowTitle().startswith("xor.nnsim[*]")
    assert not window.isWindowModified()
    _edit(window)
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert not window.isWindowModified()


def test_open_via_file_dialog_and_recent_files(make_window, design_file, dialogs, monkeypatch):
    window, answers = make_window()
    _unrestore(window.files, monkeypatch)
    dialogs["open"] = design_file
    window.acts.open.trigger()
    assert dialogs["calls"] == ["open"]
    assert window.document.path == design_file.resolve()
    assert window.document.design.name == load(design_file).name
    assert window.files.recent.paths() == [str(design_file.resolve())]


def test_save_writes_the_file_atomically_and_marks_clean(make_window, design_file):
    window, _ = make_window(design_file)
    _edit(window)
    before = window.document.design.neurons[-1].bias
    window.acts.save.trigger()
    assert not window.isWindowModified()
    assert load(design_file).neurons[-1].bias == before
    assert not list(design_file.parent.glob(".*.tmp"))  # no temporary left over


def test_save_of_untitled_asks_for_a_path(make_window, tmp_path, dialogs, monkeypatch):
    shipped = example_path("xor-mlp").read_bytes()
    window, _ = make_window(example_path("xor-mlp"))
    _unrestore(window.files, monkeypatch)
    target = tmp_path / "mine"  # no suffix: .nnsim is added
    dialogs["save"] = target
    window.acts.save.trigger()
    assert dialogs["calls"] == ["save"]
    saved = tmp_path / "mine.nnsim"
    assert load(saved).name == "A hidden layer solves XOR"
    assert window.document.path == saved.resolve()
    assert window.windowTitle().startswith("mine.nnsim")
    # The shipped example is untouched.
    assert example_path("xor-mlp").read_bytes() == shipped


def test_save_as_cancelled_changes_nothing(make_window, design_file, dialogs, monkeypatch):
    window, _ = make_window(design_file)
    _unrestore(window.files, monkeypatch)
    _edit(window)
    dialogs["save"] = ""
    assert window.files.save_as() is False
    assert window.document.path == design_file.resolve()
    assert window.isWindowModified()


def test_save_as_writes_a_new_file_and_switches_to_it(make_window, design_file, tmp_path, dialogs, monkeypatch):
    window, _ = make_window(design_file)
    _unrestore(window.files, monkeypatch)
    _edit(window)
    dialogs["save"] = tmp_path / "copy.nnsim"
    window.acts.save_as.trigger()
    assert load(tmp_path / "copy.nnsim").neurons[-1].bias == window.document.design.neurons[-1].bias
    assert window.document.path == (tmp_path / "copy.nnsim").resolve()
    assert load(design_file).neurons[-1].bias != window.document.design.neurons[-1].bias


def test_revert_reloads_from_disk_after_confirmation(make_window, design_file):
    window, answers = make_window(design_file)
    original = load(design_file).neurons[-1].bias
    _edit(window)
    answers.revert = False
    window.acts.revert.trigger()
    assert window.document.design.neurons[-1].bias != original
    answers.revert = True
    window.acts.revert.trigger()
    assert window.document.design.neurons[-1].bias == original
    assert not window.isWindowModified()
    assert answers.asked == ["revert", "revert"]


def test_new_with_unsaved_changes_asks(make_window, design_file):
    window, answers = make_window(design_file)
    _edit(window)
    answers.unsaved = "cancel"
    window.acts.new.trigger()
    assert window.document.path == design_file.resolve()  # kept
    answers.unsaved = "discard"
    window.acts.new.trigger()
    assert window.document.design.neurons == []
    assert window.document.path is None
    assert window.central.currentWidget() is window.welcome  # empty design: the gallery
    assert answers.asked == ["unsaved", "unsaved"]


def test_a_bad_file_shows_the_reason_and_keeps_the_design(make_window, design_file, tmp_path):
    window, answers = make_window(design_file)
    _edit(window)
    before = dumps(window.document.design)
    bad = tmp_path / "bad.nnsim"
    bad.write_text('{"format_version": 1, "layers": [')
    with pytest.raises(FormatError) as reason:
        load(bad)
    assert window.files.open(bad) is False
    assert answers.errors == [("Could not open bad.nnsim", str(reason.value))]
    assert "\n" not in answers.errors[0][1]
    assert dumps(window.document.design) == before
    assert window.document.path == design_file.resolve()
    assert window.isWindowModified()
    assert "unsaved" not in answers.asked  # no question before the file is known to load


def test_close_with_unsaved_changes_cancel_discard_save(make_window, design_file, qtbot):
    window, answers = make_window(design_file)
    window.show()
    _edit(window)
    answers.unsaved = "cancel"
    assert window.close() is False
    assert window.isVisible()
    answers.unsaved = "save"
    assert window.close() is True
    assert load(design_file).neurons[-1].bias == window.document.design.neurons[-1].bias

    window2, answers2 = make_window(design_file)
    window2.show()
    _edit(window2)
    answers2.unsaved = "discard"
    assert window2.close() is True
    assert load(design_file).neurons[-1].bias == window.document.design.neurons[-1].bias  # not the discarded edit


def test_the_real_prompt_can_be_answered(window, qtbot):
    """Without replacing ask_unsaved: a timer clicks the message box's Discard button."""
    # The window fixture replaced the question; put the real one back.
    window.files.ask_unsaved = type(window.files).ask_unsaved.__get__(window.files)
    window.document.add_layer(LayerKind.HIDDEN, 2, 0, 0)
    clicked = []

    def click():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            clicked.append(box.text())
            box.button(QMessageBox.StandardButton.Discard).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)
    assert window.files.maybe_save() is True
    assert clicked and "Save the changes" in clicked[0]


def test_open_recent_persists_between_windows(make_window, design_file, tmp_path):
    other = tmp_path / "other.nnsim"
    save(load(example_path("circle")), other)
    window, _ = make_window(design_file)
    window.files.open(other)
    window.close()

    window2, _ = make_window()
    assert window2.files.recent.paths() == [str(other.resolve()), str(design_file.resolve())]
    window2.fill_recent_menu()
    texts = [a.text() for a in window2.recent_menu.actions()]
    assert texts[:2] == ["&1 other.nnsim", "&2 xor.nnsim"]
    window2.recent_menu.actions()[1].trigger()
    assert window2.document.path == design_file.resolve()
    window2.acts.clear_recent.trigger()
    assert window2.files.recent.paths() == []


def test_a_missing_recent_file_is_reported_and_dropped(make_window, design_file):
    window, answers = make_window(design_file)
    design_file.unlink()
    window.files.open(str(design_file.resolve()))
    assert answers.errors and "no such file" in answers.errors[0][1]
    assert window.files.recent.paths() == []


def test_window_layout_persists(make_window):
    window, _ = make_window()
    window.show()
    window.history_dock.show()
    window.resize(701, 501)  # within the offscreen screen (800x600)
    window.close()
    window2, _ = make_window()
    window2.show()
    assert window2.history_dock.isVisibleTo(window2)
    assert window2.size().width() == 701


def test_export_png_writes_a_picture(make_window, tmp_path):
    window, answers = make_window(example_path("xor-mlp"))
    window.show()
    answers.export_path = tmp_path / "net"
    window.acts.export_png.trigger()
    assert (tmp_path / "net.png").stat().st_size > 0
    assert not answers.errors


def test_python_dash_m_nnsim_version():
    out = subprocess.run([sys.executable, "-m", "nnsim", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.startswith("nnsim ")


def test_run_app_opens_the_file_and_returns_when_the_window_closes(qapp, qtbot):
    from nnsim.app.main import run_app
    from nnsim.app.main_window import MainWindow

    seen = []

    def close_it():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows or not seen and windows[-1].document.design.name == "Untitled":
            QTimer.singleShot(20, close_it)
            return
        seen.append((windows[-1].document.design.name, windows[-1].settings.fileName()))
        windows[-1].close()

    QTimer.singleShot(0, close_it)
    assert run_app(str(example_path("circle"))) == 0
    assert seen[0][0] == "Circle classifier"
    assert "config" in seen[0][1]  # the redirected settings, not the user's


def test_hooks_run_before_saving_and_closing(make_window, design_file):
    window, answers = make_window(design_file)
    seen = []
    # A training controller's hook: its numbers go into the document before the write.
    window.files.about_to_save.connect(lambda: (seen.append("save"), _edit(window)))
    window.files.about_to_close.connect(lambda: seen.append("close"))
    window.files.save()
    assert seen == ["save"]
    assert load(design_file).neurons[-1].bias == window.document.design.neurons[-1].bias
    assert not window.isWindowModified()
    window.show()
    answers.unsaved = "discard"
    window.close()
    assert seen == ["save", "close"]
