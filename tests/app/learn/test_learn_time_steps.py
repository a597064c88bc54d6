"""Stepping through time: the forward arithmetic of each step with the
values arriving over the loop marked, a recurrent weight's gradient as a sum
over the steps equal to the engine's, and one LSTM step's gates written out;
the arrow keys and the buttons move through the steps."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from learn_testkit import click
from nnsim.app.learn.time_panel import TimeStepsPanel
from nnsim.app.learn.time_walk import walk_sequence
from nnsim.design import build
from nnsim.design.model import Activation, ArrayValue, DatasetSpec, Design, LayerKind


def elman() -> Design:
    d = Design()
    i = build.add_layer(d, LayerKind.INPUT, 1)
    h = build.add_layer(d, LayerKind.HIDDEN, 3)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID)
    build.connect_all(d, i.id, h.id)
    build.connect_all(d, h.id, h.id, delay=1)
    build.connect_all(d, h.id, o.id)
    d.dataset = DatasetSpec("sequence", "temporal_xor")
    build.initialize(d, np.random.default_rng(4))
    return d


def lstm() -> Design:
    d = Design()
    i = build.add_layer(d, LayerKind.INPUT, 1)
    cell = build.add_block(d, "lstm", LayerKind.HIDDEN, Activation.TANH, name="memory", cells=2)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID)
    build.link(d, i.id, cell.id)
    build.link(d, cell.id, o.id)
    d.dataset = DatasetSpec("sequence", "temporal_xor")
    build.initialize(d, np.random.default_rng(4))
    return d


def test_the_forward_sums_add_up_and_mark_the_values_from_the_step_before():
    walk = walk_sequence(elman(), steps=5)
    for t, neurons in enumerate(walk.forward):
        for n in neurons:
            assert abs(sum(tm.weight * tm.value for tm in n.terms) + n.bias - n.z) < 1e-12
            delayed = [tm for tm in n.terms if tm.delayed]
            if n.layer == "hidden 1":
                assert len(delayed) == 3
                if t == 0:
                    assert all(tm.value == 0.0 for tm in delayed)  # the initial state
                else:
                    before = {m.name: m.a for m in walk.forward[t - 1]}
                    assert [tm.value for tm in delayed] == [before[tm.source] for tm in delayed]


def test_a_recurrent_weight_gradient_is_the_sum_over_steps_the_engine_computes():
    g = walk_sequence(elman(), steps=6).gradient
    assert len(g.parts) == 6 and g.values[0] == 0.0
    assert abs(sum(g.parts) - g.engine) < 1e-12 and g.engine != 0.0


@pytest.mark.parametrize("t, start", [(2, "zeros"), (0, "zeros"), (0, "learned")])
def test_one_lstm_step_every_gate_from_its_numbers(t, start):
    d = lstm()
    if start == "learned":  # the first step starts from the learned (h, c), not from zeros
        layer = d.layers[1]
        layer.options["initial_state"] = "learned"
        build.initialize(d, np.random.default_rng(4))
        layer.arrays["initial"] = ArrayValue(np.array([[0.3, -0.2], [0.5, 0.7]]))
    walk = walk_sequence(d, steps=4)
    s = walk.lstm[t]
    if start == "learned":
        assert s.c_prev == 0.5 and [v for label, v in s.inputs[:2]] == [0.3, -0.2]
    for name, (terms, bias, z, value) in s.gates.items():
        assert abs(sum(w * v for w, v in terms) + bias - z) < 1e-12
        expect = np.tanh(z) if name == "c_tilde" else 1 / (1 + np.exp(-z))
        assert abs(expect - value) < 1e-12
    f, i, c = s.gates["f"][3], s.gates["i"][3], s.gates["c_tilde"][3]
    assert abs(f * s.c_prev + i * c - s.c) < 1e-12
    assert abs(s.gates["o"][3] * np.tanh(s.c) - s.h) < 1e-12


def test_the_panel_moves_through_time_and_puts_the_step_on_the_canvas(tool, qtbot):
    t = tool(elman())
    panel = t.show(TimeStepsPanel(t.hub))
    panel.set_in_view(True)
    assert panel.walk is not None and "Step 1" in panel.text.toPlainText()
    assert "initial state" in panel.text.toPlainText()
    click(panel.next)
    panel.setFocus()
    QTest.keyClick(panel, Qt.Key_Right)
    assert panel.step == 2 and "Step 3" in panel.text.toPlainText()
    assert "(t−1)" in panel.text.toPlainText()
    values = {nid: item.value for nid, item in t.scene.neuron_items.items() if item.value is not None}
    assert values == {n.nid: n.a for n in panel.walk.forward[2]}
    QTest.keyClick(panel, Qt.Key_Left)
    assert panel.step == 1
    panel.phase.setCurrentIndex(1)
    assert "∂L/∂w" in panel.text.toPlainText()
    assert t.named("time_step")[-1].data["phase"] == "backward"
    panel.go(0)
    assert t.named("time_walk_done")[-1].data["phase"] == "backward"


def test_on_data_of_separate_samples_it_says_why(tool):
    t = tool("xor-mlp")
    panel = t.show(TimeStepsPanel(t.hub))
    panel.set_in_view(True)
    assert panel.walk is None and "sequence data" in panel.problem.text()
