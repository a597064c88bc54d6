"""``initial_numbers`` gives what ``initialize`` would, draw for draw, and
leaves the design alone (Reset asks for them on designs of any size);
a layer of more neurons than fit in one column wraps into several."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import (
    COLUMN_SPACING,
    MAX_ROWS,
    ROW_SPACING,
    add_block,
    initial_numbers,
    initialize,
    layered,
    link,
)
from nnsim.design.model import LayerKind
from nnsim.design.parameters import all_numbers


def designs():
    d = layered([3, 5, 2])
    d.connections[4].frozen = True
    d.connections[4].weight = 7.0
    yield d
    yield nnsim.example("iris")
    cnn = nnsim.Design()
    image = add_block(cnn, "image", LayerKind.INPUT, None, "image", channels=1, height=6, width=6)
    conv = add_block(cnn, "conv", LayerKind.HIDDEN, nnsim.Activation.RELU, "conv", filters=2, kernel=3)
    link(cnn, image.id, conv.id)
    yield cnn


@pytest.mark.parametrize("design", list(designs()), ids=["frozen", "iris", "conv"])
def test_the_same_numbers_as_initialize_and_the_design_unchanged(design):
    before = design.copy()
    w, b, arrays = initial_numbers(design, np.random.default_rng(7))
    assert design == before
    twin = design.copy()
    initialize(twin, np.random.default_rng(7))
    expected = all_numbers(twin)
    np.testing.assert_array_equal(w, expected.weights)
    np.testing.assert_array_equal(b, expected.biases)
    assert arrays.keys() == expected.arrays.keys()
    for k in arrays:
        np.testing.assert_array_equal(arrays[k], expected.arrays[k])


def test_a_wide_layer_wraps_into_columns_and_the_next_layer_stands_beside_it():
    d = layered([2, 3 * MAX_ROWS + 1, 1])
    hidden = [n for n in d.neurons if d.layer(n.layer).kind == LayerKind.HIDDEN]
    xs = sorted({n.x for n in hidden})
    assert xs == [COLUMN_SPACING + ROW_SPACING * k for k in range(4)]  # four columns
    assert max(n.y for n in hidden) - min(n.y for n in hidden) == ROW_SPACING * (MAX_ROWS - 1)
    assert len({(n.x, n.y) for n in hidden}) == len(hidden)  # no two in one place
    (out,) = [n for n in d.neurons if d.layer(n.layer).kind == LayerKind.OUTPUT]
    assert out.x == xs[-1] + COLUMN_SPACING
    small = layered([2, 4, 1])
    assert [n.x for n in small.neurons] == [0, 0, COLUMN_SPACING, COLUMN_SPACING, COLUMN_SPACING, COLUMN_SPACING,
                                            2 * COLUMN_SPACING]  # small layers as before
