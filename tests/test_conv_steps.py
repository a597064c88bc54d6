"""The convolution worked out by hand equals the engine's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.conv_steps import ConvWalk
from nnsim.data import load_dataset
from nnsim.design.build import add_block, add_layer, initialize, link
from nnsim.design.model import Activation, Design, LayerKind, Loss


def _conv_of(design):
    return next(layer.id for layer in design.layers if layer.type == "conv")


@pytest.mark.parametrize("stride, padding", [(1, "same"), (2, "same"), (1, "valid"), (2, "valid")])
def test_every_position_sums_to_the_engines_output_and_the_gradient_is_patch_times_delta(stride, padding):
    d = Design()
    image = add_block(d, "image", LayerKind.INPUT, channels=2, height=7, width=6)
    conv = add_block(d, "conv", activation=Activation.RELU, filters=3, kernel=3, stride=stride, padding=padding)
    flat = add_block(d, "flatten")
    out = add_layer(d, LayerKind.OUTPUT, 4, Activation.SOFTMAX)
    for a, b in ((image, conv), (conv, flat), (flat, out)):
        link(d, a.id, b.id)
    d.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    initialize(d, np.random.default_rng(3))
    x = np.random.default_rng(4).normal(size=2 * 7 * 6)
    walk = ConvWalk(d, conv.id, x, target=[0, 0, 1, 0])
    F, Ho, Wo = walk.out_shape
    for f in range(F):
        for r in range(Ho):
            for c in range(Wo):
                step = walk.at(f, r, c)
                assert step.total + step.bias == pytest.approx(step.z, abs=1e-12)
                assert step.a == pytest.approx(max(step.z, 0.0), abs=1e-12)
    for f in range(F):
        assert np.allclose(walk.kernel_gradient(f), walk.kernel_grad[f], atol=1e-12)


def test_the_digits_cnn_pooling_window_holds_its_largest_value():
    design = nnsim.example("digits-cnn")
    ds = load_dataset(design.dataset)
    walk = ConvWalk(design, _conv_of(design), ds.x_train[0])
    window = walk.pool_window(5, 2, f=1)
    assert (window.row, window.col) == (2, 1) and window.values.shape == (2, 2)
    assert window.out == window.values.max() == window.values[window.best]
    first = walk.at(0, 0, 0)
    assert (first.top, first.left) == (-1, -1) and first.patch[0, 0].tolist() == [0, 0, 0]  # the padding
