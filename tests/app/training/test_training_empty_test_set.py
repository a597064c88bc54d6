"""With no test rows (train ratio 1.0), training in the window runs and
every live view draws, showing the test figures as absent."""

from __future__ import annotations

import numpy as np
import pytest
from training_testkit import WAIT, training_window

import nnsim
from nnsim.app.training.probes import Probe
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec
from nnsim.session import Session

PLANE = DatasetSpec(source="playground", name="plane", task="regression", train_ratio=1.0, points=60)
CIRCLE = DatasetSpec(source="playground", name="circle", task="classification", train_ratio=1.0, points=60)


def test_the_views_probe_has_nothing_to_fail_on():
    """What the live views are fed: maps, histograms, the confusion matrix of
    the training set and a training sample instead of a test one."""
    for spec in (PLANE, CIRCLE):
        design = layered([2, 3, 1], Activation.TANH, Activation.LINEAR if spec is PLANE else Activation.TANH)
        design.dataset = spec
        initialize(design, np.random.default_rng(0))
        session = Session(design)
        assert len(session.data.x_test) == 0
        probe = Probe(session, design)
        assert probe.neuron_maps() is not None and probe.histograms()
        assert probe.sample("test", 0).which == "train"
        confusion = probe.confusion()
        if spec is CIRCLE:
            m, which = confusion
            assert which == "training" and m.sum() == len(session.data.x_train)
        else:
            assert confusion is None


@pytest.mark.parametrize("name, task", [("plane", "regression"), ("circle", "classification")])
def test_every_view_with_an_empty_test_set(qtbot, name, task):
    design = nnsim.example("circle")
    design.dataset = DatasetSpec(source="playground", name=name, task=task, train_ratio=1.0, seed=1)
    window, ui = training_window(qtbot, design)
    try:
        c = ui.controller
        assert len(c.dataset.x_test) == 0
        window.document.set_training(epochs=1_000_000)
        for dock in ui.docks.values():  # every view visible, so each one draws
            dock.show()
            dock.raise_()
        ui.output.show_test.setChecked(True)
        ui.sample.which.setCurrentIndex(ui.sample.which.findData("test"))
        c.play()
        qtbot.waitUntil(lambda: c.epoch > 3, timeout=WAIT)
        c.pause()
        qtbot.waitUntil(lambda: c.latest is not None and c.latest.final, timeout=WAIT)
        rec = c.history[-1]
        assert rec.test_loss is None and rec.test_accuracy is None
        assert np.isfinite(rec.train_loss)
        assert "test" not in ui.panel.loss_label.text()
        qtbot.waitUntil(lambda: ui.output.image.image is not None, timeout=WAIT)
        for dock in ui.docks.values():
            dock.raise_()
            qtbot.wait(50)
        if task == "classification":
            qtbot.waitUntil(lambda: ui.confusion.matrix.matrix is not None, timeout=WAIT)
            assert ui.confusion.matrix.matrix.sum() == len(c.dataset.x_train)  # the training set instead
            assert "Training set" in ui.confusion.title.text()
        qtbot.waitUntil(lambda: c.heavy.sample is not None, timeout=WAIT)
        assert c.heavy.sample.which == "train"  # no test sample to show
        xs, _ys = ui.cost.test_curve.getData()
        assert xs is None or len(xs) == 0
    finally:
        ui.shutdown()
