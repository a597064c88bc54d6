"""A bare window with live training installed, for the training tests: a
PlainWindow (the Host interface, nothing more) holding a Document (and
optionally a canvas scene)."""

from __future__ import annotations

import numpy as np

from nnsim.app.document import Document
from nnsim.app.host import PlainWindow
from nnsim.app.training import install_training
from nnsim.design import build
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind

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


def lstm_design(cells: int = 4) -> Design:
    d = Design(name="lstm")
    i = build.add_layer(d, LayerKind.INPUT, 1)
    lstm = build.add_block(d, "lstm", LayerKind.HIDDEN, Activation.TANH, name="memory", cells=cells)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID)
    build.link(d, i.id, lstm.id)
    build.link(d, lstm.id, o.id)
    d.dataset = DatasetSpec("sequence", "temporal_xor")
    d.training.bptt_steps = 20
    d.training.learning_rate = 0.1
    build.initialize(d, np.random.default_rng(2))
    return d
