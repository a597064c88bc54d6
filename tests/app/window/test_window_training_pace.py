"""Training you can watch: the speed control (clicked and keyed), Play running
until paused unless 'Stop after' is ticked, and, at a paced speed, every frame
drawn from its own snapshot: the step count moves by exactly one frame's
worth between frames, and the canvas's maps and connection colours are the
ones of that frame (never stale). Counts and order only: no wall time."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from nnsim.app.training.pace import DEFAULT_PACE, PACES, SETTINGS_KEY, pace_index
from nnsim.design.edits import numbers_of
from nnsim.resources import example_path

WAIT = 20_000
FRAMES = 12  # frames watched per case


def _window(make_window, qtbot, name="circle"):
    window, _answers = make_window(example_path(name))
    window.show()
    qtbot.waitExposed(window)
    window.show_canvas()
    qtbot.waitUntil(lambda: window.training.controller.heavy is not None, timeout=WAIT)
    return window


def click_speed(qtbot, window, key: str) -> None:
    """A left click on the speed slider's groove where the stop ``key`` is."""
    slider = window.training.panel.speed.slider
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    style = slider.style()
    groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, slider)
    handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, slider)
    span = groove.width() - handle.width()
    x = groove.x() + handle.width() // 2 + QStyle.sliderPositionFromValue(
        slider.minimum(), slider.maximum(), pace_index(key), span)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(x, groove.center().y()))


def space_on_canvas(window) -> None:
    view = window.canvas
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    QTest.keyRelease(view, Qt.Key.Key_Space)


class FrameLog:
    """What each drawn frame showed, recorded after the canvas took it (a
    heavy view registered after the canvas's runs after it)."""

    def __init__(self, window):
        ui = window.training
        self.c = c = ui.controller
        self.scene = window.scene
        design = c.document.design
        out_layer = next(layer.id for layer in design.layers if layer.kind.value == "output")
        self.output_id = next(n.id for n in design.neurons if n.layer == out_layer)
        self.rows: list[dict] = []
        c.add_heavy_view(self._record, every_frame=True)

    def _record(self) -> bool:
        c = self.c
        if not c.paced or c.latest is None or not c.latest.paced:
            return False
        item = self.scene.neuron_items[self.output_id]
        self.rows.append({
            "frame": c.frames,
            "step": c.latest.step,
            "epoch": c.latest.epoch,
            "thumb": item.thumbnail,
            "fresh_thumb": item.thumbnail is c.heavy.round_thumbnails[self.output_id],
            "fresh_weights": self.scene._live_params is c.latest.params,
        })
        return False


def test_speed_control_defaults_to_one_epoch_a_frame_and_is_clicked_and_keyed(make_window, qtbot):
    window = _window(make_window, qtbot)
    c, speed = window.training.controller, window.training.panel.speed
    assert c.pace.key == DEFAULT_PACE == "epoch"
    assert speed.slider.value() == pace_index("epoch") and speed.name.text() == "1 epoch a frame"
    click_speed(qtbot, window, "fastest")
    assert c.pace.key == "fastest" and speed.name.text() == "As fast as possible"
    click_speed(qtbot, window, "step")
    assert c.pace.key == "step" and speed.name.text() == "1 step a frame"
    # From the keyboard: Alt+D (its label's mnemonic) focuses it and the arrow keys move it.
    window.training.docks["training_dock"].raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert speed.slider.hasFocus()
    QTest.keyClick(speed.slider, Qt.Key.Key_Right)
    assert c.pace.key == "epoch"
    QTest.keyClick(speed.slider, Qt.Key.Key_End)
    assert c.pace.key == PACES[-1].key
    # The Train menu's Speed entries follow, and set it too.
    menu = window.training.speed_menu
    assert menu.actions["fastest"].isChecked()
    menu.actions["epochs10"].trigger()
    assert c.pace.key == "epochs10" and speed.slider.value() == pace_index("epochs10")
    assert window.document.undo_stack.count() == 0  # not a change to the design


def test_the_speed_is_kept_in_the_app_settings_not_the_design(make_window, qtbot):
    window = _window(make_window, qtbot)
    click_speed(qtbot, window, "step")
    assert window.settings.value(SETTINGS_KEY) == "step"
    assert not window.document.undo_stack.count()
    again = _window(make_window, qtbot)  # the next start
    assert again.training.controller.pace.key == "step"
    assert again.training.panel.speed.name.text() == "1 step a frame"


def test_one_step_a_frame(make_window, qtbot):
    window = _window(make_window, qtbot)
    c = window.training.controller
    click_speed(qtbot, window, "step")
    log = FrameLog(window)
    space_on_canvas(window)
    assert c.playing and c.paced
    qtbot.waitUntil(lambda: len(log.rows) >= FRAMES, timeout=WAIT)
    space_on_canvas(window)
    assert not c.playing
    rows = log.rows
    assert [r["step"] for r in rows] == list(range(1, len(rows) + 1))  # one step, every frame drawn
    assert [r["frame"] for r in rows] == list(range(rows[0]["frame"], rows[0]["frame"] + len(rows)))
    assert all(r["fresh_thumb"] and r["fresh_weights"] for r in rows)


def test_one_epoch_a_frame_shows_each_epoch_on_the_canvas(make_window, qtbot):
    window = _window(make_window, qtbot)
    c = window.training.controller
    per_epoch = c.steps_per_epoch
    assert per_epoch == 25  # the circle: 250 training points, batches of 10
    log = FrameLog(window)
    item = window.scene.neuron_items[log.output_id]
    qtbot.waitUntil(lambda: item.thumbnail is not None, timeout=WAIT)  # the untrained network's map
    first_thumb = item.thumbnail.copy()
    space_on_canvas(window)  # at the default pace
    assert c.playing and c.pace.key == "epoch"
    qtbot.waitUntil(lambda: len(log.rows) >= FRAMES, timeout=WAIT)
    space_on_canvas(window)
    rows = log.rows
    assert [r["epoch"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["step"] for r in rows] == [per_epoch * e for e in range(1, len(rows) + 1)]
    # The canvas shows each frame's own maps and weights...
    assert all(r["fresh_thumb"] and r["fresh_weights"] for r in rows)
    # ...and they move: the output neuron's map is not the one it started with.
    assert rows[-1]["thumb"] != first_thumb
    assert sum(a["thumb"] != b["thumb"] for a, b in zip(rows, rows[1:])) >= len(rows) // 2


def test_play_without_a_budget_runs_on_until_paused(make_window, qtbot):
    window = _window(make_window, qtbot, "xor-mlp")
    c, panel = window.training.controller, window.training.panel
    t = window.document.design.training
    assert t.epochs == 300 and not t.stop_after_epochs  # the example's budget, not ticked
    assert not panel.use_budget.isChecked() and not panel.epochs.isEnabled()
    window.document.set_training(epochs=5)
    click_speed(qtbot, window, "fastest")
    space_on_canvas(window)
    qtbot.waitUntil(lambda: c.epoch > 60, timeout=WAIT)
    assert c.playing  # well past 5 epochs
    # Ticking 'Stop after' stops the run at the budget (spent long ago: now).
    panel.tabs.setCurrentIndex(1)
    qtbot.mouseClick(panel.use_budget, Qt.MouseButton.LeftButton, pos=QPoint(4, panel.use_budget.height() // 2))
    assert window.document.design.training.stop_after_epochs and panel.epochs.isEnabled()
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
    assert "epoch budget" in c.message and "untick 'Stop after'" in c.message
    # Unticked again, Play runs on.
    qtbot.mouseClick(panel.use_budget, Qt.MouseButton.LeftButton, pos=QPoint(4, panel.use_budget.height() // 2))
    assert not window.document.design.training.stop_after_epochs
    epoch = c.epoch
    space_on_canvas(window)
    qtbot.waitUntil(lambda: c.epoch > epoch + 20, timeout=WAIT)
    assert c.playing
    space_on_canvas(window)


def test_changing_speed_while_playing(make_window, qtbot):
    window = _window(make_window, qtbot)
    c = window.training.controller
    click_speed(qtbot, window, "fastest")
    space_on_canvas(window)
    qtbot.waitUntil(lambda: c.step > 100, timeout=WAIT)
    log = FrameLog(window)
    click_speed(qtbot, window, "step")  # from full speed to one step a frame, while it runs
    qtbot.waitUntil(lambda: len(log.rows) >= FRAMES, timeout=WAIT)
    steps = [r["step"] for r in log.rows]
    assert np.all(np.diff(steps) == 1)
    click_speed(qtbot, window, "fastest")  # and back: it does not wait for frames any more
    step = c.step
    qtbot.waitUntil(lambda: c.step > step + 500, timeout=WAIT)
    assert c.playing
    space_on_canvas(window)


def test_the_speed_changes_what_you_see_not_what_is_learned(make_window, qtbot):
    window = _window(make_window, qtbot, "xor-mlp")
    c = window.training.controller
    window.document.set_training(epochs=30, stop_after_epochs=True)
    click_speed(qtbot, window, "step")  # XOR: one step is one epoch
    space_on_canvas(window)
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
    assert c.epoch == 30
    slow = numbers_of(window.document.design)
    window.training.actions.restart.trigger()
    click_speed(qtbot, window, "fastest")
    space_on_canvas(window)
    qtbot.waitUntil(lambda: not c.playing and c.epoch == 30, timeout=WAIT)
    fast = numbers_of(window.document.design)
    np.testing.assert_array_equal(slow[0], fast[0])
    np.testing.assert_array_equal(slow[1], fast[1])
