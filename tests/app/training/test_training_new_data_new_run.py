"""Other data starts a new run: the epoch count starts again, the old curve
stays only as a faded earlier run, and what was said about the old run goes.
Undo brings the old data and its run back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from training_testkit import WAIT, training_window

from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec


def circle_design():
    d = layered([2, 4, 1], output=Activation.TANH, name="circle")
    d.dataset = DatasetSpec("playground", "circle", points=100)
    d.training.epochs = 3
    d.training.stop_after_epochs = True
    initialize(d, np.random.default_rng(0))
    return d


def test_choosing_another_data_set_starts_a_new_run(qtbot):
    window, ui = training_window(qtbot, circle_design())
    try:
        c, doc, cost = ui.controller, window.document, ui.cost
        qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not c.playing and c.epoch == 3, timeout=WAIT)
        assert c.message.startswith("Paused") and len(doc.design.history) == 3
        qtbot.waitUntil(lambda: cost.series.n == 3, timeout=WAIT)
        assert cost.old_run_count == 0
        qtbot.mouseClick(ui.panel.data.thumbs["spiral"], Qt.MouseButton.LeftButton)
        assert doc.design.dataset.name == "spiral"
        assert doc.design.history == [] and c.epoch == 0 and c.history == []
        assert c.message == ""  # the old run's "Paused: 3 epochs trained" is over
        assert cost.old_run_count == 1 and cost.series.n == 0  # the old curve, faded
        # Training on the new data counts from epoch 1 and draws a curve of its own.
        qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not c.playing and c.epoch == 3, timeout=WAIT)
        assert [r.epoch for r in doc.design.history] == [1, 2, 3]
        qtbot.waitUntil(lambda: cost.series.n == 3, timeout=WAIT)
        # One undo for the training, one for the data: the old run is back.
        doc.undo()
        doc.undo()
        assert doc.design.dataset.name == "circle" and len(doc.design.history) == 3
        qtbot.waitUntil(lambda: c.epoch == 3 and len(c.history) == 3, timeout=WAIT)
    finally:
        ui.shutdown()


def test_turning_standardisation_on_is_a_new_run_too(qtbot, tmp_path):
    path = tmp_path / "fruit.csv"
    rows = [f"{100 + 7 * i},{(i * 37) % 10 / 10},{'apple' if i % 2 else 'pear'}" for i in range(40)]
    path.write_text("weight_g,colour,label\n" + "\n".join(rows) + "\n")
    d = circle_design()
    d.dataset = DatasetSpec("csv", path=str(path), targets=["label"])
    window, ui = training_window(qtbot, d)
    try:
        c, doc = ui.controller, window.document
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: len(doc.design.history) == 1, timeout=WAIT)
        box = ui.panel.data.normalize
        assert box.isVisibleTo(window) and not box.isChecked()
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        assert doc.design.dataset.normalize and doc.design.history == [] and c.epoch == 0
        assert ui.cost.old_run_count == 1
    finally:
        ui.shutdown()
