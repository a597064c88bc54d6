"""Loss values and gradients as the cost curve and the per-sample views show
them, worked out here sample by sample with plain loops: batches that are not
square, outputs at the clip's edges (0, 1, and past 1 for an output that is
not a softmax), and the per-sample losses agreeing with the batch mean there."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnsim.engine import losses
from nnsim.engine.vocab import Loss

EPS = 1e-12


def _clip(v, low, high):
    return min(max(v, low), high)


def by_hand(loss: Loss, a, y) -> list[float]:
    """Each sample's loss, one output at a time."""
    out = []
    for row_a, row_y in zip(a, y):
        total = 0.0
        for ai, yi in zip(row_a, row_y):
            if loss == Loss.MSE:
                total += 0.5 * (ai - yi) ** 2
            elif loss == Loss.BINARY_CROSS_ENTROPY:
                p = _clip(ai, EPS, 1 - EPS)
                total -= yi * math.log(p) + (1 - yi) * math.log(1 - p)
            else:
                total -= yi * math.log(_clip(ai, EPS, 1.0))
        out.append(total)
    return out


# three samples of two outputs, at and past the clip's edges
A = np.array([[0.0, 1.0], [0.25, 0.5], [1.0, 0.0]])
Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])


@pytest.mark.parametrize("loss", list(Loss))
def test_each_samples_loss_and_the_batch_mean_at_the_clip_edges(loss):
    expected = by_hand(loss, A, Y)
    got = losses.per_sample(loss, A, Y)
    assert got.shape == (3,)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert losses.VALUE[loss](A, Y) == pytest.approx(sum(expected) / 3, rel=1e-12)
    assert np.all(np.isfinite(got))


def test_the_cross_entropies_clip_far_from_0_and_1_and_no_further():
    # −log(1e-12) for a probability of 0 where the target is 1, the same for 1 where it is 0
    assert losses.per_sample(Loss.BINARY_CROSS_ENTROPY, np.array([[0.0]]), np.array([[1.0]]))[0] == pytest.approx(
        -math.log(EPS), rel=1e-12)
    assert losses.per_sample(Loss.BINARY_CROSS_ENTROPY, np.array([[1.0]]), np.array([[0.0]]))[0] == pytest.approx(
        -math.log1p(-(1 - EPS)), rel=1e-6)
    assert losses.bce(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]])) == pytest.approx(
        (-math.log1p(-(1 - EPS)) - math.log(EPS)) / 2, rel=1e-6)
    assert losses.sce(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])) == pytest.approx(-math.log(EPS), rel=1e-12)


def test_softmax_cross_entropy_reads_an_output_past_1_as_1():
    """An output above 1 (from an activation that is not a softmax) counts as
    certain: no negative loss, and the gradient of a probability of 1."""
    a = np.array([[1.5, 0.25, 2.0]])
    y = np.array([[1.0, 1.0, 0.0]])
    assert losses.sce(a, y) == pytest.approx(-math.log(0.25), rel=1e-14)
    np.testing.assert_allclose(losses.per_sample(Loss.SOFTMAX_CROSS_ENTROPY, a, y), [-math.log(0.25)], rtol=1e-14)
    np.testing.assert_allclose(losses.sce_grad(a, y), [[-1.0, -4.0, 0.0]], rtol=1e-14)


def test_gradients_divide_by_the_batch_not_the_outputs():
    """Three samples of two outputs: dL/da of the mean over three."""
    a = np.array([[0.2, 0.7], [0.9, 0.4], [0.5, 0.25]])
    y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(losses.mse_grad(a, y), (a - y) / 3, rtol=1e-15)
    np.testing.assert_allclose(losses.bce_grad(a, y), ((1 - y) / (1 - a) - y / a) / 3, rtol=1e-13)
    np.testing.assert_allclose(losses.sce_grad(a, y), -(y / a) / 3, rtol=1e-14)
    for loss in Loss:
        # against finite differences of the value, output by output
        g = losses.GRAD[loss](a, y)
        for i in range(3):
            for j in range(2):
                e = np.zeros_like(a)
                e[i, j] = 1e-6
                num = (losses.VALUE[loss](a + e, y) - losses.VALUE[loss](a - e, y)) / 2e-6
                assert g[i, j] == pytest.approx(num, rel=1e-6), (loss, i, j)


def test_fused_deltas_of_a_batch_of_three():
    a = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.6, 0.2, 0.2]])
    y = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(losses.fused_delta(Loss.SOFTMAX_CROSS_ENTROPY, a, y),
                               (a * y.sum(axis=1, keepdims=True) - y) / 3, rtol=1e-15)
    np.testing.assert_allclose(losses.fused_delta(Loss.BINARY_CROSS_ENTROPY, a, y), (a - y) / 3, rtol=1e-15)


def test_losses_from_weighted_sums_sample_by_sample():
    z = np.array([[2.0, -1.0, 0.5], [-3.0, 0.0, 4.0]])
    y = np.array([[1.0, 0.0, 0.25], [0.0, 1.0, 1.0]])
    sig = 1 / (1 + np.exp(-z))
    bce = [-sum(y[i, j] * math.log(sig[i, j]) + (1 - y[i, j]) * math.log(1 - sig[i, j]) for j in range(3))
           for i in range(2)]
    np.testing.assert_allclose(losses.per_sample_from_z(Loss.BINARY_CROSS_ENTROPY, z, y), bce, rtol=1e-13)
    assert losses.value_from_z(Loss.BINARY_CROSS_ENTROPY, z, y) == pytest.approx(sum(bce) / 2, rel=1e-13)
    sce = []
    for i in range(2):
        log_norm = math.log(sum(math.exp(v) for v in z[i]))
        sce.append(-sum(y[i, j] * (z[i, j] - log_norm) for j in range(3)))
    np.testing.assert_allclose(losses.per_sample_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, y), sce, rtol=1e-13)
    assert losses.value_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, y) == pytest.approx(sum(sce) / 2, rel=1e-13)
    np.testing.assert_allclose(losses.softplus(np.array([-800.0, -1.0, 0.0, 2.0, 800.0])),
                               [0.0, math.log1p(math.exp(-1.0)), math.log(2.0), 2 + math.log1p(math.exp(-2.0)), 800.0],
                               rtol=1e-15, atol=1e-300)


def test_infinite_weighted_sums_take_each_terms_limit():
    z = np.array([[np.inf, -np.inf], [1.0, -2.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    with np.errstate(all="raise"):
        per = losses.per_sample_from_z(Loss.BINARY_CROSS_ENTROPY, z, y)
        value = losses.value_from_z(Loss.BINARY_CROSS_ENTROPY, z, y)
    second = math.log1p(math.exp(1.0)) + math.log1p(math.exp(2.0))
    np.testing.assert_allclose(per, [0.0, second], rtol=1e-14)
    assert value == pytest.approx(second / 2, rel=1e-14)
    # a wrong certainty is infinite
    y = np.array([[0.0, 1.0], [0.0, 1.0]])
    with np.errstate(all="raise"):
        per = losses.per_sample_from_z(Loss.BINARY_CROSS_ENTROPY, z, y)
    assert per[0] == math.inf and per[1] == pytest.approx(second, rel=1e-14)
    z = np.array([[np.inf, 0.0, -np.inf], [0.0, 0.0, 0.0]])
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    with np.errstate(all="raise"):
        per = losses.per_sample_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, y)
        value = losses.value_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, y)
    np.testing.assert_allclose(per, [0.0, math.log(3.0)], rtol=1e-14)
    assert value == pytest.approx(math.log(3.0) / 2, rel=1e-14)
