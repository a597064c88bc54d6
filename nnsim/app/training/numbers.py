"""Between a design and a session's network: the design's numbers read from
and written into the network's named arrays (through the design's
``ParameterMap``), keys that say when a design must be compiled again, and
merging trained numbers with the user's edits. No Qt.
"""

from __future__ import annotations

import numpy as np

from nnsim.design.model import Design
from nnsim.design.parameters import Keys, Numbers, ParameterMap, all_numbers
from nnsim.session import Session

__all__ = ["Keys", "NumberMap", "Numbers", "compile_key", "members_key", "merge", "remap"]


def compile_key(design: Design) -> tuple:
    """Everything the compiled network depends on besides the numbers."""
    return (
        tuple((lay.id, lay.kind, lay.activation, lay.type, tuple(sorted(lay.options.items())), lay.group,
               tuple((name, a.shape) for name, a in lay.arrays.items())) for lay in design.layers),
        tuple((n.id, n.layer, n.activation, n.threshold) for n in design.neurons),
        tuple((c.source, c.target, c.frozen, c.delay) for c in design.connections),
        tuple((k.source, k.target, k.frozen, None if k.weights is None else k.weights.shape) for k in design.links),
        design.training.rule,
        None if design.gan is None else id(design.gan),  # a session reads the GAN settings object it was given
    )


def members_key(design: Design) -> tuple:
    """The layers, neurons and connections there are (a change here is
    structural: training pauses)."""
    return (
        tuple(lay.id for lay in design.layers),
        tuple(n.id for n in design.neurons),
        tuple((c.source, c.target) for c in design.connections),
        tuple((k.source, k.target) for k in design.links),
    )


class NumberMap:
    """A session's numbers in design order: read from and written into the
    network's named arrays through the design's ``ParameterMap``."""

    def __init__(self, session: Session, design: Design, parameter_map: ParameterMap | None = None,
                 numbers: Numbers | None = None):
        """``parameter_map``: the design's map made elsewhere (it depends only
        on the records there are, not on their numbers); ``numbers``: the
        design's numbers, when the caller has them (reading them is a pass
        over every connection)."""
        self.params = session.network.parameters
        self.map = ParameterMap(design) if parameter_map is None else parameter_map
        self.keys = self.map.keys
        if self.map.positions(self.params.layout) is None:
            raise ValueError("the compiled network does not hold the design's arrays")
        # Numbers the network has no place for (input neurons' biases) stay as the design has them.
        self._fixed = all_numbers(design) if numbers is None else numbers.copy()

    def renewed(self, numbers: Numbers) -> NumberMap:
        """This map for another design of the same structure on the same
        network (the caller knows they compile alike), whose numbers are
        ``numbers``: nothing is mapped again."""
        twin = object.__new__(NumberMap)
        twin.params, twin.map, twin.keys = self.params, self.map, self.keys
        twin._fixed = numbers.copy()
        return twin

    def read(self) -> Numbers:
        """Every number of the design, as the network has it now (new arrays)."""
        return self.map.read(self.params, self._fixed)

    def weights(self) -> np.ndarray:
        """Every connection's weight, design order."""
        return self.map.weights(self.params)

    def write(self, numbers: Numbers) -> None:
        """Put a design's numbers into the network."""
        self.map.write(self.params, numbers)
        self._fixed = Numbers(self._fixed.weights, np.array(numbers.biases, dtype=np.float64), self._fixed.arrays)


def _rows(old: list, new: list, tr, sy, cur, pick) -> np.ndarray:
    """Entries keyed by ``new`` from ``cur`` (new order) where ``pick`` says
    so, else from ``tr`` (old order, matched by key)."""
    if old == new:
        return pick(tr, sy, cur)
    where = {k: i for i, k in enumerate(old)}
    res = np.array(cur, dtype=np.float64)
    for j, k in enumerate(new):
        i = where.get(k)
        if i is not None:
            res[j] = pick(tr[i], None if sy is None else sy[i], cur[j])
    return res


def _keep_trained(tr, sy, cur):
    """The trained value where the user left the entry alone since the last sync."""
    return np.where(cur == sy, tr, cur)


def _take_old(tr, sy, cur):
    return np.array(tr, dtype=np.float64, copy=True)


def _arrays(trained: dict, synced: dict | None, now: dict, pick) -> dict:
    out = {}
    for key, cur in now.items():
        tr = trained.get(key)
        sy = None if synced is None else synced.get(key)
        shapes_fit = tr is not None and tr.shape == cur.shape and (synced is None or (sy is not None and
                                                                                     sy.shape == cur.shape))
        out[key] = pick(tr, sy, cur) if shapes_fit else np.array(cur, dtype=np.float64)
    return out


def merge(old_keys: Keys, trained, synced, new_keys: Keys, now):
    """Numbers for the design as it is ``now``: an entry the user left alone
    since the last sync (equal to ``synced``) takes the ``trained`` value; an
    edited or new entry keeps the design's. ``trained`` and ``synced`` are in
    ``old_keys`` order, ``now`` in ``new_keys`` order. Each is ``Numbers``
    (or a (weights, biases) pair, and a pair comes back)."""
    w = _rows(old_keys.connections, new_keys.connections, trained[0], synced[0], now[0], _keep_trained)
    b = _rows(old_keys.neurons, new_keys.neurons, trained[1], synced[1], now[1], _keep_trained)
    if len(now) < 3:
        return w, b
    return Numbers(w, b, _arrays(trained[2], synced[2], now[2], _keep_trained))


def remap(old_keys: Keys, values, new_keys: Keys, fallback):
    """``values`` (old key order) for the new keys; entries that are new take
    ``fallback`` (new key order). ``Numbers`` or (weights, biases) pairs, as
    ``merge``."""
    w = _rows(old_keys.connections, new_keys.connections, values[0], None, fallback[0], _take_old)
    b = _rows(old_keys.neurons, new_keys.neurons, values[1], None, fallback[1], _take_old)
    if len(fallback) < 3:
        return w, b
    return Numbers(w, b, _arrays(values[2], None, fallback[2], _take_old))
