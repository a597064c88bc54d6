"""Independent references for the recurrent operations' gradients.

The loss of a pass is L = Σ_t ⟨G_t, h_t⟩ + ⟨D, final state⟩ with fixed random
G (batch, T, size) and D (one array per state part): every step has a loss.
Its gradients are taken by central differences of losses computed with the
operation's forward pass alone.

Truncation to k steps, as the engine defines it: the loss of step t, L_t =
⟨G_t, h_t⟩ (plus ⟨D, state⟩ for the last step), is computed from the state
after step t − k held fixed at its value in the unperturbed forward pass (from
the initial state when t < k). The truncated gradient is the gradient of
Σ_t L_t computed so, which ``truncated_loss`` evaluates by running the
forward pass over steps t − k + 1 … t for each t. k = None is the full loss.

``truncated_loss`` can also add a perturbation ``delta`` (a tuple like the
state) to the state after step ``at`` wherever that state is used (inside a
window, or as a window's fixed starting state); its derivative at 0 is what
reaches the state after step ``at`` (``at = -1``: the initial state).
"""

from __future__ import annotations

import numpy as np


def states_after(op, x, initial):
    """The state before each step: states[j] is the state entering step j
    (states[0] = the initial state), from one unperturbed forward pass."""
    p = op.run(x, initial)
    parts = [p.steps["hs"]] + ([p.steps["cs"]] if len(op.state_names) == 2 else [])
    return [tuple(initial)] + [tuple(a[t + 1].copy() for a in parts) for t in range(x.shape[1])]


def truncated_loss(op, x, initial, G, D, k=None, states=None, at=None, delta=None):
    T = x.shape[1]
    k = T if k is None else k
    states = states_after(op, x, initial) if states is None else states
    total = 0.0
    for t in range(T):
        s0 = max(0, t - k + 1)
        start = states[s0] if s0 > 0 else tuple(initial)
        if at is not None and at == s0 - 1:
            start = tuple(a + d for a, d in zip(start, delta))
        if at is not None and s0 <= at <= t:
            mid = op.run(x[:, s0 : at + 1], start).state
            mid = tuple(a + d for a, d in zip(mid, delta))
            state = op.run(x[:, at + 1 : t + 1], mid).state if at < t else mid
        else:
            state = op.run(x[:, s0 : t + 1], start).state
        total += float(np.sum(G[:, t] * state[0]))
        if t == T - 1:
            total += sum(float(np.sum(d * s)) for d, s in zip(D, state))
    return total


def central(f, a: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of f() with respect to every entry of ``a``
    (changed in place and restored)."""
    out = np.zeros(a.shape)
    flat, g = a.reshape(-1), out.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return out


def state_gradient(op, x, initial, G, D, k, states, at, eps: float = 1e-6):
    """By differences: the gradient reaching each part of the state after
    step ``at``, (batch, size) per part."""
    n, H = x.shape[0], op.size
    out = []
    for part in range(len(op.state_names)):
        delta = [np.zeros((n, H)) for _ in op.state_names]

        def f(delta=delta):
            return truncated_loss(op, x, initial, G, D, k, states, at, tuple(delta))

        out.append(central(f, delta[part], eps))
    return out


def assert_close(analytic, numeric, tol=1e-6):
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    assert analytic.shape == numeric.shape
    err = np.abs(analytic - numeric) / np.maximum(1.0, np.abs(analytic) + np.abs(numeric))
    assert float(err.max(initial=0.0)) < tol, float(err.max())
