"""Image operations: the convolution layer and flattening (pooling lives in
``nnsim.engine.ops.pool`` and is re-exported here).

Shapes are channels first: a batch of images is (n, C, H, W); a convolution
of F filters has kernels (F, C, kh, kw) and biases (F,), and its output is
(n, F, Ho, Wo) with Ho and Wo from ``nnsim.engine.ops.shapes`` (padding
"valid" or "same", any stride). An operation accepts its input flat,
(n, C·H·W), as the network's input columns are, and returns its input
gradient in the shape its input came in.

Arithmetic, with P the output positions and the patch of a position the
C·kh·kw input values under the kernel there (zeros on the padding):

    z[i, f, p] = Σ_k K[f, k] · patch[i, k, p] + b[f]        a = act(z)
    ∂L/∂K[f, k] = Σ_i Σ_p δ[i, f, p] · patch[i, k, p]       ∂L/∂b[f] = Σ_i Σ_p δ[i, f, p]
    ∂L/∂x: each patch value receives Σ_f K[f, k] · δ[i, f, p], summed where patches overlap

The patches of a batch are gathered once ("im2col": one copy through a
sliding-window view), so the forward pass is one matrix product per
sample (one NumPy call for the batch), and the backward pass two; the input
gradient adds the patches' gradients back one kernel offset at a time (kh·kw
strided additions: measured faster than a transposed convolution, a second
gathering of patches, in five of six layer sizes tried). There is no Python
loop over pixels, filters or samples.

A step-through (the learn mode) needs the numbers of one output position:
``Conv2D.patch(x, i, row, col)`` is the input under the kernel there,
``patch * K[f]`` the products, their sum plus ``b[f]`` the weighted sum
``z[i, f, row, col]``; ``Conv2D.plan.window(row, col)`` is where that patch
lies in the input. The kernel's gradient is the sum over positions of
patch × δ at that position.

Operations keep scratch buffers and the patches of their last forward pass
(reused by the backward pass when given the same, unchanged, input array):
one operation must not run on two threads at once, as with the dense plan.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnsim.engine.activations import LayerActivation
from nnsim.engine.ops.base import Operation
from nnsim.engine.ops.pool import AvgPool2D, MaxPool2D  # noqa: F401  (the image operations, together)
from nnsim.engine.ops.shapes import ImagePlan, conv2d_plan, image_shape
from nnsim.engine.vocab import Activation

# The most bytes of patches gathered at once: a larger batch (a whole data
# set evaluated) is run in chunks of samples, so memory stays bounded.
MAX_PATCH_BYTES = 32 * 2**20
# Scratch buffers up to this size are kept from one batch to the next.
KEEP_SCRATCH_BYTES = 4 * 2**20


def single_activation(act) -> LayerActivation:
    """One activation for a whole layer of maps, from an ``Activation`` (or
    its name) or a uniform ``LayerActivation`` (its threshold must be one
    number). Softmax is refused: it normalises across a vector, which a map
    of pixels is not."""
    if not isinstance(act, LayerActivation):
        act = LayerActivation([Activation(act)], np.zeros(1))
    if not act.uniform:
        raise ValueError("an image layer takes one activation for all its maps")
    if act.kinds[0] == Activation.SOFTMAX:
        raise ValueError("softmax cannot be the activation of an image layer (it needs a flat layer)")
    thr = np.asarray(act.thr).reshape(-1)
    if len(np.unique(thr)) > 1:
        raise ValueError("an image layer takes one threshold for all its maps")
    return LayerActivation([act.kinds[0]], thr[:1].copy())


class Conv2D(Operation):
    """A convolution layer (see the module docstring)."""

    type = "conv2d"

    def __init__(self, in_shape, filters: int, kernel, act, kernel_name: str, bias_name: str,
                 stride=1, padding: str = "valid"):
        plan, why = conv2d_plan(in_shape, filters, kernel, stride, padding)
        if plan is None:
            raise ValueError(why)
        self.plan: ImagePlan = plan
        self.padding = padding
        self.in_shapes = [plan.in_shape]
        self.out_shape = plan.out_shape
        self.filters = plan.out_shape[0]
        self.act = single_activation(act)
        self.kernel_name = kernel_name
        self.bias_name = bias_name
        C, H, W = plan.in_shape
        kh, kw = plan.kernel
        self.n_patch = C * kh * kw  # values under the kernel at one position
        self.n_pos = plan.out_shape[1] * plan.out_shape[2]  # output positions per map
        self.K: np.ndarray | None = None  # (F, C, kh, kw)
        self.b: np.ndarray | None = None  # (F,)
        self._K2: np.ndarray | None = None  # (F, C·kh·kw), a view of K
        self._scratches: dict[tuple, _Scratch] = {}  # by (batch size, dtype)
        self._last: tuple | None = None  # (input array, its patches) of the last forward pass

    def parameter_specs(self):
        C, _, _ = self.plan.in_shape
        return [(self.kernel_name, (self.filters, C, *self.plan.kernel)), (self.bias_name, (self.filters,))]

    def regularized(self) -> list[str]:
        return [self.kernel_name]

    def bind(self, params, grads=None) -> None:
        self.K = params[self.kernel_name]
        self.b = params[self.bias_name]
        self._K2 = self.K.reshape(self.filters, self.n_patch)
        if not np.shares_memory(self._K2, self.K):  # a non-contiguous store: keep reading the live kernel
            self._K2 = None

    def _kernels(self) -> np.ndarray:
        return self._K2 if self._K2 is not None else self.K.reshape(self.filters, self.n_patch)

    # -- patches ---------------------------------------------------------------------------
    def _scratch(self, n: int, dtype) -> _Scratch:
        """The buffers for ``n`` samples: kept for training batches, made
        afresh for large ones (a data set evaluated), whose copying costs
        more than making them."""
        key = (n, np.dtype(dtype))
        scratch = self._scratches.get(key)
        if scratch is None:
            scratch = _Scratch(self.plan, n, dtype)
            if scratch.cols.nbytes <= KEEP_SCRATCH_BYTES:
                if len(self._scratches) > 4:  # a few batch sizes at most (the last batch of an epoch)
                    self._scratches.clear()
                self._scratches[key] = scratch
        return scratch

    def patches(self, x4: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """(n, C·kh·kw, P): the input under the kernel at every output
        position, in the order (channel, kernel row, kernel column), written
        into ``out`` when given (else a new array)."""
        scratch = self._scratch(len(x4), x4.dtype)
        scratch.load(x4)
        if out is None:
            out = np.empty((len(x4), self.n_patch, self.n_pos), x4.dtype)
        np.copyto(out.reshape(scratch.windows.shape), scratch.windows)
        return out

    def _chunk(self, itemsize: int) -> int:
        return max(1, MAX_PATCH_BYTES // (self.n_patch * self.n_pos * itemsize))

    # -- forward ---------------------------------------------------------------------------
    def forward(self, xs, n, keep=False):
        x = xs[0]
        x4 = x.reshape(n, *self.plan.in_shape)
        z = np.empty((n, self.filters, self.n_pos), np.result_type(x.dtype, self.K.dtype))
        step = self._chunk(x.dtype.itemsize)
        K2 = self._kernels()
        self._last = None
        if n <= step:  # the patches go to a kept buffer, for the backward pass
            cols = self.patches(x4, self._scratch(n, x.dtype).cols)
            np.matmul(K2, cols, out=z)
            self._last = (x, cols)
        else:
            for start in range(0, n, step):
                np.matmul(K2, self.patches(x4[start : start + step]), out=z[start : start + step])
        z += self.b[:, None]
        z = z.reshape(n, *self.out_shape)
        if keep:
            return z, self.act(z)
        self.act.forward_into(z, z)
        return None, z

    # -- backward --------------------------------------------------------------------------
    def delta(self, a, grad_a):
        return self.act.backward(a, grad_a)

    def backward(self, d, xs, grads, want):
        if grads is None:
            grads = {name: np.empty(shape, d.dtype) for name, shape in self.parameter_specs()}
        x = xs[0]
        n = len(x)
        x4 = x.reshape(n, *self.plan.in_shape)
        d3 = d.reshape(n, self.filters, self.n_pos)
        gK = grads[self.kernel_name].reshape(self.filters, self.n_patch)
        K2 = self._kernels()
        dx = np.zeros((n, *self.plan.in_shape), d.dtype) if want[0] else None
        step = self._chunk(x.dtype.itemsize)
        for start in range(0, n, step):
            part = slice(start, start + step)
            if self._last is not None and self._last[0] is x and n <= step:
                cols = self._last[1]
            else:
                cols = self.patches(x4[part])
            g = np.matmul(d3[part], cols.transpose(0, 2, 1)).sum(axis=0)  # (F, C·kh·kw)
            if start == 0:
                gK[...] = g
            else:
                gK += g
            if dx is not None:
                self._input_grads(K2, d3[part], dx[part])
        np.add.reduce(d3, axis=(0, 2), out=grads[self.bias_name])
        if not np.shares_memory(gK, grads[self.kernel_name]):
            grads[self.kernel_name][...] = gK.reshape(grads[self.kernel_name].shape)
        inputs = [None if dx is None else dx.reshape(x.shape)]
        return inputs, {self.kernel_name: grads[self.kernel_name], self.bias_name: grads[self.bias_name]}

    def _input_grads(self, K2: np.ndarray, d3: np.ndarray, dx4: np.ndarray) -> None:
        """Write into ``dx4`` (n, C, H, W) the input's gradient from the
        error terms ``d3`` (n, F, P): every patch value's gradient is
        Σ_f K[f, k]·δ[f, p] (one matrix product), added where the patch was
        taken, one strided addition per kernel offset. The batch is the last
        axis meanwhile, so that each addition runs over long stretches of
        memory (measured 1.2 to 3 times faster than batch first, except with
        one input channel, where the input's gradient is rarely wanted)."""
        n = len(dx4)
        C, H, W = self.plan.in_shape
        kh, kw = self.plan.kernel
        sh, sw = self.plan.stride
        Ho, Wo = self.plan.out_shape[1:]
        top, bottom, left, right = self.plan.pads
        d_last = np.ascontiguousarray(d3.transpose(1, 2, 0)).reshape(self.filters, self.n_pos * n)
        dcols = (K2.T @ d_last).reshape(C, kh, kw, Ho, Wo, n)
        target = np.zeros((C, H + top + bottom, W + left + right, n), dx4.dtype)  # (C, Hp, Wp, n)
        for i in range(kh):
            rows = slice(i, i + (Ho - 1) * sh + 1, sh)
            for j in range(kw):
                target[:, rows, j : j + (Wo - 1) * sw + 1 : sw] += dcols[:, i, j]
        dx4[...] = target[:, top : top + H, left : left + W].transpose(3, 0, 1, 2)

    # -- one position, for a step-through --------------------------------------------------
    def patch(self, x: np.ndarray, sample: int, row: int, col: int) -> np.ndarray:
        """(C, kh, kw): the input of ``sample`` under the kernel at output
        (row, col), zeros where the kernel lies on the padding."""
        x4 = np.asarray(x).reshape(-1, *self.plan.in_shape)[sample]
        (top, bottom), (left, right) = self.plan.window(row, col)
        C, H, W = self.plan.in_shape
        out = np.zeros((C, bottom - top, right - left), x4.dtype)
        r0, r1, c0, c1 = max(top, 0), min(bottom, H), max(left, 0), min(right, W)
        if r0 < r1 and c0 < c1:
            out[:, r0 - top : r1 - top, c0 - left : c1 - left] = x4[:, r0:r1, c0:c1]
        return out

    def products(self, x: np.ndarray, sample: int, filt: int, row: int, col: int) -> np.ndarray:
        """(C, kh, kw): the patch at output (row, col) times kernel ``filt``;
        their sum plus ``b[filt]`` is that output's weighted sum."""
        return self.patch(x, sample, row, col) * self.K[filt]


class _Scratch:
    """Buffers of one batch size: the input with its zero border, a view of
    every kernel window in it (made once: making it costs more than copying
    a small batch), and the patches of the last forward pass."""

    def __init__(self, plan: ImagePlan, n: int, dtype):
        C, H, W = plan.in_shape
        top, bottom, left, right = plan.pads
        kh, kw = plan.kernel
        sh, sw = plan.stride
        Ho, Wo = plan.out_shape[1:]
        self.padded = np.zeros((n, C, H + top + bottom, W + left + right), dtype)
        self.inside = self.padded[:, :, top : top + H, left : left + W]
        view = sliding_window_view(self.padded, (kh, kw), axis=(2, 3))[:, :, : (Ho - 1) * sh + 1 : sh,
                                                                           : (Wo - 1) * sw + 1 : sw]
        self.windows = view.transpose(0, 1, 4, 5, 2, 3)  # (n, C, kh, kw, Ho, Wo)
        self.cols = np.empty((n, C * kh * kw, Ho * Wo), dtype)

    def load(self, x4: np.ndarray) -> None:
        self.inside[...] = x4


class Flatten(Operation):
    """Images (n, C, H, W) to vectors (n, C·H·W), channel by channel, each
    map row by row (the order of NumPy's ``reshape``, PyTorch's ``flatten``
    and ONNX's ``Flatten``): value (c, h, w) is number c·H·W + h·W + w."""

    type = "flatten"

    def __init__(self, in_shape):
        shape, why = image_shape(in_shape)
        if shape is None:
            raise ValueError(why)
        self.in_shapes = [shape]
        self.out_shape = (int(np.prod(shape)),)

    def forward(self, xs, n, keep=False):
        return None, xs[0].reshape(n, self.out_shape[0])

    def backward(self, d, xs, grads, want):
        return [d.reshape(xs[0].shape) if want[0] else None], {}
