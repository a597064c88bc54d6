"""The design a session is built from shares the Document's records where
their numbers are the same: opening or undoing on a large design copied
every connection (seconds for 180,000), though the numbers were the
Document's own."""

from __future__ import annotations

import numpy as np

from nnsim.app.training.keeper import trainee
from nnsim.design.build import initialize, layered
from nnsim.design.parameters import all_numbers


def test_unchanged_records_are_shared_and_changed_ones_copied():
    d = layered([2, 5, 1])
    initialize(d, np.random.default_rng(0))
    numbers = all_numbers(d)
    numbers.weights[3] += 1.0
    numbers.biases[-1] = 0.5
    t = trainee(d, numbers, [])
    shared = [a is b for a, b in zip(t.connections, d.connections)]
    assert shared == [k != 3 for k in range(len(d.connections))]
    assert t.connections[3].weight == d.connections[3].weight + 1.0  # the Document's record is untouched
    assert t.neurons[-1].bias == 0.5 and d.neurons[-1].bias != 0.5 and t.neurons[0] is d.neurons[0]
    assert [c.weight for c in t.connections] == numbers.weights.tolist()


def test_the_designs_own_numbers_share_every_record_in_lists_of_its_own():
    d = layered([2, 5, 1])
    initialize(d, np.random.default_rng(0))
    t = trainee(d, all_numbers(d), [], own=True)
    assert all(a is b for a, b in zip(t.connections, d.connections)) and len(t.connections) == len(d.connections)
    assert all(a is b for a, b in zip(t.neurons, d.neurons))
    assert t.connections is not d.connections and t.neurons is not d.neurons  # edits of the design's lists stay there
    d.connections.pop()
    assert len(t.connections) == len(d.connections) + 1
