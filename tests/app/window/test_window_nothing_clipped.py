"""At 1366x768, in every workspace, with every panel a user can open in it in
front in turn: no button, label, check box or tab is cut off, and no panel
needs a sideways scroll bar. Both kinds of data (maps for two inputs, tables
for more), a lesson open, and training that ran."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget

from nnsim.app.workspaces import WORKSPACES
from nnsim.resources import example_path
from clipping_testkit import CHECKED, clipped, sideways_scrolling

LAPTOP = (1366, 768)
WAIT = 15_000


@pytest.fixture
def laptop(make_window, qtbot):
    def make(example):
        window, _ = make_window(example_path(example))
        window.setGeometry(QRect(0, 0, *LAPTOP))
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.size().toTuple() == LAPTOP, timeout=2000)
        return window

    return make


def _problems(window, qtbot, where: str) -> list[str]:
    qtbot.wait(60)  # the layout settles; switches decide after resizes
    found = [f"{where}: {p}" for p in clipped(window)]
    found += [f"{where}: {name} scrolls sideways" for name in sideways_scrolling(window)]
    return found


def _every_dock_in_front(window, qtbot, where: str) -> list[str]:
    found = []
    docks = [d for d in window.findChildren(QDockWidget) if not d.isHidden()]
    for dock in docks:
        dock.raise_()
        found += _problems(window, qtbot, f"{where}, {dock.windowTitle()} in front")
    return found


@pytest.mark.parametrize("example", ["circle", "iris"])
def test_nothing_is_cut_off_in_any_workspace(laptop, qtbot, example):
    window = laptop(example)
    c = window.training.controller
    window.document.set_training(epochs=c.epoch + 3, stop_after_epochs=True)
    c.play()
    qtbot.waitUntil(lambda: not c.playing and c.epoch >= 3, timeout=WAIT)  # the views have something to show
    found = []
    for ws in WORKSPACES:
        window.workspaces.switch(ws.key)
        found += _every_dock_in_front(window, qtbot, ws.title)
    window.workspaces.switch("build")
    design = window.document.design
    hidden = next(n for n in design.neurons if design.layer(n.layer).kind.value == "hidden")
    c0 = design.connections[0]
    ins = window.inspector
    for what, selection, page in (("a neuron", {"neurons": [hidden.id]}, ins.neuron_page),
                                  ("a layer", {"layers": [hidden.layer]}, ins.layer_page),
                                  ("a connection", {"connections": [(c0.source, c0.target)]}, ins.connection_page)):
        window.scene.select(**selection)
        assert ins.stack.currentWidget() is page
        found += _problems(window, qtbot, f"Build, {what} selected")
    window.history_dock.toggleViewAction().trigger()  # View ▸ Panels: History joins the inspector
    found += _every_dock_in_front(window, qtbot, "Build with History")
    assert not found, "\n".join(found)
    assert min(CHECKED.values()) > 20, CHECKED  # it did look


def test_nothing_is_cut_off_in_a_lesson(laptop, qtbot):
    window = laptop("circle")
    mode = window.learn_mode
    mode.show("lessons")
    lessons = mode.lessons
    lessons.open_lesson(lessons.lessons[0].id)
    found = _every_dock_in_front(window, qtbot, "Learn, lesson 1")
    steps = mode.step_through
    mode.show("step_through")
    for _ in range(4):
        steps.next()
    found += _problems(window, qtbot, "Learn, step-through on its way")
    assert not found, "\n".join(found)
