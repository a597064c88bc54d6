"""A recurrent network built and trained in the window: Alt-dragging a loop
onto the hidden layer, then training on temporal XOR, with the hidden-state
strip and the gradient through time following the training."""

from __future__ import annotations

import gc

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import nnsim
from nnsim.design import build
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind

WAIT = 30_000


def sequence_design() -> Design:
    """1 input, 5 tanh hidden, 1 sigmoid output on temporal XOR, no loop yet."""
    d = Design(name="temporal xor")
    i = build.add_layer(d, LayerKind.INPUT, 1)
    h = build.add_layer(d, LayerKind.HIDDEN, 5)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID)
    build.connect_all(d, i.id, h.id)
    build.connect_all(d, h.id, o.id)
    d.dataset = DatasetSpec("sequence", "temporal_xor")
    d.training.learning_rate = 0.1
    d.training.bptt_steps = 20
    build.initialize(d, np.random.default_rng(3))
    return d


def open_design(make_window, qtbot, tmp_path, design, workspace="train"):
    gc.collect()  # earlier tests' Qt objects go here, not in the training thread (a warning there)
    path = tmp_path / "seq.nnsim"
    nnsim.save(design, path)
    window, _ = make_window(path)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_canvas()
    window.workspaces.switch(workspace)
    if workspace == "train":
        qtbot.waitUntil(lambda: window.training.controller.heavy is not None, timeout=WAIT)
    return window


def alt_drag(view, start: QPointF, end: QPointF, steps: int = 8) -> None:
    w = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(w, Qt.LeftButton, Qt.AltModifier, a)
    for k in range(1, steps + 1):
        p = a + (b - a) * (k / steps)
        QTest.mouseMove(w, QPoint(round(p.x()), round(p.y())))
        QApplication.processEvents()
    QTest.mouseRelease(w, Qt.LeftButton, Qt.AltModifier, b)
    QApplication.processEvents()


def hidden_band(view):
    band = next(b for b in view.strip.bands if b.name == "hidden 1")
    return np.array(band.values)


def test_draw_a_loop_train_and_the_hidden_state_strip_follows(make_window, qtbot, tmp_path):
    window = open_design(make_window, qtbot, tmp_path, sequence_design())
    ui = window.training
    dock = ui.docks["training_hidden_state_dock"]
    assert dock.isVisible() and ui.docks["training_time_gradient_dock"].isVisible()
    assert not ui.docks["training_output_dock"].isVisible()  # no input plane for sequences
    dock.raise_()
    # Alt-drag inside the hidden layer's frame: a loop onto itself.
    hidden = next(lay for lay in window.document.design.layers if lay.kind == LayerKind.HIDDEN)
    frame = window.scene.layer_items[hidden.id].scene_frame()
    start = QPointF(frame.left() + 4, frame.center().y() - 10)
    alt_drag(window.canvas, start, start + QPointF(0, 40))
    design = window.document.design
    assert sum(c.delay for c in design.connections) == 25
    view = ui.sequence.hidden_state
    qtbot.waitUntil(lambda: view.shown is not None and view.shown.layers[0].looped, timeout=WAIT)
    before = hidden_band(view)
    assert before.shape == (5, view.shown.steps)
    loops_before = [c.weight for c in design.connections if c.delay]
    step0 = ui.controller.latest.step
    ui.actions.play.trigger()
    qtbot.waitUntil(lambda: ui.controller.latest.step >= step0 + 30, timeout=WAIT)
    ui.actions.play.trigger()  # pause
    qtbot.waitUntil(lambda: not ui.controller.playing, timeout=WAIT)
    # What training did to the loop's weights is in the design (what Save writes).
    loops_after = [c.weight for c in window.document.design.connections if c.delay]
    assert len(loops_after) == 25 and loops_after != loops_before
    qtbot.waitUntil(lambda: not np.array_equal(hidden_band(view), before), timeout=WAIT)
    assert np.abs(hidden_band(view) - before).max() > 1e-3
    # The gradient through time reaches back from the last target, weaker step by step.
    grad = ui.sequence.time_gradient
    ui.docks["training_time_gradient_dock"].raise_()
    qtbot.waitUntil(lambda: bool(grad.curves), timeout=WAIT)
    x, y = next(iter(grad.curves.values())).getData()
    assert x[0] == 0 and len(x) > 10 and y[10] < y[0]
    assert "steps back" in grad.note.text()


def click_at(view, scene_pos: QPointF) -> None:
    w = view.viewport()
    p = view.mapFromScene(scene_pos)
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, p)
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, p)
    QApplication.processEvents()


def drag_to(view, start: QPointF, end: QPointF, steps: int = 8) -> None:
    w = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, a)
    for k in range(1, steps + 1):
        p = a + (b - a) * (k / steps)
        QTest.mouseMove(w, QPoint(round(p.x()), round(p.y())))
        QApplication.processEvents()
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, b)
    QApplication.processEvents()


def test_add_an_lstm_from_the_palette_train_and_step_its_cell_through_time(make_window, qtbot, tmp_path):
    d = Design(name="an lstm to be")
    i = build.add_layer(d, LayerKind.INPUT, 1)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID, x=520)
    d.dataset = DatasetSpec("sequence", "temporal_xor")
    d.training.learning_rate = 0.1
    d.training.bptt_steps = 20
    window = open_design(make_window, qtbot, tmp_path, d, workspace="build")
    ui = window.training
    # The palette's LSTM part (double-clicked) adds an LSTM block.
    part = window.palette.block_parts["lstm"]
    QTest.mouseDClick(part, Qt.LeftButton)
    QApplication.processEvents()
    lstm = next(lay for lay in window.document.design.layers if lay.type == "lstm")
    block = window.scene.block_items[lstm.id]
    # Link the input into it and it into the output, dragging from the ports.
    drag_to(window.canvas, window.scene.layer_items[i.id].port_scene_pos(), block.scene_frame().center())
    drag_to(window.canvas, block.port_scene_pos(), window.scene.layer_items[o.id].scene_frame().center())
    links = {(lk.source, lk.target) for lk in window.document.design.links}
    assert links == {(i.id, lstm.id), (lstm.id, o.id)}
    window.workspaces.switch("train")
    qtbot.waitUntil(lambda: ui.controller.heavy is not None and ui.controller.probe.sequence, timeout=WAIT)
    assert ui.docks["training_gates_dock"].isVisible()
    ui.actions.play.trigger()
    qtbot.waitUntil(lambda: ui.controller.latest.step >= 30, timeout=WAIT)
    ui.actions.play.trigger()
    qtbot.waitUntil(lambda: not ui.controller.playing, timeout=WAIT)
    # Selecting the LSTM block brings its cell view forward (it was selected
    # since it was added: a click on the empty canvas first).
    click_at(window.canvas, block.scene_frame().center() - QPointF(0, 120))
    assert window.scene.selected_ids()[1] == []
    click_at(window.canvas, block.scene_frame().center())
    cell = ui.sequence.cell
    qtbot.waitUntil(lambda: cell.isVisible() and bool(cell.diagram.values), timeout=WAIT)
    assert cell.chooser.currentData() == lstm.id
    cell.setFocus()
    focus = ui.sequence.focus
    start = focus.step
    QTest.keyClick(cell, Qt.Key_Right)
    QTest.keyClick(cell, Qt.Key_Right)
    assert focus.step == start + 2 and cell.slider.value() == start + 2
    gates = cell.layer.gates
    assert cell.diagram.values["i"] == gates["i"][focus.step, 0]
    assert cell.diagram.values["c"] == gates["c"][focus.step, 0]
