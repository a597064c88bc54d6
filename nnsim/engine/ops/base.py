"""The interface every layer operation shares.

In the spirit of micrograd's ``Module``: an operation declares its named
parameter arrays, computes its output from its inputs, and, given the error
term at its output, returns the gradients of its inputs and of its
parameters. It never applies them (an optimizer does), so the window can show
gradients before they change anything.

The network (``nnsim.engine.network``) runs operations in topological order
and owns the arrays: it binds each operation to views of one flat parameter
vector and one flat gradient vector (``nnsim.engine.params``).

Shapes: an operation works on a batch. ``in_shapes`` and ``out_shape`` are the
shapes of one sample (``(n,)`` for a column of neurons, ``(channels, height,
width)`` for an image), so a batch is ``(batch, *shape)``. Operations that
carry state from one time step to the next (recurrent layers) say so with
``stateful``; the network then runs them once per step of a sequence.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class Operation:
    """Base class of layer operations (see the module docstring)."""

    #: The layer type this operation computes, as the file names it.
    type: str = ""
    #: Carries state across time steps (the network steps it through time).
    stateful: bool = False

    in_shapes: list[tuple[int, ...]]
    out_shape: tuple[int, ...]

    def parameter_specs(self) -> list[tuple[str, tuple[int, ...]]]:
        """``(local name, shape)`` of each trainable array, in a fixed order."""
        return []

    def regularized(self) -> list[str]:
        """The names of its arrays that L1/L2 penalties apply to (weights and
        kernels; never biases)."""
        return []

    def bind(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray] | None = None) -> None:
        """Take the views of the network's flat vectors, by local name."""

    def forward(self, xs: list[np.ndarray], n: int, keep: bool = False):
        """``(kept, a)``: the output ``a`` for a batch of ``n`` samples whose
        inputs are ``xs`` (one array per input, aligned with ``in_shapes``)
        and, with ``keep``, the values to keep for inspection (a dense
        layer's weighted sums ``z``), else None."""
        raise NotImplementedError

    def delta(self, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """The error term at the operation's pre-activation from the gradient
        at its output (identity for operations without an activation)."""
        return grad_a

    def backward(self, d: np.ndarray, xs: list[np.ndarray], grads: Mapping[str, np.ndarray] | None,
                 want: list[bool]) -> tuple[list[np.ndarray | None], Mapping[str, np.ndarray]]:
        """From the error term ``d``: the gradient of each input (None where
        ``want`` is False) and of each parameter, written into ``grads`` (the
        views to write, by local name) and returned."""
        raise NotImplementedError
