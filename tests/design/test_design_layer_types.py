"""Layer types as data: each one has its row in every table, and a layer's
type, options and arrays are checked in one line naming the layer."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from nnsim.design import layer_types
from nnsim.design.build import add_block, layered
from nnsim.design.compile import NODE_BUILDERS
from nnsim.design import recipes
from nnsim.design.layer_types import TYPES, LayerType, Option, options_of
from nnsim.design.model import ArrayValue
from nnsim.design.shapes import check_layer
from nnsim.design.validate import DesignError, check_design
from nnsim.io import FormatError, dumps, loads


def test_every_type_has_a_compile_step():
    assert set(NODE_BUILDERS) == set(TYPES)


def test_a_dense_design_passes_and_names_its_type():
    d = layered([2, 3, 1])
    assert all(layer.type == "dense" for layer in d.layers)
    assert all(check_layer(d, layer) is None for layer in d.layers)


def test_an_unknown_type_is_refused_naming_the_layer():
    d = layered([2, 1])
    d.layers[1].type = "wormhole"
    with pytest.raises(DesignError, match="layer 'output': unknown layer type 'wormhole' \\(known: dense, image, conv"):
        check_design(d)
    data = json.loads(dumps(layered([2, 1])))
    data["layers"][1]["type"] = "wormhole"
    with pytest.raises(FormatError, match=r"layers\[1\]\.type: unknown layer type 'wormhole'"):
        loads(json.dumps(data))


def test_dense_layers_have_no_options_or_arrays():
    d = layered([2, 1])
    d.layers[1].options = {"filters": 3}
    assert "dense layers have no option 'filters' (their options: none)" in check_layer(d, d.layers[1])
    d.layers[1].options = {}
    d.layers[1].arrays = {"kernel": ArrayValue([1.0, 2.0])}
    assert "a dense layer keeps no array 'kernel'" in check_layer(d, d.layers[1])


@pytest.fixture
def toy_type(monkeypatch):
    """A parametric type registered for the test: an option with a range and
    a choice, and one array whose shape follows the option."""
    toy = LayerType(
        name="toy", title="Toy layer", description="for tests",
        options=(Option("width", "Width", int, 3, low=1, high=9),
                 Option("padding", "Padding", str, "same", choices=("same", "valid"))),
        array_names=("kernel",),
        arrays=lambda design, layer, shapes: [("kernel", (options_of(layer)["width"], 2))],
    )
    monkeypatch.setitem(layer_types.TYPES, "toy", toy)
    return toy


def test_options_and_arrays_of_a_parametric_type_are_checked(toy_type):
    d = layered([2, 1])
    layer = d.layers[1]
    layer.type = "toy"
    assert check_layer(d, layer) == "layer 'output': array 'kernel' is missing"
    layer.arrays = {"kernel": ArrayValue([[0.0, 1.0]] * 3)}
    assert check_layer(d, layer) is None
    layer.options = {"width": 2}
    assert check_layer(d, layer) == "layer 'output': array 'kernel' has shape (3, 2), the layer needs (2, 2)"
    layer.options = {"width": 12}
    assert check_layer(d, layer) == "layer 'output': Width: 12 is outside 1..9"
    layer.options = {"width": 2.5}
    assert check_layer(d, layer) == "layer 'output': Width: 2.5 is not a whole number"
    layer.options = {"padding": "full"}
    assert check_layer(d, layer) == "layer 'output': Padding: 'full' is not one of same, valid"
    assert options_of(dataclasses.replace(layer, options={})) == {"width": 3, "padding": "same"}


def test_the_file_reads_options_and_arrays_strictly(toy_type):
    d = layered([2, 1])
    data = json.loads(dumps(d))
    entry = data["layers"][1]
    entry["type"] = "toy"
    entry["options"] = {"width": 2}
    entry["arrays"] = {"kernel": {"shape": [2, 2], "values": [1, 2, 3, 4.5]}}
    layer = loads(json.dumps(data)).layers[1]
    assert layer.options == {"width": 2, "padding": "same"}  # the type's defaults filled in
    assert layer.arrays["kernel"] == ArrayValue([[1, 2], [3, 4.5]])
    bad = {
        "options": ({"width": 0}, r"layers\[1\]\.options\.width: 0 is outside 1..9"),
        "arrays": ({"kernel": {"shape": [2, 2], "values": [1, 2, 3]}},
                   r"layers\[1\]\.arrays\.kernel\.values: 3 numbers for a shape of 4"),
    }
    for key, (value, message) in bad.items():
        spoiled = json.loads(json.dumps(data))
        spoiled["layers"][1][key] = value
        with pytest.raises(FormatError, match=message):
            loads(json.dumps(spoiled))
    spoiled = json.loads(json.dumps(data))
    spoiled["layers"][1]["arrays"]["kernel"]["values"][2] = "x"
    with pytest.raises(FormatError, match=r"kernel\.values\[2\]: expected a number"):
        loads(json.dumps(spoiled))
    # Written back as read: options with their defaults, arrays row by row.
    written = json.loads(dumps(loads(json.dumps(data))))["layers"][1]
    assert written["options"] == {"width": 2, "padding": "same"}
    assert written["arrays"] == {"kernel": {"shape": [2, 2], "values": [1.0, 2.0, 3.0, 4.5]}}


def test_an_absurd_array_shape_is_refused_before_anything_is_made(toy_type):
    data = json.loads(dumps(layered([2, 1])))
    data["layers"][1].update(type="toy", arrays={"kernel": {"shape": [100_000, 100_000, 100_000], "values": []}})
    with pytest.raises(FormatError, match="more than 10,000,000 numbers"):
        loads(json.dumps(data))


def test_a_block_layer_is_not_resized_like_a_column_of_neurons():
    d = layered([2, 3, 1])
    block = add_block(d, "flatten")
    with pytest.raises(recipes.EditError, match="takes its size from its settings"):
        recipes.resize_layer(d, block.id, 3, np.random.default_rng(0))
