"""Pooling: each map shrinks by taking the largest (max) or the mean (average)
value of every window of ph × pw pixels, the window moving by a stride (the
pool size unless told). No padding; sizes follow ``nnsim.engine.ops.shapes``
(input rows or columns that no window reaches get no output and gradient 0).
Channels stay apart: (n, C, H, W) to (n, C, Ho, Wo).

Max pooling passes the gradient of an output to the pixel that won its
window; where several pixels tie for the maximum, the first in reading order
(top row first, left to right) wins alone, as in PyTorch. Where windows
overlap (a stride smaller than the pool), a pixel gets the sum over the
windows it won. A window holding a not-a-number gives a not-a-number, so
that training still notices it has diverged. Average pooling passes each output's gradient, divided by
ph·pw, to every pixel of its window.

``MaxPool2D.winners(x)`` gives, for a step-through, the input pixel each
output took.
"""

from __future__ import annotations

import numpy as np

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
        self.tiled = (sh, sw) == (ph, pw)  # the windows tile the input

    def _flat_tiles(self, x4: np.ndarray) -> np.ndarray:
        """The pixels the windows cover, flat and contiguous (a copy only
        when rows or columns are left over): with tiling windows, column j
        of every window row is every pw-th number from j, and window row i
        of every window is ``[:, i]`` of this reshaped to (n·C·Ho, ph,
        Wo·pw)."""
        ph, pw = self.plan.kernel
        Ho, Wo = self.out_shape[1:]
        return np.ascontiguousarray(x4[:, :, : Ho * ph, : Wo * pw]).reshape(-1)


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

    def _pick(self, x4: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(maxima, winners), both (n, C, Ho, Wo); a winner is its window's
        ph-row, pw-column index. A window is scanned in reading order and
        only a larger value takes over, so the first of tied maxima wins."""
        if self.tiled:
            return self._pick_tiled(x4)
        ph, pw = self.plan.kernel
        sh, sw = self.plan.stride
        Ho, Wo = self.out_shape[1:]
        best = arg = None
        for i in range(ph):  # one pass per offset within the window, over every window at once
            for j in range(pw):
                v = x4[:, :, i : i + (Ho - 1) * sh + 1 : sh, j : j + (Wo - 1) * sw + 1 : sw]
                if best is None:
                    best, arg = v.copy(), np.zeros(v.shape, np.intp)
                    continue
                better = v > best
                np.maximum(best, v, out=best)
                np.copyto(arg, i * pw + j, where=better)
        return best, arg

    def _pick_tiled(self, x4: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``_pick`` for windows that tile the input: first the largest of
        each window row (the pixels of a window column are every pw-th
        number of the flat input, one long strided pass each), then the
        largest of those rows."""
        n, C = x4.shape[:2]
        ph, pw = self.plan.kernel
        Ho, Wo = self.out_shape[1:]
        flat = self._flat_tiles(x4)
        row_best = flat[0::pw].copy()  # (n·C·Ho·ph·Wo,)
        row_arg = np.zeros(row_best.shape, np.intp)
        for j in range(1, pw):
            v = flat[j::pw]
            better = v > row_best
            np.maximum(row_best, v, out=row_best)
            np.copyto(row_arg, j, where=better)
        rows = row_best.reshape(n * C * Ho, ph, Wo)
        cols = row_arg.reshape(n * C * Ho, ph, Wo)
        best, arg = rows[:, 0].copy(), cols[:, 0].copy()
        for i in range(1, ph):
            better = rows[:, i] > best
            np.maximum(best, rows[:, i], out=best)
            np.copyto(arg, cols[:, i] + i * pw, where=better)
        return best.reshape(n, C, Ho, Wo), arg.reshape(n, C, Ho, Wo)

    def forward(self, xs, n, keep=False):
        x = xs[0]
        best, arg = self._pick(x.reshape(n, *self.plan.in_shape))
        self._last = (x, arg)
        return None, best

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
        arg = self._last[1] if self._last is not None and self._last[0] is x else self._pick(x4)[1]
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
        arg = self._pick(np.asarray(x).reshape(-1, *self.plan.in_shape))[1]
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
        C = self.plan.in_shape[0]
        ph, pw = self.plan.kernel
        sh, sw = self.plan.stride
        Ho, Wo = self.out_shape[1:]
        if self.tiled:  # sums of window rows (long strided passes), then of those rows
            flat = self._flat_tiles(x4)
            rows = flat[0::pw].copy()
            for j in range(1, pw):
                rows += flat[j::pw]
            rows = rows.reshape(n * C * Ho, ph, Wo)
            s = rows[:, 0].copy()
            for i in range(1, ph):
                s += rows[:, i]
            s = s.reshape(n, C, Ho, Wo)
        else:  # one pass per offset within the window
            s = np.zeros((n, C, Ho, Wo), x4.dtype)
            for i in range(ph):
                for j in range(pw):
                    s += x4[:, :, i : i + (Ho - 1) * sh + 1 : sh, j : j + (Wo - 1) * sw + 1 : sw]
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
        for i in range(ph):  # one strided addition per offset within the window
            for j in range(pw):
                dx[:, :, i : i + (Ho - 1) * sh + 1 : sh, j : j + (Wo - 1) * sw + 1 : sw] += share
        return [dx.reshape(x.shape)], {}
