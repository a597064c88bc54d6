"""The compare tool trains two networks on copies, draws both curves, and
reports which learned more."""

from __future__ import annotations

import pytest
from learn_testkit import click

import nnsim
from nnsim.app.learn.compare_panel import ComparePanel, default_pair, describe_shape


def test_train_both_on_the_spiral(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(ComparePanel(t.hub))
    assert [d.name for d in panel.designs] == [d.name for d in default_pair()]
    assert "2 → 8 → 1" in panel.names[0].text() and "2 → 8 → 8 → 8 → 1" in panel.names[1].text()
    panel.epochs.setValue(60)
    before = [c.weight for c in t.document.design.connections]
    click(panel.train_button)
    qtbot.waitUntil(lambda: panel.done, timeout=60_000)
    (done,) = t.named("compare_done")
    assert done.data["epochs"] == 60 and len(done.data["losses"]) == 2
    for i, curve in enumerate(panel.curves):
        xs, ys = curve.getData()  # the loss axis is logarithmic: log10 of the loss
        assert list(xs) == list(range(1, 61))
        assert 10 ** ys[-1] == pytest.approx(panel.sessions[i].trainer.history[-1].train_loss, rel=1e-12)
    assert "learned more" in panel.result.text()
    assert [c.weight for c in t.document.design.connections] == before  # copies were trained
    # The same numbers as training the designs directly.
    direct = [nnsim.train(d.copy(), epochs=60).train_loss for d in panel.designs]
    assert done.data["losses"] == direct


def test_open_a_network_on_the_canvas(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(ComparePanel(t.hub))
    click(panel.open_buttons[1])
    assert describe_shape(t.document.design) == "2 → 8 → 8 → 8 → 1"
