"""The article's neuron: inputs 0.5 and 0.6, weights 0.5 and 0.7, bias 0, a
step at 0.5. Its weighted sum is 0.67, above the threshold, so it outputs 1."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_layer
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, Design, LayerKind
from nnsim.explain import arithmetic


def article_neuron(threshold: float = 0.5) -> Design:
    d = Design(name="article")
    inputs = add_layer(d, LayerKind.INPUT, 2, labels=["x1", "x2"])
    out = add_layer(d, LayerKind.OUTPUT, 1, Activation.STEP, labels=["fires?"])
    x1, x2 = d.neurons_of(inputs.id)
    (y,) = d.neurons_of(out.id)
    y.threshold = threshold
    y.bias = 0.0
    d.connections += [Connection(x1.id, y.id, 0.5), Connection(x2.id, y.id, 0.7)]
    return d


def test_network_forward():
    net = compile_design(article_neuron()).network
    trace = net.forward(np.array([[0.5, 0.6]]), keep_z=True)
    out_index = net.output_layers[0].index
    assert trace.z[out_index][0, 0] == pytest.approx(0.67, abs=1e-12)
    assert trace.a[out_index][0, 0] == 1.0
    np.testing.assert_array_equal(nnsim.predict(article_neuron(), [0.5, 0.6]), [1.0])


def test_arithmetic_reads_like_the_article():
    trace = nnsim.inspect(article_neuron(), [0.5, 0.6])
    (step,) = [s for s in trace.neurons if s.kind == LayerKind.OUTPUT]
    assert step.z == pytest.approx(0.67, abs=1e-12)
    assert step.a == 1.0
    assert arithmetic(step) == "0.5×0.5 + 0.6×0.7 + 0 = 0.67; step at 0.5 gives 1"
    assert nnsim.arithmetic(step) == arithmetic(step)
    assert trace.outputs == [1.0]
    inputs = [s for s in trace.neurons if s.kind == LayerKind.INPUT]
    assert [arithmetic(s) for s in inputs] == ["input = 0.5", "input = 0.6"]


def test_with_the_threshold_above_the_sum_the_neuron_stays_silent():
    design = article_neuron(threshold=0.7)
    trace = nnsim.inspect(design, [0.5, 0.6])
    (step,) = [s for s in trace.neurons if s.kind == LayerKind.OUTPUT]
    assert step.a == 0.0
    assert arithmetic(step) == "0.5×0.5 + 0.6×0.7 + 0 = 0.67; step at 0.7 gives 0"
    np.testing.assert_array_equal(nnsim.predict(design, [0.5, 0.6]), [0.0])


def test_inspection_with_a_target_does_not_change_the_design():
    design = article_neuron()
    before = design.copy()
    trace = nnsim.inspect(design, [0.5, 0.6], target=[0.0])
    assert trace.loss == pytest.approx(0.5)  # ½ (1 − 0)²
    (step,) = [s for s in trace.neurons if s.kind == LayerKind.OUTPUT]
    assert step.delta == 0.0  # a step has no gradient
    assert all(c.gradient == 0.0 and c.change == 0.0 for c in trace.connections)
    assert design == before
