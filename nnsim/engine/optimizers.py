"""Optimizers: turn gradients into weight changes.

Each optimizer keeps its own state (velocities, moments) aligned with the
network's parameter list. ``preview`` returns the changes the next ``apply``
would make without touching parameters or state, so the learn mode can show
them first.
"""

from __future__ import annotations

import numpy as np

from nnsim.design.model import Optimizer as OptimizerKind
from nnsim.design.model import TrainingSettings


class SGD:
    """Plain gradient descent: w ← w − rate·g."""

    def __init__(self, params: list[np.ndarray], settings: TrainingSettings):
        self.settings = settings

    def apply(self, params, grads) -> None:
        lr = self.settings.learning_rate
        for p, g in zip(params, grads):
            p -= lr * g  # not ``g *= lr``: the caller's gradients stay as they were

    def preview(self, grads) -> list[np.ndarray]:
        lr = self.settings.learning_rate
        return [-lr * g for g in grads]

    def reset(self) -> None:
        pass


class Momentum:
    """Gradient descent with momentum: v ← μ·v − rate·g; w ← w + v."""

    def __init__(self, params, settings: TrainingSettings):
        self.settings = settings
        self.v = [np.zeros_like(p) for p in params]

    def _velocity(self, v, g):
        return self.settings.momentum * v - self.settings.learning_rate * g

    def apply(self, params, grads) -> None:
        for p, v, g in zip(params, self.v, grads):
            v[...] = self._velocity(v, g)
            p += v

    def preview(self, grads):
        return [self._velocity(v, g) for v, g in zip(self.v, grads)]

    def reset(self) -> None:
        for v in self.v:
            v[...] = 0.0


class Adam:
    """Adam (Kingma & Ba): bias-corrected first and second moments."""

    def __init__(self, params, settings: TrainingSettings):
        self.settings = settings
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def _moments(self, m, v, g):
        s = self.settings
        return s.beta1 * m + (1.0 - s.beta1) * g, s.beta2 * v + (1.0 - s.beta2) * (g * g)

    def _change(self, m, v, t):
        s = self.settings
        m_hat = m / (1.0 - s.beta1**t)
        v_hat = v / (1.0 - s.beta2**t)
        return -s.learning_rate * m_hat / (np.sqrt(v_hat) + s.epsilon)

    def apply(self, params, grads) -> None:
        self.t += 1
        for p, m, v, g in zip(params, self.m, self.v, grads):
            m[...], v[...] = self._moments(m, v, g)
            p += self._change(m, v, self.t)

    def preview(self, grads):
        out = []
        for m, v, g in zip(self.m, self.v, grads):
            m2, v2 = self._moments(m, v, g)
            out.append(self._change(m2, v2, self.t + 1))
        return out

    def reset(self) -> None:
        self.t = 0
        for a in self.m + self.v:
            a[...] = 0.0


KINDS = {OptimizerKind.SGD: SGD, OptimizerKind.MOMENTUM: Momentum, OptimizerKind.ADAM: Adam}


def make_optimizer(params, settings: TrainingSettings):
    return KINDS[OptimizerKind(settings.optimizer)](params, settings)
