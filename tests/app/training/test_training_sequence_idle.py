"""The sequence views cost nothing while out of sight: the worker measures
the chosen sequence only while one of them is shown, and measures it at
once when one comes into sight while training is paused."""

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
    qtbot.waitUntil(lambda: probe.wanted and ui.controller.heavy.sequence is not None, timeout=WAIT)
    assert not probe.want_text  # the text view is not in sight
