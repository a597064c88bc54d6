"""The canvas's copy of the connections, as NumPy arrays grouped by layer pair.

No Qt here. Connections are drawn per (source layer, target layer) pair, so
they are stored that way: for each pair, arrays of the connection keys, the
rows of their end points in one shared position table, their weights and
frozen flags. Moving a neuron rewrites one row of the position table; the
segments of a pair are then one fancy-indexing away.

A connection key is ``source << 32 | target`` (ids are below 2**31).
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from nnsim.app.canvas.style import buckets_of

PairKey = tuple[int, int]  # (source layer id, target layer id)


def encode(source, target) -> np.ndarray:
    return (np.asarray(source, dtype=np.int64) << 32) | np.asarray(target, dtype=np.int64)


def decode(key: int) -> tuple[int, int]:
    return int(key) >> 32, int(key) & 0xFFFFFFFF


class PairData:
    """The connections from one layer to another."""

    def __init__(self):
        self.keys = np.zeros(0, dtype=np.int64)  # (n,)
        self.src = np.zeros(0, dtype=np.int64)  # (n,) rows in the position table
        self.dst = np.zeros(0, dtype=np.int64)
        self.weights = np.zeros(0, dtype=np.float64)
        self.frozen = np.zeros(0, dtype=bool)
        self.live: np.ndarray | None = None  # weights shown while training
        self.design_idx: np.ndarray | None = None  # position of each in design order
        self._where: dict[int, int] | None = None
        self._buckets: np.ndarray | None = None
        self._strongest: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.keys)

    # -- edits ----------------------------------------------------------------------
    def _touched(self, structural: bool) -> None:
        self._buckets = None
        self._strongest = {}
        if structural:
            self._where = None
            self.design_idx = None
            self.live = None

    def add(self, keys, src, dst, weights, frozen) -> None:
        self.keys = np.concatenate([self.keys, keys])
        self.src = np.concatenate([self.src, src])
        self.dst = np.concatenate([self.dst, dst])
        self.weights = np.concatenate([self.weights, weights])
        self.frozen = np.concatenate([self.frozen, frozen])
        self._touched(True)

    def keep(self, mask: np.ndarray) -> int:
        """Keep only the connections where ``mask`` holds; returns how many went."""
        gone = int(len(mask) - np.count_nonzero(mask))
        if gone:
            self.keys, self.src, self.dst = self.keys[mask], self.src[mask], self.dst[mask]
            self.weights, self.frozen = self.weights[mask], self.frozen[mask]
            self._touched(True)
        return gone

    def remove_keys(self, keys: np.ndarray) -> int:
        return self.keep(~np.isin(self.keys, keys))

    def remove_rows(self, rows: np.ndarray) -> int:
        return self.keep(~(np.isin(self.src, rows) | np.isin(self.dst, rows)))

    def where(self, key: int) -> int | None:
        if self._where is None:
            self._where = {int(k): i for i, k in enumerate(self.keys.tolist())}
        return self._where.get(int(key))

    def set_values(self, positions, weights, frozen) -> None:
        self.weights[positions] = weights
        self.frozen[positions] = frozen
        self._touched(False)

    def set_live(self, live: np.ndarray | None) -> bool:
        """Show other weights; True if the drawing changes."""
        before = self.buckets()
        self.live = live
        self._buckets = None
        self._strongest = {}
        return not np.array_equal(before, self.buckets())

    # -- drawing ----------------------------------------------------------------------
    def shown_weights(self) -> np.ndarray:
        return self.live if self.live is not None else self.weights

    def buckets(self) -> np.ndarray:
        if self._buckets is None:
            self._buckets = buckets_of(self.shown_weights(), self.frozen)
        return self._buckets

    def strongest(self, count: int) -> np.ndarray:
        """Indices of the ``count`` connections with the largest |weight|: what
        is drawn when the view is zoomed far out."""
        if count not in self._strongest:
            w = np.abs(self.shown_weights())
            if len(w) <= count:
                self._strongest[count] = np.arange(len(w))
            else:
                self._strongest[count] = np.sort(np.argpartition(-w, count)[:count])
        return self._strongest[count]

    def segments(self, pos: np.ndarray, subset=None) -> np.ndarray:
        """(n, 4) array of x0, y0, x1, y1 from the position table."""
        src, dst = (self.src, self.dst) if subset is None else (self.src[subset], self.dst[subset])
        out = np.empty((len(src), 4))
        out[:, :2] = pos[src]
        out[:, 2:] = pos[dst]
        return out


def nearest_segment(seg: np.ndarray, x: float, y: float, tolerance: float) -> tuple[int, float] | None:
    """Index of the segment nearest to (x, y) within ``tolerance``, and its distance."""
    if len(seg) == 0:
        return None
    x0, y0, x1, y1 = seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3]
    # Cheap box rejection first: most segments are far away.
    near = (
        (np.minimum(x0, x1) - tolerance <= x)
        & (x <= np.maximum(x0, x1) + tolerance)
        & (np.minimum(y0, y1) - tolerance <= y)
        & (y <= np.maximum(y0, y1) + tolerance)
    )
    idx = np.flatnonzero(near)
    if len(idx) == 0:
        return None
    x0, y0, x1, y1 = x0[idx], y0[idx], x1[idx], y1[idx]
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    dist = np.hypot(x0 + t * dx - x, y0 + t * dy - y)
    best = int(np.argmin(dist))
    if dist[best] > tolerance:
        return None
    return int(idx[best]), float(dist[best])


def record_columns(records: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sources, targets, weights and frozen flags of ``Connection`` records, as arrays."""
    n = len(records)

    def column(name, dtype):
        return np.fromiter(map(attrgetter(name), records), dtype=dtype, count=n)

    return column("source", np.int64), column("target", np.int64), column("weight", np.float64), column("frozen", bool)


def table_of(design) -> ConnectionTable:
    """The table of a whole design drawn as neurons: every neuron (in design
    order) and every connection, mapped to design order. No Qt: a large
    design's is made on the thread that read it (the canvas takes it when it
    draws that design)."""
    table = ConnectionTable()
    for n in design.neurons:
        table.add_neuron(n.id, n.layer, n.x, n.y)
    if design.connections:
        s, t, w, f = record_columns(design.connections)
        table.add_connection_columns(s, t, w, f)
        table.ensure_design_order(encode(s, t))
    return table


class ConnectionTable:
    """Every neuron's position (one row each) and the connections by layer pair."""

    def __init__(self):
        self.pos = np.zeros((64, 2))  # (capacity, 2) neuron centres in scene coordinates
        self.row_of: dict[int, int] = {}
        self.layer_of: dict[int, int] = {}
        self._free: list[int] = []
        self.pairs: dict[PairKey, PairData] = {}
        self.pairs_of_layer: dict[int, set[PairKey]] = {}
        self.total = 0
        self._order_valid = False

    # -- neurons ----------------------------------------------------------------------
    def add_neuron(self, nid: int, layer: int, x: float, y: float) -> None:
        if self._free:
            row = self._free.pop()
        else:
            row = len(self.row_of)
            if row >= len(self.pos):
                self.pos = np.concatenate([self.pos, np.zeros_like(self.pos)])
        self.row_of[nid] = row
        self.layer_of[nid] = layer
        self.pos[row] = (x, y)

    def set_position(self, nid: int, x: float, y: float) -> None:
        self.pos[self.row_of[nid]] = (x, y)

    def remove_neurons(self, nids) -> set[PairKey]:
        """Forget neurons and every connection touching them; returns the pairs touched."""
        by_layer: dict[int, list[int]] = {}
        for nid in nids:
            if nid in self.row_of:
                by_layer.setdefault(self.layer_of[nid], []).append(self.row_of[nid])
        touched = set()
        for layer, rows in by_layer.items():
            rows_a = np.array(rows, dtype=np.int64)
            for key in list(self.pairs_of_layer.get(layer, ())):
                gone = self.pairs[key].remove_rows(rows_a)
                if gone:
                    self.total -= gone
                    touched.add(key)
                    self._order_valid = False
                self._drop_if_empty(key)
        for nid in nids:
            if nid in self.row_of:
                self._free.append(self.row_of.pop(nid))
                del self.layer_of[nid]
        return touched

    def move_neuron_to_layer(self, nid: int, layer: int) -> None:
        self.layer_of[nid] = layer

    # -- connections ----------------------------------------------------------------
    def pair_key(self, source: int, target: int) -> PairKey:
        return self.layer_of[source], self.layer_of[target]

    def _drop_if_empty(self, key: PairKey) -> None:
        data = self.pairs.get(key)
        if data is not None and len(data) == 0:
            del self.pairs[key]
            for layer in key:
                self.pairs_of_layer.get(layer, set()).discard(key)

    def add_connections(self, conns) -> set[PairKey]:
        """``conns``: iterable of (source, target, weight, frozen). Sorted
        into pairs of layers with array operations, not a loop per
        connection (a design of 180,000 connections opened in seconds)."""
        items = list(conns)
        if not items:
            return set()
        table = np.array(items, dtype=np.float64).reshape(len(items), 4)  # ids are exact in float64 (below 2**53)
        return self.add_connection_columns(table[:, 0].astype(np.int64), table[:, 1].astype(np.int64),
                                           table[:, 2].copy(), table[:, 3] != 0)

    def add_records(self, records: list) -> set[PairKey]:
        """``add_connections`` of a design's ``Connection`` records, read a
        field at a time (a list of 180,000 tuples made into one array took
        most of the time of drawing a large design)."""
        if not records:
            return set()
        return self.add_connection_columns(*record_columns(records))

    def add_connection_columns(self, s: np.ndarray, t: np.ndarray, w: np.ndarray, f: np.ndarray) -> set[PairKey]:
        """``add_connections`` of sources, targets, weights and frozen flags
        given as arrays."""
        if not len(s):
            return set()
        ids = np.array(list(self.row_of), dtype=np.int64)
        order = np.argsort(ids)
        ids = ids[order]
        rows = np.array(list(self.row_of.values()), dtype=np.int64)[order]
        layers = np.array([self.layer_of[i] for i in ids.tolist()], dtype=np.int64)

        def place(n):  # index into ``ids`` of each neuron, and whether it is drawn
            at = np.minimum(np.searchsorted(ids, n), max(len(ids) - 1, 0))
            return at, (ids[at] == n) if len(ids) else np.zeros(len(n), dtype=bool)

        si, s_ok = place(s)
        ti, t_ok = place(t)
        keep = np.flatnonzero(s_ok & t_ok)
        if not len(keep):
            return set()
        layer_ids = np.unique(layers)  # pairs of layers numbered densely, then grouped
        ls, lt = np.searchsorted(layer_ids, layers[si[keep]]), np.searchsorted(layer_ids, layers[ti[keep]])
        found, group = np.unique(ls * len(layer_ids) + lt, return_inverse=True)
        order = np.argsort(group.reshape(-1), kind="stable")  # design order within each pair
        bounds = np.searchsorted(group.reshape(-1)[order], np.arange(len(found) + 1))
        touched = set()
        for g, code in enumerate(found.tolist()):
            ls, lt = (int(layer_ids[k]) for k in divmod(code, len(layer_ids)))
            sel = keep[order[bounds[g]:bounds[g + 1]]]
            key = (ls, lt)
            data = self.pairs.get(key)
            if data is None:
                data = self.pairs[key] = PairData()
                for layer in key:
                    self.pairs_of_layer.setdefault(layer, set()).add(key)
            data.add(encode(s[sel], t[sel]), rows[si[sel]], rows[ti[sel]], w[sel], f[sel])
            self.total += len(sel)
            touched.add(key)
        self._order_valid = False
        return touched

    def remove_connections(self, pairs) -> set[PairKey]:
        groups: dict[PairKey, list] = {}
        for s, t in pairs:
            if s in self.layer_of and t in self.layer_of:
                groups.setdefault(self.pair_key(s, t), []).append((s, t))
        touched = set()
        for key, items in groups.items():
            data = self.pairs.get(key)
            if data is None:
                continue
            s, t = zip(*items)
            gone = data.remove_keys(encode(s, t))
            if gone:
                touched.add(key)
                self.total -= gone
                self._order_valid = False
            self._drop_if_empty(key)
        return touched

    def set_connections(self, conns) -> set[PairKey]:
        """Update weight and frozen of existing connections: (source, target, weight, frozen)."""
        groups: dict[PairKey, list] = {}
        for s, t, w, f in conns:
            if s in self.layer_of and t in self.layer_of:
                key = self.pair_key(s, t)
                data = self.pairs.get(key)
                i = data.where(int(encode(s, t))) if data is not None else None
                if i is not None:
                    groups.setdefault(key, []).append((i, w, f))
        for key, items in groups.items():
            i, w, f = zip(*items)
            self.pairs[key].set_values(np.array(i), np.array(w, dtype=np.float64), np.array(f, dtype=bool))
        return set(groups)

    def find(self, source: int, target: int) -> tuple[PairKey, int] | None:
        if source not in self.layer_of or target not in self.layer_of:
            return None
        key = self.pair_key(source, target)
        data = self.pairs.get(key)
        if data is None:
            return None
        i = data.where(int(encode(source, target)))
        return None if i is None else (key, i)

    # -- design order (for weights arriving as one array while training) ----------------
    def ensure_design_order(self, design_keys: np.ndarray) -> bool:
        """Map each pair's connections to their positions in design order.
        False if the design and the table disagree (then nothing is mapped)."""
        if self._order_valid:
            return True
        if len(design_keys) != self.total:
            return False
        sorter = np.argsort(design_keys, kind="stable")
        ordered = design_keys[sorter]
        for data in self.pairs.values():
            at = np.searchsorted(ordered, data.keys)
            if np.any(at >= len(ordered)) or np.any(ordered[np.minimum(at, len(ordered) - 1)] != data.keys):
                return False
            data.design_idx = sorter[at]
        self._order_valid = True
        return True

    @property
    def order_valid(self) -> bool:
        return self._order_valid
