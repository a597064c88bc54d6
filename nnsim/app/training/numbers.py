"""Between a design and a session's network: numbers in design order, keys
that say when a design must be compiled again, and merging trained numbers
with the user's edits. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.design.edits import numbers_of
from nnsim.design.model import Design
from nnsim.session import Session


@dataclass
class Keys:
    """Which connection and neuron each entry of a (weights, biases) pair is."""

    connections: list[tuple[int, int]]
    neurons: list[int]

    @staticmethod
    def of(design: Design) -> Keys:
        return Keys([(c.source, c.target) for c in design.connections], [n.id for n in design.neurons])


def compile_key(design: Design) -> tuple:
    """Everything the compiled network depends on besides the numbers."""
    return (
        tuple((lay.id, lay.kind, lay.activation) for lay in design.layers),
        tuple((n.id, n.layer, n.activation, n.threshold) for n in design.neurons),
        tuple((c.source, c.target, c.frozen) for c in design.connections),
        design.training.rule,
    )


def members_key(design: Design) -> tuple:
    """The layers, neurons and connections there are (a change here is
    structural: training pauses)."""
    return (
        tuple(lay.id for lay in design.layers),
        tuple(n.id for n in design.neurons),
        tuple((c.source, c.target) for c in design.connections),
    )


class NumberMap:
    """Reads and writes a session's weights and biases in design order."""

    def __init__(self, session: Session, design: Design):
        comp = session.compiled
        self.net = comp.network
        self.conn_block = comp.conn_block
        self.conn_row = comp.conn_row
        self.conn_col = comp.conn_col
        self.keys = Keys.of(design)
        # Neurons with a bias in the network, grouped by layer.
        self._bias_slots = []  # (layer index, design positions, columns)
        by_layer: dict[int, tuple[list[int], list[int]]] = {}
        for pos, n in enumerate(design.neurons):
            li, col = comp.neuron_pos[n.id]
            if self.net.layers[li].b is not None:
                rows = by_layer.setdefault(li, ([], []))
                rows[0].append(pos)
                rows[1].append(col)
        for li, (pos, cols) in by_layer.items():
            self._bias_slots.append((li, np.array(pos, dtype=np.intp), np.array(cols, dtype=np.intp)))
        self._fixed_biases = numbers_of(design)[1]  # input neurons keep theirs
        self._block_sel = comp.block_connections()  # one sort, not one scan per block

    def read(self) -> tuple[np.ndarray, np.ndarray]:
        """(weights (n_connections,), biases (n_neurons,)) as new float64 arrays."""
        w = self.weights()
        bias = self._fixed_biases.copy()
        for li, pos, cols in self._bias_slots:
            bias[pos] = self.net.layers[li].b[cols]
        return w, bias

    def weights(self) -> np.ndarray:
        w = np.empty(len(self.conn_block), dtype=np.float64)
        for b, sel in enumerate(self._block_sel):
            w[sel] = self.net.blocks[b].W[self.conn_row[sel], self.conn_col[sel]]
        return w

    def write(self, weights: np.ndarray, biases: np.ndarray) -> None:
        """Put design-order numbers into the network."""
        for b, sel in enumerate(self._block_sel):
            self.net.blocks[b].W[self.conn_row[sel], self.conn_col[sel]] = weights[sel]
        for li, pos, cols in self._bias_slots:
            self.net.layers[li].b[cols] = biases[pos]


def merge(
    old_keys: Keys,
    trained: tuple[np.ndarray, np.ndarray],
    synced: tuple[np.ndarray, np.ndarray],
    new_keys: Keys,
    now: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Numbers for the design as it is ``now``: an entry the user left alone
    since the last sync (equal to ``synced``) takes the ``trained`` value; an
    edited or new entry keeps the design's. ``trained`` and ``synced`` are in
    ``old_keys`` order, ``now`` in ``new_keys`` order."""
    out = []
    for old, new, tr, sy, cur in (
        (old_keys.connections, new_keys.connections, trained[0], synced[0], now[0]),
        (old_keys.neurons, new_keys.neurons, trained[1], synced[1], now[1]),
    ):
        if old == new:
            same = cur == sy
            out.append(np.where(same, tr, cur))
            continue
        where = {k: i for i, k in enumerate(old)}
        res = cur.copy()
        for j, k in enumerate(new):
            i = where.get(k)
            if i is not None and cur[j] == sy[i]:
                res[j] = tr[i]
        out.append(res)
    return out[0], out[1]


def remap(old_keys: Keys, values: tuple[np.ndarray, np.ndarray], new_keys: Keys, fallback) -> tuple:
    """``values`` (old key order) for the new keys; entries that are new take
    ``fallback`` (new key order)."""
    out = []
    for old, new, v, fb in (
        (old_keys.connections, new_keys.connections, values[0], fallback[0]),
        (old_keys.neurons, new_keys.neurons, values[1], fallback[1]),
    ):
        if old == new:
            out.append(v.copy())
            continue
        where = {k: i for i, k in enumerate(old)}
        res = np.array(fb, dtype=np.float64)
        for j, k in enumerate(new):
            i = where.get(k)
            if i is not None:
                res[j] = v[i]
        out.append(res)
    return out[0], out[1]
