"""The sequence views cost nothing while out of sight: the worker measures
the chosen sequence only while one of them is in sight (shown, and not
behind another dock's tab), and measures it at once when one comes into
sight while training is paused."""

from __future__ import annotations

import gc

from training_testkit import WAIT, lstm_design, training_window

from nnsim.app.training.sequence_install import LSTM_DOCKS, SEQUENCE_DOCKS


def test_hidden_sequence_views_are_not_measured(qtbot):
    gc.collect()
    window, ui = training_window(qtbot, lstm_design())
    probe = ui.controller.probe.sequence_probe
    qtbot.waitUntil(lambda: ui.controller.heavy.sequence is not None, timeout=WAIT)
    for name in SEQUENCE_DOCKS + LSTM_DOCKS:
        ui.docks[name].hide()
    qtbot.waitUntil(lambda: not probe.wanted, timeout=WAIT)
    step = ui.controller.latest.step
    ui.controller.step_batch()
    qtbot.waitUntil(lambda: ui.controller.latest.step > step and ui.controller.heavy.sequence is None,
                    timeout=WAIT)
    ui.docks["training_hidden_state_dock"].show()
    ui.docks["training_hidden_state_dock"].raise_()  # in sight: not behind another dock's tab
    qtbot.waitUntil(lambda: probe.wanted and ui.controller.heavy.sequence is not None, timeout=WAIT)
    assert not probe.want_text  # the text view is not in sight


def test_at_a_paced_speed_the_sequence_views_draw_every_frame(qtbot):
    """One step a frame: each frame the hidden-state strip and the gates show
    that frame's own measurement."""
    gc.collect()
    window, ui = training_window(qtbot, lstm_design(), pace="step")
    views = ui.sequence
    ui.docks["training_hidden_state_dock"].raise_()
    ui.docks["training_gates_dock"].raise_()
    seen = []

    def after_the_views() -> bool:  # registered after them: runs once they have drawn the frame
        heavy = ui.controller.heavy
        if heavy is not None and heavy.sequence is not None and ui.controller.playing:
            seen.append((views.hidden_state.shown is heavy.sequence, views.gates._heavy is heavy))
        return False

    ui.controller.add_heavy_view(after_the_views, every_frame=True)
    ui.controller.play()
    qtbot.waitUntil(lambda: len(seen) >= 6, timeout=WAIT)
    ui.controller.pause()
    assert all(a and b for a, b in seen)
