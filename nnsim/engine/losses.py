"""Loss functions over a batch, each with its gradient beside it.

Every loss is a mean over the samples of the batch of a sum over the outputs:

- ``mse``: ½ Σ (a − y)², as TensorFlow Playground (its gradient is a − y);
- ``binary_cross_entropy``: −Σ [y log a + (1 − y) log(1 − a)], for sigmoid outputs;
- ``softmax_cross_entropy``: −Σ y log a, for a softmax output layer.

From outputs alone the logarithms need ``a`` clipped away from 0 and 1 (a
confidently wrong sigmoid at z = 40 would report 27.6, not 40), so where the
output activation pairs with the loss the network computes the value from the
weighted sums instead (``value_from_z``): log σ(z) = −softplus(−z) and
log softmax(z) = z − max − log Σ e^(z − max), exact however far the outputs
saturate.

``grad(a, y)`` returns dL/da for the batch mean, i.e. already divided by the
batch size. Where the output activation pairs naturally with the loss (sigmoid
with binary cross-entropy, softmax with softmax cross-entropy) the network
uses ``fused_delta`` instead, the gradient with respect to z, which stays exact
when the outputs saturate: (a − y) / batch for sigmoid outputs, and
(a·Σy − y) / batch for a softmax layer, Σy being the sum of that layer's
targets (a − y only when they sum to 1, as one-hot targets do).
"""

from __future__ import annotations

import math

import numpy as np

from nnsim.engine.vocab import Activation, Loss
from nnsim.engine.activations import softmax_shifted

# Probabilities are clipped this far from 0 and 1 inside logarithms.
EPS = 1e-12


def mse(a: np.ndarray, y: np.ndarray) -> float:
    d = a - y
    return 0.5 * float(np.vdot(d, d)) / a.shape[0]


def mse_grad(a, y):
    return (a - y) / a.shape[0]


def bce(a, y) -> float:
    p = np.clip(a, EPS, 1.0 - EPS)
    return -float(np.sum(y * np.log(p) + (1.0 - y) * np.log1p(-p))) / a.shape[0]


def bce_grad(a, y):
    p = np.clip(a, EPS, 1.0 - EPS)
    return (p - y) / (p * (1.0 - p)) / a.shape[0]


def sce(a, y) -> float:
    p = np.clip(a, EPS, 1.0)
    return -float(np.sum(y * np.log(p))) / a.shape[0]


def sce_grad(a, y):
    p = np.clip(a, EPS, 1.0)
    return -(y / p) / a.shape[0]


VALUE = {Loss.MSE: mse, Loss.BINARY_CROSS_ENTROPY: bce, Loss.SOFTMAX_CROSS_ENTROPY: sce}
GRAD = {Loss.MSE: mse_grad, Loss.BINARY_CROSS_ENTROPY: bce_grad, Loss.SOFTMAX_CROSS_ENTROPY: sce_grad}

# (loss, output activation) pairs whose dL/dz is computed directly (``fused_delta``).
FUSED = {
    (Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID),
    (Loss.SOFTMAX_CROSS_ENTROPY, Activation.SOFTMAX),
}


def fused_delta(loss: Loss, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dz of a fused output layer (see ``FUSED``) for the batch mean."""
    if loss == Loss.SOFTMAX_CROSS_ENTROPY:
        # L = −Σ y·log softmax(z) gives dL/dz = a·Σy − y: every target pulls on
        # every output of the layer through the softmax's normalisation.
        return (a * y.sum(axis=1, keepdims=True) - y) / a.shape[0]
    return (a - y) / a.shape[0]


def softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z), without overflow: max(z, 0) + log(1 + e^−|z|)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def per_sample_from_z(loss: Loss, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The loss of each sample, shape (batch,), of a fused output layer (see
    ``FUSED``) from its weighted sums ``z`` (batch, n). A target of 0 adds
    nothing, even where its logarithm is −inf."""
    with np.errstate(invalid="ignore"):  # 0 × inf where z is infinite; masked out below
        if loss == Loss.SOFTMAX_CROSS_ENTROPY:
            zz = softmax_shifted(z)
            log_a = zz - np.log(np.exp(zz).sum(axis=1, keepdims=True))
            terms = np.where(y != 0, -y * log_a, 0.0)
        else:
            # −[y·log σ(z) + (1 − y)·log(1 − σ(z))]: log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z)
            terms = np.where(y != 0, y * softplus(-z), 0.0)
            terms += np.where(y != 1, (1.0 - y) * softplus(z), 0.0)
    return terms.sum(axis=1)


def value_from_z(loss: Loss, z: np.ndarray, y: np.ndarray) -> float:
    """The mean loss over the batch of a fused output layer, from ``z``
    (``per_sample_from_z`` summed, by a shorter route while z is finite)."""
    with np.errstate(over="ignore", invalid="ignore"):  # an infinite z: inf − inf here, limits below
        if loss == Loss.SOFTMAX_CROSS_ENTROPY:
            zz = softmax_shifted(z)
            total = float(np.sum(y * (np.log(np.exp(zz).sum(axis=1, keepdims=True)) - zz)))
        else:
            # softplus(z) − y·z, with no cancellation where y is 0 or 1:
            # max(z, 0) − y·z is then exactly max(z, 0) or max(−z, 0).
            total = float(np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))
    if not math.isfinite(total):  # take each term's limit
        with np.errstate(over="ignore"):  # finite terms whose sum passes the largest float: inf
            total = float(per_sample_from_z(loss, z, y).sum())
    return total / z.shape[0]


def per_sample(loss: Loss, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The loss of each sample, shape (batch,)."""
    if loss == Loss.MSE:
        return 0.5 * ((a - y) ** 2).sum(axis=1)
    if loss == Loss.BINARY_CROSS_ENTROPY:
        p = np.clip(a, EPS, 1.0 - EPS)
        return -(y * np.log(p) + (1.0 - y) * np.log1p(-p)).sum(axis=1)
    p = np.clip(a, EPS, 1.0)
    return -(y * np.log(p)).sum(axis=1)


FORMULA = {
    Loss.MSE: "½ Σ (a − y)²",
    Loss.BINARY_CROSS_ENTROPY: "−Σ [y·log a + (1 − y)·log(1 − a)]",
    Loss.SOFTMAX_CROSS_ENTROPY: "−Σ y·log a",
}
