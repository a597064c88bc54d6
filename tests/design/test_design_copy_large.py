"""Copying a large design (Reset, the landscape's copy, sessions) must not
run a generic deep copy per connection: that took ten seconds for 180,000
connections."""

from __future__ import annotations

import numpy as np

from nnsim.design.build import initialize, layered
from nnsim.design.model import Connection


def test_a_copy_is_deep_and_does_not_deep_copy_each_connection(monkeypatch):
    d = layered([3, 40, 40, 2])
    initialize(d, np.random.default_rng(0))
    calls = []

    def deep_copied(self, memo):  # what copy.deepcopy calls for each record it copies generically
        calls.append(self)
        twin = object.__new__(Connection)
        twin.__dict__.update(self.__dict__)
        return twin

    monkeypatch.setattr(Connection, "__deepcopy__", deep_copied, raising=False)
    twin = d.copy()
    assert twin == d
    assert calls == [] and len(d.connections) == 1_800
    twin.connections[0].weight = 9.0
    twin.neurons[0].bias = 9.0
    twin.layers[0].options["x"] = 1
    assert d.connections[0].weight != 9.0 and d.neurons[0].bias != 9.0 and "x" not in d.layers[0].options
    assert twin.connections is not d.connections and type(twin.connections) is type(d.connections)
