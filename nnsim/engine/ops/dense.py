"""The dense layer: every neuron a weighted sum of its inputs plus a bias,
through its activation.

A layer may read several earlier layers (skip connections); each input has
its own weight matrix of shape (n_source, n), with zeros where the drawing has
no connection. ``masks`` mark the entries that are drawn; the others always get
gradient 0. Which drawn entries may change (frozen ones may not) is the
trainer's business, so the learn mode can show a frozen weight's true gradient.

Arithmetic: z = Σ_k x_k @ W_k + b, a = act(z); backward, with the error term
d = ∂L/∂z: ∂L/∂W_k = x_kᵀ d (masked), ∂L/∂b = Σ_batch d, ∂L/∂x_k = d W_kᵀ.
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.activations import LayerActivation
from nnsim.engine.ops.base import Operation


class Dense(Operation):
    type = "dense"

    def __init__(self, in_sizes: list[int], size: int, act: LayerActivation, weight_names: list[str],
                 bias_name: str, masks: list[np.ndarray | None] | None = None):
        if len(weight_names) != len(in_sizes):
            raise ValueError("one weight name per input is needed")
        self.in_shapes = [(int(n),) for n in in_sizes]
        self.out_shape = (int(size),)
        self.size = int(size)
        self.act = act
        self.weight_names = list(weight_names)
        self.bias_name = bias_name
        # (n_src, n) 0/1 in the network's dtype, or None: every entry is drawn.
        self.masks = list(masks) if masks is not None else [None] * len(in_sizes)
        self.W: list[np.ndarray] = []
        self.b: np.ndarray | None = None

    def parameter_specs(self):
        specs = [(name, (n[0], self.size)) for name, n in zip(self.weight_names, self.in_shapes)]
        return specs + [(self.bias_name, (self.size,))]

    def regularized(self) -> list[str]:
        return list(self.weight_names)

    def bind(self, params, grads=None) -> None:
        self.W = [params[name] for name in self.weight_names]
        self.b = params[self.bias_name]

    # -- forward ---------------------------------------------------------------------------
    def _columns(self, xs):
        """Inputs as columns: an image (n, C, H, W) from a block becomes
        (n, C·H·W); a batch of sequences (n, T, features) stays as it is
        (the same weights at every step)."""
        return [x if x.shape[-1] == shape[0] else x.reshape(len(x), -1) for x, shape in zip(xs, self.in_shapes)]

    def forward(self, xs, n, keep=False):
        s = None
        for x, W in zip(self._columns(xs), self.W):
            t = x @ W
            s = t if s is None else s + t
        if s is None:
            s = np.zeros((n, self.size), dtype=self.b.dtype)
        s += self.b
        return (s if keep else None), self.act(s)

    def forward_into(self, xs, z: np.ndarray, a: np.ndarray) -> None:
        """``forward`` writing into preallocated ``z`` and ``a`` (the
        trainer's hot path; same arithmetic, no new arrays)."""
        W = self.W
        if len(W) == 1:
            np.matmul(xs[0], W[0], out=z)
        elif not W:
            z.fill(0.0)
        else:
            np.matmul(xs[0], W[0], out=z)
            for x, w in zip(xs[1:], W[1:]):
                z += x @ w
        z += self.b
        self.act.forward_into(z, a)

    # -- backward ---------------------------------------------------------------------------
    def delta(self, a, grad_a):
        return self.act.backward(a, grad_a)

    def backward(self, d, xs, grads, want):
        if grads is None:
            grads = {name: np.empty(shape, d.dtype) for name, shape in self.parameter_specs()}
        cols = self._columns(xs)
        if d.ndim > 2:  # sequences: every step's numbers are more rows of one batch
            self.grads_into(d.reshape(-1, d.shape[-1]), [x.reshape(-1, x.shape[-1]) for x in cols], grads)
        else:
            self.grads_into(d, cols, grads)
        inputs = [(d @ W.T).reshape(x.shape) if w else None for W, w, x in zip(self.W, want, xs)]
        return inputs, {name: grads[name] for name, _ in self.parameter_specs()}

    def grads_into(self, d, xs, grads) -> None:
        """The parameters' gradients alone, written into ``grads``."""
        for x, name, mask in zip(xs, self.weight_names, self.masks):
            gw = grads[name]
            np.matmul(x.T, d, out=gw)
            if mask is not None:
                gw *= mask
        np.add.reduce(d, axis=0, out=grads[self.bias_name])  # np.sum without its wrapper

    def zero_grads(self, grads) -> None:
        for name in self.weight_names:
            grads[name].fill(0.0)
        grads[self.bias_name].fill(0.0)
