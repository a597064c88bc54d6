"""Running a network through time: sequences, delayed connections, and
backpropagation through time.

A batch of sequences has shape (batch, T, features). At each time step the
network runs its nodes in topological order (of its undelayed connections);
an input arriving over a connection with delay 1 is its source's output of
the step before (zeros, or a carried ``state``, before the first step). That
is a loop in the drawing and a memory in the network: Elman networks (a hidden
layer onto itself) and Jordan networks (the output back to a hidden layer).

Targets are given per step, (batch, T, outputs), or for the last step only,
(batch, outputs). A target row that is NaN means "no target at this step for
this sample". The loss is the mean over the targets given of each step's loss
(the same per-sample loss as for static data), so it reads on the same scale.

Backward goes from the last step to the first; a gradient reaching a delayed
input goes to its source one step earlier. Parameter gradients are summed
over the steps. ``nnsim.engine.trainer`` cuts long sequences into chunks for
truncated backpropagation through time, carrying the state from chunk to
chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.engine import losses
from nnsim.engine.params import Parameters


@dataclass
class SequenceTrace:
    """Each step's kept values and outputs: ``z[t][node]``, ``a[t][node]``
    (batch, size) arrays; ``state`` the outputs a next chunk starts from."""

    z: list[list]
    a: list[list]
    initial: dict[int, np.ndarray]  # node -> (batch, size): the outputs "before step 0"
    state: dict[int, np.ndarray]
    # Without drawn loops: every node's whole (batch, T, ...) outputs and kept
    # values, as computed (the per-step lists above are views of them).
    whole: tuple[list, list] | None = None

    @property
    def steps(self) -> int:
        return len(self.a)

    def stacked(self, node: int, which: str = "a") -> np.ndarray | None:
        """(batch, T, size) of one node over the steps (None where not kept)."""
        rows = [step[node] for step in (self.a if which == "a" else self.z)]
        if any(r is None for r in rows):
            return None
        return np.stack(rows, axis=1)


def delayed_sources(net) -> list[int]:
    """The nodes whose outputs some node reads one step late."""
    return sorted({s for n in net.layers for s, d in zip(n.sources, n.delays) if d})


def zero_state(net, batch: int) -> dict[int, np.ndarray]:
    return {s: np.zeros((batch, net.layers[s].size), dtype=net.dtype) for s in delayed_sources(net)}


def forward(net, X: np.ndarray, keep_z: bool = False, state: dict | None = None) -> SequenceTrace:
    """Every node's outputs at every step of a batch of sequences
    ``X`` (batch, T, n_inputs). ``state``: the outputs (of nodes read one step
    late) or the states (of recurrent blocks) before the first step."""
    X = np.asarray(X, dtype=net.dtype)
    if not net.recurrent:
        return _forward_whole(net, X, keep_z, state)
    n, T = X.shape[0], X.shape[1]
    initial = zero_state(net, n) if state is None else {k: np.asarray(v, dtype=net.dtype) for k, v in state.items()}
    a_steps: list[list] = []
    z_steps: list[list] = []
    before = initial
    for t in range(T):
        a: list = [None] * len(net.layers)
        z: list = [None] * len(net.layers)
        for node in net.layers:
            if node.op is None:
                a[node.index] = X[:, t, node.columns]
                continue
            xs = [a[s] if d == 0 else before[s] for s, d in zip(node.sources, node.delays)]
            z[node.index], a[node.index] = node.op.forward(xs, n, keep_z or node.kind == "output")
        a_steps.append(a)
        z_steps.append(z)
        before = {s: a[s] for s in initial}
    return SequenceTrace(z_steps, a_steps, initial, before)


def _forward_whole(net, X: np.ndarray, keep_z: bool, state: dict | None) -> SequenceTrace:
    """Without drawn loops, each node runs once over whole sequences: dense
    layers apply the same weights at every step, recurrent blocks (an LSTM)
    carry their own state from step to step."""
    n, T = X.shape[0], X.shape[1]
    A: list = [None] * len(net.layers)
    Z: list = [None] * len(net.layers)
    final: dict = {}
    for node in net.layers:
        i, op = node.index, node.op
        if op is None:
            A[i] = X[:, :, node.columns]
            continue
        if op.stateful:
            op.state = None if state is None else state.get(i)
        Z[i], A[i] = op.forward([A[s] for s in node.sources], n, keep_z or node.kind == "output")
        if op.stateful:
            final[i] = op.final_state
    steps_a = [[None if x is None else x[:, t] for x in A] for t in range(T)]
    steps_z = [[x[:, t] if isinstance(x, np.ndarray) else None for x in Z] for t in range(T)]
    trace = SequenceTrace(steps_z, steps_a, {}, final)
    trace.whole = (A, Z)
    return trace


def outputs(net, trace: SequenceTrace) -> np.ndarray:
    """(batch, T, n_outputs)."""
    per_step = [np.concatenate([a[n.index] for n in net.output_layers], axis=1) for a in trace.a]
    return np.stack(per_step, axis=1)


def _targets_at(Y: np.ndarray, t: int, T: int) -> np.ndarray | None:
    """The targets of step ``t`` (batch, outputs), or None where the step has none."""
    if Y.ndim == 3:
        return Y[:, t]
    return Y if t == T - 1 else None


def target_count(Y: np.ndarray) -> int:
    """How many (sample, step) pairs have a target: the loss's divisor."""
    rows = Y.reshape(-1, Y.shape[-1])
    return int(np.count_nonzero(~np.isnan(rows).any(axis=1))) if rows.size else 0


def _step_loss(net, node, z, a, y, total: int):
    """(loss of one output node at one step, its error term) as shares of the
    mean over all ``total`` targets; rows without a target add nothing."""
    have = ~np.isnan(y).any(axis=1)
    k = int(np.count_nonzero(have))
    d = np.zeros_like(a)
    if k == 0:
        return 0.0, d
    if k < len(y):
        z, a, y = (None if z is None else z[have]), a[have], y[have]
    value = net._layer_loss(node, z, a, y)
    if node.fused:
        part = losses.fused_delta(net.loss, a, y)
    else:
        part = node.op.delta(a, losses.GRAD[net.loss](a, y))
    share = k / total
    if k < len(have):
        d[have] = part * share
    else:
        d[...] = part * share
    return value * share, d


def loss_of(net, trace: SequenceTrace, Y: np.ndarray) -> float:
    total = target_count(Y)
    if total == 0:
        return 0.0
    out = 0.0
    T = trace.steps
    for t in range(T):
        y_all = _targets_at(Y, t, T)
        if y_all is None:
            continue
        single = len(net.output_layers) == 1
        for node in net.output_layers:
            y = y_all if single else y_all[:, node.columns]
            value, _ = _step_loss(net, node, trace.z[t][node.index], trace.a[t][node.index], y, total)
            out += value
    return out


def backward(net, trace: SequenceTrace, Y: np.ndarray, grads: Parameters, need_input_delta: bool = False):
    """Gradients of the mean loss over the targets, summed over the steps,
    written into ``grads``. Returns (loss, per-step error terms
    ``delta[t][node]``, the norm of the gradient reaching each node's output
    at each step from later steps and nodes: the gradient through time)."""
    if trace.whole is not None:
        return _backward_whole(net, trace, Y, grads, need_input_delta)
    T = trace.steps
    total = target_count(Y)
    layers = net.layers
    grads.flat.fill(0.0)
    scratch = grads.like()
    delta = [[None] * len(layers) for _ in range(T)]
    norms = np.zeros((T, len(layers)))
    loss = 0.0
    # arriving[t][node]: (consumer, delay, gradient) reaching the node's output at step t.
    arriving: list[list[list]] = [[[] for _ in layers] for _ in range(T)]
    single = len(net.output_layers) == 1
    for t in range(T - 1, -1, -1):
        y_all = _targets_at(Y, t, T) if total else None
        scratch.flat.fill(0.0)
        a, z = trace.a[t], trace.z[t]
        for node in reversed(layers):
            i = node.index
            parts = arriving[t][i]
            parts.sort(key=lambda p: (p[1], p[0]))  # same step first, each in consumer order
            g = None
            for _, _, gx in parts:
                g = gx if g is None else g + gx
            if node.kind == "output" and y_all is not None:
                y = y_all if single else y_all[:, node.columns]
                value, d_out = _step_loss(net, node, z[i], a[i], y, total)
                loss += value
                d = d_out if g is None else d_out + node.op.delta(a[i], g)
            elif g is None:
                continue
            elif node.op is None:
                delta[t][i] = g
                continue
            else:
                d = node.op.delta(a[i], g)
            if g is not None:
                norms[t, i] = float(np.linalg.norm(g))
            delta[t][i] = d
            xs = [a[s] if dl == 0 else (trace.a[t - 1][s] if t else trace.initial[s])
                  for s, dl in zip(node.sources, node.delays)]
            want = [(need_input_delta or layers[s].op is not None) and (dl == 0 or t > 0)
                    for s, dl in zip(node.sources, node.delays)]
            back, _ = node.op.backward(d, xs, scratch, want)
            for (s, dl), gx in zip(zip(node.sources, node.delays), back):
                if gx is None:
                    continue
                arriving[t - dl][s].append((i, dl, gx))
        grads.flat += scratch.flat
    return loss, delta, norms


def _whole_loss(net, node, z, a, y, total: int):
    """(loss, error term (batch, T, size)) of one output node over whole
    sequences: every step a row of one batch, or the last step only."""
    d = np.zeros_like(a)
    if y.ndim == 2:  # one target per sequence: at its last step
        value, d[:, -1] = _step_loss(net, node, None if z is None else z[:, -1], a[:, -1], y, total)
        return value, d
    rows = a.shape[0] * a.shape[1]
    z2 = None if z is None else z.reshape(rows, -1)
    value, d2 = _step_loss(net, node, z2, a.reshape(rows, -1), y.reshape(rows, -1), total)
    return value, d2.reshape(a.shape)


def _backward_whole(net, trace: SequenceTrace, Y: np.ndarray, grads: Parameters, need_input_delta: bool):
    """``backward`` for a network without drawn loops: each node's backward
    once, over whole sequences (a recurrent block goes back through time
    inside)."""
    A, Z = trace.whole
    layers = net.layers
    total = target_count(Y)
    grads.flat.fill(0.0)
    delta: list = [None] * len(layers)
    arriving: list[list] = [[] for _ in layers]
    loss = 0.0
    single = len(net.output_layers) == 1
    T = A[layers[0].index].shape[1]
    norms = np.zeros((T, len(layers)))
    for node in reversed(layers):
        i, op = node.index, node.op
        parts = sorted(arriving[i], key=lambda p: p[0])
        g = None
        for _, gx in parts:
            g = gx if g is None else g + gx
        if node.kind == "output" and total:
            y = Y if single else Y[..., node.columns]
            value, d = _whole_loss(net, node, Z[i], A[i], y, total)
            loss += value
            if g is not None:
                d = d + op.delta(A[i], g)
        elif g is None:
            continue
        elif op is None:
            delta[i] = g
            continue
        else:
            d = op.delta(A[i], g)
        delta[i] = d
        want = [need_input_delta or layers[s].op is not None for s in node.sources]
        back, _ = op.backward(d, [A[s] for s in node.sources], grads, want)
        if op.stateful and op.last_gradients is not None:
            norms[:, i] = op.last_gradients.norms()
        for s, gx in zip(node.sources, back):
            if gx is not None:
                arriving[s].append((i, gx))
    steps = [[None if x is None else x[:, t] for x in delta] for t in range(T)]
    return loss, steps, norms
