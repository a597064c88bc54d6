"""A compiled network: layer operations in topological order over one flat
parameter vector.

Every layer of a drawing is a ``Node``; all but input nodes hold an operation
(``nnsim.engine.ops``) that reads the outputs of its source nodes. The
numbers of all operations are named views into one flat vector
(``nnsim.engine.params``): optimizers update that vector in a few array
operations, and snapshots copy it in one.

Dense layers keep the vocabulary the rest of nnsim used before layer types
existed: each pair of layers joined by connections is a ``Block`` with its
weight matrix, its mask of drawn connections and its mask of trainable ones.

The backward pass returns gradients and never applies them; an optimizer
does that, so the learn mode can show gradients and updates first. The
trainer's hot path (``train_grads``) keeps one set of buffers per batch size
and writes into them, so a training step allocates almost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.engine import fastpath, losses, sequence
from nnsim.engine.ops.base import Operation
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Loss

INPUT, HIDDEN, OUTPUT = "input", "hidden", "output"


@dataclass(eq=False)
class Block:
    """The connections from node ``src`` to dense node ``dst``: a view of
    the weight matrix (n_src, n_dst), which entries are drawn (``mask``,
    bool) and which train (``grad_mask``, 0/1 in the network's dtype); None
    where every entry is drawn / trains."""

    src: int
    dst: int
    name: str
    W: np.ndarray | None = None
    delay: int = 0  # 1: the source's output of the step before (a loop)
    mask: np.ndarray | None = None
    grad_mask: np.ndarray | None = None


@dataclass(eq=False)
class Node:
    """One layer in topological order."""

    index: int
    key: str  # the layer's owner key in parameter names, e.g. "layer:3"
    kind: str  # its role: "input" | "hidden" | "output"
    size: int  # numbers per sample (flattened)
    op: Operation | None = None  # None for input nodes
    sources: list[int] = field(default_factory=list)  # node indices, aligned with op.in_shapes
    delays: list[int] = field(default_factory=list)  # aligned with sources: 1 reads the step before
    shape: tuple[int, ...] = ()  # per-sample shape of the output; () means (size,)
    columns: slice | None = None  # input/output nodes: their columns of X / Y
    inputs: list[Block] = field(default_factory=list)  # dense nodes: blocks in
    outputs: list[Block] = field(default_factory=list)  # blocks out
    fused: bool = False  # output node whose loss gradient wrt z is simple
    frozen: set[str] = field(default_factory=set)  # its arrays that training leaves alone

    @property
    def act(self):
        return getattr(self.op, "act", None)

    @property
    def b(self) -> np.ndarray | None:
        return getattr(self.op, "b", None)


@dataclass
class Trace:
    """Every node's kept values ``z`` (a dense layer's weighted sums) and
    outputs ``a`` for a batch. ``z`` is always kept for output nodes (the
    loss is computed from it where it can be, see ``Network.loss_of``), for
    the others only when asked."""

    z: list
    a: list[np.ndarray]


@dataclass
class Gradients:
    """Gradients of the mean batch loss: ``params`` by name (the same layout
    as the network's parameters) and the error terms ``delta`` = ∂L/∂z per
    node (None where no gradient flows)."""

    loss: float
    params: Parameters
    delta: list[np.ndarray | None]  # for sequences (batch, T, size) per node
    net: Network
    # For sequences: the norm of the gradient reaching each node's output at
    # each step (T, nodes), from the steps after it: how far back it reaches.
    through_time: np.ndarray | None = None

    @property
    def dW(self) -> list[np.ndarray]:
        """Per block (aligned with ``Network.blocks``)."""
        return [self.params[blk.name] for blk in self.net.blocks]

    @property
    def db(self) -> list[np.ndarray | None]:
        """Per node (None for nodes without a bias)."""
        return [None if n.op is None or not hasattr(n.op, "bias_name") else self.params[n.op.bias_name]
                for n in self.net.layers]

    def as_list(self, net: Network | None = None) -> list[np.ndarray]:
        """Aligned with ``Network.params``."""
        return [self.params[name] for name in self.params.layout.names]


class Network:
    """Nodes in topological order, their parameters, and the loss."""

    def __init__(self, layers: list[Node], loss: Loss, dtype=np.float64):
        self.layers = layers
        self.dtype = np.dtype(dtype)
        self.input_layers = [n for n in layers if n.kind == INPUT]
        self.output_layers = [n for n in layers if n.kind == OUTPUT]
        self.n_inputs = sum(n.size for n in self.input_layers)
        self.n_outputs = sum(n.size for n in self.output_layers)
        for n in layers:
            if len(n.delays) != len(n.sources):
                n.delays = [0] * len(n.sources)
        self.recurrent = any(d for n in layers for d in n.delays)
        self.blocks = sorted((blk for n in layers for blk in n.inputs), key=lambda b: (b.src, b.dst, b.delay))
        for n in layers:
            n.outputs = []
        for blk in self.blocks:
            layers[blk.src].outputs.append(blk)
        specs = {}
        for n in layers:
            if n.op is not None:
                specs.update(n.op.parameter_specs())
        # Weights in block order, then the other penalised arrays (kernels),
        # then biases and the rest, in node order: the order the flat vector
        # (and ``params``) keeps; the penalised ones lie side by side first.
        weights = [blk.name for blk in self.blocks]
        named = set(weights)
        for n in layers:
            if n.op is not None:
                for k in n.op.regularized():
                    if k not in named:
                        weights.append(k)
                        named.add(k)
        order = weights + [k for k in specs if k not in named]
        self.layout = ParameterLayout([(k, specs[k]) for k in order])
        self.parameters = Parameters(self.layout, self.dtype)
        for n in layers:
            if n.op is not None:
                n.op.bind(self.parameters)
        for blk in self.blocks:
            blk.W = self.parameters[blk.name]
        self.trainable_layers = [n for n in layers if n.b is not None]
        self.train_mask = self._train_mask()
        # The regularised arrays (weights, kernels) lie first in the flat vector.
        self.weight_span = self.layout.span(weights)
        self.loss = loss
        self.last_state: dict | None = None  # after a sequence step: the outputs the next chunk starts from
        self._set_columns()

    # -- configuration ---------------------------------------------------------
    def _set_columns(self) -> None:
        # The compiler sets the columns of input and output nodes (design
        # order); a network built by hand gets them in topological order.
        for group in (self.input_layers, self.output_layers):
            if any(n.columns is None for n in group):
                start = 0
                for n in group:
                    n.columns = slice(start, start + n.size)
                    start += n.size
            group.sort(key=lambda o: o.columns.start)
        self.set_loss(self.loss)

    def _train_mask(self) -> np.ndarray | None:
        """A flat 0/1 vector of the entries that may train (None: all)."""
        frozen = [name for n in self.layers for name in n.frozen]
        if all(blk.grad_mask is None for blk in self.blocks) and not frozen:
            return None
        mask = np.ones(self.layout.size, dtype=self.dtype)
        for blk in self.blocks:
            if blk.grad_mask is not None:
                mask[self.layout.slices[blk.name]] = blk.grad_mask.ravel()
        for name in frozen:
            mask[self.layout.slices[name]] = 0.0
        return mask

    def set_loss(self, loss: Loss) -> None:
        self.loss = Loss(loss)
        for n in self.output_layers:
            act = n.act
            n.fused = act is not None and act.uniform and (self.loss, act.kinds[0]) in losses.FUSED
        self._fast = fastpath.supports(self) and not self.recurrent
        self._plans = {}

    @property
    def params(self) -> list[np.ndarray]:
        """The trainable arrays in flat order: every block's W, then the biases."""
        return [self.parameters[k] for k in self.layout.names]

    def grad_masks(self) -> list[np.ndarray | None]:
        """Aligned with ``params``: which entries may change in training
        (None: all); drawn but frozen entries have a gradient, but it is not
        applied."""
        by_name = {blk.name: blk.grad_mask for blk in self.blocks}
        return [by_name.get(k) for k in self.layout.names]

    def drawn_masks(self) -> list[np.ndarray | None]:
        """Aligned with ``params``: which entries exist (None: all); absent
        connections have no gradient."""
        by_name = {blk.name: blk.mask for blk in self.blocks}
        return [by_name.get(k) for k in self.layout.names]

    def copy_params(self) -> np.ndarray:
        return self.parameters.flat.copy()

    def share(self, flat: np.ndarray) -> None:
        """Keep the numbers in ``flat`` (a view of this network's size into
        a larger vector, e.g. one holding two networks' numbers) from now on,
        with their current values."""
        flat[...] = self.parameters.flat
        self.parameters = Parameters(self.layout, self.dtype, flat)
        for n in self.layers:
            if n.op is not None:
                n.op.bind(self.parameters)
        for blk in self.blocks:
            blk.W = self.parameters[blk.name]
        self._plans = {}

    def set_params(self, values) -> None:
        self.parameters.assign(values)

    # -- forward ---------------------------------------------------------------
    def forward(self, X: np.ndarray, keep_z: bool = False, state: dict | None = None):
        """Every node's outputs for a batch ``X`` of shape (batch, n_inputs),
        or, for sequences (batch, T, n_inputs), at every step
        (``nnsim.engine.sequence``; ``state``: the outputs before the first
        step, for a network with loops)."""
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 3:
            return sequence.forward(self, X, keep_z, state)
        a: list = [None] * len(self.layers)
        z: list = [None] * len(self.layers)
        for n in self.layers:
            if n.op is None:
                a[n.index] = X[:, n.columns]
                continue
            z[n.index], a[n.index] = n.op.forward([a[s] for s in n.sources], len(X), keep_z or n.kind == OUTPUT)
        return Trace(z=z, a=a)

    def outputs(self, trace: Trace) -> np.ndarray:
        """The network's output (batch, n_outputs) from a trace; for
        sequences (batch, T, n_outputs)."""
        if isinstance(trace, sequence.SequenceTrace):
            return sequence.outputs(self, trace)
        if len(self.output_layers) == 1:
            return trace.a[self.output_layers[0].index]
        return np.concatenate([trace.a[n.index] for n in self.output_layers], axis=1)

    def node_outputs(self, trace, index: int) -> np.ndarray:
        """One node's outputs as (samples, size): a batch's, or, for
        sequences, every step of every sequence."""
        if isinstance(trace, sequence.SequenceTrace):
            return np.concatenate([step[index] for step in trace.a])
        return trace.a[index]

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.outputs(self.forward(X))

    def loss_value(self, out: np.ndarray, Y: np.ndarray) -> float:
        """The mean loss from outputs alone: cross-entropies clip the outputs
        inside their logarithms. ``loss_of`` is exact where outputs saturate."""
        return losses.VALUE[self.loss](out, Y)

    def loss_of(self, trace: Trace, Y: np.ndarray) -> float:
        """The mean batch loss of a forward pass, summed over output nodes;
        fused ones (sigmoid with binary cross-entropy, softmax with softmax
        cross-entropy) compute it from their weighted sums, exactly."""
        if isinstance(trace, sequence.SequenceTrace):
            return sequence.loss_of(self, trace, Y)
        single = len(self.output_layers) == 1
        return sum(self._layer_loss(n, trace.z[n.index], trace.a[n.index], Y if single else Y[:, n.columns])
                   for n in self.output_layers)

    def _layer_loss(self, node: Node, z, a, y: np.ndarray) -> float:
        if node.fused:
            return losses.value_from_z(self.loss, z, y)
        return losses.VALUE[self.loss](a, y)

    # -- backward --------------------------------------------------------------
    def backward(self, trace: Trace, Y: np.ndarray | None, need_input_delta: bool = False,
                 grads: Parameters | None = None, mask_frozen: bool = True,
                 out_delta: np.ndarray | None = None, out_grad: np.ndarray | None = None) -> Gradients:
        """Gradients of the mean loss over the batch, not applied; written
        into ``grads`` (a new store when None). Frozen connections get 0, as
        training needs; with ``mask_frozen=False`` they get their true ∂L/∂w
        (what they would learn), for showing. Absent connections always get 0.

        A loss the network does not know (a two-player program's) comes in
        from outside instead of ``Y``: ``out_delta``, its gradient at the
        output layers' weighted sums ∂L/∂z, or ``out_grad``, its gradient at
        their outputs ∂L/∂a (batch, n_outputs), already divided by the batch
        size; the loss reported is then 0."""
        grads = Parameters(self.layout, self.dtype) if grads is None else grads
        if isinstance(trace, sequence.SequenceTrace):
            return self._backward_sequence(trace, Y, need_input_delta, grads, mask_frozen)
        a = trace.a
        delta: list = [None] * len(self.layers)
        # Gradients arriving at each node's output: (consumer index, array),
        # summed in consumer order so that the arithmetic is fixed.
        arriving: list[list] = [[] for _ in self.layers]
        loss = 0.0
        single_output = len(self.output_layers) == 1
        for n in reversed(self.layers):
            out = a[n.index]
            if n.kind == OUTPUT and (out_delta is not None or out_grad is not None):
                cols = slice(None) if single_output else n.columns
                d = out_delta[:, cols] if out_delta is not None else n.op.delta(out, out_grad[:, cols])
            elif n.kind == OUTPUT:
                y = Y if single_output else Y[:, n.columns]
                loss += self._layer_loss(n, trace.z[n.index], out, y)
                if n.fused:
                    d = losses.fused_delta(self.loss, out, y)
                else:
                    d = n.op.delta(out, losses.GRAD[self.loss](out, y))
            else:
                parts = arriving[n.index]
                if not parts:
                    if n.op is not None:
                        for name, _ in n.op.parameter_specs():
                            grads[name].fill(0.0)
                    continue
                parts.sort(key=lambda p: p[0])
                g = parts[0][1]
                for _, t in parts[1:]:
                    g = g + t
                if n.op is None:
                    delta[n.index] = g
                    continue
                d = n.op.delta(out, g)
            delta[n.index] = d
            want = [need_input_delta or self.layers[s].op is not None for s in n.sources]
            back, _ = n.op.backward(d, [a[s] for s in n.sources], grads, want)
            for s, gx in zip(n.sources, back):
                if gx is not None:
                    arriving[s].append((n.index, gx))
        if mask_frozen and self.train_mask is not None:
            grads.flat *= self.train_mask
        return Gradients(loss=loss, params=grads, delta=delta, net=self)

    def _backward_sequence(self, trace, Y, need_input_delta, grads, mask_frozen) -> Gradients:
        loss, delta, norms = sequence.backward(self, trace, np.asarray(Y, dtype=self.dtype), grads, need_input_delta)
        if mask_frozen and self.train_mask is not None:
            grads.flat *= self.train_mask
        stacked = [None if any(step[i] is None for step in delta) else np.stack([step[i] for step in delta], axis=1)
                   for i in range(len(self.layers))]
        return Gradients(loss=loss, params=grads, delta=stacked, net=self, through_time=norms)

    def train_grads(self, X: np.ndarray, Y: np.ndarray, grads: Parameters, state: dict | None = None) -> float:
        """The trainer's step: the batch's loss, and its gradients written
        into ``grads`` (the same numbers as ``backward(forward(X), Y,
        mask_frozen=False)``: the trainer masks frozen entries itself)."""
        if X.ndim == 3:
            trace = self.forward(X, state=state)
            self.last_state = trace.state
            return self.backward(trace, Y, grads=grads, mask_frozen=False).loss
        if self._fast:
            plan = self._plans.get(len(X))
            if plan is None:
                if len(self._plans) > 4:  # a few batch sizes at most (the last batch of an epoch)
                    self._plans.clear()
                plan = self._plans[len(X)] = fastpath.DensePlan(self, len(X))
            return plan.step(X, Y, grads)
        return self.backward(self.forward(X), Y, grads=grads, mask_frozen=False).loss

    def loss_and_grads(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        """The loss and its true gradients (frozen connections' too)."""
        return self.backward(self.forward(X), Y, mask_frozen=False)

    # -- checks ----------------------------------------------------------------
    def all_finite(self) -> bool:
        return bool(np.isfinite(self.parameters.flat).all())
