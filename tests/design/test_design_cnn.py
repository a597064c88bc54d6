"""Convolutional designs: block layers joined by links, their shapes, their
rules (each refused in one line), compiling, gradients and a digits CNN that
learns."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_block, add_layer, connect_all, initialize, link
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, ArrayValue, DatasetSpec, Design, LayerKind, Link, Loss, TrainingSettings
from nnsim.design.shapes import layer_shapes
from nnsim.design.validate import DesignError, check_design, check_trainable


def cnn(height=8, width=8, filters=3, kernel=3, padding="same", pool="maxpool", out=Activation.SOFTMAX,
        n_out=10, seed=0) -> Design:
    d = Design(training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY if out == Activation.SOFTMAX else Loss.MSE))
    img = add_block(d, "image", LayerKind.INPUT, channels=1, height=height, width=width, name="image")
    conv = add_block(d, "conv", filters=filters, kernel=kernel, padding=padding, name="conv")
    p = add_block(d, pool, pool=2, name="pool")
    flat = add_block(d, "flatten", name="flat")
    o = add_layer(d, LayerKind.OUTPUT, n_out, out)
    for a, b in [(img, conv), (conv, p), (p, flat), (flat, o)]:
        link(d, a.id, b.id)
    initialize(d, np.random.default_rng(seed), "he")
    return d


def test_shapes_follow_the_layers():
    d = cnn(height=8, width=6, filters=4)
    shapes = layer_shapes(d)
    assert [shapes.of[layer.id] for layer in d.layers] == [(1, 8, 6), (4, 8, 6), (4, 4, 3), (48,), (10,)]
    assert d.input_size == 48
    assert d.layers[1].arrays["kernel"].shape == (4, 1, 3, 3)
    assert d.links[-1].weights.shape == (48, 10)


def test_a_kernel_that_does_not_fit_is_refused_with_the_reason_when_training_starts():
    d = cnn(height=3, width=3, kernel=5, padding="valid")
    check_design(d)  # a design being drawn may be so; saving it is fine
    with pytest.raises(DesignError, match="layer 'conv': kernel 5 does not fit a 3-pixel-high input with padding 0"):
        check_trainable(d)


def test_a_block_with_nothing_linked_into_it_cannot_train():
    d = cnn()
    d.links = [k for k in d.links if k.target != d.layers[2].id]
    for layer in d.layers[2:]:
        layer.arrays = {}
    d.links[-1].weights = None  # the flatten's size is unknown: its dense link has nothing to hold
    d.links.pop()
    with pytest.raises(DesignError, match="layer 'pool': nothing is linked into it yet"):
        check_trainable(d)


@pytest.mark.parametrize("spoil, message", [
    (lambda d: d.links.append(Link(d.layers[1].id, d.layers[0].id)), "ends at an input layer"),
    (lambda d: d.links.append(Link(d.layers[1].id, d.layers[1].id)), "a layer cannot feed itself"),
    (lambda d: d.links.append(Link(d.layers[0].id, d.layers[1].id)), "appears twice"),
    (lambda d: setattr(d.links[-1], "weights", None), "the weights must be 48 × 10 .* not none"),
    (lambda d: setattr(d.links[-1], "weights", ArrayValue(np.zeros((3, 10)))), "must be 48 × 10 .* not \\(3, 10\\)"),
    (lambda d: setattr(d.links[0], "weights", ArrayValue([[1.0]])), "a link into a convolution has no weights"),
    (lambda d: d.links.append(Link(d.layers[3].id, d.layers[1].id)), "cycle"),
])
def test_link_rules(spoil, message):
    d = cnn(height=8, width=6, filters=4)
    spoil(d)
    with pytest.raises(DesignError, match=message):
        check_design(d)


def test_layers_of_neurons_are_joined_by_connections_not_links():
    d = Design()
    a = add_layer(d, LayerKind.INPUT, 2)
    b = add_layer(d, LayerKind.OUTPUT, 1)
    d.links.append(Link(a.id, b.id, ArrayValue([[0.5], [0.5]])))
    with pytest.raises(DesignError, match="two layers of neurons are joined by connections, not a link"):
        check_design(d)


def test_a_block_holds_no_neurons():
    d = cnn()
    add_layer(d, LayerKind.HIDDEN, 1)
    d.neurons[-1].layer = d.layers[1].id
    with pytest.raises(DesignError, match="a convolution holds no neurons"):
        check_design(d)


def test_softmax_is_refused_for_a_convolution():
    d = cnn()
    d.layers[1].activation = Activation.SOFTMAX
    with pytest.raises(DesignError, match="softmax normalises a column of neurons, not a map of pixels"):
        check_design(d)


@pytest.mark.parametrize("pool", ["maxpool", "avgpool"])
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_gradients_of_every_array_against_finite_differences(pool, padding):
    d = cnn(height=6, width=5, filters=2, padding=padding, pool=pool, out=Activation.SIGMOID, n_out=2, seed=3)
    d.training.loss = Loss.BINARY_CROSS_ENTROPY
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 30))
    y = rng.uniform(0.1, 0.9, size=(3, 2))
    loss, grads = nnsim.gradients(d, x, y)
    net = compile_design(d).network
    assert set(grads) == {f"layer:{d.layers[1].id}/kernel", f"layer:{d.layers[1].id}/bias",
                          f"layer:{d.layers[3].id}->layer:{d.layers[4].id}/weight", f"layer:{d.layers[4].id}/bias"}
    for name in grads:
        base = net.parameters[name].copy()
        num = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            for sign in (1, -1):
                net.parameters[name][idx] = base[idx] + sign * 1e-6
                num[idx] += sign * net.loss_of(net.forward(x), y) / 2e-6
            net.parameters[name][idx] = base[idx]
        np.testing.assert_allclose(grads[name], num, rtol=1e-5, atol=1e-8, err_msg=name)


def test_trained_numbers_go_back_into_the_design_and_a_frozen_convolution_keeps_its_kernels():
    d = cnn()
    d.dataset = DatasetSpec(source="digits", train_ratio=0.8)
    before = d.layers[1].arrays["kernel"]
    link_before = d.links[-1].weights
    nnsim.train(d, epochs=1)
    assert d.layers[1].arrays["kernel"] != before and d.links[-1].weights != link_before
    d.layers[1].options["frozen"] = True
    kept = d.layers[1].arrays["kernel"]
    nnsim.train(d, epochs=1)
    assert d.layers[1].arrays["kernel"] == kept


def test_a_digits_cnn_learns():
    d = cnn(filters=8)
    d.training = TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY, optimizer="adam", learning_rate=0.01,
                                  batch_size=32)
    d.dataset = DatasetSpec(source="digits", train_ratio=0.8)
    s = nnsim.train(d, epochs=6, seed=0)
    assert s.test_accuracy >= 0.95


def test_l2_penalises_kernels_too():
    d = cnn()
    net = compile_design(d).network
    kernel = f"layer:{d.layers[1].id}/kernel"
    span = net.weight_span
    sl = net.layout.slices[kernel]
    assert span.start <= sl.start and sl.stop <= span.stop
    assert net.layout.slices[f"layer:{d.layers[1].id}/bias"].start >= span.stop
