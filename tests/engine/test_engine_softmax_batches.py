"""Softmax outputs over a batch whose rows differ: each row is stabilised by
its own maximum, and the softmax cross-entropy gradient is the mean over the
batch whatever its size against the number of outputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnsim.design.build import initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Loss
from nnsim.engine.activations import LayerActivation
from nnsim.engine.gradcheck import max_relative_error
from nnsim.engine.losses import value_from_z


def test_each_row_is_stabilised_by_its_own_maximum():
    act = LayerActivation([Activation.SOFTMAX] * 2, np.zeros(2))
    z = np.array([[1000.0, 1001.0], [-1000.0, -999.0], [0.0, 1.0]])
    with np.errstate(all="raise"):
        a = act(z)
    expected = [1 / (1 + np.e), np.e / (1 + np.e)]
    np.testing.assert_allclose(a, [expected] * 3, rtol=1e-12)


@pytest.mark.parametrize("batch", [1, 2, 5, 7])
def test_the_softmax_cross_entropy_gradient_on_batches_of_any_size(batch):
    design = layered([2, 4, 3], output=Activation.SOFTMAX)
    design.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    initialize(design, np.random.default_rng(0))
    net = compile_design(design).network
    rng = np.random.default_rng(batch)
    x = rng.normal(size=(batch, 2))
    one_hot = np.eye(3)[rng.integers(0, 3, batch)]
    assert max_relative_error(net, x, one_hot) < 1e-5
    soft = rng.uniform(0, 1, size=(batch, 3))  # targets that do not sum to one pull as much
    assert max_relative_error(net, x, soft) < 1e-5


@pytest.mark.parametrize("loss, z, y", [
    (Loss.BINARY_CROSS_ENTROPY, [[1e308], [1e308]], [[0.0], [0.0]]),  # terms finite, their sum not
    (Loss.SOFTMAX_CROSS_ENTROPY, [[1e308, -1e308], [1e308, -1e308]], [[0.0, 1.0], [0.0, 1.0]]),
])
def test_a_loss_too_large_for_a_float_is_infinite_without_a_warning(loss, z, y):
    """What the cost curve and the command print when training blows up:
    inf, and no NumPy warning on the terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert value_from_z(loss, np.array(z), np.array(y)) == np.inf
