"""An LSTM trained live: the gate heatmaps and the cell view follow the
training, and the arrow keys move the cell view through time."""

from __future__ import annotations

import gc

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from training_testkit import WAIT, lstm_design, training_window


def test_gates_and_cell_view_follow_training_and_the_arrow_keys_move_in_time(qtbot):
    gc.collect()  # earlier tests' Qt objects go here, not in the training thread (a warning there)
    window, ui = training_window(qtbot, lstm_design())
    views = ui.sequence
    for name in ("training_lstm_cell_dock", "training_gates_dock"):
        assert ui.docks[name].isVisible()
    ui.docks["training_lstm_cell_dock"].raise_()
    ui.docks["training_gates_dock"].raise_()
    cell, gates = views.cell, views.gates
    qtbot.waitUntil(lambda: bool(cell.diagram.values) and bool(gates.strip.bands), timeout=WAIT)
    assert [b.name for b in gates.strip.bands] == ["forget gate", "input gate", "output gate", "candidate",
                                                   "cell state", "hidden"]
    assert all(len(b.values) == 4 for b in gates.strip.bands)  # one row per cell
    forget_before = np.array(gates.strip.bands[0].values)
    ui.controller.play()
    qtbot.waitUntil(lambda: ui.controller.latest.step >= 40, timeout=WAIT)
    ui.controller.pause()
    qtbot.waitUntil(lambda: not np.array_equal(gates.strip.bands[0].values, forget_before), timeout=WAIT)
    # The arrow keys step through time; the cell's numbers are those of the step shown.
    cell.setFocus()
    start = views.focus.step
    QTest.keyClick(cell, Qt.Key_Right)
    QTest.keyClick(cell, Qt.Key_Right)
    assert views.focus.step == start + 2 and cell.slider.value() == start + 2
    assert gates.strip.chosen == start + 2
    layer = cell.layer
    t = views.focus.step
    assert cell.diagram.values["f"] == layer.gates["f"][t, 0]
    assert cell.diagram.values["c_prev"] == layer.gates["c"][t - 1, 0]
    QTest.keyClick(cell, Qt.Key_Left)
    assert views.focus.step == start + 1
    assert f"step {start + 2}" in cell.note.text()


def test_a_gru_shows_its_gates_over_time(qtbot):
    gc.collect()
    d = lstm_design()
    gru = next(layer for layer in d.layers if layer.type == "lstm")
    gru.type, gru.options, gru.arrays = "gru", {"cells": 4}, {}
    from nnsim.design.build import initialize

    initialize(d, np.random.default_rng(2))
    window, ui = training_window(qtbot, d)
    assert ui.docks["training_gates_dock"].isVisible() and not ui.docks["training_lstm_cell_dock"].isVisible()
    ui.docks["training_gates_dock"].raise_()
    gates = ui.sequence.gates
    qtbot.waitUntil(lambda: bool(gates.strip.bands), timeout=WAIT)
    assert [b.name for b in gates.strip.bands] == ["update gate", "reset gate", "candidate", "hidden"]


def test_the_cell_view_starts_from_a_learned_initial_state(qtbot):
    from nnsim.design.build import initialize
    from nnsim.design.model import ArrayValue

    gc.collect()
    d = lstm_design()
    layer = next(layer for layer in d.layers if layer.type == "lstm")
    layer.options["initial_state"] = "learned"
    initialize(d, np.random.default_rng(2))
    layer.arrays["initial"] = ArrayValue(np.array([[0.25, 0.0, 0.0, 0.0], [-0.5, 0.0, 0.0, 0.0]]))
    window, ui = training_window(qtbot, d)
    views = ui.sequence
    ui.docks["training_lstm_cell_dock"].raise_()
    cell = views.cell
    qtbot.waitUntil(lambda: bool(cell.diagram.values), timeout=WAIT)
    cell.setFocus()
    while views.focus.step > 0:
        QTest.keyClick(cell, Qt.Key_Left)
    qtbot.waitUntil(lambda: cell.diagram.values.get("c_prev") == -0.5, timeout=WAIT)
    assert cell.diagram.values["h_prev"] == 0.25
