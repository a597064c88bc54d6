"""Recurrent connections keep their delay through the editor's edits: a
neuron added to a layer joined recurrently (onto itself, or back from a
later layer) is joined as its siblings are, with their delay, and feeds
itself too, so the layer stays fully connected onto itself; pasted copies
of recurrent connections stay recurrent. The design stays valid."""

from __future__ import annotations

import numpy as np

from nnsim.design.build import layered
from nnsim.design.edits import apply_ops, inverse_ops
from nnsim.design.recipes import add_neuron, connect_layers, fragment, paste, resize_layer
from nnsim.design.validate import check_design


def recurrent():
    """input 1 (2, 3), hidden 1 id 4 (5, 6) onto itself and back from output 7 (8), both with delay 1."""
    design = layered([2, 2, 1])
    apply_ops(design, connect_layers(design, 4, 4, np.random.default_rng(0), delay=1))
    apply_ops(design, connect_layers(design, 7, 4, np.random.default_rng(0), delay=1))
    return design


def test_a_neuron_added_to_a_recurrent_layer_is_joined_with_its_siblings_delays():
    design = recurrent()
    before = design.copy()
    nid, ops = add_neuron(design, 4, 160.0, 60.0, np.random.default_rng(0))
    apply_ops(design, ops)
    check_design(design)
    assert [(c.source, c.target, c.delay) for c in design.connections[12:]] == [
        (2, nid, 0), (3, nid, 0), (5, nid, 1), (6, nid, 1), (8, nid, 1), (nid, 8, 0), (nid, 5, 1), (nid, 6, 1),
        (nid, nid, 1)]
    apply_ops(design, inverse_ops(ops))
    assert design == before


def test_a_recurrent_layer_grown_stays_valid_and_fully_joined_onto_itself():
    design = recurrent()
    apply_ops(design, resize_layer(design, 4, 4, np.random.default_rng(0)))
    check_design(design)
    hidden = [n.id for n in design.neurons_of(4)]
    onto_itself = {(c.source, c.target) for c in design.connections if c.delay == 1 and c.target in hidden
                   and c.source in hidden}
    assert onto_itself == {(s, t) for s in hidden for t in hidden}
    assert sum(c.delay == 0 for c in design.connections) == 2 * 4 + 4
    assert sum(c.delay == 1 and c.source == 8 for c in design.connections) == 4


def test_pasted_recurrent_connections_keep_their_delay():
    design = recurrent()
    ids, ops = paste(design, fragment(design, [5, 6, 8]), 0.0, 200.0)
    apply_ops(design, ops)
    check_design(design)
    assert [(c.source, c.target, c.delay) for c in design.connections[12:]] == [
        (ids[0], ids[2], 0), (ids[1], ids[2], 0), (ids[0], ids[0], 1), (ids[0], ids[1], 1), (ids[1], ids[0], 1),
        (ids[1], ids[1], 1), (ids[2], ids[0], 1), (ids[2], ids[1], 1)]
