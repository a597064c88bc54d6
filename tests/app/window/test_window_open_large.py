"""A large design file is read on a thread while the window keeps answering,
with a dialog that can cancel; a cancelled read changes nothing."""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog

import nnsim.app.files as files_module
import nnsim.app.reading as reading
from nnsim.io import load
from nnsim.resources import example_path


@pytest.fixture
def large_file(tmp_path, monkeypatch):
    """The XOR example, counted as large (a real 17 MB file is for the benchmark)."""
    path = tmp_path / "xor.nnsim"
    shutil.copy(example_path("xor-mlp"), path)
    monkeypatch.setattr(reading, "BACKGROUND_BYTES", 100)
    return path


def test_the_window_answers_while_a_large_file_is_read(make_window, large_file, monkeypatch):
    window, answers = make_window()
    seen = {}
    ticked = threading.Event()

    def slow_load(path):
        seen["thread"] = threading.current_thread()
        seen["answered"] = ticked.wait(10)  # only the window's own timer sets it
        return load(path)

    monkeypatch.setattr(files_module, "load", slow_load)
    QTimer.singleShot(50, ticked.set)  # runs only if the window's event loop turns during the read
    assert window.files.open(large_file)
    assert seen["thread"] is not threading.main_thread() and seen["answered"]
    assert window.document.path == large_file.resolve() and window.document.design.name == load(large_file).name
    assert answers.errors == []


def test_a_read_can_be_cancelled_and_nothing_changes(make_window, large_file, monkeypatch, qtbot):
    window, answers = make_window()
    before = window.document.design
    release = threading.Event()

    def stuck_load(path):
        release.wait(20)
        return load(path)

    monkeypatch.setattr(files_module, "load", stuck_load)
    messages = []
    window.files.message.connect(messages.append)
    shown = []

    def press_cancel():
        dialog = window.findChild(QProgressDialog, "reading_progress")
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, press_cancel)
            return
        shown.append(dialog.labelText())
        button = [b for b in dialog.findChildren(reading.QWidget) if getattr(b, "text", lambda: "")() == "Cancel"][0]
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press_cancel)
    try:
        assert not window.files.open(large_file)
    finally:
        release.set()
    assert shown and shown[0].startswith("Reading xor.nnsim")
    assert window.document.design is before and window.document.path is None
    assert messages[-1] == "Did not open xor.nnsim: cancelled" and answers.errors == []
    QApplication.processEvents()


def test_a_broken_large_file_is_reported_as_before(make_window, large_file):
    window, answers = make_window()
    large_file.write_text('{"format_version": 2, "layers": [' + " " * 200)
    assert not window.files.open(large_file)
    assert answers.errors and "truncated" in answers.errors[0][1]


def test_a_large_designs_first_session_is_compiled_on_the_reading_thread(make_window, large_file, monkeypatch):
    import numpy as np

    import nnsim.app.training.prepared as prepared
    import nnsim.session
    from nnsim.design.compile import compile_design

    window, answers = make_window()
    threads, window_compiles = [], []
    real = prepared.compile_design
    monkeypatch.setattr(prepared, "compile_design", lambda d: threads.append(threading.current_thread()) or real(d))
    real_session = nnsim.session.compile_design
    monkeypatch.setattr(nnsim.session, "compile_design",
                        lambda *a, **k: window_compiles.append(a) or real_session(*a, **k))
    assert window.files.open(large_file)
    c = window.training.controller
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert window_compiles == [] and c.session is not None
    x = c.session.data.x_train
    fresh = compile_design(load(large_file)).network
    np.testing.assert_array_equal(c.session.network.predict(x), fresh.predict(x))
    assert prepared.take(window.document.design) is None  # used once


def test_the_collector_waits_while_a_large_file_is_read_and_leaves_the_design_alone(make_window, large_file,
                                                                                    monkeypatch):
    import gc

    window, answers = make_window()
    collecting = []

    def watched_load(path):
        collecting.append(gc.isenabled())
        return load(path)

    monkeypatch.setattr(files_module, "load", watched_load)
    assert window.files.open(large_file)
    assert collecting == [False] and gc.isenabled()
    watched = {id(o) for o in gc.get_objects()}  # the generations the collector walks
    design = window.document.design
    assert gc.is_tracked(design.connections[0]) and id(design.connections[0]) not in watched
    assert id(design.neurons[0]) not in watched and id(design.connections) not in watched
    window.close()  # what the window leaves in cycles must be found again
    assert gc.get_freeze_count() == 0


def test_a_large_designs_parameter_map_and_keys_are_made_on_the_reading_thread(make_window, large_file, monkeypatch):
    import nnsim.app.training.numbers as numbers
    import nnsim.app.training.prepared as prepared
    import nnsim.app.training.sync as sync

    window, answers = make_window()
    made = []

    def counted(real):
        return lambda d: made.append((real.__name__, threading.current_thread())) or real(d)

    for module in (prepared, numbers):
        monkeypatch.setattr(module, "ParameterMap", counted(module.ParameterMap))
    for module in (prepared, sync):
        monkeypatch.setattr(module, "compile_key", counted(module.compile_key))
    assert window.files.open(large_file)
    c = window.training.controller
    assert sorted(name for name, _ in made) == ["ParameterMap", "compile_key"]
    assert all(thread is not threading.main_thread() for _, thread in made)
    assert c.session is not None and answers.errors == []
    # The keys made there tell an edit from a rebuild as the window's own would.
    assert not c.sync.structural(window.document.design)


def test_a_large_designs_look_ups_are_made_on_the_reading_thread(make_window, large_file, monkeypatch):
    from nnsim.design.edits import Index

    window, answers = make_window()
    built = []
    real = Index._build
    monkeypatch.setattr(Index, "_build", lambda self: built.append((self.design, threading.current_thread()))
                        or real(self))
    assert window.files.open(large_file)
    design = window.document.design
    mine = [thread for d, thread in built if d is design]
    assert mine and all(thread is not threading.main_thread() for thread in mine)
    assert window.document.index.neuron(design.neurons[0].id) is design.neurons[0]
    assert [thread for d, thread in built if d is design] == mine  # the window asked and built nothing


def test_a_large_designs_connection_table_is_made_on_the_reading_thread(make_window, large_file, monkeypatch):
    from nnsim.app.canvas.connections import ConnectionTable

    window, answers = make_window()
    made = []
    real = ConnectionTable.add_connection_columns
    monkeypatch.setattr(ConnectionTable, "add_connection_columns",
                        lambda self, *a: made.append(threading.current_thread()) or real(self, *a))
    assert window.files.open(large_file)
    design, table = window.document.design, window.scene.table
    assert made and all(thread is not threading.main_thread() for thread in made)
    # The table the canvas draws from holds the design as its own would.
    assert table.total == len(design.connections) and table.order_valid
    for n in design.neurons:
        assert tuple(table.pos[table.row_of[n.id]]) == (n.x, n.y)
    c = design.connections[0]
    key, i = table.find(c.source, c.target)
    assert table.pairs[key].weights[i] == c.weight
    # Hover and live numbers go through it: the connection is found where it is drawn.
    assert len(window.scene.bundle_items) == len(table.pairs)


class _Paints(__import__("PySide6.QtCore", fromlist=["QObject"]).QObject):
    """Counts the paint events of a widget."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_large_designs_session_is_built_after_the_window_drew_it(make_window, large_file, monkeypatch, qtbot):
    import nnsim.app.training.controller as controller_module
    from nnsim.resources import example_path

    from nnsim.app.views.common import in_sight

    window, answers = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    window.workspaces.switch("train")
    qtbot.waitUntil(lambda: in_sight(window.training.output), timeout=5000)
    c = window.training.controller
    assert c.session is not None
    monkeypatch.setattr(controller_module, "LATER_CONNECTIONS", 1)  # XOR counts as large
    paints = _Paints(window.canvas.viewport())
    seen = []
    c.session_changed.connect(lambda: seen.append((c.session, paints.count)))
    assert window.files.open(large_file)
    design = window.document.design
    # The old session is gone at once; the canvas shows the new design; the views say what comes.
    assert c.session is None and c.preparing and c.message == controller_module.PREPARING
    assert window.training.output.note.text() == c.message  # the Output panel, in sight, says so too
    assert len(window.scene.neuron_items) == len(design.neurons)
    assert len(seen) == 1 and seen[0][0] is None
    qtbot.waitUntil(lambda: c.session is not None, timeout=5000)
    assert len(seen) == 2 and seen[1][0] is c.session
    assert seen[1][1] > seen[0][1]  # built after the canvas drew the new design
    assert not c.preparing and c.message == "" and answers.errors == []
    assert [(k.source, k.target) for k in c.session.design.connections] == [
        (k.source, k.target) for k in design.connections]


def test_an_edit_before_a_large_designs_session_comes_is_in_it(make_window, large_file, monkeypatch, qtbot):
    import nnsim.app.training.controller as controller_module

    monkeypatch.setattr(controller_module, "LATER_CONNECTIONS", 1)
    window, answers = make_window()
    c = window.training.controller
    built = []
    c.session_changed.connect(lambda: built.append(c.session) if c.session is not None else None)
    assert window.files.open(large_file)
    rate = window.document.design.training.learning_rate * 2
    window.document.set_training(learning_rate=rate)  # before its session was built
    qtbot.waitUntil(lambda: c.session is not None, timeout=5000)
    qtbot.wait(20)
    assert len(built) == 1 and c.session.design.training.learning_rate == rate
    assert c.message == "" and not c.preparing
