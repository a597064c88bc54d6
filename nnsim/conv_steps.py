"""One convolution worked out by hand, for learn mode: at one position of one
feature map, the input values under the kernel, their products with the
kernel's weights, the sum plus the bias and the activation; the window a
pooling layer takes the largest value of; and the kernel's gradient as the
sum over all positions of input patch × the map's error term δ = ∂L/∂z.

Every number is read from the engine (its compiled network, a forward pass
and a backward pass for one sample); the sums here are the same arithmetic
written out, and the tests check they equal the engine's own. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnsim.design.compile import compile_design
from nnsim.design.model import Design


@dataclass
class ConvPosition:
    """The arithmetic of one output value of a convolution."""

    filter: int
    row: int
    col: int
    top: int  # the window's top-left corner in the input (negative: in the padding)
    left: int
    patch: np.ndarray  # (channels, k, k): the input under the kernel, zeros where padded
    kernel: np.ndarray  # (channels, k, k)
    products: np.ndarray  # patch × kernel
    total: float  # the sum of the products
    bias: float
    z: float  # the engine's weighted sum (total + bias)
    a: float  # the engine's output after the activation
    delta: float | None  # ∂L/∂z here, once a backward pass is asked for


@dataclass
class PoolWindow:
    """The pooling window that holds one value of a convolution's map."""

    row: int  # the pooled map's position
    col: int
    values: np.ndarray  # (p, p) window of the map
    best: tuple[int, int]  # where its largest value is, in the window
    out: float  # the engine's pooled value


class ConvWalk:
    """One sample through one convolution layer of a design."""

    def __init__(self, design: Design, layer_id: int, x, target=None):
        comp = compile_design(design)
        self.net = net = comp.network
        self.index = comp.layer_index[layer_id]
        node = net.layers[self.index]
        self.op = node.op
        if getattr(self.op, "type", "") != "conv2d":
            raise ValueError("not a convolution layer")
        self.source = node.sources[0]
        X = np.asarray(x, dtype=net.dtype).reshape(1, -1)
        self.trace = net.forward(X, keep_z=True)
        plan = self.op.plan
        self.in_shape, self.out_shape = plan.in_shape, plan.out_shape
        self.x = np.asarray(self.trace.a[self.source][0], dtype=np.float64).reshape(self.in_shape)
        self.z = np.asarray(self.trace.z[self.index][0], dtype=np.float64).reshape(self.out_shape)
        self.a = np.asarray(self.trace.a[self.index][0], dtype=np.float64).reshape(self.out_shape)
        self.K = np.array(net.parameters[self.op.kernel_name], dtype=np.float64)
        self.b = np.array(net.parameters[self.op.bias_name], dtype=np.float64)
        r, c = plan.rows, plan.cols
        self.padded = np.pad(self.x, ((0, 0), (r.before, r.after), (c.before, c.after)))
        self.delta = self.kernel_grad = None
        if target is not None:
            Y = np.asarray(target, dtype=net.dtype).reshape(1, -1)
            g = net.backward(self.trace, Y, mask_frozen=False)
            self.loss = g.loss
            self.delta = np.asarray(g.delta[self.index][0], dtype=np.float64).reshape(self.out_shape)
            self.kernel_grad = np.array(g.params[self.op.kernel_name], dtype=np.float64)  # the engine's

    def positions(self) -> int:
        return self.out_shape[1] * self.out_shape[2]

    def at(self, f: int, row: int, col: int) -> ConvPosition:
        plan = self.op.plan
        kh, kw = plan.kernel
        sh, sw = plan.stride
        patch = self.padded[:, row * sh:row * sh + kh, col * sw:col * sw + kw].copy()
        kernel = self.K[f]
        products = patch * kernel
        return ConvPosition(f, row, col, row * sh - plan.rows.before, col * sw - plan.cols.before, patch, kernel,
                            products, float(products.sum()), float(self.b[f]), float(self.z[f, row, col]),
                            float(self.a[f, row, col]), None if self.delta is None else float(self.delta[f, row, col]))

    def patches(self) -> np.ndarray:
        """(out height, out width, channels, k, k): the patch at every position."""
        kh, kw = self.op.plan.kernel
        sh, sw = self.op.plan.stride
        windows = sliding_window_view(self.padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]  # (C, Ho, Wo, kh, kw)
        Ho, Wo = self.out_shape[1:]
        return windows[:, :Ho, :Wo].transpose(1, 2, 0, 3, 4)

    def kernel_gradient(self, f: int) -> np.ndarray:
        """∂L/∂kernel of filter f as the sum over positions of patch × δ (channels, k, k)."""
        if self.delta is None:
            raise ValueError("no backward pass: give a target")
        return np.einsum("hwcij,hw->cij", self.patches(), self.delta[f])

    def pool_window(self, row: int, col: int, f: int) -> PoolWindow | None:
        """The window of the pooling layer fed by this convolution (if one is)
        that holds the map value at (row, col)."""
        for node in self.net.layers:
            if node.sources == [self.index] and getattr(node.op, "type", "") in ("maxpool2d", "avgpool2d"):
                ph, pw = node.op.plan.kernel
                sh, sw = node.op.plan.stride
                pr, pc = row // sh, col // sw
                Ho, Wo = node.op.out_shape[1:]
                if pr >= Ho or pc >= Wo:
                    return None
                values = self.a[f, pr * sh:pr * sh + ph, pc * sw:pc * sw + pw]
                best = np.unravel_index(int(np.argmax(values)), values.shape)
                out = np.asarray(self.trace.a[node.index][0]).reshape(node.op.out_shape)[f, pr, pc]
                return PoolWindow(pr, pc, values.copy(), (int(best[0]), int(best[1])), float(out))
        return None


__all__ = ["ConvPosition", "ConvWalk", "PoolWindow"]
