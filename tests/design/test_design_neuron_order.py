"""A file may list a layer's neurons in any order of ids: each neuron is
computed in its place in the column, and the trace (``nnsim predict
--trace``, learn mode) gives each neuron its own numbers."""

from __future__ import annotations

import math

import pytest

import nnsim
from nnsim.io import dumps, loads
from nnsim.design.model import Activation, Connection, Design, Layer, LayerKind, Neuron


def shuffled_ids() -> Design:
    """input 10 → hidden 30, 20, 25 (listed in that order) → linear output 40."""
    d = Design(layers=[Layer(1, "input", LayerKind.INPUT, Activation.LINEAR),
                       Layer(2, "hidden", LayerKind.HIDDEN, Activation.TANH),
                       Layer(3, "output", LayerKind.OUTPUT, Activation.LINEAR)])
    d.neurons = [Neuron(10, 1), Neuron(30, 2, label="first", bias=0.5), Neuron(20, 2, label="second", bias=-1.0),
                 Neuron(25, 2, label="third", bias=2.0), Neuron(40, 3)]
    d.connections = [Connection(10, h, 0.0) for h in (30, 20, 25)]
    d.connections += [Connection(30, 40, 1.0), Connection(20, 40, 2.0), Connection(25, 40, 3.0)]
    return d


def test_each_neuron_gets_its_own_numbers_whatever_its_id():
    design = loads(dumps(shuffled_ids()))
    trace = nnsim.inspect(design, [0.7])
    for nid, bias in ((30, 0.5), (20, -1.0), (25, 2.0)):
        assert trace.neuron(nid).a == pytest.approx(math.tanh(bias), rel=1e-15)
    expected = math.tanh(0.5) + 2 * math.tanh(-1.0) + 3 * math.tanh(2.0)
    assert trace.outputs == [pytest.approx(expected, rel=1e-15)]
    hidden = [n.id for n in trace.neurons if n.id in (20, 25, 30)]
    assert hidden == [30, 20, 25]  # in their places down the column
