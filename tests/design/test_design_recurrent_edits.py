"""Recurrent connections as edits: the recipes add delayed connections (and
refuse an undelayed cycle with its reason), and the design's ParameterMap
finds their weights in the network's ``…@1/weight`` arrays."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design import build, recipes
from nnsim.design.compile import compile_design
from nnsim.design.edits import apply_ops, inverse_ops
from nnsim.design.model import Activation, Design, LayerKind
from nnsim.design.parameters import ParameterMap, all_numbers
from nnsim.design.recipes import EditError


def _elman():
    d = Design()
    i = build.add_layer(d, LayerKind.INPUT, 1)
    h = build.add_layer(d, LayerKind.HIDDEN, 3)
    o = build.add_layer(d, LayerKind.OUTPUT, 1, activation=Activation.SIGMOID)
    build.connect_all(d, i.id, h.id)
    build.connect_all(d, h.id, o.id)
    build.initialize(d, np.random.default_rng(0))
    return d, i, h, o


def test_connect_layers_recurrently_adds_delayed_connections_and_undoes():
    d, i, h, o = _elman()
    before = len(d.connections)
    ops = recipes.connect_layers(d, h.id, h.id, np.random.default_rng(1), delay=1)
    apply_ops(d, ops)
    assert sum(c.delay for c in d.connections) == 9 and len(d.connections) == before + 9
    apply_ops(d, inverse_ops(ops))
    assert len(d.connections) == before and not any(c.delay for c in d.connections)


def test_an_undelayed_loop_is_refused_naming_the_delay():
    d, i, h, o = _elman()
    with pytest.raises(EditError, match="without a delay|same time step"):
        recipes.connect_layers(d, h.id, h.id, np.random.default_rng(1))
    with pytest.raises(EditError, match="starts at an output neuron"):
        recipes.connect_layers(d, o.id, h.id, np.random.default_rng(1))
    apply_ops(d, recipes.connect_layers(d, o.id, h.id, np.random.default_rng(1), delay=1))  # Jordan: allowed


def test_parameter_map_reads_and_writes_delayed_weights_in_their_own_array():
    d, i, h, o = _elman()
    apply_ops(d, recipes.connect_layers(d, h.id, h.id, np.random.default_rng(1), delay=1))
    net = compile_design(d).network
    pmap = ParameterMap(d)
    assert pmap.positions(net.parameters.layout) is not None
    numbers = all_numbers(d)
    pmap.write(net.parameters, numbers)
    delayed = [k for k, c in enumerate(d.connections) if c.delay]
    c = d.connections[delayed[4]]
    name, (row, col) = pmap.connection((c.source, c.target))
    assert name.endswith("@1/weight")
    assert net.parameters[name][row, col] == c.weight
    np.testing.assert_array_equal(pmap.weights(net.parameters), numbers.weights)
