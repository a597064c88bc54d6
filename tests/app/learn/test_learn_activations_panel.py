"""The activation view: curves and slopes from the engine, the step-through's
weighted sum marked on each, a click picks a function, and "Use … for …"
changes the neuron (undoably)."""

from __future__ import annotations

import numpy as np
import pytest
from learn_testkit import click

from nnsim.app.learn.activations_panel import GALLERY, ActivationsPanel, curve
from nnsim.app.learn.step_panel import StepThroughPanel
from nnsim.design.model import Activation
from nnsim.engine.activations import LayerActivation


@pytest.mark.parametrize("kind", GALLERY)
def test_curves_are_the_engines(kind):
    z = np.linspace(-4, 4, 81)
    a, slope = curve(kind, z, 0.3)
    act = LayerActivation([kind], np.array([0.3]))
    assert np.array_equal(a, act(z.reshape(-1, 1))[:, 0])
    assert np.array_equal(slope, act.backward(act(z.reshape(-1, 1)), np.ones((81, 1)))[:, 0])
    # The slope is the derivative where the function is smooth.
    if kind not in (Activation.STEP, Activation.SIGN, Activation.RELU, Activation.LEAKY_RELU):
        h = 1e-6
        numeric = (curve(kind, z + h, 0.3)[0] - curve(kind, z - h, 0.3)[0]) / (2 * h)
        assert np.allclose(numeric, slope, atol=1e-6)


def test_the_article_neurons_sum_is_marked_and_sigmoid_is_applied(tool, qtbot):
    t = tool("article-neuron")
    steps = t.show(StepThroughPanel(t.hub))
    steps.set_inputs([0.5, 0.6])
    click(steps.next_button)
    panel = t.show(ActivationsPanel(t.hub))
    assert panel.neuron == 5 and panel.z == pytest.approx(0.67)
    sigmoid = panel.tiles[Activation.SIGMOID]
    xs, ys = sigmoid.mark.getData()
    assert xs[0] == pytest.approx(0.67) and ys[0] == pytest.approx(1 / (1 + np.exp(-0.67)))
    assert "z = <b>0.67</b>" in panel.marker_note.text()
    step_tile = panel.tiles[Activation.STEP]
    assert step_tile.mark.getData()[1][0] == 1.0  # the step at the neuron's threshold 0.5
    for kind in (Activation.STEP, Activation.SIGMOID, Activation.TANH, Activation.RELU):
        click(panel.tiles[kind])
    assert [e.data["activation"] for e in t.named("activation_shown")] == ["step", "sigmoid", "tanh", "relu"]
    click(panel.tiles[Activation.SIGMOID])
    assert panel.use_button.text() == "Use sigmoid for “fires?”"
    click(panel.use_button)
    assert t.document.design.activation_of(t.document.design.neuron(5)) == Activation.SIGMOID
    assert not panel.use_button.isEnabled()  # it has it now
    assert steps.walk.trace.outputs[0] == pytest.approx(1 / (1 + np.exp(-0.67)))
    t.document.undo_stack.undo()
    assert t.document.design.activation_of(t.document.design.neuron(5)) == Activation.STEP
    assert "ReLU" in panel.tiles[Activation.RELU].plotItem.titleLabel.text
    assert "sigmoid" in panel.about.text().lower()


def test_without_a_neuron_there_is_no_use_button(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(ActivationsPanel(t.hub))
    t.hub.focus_neuron = None
    panel._follow()
    click(panel.tiles[Activation.TANH])
    assert panel.use_button.isVisible()  # the single output neuron
    t.hub.select_neuron(5)
    assert "hidden 1 neuron 1" in panel.use_button.text()
