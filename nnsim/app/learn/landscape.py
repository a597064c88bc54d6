"""The loss as a function of two chosen numbers of the network. No Qt.

Pick two parameters (weights or biases); every other number stays as it is.
``Landscape.grid`` evaluates the training loss (the same mean loss the
trainer reports, without regularisation) over a grid of the two values;
``gradient`` gives the engine's backpropagated gradient with respect to the
two; ``descend`` takes one plain gradient-descent step on just those two, so
the path it draws lies exactly on the map.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from nnsim.design.compile import compile_design
from nnsim.design.model import Design
from nnsim.design.names import NeuronNames
from nnsim.explain import fmt


@dataclass(frozen=True)
class Param:
    """A weight ("w", (source, target)) or a bias ("b", neuron id). Two
    Params are the same number whatever their names say."""

    kind: str
    key: object
    name: str = field(default="", compare=False)


class ParamList(Sequence):
    """Every trainable number of a design, in design order (weights, then
    biases), named for people only when a name is read: a design of 180,000
    connections lists its numbers in one pass, and a chooser names the few
    rows it shows. Each neuron is named once, not once per connection."""

    def __init__(self, design: Design):
        inputs = {layer.id for layer in design.layers if layer.kind.value == "input"}
        self.keys: list[tuple[str, object]] = [("w", (c.source, c.target)) for c in design.connections if not c.frozen]
        self.keys += [("b", n.id) for n in design.neurons if n.layer not in inputs]
        self.neuron_names = NeuronNames(design).all()
        self._where: dict | None = None
        self._names: list[str] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        kind, key = self.keys[i]
        return Param(kind, key, self.name(i))

    def name(self, i: int) -> str:
        if self._names is not None:
            return self._names[i]
        return self._name(*self.keys[i])

    def _name(self, kind: str, key) -> str:
        names = self.neuron_names
        if kind == "w":
            s, t = key
            return f"weight {names.get(s, f'neuron {s}')} → {names.get(t, f'neuron {t}')}"
        return f"bias of {names.get(key, f'neuron {key}')}"

    def names(self) -> list[str]:
        """Every name (made once, for searching)."""
        if self._names is None:
            self._names = [self._name(kind, key) for kind, key in self.keys]
        return self._names

    def index(self, param: Param, *_) -> int:  # noqa: D102 - a list's index, in O(1)
        if self._where is None:
            self._where = {k: i for i, k in enumerate(self.keys)}
        found = self._where.get((param.kind, param.key)) if isinstance(param, Param) else None
        if found is None:
            raise ValueError(f"{param!r} is not a number of this design")
        return found

    def __contains__(self, param) -> bool:
        try:
            self.index(param)
        except ValueError:
            return False
        return True

    def same_as(self, other: ParamList | None) -> bool:
        """The same numbers under the same names."""
        return other is not None and self.keys == other.keys and self.neuron_names == other.neuron_names


def params_of(design: Design) -> list[Param]:
    """Every trainable number of the design, named for people."""
    return list(ParamList(design))


def find_param(design: Design, spec) -> Param | None:
    """A parameter from a lesson's ``[source, target]`` (labels or ids) or
    ``["bias", neuron]``."""
    from nnsim.lessons.checks import find_neuron

    a, b = spec
    params = params_of(design)
    if isinstance(a, str) and a.strip().lower() == "bias":
        n = find_neuron(design, b)
        return next((p for p in params if p.kind == "b" and n is not None and p.key == n.id), None)
    s, t = find_neuron(design, a), find_neuron(design, b)
    if s is None or t is None:
        return None
    return next((p for p in params if p.kind == "w" and p.key == (s.id, t.id)), None)


BLOCK_SAMPLES = 100  # samples a design with block layers is measured on


class Landscape:
    """A compiled copy of the design with two parameters to vary."""

    def __init__(self, design: Design, x: np.ndarray, y: np.ndarray, px: Param, py: Param):
        self.design = design.copy()
        self.compiled = compile_design(self.design)
        self.net = self.compiled.network
        self.x = np.asarray(x, dtype=np.float64)  # (n, n_inputs)
        self.y = np.asarray(y, dtype=np.float64)  # (n, n_outputs)
        if any(layer.type != "dense" for layer in design.layers) and len(self.x) > BLOCK_SAMPLES:
            # An image network costs far more per sample: the landscape (thousands of
            # forward passes) is drawn over an even spread of its samples.
            keep = np.linspace(0, len(self.x) - 1, BLOCK_SAMPLES).round().astype(np.intp)
            self.x, self.y = self.x[keep], self.y[keep]
        self.params = (px, py)
        self._where = [self._locate(px), self._locate(py)]

    def _locate(self, p: Param):
        """(array, index) of a parameter in the compiled network."""
        if p.kind == "w":
            k = next(i for i, c in enumerate(self.design.connections) if (c.source, c.target) == p.key)
            b = int(self.compiled.conn_block[k])
            return ("W", b, (int(self.compiled.conn_row[k]), int(self.compiled.conn_col[k])))
        li, col = self.compiled.neuron_pos[p.key]
        return ("b", li, (col,))

    def _array(self, where):
        kind, i, _ = where
        return self.net.blocks[i].W if kind == "W" else self.net.layers[i].b

    def values(self) -> tuple[float, float]:
        return tuple(float(self._array(w)[w[2]]) for w in self._where)

    def set_values(self, u: float, v: float) -> None:
        for w, value in zip(self._where, (u, v)):
            self._array(w)[w[2]] = value

    def loss(self) -> float:
        with np.errstate(all="ignore"):
            return float(self.net.loss_of(self.net.forward(self.x), self.y))

    def loss_at(self, u: float, v: float) -> float:
        keep = self.values()
        self.set_values(u, v)
        try:
            return self.loss()
        finally:
            self.set_values(*keep)

    def grid(self, us: np.ndarray, vs: np.ndarray) -> np.ndarray:
        """Loss over the grid: shape (len(vs), len(us)), row = the second parameter."""
        keep = self.values()
        out = np.empty((len(vs), len(us)), dtype=np.float64)
        try:
            for i, v in enumerate(vs):
                for j, u in enumerate(us):
                    self.set_values(u, v)
                    out[i, j] = self.loss()
        finally:
            self.set_values(*keep)
        return out

    def gradient(self) -> tuple[float, float]:
        """∂L/∂(first), ∂L/∂(second) at the current values, from backpropagation."""
        with np.errstate(all="ignore"):
            g = self.net.backward(self.net.forward(self.x), self.y)
        out = []
        for kind, i, idx in self._where:
            arr = g.dW[i] if kind == "W" else g.db[i]
            out.append(float(arr[idx]))
        return out[0], out[1]

    def descend(self, rate: float) -> tuple[float, float, float]:
        """One gradient-descent step on the two parameters; returns the new
        values and the loss there."""
        gu, gv = self.gradient()
        u, v = self.values()
        self.set_values(u - rate * gu, v - rate * gv)
        return (*self.values(), self.loss())

    def write_numbers(self, design: Design) -> tuple[list[float], list[float]]:
        """The design's weights and biases with the two parameters replaced."""
        weights = [c.weight for c in design.connections]
        biases = [n.bias for n in design.neurons]
        u, v = self.values()
        for p, value in zip(self.params, (u, v)):
            if p.kind == "w":
                k = next(i for i, c in enumerate(design.connections) if (c.source, c.target) == p.key)
                weights[k] = value
            else:
                k = next(i for i, n in enumerate(design.neurons) if n.id == p.key)
                biases[k] = value
        return weights, biases


def auto_span(u: float, v: float) -> float:
    """Half the width of a map that shows the neighbourhood of (u, v) well."""
    return max(2.0, 1.5 * max(abs(u), abs(v)))


DIVERGE_FACTOR = 100.0


def diverged(losses: list[float]) -> bool:
    """Training has blown up: the loss is not a number any more, or it has
    grown a hundredfold since the run began and is still growing."""
    if not losses:
        return False
    last = losses[-1]
    if not math.isfinite(last):
        return True
    first = losses[0]
    return len(losses) >= 3 and last > DIVERGE_FACTOR * max(first, 1e-12) and last > losses[-2]


def describe_gradient(g: tuple[float, float]) -> str:
    return f"({fmt(g[0])}, {fmt(g[1])})"
