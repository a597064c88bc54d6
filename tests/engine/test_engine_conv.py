"""Convolution, pooling and flattening: gradients against finite
differences, shape rules and their refusals, float32, and PyTorch where it
is installed."""

from __future__ import annotations

import re
import sys
from collections import Counter

import numpy as np
import pytest

from nnsim.engine import gradcheck
from nnsim.engine.activations import LayerActivation
from nnsim.engine.network import HIDDEN, INPUT, OUTPUT, Block, Network, Node
from nnsim.engine.ops import conv as conv_module
from nnsim.engine.ops.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.shapes import (
    conv2d_output_shape,
    conv2d_plan,
    pool2d_output_shape,
    pool2d_plan,
    receptive_field,
    whole_steps,
)
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation, Loss

# (channels, height, width, filters, kernel, stride, padding): odd, even and
# oblong kernels, strides 1 and 2, both paddings, sizes that divide and not.
CONV_CASES = [
    (2, 6, 5, 3, 3, 1, "valid"),
    (2, 6, 5, 3, 3, 1, "same"),
    (2, 7, 6, 3, 3, 2, "valid"),
    (2, 7, 6, 3, 3, 2, "same"),
    (3, 6, 6, 2, 2, 1, "same"),
    (3, 6, 6, 2, 2, 2, "valid"),
    (2, 7, 5, 3, 4, 2, "same"),
    (1, 5, 6, 4, (2, 3), (1, 2), "same"),
    (2, 6, 7, 2, (3, 2), (2, 1), "valid"),
]
POOL_CASES = [  # (channels, height, width, pool, stride)
    (2, 6, 6, 2, None),
    (2, 7, 5, 2, None),
    (2, 7, 7, 3, 2),
    (3, 6, 5, 3, 1),
    (1, 6, 7, (2, 3), (2, 1)),
]


def bound(op, rng, dtype=np.float64):
    """Bind ``op`` to a fresh store of random numbers."""
    store = Parameters(ParameterLayout(op.parameter_specs()), dtype)
    store.flat[...] = rng.normal(0, 0.5, store.flat.size)
    op.bind(store)
    return store


def run(op, x, g):
    """Forward, then backward of the loss Σ a·g: (a, dx, parameter grads)."""
    n = len(x)
    _, a = op.forward([x], n)
    d = op.delta(a, g)
    (dx,), grads = op.backward(d, [x], None, [True])
    return a, dx, grads


def numeric(f, arr, h=1e-6):
    """Central differences of the scalar ``f()`` with respect to every entry
    of ``arr`` (changed in place and restored)."""
    out = np.zeros_like(arr)
    flat, gflat = arr.reshape(-1), out.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return out


def check_gradients(op, x, store=None, seed=0):
    rng = np.random.default_rng(seed)
    n = len(x)
    g = rng.normal(size=(n, *op.out_shape))
    a, dx, grads = run(op, x, g)
    assert a.shape == (n, *op.out_shape)

    def loss():
        return float(np.sum(op.forward([x], n)[1] * g))

    np.testing.assert_allclose(dx, numeric(loss, x), rtol=1e-6, atol=1e-7)
    for name, _ in op.parameter_specs():
        np.testing.assert_allclose(grads[name], numeric(loss, store[name]), rtol=1e-6, atol=1e-7, err_msg=name)


# -- gradients against finite differences -----------------------------------------------------
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[4]}k{c[5]}s-{c[6]}-{c[1]}x{c[2]}")
@pytest.mark.parametrize("act", [Activation.TANH, Activation.LINEAR])
def test_convolution_gradients_match_finite_differences(case, act):
    C, H, W, F, k, s, pad = case
    rng = np.random.default_rng(1)
    op = Conv2D((C, H, W), F, k, act, "kernel", "bias", stride=s, padding=pad)
    store = bound(op, rng)
    check_gradients(op, rng.normal(size=(3, C, H, W)), store)


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[3]}p{c[4]}s-{c[1]}x{c[2]}")
@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
def test_pooling_gradients_match_finite_differences(case, cls):
    C, H, W, pool, stride = case
    op = cls((C, H, W), pool, stride)
    # Distinct values: no window has a tie, so max pooling is differentiable.
    x = np.random.default_rng(2).permutation(3 * C * H * W).reshape(3, C, H, W) / (3 * C * H * W)
    check_gradients(op, x)


def test_flatten_keeps_channel_row_column_order_and_its_gradient_is_the_reverse():
    op = Flatten((2, 3, 4))
    x = np.arange(2 * 2 * 3 * 4, dtype=float).reshape(2, 2, 3, 4)
    _, a = op.forward([x], 2)
    assert a.shape == (2, 24)
    assert a[1, 1 * 12 + 2 * 4 + 3] == x[1, 1, 2, 3]
    check_gradients(op, x)


def test_a_small_cnn_network_has_the_gradients_of_finite_differences():
    """Two convolutions (so an image gradient flows between them), pooling,
    flatten and a softmax layer, run by the network from flat input columns."""
    rng = np.random.default_rng(3)
    net = small_cnn(rng, first=(Conv2D, dict(filters=3, kernel=3, padding="same")),
                    second=(Conv2D, dict(filters=2, kernel=2, stride=2, padding="same")))
    X = rng.normal(size=(4, 1 * 6 * 6))
    Y = np.eye(3)[rng.integers(0, 3, 4)]
    assert gradcheck.max_relative_error(net, X, Y) < 1e-6


def test_the_network_passes_gradients_through_max_and_average_pooling():
    rng = np.random.default_rng(4)
    for pool in (MaxPool2D, AvgPool2D):
        net = small_cnn(rng, first=(Conv2D, dict(filters=2, kernel=3)), second=(pool, dict(pool=2)))
        X = rng.normal(size=(3, 36))
        Y = np.eye(3)[rng.integers(0, 3, 3)]
        assert gradcheck.max_relative_error(net, X, Y) < 1e-6, pool.__name__


def small_cnn(rng, first, second, shape=(1, 6, 6), dtype=np.float64):
    """input -> first -> second -> flatten -> dense softmax of 3, built by hand."""
    nodes = [Node(0, "layer:0", INPUT, int(np.prod(shape)), shape=shape)]
    in_shape = shape
    for i, (cls, kw) in enumerate((first, second), start=1):
        key = f"layer:{i}"
        if cls is Conv2D:
            op = Conv2D(in_shape, act=Activation.TANH, kernel_name=f"{key}/kernel", bias_name=f"{key}/bias", **kw)
        else:
            op = cls(in_shape, **kw)
        nodes.append(Node(i, key, HIDDEN, int(np.prod(op.out_shape)), op=op, sources=[i - 1], shape=op.out_shape))
        in_shape = op.out_shape
    flat = Flatten(in_shape)
    nodes.append(Node(3, "layer:3", HIDDEN, flat.out_shape[0], op=flat, sources=[2]))
    act = LayerActivation([Activation.SOFTMAX] * 3, np.zeros(3))
    dense = Dense([flat.out_shape[0]], 3, act, ["layer:3->layer:4/weight"], "layer:4/bias")
    nodes.append(Node(4, "layer:4", OUTPUT, 3, op=dense, sources=[3], inputs=[Block(3, 4, "layer:3->layer:4/weight")]))
    net = Network(nodes, Loss.SOFTMAX_CROSS_ENTROPY, dtype)
    net.parameters.flat[...] = rng.normal(0, 0.5, net.parameters.flat.size)
    return net


# -- ties, caches, chunks ---------------------------------------------------------------------
def test_max_pooling_gives_a_tie_to_the_first_pixel_in_reading_order():
    op = MaxPool2D((1, 4, 4), 2)
    x = np.array([[[[1, 1, 0, 2], [1, 1, 2, 2], [0, 0, 5, 0], [3, 0, 0, 5]]]], dtype=float)
    _, a = op.forward([x], 1)
    assert a.tolist() == [[[[1, 2], [3, 5]]]]
    (dx,), _ = op.backward(np.ones((1, 1, 2, 2)), [x], None, [True])
    assert dx[0, 0].tolist() == [[1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]]
    assert op.winners(x)[0, 0].tolist() == [[[0, 0], [0, 3]], [[3, 0], [2, 2]]]


def test_overlapping_max_windows_add_up_what_one_pixel_wins():
    op = MaxPool2D((1, 3, 3), 2, 1)
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 9.0  # the centre wins all four windows
    (dx,), _ = op.backward(np.full((1, 1, 2, 2), 0.5), [x], None, [True])
    assert dx[0, 0, 1, 1] == 2.0 and dx.sum() == 2.0


def test_backward_after_another_forward_pass_uses_its_own_input():
    """The patches kept from the last forward pass belong to that input only."""
    rng = np.random.default_rng(5)
    op = Conv2D((2, 5, 5), 3, 3, Activation.LINEAR, "k", "b", padding="same")
    bound(op, rng)
    x1, x2 = rng.normal(size=(2, 4, 2, 5, 5))
    d = rng.normal(size=(4, 3, 5, 5))
    op.forward([x1], 4)
    expected = op.backward(d, [x1], None, [True])
    op.forward([x2], 4)
    got = op.backward(d, [x1], None, [True])
    np.testing.assert_array_equal(got[0][0], expected[0][0])
    np.testing.assert_array_equal(got[1]["k"], expected[1]["k"])
    pool = MaxPool2D((2, 5, 5), 2)
    pool.forward([x1], 4)
    want = pool.backward(d[:, :2, :2, :2], [x1], None, [True])[0][0]
    pool.forward([x2], 4)
    np.testing.assert_array_equal(pool.backward(d[:, :2, :2, :2], [x1], None, [True])[0][0], want)


def test_a_large_batch_is_run_in_chunks_with_the_same_numbers(monkeypatch):
    rng = np.random.default_rng(6)
    op = Conv2D((2, 6, 6), 3, 3, Activation.TANH, "k", "b", stride=2, padding="same")
    bound(op, rng)
    x = rng.normal(size=(7, 2, 6, 6))
    g = rng.normal(size=(7, *op.out_shape))
    whole = run(op, x, g)
    monkeypatch.setattr(conv_module, "MAX_PATCH_BYTES", 2 * op.n_patch * op.n_pos * 8)  # two samples at a time
    assert op._chunk(8) == 2
    chunked = run(op, x, g)
    np.testing.assert_allclose(chunked[0], whole[0], rtol=1e-14)
    np.testing.assert_allclose(chunked[1], whole[1], rtol=1e-13, atol=1e-15)
    for name in ("k", "b"):
        np.testing.assert_allclose(chunked[2][name], whole[2][name], rtol=1e-13)


def test_flat_input_gets_a_flat_gradient_and_unwanted_input_gradients_are_skipped():
    rng = np.random.default_rng(7)
    op = Conv2D((1, 4, 4), 2, 3, Activation.LINEAR, "k", "b")
    bound(op, rng)
    x = rng.normal(size=(3, 16))
    _, a = op.forward([x], 3)
    assert a.shape == (3, 2, 2, 2)
    (dx,), grads = op.backward(np.ones_like(a), [x], None, [True])
    assert dx.shape == (3, 16)
    (none,), grads2 = op.backward(np.ones_like(a), [x], None, [False])
    assert none is None
    np.testing.assert_array_equal(grads2["k"], grads["k"])


# -- the numbers of one position (a step-through) ---------------------------------------------
def test_the_products_of_one_position_sum_with_the_bias_to_its_weighted_sum():
    rng = np.random.default_rng(8)
    op = Conv2D((2, 5, 4), 3, (3, 2), Activation.RELU, "k", "b", stride=(2, 1), padding="same")
    bound(op, rng)
    x = rng.normal(size=(2, 2, 5, 4))
    z, _ = op.forward([x], 2, keep=True)
    for sample, f, r, c in [(0, 0, 0, 0), (1, 2, 2, 3), (1, 1, 1, 2)]:
        prods = op.products(x, sample, f, r, c)
        assert prods.shape == (2, 3, 2)
        assert prods.sum() + op.b[f] == pytest.approx(z[sample, f, r, c], rel=1e-12)
    # Output (0, 0) with padding 1 on top: the patch's first row is padding.
    assert op.plan.window(0, 0) == ((-1, 2), (0, 2))
    assert not op.patch(x, 0, 0, 0)[:, 0].any()


def test_the_kernel_gradient_is_the_sum_of_patch_times_delta():
    rng = np.random.default_rng(9)
    op = Conv2D((1, 4, 4), 1, 3, Activation.LINEAR, "k", "b", padding="same")
    bound(op, rng)
    x = rng.normal(size=(2, 1, 4, 4))
    d = rng.normal(size=(2, 1, 4, 4))
    op.forward([x], 2)
    _, grads = op.backward(d, [x], None, [False])
    by_hand = sum(op.patch(x, i, r, c) * d[i, 0, r, c] for i in range(2) for r in range(4) for c in range(4))
    np.testing.assert_allclose(grads["k"][0], by_hand, rtol=1e-12)


# -- shapes and refusals -----------------------------------------------------------------------
@pytest.mark.parametrize("in_shape, filters, kernel, stride, padding, out", [
    ((1, 8, 8), 8, 3, 1, "same", (8, 8, 8)),
    ((1, 8, 8), 8, 3, 1, "valid", (8, 6, 6)),
    ((3, 64, 64), 10, 3, 1, "valid", (10, 62, 62)),  # CNN Explainer's first layer
    ((1, 24, 24), 8, 5, 1, "same", (8, 24, 24)),  # ConvNetJS's, padding 2
    ((1, 7, 7), 2, 3, 2, "same", (2, 4, 4)),  # ceil(7 / 2)
    ((1, 8, 8), 2, 2, 1, "same", (2, 8, 8)),
    ((2, 9, 8), 1, (4, 3), (2, 3), "valid", (1, 3, 2)),
])
def test_convolution_output_shapes(in_shape, filters, kernel, stride, padding, out):
    assert conv2d_output_shape(in_shape, filters, kernel, stride, padding) == (out, "")
    if (stride, padding) == (1, "valid"):  # the defaults, as CNN Explainer's layers use them
        assert conv2d_output_shape(in_shape, filters, kernel) == (out, "")


def test_same_padding_puts_an_even_kernels_extra_pixel_at_the_end():
    assert conv2d_plan((1, 8, 8), 1, 2, 1, "same")[0].pads == (0, 1, 0, 1)
    assert conv2d_plan((1, 8, 8), 1, 4, 1, "same")[0].pads == (1, 2, 1, 2)
    assert conv2d_plan((1, 8, 8), 1, 3, 1, "same")[0].pads == (1, 1, 1, 1)
    assert conv2d_plan((1, 7, 8), 1, 3, 2, "same")[0].pads == (1, 1, 0, 1)


@pytest.mark.parametrize("args, reason", [
    (((1, 3, 8), 4, 5, 1, "valid"), "kernel 5 does not fit a 3-pixel-high input with padding 0"),
    (((1, 8, 3), 4, 5, 1, "valid"), "kernel 5 does not fit a 3-pixel-wide input with padding 0"),
    (((1, 8, 8), 0, 3, 1, "valid"), "filters 0 must be at least 1"),
    (((1, 8, 8), 2.5, 3, 1, "valid"), "filters 2.5 is not a whole number"),
    (((1, 8, 8), 2, 0, 1, "valid"), "kernel 0 must be at least 1"),
    (((1, 8, 8), 2, 3, 0, "valid"), "stride 0 must be at least 1"),
    (((1, 8, 8), 2, (3, 3, 3), 1, "valid"), "kernel needs one size or two (rows, columns), not 3"),
    (((1, 8, 8), 2, 3, 1, "full"), "padding 'full' is not one of valid, same"),
    (((8, 8), 2, 3, 1, "valid"), "an image needs channels × height × width, not a shape of 2 number(s)"),
    (((0, 8, 8), 2, 3, 1, "valid"), "image channels 0 must be a whole number of at least 1"),
])
def test_settings_that_do_not_fit_are_refused_with_one_line(args, reason):
    shape, why = conv2d_output_shape(*args)
    assert shape is None
    assert why.startswith(reason)
    assert "\n" not in why
    with pytest.raises(ValueError, match="^" + re.escape(reason)):
        Conv2D(args[0], args[1], args[2], Activation.RELU, "k", "b", stride=args[3], padding=args[4])


def test_pool_shapes_and_refusals():
    assert pool2d_output_shape((8, 8, 8), 2) == ((8, 4, 4), "")
    assert pool2d_output_shape((3, 7, 7), 3, 2) == ((3, 3, 3), "")
    assert pool2d_output_shape((3, 7, 9), 2) == ((3, 3, 4), "")
    assert pool2d_output_shape((3, 1, 9), 2) == (None, "pool 2 does not fit a 1-pixel-high input with padding 0")
    with pytest.raises(ValueError, match="pool 3 does not fit a 2-pixel-wide input"):
        MaxPool2D((1, 4, 2), 3)


def test_steps_that_leave_pixels_over_say_so_in_one_line():
    plan, _ = conv2d_plan((1, 8, 8), 1, 3, 2, "valid")
    assert plan.out_shape == (1, 3, 3) and not whole_steps(plan)
    assert plan.note() == ("the last row of the input is not covered ((8 − 3) / 2 + 1 = 3.5, rounded down to 3); "
                           "the last column of the input is not covered ((8 − 3) / 2 + 1 = 3.5, rounded down to 3)")
    plan, _ = pool2d_plan((1, 8, 7), 3)
    assert plan.note() == ("the last 2 rows of the input are not covered ((8 − 3) / 3 + 1 = 2.67, rounded down to 2)"
                           "; the last column of the input is not covered ((7 − 3) / 3 + 1 = 2.33, rounded down to 2)")
    plan, _ = conv2d_plan((1, 8, 8), 1, 3, 1, "same")
    assert whole_steps(plan) and plan.note() == ""


def test_receptive_field_through_convolution_and_pooling():
    conv, _ = conv2d_plan((1, 8, 8), 4, 3, 1, "same")
    pool, _ = pool2d_plan(conv.out_shape, 2)
    assert receptive_field([conv, pool], 0, 0) == ((0, 3), (0, 3))  # clipped at the top-left padding
    assert receptive_field([conv, pool], 1, 2) == ((1, 5), (3, 7))
    assert receptive_field([conv], 7, 7) == ((6, 8), (6, 8))


def test_image_layers_take_one_activation_and_no_softmax():
    with pytest.raises(ValueError) as refused:
        Conv2D((1, 4, 4), 2, 3, Activation.SOFTMAX, "k", "b")
    assert str(refused.value) == "softmax cannot be the activation of an image layer (it needs a flat layer)"
    with pytest.raises(ValueError, match="one activation"):
        Conv2D((1, 4, 4), 2, 3, LayerActivation([Activation.RELU, Activation.TANH], np.zeros(2)), "k", "b")
    op = Conv2D((1, 4, 4), 2, 3, LayerActivation([Activation.STEP] * 8, np.full(8, 0.5)), "k", "b")
    assert op.act.kinds == [Activation.STEP] and op.act.thr.tolist() == [0.5]


# -- float32 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: Conv2D((2, 6, 6), 3, 3, Activation.TANH, "k", "b", stride=2, padding="same"),
    lambda: MaxPool2D((2, 6, 6), 2),
    lambda: MaxPool2D((2, 6, 6), 3, 1),
    lambda: AvgPool2D((2, 6, 6), 3, 2),
    lambda: Flatten((2, 6, 6)),
])
def test_float32_in_float32_out_close_to_float64(make):
    rng = np.random.default_rng(10)
    op64, op32 = make(), make()
    store = bound(op64, rng)
    if op32.parameter_specs():
        op32.bind(Parameters(store.layout, np.float32, store.flat.astype(np.float32)))
    x = rng.normal(size=(3, 2, 6, 6))
    g = rng.normal(size=(3, *op64.out_shape))
    a64, dx64, gr64 = run(op64, x, g)
    a32, dx32, gr32 = run(op32, x.astype(np.float32), g.astype(np.float32))
    assert a32.dtype == dx32.dtype == np.float32
    np.testing.assert_allclose(a32, a64, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx32, dx64, rtol=1e-5, atol=1e-5)
    for name in gr64:
        assert gr32[name].dtype == np.float32
        np.testing.assert_allclose(gr32[name], gr64[name], rtol=1e-4, atol=1e-5)


def test_a_float32_network_trains_its_kernels():
    rng = np.random.default_rng(11)
    net = small_cnn(rng, first=(Conv2D, dict(filters=2, kernel=3, padding="same")), second=(MaxPool2D, dict(pool=2)),
                    dtype=np.float32)
    X = rng.normal(size=(5, 36)).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 5)]
    g = net.loss_and_grads(X, Y)
    assert g.params.flat.dtype == np.float32
    assert np.abs(g.params["layer:1/kernel"]).sum() > 0


# -- vectorised, and safe to keep ---------------------------------------------------------------
def test_python_and_numpy_calls_do_not_grow_with_pixels_channels_filters_or_samples():
    """Every Python-level and C call of a forward and backward pass through a
    convolution and both poolings, counted: the same for a small and a large
    layer with the same kernel (the loops are over kernel offsets only)."""

    def profile(n, C, H, F):
        rng = np.random.default_rng(12)
        conv = Conv2D((C, H, H), F, 3, Activation.RELU, "k", "b", stride=1, padding="same")
        bound(conv, rng)
        pools = [MaxPool2D(conv.out_shape, 2), MaxPool2D(conv.out_shape, 3, 2), AvgPool2D(conv.out_shape, 2)]
        x = rng.normal(size=(n, C * H * H))
        calls = Counter()

        def hook(frame, event, arg):
            if event == "call":
                calls[frame.f_code.co_qualname] += 1
            elif event == "c_call":
                calls["C:" + getattr(arg, "__qualname__", str(arg))] += 1

        def step():
            _, a = conv.forward([x], n)
            g = np.zeros_like(a)
            for pool in pools:
                _, p = pool.forward([a], n)
                (ga,), _ = pool.backward(np.ones_like(p), [a], None, [True])
                g += ga
            conv.backward(conv.delta(a, g), [x], None, [True])

        step()  # buffers made
        sys.setprofile(hook)
        try:
            step()
        finally:
            sys.setprofile(None)
        return calls

    small, big = profile(3, 2, 6, 3), profile(40, 7, 12, 16)  # patches under KEEP_SCRATCH_BYTES
    assert small == big
    assert sum(small.values()) < 1000


def test_outputs_of_a_forward_pass_survive_the_next_one():
    """Kept buffers are scratch only: what a forward pass returns is its own."""
    rng = np.random.default_rng(13)
    conv = Conv2D((2, 6, 6), 3, 3, Activation.RELU, "k", "b", padding="same")
    bound(conv, rng)
    x1, x2 = rng.normal(size=(2, 4, 2, 6, 6))
    for op in (conv, MaxPool2D((2, 6, 6), 2), AvgPool2D((2, 6, 6), 2), Flatten((2, 6, 6))):
        a1 = op.forward([x1], 4)[1]
        kept = a1.copy()
        op.forward([x2], 4)
        np.testing.assert_array_equal(a1, kept)


def test_a_not_a_number_stays_visible_through_max_pooling():
    """Training notices divergence by its not-a-number values: pooling must
    not drop them."""
    for op in (MaxPool2D((1, 4, 4), 2), MaxPool2D((1, 4, 4), 3, 1)):
        x = np.zeros((1, 1, 4, 4))
        x[0, 0, 1, 1] = np.nan
        _, a = op.forward([x], 1)
        assert np.isnan(a[0, 0, 0, 0])
