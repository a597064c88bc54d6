"""Live training in the window: play, pause, step, reset, restart, divergence,
saving and undo, driven through the real panel and controller."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from training_testkit import WAIT, training_window

import nnsim
from nnsim.design.build import initialize, layered
from nnsim.design.edits import numbers_of
from nnsim.design.model import Activation, DatasetSpec, Loss, Optimizer
from nnsim.io import load, save
from nnsim.session import Session


def regression_design():
    """ReLU + linear output on Playground's plane: learning rate 1 diverges."""
    d = layered([2, 4, 1], hidden=Activation.RELU, output=Activation.LINEAR, name="plane")
    d.dataset = DatasetSpec("playground", "plane", seed=1)
    d.training.learning_rate = 0.01
    d.training.optimizer = Optimizer.SGD
    d.training.epochs = 1_000_000
    initialize(d, np.random.default_rng(0))
    return d




@pytest.fixture
def xor(qtbot):
    design = nnsim.example("xor-mlp")
    design.training.epochs = 1_000_000  # we pause by hand
    window, ui = training_window(qtbot, design)
    yield window, ui
    ui.shutdown()


@pytest.fixture
def plane(qtbot):
    window, ui = training_window(qtbot, regression_design())
    yield window, ui
    ui.shutdown()


def last_loss(c):
    return c.history[-1].train_loss if c.history else float("inf")


def test_play_until_learned_then_pause(qtbot, xor):
    window, ui = xor
    c = ui.controller
    doc = window.document
    before = numbers_of(doc.design)
    qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
    assert c.playing
    qtbot.waitUntil(lambda: last_loss(c) < 0.05, timeout=WAIT)
    # Elsewhere on the button: two quick clicks on one spot make a double-click.
    qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton, pos=QPoint(6, 6))
    assert not c.playing
    qtbot.waitUntil(lambda: ui.cost.series.n == len(c.history), timeout=WAIT)
    # The curves hold points.
    xs, ys = ui.cost.train_curve.getData()
    assert xs is not None and len(xs) > 1 and np.isfinite(ys).all()
    # Every hidden and output neuron's map varies over the plane.
    qtbot.waitUntil(lambda: c.heavy is not None and c.heavy.maps is not None and c.latest.final, timeout=WAIT)
    maps = c.heavy.maps
    hidden_and_output = [n.id for n in doc.design.neurons if doc.design.layer(n.layer).kind.value != "input"]
    assert sorted(maps.neuron_ids) == sorted(hidden_and_output)
    assert all(float(v.std()) > 1e-3 for v in maps.values)
    assert set(c.heavy.thumbnails) == set(hidden_and_output)
    assert not c.heavy.thumbnails[hidden_and_output[0]].isNull()
    # Pausing wrote the trained numbers into the document as one command.
    stack = doc.undo_stack
    assert stack.count() == 1 and stack.text(0).startswith("Train epochs 1–")
    w, b = numbers_of(doc.design)
    assert not np.array_equal(w, before[0])
    np.testing.assert_array_equal(w, c.numbers.read()[0])
    assert len(doc.design.history) == len(c.history)
    assert "Epoch" in ui.panel.epoch_label.text()


def test_step_advances_exactly_one_batch(qtbot, xor):
    _window, ui = xor
    c = ui.controller
    start = c.step
    qtbot.mouseClick(ui.panel.buttons["step_batch"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.step == start + 1 and c.latest.final, timeout=WAIT)
    qtbot.wait(50)
    assert c.step == start + 1
    ui.actions.step_batch.trigger()
    qtbot.waitUntil(lambda: c.step == start + 2, timeout=WAIT)
    stack = c.document.undo_stack
    assert stack.text(stack.count() - 1) == "Train 2 steps"  # consecutive steps merge


def test_step_epoch_finishes_the_epoch(qtbot):
    window, ui = training_window(qtbot, nnsim.example("circle"))
    try:
        c = ui.controller
        assert c.steps_per_epoch == 25  # 250 training points, batches of 10
        ui.actions.step_batch.trigger()
        qtbot.waitUntil(lambda: c.step == 1 and c.latest.final, timeout=WAIT)
        assert c.epoch == 0
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: c.epoch == 1 and c.latest.final, timeout=WAIT)
        assert c.step == 25 and len(c.history) == 1
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: c.epoch == 2 and c.latest.final, timeout=WAIT)
        assert c.step == 50
        stack = window.document.undo_stack
        assert stack.text(stack.count() - 1) == "Train epoch 2"
    finally:
        ui.shutdown()


def test_reset_clears_history_and_changes_weights(qtbot, xor):
    window, ui = xor
    c = ui.controller
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 20, timeout=WAIT)
    c.pause()
    qtbot.waitUntil(lambda: ui.cost.series.n > 0, timeout=WAIT)
    trained = numbers_of(window.document.design)
    ui.actions.reset.trigger()
    assert c.history == [] and window.document.design.history == []
    assert c.step == 0 or c.latest is None
    qtbot.waitUntil(lambda: ui.cost.series.n == 0, timeout=WAIT)
    assert ui.cost.old_run_count == 1  # the old run stays, faded
    now = numbers_of(window.document.design)
    assert not np.array_equal(now[0], trained[0])
    np.testing.assert_array_equal(c.numbers.read()[0], now[0])
    stack = window.document.undo_stack
    assert stack.text(stack.count() - 1) == "Reset weights"
    ui.cost.clear_old_runs()
    assert ui.cost.old_run_count == 0


@pytest.mark.parametrize("button", ["reset", "restart"])
def test_a_new_run_clears_what_was_said_about_the_last(qtbot, xor, button):
    window, ui = xor
    c = ui.controller
    window.document.set_training(epochs=5, stop_after_epochs=True)
    qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
    assert "epoch budget" in c.message and ui.panel.banner.isVisible()
    qtbot.mouseClick(ui.panel.buttons[button], Qt.MouseButton.LeftButton)
    assert c.history == []
    assert c.message == "" and not ui.panel.banner.isVisible()


def test_a_new_run_starts_the_cost_plot_at_its_own_scale(qtbot, xor):
    window, ui = xor
    c, cost = ui.controller, ui.cost
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 300, timeout=WAIT)
    c.pause()
    qtbot.waitUntil(lambda: cost.series.n == len(c.history), timeout=WAIT)
    assert cost.loss_plot.viewRange()[0][1] > 300
    qtbot.mouseClick(ui.panel.buttons["reset"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cost.series.n == 0, timeout=WAIT)
    assert cost.old_run_count == 1  # drawn faded, as far as it goes into the new run's range
    assert cost.loss_plot.viewRange()[0][1] < 15
    ui.actions.step_epoch.trigger()
    qtbot.waitUntil(lambda: cost.series.n == 1, timeout=WAIT)
    assert cost.loss_plot.viewRange()[0][1] < 15
    ui.cost.clear_button.click()
    assert cost.loss_plot.viewRange()[0][1] < 15


def test_the_loss_shown_is_the_network_s_own_after_an_edit(qtbot, xor):
    window, ui = xor
    c, doc, label = ui.controller, window.document, ui.panel.loss_label
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 200, timeout=WAIT)
    c.pause()
    qtbot.waitUntil(lambda: c.latest is not None and c.latest.final, timeout=WAIT)
    assert f"train {c.history[-1].train_loss:.4f}" in label.text()

    def loss_now():
        return Session(doc.design.copy()).trainer.evaluate().train_loss

    first = doc.design.connections[0]
    doc.set_connection((first.source, first.target), weight=first.weight - 3.0)  # as the inspector does
    fresh = f"train {loss_now():.4f}"
    assert fresh != f"train {c.history[-1].train_loss:.4f}"
    qtbot.waitUntil(lambda: fresh in label.text(), timeout=WAIT)
    # A different loss function scores the same network differently.
    assert doc.design.training.loss == Loss.BINARY_CROSS_ENTROPY
    doc.set_training(loss=Loss.MSE)
    fresh = f"train {loss_now():.4f}"
    qtbot.waitUntil(lambda: fresh in label.text(), timeout=WAIT)


def test_restart_repeats_the_run_exactly(qtbot, xor):
    window, ui = xor
    c = ui.controller
    window.document.set_training(epochs=30, stop_after_epochs=True)
    c.play()
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)  # the budget stops it
    assert c.epoch == 30 and c.history[-1].epoch == 30
    first = {r.epoch: r.train_loss for r in c.history}  # epochs measured (at most ~50/s)
    assert "budget" in c.message
    assert ui.actions.restart.isEnabled()
    ui.actions.restart.trigger()
    assert c.history == []
    c.play()
    qtbot.waitUntil(lambda: not c.playing and c.epoch == 30, timeout=WAIT)
    second = {r.epoch: r.train_loss for r in c.history}
    common = sorted(set(first) & set(second))
    assert 1 in common and 30 in common
    assert [first[e] for e in common] == [second[e] for e in common]


def test_diverging_learning_rate_pauses_with_a_message(qtbot, plane):
    window, ui = plane
    c = ui.controller
    box = ui.panel.learning_rate
    box.setEditText("10")
    box.lineEdit().editingFinished.emit()
    assert window.document.design.training.learning_rate == 10
    qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
    assert "diverged" in c.message and "smaller learning rate" in c.message
    assert ui.panel.banner.isVisible() and "diverged" in ui.panel.banner.text()
    assert c.divergences
    w, b = numbers_of(window.document.design)
    assert np.isfinite(w).all() and np.isfinite(b).all()
    qtbot.waitUntil(lambda: len(ui.cost.markers) == 1, timeout=WAIT)


def test_changing_the_learning_rate_while_playing_takes_effect(qtbot, plane):
    window, ui = plane
    c = ui.controller
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 5, timeout=WAIT)
    assert c.playing
    window.document.set_training(learning_rate=10)  # as the panel does
    assert c.session.trainer.settings.learning_rate == 10  # read live, no rebuild
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
    assert "diverged" in c.message


def test_optimizer_change_while_playing_rebuilds_the_optimizer(qtbot, plane):
    window, ui = plane
    c = ui.controller
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 3, timeout=WAIT)
    session = c.session
    window.document.set_training(optimizer=Optimizer.ADAM)
    qtbot.waitUntil(lambda: type(c.session.trainer.optimizer).__name__ == "Adam", timeout=WAIT)
    assert c.session is session and c.playing  # same run, still going
    c.pause()


def test_saving_after_training_writes_the_trained_weights(qtbot, xor, tmp_path):
    window, ui = xor
    c = ui.controller
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 50 and bool(c.history), timeout=WAIT)
    assert c.playing
    assert ui.sync_to_document()  # what Save calls first, here while training
    assert c.playing
    c.pause()
    trained = c.numbers.read()
    path = tmp_path / "trained.nnsim"
    save(window.document.design, path)
    back = load(path)
    w, b = numbers_of(back)
    np.testing.assert_allclose(w, trained[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(b, trained[1], rtol=0, atol=1e-12)
    assert len(back.history) == len(c.history)


def test_undo_of_training_restores_the_previous_weights(qtbot, xor):
    window, ui = xor
    c = ui.controller
    doc = window.document
    before = numbers_of(doc.design)
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 10 and bool(c.history), timeout=WAIT)
    c.pause()
    trained = len(c.history)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    after = numbers_of(doc.design)
    np.testing.assert_array_equal(after[0], before[0])
    np.testing.assert_array_equal(c.numbers.read()[0], before[0])  # the network follows
    assert c.history == [] and doc.design.history == []
    doc.undo_stack.redo()
    assert len(c.history) == trained
    np.testing.assert_array_equal(c.numbers.read()[0], numbers_of(doc.design)[0])


def test_structural_edit_while_training_pauses_and_keeps_progress(qtbot, xor):
    window, ui = xor
    c = ui.controller
    doc = window.document
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 20 and bool(c.history), timeout=WAIT)
    hidden = [n for n in doc.design.neurons if doc.design.layer(n.layer).name == "hidden 1"]
    doc.remove(neurons=[hidden[-1].id])
    assert not c.playing
    assert "network changed" in c.message
    assert c.session is not None and len(c.numbers.keys.neurons) == len(doc.design.neurons)
    # What training did to the rest is kept (the document still holds the
    # starting numbers until the next sync).
    assert not np.array_equal(c.numbers.read()[0], numbers_of(doc.design)[0])
    assert c.history and c.epoch > 20
    epoch = c.epoch
    c.play()
    qtbot.waitUntil(lambda: c.epoch > epoch + 20, timeout=WAIT)
    c.pause()
    np.testing.assert_array_equal(c.numbers.read()[0], numbers_of(doc.design)[0])


def test_data_change_while_playing_keeps_training(qtbot):
    design = nnsim.example("circle")
    design.training.epochs = 1_000_000
    window, ui = training_window(qtbot, design)
    try:
        c = ui.controller
        c.play()
        qtbot.waitUntil(lambda: c.epoch > 5, timeout=WAIT)
        sid = c.session_id
        ui.panel.data.noise.setValue(30)
        assert window.document.design.dataset.noise == pytest.approx(0.3)
        assert c.session_id > sid and c.playing
        n = c.epoch
        qtbot.waitUntil(lambda: c.epoch > n + 5, timeout=WAIT)
        ui.panel.data.thumbs["xor"].click()
        assert window.document.design.dataset.name == "xor"
        c.pause()
        window.document.undo_stack.undo()  # the train command
        window.document.undo_stack.undo()  # back to the circle
        assert window.document.design.dataset.name == "circle"
    finally:
        ui.shutdown()


def test_data_that_does_not_fit_explains_why(qtbot, xor):
    window, ui = xor
    c = ui.controller
    ui.panel.data.iris.click()
    assert c.session is None and "4 input" in c.error
    assert not ui.actions.play.isEnabled()
    assert ui.panel.banner.isVisible()
    window.document.undo_stack.undo()
    assert c.session is not None and c.error == ""
    assert ui.actions.play.isEnabled()
