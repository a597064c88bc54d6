"""The shape rules of image operations: output sizes, padding, and why a
setting does not fit.

Along each axis a window of ``k`` pixels moves in steps of ``s`` over an
input of ``n`` pixels padded with ``p_before`` and ``p_after`` zeros; it
stops at the last place it fits whole, so the output has

    out = floor((n + p_before + p_after − k) / s) + 1

pixels: (n + 2p − k)/s + 1 when both sides get ``p``. When the division is
not whole, the last ``left_over`` input pixels are reached by no window (as
in PyTorch, Keras and ONNX); ``ImagePlan.note`` says so in one line, and a
caller that wants whole steps only may refuse such a setting with it.

Padding:

- ``"valid"``: none; the kernel must fit in the input.
- ``"same"``: ONNX's SAME_UPPER (Keras's and TensorFlow's "same"):
  out = ceil(n / s), with the total padding max((out − 1)·s + k − n, 0)
  split evenly, the odd pixel at the end (bottom, right). For stride 1 that
  is k − 1 in all, so an even kernel gets one more pixel after than before,
  as PyTorch's ``padding="same"`` does.

Pooling has no padding. Functions here never raise on a bad setting: they
return ``(None, reason)`` with a one-line reason for the compiler, the canvas
and the inspector to show.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

PADDINGS = ("valid", "same")

_AXIS = (("high", "row", "rows"), ("wide", "column", "columns"))


@dataclass(frozen=True)
class AxisPlan:
    """How a window covers one axis of the input."""

    size: int  # input pixels
    kernel: int
    stride: int
    before: int  # zeros padded before (top, left)
    after: int  # and after (bottom, right)
    out: int  # output pixels
    left_over: int  # input pixels at the end that no window reaches


@dataclass(frozen=True)
class ImagePlan:
    """The two axes of an image operation, and its shapes per sample."""

    in_shape: tuple[int, int, int]  # (channels, height, width)
    out_shape: tuple[int, int, int]  # (channels or filters, out height, out width)
    rows: AxisPlan
    cols: AxisPlan

    @property
    def kernel(self) -> tuple[int, int]:
        return self.rows.kernel, self.cols.kernel

    @property
    def stride(self) -> tuple[int, int]:
        return self.rows.stride, self.cols.stride

    @property
    def pads(self) -> tuple[int, int, int, int]:
        """(top, bottom, left, right)."""
        return self.rows.before, self.rows.after, self.cols.before, self.cols.after

    @property
    def padded(self) -> bool:
        return any(self.pads)

    def note(self) -> str:
        """One line when some input pixels are reached by no window, else ""."""
        parts = []
        for plan, (_, one, many) in zip((self.rows, self.cols), _AXIS):
            if plan.left_over:
                n = plan.size + plan.before + plan.after
                pad = f" + {plan.before + plan.after}" if plan.before + plan.after else ""
                value = (n - plan.kernel) / plan.stride + 1
                exact = f"({plan.size}{pad} − {plan.kernel}) / {plan.stride} + 1 = {value:.3g}"
                last = one if plan.left_over == 1 else f"{plan.left_over} {many}"
                parts.append(f"the last {last} of the input {'is' if plan.left_over == 1 else 'are'} not covered "
                             f"({exact}, rounded down to {plan.out})")
        return "; ".join(parts)

    def window(self, row: int, col: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """The input pixels output (row, col) looks at: ((top, bottom),
        (left, right)), ends excluded, in input coordinates (negative or
        past the edge where the window lies on padding)."""
        top = row * self.rows.stride - self.rows.before
        left = col * self.cols.stride - self.cols.before
        return (top, top + self.rows.kernel), (left, left + self.cols.kernel)


def whole(value) -> int | None:
    """``value`` as an int if it is a whole number (not a bool or a float), else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def pair(value, what: str) -> tuple[tuple[int, int] | None, str]:
    """``3`` or ``(3, 3)`` as (rows, columns) of whole numbers >= 1."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        return None, f"{what} needs one size or two (rows, columns), not {len(items)}"
    out = []
    for item in items:
        v = whole(item)
        if v is None:
            return None, f"{what} {item!r} is not a whole number"
        if v < 1:
            return None, f"{what} {v} must be at least 1"
        out.append(v)
    return (out[0], out[1]), ""


def axis_plan(size: int, kernel: int, stride: int, padding: str, what: str = "kernel",
              axis: int = 1) -> tuple[AxisPlan | None, str]:
    """One axis (``axis`` 0: rows, 1: columns), or None and why it does not fit."""
    if padding == "same":
        out = -(-size // stride)  # ceil
        total = max((out - 1) * stride + kernel - size, 0)
        before = total // 2
        after = total - before
    else:
        before = after = 0
        if kernel > size:
            word = _AXIS[axis][0]
            return None, (f"{what} {kernel} does not fit a {size}-pixel-{word} input with padding 0"
                          + (' (padding "same" would keep the size)' if what == "kernel" else ""))
        out = (size - kernel) // stride + 1
    left_over = size + before + after - ((out - 1) * stride + kernel)
    return AxisPlan(size, kernel, stride, before, after, out, left_over), ""


def image_shape(in_shape) -> tuple[tuple[int, int, int] | None, str]:
    """``in_shape`` as (channels, height, width) of whole numbers >= 1."""
    shape = tuple(in_shape) if isinstance(in_shape, (tuple, list)) else (in_shape,)
    if len(shape) != 3:
        return None, f"an image needs channels × height × width, not a shape of {len(shape)} number(s)"
    for v, name in zip(shape, ("channels", "height", "width")):
        if whole(v) is None or whole(v) < 1:
            return None, f"image {name} {v!r} must be a whole number of at least 1"
    return (whole(shape[0]), whole(shape[1]), whole(shape[2])), ""


def _plan(in_shape, kernel, stride, padding, channels_out, what) -> tuple[ImagePlan | None, str]:
    shape, why = image_shape(in_shape)
    if shape is None:
        return None, why
    k, why = pair(kernel, what)
    if k is None:
        return None, why
    s, why = pair(stride, "stride")
    if s is None:
        return None, why
    if padding not in PADDINGS:
        return None, f"padding {padding!r} is not one of {', '.join(PADDINGS)}"
    rows, why = axis_plan(shape[1], k[0], s[0], padding, what, 0)
    if rows is None:
        return None, why
    cols, why = axis_plan(shape[2], k[1], s[1], padding, what, 1)
    if cols is None:
        return None, why
    c = shape[0] if channels_out is None else channels_out
    return ImagePlan(shape, (c, rows.out, cols.out), rows, cols), ""


def conv2d_plan(in_shape, filters, kernel, stride=1, padding="valid") -> tuple[ImagePlan | None, str]:
    """A convolution of ``filters`` kernels of ``kernel`` (kh, kw) pixels
    over images of ``in_shape`` (C, H, W): its plan, or None and why not."""
    f = whole(filters)
    if f is None:
        return None, f"filters {filters!r} is not a whole number"
    if f < 1:
        return None, f"filters {f} must be at least 1"
    return _plan(in_shape, kernel, stride, padding, f, "kernel")


def pool2d_plan(in_shape, pool, stride=None) -> tuple[ImagePlan | None, str]:
    """Pooling windows of ``pool`` (ph, pw) pixels moving ``stride`` (the
    pool size when None) over images of ``in_shape``: its plan, or None and
    why not."""
    return _plan(in_shape, pool, pool if stride is None else stride, "valid", None, "pool")


def conv2d_output_shape(in_shape, filters, kernel, stride=1, padding="valid") -> tuple[tuple | None, str]:
    """(filters, out height, out width), or None and the one-line reason."""
    plan, why = conv2d_plan(in_shape, filters, kernel, stride, padding)
    return (plan.out_shape if plan else None), why


def pool2d_output_shape(in_shape, pool, stride=None) -> tuple[tuple | None, str]:
    """(channels, out height, out width), or None and the one-line reason."""
    plan, why = pool2d_plan(in_shape, pool, stride)
    return (plan.out_shape if plan else None), why


def whole_steps(plan: ImagePlan) -> bool:
    """Whether every input pixel is reached by some window (the output size
    formula gives a whole number)."""
    return not (plan.rows.left_over or plan.cols.left_over)


def receptive_field(plans: list[ImagePlan], row: int, col: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The pixels of the first plan's input that output (row, col) of the
    last plan depends on, through a chain of image operations (at least
    one): ((top, bottom), (left, right)), ends excluded, clipped to the input."""
    (top, bottom), (left, right) = (row, row + 1), (col, col + 1)
    for plan in reversed(plans):
        (top, _), (left, _) = plan.window(top, left)
        (_, bottom), (_, right) = plan.window(bottom - 1, right - 1)
    h, w = plans[0].in_shape[1:]
    return (max(top, 0), min(bottom, h)), (max(left, 0), min(right, w))
