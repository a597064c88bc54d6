"""Fixtures for the learn-mode tests.

``tool`` puts one learn panel on a real canvas scene (a Document, the
CanvasScene and a view). ``learn_window`` is the whole app: the real
MainWindow when it can be built, with learn mode installed; settings and
autosaves go to a temporary folder, and questions about unsaved changes are
answered "discard".
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QGraphicsView

import nnsim
from nnsim.app.document import Document
from nnsim.app.learn.hub import LearnHub


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("NNSIM_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NNSIM_DATA_DIR", str(tmp_path / "data"))


class Tool:
    """A document on a canvas, a hub, and the events the hub recorded."""

    def __init__(self, qtbot, design):
        from nnsim.app.canvas.scene import CanvasScene

        self.document = Document(design)
        self.scene = CanvasScene(self.document)
        self.view = QGraphicsView(self.scene)
        qtbot.addWidget(self.view)
        self.hub = LearnHub(self.document, self.scene)
        self.events = []
        self.hub.event_recorded.connect(self.events.append)
        self.qtbot = qtbot

    def named(self, name):
        return [e for e in self.events if e.name == name]

    def show(self, panel):
        self.qtbot.addWidget(panel)
        panel.resize(1000, 520)
        panel.show()
        self.qtbot.waitExposed(panel)
        return panel


@pytest.fixture
def tool(qtbot):
    def make(design):
        if isinstance(design, str):
            design = nnsim.example(design)
        return Tool(qtbot, design)

    return make


@pytest.fixture
def learn_window(qtbot, monkeypatch):
    """The main window with learn mode (installed by the window itself once it
    does, else here); returns (window, mode)."""
    from nnsim.app.learn import install_learn_mode
    from nnsim.app.main import create_main_window

    window = create_main_window(None)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.undo_stack.setClean())
    monkeypatch.setattr(window.files, "ask_unsaved", lambda: "discard")
    if getattr(window, "training", None) is None:  # until the window installs live training itself
        from nnsim.app.training.install import install_training

        window.training = install_training(window)
    mode = getattr(window, "learn_mode", None) or install_learn_mode(window)
    assert mode.training_link is not None
    window.resize(1500, 950)
    window.show()
    qtbot.waitExposed(window)
    yield window, mode
    training = getattr(window, "training", None)
    for stop in (getattr(training, "shutdown", None), getattr(getattr(training, "controller", None), "shutdown", None)):
        if stop is not None:
            stop()
