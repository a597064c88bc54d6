"""A pooling layer computes what its settings say: average pooling averages
and max pooling takes the largest, over windows moved by the stride (the
window's size when the stride is 0)."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_block, add_layer, initialize, link
from nnsim.design.model import Activation, ArrayValue, Design, LayerKind
from nnsim.design.shapes import layer_shapes


def pooled_sum(kind: str, stride: int) -> Design:
    """image 4×4 → pool 2 with ``stride`` → flatten → one linear output summing everything."""
    d = Design()
    img = add_block(d, "image", LayerKind.INPUT, channels=1, height=4, width=4, name="image")
    pool = add_block(d, kind, pool=2, stride=stride, name="pool")
    flat = add_block(d, "flatten", name="flat")
    out = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR)
    for a, b in [(img, pool), (pool, flat), (flat, out)]:
        link(d, a.id, b.id)
    initialize(d, np.random.default_rng(0))
    d.links[-1].weights = ArrayValue(np.ones(d.links[-1].weights.shape))
    for n in d.neurons_of(out.id):
        n.bias = 0.0
    return d


def by_hand(image: np.ndarray, kind: str, stride: int) -> float:
    step = stride or 2
    reduce = np.max if kind == "maxpool" else np.mean
    return sum(reduce(image[r:r + 2, c:c + 2]) for r in range(0, 3, step) for c in range(0, 3, step))


@pytest.mark.parametrize("kind", ["maxpool", "avgpool"])
@pytest.mark.parametrize("stride, cells", [(0, 4), (2, 4), (1, 9)])
def test_pooling_computes_its_kind_over_windows_moved_by_the_stride(kind, stride, cells):
    design = pooled_sum(kind, stride)
    assert layer_shapes(design).of[design.layers[2].id] == (cells,)
    image = np.random.default_rng(1).normal(size=(4, 4))
    got = nnsim.predict(design, image.reshape(-1))
    assert got.shape == (1,)
    assert got[0] == pytest.approx(by_hand(image, kind, stride), rel=1e-12)
