"""Noticing training that goes nowhere: the loss has stopped improving and the
neurons are saturated.

A neuron is saturated on a sample when its output sits at an end of its
activation's range, where the slope is about 0 (sigmoid below 0.001 or above
0.999, tanh beyond ±0.999, ReLU at 0, a softmax layer giving one output more
than 0.999): almost no gradient gets through it, so the weights feeding it
stop learning. A learning rate far too large throws the weights to where
nearly every neuron is saturated; training then "runs" without learning.

Linear and leaky ReLU neurons never saturate; step and sign neurons are flat
everywhere and are left out (gradient descent cannot train them anyway).
"""

from __future__ import annotations

import math

import numpy as np

from nnsim.engine.vocab import Activation
from nnsim.engine.network import Network

# Epochs without the loss improving by IMPROVEMENT (relative) before training
# counts as having stopped making progress.
STALL_EPOCHS = 20
IMPROVEMENT = 1e-3
# Share of (sample, neuron) outputs that must be saturated to call it stuck:
# the shipped examples stay below 0.3 while they learn; a learning rate of
# 10^6 puts nearly all of them there.
SATURATED_SHARE = 0.9
# How close to an end of the range counts as saturated.
EDGE = 1e-3
MAX_SAMPLES = 1000  # samples measured (an even pick of the training set)


def saturated_share(net: Network, X: np.ndarray) -> float:
    """The share of (sample, neuron) pairs of hidden and output neurons that
    are saturated (0 when no neuron can saturate)."""
    if len(X) > MAX_SAMPLES:
        X = X[np.linspace(0, len(X) - 1, MAX_SAMPLES).astype(np.intp)]
    with np.errstate(all="ignore"):
        trace = net.forward(X)
    pinned = total = 0
    for op in net.layers:
        if op.act is None:
            continue
        a = net.node_outputs(trace, op.index)  # (samples, size)
        for kind, cols in _groups(op.act):
            v = a[:, cols]
            if kind == Activation.SIGMOID:
                hit = (v < EDGE) | (v > 1.0 - EDGE)
            elif kind == Activation.TANH:
                hit = np.abs(v) > 1.0 - EDGE
            elif kind == Activation.RELU:
                hit = v <= 0.0
            elif kind == Activation.SOFTMAX:
                hit = np.broadcast_to(v.max(axis=1, keepdims=True) > 1.0 - EDGE, v.shape)
            elif kind in (Activation.LINEAR, Activation.LEAKY_RELU):
                hit = np.zeros(v.shape, dtype=bool)
            else:  # step, sign
                continue
            pinned += int(np.count_nonzero(hit))
            total += hit.size
    return pinned / total if total else 0.0


def _groups(act):
    if act.uniform:
        return [(act.kinds[0], slice(None))]
    return act.groups


class ProgressWatch:
    """The best loss so far and when it was reached."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.best = math.inf
        self.best_epoch: int | None = None

    def stalled_for(self, epoch: int, loss: float) -> int:
        """Record an epoch's loss; return the epochs since it last improved."""
        if self.best_epoch is None or loss < self.best - IMPROVEMENT * abs(self.best):
            self.best, self.best_epoch = loss, epoch
        return epoch - self.best_epoch


def stall_message(epoch: int, flat: int, best: float, share: float, rate: float) -> str:
    return (
        f"training is stuck at epoch {epoch}: the loss has not improved for {flat} epochs (best {best:.4g}) "
        f"and {math.floor(100 * share)}% of the neurons' outputs are saturated, pinned at the ends of their "
        f"range where almost no gradient gets through. Try a smaller learning rate than {rate:g}, "
        "or new random weights."
    )
