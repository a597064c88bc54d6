"""Blocks as the editor makes and changes them, without the window: a new
block's id, role, activation and name; every refusal word for word; the
starting numbers ``fit`` gives a block or a link whose shape changed (drawn
by the design's scheme with the fan-in and fan-out worked out by hand), and
what it leaves alone. The data's names on neurons."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.blocks import add_block, fit, fit_after, is_block, link_layers, new_block, set_block
from nnsim.design.build import add_block as build_block
from nnsim.design.build import add_layer, connect_all, layered, link
from nnsim.design.data_names import label_ops, output_names
from nnsim.design.edits import SetField, apply_ops
from nnsim.design.model import Activation, ArrayValue, Design, Init, LayerKind
from nnsim.design.recipes import EditError


def _refused(call, *args, **kwargs):
    with pytest.raises(EditError) as refused:
        call(*args, **kwargs)
    return str(refused.value)


def test_a_new_block_takes_the_next_id_its_role_and_its_activation():
    design = nnsim.example("digits-cnn")
    conv = new_block(design, "conv", 1, 2)
    assert conv.id == design.next_id() and conv.id > max(layer.id for layer in design.layers)
    assert (conv.kind, conv.activation, conv.type, conv.x, conv.y) == (LayerKind.HIDDEN, Activation.RELU, "conv", 1.0, 2.0)
    assert isinstance(conv.x, float) and conv.name == "conv 1"
    image = new_block(design, "image", 0, 0, activation=Activation.TANH)
    assert (image.kind, image.activation, image.name) == (LayerKind.INPUT, Activation.LINEAR, "image 1")
    assert image.options == {"channels": 1, "height": 8, "width": 8}
    pool = new_block(design, "maxpool", 0, 0, pool=3)
    assert (pool.kind, pool.activation, pool.name, pool.options) == (
        LayerKind.HIDDEN, Activation.LINEAR, "max pool 1", {"pool": 3, "stride": 0})
    lstm = new_block(design, "lstm", 0, 0, activation=Activation.TANH, name="memory")
    assert (lstm.activation, lstm.name) == (Activation.TANH, "memory")
    assert new_block(design, "avgpool", 0, 0).name == "avg pool 1"
    assert new_block(design, "flatten", 0, 0, kind=LayerKind.HIDDEN).kind == LayerKind.HIDDEN


def test_a_new_blocks_name_skips_the_names_taken():
    design = Design()
    for name in ("conv 1", "conv 2", "conv 4", "lstm 1"):
        build_block(design, "conv", name=name)
    assert new_block(design, "conv", 0, 0).name == "conv 3"
    assert new_block(design, "gru", 0, 0).name == "gru 1"
    assert new_block(design, "lstm", 0, 0).name == "lstm 2"
    _, ops = add_block(design, "conv", 5, 6)
    apply_ops(design, ops)
    assert (design.layers[-1].name, design.layers[-1].x, design.layers[-1].y) == ("conv 3", 5.0, 6.0)
    new_id, ops = add_block(design, "conv", 0, 0)
    assert (ops[0].collection, ops[0].indices, ops[0].items[0].id, ops[0].items[0].name) \
        == ("layers", (len(design.layers),), new_id, "conv 5")


@pytest.mark.parametrize("args, kwargs, words", [
    (("wormhole",), {}, "'wormhole' is not a layer type drawn as a block"),
    (("dense",), {}, "'dense' is not a layer type drawn as a block"),
    (("conv",), {"kind": LayerKind.INPUT}, "a convolution cannot be an input layer"),
    (("image",), {"kind": LayerKind.OUTPUT}, "a image input cannot be an output layer"),
    (("conv",), {"size": 3}, "convolutions have no option 'size'"),
    (("conv",), {"kernel": 0}, "Kernel size: 0 is outside 1..15"),
    (("lstm",), {"forget_gate": 1}, "Forget gate: expected true or false, found int"),
])
def test_a_new_block_is_refused_in_these_words(args, kwargs, words):
    assert _refused(new_block, Design(), args[0], 0, 0, **kwargs) == words


def test_is_block_tells_blocks_from_columns_of_neurons():
    design = nnsim.example("digits-cnn")
    assert {layer.type: is_block(layer) for layer in design.layers} == {
        "image": True, "conv": True, "maxpool": True, "flatten": True, "dense": False}
    odd = Design()
    layer = add_layer(odd, LayerKind.HIDDEN, 1)
    layer.type = "wormhole"
    assert not is_block(layer)


def _image_conv(init=Init.UNIFORM, channels=2, filters=3, kernel=3):
    design = Design()
    design.training.init = init
    image = build_block(design, "image", kind=LayerKind.INPUT, channels=channels, height=5, width=5)
    conv = build_block(design, "conv", filters=filters, kernel=kernel)
    link(design, image.id, conv.id)
    return design, image, conv


@pytest.mark.parametrize("init, bias", [(Init.UNIFORM, 0.1), (Init.XAVIER, 0.0), (Init.HE, 0.0)])
def test_fit_gives_a_new_convolution_kernels_drawn_by_the_scheme_and_its_starting_bias(init, bias):
    design, _, conv = _image_conv(init)
    ops = fit(design, np.random.default_rng(5))
    assert len(ops) == 1 and isinstance(ops[0], SetField)
    op = ops[0]
    assert (op.target, op.field, op.old) == (("layer", conv.id), "arrays", {})
    assert set(op.new) == {"kernel", "bias"}
    assert op.new["bias"] == ArrayValue(np.full(3, bias))
    fan_in, fan_out = 2 * 3 * 3, 3 * 3 * 3  # channels × kernel², filters × kernel²
    rng = np.random.default_rng(5)
    if init == Init.UNIFORM:
        expected = rng.uniform(-0.5, 0.5, (3, 2, 3, 3))
    elif init == Init.XAVIER:
        expected = rng.uniform(-1.0, 1.0, (3, 2, 3, 3)) * np.sqrt(6.0 / (fan_in + fan_out))
    else:
        expected = rng.standard_normal((3, 2, 3, 3)) * np.sqrt(2.0 / fan_in)
    assert np.allclose(op.new["kernel"].values, expected, rtol=1e-12, atol=0)


def test_fit_keeps_arrays_that_still_fit_and_leaves_a_fitting_design_alone():
    design, image, conv = _image_conv(filters=3)
    apply_ops(design, fit(design, np.random.default_rng(1)))
    assert fit(design, np.random.default_rng(2)) == []
    kernel = conv.arrays["kernel"]
    image.options = {**image.options, "channels": 1}  # the kernels no longer fit; the biases do
    ops = fit(design, np.random.default_rng(3))
    assert len(ops) == 1 and ops[0].old == {"kernel": kernel, "bias": conv.arrays["bias"]}
    assert ops[0].new["bias"] is conv.arrays["bias"]
    assert ops[0].new["kernel"].shape == (3, 1, 3, 3)


def test_fit_skips_layers_it_does_not_know_and_blocks_not_yet_fed():
    design, _, conv = _image_conv()
    lone = build_block(design, "conv")
    odd = add_layer(design, LayerKind.HIDDEN, 2)
    odd.type = "wormhole"
    ops = fit(design, np.random.default_rng(0))
    assert [op.target for op in ops] == [("layer", conv.id)]
    assert lone.arrays == {}


def test_fit_gives_a_link_into_dense_neurons_weights_by_its_sizes():
    design = Design()
    design.training.init = Init.XAVIER
    image = build_block(design, "image", kind=LayerKind.INPUT, channels=1, height=2, width=3)
    flat = build_block(design, "flatten")
    out = add_layer(design, LayerKind.OUTPUT, 4)
    link(design, image.id, flat.id)
    link(design, flat.id, out.id)
    ops = fit(design, np.random.default_rng(9))
    assert len(ops) == 1
    op = ops[0]
    assert (op.target, op.field, op.old) == (("link", (flat.id, out.id)), "weights", None)
    expected = np.random.default_rng(9).uniform(-1.0, 1.0, (6, 4)) * np.sqrt(6.0 / (6 + 4))
    assert np.allclose(op.new.values, expected, rtol=1e-12, atol=0)
    apply_ops(design, ops)
    assert fit(design, np.random.default_rng(9)) == []
    # a link into a block carries no weights; a dense layer without neurons gets none
    empty = add_layer(design, LayerKind.OUTPUT, 0)
    link(design, flat.id, empty.id)
    assert fit(design, np.random.default_rng(9)) == []


def test_fit_after_works_on_the_design_as_the_edit_leaves_it():
    design, image, conv = _image_conv()
    apply_ops(design, fit(design, np.random.default_rng(1)))
    op = SetField(("layer", image.id), "options", dict(image.options), {**image.options, "channels": 3})
    more = fit_after(design, [op], np.random.default_rng(1))
    assert [o.target for o in more] == [("layer", conv.id)] and more[0].new["kernel"].shape == (3, 3, 3, 3)
    assert image.options["channels"] == 2  # the design itself is left alone
    assert fit_after(layered([2, 1]), [op], np.random.default_rng(1)) == []


def test_linking_into_a_block_already_fed_names_the_layer_feeding_it():
    design, image, conv = _image_conv()
    conv.name, image.name = "edges", "photo"
    other = build_block(design, "image", kind=LayerKind.INPUT, name="second")
    assert _refused(link_layers, design, other.id, conv.id, np.random.default_rng(0)) \
        == "'edges' already takes its input from 'photo': delete that link first"
    assert _refused(link_layers, design, 999, conv.id, np.random.default_rng(0)) == "there is no layer 999"
    dense = layered([2, 1])
    assert _refused(link_layers, dense, dense.layers[0].id, dense.layers[1].id, np.random.default_rng(0)) \
        == "'input' and 'output' are layers of neurons: join them by connections"


def test_changing_a_block_is_refused_in_these_words():
    design, image, conv = _image_conv()
    apply_ops(design, fit(design, np.random.default_rng(0)))
    conv.name = "edges"
    rng = np.random.default_rng(0)
    assert _refused(set_block, design, conv.id, rng, size=3) == "convolutions have no option 'size'"
    assert _refused(set_block, design, conv.id, rng, kernel=99) == "Kernel size: 99 is outside 1..15"
    assert set_block(design, conv.id, rng, kernel=3) == []
    ops = set_block(design, conv.id, rng, kernel=5.0, name="wide")
    apply_ops(design, ops)
    assert conv.options["kernel"] == 5 and isinstance(conv.options["kernel"], int) and conv.name == "wide"
    assert conv.arrays["kernel"].shape == (3, 2, 5, 5)


def test_the_outputs_are_named_after_the_data():
    assert output_names("classification", ["no", "yes"], 1) == ["yes"]
    assert output_names("classification", ["no", "yes"], 2) == ["no", "yes"]
    assert output_names("regression", ["a", "b"], 1) is None
    assert output_names("classification", [0, 1, 2], 3) == ["0", "1", "2"]
    assert output_names("classification", ["a", "b", "c"], 1) is None


def test_outputs_are_named_even_when_the_inputs_do_not_fit():
    design = layered([2, 1])
    apply_ops(design, label_ops(design, ["a", "b", "c"], "classification", ["no", "yes"], set()))
    assert [n.label for n in design.neurons_of(design.layers[0].id)] == ["", ""]
    assert design.neurons_of(design.layers[1].id)[0].label == "yes"


def test_a_label_typed_by_the_user_stays_and_one_from_the_data_before_goes():
    design = layered([3, 1])
    first, second, third = design.neurons_of(design.layers[0].id)
    first.label, second.label, third.label = "mine", "old", "  "
    apply_ops(design, label_ops(design, ["a", "b", "c"], "regression", ["y"], {"old"}))
    assert [first.label, second.label, third.label] == ["mine", "b", "c"]
    connect_all(design, design.layers[0].id, design.layers[1].id)


def test_a_setting_that_breaks_the_block_or_a_layer_after_it_is_refused_naming_them():
    design, image, conv = _image_conv(channels=1)
    conv.name = "edges"
    pool = build_block(design, "maxpool", name="squeeze", pool=4)
    link(design, conv.id, pool.id)
    apply_ops(design, fit(design, np.random.default_rng(0)))
    rng = np.random.default_rng(0)
    assert _refused(set_block, design, conv.id, rng, kernel=7, padding="valid") == (
        "'edges': kernel 7 does not fit a 5-pixel-high input with padding 0 (padding \"same\" would keep the size)")
    assert _refused(set_block, design, conv.id, rng, stride=3) == (
        "'edges': 'squeeze' after it: pool 4 does not fit a 2-pixel-high input with padding 0")
    assert _refused(set_block, design, conv.id, rng, activation=Activation.SOFTMAX) == (
        "layer 'edges': softmax normalises a column of neurons, not a map of pixels: choose another activation")
    ops = set_block(design, conv.id, rng, name="renamed")
    assert ops == [SetField(("layer", conv.id), "name", "edges", "renamed")]
    # a problem already there before the change is not the change's fault
    lone = build_block(design, "conv", name="lone")
    assert set_block(design, lone.id, rng, filters=2) == [
        SetField(("layer", lone.id), "options", dict(lone.options), {**lone.options, "filters": 2})]
