"""Headless tools for networks that read sequences: predicting a sequence
step by step, sampling text from a character model at a temperature, and
measuring how much of the loss's gradient reaches each earlier step (the
vanishing gradient). The window's views and the command line use these; no
Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.data.base import DataError
from nnsim.data.char_text import decode, generate
from nnsim.engine.network import Network
from nnsim.text import quote


def reads_sequences(net: Network) -> bool:
    """Whether the network has a loop (a delayed connection) or a recurrent
    layer, and so reads sequences rather than separate samples."""
    return net.recurrent or any(n.op is not None and n.op.stateful for n in net.layers)


def as_batch_of_sequences(net: Network, inputs) -> tuple[np.ndarray, bool]:
    """``inputs`` as (batch, T, n_inputs), and whether it was one sequence
    (T, n_inputs) (or one step (n_inputs,)). Raises ValueError naming the
    shape that does not fit."""
    x = np.asarray(inputs, dtype=np.float64)
    one = x.ndim in (1, 2)
    if x.ndim == 1:
        x = x[None, None, :]
    elif x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[-1] != net.n_inputs or x.shape[1] == 0:
        raise ValueError(f"a sequence of time steps of {net.n_inputs} input(s) each, (time, {net.n_inputs}) or "
                         f"(sequences, time, {net.n_inputs}), was needed; an array of shape {np.shape(inputs)} "
                         "was given")
    return x, one


class TextSampler:
    """Draws text from a character model (one input and one output per
    character of ``vocabulary``), one character at a time, the state carried
    from each to the next: ``nnsim.data.char_text.generate``."""

    def __init__(self, net: Network, vocabulary: list[str]):
        if net.n_inputs != len(vocabulary) or net.n_outputs != len(vocabulary):
            raise DataError(f"a character model needs one input and one output per character ({len(vocabulary)}); "
                            f"the network has {net.n_inputs} input(s) and {net.n_outputs} output(s)")
        self.net, self.vocabulary = net, list(vocabulary)
        self.index = {c: k for k, c in enumerate(self.vocabulary)}
        self.state: dict | None = None

    def _feed(self, k: int) -> np.ndarray:
        x = np.zeros((1, 1, len(self.vocabulary)), dtype=self.net.dtype)
        x[0, 0, k] = 1.0
        with np.errstate(all="ignore"):
            trace = self.net.forward(x, state=self.state)
        self.state = trace.state
        p = self.net.outputs(trace)[0, -1].astype(np.float64)
        return np.clip(p, 0.0, None)

    def sample(self, n: int, temperature: float = 1.0, prime: str = "", seed: int = 0) -> str:
        """``n`` characters drawn after ``prime`` (fed first, from a zero
        state; its last character leads on; empty: the vocabulary's first
        character), each from the model's next-character probabilities at
        ``temperature`` (0: the most likely; 1: as given; larger: wilder)."""
        prime = prime or self.vocabulary[0]
        unknown = sorted({c for c in prime if c not in self.index})
        if unknown:
            raise DataError(f"the text to start from has characters the model does not know: "
                            f"{', '.join(quote(c) for c in unknown)}")
        self.state = None
        for c in prime[:-1]:
            self._feed(self.index[c])
        rng = np.random.default_rng(seed)
        return decode(generate(self._feed, self.index[prime[-1]], n, temperature, rng), self.vocabulary)


@dataclass
class ThroughTime:
    """How much of the gradient of the loss at one step reaches the steps
    before it, per layer that carries a state from step to step (a layer with
    a loop, or a recurrent block): ``shares[layer id][k]`` is the norm of the
    gradient reaching that layer's state k steps before the loss's step,
    divided by the norm at that step (1 at k = 0); NaN where no gradient
    reached that step at all."""

    shares: dict[int, np.ndarray]
    loss_step: int  # the step whose loss was measured


def gradient_through_time(compiled, inputs, targets) -> ThroughTime:
    """The gradient through time of one sequence's loss at its last step
    with a target: ``inputs`` (T, n_inputs), ``targets`` per step (T,
    n_outputs; NaN rows: no target) or for the last step (n_outputs,). Only
    that step's loss counts, so the shares show how far back it reaches.
    ``compiled`` is a design compiled (``nnsim.design.compile``)."""
    net = compiled.network
    x, _ = as_batch_of_sequences(net, inputs)
    if len(x) != 1:
        raise ValueError("one sequence, (time, inputs), was needed")
    T = x.shape[1]
    y = np.asarray(targets, dtype=np.float64)
    if y.shape == (net.n_outputs,):
        per_step = np.full((1, T, net.n_outputs), np.nan)
        per_step[0, -1] = y
    elif y.shape == (T, net.n_outputs):
        per_step = y[None].copy()
    else:
        raise ValueError(f"targets: ({T}, {net.n_outputs}) or ({net.n_outputs},) were needed; "
                         f"an array of shape {y.shape} was given")
    have = np.flatnonzero(~np.isnan(per_step[0]).any(axis=1))
    if not len(have):
        raise ValueError("the targets have no step with a target")
    last = int(have[-1])
    only = np.full_like(per_step, np.nan)
    only[0, last] = per_step[0, last]
    with np.errstate(all="ignore"):
        g = net.backward(net.forward(x[:, : last + 1]), only[:, : last + 1], mask_frozen=False)
    norms = g.through_time  # (steps, nodes)
    stateful = {s for n in net.layers for s, d in zip(n.sources, n.delays) if d}
    stateful |= {n.index for n in net.layers if n.op is not None and n.op.stateful}
    by_index = {i: lid for lid, i in compiled.layer_index.items()}
    shares = {}
    for i in sorted(stateful):
        col = norms[:, i][::-1]  # index k: k steps back from the loss's step
        with np.errstate(all="ignore"):
            s = col / col[0] if col[0] > 0 else np.full_like(col, np.nan)
        shares[by_index[i]] = np.where(col > 0, s, np.nan)
    return ThroughTime(shares, last)
