"""The trainer's step for networks of dense layers, every array preallocated.

``Network.train_grads`` does forward, loss and backward for one mini-batch.
For a network whose layers are all dense, a ``DensePlan`` made once per batch
size does the same arithmetic as ``Network.forward`` and ``Network.backward``
(the same operations in the same order, so the same numbers to the last bit)
into arrays it keeps: on small networks, where NumPy's cost is per call
rather than per number, not allocating is most of the time saved.
"""

from __future__ import annotations

import numpy as np

from nnsim.engine import activations, losses
from nnsim.engine.ops.dense import Dense
from nnsim.engine.vocab import Loss

_add_reduce = np.add.reduce  # np.sum's own work, without its Python wrapper


def supports(net) -> bool:
    """Whether the plan can run ``net``: every operation dense, and output
    gradients it computes (fused ones, or those of the MSE)."""
    return (all(node.op is None or type(node.op) is Dense for node in net.layers)
            and all(node.fused or net.loss == Loss.MSE for node in net.output_layers))


class _Step:
    """One dense node's part of the plan."""

    __slots__ = ("i", "op", "sources", "out", "z", "d", "tmp", "output", "columns", "multi", "parts", "send",
                 "fwd", "bwd", "W", "b", "gw", "gb")

    def __init__(self, node, n, dt):
        self.i = node.index
        self.op = node.op
        self.sources = tuple(node.sources)
        self.out = np.empty((n, node.size), dt)
        # Output nodes keep their weighted sums apart: fused losses use them.
        self.z = np.empty((n, node.size), dt) if node.kind == "output" else self.out
        self.d = np.empty((n, node.size), dt)
        self.tmp = np.empty((n, node.size), dt)
        self.output = node.kind == "output"
        self.columns = node.columns
        self.multi = len(node.outputs) > 1  # several consumers: their parts are summed
        self.parts: dict[int, np.ndarray] = {}
        self.send: list = []  # (k, source step) for sources that need a gradient
        act = node.op.act
        # The activation's in-place forms, looked up once (None: the general call).
        self.fwd = activations.FORWARD_INTO.get(act.kinds[0]) if act.uniform else None
        self.bwd = activations.BACKWARD_INTO.get(act.kinds[0]) if act.uniform else None
        self.W = node.op.W
        self.b = node.op.b
        self.gw: list = []  # (gradient view, mask) per input, for the store last used
        self.gb = None

    def bind_grads(self, grads) -> None:
        op = self.op
        self.gw = [(grads[name], mask) for name, mask in zip(op.weight_names, op.masks)]
        self.gb = grads[op.bias_name]


class DensePlan:
    """Buffers and the step for one batch size."""

    def __init__(self, net, n: int):
        self.net = net
        self.n = n
        dt = net.dtype
        self.steps = [_Step(node, n, dt) for node in net.layers if node.op is not None]
        by_index = {s.i: s for s in self.steps}
        for s in self.steps:
            for k, src in enumerate(s.sources):
                step = by_index.get(src)
                if step is not None:
                    s.send.append((k, step))
                    if step.multi:
                        step.parts[s.i] = np.empty((n, net.layers[src].size), dt)
        self.inputs = [(node.index, node.columns) for node in net.input_layers]
        self.softmax_ce = net.loss == Loss.SOFTMAX_CROSS_ENTROPY
        self._grads = None  # the gradient store the steps' views point into

    def step(self, X, Y, grads) -> float:
        """Forward, loss and backward for the batch (X, Y); gradients go into
        ``grads``; returns the loss."""
        return self.backward(self.forward(X), grads, Y)

    def forward(self, X) -> list:
        """Every node's outputs for the batch X (the plan's own buffers:
        valid until its next forward)."""
        net = self.net
        acts: list = [None] * len(net.layers)
        for i, cols in self.inputs:
            acts[i] = X[:, cols]
        matmul = np.matmul
        for s in self.steps:
            out, z, W = s.out, s.z, s.W
            src = s.sources
            if len(src) == 1:
                matmul(acts[src[0]], W[0], out=z)
            else:
                s.op.forward_into([acts[j] for j in src], z, out)
                acts[s.i] = out
                continue
            z += s.b
            if s.fwd is not None:
                s.fwd(z, out)
            else:
                s.op.act.forward_into(z, out)
            acts[s.i] = out
        return acts

    def output_z(self) -> np.ndarray:
        """The weighted sums of the (single) output layer after ``forward``."""
        return next(s.z for s in self.steps if s.output)

    def output_a(self) -> np.ndarray:
        """The outputs of the (single) output layer after ``forward``."""
        return next(s.out for s in self.steps if s.output)

    def backward(self, acts, grads, Y=None, out_delta=None, out_grad=None, input_delta: bool = False,
                 params: bool = True):
        """Backward after ``forward`` (``acts``): from the targets Y (returns
        the loss), or from a gradient given at the output layers' weighted
        sums (``out_delta``) or outputs (``out_grad``), already divided by
        the batch size (returns 0.0). ``input_delta``: also ∂L/∂x, returned
        with the loss as (loss, {input node index: array}). ``params``
        False: the parameters' gradients are not wanted (``grads`` is left
        as it was; only the error terms travel back)."""
        net = self.net
        if grads is not self._grads:
            for s in self.steps:
                s.bind_grads(grads)
            self._grads = grads
        matmul = np.matmul
        loss = 0.0
        single = len(net.output_layers) == 1
        n = self.n
        arrived: dict[int, list[int]] = {}
        into: dict[int, np.ndarray] = {}  # input node -> ∂L/∂x (with input_delta)
        for s in reversed(self.steps):
            out, d = s.out, s.d
            if s.output and (out_delta is not None or out_grad is not None):
                cols = slice(None) if single else s.columns
                if out_delta is not None:
                    np.copyto(d, out_delta[:, cols])
                else:
                    np.copyto(d, out_grad[:, cols])
                    if s.bwd is not None:
                        s.bwd(out, d, d, s.tmp)
                    else:
                        s.op.act.backward_into(out, d, d, s.tmp)
            elif s.output:
                y = Y if single else Y[:, s.columns]
                fused = net.layers[s.i].fused
                if fused:
                    loss += losses.value_from_z(net.loss, s.z, y)
                    if self.softmax_ce:  # (a·Σy − y)/batch, as losses.fused_delta
                        np.multiply(out, y.sum(axis=1, keepdims=True), out=d)
                        d -= y
                    else:  # (a − y)/batch
                        np.subtract(out, y, out=d)
                else:
                    np.subtract(out, y, out=d)
                    loss += 0.5 * float(np.vdot(d, d)) / n  # the MSE, ½ Σ (a − y)² / batch
                d /= n
                if not fused:
                    if s.bwd is not None:
                        s.bwd(out, d, d, s.tmp)
                    else:
                        s.op.act.backward_into(out, d, d, s.tmp)
            else:
                came = arrived.get(s.i)
                if not came:
                    s.op.zero_grads(grads)
                    continue
                if s.multi:
                    came.sort()
                    np.copyto(d, s.parts[came[0]])
                    for c in came[1:]:
                        d += s.parts[c]  # the same sum, in consumer order
                if s.bwd is not None:
                    s.bwd(out, d, d, s.tmp)
                else:
                    s.op.act.backward_into(out, d, d, s.tmp)
            if params:
                for j, (gw, mask) in zip(s.sources, s.gw):
                    matmul(acts[j].T, d, out=gw)
                    if mask is not None:
                        gw *= mask
                _add_reduce(d, axis=0, out=s.gb)
            for k, step in s.send:
                matmul(d, s.W[k].T, out=step.parts[s.i] if step.multi else step.d)
                if step.i in arrived:
                    arrived[step.i].append(s.i)
                else:
                    arrived[step.i] = [s.i]
            if input_delta:
                for k, j in enumerate(s.sources):
                    if net.layers[j].op is None:
                        g = d @ s.W[k].T
                        into[j] = g if j not in into else into[j] + g
        return (loss, into) if input_delta else loss
