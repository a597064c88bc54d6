"""Optimizers: turn gradients into weight changes.

An optimizer works on a network's parameter store (``nnsim.engine.params``):
one flat vector, so an update is a few array operations however many layers
there are. It keeps its own state (velocities, moments) as flat vectors of
the same length. ``preview`` returns the changes the next ``apply`` would make
without touching parameters or state, so the learn mode can show them first.

Every optimizer reads its settings live (a rate changed while training
applies at the next step).
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.params import Parameters
from nnsim.engine.vocab import Optimizer as OptimizerKind
from nnsim.engine.vocab import TrainingSettings


class SGD:
    """Plain gradient descent: w ← w − rate·g."""

    kind = OptimizerKind.SGD

    def __init__(self, params: Parameters, settings: TrainingSettings):
        self.settings = settings
        self.size = params.flat.size

    def apply(self, params: Parameters, grads: Parameters) -> None:
        p = params.flat
        p -= self.settings.learning_rate * grads.flat  # the caller's gradients stay as they were

    def preview(self, grads: Parameters) -> Parameters:
        return grads.like(-self.settings.learning_rate * grads.flat)

    def reset(self) -> None:
        pass

    def state(self) -> dict[str, np.ndarray | int]:
        """The optimizer's state (copies), e.g. to save it with the weights."""
        return {}

    def load_state(self, arrays: dict[str, np.ndarray], t: int = 0) -> None:
        """Take a state ``state()`` gave (its flat vectors and, for Adam, its
        step count); vectors of another length are left out."""
        for name, value in arrays.items():
            mine = getattr(self, name, None)
            if isinstance(mine, np.ndarray) and np.shape(value) == mine.shape:
                mine[...] = value
        if hasattr(self, "t"):
            self.t = int(t)


class Momentum(SGD):
    """Gradient descent with momentum: v ← μ·v − rate·g; w ← w + v."""

    kind = OptimizerKind.MOMENTUM

    def __init__(self, params: Parameters, settings: TrainingSettings):
        super().__init__(params, settings)
        self.v = np.zeros_like(params.flat)

    def _velocity(self, g):
        return self.settings.momentum * self.v - self.settings.learning_rate * g

    def apply(self, params, grads) -> None:
        self.v[...] = self._velocity(grads.flat)
        p = params.flat
        p += self.v

    def preview(self, grads):
        return grads.like(self._velocity(grads.flat))

    def reset(self) -> None:
        self.v[...] = 0.0

    def state(self):
        return {"v": self.v.copy()}


class Adam(SGD):
    """Adam (Kingma & Ba): bias-corrected first and second moments."""

    kind = OptimizerKind.ADAM

    def __init__(self, params, settings: TrainingSettings):
        super().__init__(params, settings)
        self.m = np.zeros_like(params.flat)
        self.v = np.zeros_like(params.flat)
        self.t = 0

    def _moments(self, g):
        s = self.settings
        return s.beta1 * self.m + (1.0 - s.beta1) * g, s.beta2 * self.v + (1.0 - s.beta2) * (g * g)

    def _change(self, m, v, t):
        s = self.settings
        m_hat = m / (1.0 - s.beta1**t)
        v_hat = v / (1.0 - s.beta2**t)
        return -s.learning_rate * m_hat / (np.sqrt(v_hat) + s.epsilon)

    def apply(self, params, grads) -> None:
        self.t += 1
        self.m[...], self.v[...] = self._moments(grads.flat)
        p = params.flat
        p += self._change(self.m, self.v, self.t)

    def preview(self, grads):
        m, v = self._moments(grads.flat)
        return grads.like(self._change(m, v, self.t + 1))

    def reset(self) -> None:
        self.t = 0
        self.m[...] = 0.0
        self.v[...] = 0.0

    def state(self):
        return {"m": self.m.copy(), "v": self.v.copy(), "t": self.t}


class Adagrad(SGD):
    """Adagrad (Duchi, Hazan & Singer 2011): each number's step shrinks with
    the squares of all its gradients so far.

        G ← G + g²;  w ← w − rate·g / √(G + ε)

    The optimizer of the classic minimal character model (with rate 0.1 and
    ε = 1e−8), with ε inside the root as there: a weight whose gradients have
    all been far below √ε = 1e−4 (rounding noise among them) moves by far
    less than the rate. With ε outside the root (PyTorch's form) that holds
    only below ε itself: a first gradient of 1e−6 would move its weight by
    the whole rate."""

    kind = OptimizerKind.ADAGRAD

    def __init__(self, params: Parameters, settings: TrainingSettings):
        super().__init__(params, settings)
        self.g2 = np.zeros_like(params.flat)  # Σ g², per number
        self._step = np.empty_like(params.flat)

    def _change(self, g: np.ndarray, g2: np.ndarray, out: np.ndarray) -> np.ndarray:
        s = self.settings
        np.add(g2, s.epsilon, out=out)
        np.sqrt(out, out=out)
        np.divide(g, out, out=out)
        out *= -s.learning_rate
        return out

    def apply(self, params: Parameters, grads: Parameters) -> None:
        g = grads.flat
        np.multiply(g, g, out=self._step)
        self.g2 += self._step
        p = params.flat
        p += self._change(g, self.g2, self._step)

    def preview(self, grads: Parameters) -> Parameters:
        g = grads.flat
        return grads.like(self._change(g, self.g2 + g * g, np.empty_like(g)))

    def reset(self) -> None:
        self.g2[...] = 0.0

    def state(self):
        return {"g2": self.g2.copy()}


KINDS = {OptimizerKind.SGD: SGD, OptimizerKind.MOMENTUM: Momentum, OptimizerKind.ADAM: Adam,
         OptimizerKind.ADAGRAD: Adagrad}


def make_optimizer(params: Parameters, settings: TrainingSettings):
    """The optimizer the settings name, for the parameters of ``params``."""
    return KINDS[OptimizerKind(settings.optimizer)](params, settings)
