"""Where each number of a design lives among the network's named arrays, as
the inspector and training read and write it: each connection's array and
(row, column), each neuron's bias place (none for inputs), the biases read
with their fallback, and layer arrays kept as read-only values. Expected
places are worked out from the design itself (a neuron's place in its layer
in design order), not from the map."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_layer, connect_all, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import ArrayValue, Connection, LayerKind, Neuron
from nnsim.design.parameters import (
    Keys, Numbers, ParameterMap, all_numbers, array_name, array_values, bias_name, is_link_key, layer_key, link_key,
    weight_name,
)


def _interleaved():
    """2 inputs, 3 hidden (one added after the output neuron), 2 outputs, a
    loop on the hidden layer; every number distinct."""
    design = layered([2, 2, 2])
    inp, hid, out = design.layers
    extra = Neuron(design.next_id(), hid.id)
    design.neurons.append(extra)
    for s in design.neurons_of(inp.id):
        design.connections.append(Connection(s.id, extra.id))
    design.connections.append(Connection(extra.id, design.neurons_of(out.id)[1].id))
    connect_all(design, hid.id, hid.id, delay=1)
    for i, c in enumerate(design.connections):
        c.weight = 0.5 + i
    for i, n in enumerate(design.neurons):
        n.bias = -0.25 - i
    return design


def _place(design):
    """neuron id -> (layer id, place among its layer's neurons in design order)."""
    seen, out = {}, {}
    for n in design.neurons:
        out[n.id] = (n.layer, seen.get(n.layer, 0))
        seen[n.layer] = seen.get(n.layer, 0) + 1
    return out, seen


def test_names_of_parameters():
    assert layer_key(7) == "layer:7"
    assert weight_name(1, 4) == "layer:1->layer:4/weight"
    assert weight_name(3, 3, 1) == "layer:3->layer:3@1/weight"
    assert weight_name(3, 3, 0) == "layer:3->layer:3/weight"
    assert bias_name(4) == "layer:4/bias"
    assert array_name(7, "kernel") == "layer:7/kernel"
    assert link_key(2, 5) == ("link", 2, 5)
    assert is_link_key(("link", 2, 5)) and not is_link_key((2, "kernel")) and not is_link_key(("linked", 2, 5))
    assert not is_link_key(("link", 2))


def test_every_connection_and_bias_has_its_place_and_names_their_shapes():
    design = _interleaved()
    inp, hid, out = design.layers
    pmap = ParameterMap(design)
    place, size = _place(design)
    assert size == {inp.id: 2, hid.id: 3, out.id: 2}
    assert pmap.names == [weight_name(inp.id, hid.id), weight_name(hid.id, out.id), weight_name(hid.id, hid.id, 1),
                          bias_name(hid.id), bias_name(out.id)]
    assert pmap.shapes == {weight_name(inp.id, hid.id): (2, 3), weight_name(hid.id, out.id): (3, 2),
                           weight_name(hid.id, hid.id, 1): (3, 3), bias_name(hid.id): (3,), bias_name(out.id): (2,)}
    for c in design.connections:
        (s, row), (t, col) = place[c.source], place[c.target]
        assert pmap.connection((c.source, c.target)) == (weight_name(s, t, c.delay), (row, col))
        assert pmap.connection([c.source, c.target]) == (weight_name(s, t, c.delay), (row, col))
    assert pmap.connection((out.id * 1000, 1)) is None
    for n in design.neurons:
        lid, col = place[n.id]
        assert pmap.bias(n.id) == (None if lid == inp.id else (bias_name(lid), (col,)))
    assert pmap.bias(10_000) is None
    assert pmap.keys == Keys.of(design)
    assert pmap.keys.connections == [(c.source, c.target) for c in design.connections]
    assert pmap.keys.neurons == [n.id for n in design.neurons]


def test_numbers_read_and_written_through_the_network_land_where_the_map_says():
    design = _interleaved()
    inp, hid, out = design.layers
    params = compile_design(design).network.parameters
    pmap = ParameterMap(design)
    place, _ = _place(design)
    numbers = all_numbers(design)
    pmap.write(params, numbers)
    for c in design.connections:
        (s, row), (t, col) = place[c.source], place[c.target]
        assert params[weight_name(s, t, c.delay)][row, col] == c.weight
    for n in design.neurons:
        lid, col = place[n.id]
        if lid != inp.id:
            assert params[bias_name(lid)][col] == n.bias
    assert np.array_equal(pmap.weights(params), [c.weight for c in design.connections])
    fallback = np.array([100.0 + i for i in range(len(design.neurons))])
    biases = pmap.biases(params, fallback)
    assert biases.dtype == np.float64
    assert np.array_equal(biases, [fallback[i] if n.layer == inp.id else n.bias for i, n in enumerate(design.neurons)])
    assert fallback[0] == 100.0  # the fallback is not written into
    read = pmap.read(params, Numbers(numbers.weights, fallback))
    assert np.array_equal(read.weights, numbers.weights)
    assert np.array_equal(read.biases, biases)
    # trained numbers moved: the map reads them back from the network
    params[bias_name(out.id)][1] = 42.0
    params[weight_name(hid.id, hid.id, 1)][2, 0] = -7.0
    loop = [k for k, c in enumerate(design.connections) if c.delay and place[c.source][1] == 2 and place[c.target][1] == 0]
    assert pmap.weights(params)[loop[0]] == -7.0
    last_out = [k for k, n in enumerate(design.neurons) if n.layer == out.id][1]
    assert pmap.biases(params, fallback)[last_out] == 42.0


def test_a_network_of_another_design_is_not_read_nor_written():
    design = _interleaved()
    pmap = ParameterMap(design)
    other = compile_design(layered([2, 3, 2])).network.parameters
    assert pmap.positions(other.layout) is None
    assert pmap.weights(other) is None
    assert pmap.biases(other, np.zeros(len(design.neurons))) is None
    assert pmap.read(other, all_numbers(design)) is None
    with pytest.raises(ValueError) as refused:
        pmap.write(other, all_numbers(design))
    assert str(refused.value) == "the network's parameters do not fit this design"
    # and the map still reads its own network after looking at another
    params = compile_design(design).network.parameters
    assert pmap.positions(params.layout) is not None
    assert pmap.weights(params) is not None


def test_biases_of_a_design_with_only_inputs_and_blocks_take_the_fallback():
    design = nnsim.example("digits-cnn")
    params = compile_design(design).network.parameters
    pmap = ParameterMap(design)
    fallback = np.arange(len(design.neurons), dtype=np.float64) + 0.5
    biases = pmap.biases(params, fallback)
    dense = {layer.id for layer in design.layers if layer.type == "dense" and layer.kind != LayerKind.INPUT}
    place, _ = _place(design)
    expected = [params[bias_name(n.layer)][place[n.id][1]] if n.layer in dense else fallback[i]
                for i, n in enumerate(design.neurons)]
    assert np.array_equal(biases, expected)
    arrays = {key: name for key, name in pmap.arrays}
    for layer in design.layers:
        for name, a in layer.arrays.items():
            assert arrays[(layer.id, name)] == array_name(layer.id, name)
            assert pmap.shapes[array_name(layer.id, name)] == a.shape
    read = pmap.read(params, all_numbers(design))
    for layer in design.layers:
        for name, a in layer.arrays.items():
            assert np.array_equal(read.arrays[(layer.id, name)], a.values)


def test_a_biased_neuron_of_a_layer_added_by_hand():
    design = layered([1, 1])
    extra = add_layer(design, LayerKind.OUTPUT, 2)
    connect_all(design, design.layers[0].id, extra.id)
    pmap = ParameterMap(design)
    ids = [n.id for n in design.neurons_of(extra.id)]
    assert [pmap.bias(i) for i in ids] == [(bias_name(extra.id), (0,)), (bias_name(extra.id), (1,))]


def test_array_values_are_read_only_design_values_and_kept_when_already_so():
    kept = ArrayValue([1.0, 2.0])
    out = array_values({(3, "kernel"): np.array([[1, 2], [3, 4]]), (3, "bias"): kept, link_key(1, 2): [5.0]})
    assert list(out) == [(3, "kernel"), (3, "bias"), link_key(1, 2)]
    assert all(isinstance(v, ArrayValue) for v in out.values())
    assert out[(3, "bias")] is kept
    assert out[(3, "kernel")] == ArrayValue([[1.0, 2.0], [3.0, 4.0]])
    assert out[(3, "kernel")].values.dtype == np.float64 and not out[(3, "kernel")].values.flags.writeable
    assert out[link_key(1, 2)].shape == (1,)
    assert array_values({}) == {}


def test_numbers_are_equal_only_with_the_same_keys_shapes_and_values():
    a = Numbers(np.array([1.0, 2.0]), np.array([0.5]), {(1, "k"): np.ones((2, 2))})
    assert a.equals(a.copy())
    b = a.copy()
    b.arrays[(1, "k")][0, 0] = 3.0
    assert not a.equals(b) and a.arrays[(1, "k")][0, 0] == 1.0
    assert not a.equals(Numbers(a.weights, a.biases, {(1, "k"): np.ones(4)}))
    assert not a.equals(Numbers(a.weights, a.biases, {(2, "k"): np.ones((2, 2))}))
    assert not a.equals(Numbers(a.weights, np.array([0.25]), a.arrays))
    assert not a.equals(Numbers(np.array([1.0, 2.5]), a.biases, a.arrays))
    assert not a.equals(Numbers(np.array([[1.0, 2.0]]), a.biases, a.arrays))


def _digits():
    design = nnsim.example("digits-cnn")
    by_id = {layer.id: layer for layer in design.layers}
    return design, by_id


def test_the_keys_and_numbers_of_layer_arrays_and_link_weights():
    design, by_id = _digits()
    weighted = [k for k in design.links if k.weights is not None]
    assert weighted and len(weighted) < len(design.links)  # links into blocks carry no weights
    expected = [(layer.id, name) for layer in design.layers for name in layer.arrays] \
        + [("link", k.source, k.target) for k in weighted]
    assert len(expected) > len(weighted)
    assert Keys.of(design).arrays == expected
    numbers = all_numbers(design)
    assert list(numbers.arrays) == expected
    for layer in design.layers:
        for name, a in layer.arrays.items():
            assert np.array_equal(numbers.arrays[(layer.id, name)], a.values)
    for k in weighted:
        assert np.array_equal(numbers.arrays[("link", k.source, k.target)], k.weights.values)
        numbers.arrays[("link", k.source, k.target)][...] = 9.0  # a copy, free to change
        assert not np.all(k.weights.values == 9.0)
    pmap = ParameterMap(design)
    assert [key for key, _ in pmap.arrays] == expected
    assert [name for _, name in pmap.arrays][-len(weighted):] == [weight_name(k.source, k.target) for k in weighted]


def test_layer_arrays_and_link_weights_written_into_the_network():
    design, _ = _digits()
    params = compile_design(design).network.parameters
    pmap = ParameterMap(design)
    numbers = all_numbers(design)
    for key in numbers.arrays:
        numbers.arrays[key] = numbers.arrays[key] * 2.0 + 1.0
    pmap.write(params, numbers)
    for layer in design.layers:
        for name, a in layer.arrays.items():
            assert np.array_equal(params[array_name(layer.id, name)], a.values * 2.0 + 1.0)
    for k in design.links:
        if k.weights is not None:
            assert np.array_equal(params[weight_name(k.source, k.target)], k.weights.values * 2.0 + 1.0)
    assert pmap.read(params, numbers).equals(numbers)


def test_whole_numbers_in_a_design_are_read_as_floats():
    design = layered([2, 1])
    for i, c in enumerate(design.connections):
        c.weight = i + 1
    for i, n in enumerate(design.neurons):
        n.bias = -i
    numbers = all_numbers(design)
    assert numbers.weights.dtype == np.float64 and numbers.biases.dtype == np.float64
    params = compile_design(design).network.parameters
    pmap = ParameterMap(design)
    params.flat[:] = np.arange(len(params.flat)) + 0.5
    fallback = [7] * len(design.neurons)  # whole numbers: the biases read are not rounded to them
    biases = pmap.biases(params, fallback)
    assert biases.dtype == np.float64 and biases[-1] % 1 == 0.5 and biases[0] == 7.0
    read = pmap.read(params, Numbers(np.zeros(2, dtype=int), np.array(fallback)))
    assert read.biases.dtype == np.float64 and read.biases[-1] % 1 == 0.5


def test_a_single_precision_network_is_read_in_double():
    design, _ = _digits()
    params = compile_design(design, np.float32).network.parameters
    assert params.flat.dtype == np.float32
    read = ParameterMap(design).read(params, all_numbers(design))
    assert read.weights.dtype == np.float64 and read.biases.dtype == np.float64
    assert all(a.dtype == np.float64 for a in read.arrays.values())
    for layer in design.layers:
        for name, a in layer.arrays.items():
            assert np.array_equal(read.arrays[(layer.id, name)], a.values.astype(np.float32))


class _Layout:
    def __init__(self, shapes, slices):
        self.shapes, self.slices = shapes, slices


class _Params:
    def __init__(self, layout, flat):
        self.layout, self.flat = layout, flat


def test_a_design_of_inputs_only_has_no_numbers_in_a_network():
    design = layered([3])
    pmap = ParameterMap(design)
    assert pmap.names == [] and all(pmap.bias(n.id) is None for n in design.neurons)
    params = _Params(_Layout({}, {}), np.zeros(0))
    assert pmap.weights(params).shape == (0,)
    assert np.array_equal(pmap.biases(params, [1.5, 2.5, 3.5]), [1.5, 2.5, 3.5])
    read = pmap.read(params, Numbers(np.zeros(0), np.array([1.0, 2.0, 3.0])))
    assert np.array_equal(read.biases, [1.0, 2.0, 3.0]) and read.arrays == {}
    pmap.write(params, read)
