"""A bare window with live training installed, for the training tests: a
PlainWindow (the Host interface, nothing more) holding a Document (and
optionally a canvas scene)."""

from __future__ import annotations

from nnsim.app.document import Document
from nnsim.app.host import PlainWindow
from nnsim.app.training import install_training

WAIT = 15_000  # ms; training itself takes well under a second


def training_window(qtbot, design, scene=None, pace="fastest"):
    """(window, TrainingUI), shown, once the first heavy snapshot arrived.
    Play runs as fast as possible unless ``pace`` says otherwise (the tests
    of other things need not wait for frames)."""
    window = PlainWindow(Document(design), scene)
    qtbot.addWidget(window)
    ui = install_training(window)
    ui.controller.set_pace(pace)
    window.resize(1400, 900)
    window.show()
    qtbot.waitUntil(lambda: ui.controller.heavy is not None, timeout=WAIT)
    return window, ui
