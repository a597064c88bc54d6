"""Edits of a design as reversible operations, without Qt.

Every change the user makes is a list of primitive operations: insert items
into one of the design's lists, remove items from it, set one field of one
object, or replace all the numbers at once (weights, biases and the arrays of
parametric layers). Each operation knows its inverse, so an undo command is
simply "apply the list" / "apply the inverses in reverse order". Applying returns a ``Change`` saying what was touched, which the
window turns into signals.

``Index`` keeps dictionaries from ids to objects so that edits of big designs
do not search lists.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnsim.design.model import Connection, Design, Layer, Link, Neuron
from nnsim.design.names import NeuronNames
from nnsim.design.parameters import Numbers, all_numbers, is_link_key  # noqa: F401 - all numbers, with the layer arrays

COLLECTIONS = ("layers", "neurons", "connections", "links")


# -- operations ------------------------------------------------------------------
@dataclass(frozen=True)
class Insert:
    """Insert ``items`` so that they end up at ``indices`` (ascending)."""

    collection: str
    indices: tuple[int, ...]
    items: tuple

    def inverse(self) -> Remove:
        return Remove(self.collection, self.indices, self.items)


@dataclass(frozen=True)
class Remove:
    """Remove the items at ``indices`` (ascending); ``items`` are kept for undo."""

    collection: str
    indices: tuple[int, ...]
    items: tuple

    def inverse(self) -> Insert:
        return Insert(self.collection, self.indices, self.items)


@dataclass(frozen=True)
class SetField:
    """Set ``field`` of one object. ``target`` is ("neuron", id), ("layer", id),
    ("connection", (source, target)), ("link", (source layer, target layer)),
    ("training", None), ("design", None), or a GAN's settings ("gan", None) and
    one player's ("gan", "generator") / ("gan", "discriminator")."""

    target: tuple
    field: str
    old: Any
    new: Any

    def inverse(self) -> SetField:
        return SetField(self.target, self.field, self.new, self.old)


@dataclass(frozen=True, eq=False)
class SetNumbers:
    """Replace every number at once, e.g. after training: every connection
    weight and every neuron bias (design order; arrays (n_connections,) and
    (n_neurons,)) and the layer arrays named in ``old_arrays``/``new_arrays``
    (by (layer id, array name), or a link's weights by ``link_key``, as
    read-only ``ArrayValue``s; the same keys in both)."""

    old_weights: np.ndarray
    new_weights: np.ndarray
    old_biases: np.ndarray
    new_biases: np.ndarray
    old_arrays: dict = field(default_factory=dict)
    new_arrays: dict = field(default_factory=dict)

    def inverse(self) -> SetNumbers:
        return SetNumbers(self.new_weights, self.old_weights, self.new_biases, self.old_biases,
                          self.new_arrays, self.old_arrays)

    def then(self, later: SetNumbers) -> SetNumbers:
        """One operation doing this one and then ``later`` (runs of training
        steps or learn-mode updates merge into one undo step)."""
        old_arrays = {**later.old_arrays, **self.old_arrays}
        new_arrays = {**self.new_arrays, **later.new_arrays}
        return SetNumbers(self.old_weights, later.new_weights, self.old_biases, later.new_biases,
                          old_arrays, new_arrays)


@dataclass
class Change:
    """What a list of operations touched (ids; connections as (source, target))."""

    added: dict[str, list] = field(default_factory=lambda: {c: [] for c in COLLECTIONS})
    removed: dict[str, list] = field(default_factory=lambda: {c: [] for c in COLLECTIONS})
    changed: dict[str, set] = field(default_factory=lambda: {c: set() for c in COLLECTIONS})
    settings: bool = False  # training settings, data set, name or description
    numbers: bool = False  # all numbers (weights, biases, layer arrays)

    @property
    def structural(self) -> bool:
        return any(self.added[c] or self.removed[c] for c in COLLECTIONS)


def key_of(collection: str, item) -> Any:
    return (item.source, item.target) if collection in ("connections", "links") else item.id


# -- look-ups ----------------------------------------------------------------------
class Index:
    """Id -> object dictionaries for a design, rebuilt after structural edits."""

    def __init__(self, design: Design):
        self.design = design
        self._dirty = True

    def invalidate(self) -> None:
        self._dirty = True

    def _build(self) -> None:
        d = self.design
        self._layers = {layer.id: layer for layer in d.layers}
        self._neurons = {n.id: n for n in d.neurons}
        self._conns = {(c.source, c.target): c for c in d.connections}
        self._links = {(k.source, k.target): k for k in d.links}
        self._names: NeuronNames | None = None  # made on the first name asked for
        self._dirty = False

    def layer(self, layer_id: int) -> Layer:
        if self._dirty:
            self._build()
        return self._layers[layer_id]

    def neuron(self, neuron_id: int) -> Neuron:
        if self._dirty:
            self._build()
        return self._neurons[neuron_id]

    def connection(self, pair: tuple[int, int]) -> Connection | None:
        if self._dirty:
            self._build()
        return self._conns.get(tuple(pair))

    def link(self, pair: tuple[int, int]) -> Link | None:
        if self._dirty:
            self._build()
        return self._links.get(tuple(pair))

    def neuron_name(self, neuron_id: int) -> str:
        """The neuron's name (``nnsim.design.names``), O(1) after the first."""
        if self._dirty:
            self._build()
        if self._names is None:
            self._names = NeuronNames(self.design)
        return self._names(neuron_id)

    def has_neuron(self, neuron_id: int) -> bool:
        if self._dirty:
            self._build()
        return neuron_id in self._neurons

    def has_layer(self, layer_id: int) -> bool:
        if self._dirty:
            self._build()
        return layer_id in self._layers

    def object(self, target: tuple):
        kind, key = target
        if kind == "neuron":
            return self.neuron(key)
        if kind == "layer":
            return self.layer(key)
        if kind == "connection":
            c = self.connection(key)
            if c is None:
                raise KeyError(f"no connection {key}")
            return c
        if kind == "link":
            k = self.link(key)
            if k is None:
                raise KeyError(f"no link {key}")
            return k
        if kind == "training":
            return self.design.training
        if kind == "gan":  # a GAN's settings, or one player's (key "generator"/"discriminator"): edited in place
            return self.design.gan if key is None else getattr(self.design.gan, key)
        if kind == "design":
            return self.design
        raise KeyError(kind)


# -- applying --------------------------------------------------------------------------
def _insert(lst: list, indices, items) -> list:
    out: list = []
    src = iter(lst)
    k = 0
    total = len(lst) + len(items)
    for pos in range(total):
        if k < len(indices) and indices[k] == pos:
            out.append(items[k])
            k += 1
        else:
            out.append(next(src))
    return out


def apply_op(design: Design, op, index: Index, change: Change) -> None:
    """Apply one operation to the design in place and record it in ``change``."""
    if isinstance(op, Insert):
        lst = getattr(design, op.collection)
        lst[:] = _insert(lst, op.indices, op.items)
        change.added[op.collection].extend(key_of(op.collection, i) for i in op.items)
        index.invalidate()
    elif isinstance(op, Remove):
        lst = getattr(design, op.collection)
        drop = set(op.indices)
        lst[:] = [x for i, x in enumerate(lst) if i not in drop]
        change.removed[op.collection].extend(key_of(op.collection, i) for i in op.items)
        index.invalidate()
    elif isinstance(op, SetField):
        obj = index.object(op.target)
        setattr(obj, op.field, copy.deepcopy(op.new))
        kind = op.target[0]
        if kind in ("training", "design", "gan"):
            change.settings = True
        else:
            change.changed[kind + "s"].add(op.target[1])
    elif isinstance(op, SetNumbers):
        for c, w in zip(design.connections, op.new_weights.tolist()):
            c.weight = w
        for n, b in zip(design.neurons, op.new_biases.tolist()):
            n.bias = b
        for key, value in op.new_arrays.items():
            if is_link_key(key):
                index.link(key[1:]).weights = value
                continue
            lid, name = key
            layer = index.layer(lid)
            layer.arrays = {**layer.arrays, name: value}
        change.numbers = True
    else:
        raise TypeError(f"unknown operation {op!r}")


def apply_ops(design: Design, ops, index: Index | None = None, change: Change | None = None) -> Change:
    index = index or Index(design)
    change = change or Change()
    for op in ops:
        apply_op(design, op, index, change)
    return change


def inverse_ops(ops) -> list:
    return [op.inverse() for op in reversed(ops)]


# -- building operations -------------------------------------------------------------
def insert_at_end(design: Design, collection: str, items) -> Insert:
    start = len(getattr(design, collection))
    return Insert(collection, tuple(range(start, start + len(items))), tuple(items))


def remove_where(design: Design, collection: str, predicate) -> Remove | None:
    """A Remove of every item of a collection for which ``predicate`` holds."""
    found = [(i, x) for i, x in enumerate(getattr(design, collection)) if predicate(x)]
    if not found:
        return None
    return Remove(collection, tuple(i for i, _ in found), tuple(x for _, x in found))


def set_fields(target: tuple, obj, **values) -> list[SetField]:
    """SetField operations for the values that differ from the object's."""
    return [
        SetField(target, name, copy.deepcopy(getattr(obj, name)), copy.deepcopy(value))
        for name, value in values.items()
        if getattr(obj, name) != value
    ]


def numbers_of(design: Design) -> tuple[np.ndarray, np.ndarray]:
    """(weights, biases) of a design in design order; ``all_numbers`` adds
    the layer arrays."""
    return (
        np.array([c.weight for c in design.connections], dtype=np.float64),
        np.array([n.bias for n in design.neurons], dtype=np.float64),
    )
