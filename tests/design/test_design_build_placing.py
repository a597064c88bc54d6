"""Where layers built in code, added in the editor and tidied land on the
canvas, and what they start with: a layer of more than a column's neurons
wraps into more columns, and the layer after it starts right of its last
column, not on top of it; a layer added in the editor gets its scheme's
starting bias, an input layer none."""

from __future__ import annotations

from nnsim.design import recipes
from nnsim.design.build import COLUMN_SPACING, MAX_ROWS, ROW_SPACING, add_layer, layered
from nnsim.design.edits import apply_ops
from nnsim.design.model import Init, LayerKind


def columns(design, layer) -> list[float]:
    return sorted({n.x for n in design.neurons_of(layer.id)})


def test_tidying_places_each_layer_right_of_the_last_column_of_the_one_before():
    d = layered([2, MAX_ROWS, MAX_ROWS + 1, 2 * MAX_ROWS + 1, 1])
    add_layer(d, LayerKind.HIDDEN, 0)  # no neurons yet, fed by none: beside the input, a column of no width
    for n in d.neurons:
        n.x, n.y = n.x + 7.0, n.y - 3.0  # moved by hand
    apply_ops(d, recipes.arrange(d))
    c, r = COLUMN_SPACING, ROW_SPACING
    assert [columns(d, layer) for layer in d.layers] == [
        [0.0],
        [2 * c],  # after the input's column and the empty layer's: exactly one column full
        [3 * c, 3 * c + r],  # one neuron more: a second column
        [4 * c + r, 4 * c + 2 * r, 4 * c + 3 * r],
        [5 * c + 3 * r],
        [],
    ]


def test_a_layer_added_in_the_editor_starts_with_its_schemes_bias_and_an_input_layer_with_none():
    d = layered([2, 1])
    d.training.init = Init.UNIFORM  # biases start at 0.1
    hidden, ops = recipes.add_layer(d, LayerKind.HIDDEN, 3, 400.0, 30.0)
    apply_ops(d, ops)
    inputs, ops = recipes.add_layer(d, LayerKind.INPUT, 2, -160.0, 0.0)
    apply_ops(d, ops)
    assert [n.bias for n in d.neurons_of(hidden)] == [0.1, 0.1, 0.1]
    assert [(n.x, n.y) for n in d.neurons_of(hidden)] == [(400.0, 30.0 - ROW_SPACING), (400.0, 30.0),
                                                           (400.0, 30.0 + ROW_SPACING)]
    assert [n.bias for n in d.neurons_of(inputs)] == [0.0, 0.0]
