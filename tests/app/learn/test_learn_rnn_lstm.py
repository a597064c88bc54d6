"""RNN against LSTM: both train in a thread of their own, their accuracy
curves and gradients through time fill in epoch by epoch, Stop stops, and
the lesson hears when both are done."""

from __future__ import annotations

import numpy as np

from learn_testkit import click
from nnsim.app.learn.rnn_lstm_panel import RnnLstmPanel, default_pair
from nnsim.design import build
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind

import nnsim


def small_lstm() -> Design:
    d = Design(name="small LSTM")
    i = build.add_layer(d, LayerKind.INPUT, 1)
    cell = build.add_block(d, "lstm", LayerKind.HIDDEN, Activation.TANH, name="LSTM", cells=3)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID)
    build.link(d, i.id, cell.id)
    build.link(d, cell.id, o.id)
    d.dataset = DatasetSpec("sequence", "temporal_xor", points=400)
    d.training.bptt_steps = 10
    build.initialize(d, np.random.default_rng(0))
    return d


def small_rnn() -> Design:
    d = nnsim.example("temporal-xor-rnn")
    d.dataset = DatasetSpec("sequence", "temporal_xor", points=400)
    return d


def test_the_default_pair_is_the_plain_rnn_and_the_lstm_on_temporal_order():
    rnn, lstm = default_pair()
    assert rnn.dataset == lstm.dataset and rnn.dataset.name == "temporal_order"
    assert {layer.type for layer in rnn.layers} >= {"rnn"} and {layer.type for layer in lstm.layers} >= {"lstm"}


def test_train_both_fills_the_curves_and_the_gradients_through_time(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(RnnLstmPanel(t.hub))
    panel.set_designs([small_rnn(), small_lstm()])
    panel.epochs.setValue(2)
    click(panel.train_button)
    assert not panel.train_button.isEnabled()
    qtbot.waitUntil(lambda: bool(t.named("rnn_lstm_done")), timeout=60_000)
    event = t.named("rnn_lstm_done")[-1]
    assert event.data["epochs"] == 2 and len(event.data["accuracies"]) == 2
    for k in range(2):
        epochs, scores = panel.curves[k].getData()
        assert list(epochs) == [0, 1, 2] and all(0 <= s <= 1 for s in scores)
        back, shares = panel.grad_curves[k].xData, panel.grad_curves[k].yData  # as given (not in log10)
        assert back[0] == 0 and shares[0] == 1.0 and len(back) > 5
    assert panel.train_button.isEnabled() and "small LSTM" in panel.result.text()


def test_stop_ends_the_training(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(RnnLstmPanel(t.hub))
    panel.set_designs([small_rnn(), small_lstm()])
    panel.epochs.setValue(200)
    click(panel.train_button)
    qtbot.waitUntil(lambda: len(panel.scores[1]) >= 1, timeout=60_000)
    click(panel.stop_button)
    qtbot.waitUntil(lambda: panel.train_button.isEnabled(), timeout=60_000)
    assert not panel.runner.running and not t.named("rnn_lstm_done")
    assert len(panel.scores[0]) < 201
