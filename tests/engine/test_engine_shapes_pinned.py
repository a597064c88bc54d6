"""The shape rules as the canvas and the inspector show them: output sizes
and padding against a window-by-window count, the receptive field of an
output pixel against the union of the windows it reads through a chain,
the note on pixels left over and the refusals word for word."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnsim.engine.ops.shapes import (
    AxisPlan,
    ImagePlan,
    axis_plan,
    conv2d_output_shape,
    conv2d_plan,
    image_shape,
    pair,
    pool2d_output_shape,
    pool2d_plan,
    receptive_field,
    whole,
    whole_steps,
)


@pytest.mark.parametrize("size", [1, 2, 5, 8])
@pytest.mark.parametrize("kernel", [1, 2, 3, 4])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_an_axis_by_counting_windows(size, kernel, stride, padding):
    plan, why = axis_plan(size, kernel, stride, padding)
    if padding == "valid" and kernel > size:
        assert plan is None
        assert why == (f"kernel {kernel} does not fit a {size}-pixel-wide input with padding 0"
                       ' (padding "same" would keep the size)')
        return
    assert why == ""
    if padding == "valid":
        assert plan.before == plan.after == 0
    else:
        assert plan.out == -(-size // stride)  # ceil(size / stride)
        assert plan.before <= plan.after <= plan.before + 1  # the odd pixel at the end
    # count the windows that fit whole in the padded axis, and the pixels none reaches
    n = size + plan.before + plan.after
    starts = list(range(0, n - kernel + 1, stride))
    assert plan.out == len(starts)
    reached = {p for s in starts for p in range(s, s + kernel)}
    assert plan.left_over == n - 1 - max(reached)
    assert (plan.size, plan.kernel, plan.stride) == (size, kernel, stride)


def test_refusals_name_the_axis_and_the_setting():
    assert axis_plan(3, 5, 1, "valid", "pool", 0) == (None, "pool 5 does not fit a 3-pixel-high input with padding 0")
    assert axis_plan(3, 5, 1, "valid", "pool", 1) == (None, "pool 5 does not fit a 3-pixel-wide input with padding 0")
    assert axis_plan(3, 5, 1, "valid", "kernel", 0)[1] == (
        'kernel 5 does not fit a 3-pixel-high input with padding 0 (padding "same" would keep the size)')
    assert pair(3, "kernel") == ((3, 3), "")
    assert pair((2, 5), "kernel") == ((2, 5), "")
    assert pair([4, 1], "stride") == ((4, 1), "")
    assert pair((2, 2.0), "pool") == (None, "pool 2.0 is not a whole number")
    assert pair(True, "stride") == (None, "stride True is not a whole number")
    assert pair((1, 0), "stride") == (None, "stride 0 must be at least 1")
    assert pair((-2, 1), "kernel") == (None, "kernel -2 must be at least 1")
    assert pair((1,), "pool") == (None, "pool needs one size or two (rows, columns), not 1")
    assert whole(3) == 3 and whole(False) is None and whole(2.0) is None and whole("2") is None
    assert image_shape([1, 28, 28]) == ((1, 28, 28), "")
    assert image_shape(5) == (None, "an image needs channels × height × width, not a shape of 1 number(s)")
    assert image_shape((1, 0, 3)) == (None, "image height 0 must be a whole number of at least 1")
    assert image_shape((1, 3, 2.5)) == (None, "image width 2.5 must be a whole number of at least 1")
    assert conv2d_output_shape((1, 8, 8), True, 3) == (None, "filters True is not a whole number")
    assert conv2d_output_shape((1, 8, 8), 4, 3, (1, 0)) == (None, "stride 0 must be at least 1")
    assert pool2d_output_shape((2, 6, 5), (2, 3), (1, 2)) == ((2, 5, 2), "")
    assert pool2d_output_shape((2, 6, 5), 2, 0) == (None, "stride 0 must be at least 1")
    assert pool2d_output_shape((2, 6), 2) == (
        None, "an image needs channels × height × width, not a shape of 2 number(s)")


def test_the_note_on_pixels_left_over_word_for_word():
    plan, _ = pool2d_plan((1, 5, 9), (2, 4), (2, 4))
    assert not whole_steps(plan)
    assert plan.note() == ("the last row of the input is not covered ((5 − 2) / 2 + 1 = 2.5, rounded down to 2); "
                           "the last column of the input is not covered ((9 − 4) / 4 + 1 = 2.25, rounded down to 2)")
    plan, _ = conv2d_plan((1, 8, 7), 1, 1, 3, "same")  # "same" with a kernel smaller than the stride
    assert plan.pads == (0, 0, 0, 0) and plan.out_shape == (1, 3, 3)
    assert plan.note() == "the last row of the input is not covered ((8 − 1) / 3 + 1 = 3.33, rounded down to 3)"
    assert not whole_steps(plan)
    plan, _ = conv2d_plan((1, 7, 8), 1, 1, 3, "same")
    assert plan.note() == "the last column of the input is not covered ((8 − 1) / 3 + 1 = 3.33, rounded down to 3)"
    plan, _ = conv2d_plan((1, 9, 12), 1, (2, 3), (3, 4), "valid")  # rows 2 left over, columns 1
    assert plan.note() == ("the last row of the input is not covered ((9 − 2) / 3 + 1 = 3.33, rounded down to 3); "
                           "the last column of the input is not covered ((12 − 3) / 4 + 1 = 3.25, rounded down to 3)")
    plan, _ = conv2d_plan((1, 12, 5), 1, 2, (4, 1), "valid")
    assert plan.note() == "the last 2 rows of the input are not covered ((12 − 2) / 4 + 1 = 3.5, rounded down to 3)"
    # padded on both sides, with pixels over (an axis planned by hand)
    rows = AxisPlan(size=8, kernel=3, stride=3, before=1, after=1, out=3, left_over=1)
    cols = AxisPlan(size=4, kernel=1, stride=1, before=0, after=0, out=4, left_over=0)
    plan = ImagePlan((1, 8, 4), (1, 3, 4), rows, cols)
    assert plan.note() == "the last row of the input is not covered ((8 + 2 − 3) / 3 + 1 = 3.33, rounded down to 3)"
    assert plan.padded and plan.pads == (1, 1, 0, 0) and plan.kernel == (3, 1) and plan.stride == (3, 1)


def test_an_output_pixels_window():
    plan, _ = conv2d_plan((1, 7, 7), 1, (3, 2), (2, 3), "same")
    assert plan.pads == (1, 1, 0, 1)
    assert plan.window(0, 0) == ((-1, 2), (0, 2))
    assert plan.window(2, 1) == ((3, 6), (3, 5))
    assert plan.window(3, 2) == ((5, 8), (6, 8))
    assert not conv2d_plan((1, 7, 8), 1, 3)[0].padded


def _reads(plans, row, col):
    """The input pixels output (row, col) of the last plan reads, window by window."""
    pixels = {(row, col)}
    for plan in reversed(plans):
        below = set()
        for r, c in pixels:
            (top, bottom), (left, right) = plan.window(r, c)
            below |= set(itertools.product(range(top, bottom), range(left, right)))
        pixels = below
    h, w = plans[0].in_shape[1:]
    return {(r, c) for r, c in pixels if 0 <= r < h and 0 <= c < w}


@pytest.mark.parametrize("chain", [
    [("conv", (1, 9, 11), 2, (3, 2), (1, 2), "same"), ("pool", (2, 3), (2, 1))],
    [("conv", (2, 10, 7), 3, (2, 3), (2, 1), "valid"), ("conv", 2, (3, 3), (1, 1), "same"), ("pool", 2, None)],
    [("pool", (3, 2), (1, 2)), ("conv", 1, (2, 2), (2, 2), "valid")],
])
def test_the_receptive_field_is_every_pixel_read_through_the_chain(chain):
    plans = []
    shape = chain[0][1] if chain[0][0] == "conv" else (2, 9, 8)
    for step in chain:
        if step[0] == "conv":
            filters = step[2] if len(plans) == 0 and len(step) == 6 else step[1]
            kernel, stride, padding = step[-3:]
            plan, why = conv2d_plan(shape, filters, kernel, stride, padding)
        else:
            plan, why = pool2d_plan(shape, step[1], step[2])
        assert plan is not None, why
        plans.append(plan)
        shape = plan.out_shape
    Ho, Wo = plans[-1].out_shape[1:]
    for r in range(Ho):
        for c in range(Wo):
            pixels = _reads(plans, r, c)
            rows = sorted({p[0] for p in pixels})
            cols = sorted({p[1] for p in pixels})
            assert receptive_field(plans, r, c) == ((rows[0], rows[-1] + 1), (cols[0], cols[-1] + 1)), (r, c)


@pytest.mark.parametrize("example", ["xor-mlp", "digits-cnn", "reber-lstm", "temporal-order-lstm"])
def test_every_operation_s_shape_is_one_sample_of_what_it_gives(example):
    import nnsim
    from nnsim.design.compile import compile_design

    net = compile_design(nnsim.example(example)).network
    ops = [node for node in net.layers if node.op is not None]
    assert ops
    for node in ops:
        assert isinstance(node.op.out_shape, tuple) and int(np.prod(node.op.out_shape)) == node.size
