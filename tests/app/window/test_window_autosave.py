"""Autosave while there are unsaved changes, and recovery after a crash."""

from __future__ import annotations

import json
import shutil

from nnsim.design.model import LayerKind
from nnsim.io import dumps, load
from nnsim.resources import example_path


def _autosaves(data_dir):
    return sorted(p.name.split(".")[-1] for p in data_dir.glob("autosave-*")) if data_dir.exists() else []


def test_autosave_written_when_the_timer_fires_and_removed_on_save(make_window, tmp_path, private_dirs):
    _, data = private_dirs
    path = tmp_path / "xor.nnsim"
    shutil.copy(example_path("xor-mlp"), path)
    window, _ = make_window(path)
    saver = window.autosaver
    assert saver.timer.isActive() and 50_000 <= saver.timer.interval() <= 70_000

    saver.timer.timeout.emit()  # clean: nothing written
    assert not saver.design_path.exists()

    window.document.add_layer(LayerKind.HIDDEN, 3, 100, 100)
    saver.timer.timeout.emit()
    assert saver.design_path.exists()
    assert saver.design_path.parent == data
    assert saver.design_path.name.startswith("autosave-") and saver.design_path.suffix == ".nnsim"
    assert dumps(load(saver.design_path)) == dumps(window.document.design)
    note = json.loads(saver.note_path.read_text())
    assert note["original"] == str(path.resolve())

    window.files.save()
    assert not saver.design_path.exists() and not saver.note_path.exists()


def test_undo_to_clean_removes_the_autosave(window):
    window.document.add_layer(LayerKind.INPUT, 2, 0, 0)
    window.autosaver.autosave_now()
    assert window.autosaver.design_path.exists()
    window.document.undo_stack.undo()
    assert not window.autosaver.design_path.exists()


def test_clean_close_leaves_no_autosave(make_window, private_dirs):
    _, data = private_dirs
    window, answers = make_window()
    window.show()
    window.document.add_layer(LayerKind.INPUT, 2, 0, 0)
    window.autosaver.autosave_now()
    answers.unsaved = "discard"
    assert window.close()
    assert _autosaves(data) == []


def test_recovery_after_a_crash_restores_the_design(make_window, tmp_path, private_dirs):
    _, data = private_dirs
    path = tmp_path / "xor.nnsim"
    shutil.copy(example_path("xor-mlp"), path)
    crashed, _ = make_window(path)
    crashed.document.add_layer(LayerKind.HIDDEN, 3, 400, 0)
    crashed.document.set_design(name="Work in progress")
    expected = dumps(crashed.document.design)
    crashed.autosaver.autosave_now()
    crashed.autosaver.detach()  # the process "dies": the lock goes, the copy stays

    # A still-running session's autosave is never offered.
    alive, _ = make_window()
    alive.document.add_layer(LayerKind.INPUT, 1, 0, 0)
    alive.autosaver.autosave_now()

    window, answers = make_window()
    assert window.files.recover_autosaves() is True
    assert answers.asked == ["recover"]
    assert dumps(window.document.design) == expected
    assert window.document.path == path.resolve()
    assert window.isWindowModified()  # recovered work is unsaved work
    assert "Work in progress" not in window.windowTitle()  # the file's name is shown
    assert window.windowTitle().startswith("xor.nnsim")
    # The orphan is gone; this session keeps its own copy until saved.
    assert not crashed.autosaver.design_path.exists()
    assert window.autosaver.design_path.exists()
    assert alive.autosaver.design_path.exists()


def test_declined_recovery_deletes_the_orphan(make_window, private_dirs):
    crashed, _ = make_window()
    crashed.document.add_layer(LayerKind.HIDDEN, 3, 0, 0)
    crashed.autosaver.autosave_now()
    crashed.autosaver.detach()
    window, answers = make_window()
    answers.recover = False
    assert window.files.recover_autosaves() is False
    assert window.document.design.neurons == []
    assert not crashed.autosaver.design_path.exists()
    assert window.files.recover_autosaves() is False
    assert answers.asked == ["recover"]  # asked once only


def test_recovery_offers_to_reset_the_window_layout(make_window, qtbot, private_dirs):
    """A layout that made the window stop responding must not come back with
    the recovered design: the question offers (ticked) to reset the layout,
    which happens before the design returns."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    crashed, _ = make_window()
    crashed.show()
    crashed.workspaces.switch("learn")
    crashed.learn_mode.docks["lessons"].hide()
    crashed.save_layout()  # remembered, as at a switch or an earlier clean exit
    crashed.document.add_layer(LayerKind.HIDDEN, 3, 0, 0)
    crashed.autosaver.autosave_now()
    crashed.autosaver.detach()  # the process "dies"

    window, answers = make_window()
    window.show()
    assert window.workspaces.current == "learn" and window.learn_mode.docks["lessons"].isHidden()
    orphan = window.autosaver.orphans()[0]
    seen = {}

    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["offered"] = box.checkBox() is not None and box.checkBox().isChecked()
        recover = next(b for b in box.buttons() if b.text() == "Recover")
        recover.click()

    QTimer.singleShot(0, answer)
    assert type(window.files).ask_recover(window.files, orphan) == (True, True)  # the real question
    assert seen == {"offered": True}

    order = []
    window.document.reset.connect(lambda: order.append("design"))
    reset = window.reset_layout
    window.reset_layout = lambda: (order.append("layout"), reset())
    answers.reset_layout = True
    assert window.files.recover_autosaves() is True
    assert order == ["layout", "design"]
    assert not window.learn_mode.docks["lessons"].isHidden()  # the Learn workspace as at first start
    assert len(window.document.design.layers) == 1
