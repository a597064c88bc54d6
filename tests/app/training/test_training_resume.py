"""Training in the window is written into the Document with its training
state (the optimizer's memory and the place in the epoch), so that what is
saved continues exactly; Reset forgets the state. Driven through the
Document, the session keeper and DocumentSync, as the controller drives them."""

from __future__ import annotations

import numpy as np

import nnsim
from nnsim.app.document import Document
from nnsim.app.training.keeper import SessionKeeper
from nnsim.app.training.sync import DocumentSync
from nnsim.design.edits import all_numbers
from nnsim.design.model import Optimizer
from nnsim.io import load, save
from nnsim.session import Session


def circle_with_momentum():
    design = nnsim.example("circle")  # 25 batches an epoch
    design.training.optimizer = Optimizer.MOMENTUM
    return design


def trained_in_the_document(steps: int):
    document = Document(circle_with_momentum())
    keeper, sync = SessionKeeper(), DocumentSync(document)
    design = document.design
    now = all_numbers(design)
    keeper.build(design, now, None, None)
    sync.after_build(keeper, design, now, now, None)
    keeper.session.trainer.train_steps(steps, evaluate=True)
    assert sync.push_training(keeper, steps_merge=False)
    return document, keeper, sync


def test_training_written_into_the_document_saves_and_continues_as_one_run(qapp, tmp_path):
    per_epoch = 25
    document, _, _ = trained_in_the_document(per_epoch + 1)
    path = tmp_path / "paused.nnsim"
    save(document.design, path)
    saved = load(path)
    state = saved.training_state
    assert (state.epoch, state.step, state.position) == (1, per_epoch + 1, saved.training.batch_size)
    assert state.optimizer == Optimizer.MOMENTUM and set(state.arrays) == {"v"}
    on = Session(saved)
    on.trainer.train_steps(2 * per_epoch - 1, evaluate=False)
    whole = Session(circle_with_momentum())
    whole.trainer.train_steps(3 * per_epoch, evaluate=False)
    assert np.array_equal(on.network.parameters.flat, whole.network.parameters.flat)
    document.undo_stack.undo()  # the training, state and all, is one undo step
    assert document.design.training_state is None and document.design.history == []


def test_a_new_run_forgets_the_training_state(qapp):
    document, keeper, sync = trained_in_the_document(30)
    assert document.design.training_state is not None
    sync.push("Reset weights", sync.run_ops(all_numbers(document.design)))
    assert document.design.history == [] and document.design.training_state is None
