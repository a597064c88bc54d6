"""Checking and compiling stay near-linear in the size of a design: a chain of
thousands of layers listed in reverse order loads, checks and compiles in
time that grows about as the chain does (the cycle check once copied paths,
cubic; the compiler scanned every neuron for every layer, quadratic)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim.design.names import NeuronNames
from scaling import growth

from nnsim.api import predict
from nnsim.design.compile import compile_design
from nnsim.design.model import Connection
from nnsim.design.validate import DesignError, check_design
from nnsim.io import loads


def chain_text(n_layers: int, per_layer: int = 1) -> str:
    """A design file: n layers in a chain, each of ``per_layer`` neurons, the
    first neurons of consecutive layers joined, the connections listed last
    layer first (the order that made the cycle check cubic)."""
    layers, neurons, members = [], [], []
    nid = n_layers + 1
    for i in range(n_layers):
        kind = "input" if i == 0 else "output" if i == n_layers - 1 else "hidden"
        layers.append({"id": i + 1, "name": f"layer {i}", "kind": kind})
        members.append(list(range(nid, nid + per_layer)))
        neurons += [{"id": k, "layer": i + 1} for k in members[-1]]
        nid += per_layer
    conns = [{"source": members[i][0], "target": members[i + 1][0], "weight": 0.5} for i in range(n_layers - 1)]
    return json.dumps({"format_version": 1, "layers": layers, "neurons": neurons, "connections": conns[::-1]})


def test_loading_a_long_reversed_chain_grows_linearly():
    ratio = growth(chain_text, lambda text: loads(text), 1_000, 8_000)
    assert ratio < 20, f"8 times the layers took {ratio:.1f} times as long"


def test_compiling_many_layers_of_ten_grows_linearly():
    ratio = growth(lambda n: loads(chain_text(n, 10)), compile_design, 400, 3_200)
    assert ratio < 20, f"8 times the layers took {ratio:.1f} times as long"


def test_predicting_through_a_long_chain_grows_linearly():
    ratio = growth(lambda n: loads(chain_text(n, 10)), lambda d: predict(d, [1.0] * 10), 400, 3_200)
    assert ratio < 20, f"8 times the layers took {ratio:.1f} times as long"


def test_a_cycle_closed_by_the_last_connection_is_found_in_near_linear_time():
    def cyclic(n):
        d = loads(chain_text(n))
        d.layers[-1].kind = d.layers[1].kind  # the output becomes hidden, so it may feed back
        first, last = d.neurons_of(d.layers[1].id)[0], d.neurons_of(d.layers[-1].id)[0]
        d.connections.append(Connection(last.id, first.id, 1.0))
        return d

    def refused(d):
        with pytest.raises(DesignError, match="closes a cycle"):
            check_design(d)

    ratio = growth(cyclic, refused, 1_000, 8_000)
    assert ratio < 40, f"8 times the layers took {ratio:.1f} times as long"


def closed_chain(n_layers: int, at: int):
    """A reversed chain whose last layer also feeds the second, that connection listed at ``at``."""
    d = loads(chain_text(n_layers))
    d.layers[-1].kind = d.layers[1].kind  # the output becomes hidden, so it may feed back
    first, last = d.neurons_of(d.layers[1].id)[0], d.neurons_of(d.layers[-1].id)[0]
    d.connections.insert(at, Connection(last.id, first.id, 1.0))
    return d


def test_the_cycle_message_names_the_first_connection_that_closes_a_cycle():
    d = closed_chain(30, 5)
    with pytest.raises(DesignError) as e:
        check_design(d)
    # By brute force: the first k connections, in file order, that hold a cycle.
    prefix = d.copy()
    for k in range(1, len(d.connections) + 1):
        prefix.connections = d.connections[:k]
        try:
            check_design(prefix)
        except DesignError:
            closing = d.connections[k - 1]
            break
    names = NeuronNames(d)
    assert f"connection {names(closing.source)} → {names(closing.target)} closes a cycle" in str(e.value)


def test_the_cycle_message_of_a_long_cycle_stays_short():
    with pytest.raises(DesignError) as e:
        check_design(closed_chain(3_000, 5))
    message = str(e.value)
    assert "closes a cycle" in message and "2,994 more" in message and len(message) < 400, message


def test_compiled_columns_follow_the_design_order():
    d = loads(chain_text(50, 3))
    compiled = compile_design(d)
    for li in range(len(compiled.network.layers)):
        ids = compiled.neuron_ids(li)
        assert [compiled.neuron_pos[i] for i in ids] == [(li, c) for c in range(len(ids))]
    weights = compiled.connection_weights()
    assert np.array_equal(weights, [c.weight for c in d.connections])
