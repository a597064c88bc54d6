"""Every number of one sample, forward and backward, without changing anything.

For the learn mode and ``nnsim predict --trace``: each layer's weighted sums
z and outputs a, each neuron's error term δ = ∂L/∂z, each connection's
gradient ∂L/∂w = a_source · δ_target, and the change the optimizer would make
(with the current learning rate, regularisation and optimizer state).

A frozen connection shows its true gradient (what it would learn), but the
optimizer is given 0 for it, so its change is 0: training never moves it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.engine.network import Network
from nnsim.engine.program import add_regularization


@dataclass
class Inspection:
    x: np.ndarray  # (n_inputs,)
    z: list[np.ndarray | None]  # per layer (size,), None for input layers
    a: list[np.ndarray]  # per layer (size,)
    output: np.ndarray  # (n_outputs,)
    target: np.ndarray | None  # (n_outputs,)
    loss: float | None
    delta: list[np.ndarray | None] | None  # per layer (size,): ∂L/∂z
    dW: list[np.ndarray] | None  # per block (n_src, n_dst): ∂L/∂w of the data loss, frozen connections too
    db: list[np.ndarray | None] | None  # per layer (size,)
    change_W: list[np.ndarray] | None  # per block: what the optimizer would add
    change_b: list[np.ndarray | None] | None  # per layer


def inspect_sample(net: Network, x, target=None, optimizer=None, settings=None) -> Inspection:
    """Forward (and, given a target, backward) numbers for one sample.

    ``optimizer`` and ``settings`` give the update preview; without them
    ``change_*`` are None.
    """
    X = np.asarray(x, dtype=net.dtype).reshape(1, -1)
    with np.errstate(all="ignore"):
        trace = net.forward(X, keep_z=True)
        out = net.outputs(trace)[0].copy()
        z = [None if v is None else v[0].copy() for v in trace.z]
        a = [v[0].copy() for v in trace.a]
        if target is None:
            return Inspection(X[0].copy(), z, a, out, None, None, None, None, None, None, None)
        Y = np.asarray(target, dtype=net.dtype).reshape(1, -1)
        g = net.backward(trace, Y, mask_frozen=False)
        delta = [None if d is None or op.kind == "input" else d[0].copy() for d, op in zip(g.delta, net.layers)]
        change_W = change_b = None
        if optimizer is not None and settings is not None:
            grads = g.params.copy()
            add_regularization(net, settings, grads)
            if net.train_mask is not None:
                grads.flat *= net.train_mask  # a frozen connection would not change
            changes = optimizer.preview(grads)
            change_W = [changes[blk.name] for blk in net.blocks]
            change_b = [None if op.b is None else changes[op.op.bias_name] for op in net.layers]
    return Inspection(X[0].copy(), z, a, out, Y[0].copy(), g.loss, delta, g.dW, g.db, change_W, change_b)
