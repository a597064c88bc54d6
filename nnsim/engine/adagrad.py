"""Adagrad (Duchi, Hazan & Singer 2011): each number's step shrinks with the
squares of all its gradients so far.

    G ← G + g²;  w ← w − rate·g / √(G + ε)

The optimizer of the classic minimal character model (with rate 0.1 and
ε = 1e−8), with ε inside the root as there: a weight whose gradients have
all been far below √ε = 1e−4 (rounding noise among them) moves by far less
than the rate. With ε outside the root (PyTorch's form) that holds only below
ε itself: a first gradient of 1e−6 would move its weight by the whole rate. It
follows the interface of ``nnsim.engine.optimizers``: it works on the flat
vector of a parameter store, ``preview`` returns the change the next
``apply`` would make without touching anything, and it reads its settings
(``learning_rate``, ``epsilon``) live.
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.optimizers import SGD
from nnsim.engine.params import Parameters
from nnsim.engine.vocab import Optimizer as OptimizerKind
from nnsim.engine.vocab import TrainingSettings


class Adagrad(SGD):
    """Adagrad over a flat parameter vector (see the module docstring)."""

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
