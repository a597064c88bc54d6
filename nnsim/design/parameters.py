"""Where each number of a design lives among its named parameter arrays.

A design keeps its numbers in its records: each connection's weight, each
neuron's bias, and the ``arrays`` of each parametric layer. The compiled
network keeps the same numbers in named arrays (``layer:1->layer:4/weight``,
``layer:4/bias``, ``layer:7/kernel``; docs/parameters.md) inside one flat
vector. ``ParameterMap`` is the one mapping between the two: the window's
live numbers (the canvas's colours and bias readouts, the inspector), the
numbers a training session reads and writes, and the merging of trained
numbers with the user's edits all go through it. No Qt.

The mapping follows from the design alone (a layer's id, a neuron's place in
its layer, a connection's end points), so it can be made without compiling;
``positions`` then places it in a particular network's flat vector.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from nnsim.design.model import ArrayValue, Design, LayerKind

def layer_key(layer_id: int) -> str:
    """A layer as the owner of arrays in parameter names."""
    return f"layer:{layer_id}"


def weight_name(source_layer: int, target_layer: int, delay: int = 0) -> str:
    """The weight array of the connections from one layer to another (those
    with a delay of one step apart: ``…@1/weight``)."""
    return f"{layer_key(source_layer)}->{layer_key(target_layer)}{'@1' if delay else ''}/weight"


def bias_name(layer_id: int) -> str:
    """The bias array of a dense layer."""
    return f"{layer_key(layer_id)}/bias"


def array_name(layer_id: int, array: str) -> str:
    """A parametric layer's array ``array`` (its name in ``Layer.arrays``)."""
    return f"{layer_key(layer_id)}/{array}"


ArrayKey = tuple[int, str]  # (layer id, array name in Layer.arrays)


def link_key(source_layer: int, target_layer: int) -> tuple[str, int, int]:
    """The key of a link's weights among a design's arrays (beside the
    layers' (layer id, array name) keys)."""
    return ("link", source_layer, target_layer)


def is_link_key(key) -> bool:
    return len(key) == 3 and key[0] == "link"


@dataclass
class Keys:
    """Which record each entry of a design's numbers belongs to: the
    connections as (source, target), the neurons by id and the layer arrays
    as (layer id, array name) then the weights of links (``link_key``), in
    design order."""

    connections: list[tuple[int, int]]
    neurons: list[int]
    arrays: list[ArrayKey] = field(default_factory=list)

    @staticmethod
    def of(design: Design) -> Keys:
        return Keys(
            [(c.source, c.target) for c in design.connections],
            [n.id for n in design.neurons],
            [(layer.id, name) for layer in design.layers for name in layer.arrays]
            + [link_key(k.source, k.target) for k in design.links if k.weights is not None],
        )


class Numbers(NamedTuple):
    """Every number of a design: weights (n_connections,) and biases
    (n_neurons,) in design order, and the layer arrays by (layer id, array
    name)."""

    weights: np.ndarray
    biases: np.ndarray
    arrays: dict = {}

    def copy(self) -> Numbers:
        return Numbers(self.weights.copy(), self.biases.copy(), {k: v.copy() for k, v in self.arrays.items()})

    def equals(self, other: Numbers) -> bool:
        """The same numbers, exactly (shapes included)."""
        if set(self.arrays) != set(other.arrays):
            return False
        pairs = [(self.weights, other.weights), (self.biases, other.biases)]
        pairs += [(self.arrays[k], other.arrays[k]) for k in self.arrays]
        return all(a.shape == b.shape and np.array_equal(a, b) for a, b in pairs)


def all_numbers(design: Design) -> Numbers:
    """Every number of a design (copies)."""
    return Numbers(
        np.array([c.weight for c in design.connections], dtype=np.float64),
        np.array([n.bias for n in design.neurons], dtype=np.float64),
        {**{(layer.id, name): np.array(a.values) for layer in design.layers for name, a in layer.arrays.items()},
         **{link_key(k.source, k.target): np.array(k.weights.values) for k in design.links if k.weights is not None}},
    )


def array_values(arrays: dict) -> dict[ArrayKey, ArrayValue]:
    """Layer arrays as the design keeps them (read-only ``ArrayValue``s)."""
    return {k: v if isinstance(v, ArrayValue) else ArrayValue(v) for k, v in arrays.items()}


@dataclass
class Positions:
    """A ``ParameterMap`` placed in one network's flat vector: the flat
    index of each connection's weight (design order), of each biased
    neuron's bias (with the neurons' design positions), and the slice of
    each layer array."""

    weights: np.ndarray  # (n_connections,) int
    bias_neurons: np.ndarray  # (k,) int: design positions of the neurons with a bias
    biases: np.ndarray  # (k,) int
    arrays: list[tuple[ArrayKey, slice, tuple[int, ...]]]


class ParameterMap:
    """The mapping between a design's records and (array name, index)."""

    def __init__(self, design: Design):
        self.keys = Keys.of(design)
        layers = {layer.id: layer for layer in design.layers}
        place: dict[int, tuple[int, int]] = {}  # neuron id -> (layer id, place in its layer)
        size: dict[int, int] = {}
        for n in design.neurons:
            k = size.get(n.layer, 0)
            place[n.id] = (n.layer, k)
            size[n.layer] = k + 1
        self.names: list[str] = []
        self.shapes: dict[str, tuple[int, ...]] = {}
        index: dict[str, int] = {}

        def slot(name: str, shape: tuple[int, ...]) -> int:
            i = index.get(name)
            if i is None:
                i = index[name] = len(self.names)
                self.names.append(name)
                self.shapes[name] = shape
            return i

        n_conn = len(design.connections)
        self._conn_array = np.empty(n_conn, dtype=np.intp)
        self._conn_local = np.empty(n_conn, dtype=np.intp)
        self._conn_at: dict[tuple[int, int], tuple[str, tuple[int, int]]] | None = None
        pair_slot: dict[tuple[int, int, int], int] = {}  # a name made once per pair of layers, not per connection
        for k, c in enumerate(design.connections):
            (s, row), (t, col) = place[c.source], place[c.target]
            i = pair_slot.get((s, t, c.delay))
            if i is None:
                i = pair_slot[s, t, c.delay] = slot(weight_name(s, t, c.delay), (size[s], size[t]))
            self._conn_array[k] = i
            self._conn_local[k] = row * size[t] + col
        bias_pos, bias_array, bias_local = [], [], []
        for pos, n in enumerate(design.neurons):
            layer = layers.get(n.layer)
            if layer is not None and layer.kind != LayerKind.INPUT and layer.type == "dense":
                lid, col = place[n.id]
                bias_pos.append(pos)
                bias_array.append(slot(bias_name(lid), (size[lid],)))
                bias_local.append(col)
        self._bias_pos = np.array(bias_pos, dtype=np.intp)
        self._bias_array = np.array(bias_array, dtype=np.intp)
        self._bias_local = np.array(bias_local, dtype=np.intp)
        self._bias_at = {design.neurons[p].id: (self.names[a], (c,)) for p, a, c in
                         zip(bias_pos, bias_array, bias_local)}
        self.arrays: list[tuple[ArrayKey, str]] = []
        for layer in design.layers:
            for name, a in layer.arrays.items():
                slot(array_name(layer.id, name), tuple(a.shape))
                self.arrays.append(((layer.id, name), array_name(layer.id, name)))
        for k in design.links:
            if k.weights is not None:
                slot(weight_name(k.source, k.target), tuple(k.weights.shape))
                self.arrays.append((link_key(k.source, k.target), weight_name(k.source, k.target)))
        self._placed: tuple[object, Positions | None] | None = None

    # -- one record at a time (the inspector) -------------------------------------------------
    def connection(self, pair: tuple[int, int]) -> tuple[str, tuple[int, int]] | None:
        """(array name, (row, column)) of a connection's weight."""
        if self._conn_at is None:
            self._conn_at = {}
            for k, key in enumerate(self.keys.connections):
                name = self.names[self._conn_array[k]]
                cols = self.shapes[name][1]
                self._conn_at[key] = (name, divmod(int(self._conn_local[k]), cols))
        return self._conn_at.get(tuple(pair))

    def bias(self, neuron_id: int) -> tuple[str, tuple[int]] | None:
        """(array name, (column,)) of a neuron's bias; None where it has none
        (input neurons)."""
        return self._bias_at.get(neuron_id)

    # -- in a network's flat vector -------------------------------------------------------------
    def positions(self, layout) -> Positions | None:
        """Where every number sits in a flat vector of ``layout`` (a
        ``ParameterLayout``); None when the layout is not this design's
        (an array missing or of another shape)."""
        if self._placed is not None and self._placed[0] is layout:
            return self._placed[1]
        placed = None
        if all(layout.shapes.get(name) == shape for name, shape in self.shapes.items()):
            starts = np.array([layout.slices[name].start for name in self.names] or [0], dtype=np.intp)
            placed = Positions(
                weights=starts[self._conn_array] + self._conn_local,
                bias_neurons=self._bias_pos,
                biases=starts[self._bias_array] + self._bias_local,
                arrays=[(key, layout.slices[name], self.shapes[name]) for key, name in self.arrays],
            )
        self._placed = (layout, placed)
        return placed

    def weights(self, params) -> np.ndarray | None:
        """Every connection's weight (design order) from named arrays
        (``Parameters``); None when they are not this design's."""
        where = self.positions(params.layout)
        return None if where is None else params.flat[where.weights]

    def biases(self, params, fallback: np.ndarray) -> np.ndarray | None:
        """Every neuron's bias (design order); neurons without one in the
        network (inputs) take ``fallback`` (design order)."""
        where = self.positions(params.layout)
        if where is None:
            return None
        out = np.array(fallback, dtype=np.float64)
        out[where.bias_neurons] = params.flat[where.biases]
        return out

    def read(self, params, fallback: Numbers) -> Numbers | None:
        """The design's numbers from named arrays; numbers with no place in
        the network (input neurons' biases) come from ``fallback``."""
        where = self.positions(params.layout)
        if where is None:
            return None
        flat = params.flat
        biases = np.array(fallback.biases, dtype=np.float64)
        biases[where.bias_neurons] = flat[where.biases]
        arrays = {key: np.array(flat[sl], dtype=np.float64).reshape(shape) for key, sl, shape in where.arrays}
        return Numbers(np.array(flat[where.weights], dtype=np.float64), biases, arrays)

    def write(self, params, numbers: Numbers) -> None:
        """Put a design's numbers into named arrays (``Parameters``)."""
        where = self.positions(params.layout)
        if where is None:
            raise ValueError("the network's parameters do not fit this design")
        flat = params.flat
        flat[where.weights] = numbers.weights
        flat[where.biases] = np.asarray(numbers.biases)[where.bias_neurons]
        for key, sl, _ in where.arrays:
            flat[sl] = np.asarray(numbers.arrays[key], dtype=flat.dtype).ravel()
