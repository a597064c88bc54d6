"""Checking backpropagation against finite differences."""

from __future__ import annotations

import numpy as np

from nnsim.engine.network import Network


def numerical_gradients(net: Network, X, Y, h: float = 1e-6) -> list[np.ndarray]:
    """Central differences of the mean batch loss for every drawn entry
    (entries of absent connections get 0, as in backpropagation)."""
    grads = []
    for p, mask in zip(net.params, net.drawn_masks()):
        g = np.zeros_like(p)
        flat, gflat = p.reshape(-1), g.reshape(-1)
        mflat = None if mask is None else mask.reshape(-1)
        for i in range(flat.size):
            if mflat is not None and mflat[i] == 0:
                continue
            old = flat[i]
            flat[i] = old + h
            up = net.loss_of(net.forward(X), Y)
            flat[i] = old - h
            down = net.loss_of(net.forward(X), Y)
            flat[i] = old
            gflat[i] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def max_relative_error(net: Network, X, Y, h: float = 1e-6) -> float:
    """Largest |analytic − numerical| / max(1e-4, |analytic| + |numerical|)."""
    analytic = net.loss_and_grads(np.asarray(X, dtype=net.dtype), np.asarray(Y, dtype=net.dtype)).as_list(net)
    numeric = numerical_gradients(net, np.asarray(X, dtype=net.dtype), np.asarray(Y, dtype=net.dtype), h)
    worst = 0.0
    for a, n in zip(analytic, numeric):
        err = np.abs(a - n) / np.maximum(1e-4, np.abs(a) + np.abs(n))
        if err.size:
            worst = max(worst, float(err.max()))
    return worst
