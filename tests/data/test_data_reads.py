"""``nnsim.data.reads`` names exactly the settings each source reads: changing
a setting it names changes the data, changing any other leaves every array
as it was (so the Data tab can hide those controls without hiding anything
that matters)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnsim.data import DataError, load_dataset
from nnsim.data.reads import fields_read, points_meaning
from nnsim.design.model import DatasetSpec

CHANGES = {"noise": 0.3, "train_ratio": 0.65, "seed": 7, "normalize": True, "points": 40}

SPECS = [
    DatasetSpec("playground", "spiral", points=60),
    DatasetSpec("playground", "plane", points=60),
    DatasetSpec("logic", "XOR"),
    DatasetSpec("iris"),
    DatasetSpec("digits"),
    DatasetSpec("shapes", points=60),
    DatasetSpec("distribution", "ring", points=60),
    DatasetSpec("sequence", "sine", points=6),
    DatasetSpec("sequence", "temporal_xor", points=60),
    DatasetSpec("sequence", "reber", points=6),
    DatasetSpec("sequence", "char_text"),
]


def _arrays(data) -> list[np.ndarray]:
    return [v for v in vars(data).values() if isinstance(v, np.ndarray)]


def _same(a, b) -> bool:
    xs, ys = _arrays(a), _arrays(b)
    return len(xs) == len(ys) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(xs, ys))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.source}-{s.name}")
def test_the_fields_named_are_the_fields_read(spec):
    base = load_dataset(spec)
    reads = fields_read(spec)
    for name, value in CHANGES.items():
        changed = dataclasses.replace(spec, **{name: value})
        try:
            differs = not _same(base, load_dataset(changed))
        except DataError:  # refused (a fixed-size task given a size): not a setting of it either
            differs = False
        assert differs == (name in reads), (name, "read" if name in reads else "not read")


def test_what_points_counts():
    assert points_meaning(DatasetSpec("shapes")) == ("images", 500)
    assert points_meaning(DatasetSpec("sequence", "sine")) == ("training sequences", 64)
    assert points_meaning(DatasetSpec("sequence", "temporal_xor")) == ("training bits", 2000)
    assert points_meaning(DatasetSpec("sequence", "char_text")) is None
    assert points_meaning(DatasetSpec("digits")) is None
    assert fields_read(DatasetSpec("sequence", "no such task")) == frozenset()
