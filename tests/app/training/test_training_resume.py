"""Training in the window, paused in the middle of an epoch and saved: the
file holds the optimizer's memory and the place in the epoch, and training it
on gives what training without the pause gives, to the bit."""

from __future__ import annotations

import numpy as np
import pytest
from training_testkit import WAIT, training_window

import nnsim
from nnsim.design.model import Optimizer
from nnsim.io import load, save
from nnsim.session import Session


def circle_with_momentum():
    design = nnsim.example("circle")  # 25 batches an epoch
    design.training.optimizer = Optimizer.MOMENTUM
    return design


@pytest.fixture
def circle(qtbot):
    window, ui = training_window(qtbot, circle_with_momentum())
    yield window, ui
    ui.shutdown()


def test_trained_in_the_window_saved_and_continued_equals_one_run(qtbot, circle, tmp_path):
    window, ui = circle
    c = ui.controller
    per_epoch = c.steps_per_epoch
    ui.actions.step_epoch.trigger()
    qtbot.waitUntil(lambda: c.epoch == 1 and c.latest.final, timeout=WAIT)
    ui.actions.step_batch.trigger()
    qtbot.waitUntil(lambda: c.step == per_epoch + 1 and c.latest.final, timeout=WAIT)
    ui.sync_to_document()  # a step is written into the Document when it ends; Save calls this too
    path = tmp_path / "paused.nnsim"
    save(window.document.design, path)
    saved = load(path)
    state = saved.training_state
    assert (state.epoch, state.step, state.position) == (1, per_epoch + 1, saved.training.batch_size)
    assert state.optimizer == Optimizer.MOMENTUM and set(state.arrays) == {"v"}
    on = Session(saved)
    on.trainer.train_steps(2 * per_epoch - 1, evaluate=False)
    whole = Session(circle_with_momentum())
    whole.trainer.train_steps(3 * per_epoch, evaluate=False)
    assert np.array_equal(on.network.parameters.flat, whole.network.parameters.flat)


def test_reset_forgets_the_training_state(qtbot, circle):
    window, ui = circle
    c = ui.controller
    ui.actions.step_epoch.trigger()
    qtbot.waitUntil(lambda: c.epoch == 1 and c.latest.final, timeout=WAIT)
    qtbot.waitUntil(lambda: ui.cost.series.n > 0, timeout=WAIT)
    ui.sync_to_document()
    assert window.document.design.training_state is not None
    ui.actions.reset.trigger()
    assert window.document.design.history == [] and window.document.design.training_state is None
    qtbot.waitUntil(lambda: ui.cost.series.n == 0, timeout=WAIT)
