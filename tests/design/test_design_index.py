"""The design's look-ups by id take constant time through an index, and the
index never goes stale: after any change to the lists or to an id or a
neuron's layer, made in any way, every look-up answers as a search of the
lists would."""

from __future__ import annotations

import copy
import random

import pytest

from nnsim.design.build import layered
from nnsim.design.edits import Insert, Remove, SetField, apply_ops
from nnsim.design.model import Design, Layer, LayerKind, Neuron


def searched(d: Design):
    """Every look-up answered by searching the lists, as the model once did."""
    layers = {}
    for layer in d.layers:
        layers.setdefault(layer.id, layer)
    neurons = {}
    for n in d.neurons:
        neurons.setdefault(n.id, n)
    members = {layer.id: [n for n in d.neurons if n.layer == layer.id] for layer in d.layers}
    next_id = max([x.id for x in d.layers] + [n.id for n in d.neurons], default=0) + 1
    inputs = sum(len(members[x.id]) for x in d.layers if x.kind == LayerKind.INPUT)
    return layers, neurons, members, next_id, inputs


def agrees(d: Design) -> None:
    layers, neurons, members, next_id, inputs = searched(d)
    for lid, layer in layers.items():
        assert d.layer(lid) is layer
        assert d.neurons_of(lid) == members[lid]
        assert all(a is b for a, b in zip(d.neurons_of(lid), members[lid]))
    for nid, n in neurons.items():
        assert d.neuron(nid) is n
    assert d.next_id() == next_id
    assert d.input_size == inputs
    with pytest.raises(KeyError):
        d.neuron(next_id + 5)
    with pytest.raises(KeyError):
        d.layer(next_id + 5)


MUTATIONS = [
    lambda d, r: d.neurons.append(Neuron(d.next_id(), r.choice(d.layers).id)),
    lambda d, r: d.neurons.insert(r.randrange(len(d.neurons) + 1), Neuron(d.next_id(), r.choice(d.layers).id)),
    lambda d, r: d.neurons.pop(r.randrange(len(d.neurons))) if d.neurons else None,
    lambda d, r: d.neurons.remove(r.choice(d.neurons)) if d.neurons else None,
    lambda d, r: d.neurons.reverse(),
    lambda d, r: d.neurons.sort(key=lambda n: -n.id),
    lambda d, r: setattr(r.choice(d.neurons), "layer", r.choice(d.layers).id) if d.neurons else None,
    lambda d, r: setattr(r.choice(d.neurons), "id", d.next_id()) if d.neurons else None,
    lambda d, r: setattr(r.choice(d.layers), "id", d.next_id() + 1),
    lambda d, r: d.layers.append(Layer(d.next_id(), "new", LayerKind.HIDDEN)),
    lambda d, r: d.neurons.__setitem__(slice(None), d.neurons[::-1]),
    lambda d, r: d.neurons.__delitem__(0) if d.neurons else None,
    lambda d, r: d.neurons.extend([Neuron(d.next_id(), d.layers[0].id)]),
    lambda d, r: setattr(d, "neurons", d.neurons + [Neuron(d.next_id(), d.layers[-1].id)]),
    lambda d, r: setattr(d, "layers", list(d.layers)),
    lambda d, r: d.layers.__iadd__([Layer(d.next_id(), "more", LayerKind.OUTPUT)]),
    lambda d, r: d.neurons.clear() if r.random() < 0.05 else None,
]


def test_every_kind_of_change_keeps_the_look_ups_right():
    r = random.Random(7)
    d = layered([3, 4, 2])
    agrees(d)
    for _ in range(400):
        r.choice(MUTATIONS)(d, r)
        agrees(d)


def test_copies_keep_their_own_index():
    d = layered([2, 3, 1])
    agrees(d)
    deep = copy.deepcopy(d)
    shallow = copy.copy(d)
    deep.neurons.append(Neuron(deep.next_id(), deep.layers[1].id))
    agrees(deep)
    agrees(d)
    assert len(d.neurons_of(d.layers[1].id)) == 3 and len(deep.neurons_of(deep.layers[1].id)) == 4
    shallow.neurons = d.neurons + [Neuron(d.next_id(), d.layers[0].id)]  # as the editor's trials do
    agrees(shallow)
    agrees(d)
    assert d == copy.deepcopy(d)


def test_edit_operations_keep_the_look_ups_right():
    d = layered([2, 2, 1])
    agrees(d)
    new = Neuron(d.next_id(), d.layers[1].id)
    ops = [Insert("neurons", (1,), (new,)), SetField(("neuron", new.id), "layer", new.layer, d.layers[2].id)]
    apply_ops(d, ops)
    agrees(d)
    assert new in d.neurons_of(d.layers[2].id)
    apply_ops(d, [Remove("neurons", (1,), (new,))])
    agrees(d)
