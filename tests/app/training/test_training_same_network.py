"""Undo and redo of a training run, Reset and a change of data keep the
network's shape: the session is built again around the network it has (the
numbers written in), not checked and compiled again, which on a network of
180,000 connections took seconds. What the network computes is what a fresh
compilation of the Document's design computes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from training_testkit import WAIT, training_window

import nnsim
import nnsim.session
from nnsim.design.edits import numbers_of
from nnsim.design.compile import compile_design


@pytest.fixture
def xor(qtbot):
    design = nnsim.example("xor-mlp")
    design.training.epochs = 1_000_000
    window, ui = training_window(qtbot, design)
    yield window, ui
    ui.shutdown()


@pytest.fixture
def compiles(monkeypatch):
    calls = []
    real = nnsim.session.compile_design

    def counted(design, *args, **kwargs):
        calls.append(design)
        return real(design, *args, **kwargs)

    monkeypatch.setattr(nnsim.session, "compile_design", counted)
    return calls


def same_as_fresh(c, design):
    """The live network predicts what a fresh session of the design predicts."""
    x = c.session.data.x_train
    fresh = compile_design(design.copy()).network  # not the session's (counted) compile
    np.testing.assert_allclose(c.session.network.predict(x), fresh.predict(x), rtol=0, atol=1e-12)


def train_a_little(qtbot, ui):
    c = ui.controller
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 10 and bool(c.history), timeout=WAIT)
    c.pause()


def test_undo_redo_and_reset_of_a_run_compile_nothing(qtbot, xor, compiles, monkeypatch):
    window, ui = xor
    c, doc = ui.controller, window.document
    train_a_little(qtbot, ui)
    compiles.clear()
    doc.undo()
    assert c.history == [] and c.session is not None
    same_as_fresh(c, doc.design)
    doc.redo()
    same_as_fresh(c, doc.design)
    copies = []
    real_copy = nnsim.Design.copy
    monkeypatch.setattr(nnsim.Design, "copy", lambda d: copies.append(d) or real_copy(d))
    qtbot.mouseClick(ui.panel.buttons["reset"], Qt.MouseButton.LeftButton)
    assert copies == []  # the new numbers are drawn without copying the design
    monkeypatch.setattr(nnsim.Design, "copy", real_copy)
    assert doc.undo_stack.text(doc.undo_stack.index() - 1) == "Reset weights"
    same_as_fresh(c, doc.design)
    assert compiles == []
    np.testing.assert_array_equal(c.numbers.read()[0], numbers_of(doc.design)[0])


def test_other_data_of_the_same_shape_compiles_nothing(qtbot, xor, compiles):
    window, ui = xor
    c, doc = ui.controller, window.document
    compiles.clear()
    doc.set_design(dataset=dataclasses.replace(doc.design.dataset, source="playground", name="circle"))
    assert c.session is not None and c.dataset.name.lower().startswith("circle")
    assert compiles == []
    same_as_fresh(c, doc.design)
    before = c.numbers.read().weights.copy()
    train_a_little(qtbot, ui)
    assert not np.array_equal(c.numbers.read().weights, before)  # training moves the reused network
    same_as_fresh(c, doc.design)  # and the Document holds what it reached


def test_a_change_of_shape_is_compiled(qtbot, xor, compiles):
    window, ui = xor
    c, doc = ui.controller, window.document
    hidden = [layer for layer in doc.design.layers if layer.kind.value == "hidden"][0]
    doc.set_layer(hidden.id, activation=nnsim.Activation.RELU)
    assert len(compiles) == 1
    same_as_fresh(c, doc.design)
    doc.set_training(loss="mse" if doc.design.training.loss != "mse" else "cross_entropy")
    doc.undo()
    doc.undo()
    assert len(compiles) >= 2
    same_as_fresh(c, doc.design)


def test_the_design_is_keyed_once_per_change(qtbot, xor, monkeypatch):
    import nnsim.app.training.sync as sync

    window, ui = xor
    train_a_little(qtbot, ui)
    keyed = []
    real = sync.compile_key
    monkeypatch.setattr(sync, "compile_key", lambda d: keyed.append(d) or real(d))
    window.document.undo()
    assert keyed == []  # a trained run changes numbers and history only: the keys stand
    window.document.redo()
    assert keyed == []
    window.document.set_training(loss="mse" if window.document.design.training.loss != "mse" else "cross_entropy")
    assert len(keyed) == 1  # each key is a pass over every connection
