"""Layer types as the inspector and the file reader show them: each option's
refusal word for word, the arrays each parametric type keeps with their
shapes worked out by hand from its input, and the one-line reasons that name
the layer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnsim.design.build import add_block, add_layer, layered, link
from nnsim.design.layer_types import (
    CONV, DENSE, GRU, LSTM, MAXPOOL, RNN, TYPES, Option, Shapes, check_layer_in, layer_type, options_of,
    shape_problem,
)
from nnsim.design.model import Activation, ArrayValue, Design, LayerKind
from nnsim.design.shapes import layer_shapes


def test_layer_types_are_found_by_the_names_files_use():
    assert list(TYPES) == ["dense", "image", "conv", "maxpool", "avgpool", "flatten", "lstm", "gru", "rnn"]
    for name, kind in TYPES.items():
        assert layer_type(name) is kind and kind.name == name
    assert layer_type("Conv") is None and layer_type("") is None


_INT = Option("n", "Count", int, 3, low=1, high=9)
_FLOAT = Option("r", "Rate", float, 1.0, low=-10.0, high=10.0)
_CHOICE = Option("p", "Padding", str, "same", choices=("same", "valid"))
_FLAG = Option("f", "Frozen", bool, False)


@pytest.mark.parametrize("option, value, words", [
    (_CHOICE, "full", "'full' is not one of same, valid"),
    (_CHOICE, 5, "'5' is not one of same, valid"),
    (_CHOICE, "Same", "'Same' is not one of same, valid"),
    (_FLAG, 1, "expected true or false, found int"),
    (_FLAG, "yes", "expected true or false, found str"),
    (_INT, "3", "expected a number, found str"),
    (_INT, True, "expected a number, found bool"),
    (_FLOAT, None, "expected a number, found NoneType"),
    (_INT, 2.5, "2.5 is not a whole number"),
    (_INT, math.inf, "inf is not a whole number"),
    (_FLOAT, math.inf, "inf is not a finite number"),
    (_FLOAT, -math.inf, "-inf is not a finite number"),
    (_FLOAT, math.nan, "nan is not a finite number"),
    (_INT, 0, "0 is outside 1..9"),
    (_INT, 10, "10 is outside 1..9"),
    (_FLOAT, 10.5, "10.5 is outside -10..10"),
    (_FLOAT, -10.25, "-10.25 is outside -10..10"),
])
def test_an_option_refuses_in_these_words(option, value, words):
    assert option.problem(value) == words


@pytest.mark.parametrize("option, value", [
    (_CHOICE, "same"), (_CHOICE, "valid"), (_FLAG, True), (_FLAG, False), (_INT, 1), (_INT, 9), (_INT, 4.0),
    (_FLOAT, -10.0), (_FLOAT, 10), (_FLOAT, 0.5), (Option("x", "X", float, 0.0), 1e308),
])
def test_an_option_takes_its_values_and_edges(option, value):
    assert option.problem(value) is None


def test_a_types_defaults_and_the_options_a_file_holds():
    assert CONV.defaults() == {"filters": 8, "kernel": 3, "stride": 1, "padding": "same", "frozen": False}
    assert LSTM.defaults() == {"cells": 8, "forget_gate": True, "forget_bias": 1.0, "initial_state": "zeros"}
    assert MAXPOOL.defaults() == {"pool": 2, "stride": 0}
    assert DENSE.defaults() == {}
    assert CONV.option("kernel").label == "Kernel size" and CONV.option("cells") is None
    # a quiet option at its default is left out; every other option is written, its default where unset
    assert LSTM.written_options({"cells": 4}) == {"cells": 4, "forget_gate": True, "forget_bias": 1.0}
    assert LSTM.written_options({"initial_state": "learned"}) \
        == {"cells": 8, "forget_gate": True, "forget_bias": 1.0, "initial_state": "learned"}
    assert GRU.written_options({}) == {"cells": 8}
    assert CONV.written_options({"stray": 1}) == {**CONV.defaults(), "stray": 1}


def test_options_of_a_layer_are_its_types_defaults_with_its_own():
    design = Design()
    conv = add_block(design, "conv", kernel=5)
    conv.options = {"kernel": 5}
    assert options_of(conv) == {"filters": 8, "kernel": 5, "stride": 1, "padding": "same", "frozen": False}


def _fed(type_name, in_size=3, **options):
    design = Design()
    inp = add_layer(design, LayerKind.INPUT, in_size)
    block = add_block(design, type_name, **options)
    link(design, inp.id, block.id)
    return design, block


@pytest.mark.parametrize("type_name, options, expected", [
    ("lstm", {"cells": 4}, [("weight", (7, 16)), ("bias", (16,))]),
    ("lstm", {"cells": 4, "forget_gate": False}, [("weight", (7, 12)), ("bias", (12,))]),
    ("lstm", {"cells": 5, "initial_state": "learned"}, [("weight", (8, 20)), ("bias", (20,)), ("initial", (2, 5))]),
    ("gru", {"cells": 4}, [("weight", (7, 12)), ("bias", (12,)), ("recurrent_bias", (4,))]),
    ("gru", {"cells": 2, "initial_state": "learned"},
     [("weight", (5, 6)), ("bias", (6,)), ("initial", (1, 2)), ("recurrent_bias", (2,))]),
    ("rnn", {"cells": 6}, [("weight", (9, 6)), ("bias", (6,))]),
    ("rnn", {"cells": 6, "initial_state": "learned"}, [("weight", (9, 6)), ("bias", (6,)), ("initial", (1, 6))]),
])
def test_a_recurrent_block_keeps_arrays_of_these_shapes(type_name, options, expected):
    design, block = _fed(type_name, **options)
    assert TYPES[type_name].arrays(design, block, layer_shapes(design)) == expected


def _image_conv(channels=2, height=6, width=5, **options):
    design = Design()
    image = add_block(design, "image", kind=LayerKind.INPUT, channels=channels, height=height, width=width)
    conv = add_block(design, "conv", **options)
    link(design, image.id, conv.id)
    return design, image, conv


def test_a_convolution_keeps_kernels_over_its_inputs_channels_and_a_bias_per_filter():
    design, _, conv = _image_conv(filters=5, kernel=3)
    assert CONV.arrays(design, conv, layer_shapes(design)) == [("kernel", (5, 2, 3, 3)), ("bias", (5,))]
    design, _, conv = _image_conv(channels=3, filters=1, kernel=1)
    assert CONV.arrays(design, conv, layer_shapes(design)) == [("kernel", (1, 3, 1, 1)), ("bias", (1,))]


def test_blocks_whose_input_does_not_fit_keep_no_arrays_yet():
    design = Design()
    lone = add_block(design, "conv")
    assert CONV.arrays(design, lone, layer_shapes(design)) == []
    design, conv = _fed("conv")  # a column of numbers, not an image
    assert CONV.arrays(design, conv, layer_shapes(design)) == []
    design, _, conv = _image_conv(height=2, width=2, kernel=5, padding="valid")  # the kernel does not fit
    assert conv.id not in layer_shapes(design).of
    assert CONV.arrays(design, conv, layer_shapes(design)) == []
    design, image, conv = _image_conv()
    other = add_block(design, "image", kind=LayerKind.INPUT)
    link(design, other.id, conv.id)  # two inputs
    assert CONV.arrays(design, conv, layer_shapes(design)) == []
    design, _, conv = _image_conv()
    lstm = add_block(design, "lstm")
    link(design, conv.id, lstm.id)  # an image into a recurrent block
    assert LSTM.arrays(design, lstm, layer_shapes(design)) == []
    design = Design()
    lstm = add_block(design, "lstm")
    assert LSTM.arrays(design, lstm, layer_shapes(design)) == []
    # an input of the right kind whose own shape is not known
    design = Design()
    pool = add_block(design, "maxpool")
    rnn = add_block(design, "rnn")
    link(design, pool.id, rnn.id)
    assert RNN.arrays(design, rnn, layer_shapes(design)) == []
    # a block fed through a layer id the shapes give, though its own shape failed
    design, rnn = _fed("rnn")
    shapes = layer_shapes(design)
    del shapes.of[rnn.id]
    assert RNN.arrays(design, rnn, shapes) == []
    design, _, conv = _image_conv()
    shapes = layer_shapes(design)
    del shapes.of[conv.id]
    assert CONV.arrays(design, conv, shapes) == []


def _arrays(specs):
    return {name: ArrayValue(np.zeros(shape)) for name, shape in specs}


def test_a_layer_is_checked_in_one_line_naming_it():
    design, block = _fed("lstm", cells=2)
    block.name = "memory"
    shapes = layer_shapes(design)
    block.arrays = _arrays(LSTM.arrays(design, block, shapes))
    assert check_layer_in(design, block, shapes) is None
    # an array the type keeps but does not need now is left alone
    block.arrays["initial"] = ArrayValue(np.zeros(3))
    assert check_layer_in(design, block, shapes) is None
    block.arrays["gate"] = ArrayValue(np.zeros(3))
    assert check_layer_in(design, block, shapes) == "layer 'memory': a lstm keeps no array 'gate'"
    block.arrays = _arrays([("bias", (8,))])
    assert check_layer_in(design, block, shapes) == "layer 'memory': array 'weight' is missing"
    block.arrays = _arrays([("weight", (5, 8))])
    assert check_layer_in(design, block, shapes) == "layer 'memory': array 'bias' is missing"
    block.arrays = _arrays([("weight", (5, 4)), ("bias", (8,))])
    assert check_layer_in(design, block, shapes) \
        == "layer 'memory': array 'weight' has shape (5, 4), the layer needs (5, 8)"
    block.name = ""
    assert check_layer_in(design, block, shapes) \
        == f"layer {block.id}: array 'weight' has shape (5, 4), the layer needs (5, 8)"
    block.options = {"cells": 0}
    assert check_layer_in(design, block, shapes) == f"layer {block.id}: Cells: 0 is outside 1..512"
    block.options = {"gates": 2}
    assert check_layer_in(design, block, shapes) == (
        f"layer {block.id}: lstms have no option 'gates' (their options: cells, forget_gate, forget_bias, "
        "initial_state)")
    block.options = {"forget_bias": 11.0}
    assert check_layer_in(design, block, shapes) == (
        f"layer {block.id}: Forget gate's starting bias: 11 is outside -10..10")


def test_a_layers_role_type_and_own_rule_are_checked():
    design, image, conv = _image_conv()
    conv.name = "edges"
    shapes = layer_shapes(design)
    conv.arrays = _arrays(CONV.arrays(design, conv, shapes))
    assert check_layer_in(design, conv, shapes) is None
    conv.activation = Activation.SOFTMAX
    assert check_layer_in(design, conv, shapes) == ("layer 'edges': softmax normalises a column of neurons, not a map "
                                                    "of pixels: choose another activation")
    conv.activation = Activation.TANH
    conv.kind = LayerKind.OUTPUT
    assert check_layer_in(design, conv, shapes) == "layer 'edges': a convolution cannot be an output layer"
    image.kind = LayerKind.HIDDEN
    assert check_layer_in(design, image, shapes) == "layer 'input': a image input cannot be an hidden layer"
    conv.kind = LayerKind.HIDDEN
    conv.type = "deconv"
    assert check_layer_in(design, conv, shapes) == (
        "layer 'edges': unknown layer type 'deconv' (known: dense, image, conv, maxpool, avgpool, flatten, lstm, "
        "gru, rnn)")


def test_a_shape_problem_names_the_layer():
    design = Design()
    conv = add_block(design, "conv", name="c1")
    shapes = layer_shapes(design)
    assert shape_problem(conv, shapes) == "layer 'c1': nothing is linked into it yet"
    conv.name = ""
    assert shape_problem(conv, shapes) == f"layer {conv.id}: nothing is linked into it yet"
    design = layered([2, 1])
    assert shape_problem(design.layers[1], layer_shapes(design)) is None


def test_a_layers_size_is_its_numbers_per_sample():
    shapes = Shapes(of={1: (3, 4, 5), 2: (7,), 3: ()})
    assert (shapes.size(1), shapes.size(2), shapes.size(3), shapes.size(4)) == (60, 7, 0, 0)
