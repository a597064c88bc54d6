"""A numbers-only edit (a weight typed in the inspector, an applied
learn-mode update, an undo or redo of one) writes into the live network: the
training session stays the same object and its data file is not read again."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

import nnsim
import nnsim.data
import nnsim.session
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec, LayerKind
from nnsim.design.parameters import ParameterMap

WAIT = 15_000


@pytest.fixture
def csv_window(make_window, qtbot, tmp_path, monkeypatch):
    """The window with a design that trains on a CSV file next to it, and a
    count of the session's data loads."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(40, 2))
    rows = [f"{a:.6f},{b:.6f},{'yes' if a * b > 0 else 'no'}" for a, b in x]
    (tmp_path / "points.csv").write_text("a,b,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    design = layered([2, 3, 1], hidden=Activation.TANH, output=Activation.TANH, name="csv")
    design.dataset = DatasetSpec("csv", path="points.csv", targets=["label"], task="classification")
    design.training.epochs = 1_000_000
    initialize(design, np.random.default_rng(0))
    nnsim.save(design, tmp_path / "net.nnsim")
    loads = []  # data sets loaded for a session (the learn tools' own sessions train other data)
    reads = []  # the CSV file read, by anyone
    real_load, real_read = nnsim.session.load_dataset, nnsim.data.load_csv

    def load(spec, *args, **kwargs):
        if spec.source == "csv":
            loads.append(spec)
        return real_load(spec, *args, **kwargs)

    monkeypatch.setattr(nnsim.session, "load_dataset", load)
    monkeypatch.setattr(nnsim.data, "load_csv", lambda *a, **k: reads.append(a[0]) or real_read(*a, **k))
    window, _ = make_window(tmp_path / "net.nnsim")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    c = window.training.controller
    qtbot.waitUntil(lambda: c.session is not None and c.heavy is not None, timeout=WAIT)
    assert c.error == "" and loads and reads
    yield window, Counts(loads, reads)
    c.shutdown()


class Counts:
    def __init__(self, loads, reads):
        self.loads, self.reads = loads, reads

    def now(self) -> tuple[int, int]:
        """(session data loads, CSV file reads) so far."""
        return len(self.loads), len(self.reads)


def _live_weight(window, pair) -> float:
    """The connection's weight in the training session's named arrays."""
    c = window.training.controller
    name, (row, col) = ParameterMap(window.document.design).connection(pair)
    return float(c.session.network.parameters[name][row, col])


def _click_connection(window, pair):
    d = window.document.design
    s, t = d.neuron(pair[0]), d.neuron(pair[1])
    view = window.canvas
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene(QPointF((s.x + t.x) / 2, (s.y + t.y) / 2)))


def _type(field, text):
    QTest.mouseClick(field.lineEdit(), Qt.MouseButton.LeftButton)
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)


def _hidden_to_output(design):
    out = design.layers_of_kind(LayerKind.OUTPUT)[0].id
    c = next(c for c in design.connections if design.neuron(c.target).layer == out)
    return (c.source, c.target)


def test_a_typed_weight_its_undo_and_redo_go_into_the_live_network(csv_window, qtbot):
    window, counts = csv_window
    c = window.training.controller
    session, before = c.session, counts.now()
    pair = _hidden_to_output(window.document.design)
    old = window.document.design.connection(*pair).weight
    _click_connection(window, pair)
    inspector = window.inspector
    assert inspector.stack.currentWidget() is inspector.connection_page
    _type(inspector.weight, "0.625")
    assert window.document.design.connection(*pair).weight == 0.625
    assert c.session is session and counts.now() == before
    assert _live_weight(window, pair) == 0.625

    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert window.document.design.connection(*pair).weight == old
    assert c.session is session and counts.now() == before
    assert _live_weight(window, pair) == old

    QTest.keyClick(window.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo
    assert window.document.design.connection(*pair).weight == 0.625
    assert c.session is session and counts.now() == before
    assert _live_weight(window, pair) == 0.625
    # The views measured the network as it is now.
    qtbot.waitUntil(lambda: c.latest is not None and c.latest.final and c.latest.params is not None
                    and ParameterMap(window.document.design).weights(c.latest.params)[
                        window.document.design.connections.index(window.document.design.connection(*pair))]
                    == 0.625, timeout=WAIT)


def test_a_weight_typed_while_training_keeps_the_session_and_the_training(csv_window, qtbot):
    window, counts = csv_window
    c = window.training.controller
    session, before = c.session, counts.now()
    QTest.mouseClick(window.training.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.epoch > 5, timeout=WAIT)
    pair = _hidden_to_output(window.document.design)
    _click_connection(window, pair)
    _type(window.inspector.weight, "-2.5")
    assert c.playing and c.session is session and counts.now() == before
    epoch = c.epoch
    qtbot.waitUntil(lambda: c.epoch > epoch + 5, timeout=WAIT)  # training went on from the typed weight
    QTest.mouseClick(window.training.panel.play_button, Qt.MouseButton.LeftButton)
    assert not c.playing and c.session is session and counts.now() == before
    # What training did to every other number is in the Document, as it is in the network.
    np.testing.assert_array_equal(c.numbers.read().weights, [x.weight for x in window.document.design.connections])


def test_an_applied_learn_mode_update_goes_into_the_live_network(csv_window, qtbot):
    window, counts = csv_window
    c = window.training.controller
    mode = window.learn_mode
    mode.show("step_through")  # the Learn workspace: its tools may read the data once
    panel = mode.step_through
    panel.choose_sample(1)
    qtbot.waitUntil(lambda: panel.walk is not None and panel.walk.has_backward, timeout=WAIT)
    session, before = c.session, counts.now()
    weights, _ = panel.walk.new_numbers()
    QTest.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal([x.weight for x in window.document.design.connections], weights)
    assert c.session is session and counts.now() == before
    np.testing.assert_array_equal(c.numbers.read().weights, weights)
