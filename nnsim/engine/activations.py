"""Activation functions, each with its backward beside its forward.

``forward(z, thr)`` maps weighted sums (plus bias) ``z`` of shape (batch, n) to
outputs; ``thr`` is the per-neuron threshold, shape (n,), used by step and sign.
``backward(a, grad_a)`` maps the gradient of the loss with respect to the
outputs ``a`` to the gradient with respect to ``z``, using only the outputs
(every function here can recover its derivative from its output), so training
never has to keep ``z`` for that (output layers keep it for their loss).

None of them warns: the sigmoid is computed from e^−|z|, and softmax takes the
limit where weighted sums are infinite.

Step and sign have derivative 0 wherever it exists: gradient descent cannot
train them, which is why the perceptron learning rule exists.
"""

from __future__ import annotations

import math

import numpy as np

from nnsim.engine.vocab import Activation

LEAKY_SLOPE = 0.01


def _step(z, thr):
    return (z > thr).astype(z.dtype)


def _sign(z, thr):
    return np.where(z > thr, 1.0, -1.0).astype(z.dtype)


def _linear(z, thr):
    return z


def _sigmoid(z, thr):
    # 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) for z < 0: both only need
    # e^-|z|, which never overflows (it underflows quietly to 0 past |z| = 745,
    # where that is the answer), and each keeps full relative accuracy on its
    # side (0.5·(1 + tanh(z/2)) loses it below z = -30 and is 0 below -38).
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _tanh(z, thr):
    return np.tanh(z)


def _relu(z, thr):
    return np.maximum(z, 0.0)


def _leaky_relu(z, thr):
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def softmax_shifted(z: np.ndarray) -> np.ndarray:
    """``z`` minus its row maximum, the form softmax and log-softmax take
    exponentials of without overflow. Where a row's maximum is not finite its
    limit is taken: a row with +inf entries puts all its weight on them (split
    evenly), a row of -inf only is even (its entries are all equal), and a row
    with NaN stays NaN. Never warns."""
    m = z.max(axis=-1, keepdims=True)  # (batch, 1)
    # Python floats: inf or NaN here means an infinite or NaN entry, or a
    # spread past the float range, where z - m would warn.
    if not z.size or math.isfinite(float(m.max()) - float(z.min())):
        return z - m
    finite = np.isfinite(m)
    with np.errstate(over="ignore", invalid="ignore"):  # a spread past the float range gives -inf: e^-inf = 0
        zz = z - np.where(finite, m, 0.0)
    zz = np.where(np.isposinf(m), np.where(np.isposinf(z), 0.0, -np.inf), zz)
    return np.where(np.isneginf(m), 0.0, zz)


def _softmax(z, thr):
    e = np.exp(softmax_shifted(z))
    return e / e.sum(axis=-1, keepdims=True)


def _zero_grad(a, g):
    return np.zeros_like(g)


def _linear_grad(a, g):
    return g


def _sigmoid_grad(a, g):
    return g * a * (1.0 - a)


def _tanh_grad(a, g):
    return g * (1.0 - a * a)


def _relu_grad(a, g):
    return g * (a > 0)


def _leaky_relu_grad(a, g):
    return np.where(a > 0, g, LEAKY_SLOPE * g)


def _softmax_grad(a, g):
    # Jacobian-vector product of softmax: a * (g - <g, a>)
    return a * (g - (g * a).sum(axis=-1, keepdims=True))


FORWARD = {
    Activation.STEP: _step,
    Activation.SIGN: _sign,
    Activation.LINEAR: _linear,
    Activation.SIGMOID: _sigmoid,
    Activation.TANH: _tanh,
    Activation.RELU: _relu,
    Activation.LEAKY_RELU: _leaky_relu,
    Activation.SOFTMAX: _softmax,
}

BACKWARD = {
    Activation.STEP: _zero_grad,
    Activation.SIGN: _zero_grad,
    Activation.LINEAR: _linear_grad,
    Activation.SIGMOID: _sigmoid_grad,
    Activation.TANH: _tanh_grad,
    Activation.RELU: _relu_grad,
    Activation.LEAKY_RELU: _leaky_relu_grad,
    Activation.SOFTMAX: _softmax_grad,
}

# (low, high) of each activation's outputs: used to encode class targets.
RANGE = {
    Activation.STEP: (0.0, 1.0),
    Activation.SIGN: (-1.0, 1.0),
    Activation.LINEAR: (-1.0, 1.0),
    Activation.SIGMOID: (0.0, 1.0),
    Activation.TANH: (-1.0, 1.0),
    Activation.RELU: (0.0, 1.0),
    Activation.LEAKY_RELU: (0.0, 1.0),
    Activation.SOFTMAX: (0.0, 1.0),
}

# How the article and the learn mode write each function.
FORMULA = {
    Activation.STEP: "1 if z > θ else 0",
    Activation.SIGN: "1 if z > θ else −1",
    Activation.LINEAR: "z",
    Activation.SIGMOID: "1 / (1 + e^−z)",
    Activation.TANH: "tanh(z)",
    Activation.RELU: "max(0, z)",
    Activation.LEAKY_RELU: "z if z > 0 else 0.01·z",
    Activation.SOFTMAX: "e^z / Σ e^z",
}


class LayerActivation:
    """The activation of one layer: one function for the whole layer, or, when
    its neurons differ, one function per group of columns."""

    __slots__ = ("kinds", "groups", "thr", "uniform", "forward", "backward")

    def __init__(self, kinds: list[Activation], thresholds: np.ndarray):
        self.kinds = list(kinds)  # one per neuron
        self.thr = thresholds  # (n,)
        distinct = list(dict.fromkeys(self.kinds))
        self.uniform = len(distinct) == 1
        if Activation.SOFTMAX in distinct and not self.uniform:
            raise ValueError("softmax must be the activation of every neuron of its layer")
        if self.uniform:
            self.forward = FORWARD[distinct[0]]
            self.backward = BACKWARD[distinct[0]]
            self.groups = None
        else:
            self.groups = [
                (k, np.array([i for i, kk in enumerate(self.kinds) if kk == k], dtype=np.intp))
                for k in distinct
            ]
            self.forward = self._mixed_forward
            self.backward = self._mixed_backward

    def __call__(self, z):
        return self.forward(z, self.thr)

    def forward_into(self, z, out) -> None:
        """``out[...] = self(z)`` (``out`` may be ``z``), without a new array
        where the function allows it: the trainer's hot path."""
        f = FORWARD_INTO.get(self.kinds[0]) if self.uniform else None
        if f is not None:
            f(z, out)
        else:
            out[...] = self.forward(z, self.thr)

    def backward_into(self, a, g, out, tmp) -> None:
        """``out[...] = self.backward(a, g)`` with the same arithmetic,
        using ``tmp`` (shaped like ``a``) as scratch; ``out`` may be ``g``."""
        f = BACKWARD_INTO.get(self.kinds[0]) if self.uniform else None
        if f is not None:
            f(a, g, out, tmp)
        else:
            out[...] = self.backward(a, g)

    def _mixed_forward(self, z, thr):
        out = np.empty_like(z)
        for kind, cols in self.groups:
            out[..., cols] = FORWARD[kind](z[..., cols], thr[cols])
        return out

    def _mixed_backward(self, a, g):
        out = np.empty_like(g)
        for kind, cols in self.groups:
            out[..., cols] = BACKWARD[kind](a[..., cols], g[..., cols])
        return out

    def output_range(self) -> tuple[float, float]:
        lows, highs = zip(*(RANGE[k] for k in self.kinds))
        return min(lows), max(highs)


# In-place forms for the trainer's hot path: the same arithmetic as the
# functions above, writing into given arrays instead of making new ones.
def _tanh_into(z, out):
    np.tanh(z, out=out)


def _relu_into(z, out):
    np.maximum(z, 0.0, out=out)


def _linear_into(z, out):
    if out is not z:
        out[...] = z


def _tanh_grad_into(a, g, out, tmp):
    np.multiply(a, a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(g, tmp, out=out)


def _relu_grad_into(a, g, out, tmp):
    np.greater(a, 0, out=tmp)
    np.multiply(g, tmp, out=out)


def _linear_grad_into(a, g, out, tmp):
    if out is not g:
        out[...] = g


FORWARD_INTO = {Activation.TANH: _tanh_into, Activation.RELU: _relu_into, Activation.LINEAR: _linear_into}
BACKWARD_INTO = {Activation.TANH: _tanh_grad_into, Activation.RELU: _relu_grad_into,
                 Activation.LINEAR: _linear_grad_into}
