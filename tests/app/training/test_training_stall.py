"""The window says when training goes nowhere: XOR at a learning rate of a
million stops by itself with a warning saying what to try."""

from __future__ import annotations

from training_testkit import WAIT, training_window

import nnsim


def test_the_training_panel_says_training_is_stuck(qtbot):
    window, ui = training_window(qtbot, nnsim.example("xor-mlp"))
    try:
        c = ui.controller
        window.document.set_training(learning_rate=1e6, epochs=1_000_000)
        c.play()
        qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)  # stops by itself
        banner = ui.panel.banner
        assert banner.isVisible()
        text = banner.text()
        assert text.startswith("Training is stuck") and "saturated" in text
        assert "smaller learning rate than 1e+06" in text
        assert c.message_kind == "warning"
        assert c.epoch < 1_000_000
        # Play again after lowering the rate: the warning goes and training runs on.
        window.document.set_training(learning_rate=0.5)
        c.play()
        assert not ui.panel.banner.isVisible() or "stuck" not in ui.panel.banner.text()
        c.pause()
    finally:
        ui.shutdown()
