"""Learn tools that most learners open rarely are made when first wanted, not
with the window: when their dock is shown (from the Learn menu or View ▸
Panels), when a lesson step carries presets for them, or when the program
asks for one by name. Until then their dock holds an empty page."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea

import nnsim
from nnsim.app.learn import LAZY, TOOLS
from nnsim.lessons.model import DesignRef, Step
from nnsim.resources import example_path


def _content(dock):
    scroll = dock.widget()
    return scroll.widget() if isinstance(scroll, QScrollArea) else scroll


def test_a_new_window_makes_none_of_them_and_view_panels_makes_one(learn_window, qtbot):
    window, mode = learn_window
    assert set(LAZY) < set(TOOLS)
    assert not any(name in mode.panels for name in LAZY)
    assert all(name in mode.panels for name in TOOLS if name not in LAZY)
    toggle = next(a for a in window.panels_menu.actions() if a.text() == TOOLS["activations"][1])
    toggle.trigger()  # View ▸ Panels ▸ Activation functions
    qtbot.waitUntil(lambda: "activations" in mode.panels, timeout=2000)
    panel = mode.panels["activations"]
    assert _content(mode.docks["activations"]) is panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=2000)
    assert [name for name in LAZY if name in mode.panels] == ["activations"]  # the others still wait


def test_the_learn_menu_makes_the_tool_it_shows(learn_window, qtbot):
    window, mode = learn_window
    mode.actions["rnn_lstm"].trigger()
    assert "rnn_lstm" in mode.panels
    assert _content(mode.docks["rnn_lstm"]) is mode.rnn_lstm
    qtbot.waitUntil(lambda: mode.rnn_lstm.isVisible(), timeout=2000)


def test_a_step_with_presets_for_an_unmade_tool_reaches_it(learn_window):
    """A lesson may preset the comparison without showing it (a lesson a
    teacher wrote): the tool is made for the step and takes its designs."""
    window, mode = learn_window
    ref = DesignRef("example:xor-mlp", example_path("xor-mlp"))
    deep = DesignRef("example:spiral-deep", example_path("spiral-deep"))
    step = Step("Compare", "Two networks.", compare={"designs": [ref, deep], "epochs": 40})
    assert "compare" not in mode.panels
    mode.hub.step_started.emit(step)
    compare = mode.panels["compare"]
    assert [d.name for d in compare.designs] == [nnsim.example("xor-mlp").name, nnsim.example("spiral-deep").name]
    assert compare.epochs.value() == 40
    assert "landscape" not in mode.panels  # no presets of its own: still not made
