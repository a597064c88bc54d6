"""install_learn_mode: the Learn menu, the docks, the canvas, the training
controller; and the link that turns training progress into lesson events."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QObject, Signal

import nnsim
from nnsim.app.document import Document
from nnsim.app.host import PlainWindow
from nnsim.app.learn import TOOLS, install_learn_mode
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.training_link import TrainingLink
from nnsim.design.model import HistoryRecord


def test_the_learn_menu_opens_every_tool(learn_window, qtbot):
    window, mode = learn_window
    titles = [a.text() for a in mode.menu.actions() if not a.isSeparator()]
    assert titles[:len(TOOLS)] == [TOOLS[name][0] for name in TOOLS]
    # The image tools install themselves after learn mode (the window's, not a plain one's).
    assert titles[len(TOOLS):] in ([], ["&Draw a Digit", "Step Through a &Convolution"])
    assert mode.menu.title() == "&Learn"
    assert not any(dock.isVisible() for dock in mode.docks.values())  # the first start builds
    for name, action in mode.actions.items():
        action.trigger()  # brings the Learn workspace, this tool in front
        assert window.workspaces.current == "learn"
        qtbot.waitUntil(lambda: not mode.docks[name].visibleRegion().isEmpty(), timeout=2000)
    # Learn docks are the window's: View ▸ Panels lists them.
    panel_titles = [a.text() for a in window.panels_menu.actions()]
    assert all(TOOLS[name][1] in panel_titles for name in TOOLS)


def test_the_overlay_draws_on_the_real_canvas(learn_window, qtbot):
    window, mode = learn_window
    window.files.open_example(str(nnsim.resources.example_path("xor-mlp")))
    mode.show("step_through")
    steps = mode.step_through
    qtbot.waitUntil(lambda: steps.active, timeout=2000)
    steps.next()
    assert mode.hub.scene is window.scene
    assert all(item.scene() is window.scene for item in steps.overlay.items)
    nid = steps.walk.frames[steps.index].neuron
    assert window.scene.neuron_items[nid].highlighted


def test_a_plain_main_window_works_too(qtbot):
    window = PlainWindow(Document(nnsim.example("xor-mlp")))
    qtbot.addWidget(window)
    mode = install_learn_mode(window)
    assert mode.hub.scene is None and mode.training_link is None
    assert window.menuBar().actions()[-1].text() == "&Learn"
    mode.show("step_through")
    mode.step_through.next()
    assert mode.step_through.walk is not None  # numbers without a canvas


class FakeController(QObject):
    updated = Signal()
    state_changed = Signal()
    player_stepped = Signal(str)

    def __init__(self):
        super().__init__()
        self.history = []
        self.divergences = []
        self.playing = True
        self.latest = None
        self.session = SimpleNamespace(dataset=SimpleNamespace(name="XOR"))


def test_training_progress_becomes_lesson_events(qtbot):
    hub = LearnHub(Document(nnsim.example("xor-mlp")))
    events = []
    hub.event_recorded.connect(events.append)
    c = FakeController()
    TrainingLink(hub, c)
    c.history.append(HistoryRecord(epoch=1, step=1, train_loss=0.7, train_accuracy=0.5))
    c.updated.emit()
    c.updated.emit()  # the same epoch again: no new event
    c.history.append(HistoryRecord(epoch=2, step=2, train_loss=0.2, test_loss=0.3, train_accuracy=1.0,
                                   test_accuracy=0.75))
    c.updated.emit()
    assert [(e.data["epoch"], e.data["accuracy"], e.data["status"]) for e in events] == [
        (1, 0.5, "running"), (2, 1.0, "running")]
    assert events[-1].data["test_accuracy"] == 0.75 and events[-1].data["loss"] == 0.2
    c.playing = False
    c.divergences.append((10, 3))
    c.state_changed.emit()
    assert [e.name for e in events[-2:]] == ["training", "diverged"]
    assert events[-2].data["status"] == "diverged" and events[-1].data["source"] == "training"
    c.latest = SimpleNamespace(status="not_separable", epoch=4)
    c.state_changed.emit()
    finished = [e for e in events if e.name == "perceptron_finished"]
    assert finished[0].data == {"status": "not_separable", "epochs": 4, "data": "XOR"}
