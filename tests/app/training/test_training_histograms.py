"""The activation histograms: the share a plot's title gives is the share its
red bars hold, also for outputs just inside the saturated range."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.app.training.probes import Probe
from nnsim.design.model import Activation, LayerKind
from nnsim.session import Session

from training_testkit import WAIT, training_window


def _circle(hidden_activation=Activation.TANH, bias=None):
    design = nnsim.example("circle")
    first = design.layers_of_kind(LayerKind.HIDDEN)[0]
    for layer in design.layers_of_kind(LayerKind.HIDDEN):
        layer.activation = hidden_activation
    if bias is not None:
        members = {n.id for n in design.neurons_of(first.id)}
        for n in design.neurons:
            if n.id in members:
                n.bias = bias
        for c in design.connections:
            if c.target in members:
                c.weight = 0.0
    return design


def _red_share(h) -> float:
    return float(h.counts[h.bad].sum()) / float(h.counts.sum())


def _note_percent(h) -> float:
    return float(h.note.split("%")[0].lstrip("<")) / 100


@pytest.mark.parametrize("bias, expected", [(1.6, 1.0), (-1.6, 1.0), (1.2, 0.0)])
def test_tanh_just_inside_saturation_is_counted_where_it_is_drawn(bias, expected):
    # tanh(1.6) = 0.92: above 0.9, inside the last bar (the old note counted only > 0.97).
    design = _circle(bias=bias)
    hist = Probe(Session(design), design).histograms()[0]
    assert hist.bad_fraction == pytest.approx(expected)
    assert _red_share(hist) == pytest.approx(expected)
    assert hist.note == f"{expected:.0%} saturated"


@pytest.mark.parametrize("activation", [Activation.TANH, Activation.SIGMOID, Activation.RELU])
def test_note_and_red_bars_agree_while_training(activation):
    design = _circle(activation)
    session = Session(design)
    for _ in range(4):
        for h in Probe(session, design).histograms():
            if not h.bad.any():
                continue
            assert h.bad_fraction == pytest.approx(_red_share(h))
            if h.bad_fraction == 0 or h.bad_fraction >= 0.005:
                assert _note_percent(h) == pytest.approx(round(h.bad_fraction, 2))
            else:
                assert h.note.startswith("<1%")
        session.trainer.train_steps(150)


def test_relu_zero_outputs_have_their_own_bar():
    design = _circle(Activation.RELU)
    session = Session(design)
    session.trainer.train_steps(200)
    probe = Probe(session, design)
    hist = probe.histograms()[0]
    a = session.network.forward(probe.hist_x).a[probe.mapped[0].index]
    assert hist.bad_fraction == pytest.approx(float(np.mean(a <= 0)))
    assert hist.edges[1] == 0.0 and hist.bad.tolist() == [True] + [False] * (len(hist.bad) - 1)


def test_the_view_draws_red_exactly_the_share_its_title_gives(qtbot):
    design = _circle(bias=1.6)
    _window, ui = training_window(qtbot, design)
    try:
        ui.docks["training_histograms_dock"].raise_()
        view = ui.histograms
        qtbot.waitUntil(lambda: view._heavy is not None, timeout=WAIT)
        bars, plot = view.bars[0], view.plots[0]
        heights = np.asarray(bars.opts["height"])
        red = np.array([b.color().red() == 214 for b in bars.opts["brushes"]])
        assert heights[red].sum() == pytest.approx(1.0)
        assert "100% saturated" in plot.titleLabel.text
    finally:
        ui.shutdown()
