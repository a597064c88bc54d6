"""Named parameter arrays in one flat buffer.

Every trainable number of a network lives in one contiguous vector; each
named array (``"layer:3/bias"``, ``"layer:1->layer:3/weight"``) is a view into
it with its own shape. The names are what the rest of nnsim speaks (the
window, the file, ``nnsim.parameters``); the flat vector is what optimizers
work on, so an update is a handful of array operations whatever the number of
layers, and copying or restoring every number is one copy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np


class ParameterLayout:
    """Where each named array sits in the flat vector: ``(name, shape)`` in
    order, and each one's slice."""

    def __init__(self, specs: list[tuple[str, tuple[int, ...]]]):
        self.names: list[str] = []
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.slices: dict[str, slice] = {}
        start = 0
        for name, shape in specs:
            if name in self.shapes:
                raise ValueError(f"parameter {name!r} is declared twice")
            size = int(np.prod(shape, dtype=np.int64))
            self.names.append(name)
            self.shapes[name] = tuple(int(s) for s in shape)
            self.slices[name] = slice(start, start + size)
            start += size
        self.size = start

    def views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """The named arrays as views into ``flat``."""
        return {name: flat[self.slices[name]].reshape(self.shapes[name]) for name in self.names}

    def span(self, names) -> slice | None:
        """One slice covering exactly ``names`` if they lie side by side in
        the flat vector, else None."""
        parts = sorted((self.slices[n] for n in names), key=lambda s: s.start)
        if not parts:
            return slice(0, 0)
        for a, b in zip(parts, parts[1:]):
            if a.stop != b.start:
                return None
        return slice(parts[0].start, parts[-1].stop)


class Parameters(Mapping):
    """A flat vector and its named views (a read-only mapping of name to
    array; the arrays themselves are writable and write into ``flat``)."""

    def __init__(self, layout: ParameterLayout, dtype=np.float64, flat: np.ndarray | None = None):
        self.layout = layout
        self.flat = np.zeros(layout.size, dtype=dtype) if flat is None else flat
        if self.flat.shape != (layout.size,):
            raise ValueError(f"a flat vector of {layout.size} numbers is needed, not {self.flat.shape}")
        self._views = layout.views(self.flat)

    def __getitem__(self, name: str) -> np.ndarray:
        return self._views[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.layout.names)

    def __len__(self) -> int:
        return len(self.layout.names)

    @classmethod
    def of(cls, arrays, dtype=np.float64) -> Parameters:
        """A new store holding copies of ``arrays`` (a mapping of name to
        array, or a list, named ``"0"``, ``"1"``...)."""
        if not isinstance(arrays, Mapping):
            arrays = {str(i): a for i, a in enumerate(arrays)}
        arrays = {k: np.asarray(v, dtype=dtype) for k, v in arrays.items()}
        store = cls(ParameterLayout([(k, v.shape) for k, v in arrays.items()]), dtype)
        store.assign(arrays)
        return store

    def like(self, flat: np.ndarray | None = None) -> Parameters:
        """Another store of the same layout (zeros, or over ``flat``)."""
        return Parameters(self.layout, self.flat.dtype, flat)

    def copy(self) -> Parameters:
        return self.like(self.flat.copy())

    def as_dict(self, copy: bool = True) -> dict[str, np.ndarray]:
        """The named arrays (copies unless ``copy`` is False)."""
        return {k: (v.copy() if copy else v) for k, v in self._views.items()}

    def assign(self, values) -> None:
        """Set every number from another store, a flat vector or a mapping of
        name to array (a mapping may name only some arrays)."""
        if isinstance(values, Parameters):
            self.flat[...] = values.flat
        elif isinstance(values, np.ndarray):
            self.flat[...] = values
        else:
            for name, v in values.items():
                self._views[name][...] = v
