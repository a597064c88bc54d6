"""Pooling: each map shrinks by taking the largest (max) or the mean (average)
value of every window of ph × pw pixels, the window moving by a stride (the
pool size unless told). No padding; sizes follow ``nnsim.engine.ops.shapes``
(input rows or columns that no window reaches get no output and gradient 0).
Channels stay apart: (n, C, H, W) to (n, C, Ho, Wo).

Max pooling passes the gradient of an output to the pixel that won its
window; where several pixels tie for the maximum, the first in reading order
(top row first, left to right) wins alone, as in PyTorch. Where windows
overlap (a stride smaller than the pool), a pixel gets the sum over the
windows it won. Average pooling passes each output's gradient, divided by
ph·pw, to every pixel of its window.

``MaxPool2D.winners(x)`` gives, for a step-through, the input pixel each
output took.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnsim.engine.ops.base import Operation
from nnsim.engine.ops.shapes import ImagePlan, pool2d_plan


class _Pool2D(Operation):
    def __init__(self, in_shape, pool=2, stride=None):
        plan, why = pool2d_plan(in_shape, pool, stride)
        if plan is None:
            raise ValueError(why)
        self.plan: ImagePlan = plan
        self.in_shapes = [plan.in_shape]
        self.out_shape = plan.out_shape
        ph, pw = plan.kernel
        sh, sw = plan.stride
        self.overlapping = sh < ph or sw < pw

    def _windows(self, x4: np.ndarray) -> np.ndarray:
        """(n, C, Ho, Wo, ph, pw): a view of every window."""
        ph, pw = self.plan.kernel
        sh, sw = self.plan.stride
        Ho, Wo = self.out_shape[1:]
        view = sliding_window_view(x4, (ph, pw), axis=(2, 3))
        return view[:, :, : (Ho - 1) * sh + 1 : sh, : (Wo - 1) * sw + 1 : sw]

    def _tiles(self, x4: np.ndarray) -> np.ndarray | None:
        """(n, C, Ho, ph, Wo, pw): a view of the windows when they tile the
        input (stride = pool), which reductions run over faster; else None."""
        ph, pw = self.plan.kernel
        if self.plan.stride != (ph, pw):
            return None
        n, C = x4.shape[:2]
        Ho, Wo = self.out_shape[1:]
        return x4[:, :, : Ho * ph, : Wo * pw].reshape(n, C, Ho, ph, Wo, pw)


class MaxPool2D(_Pool2D):
    """Max pooling (see the module docstring)."""

    type = "maxpool2d"

    def __init__(self, in_shape, pool=2, stride=None):
        super().__init__(in_shape, pool, stride)
        ph, pw = self.plan.kernel
        _, H, W = self.plan.in_shape
        sh, sw = self.plan.stride
        Ho, Wo = self.out_shape[1:]
        # Offsets in a map of a window's top-left pixel and of a pixel within a window.
        self._corner = (np.arange(Ho)[:, None] * sh * W + np.arange(Wo)[None, :] * sw).astype(np.intp)
        self._within = (np.arange(ph)[:, None] * W + np.arange(pw)[None, :]).reshape(-1).astype(np.intp)
        self._last: tuple | None = None  # (input array, winners) of the last forward pass

    def _argmax(self, x4: np.ndarray) -> np.ndarray:
        """(n, C, Ho, Wo): each window's winner as ph-row, pw-column index."""
        n, C = x4.shape[:2]
        Ho, Wo = self.out_shape[1:]
        ph, pw = self.plan.kernel
        win = self._windows(x4).reshape(n, C, Ho, Wo, ph * pw)  # a copy: one pass over the input
        return win.argmax(axis=-1)

    def forward(self, xs, n, keep=False):
        x = xs[0]
        x4 = x.reshape(n, *self.plan.in_shape)
        arg = self._argmax(x4)
        self._last = (x, arg)
        return None, self._gather(x4, arg)

    def _gather(self, x4: np.ndarray, arg: np.ndarray) -> np.ndarray:
        return x4.reshape(-1)[self._flat_index(len(x4), arg)]

    def _flat_index(self, n: int, arg: np.ndarray) -> np.ndarray:
        """(n, C, Ho, Wo): the winners' positions in the flattened input."""
        C, H, W = self.plan.in_shape
        planes = (np.arange(n * C, dtype=np.intp) * (H * W)).reshape(n, C, 1, 1)
        return planes + self._corner + self._within[arg]

    def backward(self, d, xs, grads, want):
        if not want[0]:
            return [None], {}
        x = xs[0]
        n = len(x)
        x4 = x.reshape(n, *self.plan.in_shape)
        arg = self._last[1] if self._last is not None and self._last[0] is x else self._argmax(x4)
        idx = self._flat_index(n, arg).reshape(-1)
        d = d.reshape(-1)
        size = n * int(np.prod(self.plan.in_shape))
        if self.overlapping:  # a pixel may win several windows: sum what it gets
            dx = np.bincount(idx, weights=d, minlength=size).astype(d.dtype, copy=False)
        else:
            dx = np.zeros(size, d.dtype)
            dx[idx] = d
        return [dx.reshape(x.shape)], {}

    def winners(self, x: np.ndarray) -> np.ndarray:
        """(n, C, Ho, Wo, 2): the input (row, column) each output took."""
        x4 = np.asarray(x).reshape(-1, *self.plan.in_shape)
        arg = self._argmax(x4)
        pw = self.plan.kernel[1]
        sh, sw = self.plan.stride
        Ho, Wo = self.out_shape[1:]
        rows = np.arange(Ho)[:, None] * sh + arg // pw
        cols = np.arange(Wo)[None, :] * sw + arg % pw
        return np.stack([rows, cols], axis=-1)


class AvgPool2D(_Pool2D):
    """Average pooling (see the module docstring)."""

    type = "avgpool2d"

    def forward(self, xs, n, keep=False):
        x4 = xs[0].reshape(n, *self.plan.in_shape)
        tiles = self._tiles(x4)
        ph, pw = self.plan.kernel
        if tiles is not None:
            s = tiles.sum(axis=(3, 5))
        else:
            s = self._windows(x4).sum(axis=(4, 5))
        s *= 1.0 / (ph * pw)
        return None, s

    def backward(self, d, xs, grads, want):
        if not want[0]:
            return [None], {}
        x = xs[0]
        n = len(x)
        C, H, W = self.plan.in_shape
        ph, pw = self.plan.kernel
        sh, sw = self.plan.stride
        Ho, Wo = self.out_shape[1:]
        share = d.reshape(n, C, Ho, Wo) * (1.0 / (ph * pw))
        dx = np.zeros((n, C, H, W), d.dtype)
        tiles = self._tiles(dx)
        if tiles is not None:
            tiles[...] = share[:, :, :, None, :, None]
        else:  # one strided addition per offset within the window
            for i in range(ph):
                for j in range(pw):
                    dx[:, :, i : i + (Ho - 1) * sh + 1 : sh, j : j + (Wo - 1) * sw + 1 : sw] += share
        return [dx.reshape(x.shape)], {}
