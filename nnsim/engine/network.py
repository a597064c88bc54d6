"""A compiled feed-forward network: per-layer array operations.

A drawn network is a graph of layers. Every pair of layers joined by at least
one connection becomes a ``Block``: a dense weight matrix of shape
(n_source, n_target) with a mask of the connections that exist (absent ones
hold weight 0 and get gradient 0) and of those that may train (frozen ones get
gradient 0). A layer's weighted sum is the sum over its incoming blocks of
``a_source @ W`` plus its bias, so a training step is a few matrix products per
layer, never a Python loop over neurons or connections.

The backward pass returns gradients and never applies them: an optimizer
(``nnsim.engine.optimizers``) does that, so the learn mode can show gradients
and updates first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.design.model import Loss
from nnsim.engine import losses
from nnsim.engine.activations import LayerActivation


@dataclass(eq=False)
class Block:
    """The connections from layer ``src`` to layer ``dst`` (indices in
    ``Network.layers``)."""

    src: int
    dst: int
    W: np.ndarray  # (n_src, n_dst)
    mask: np.ndarray | None = None  # (n_src, n_dst) bool; None: every pair connected
    grad_mask: np.ndarray | None = None  # (n_src, n_dst) 0/1 floats; None: all train


@dataclass(eq=False)
class LayerOp:
    """One layer in topological order."""

    index: int
    size: int
    kind: str  # "input" | "hidden" | "output"
    act: LayerActivation | None  # None for input layers
    b: np.ndarray | None  # (size,); None for input layers
    inputs: list[Block] = field(default_factory=list)
    outputs: list[Block] = field(default_factory=list)
    columns: slice | None = None  # input/output layers: their columns of X / Y
    fused: bool = False  # output layer whose loss gradient wrt z is computed directly (losses.fused_delta)


@dataclass
class Trace:
    """Every layer's weighted sums ``z`` and outputs ``a`` for a batch. ``z``
    is always kept for output layers (the loss is computed from it where it
    can be, see ``Network.loss_of``), for the others only when asked."""

    z: list[np.ndarray | None]
    a: list[np.ndarray]


@dataclass
class Gradients:
    """Gradients of the mean batch loss: per block (``dW``, aligned with
    ``Network.blocks``), per layer (``db``; None for input layers) and the
    error terms ``delta`` = dL/dz per layer (None where no gradient flows)."""

    loss: float
    dW: list[np.ndarray]
    db: list[np.ndarray | None]
    delta: list[np.ndarray | None]

    def as_list(self, net: Network) -> list[np.ndarray]:
        """Aligned with ``net.params``."""
        return self.dW + [self.db[op.index] for op in net.trainable_layers]


class Network:
    """Layers in topological order, the blocks between them, and the loss."""

    def __init__(self, layers: list[LayerOp], blocks: list[Block], loss: Loss, dtype=np.float64):
        self.layers = layers
        self.blocks = blocks
        self.dtype = np.dtype(dtype)
        self.input_layers = [op for op in layers if op.kind == "input"]
        self.output_layers = [op for op in layers if op.kind == "output"]
        self.trainable_layers = [op for op in layers if op.b is not None]
        self.n_inputs = sum(op.size for op in self.input_layers)
        self.n_outputs = sum(op.size for op in self.output_layers)
        self.loss = loss
        self._set_columns()

    # -- configuration ---------------------------------------------------------
    def _set_columns(self) -> None:
        # The compiler sets the columns of input and output layers (design
        # order); a network built by hand gets them in topological order.
        for group in (self.input_layers, self.output_layers):
            if any(op.columns is None for op in group):
                start = 0
                for op in group:
                    op.columns = slice(start, start + op.size)
                    start += op.size
            group.sort(key=lambda o: o.columns.start)
        self.set_loss(self.loss)

    def set_loss(self, loss: Loss) -> None:
        self.loss = Loss(loss)
        for op in self.output_layers:
            op.fused = op.act.uniform and (self.loss, op.act.kinds[0]) in losses.FUSED

    @property
    def params(self) -> list[np.ndarray]:
        """The trainable arrays: every block's W, then every non-input bias."""
        return [blk.W for blk in self.blocks] + [op.b for op in self.trainable_layers]

    def grad_masks(self) -> list[np.ndarray | None]:
        """Aligned with ``params``: which entries may change (None: all)."""
        return [blk.grad_mask for blk in self.blocks] + [None] * len(self.trainable_layers)

    def copy_params(self) -> list[np.ndarray]:
        return [p.copy() for p in self.params]

    def set_params(self, values: list[np.ndarray]) -> None:
        for p, v in zip(self.params, values):
            p[...] = v

    # -- forward ---------------------------------------------------------------
    def forward(self, X: np.ndarray, keep_z: bool = False) -> Trace:
        """Every layer's outputs for a batch ``X`` of shape (batch, n_inputs)."""
        X = np.asarray(X, dtype=self.dtype)
        a: list = [None] * len(self.layers)
        z: list = [None] * len(self.layers)
        for op in self.layers:
            if op.kind == "input":
                a[op.index] = X[:, op.columns]
                continue
            s = None
            for blk in op.inputs:
                t = a[blk.src] @ blk.W
                s = t if s is None else s + t
            if s is None:
                s = np.zeros((X.shape[0], op.size), dtype=self.dtype)
            s += op.b
            if keep_z or op.kind == "output":
                z[op.index] = s
            a[op.index] = op.act(s)
        return Trace(z=z, a=a)

    def outputs(self, trace: Trace) -> np.ndarray:
        """The network's output (batch, n_outputs) from a trace."""
        if len(self.output_layers) == 1:
            return trace.a[self.output_layers[0].index]
        return np.concatenate([trace.a[op.index] for op in self.output_layers], axis=1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.outputs(self.forward(X))

    def loss_value(self, out: np.ndarray, Y: np.ndarray) -> float:
        """The mean loss from outputs alone: cross-entropies clip the outputs
        inside their logarithms. ``loss_of`` is exact where outputs saturate."""
        return losses.VALUE[self.loss](out, Y)

    def loss_of(self, trace: Trace, Y: np.ndarray) -> float:
        """The mean batch loss of a forward pass, summed over output layers;
        fused layers (sigmoid with binary cross-entropy, softmax with softmax
        cross-entropy) compute it from their weighted sums, exactly."""
        single = len(self.output_layers) == 1
        return sum(self._layer_loss(op, trace, Y if single else Y[:, op.columns]) for op in self.output_layers)

    def _layer_loss(self, op: LayerOp, trace: Trace, y: np.ndarray) -> float:
        if op.fused:
            return losses.value_from_z(self.loss, trace.z[op.index], y)
        return losses.VALUE[self.loss](trace.a[op.index], y)

    # -- backward --------------------------------------------------------------
    def backward(
        self, trace: Trace, Y: np.ndarray, need_input_delta: bool = False, mask_frozen: bool = True
    ) -> Gradients:
        """Gradients of the mean loss over the batch, not applied. Frozen
        connections get 0, as training needs; with ``mask_frozen=False`` they
        get their true ∂L/∂w (what they would learn), for showing."""
        a = trace.a
        n = a[self.layers[0].index].shape[0]
        delta: list = [None] * len(self.layers)
        dW: list = [None] * len(self.blocks)
        db: list = [None] * len(self.layers)
        loss = 0.0
        single_output = len(self.output_layers) == 1
        for op in reversed(self.layers):
            out = a[op.index]
            if op.kind == "output":
                y = Y if single_output else Y[:, op.columns]
                loss += self._layer_loss(op, trace, y)
                if op.fused:
                    d = losses.fused_delta(self.loss, out, y)
                else:
                    d = op.act.backward(out, losses.GRAD[self.loss](out, y))
            else:
                if op.kind == "input" and not need_input_delta:
                    continue
                g = None
                for blk in op.outputs:
                    dd = delta[blk.dst]
                    if dd is None:
                        continue
                    t = dd @ blk.W.T
                    g = t if g is None else g + t
                if g is None:
                    continue
                if op.kind == "input":
                    delta[op.index] = g
                    continue
                d = op.act.backward(out, g)
            delta[op.index] = d
            db[op.index] = d.sum(axis=0)
        for i, blk in enumerate(self.blocks):
            d = delta[blk.dst]
            if d is None:
                dW[i] = np.zeros_like(blk.W)
                continue
            gw = a[blk.src].T @ d
            keep = blk.grad_mask if mask_frozen else blk.mask  # absent connections always get 0
            if keep is not None:
                gw *= keep
            dW[i] = gw
        for op in self.trainable_layers:
            if db[op.index] is None:
                db[op.index] = np.zeros_like(op.b)
        return Gradients(loss=loss, dW=dW, db=db, delta=delta)

    def loss_and_grads(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        return self.backward(self.forward(X), Y)

    # -- checks ----------------------------------------------------------------
    def all_finite(self) -> bool:
        return all(np.isfinite(p).all() for p in self.params)
