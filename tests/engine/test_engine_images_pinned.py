"""Image operations against plain loops over pixels: a convolution's
patches, products and outputs, pooling's maxima, means, winners and
gradients, on oblong inputs and windows, strides that leave pixels over or
skip some, batches of 1 and 3, in double and single precision."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine_conv import numeric

from nnsim.engine.ops.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from nnsim.engine.ops.shapes import conv2d_plan
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation


def bound(op, seed=0, dtype=np.float64):
    store = Parameters(ParameterLayout(op.parameter_specs()), dtype)
    store.flat[...] = np.random.default_rng(seed).normal(0, 0.5, store.flat.size)
    op.bind(store)
    return store


def padded(x4, pads):
    top, bottom, left, right = pads
    return np.pad(x4, ((0, 0), (0, 0), (top, bottom), (left, right)))


def conv_by_loops(x4, K, b, plan):
    n = len(x4)
    F, C, kh, kw = K.shape
    sh, sw = plan.stride
    Ho, Wo = plan.out_shape[1:]
    xp = padded(x4, plan.pads)
    z = np.zeros((n, F, Ho, Wo))
    for i in range(n):
        for f in range(F):
            for r in range(Ho):
                for c in range(Wo):
                    total = b[f]
                    for ch in range(C):
                        for u in range(kh):
                            for v in range(kw):
                                total += K[f, ch, u, v] * xp[i, ch, r * sh + u, c * sw + v]
                    z[i, f, r, c] = total
    return z


# (in shape, filters, kernel, stride, padding): "same" with an even kernel pads more after
# than before; a stride larger than the kernel skips pixels; "valid" leaves pixels over
CASES = [
    ((2, 5, 4), 3, (2, 3), (1, 2), "same"),
    ((1, 6, 7), 2, (3, 2), (2, 3), "same"),
    ((2, 7, 5), 2, (2, 2), (3, 2), "valid"),
    ((3, 4, 6), 1, (4, 1), (1, 1), "valid"),
]


@pytest.mark.parametrize("in_shape, filters, kernel, stride, padding", CASES)
@pytest.mark.parametrize("batch", [1, 3])
def test_a_convolution_is_its_sums_over_each_patch(in_shape, filters, kernel, stride, padding, batch):
    op = Conv2D(in_shape, filters, kernel, Activation.TANH, "k", "b", stride=stride, padding=padding)
    bound(op, seed=batch)
    plan = op.plan
    assert op.padding == padding and op.filters == filters and op.in_shapes == [in_shape]
    assert op.out_shape == plan.out_shape and op.type == "conv2d"
    assert op.parameter_specs() == [("k", (filters, in_shape[0], *plan.kernel)), ("b", (filters,))]
    assert op.regularized() == ["k"]
    x4 = np.random.default_rng(7).normal(size=(batch, *in_shape))
    z, a = op.forward([x4.reshape(batch, -1)], batch, keep=True)
    expected = conv_by_loops(x4, op.K, op.b, plan)
    assert z.shape == expected.shape == (batch, *plan.out_shape)
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a, np.tanh(expected), rtol=1e-12, atol=1e-14)
    _, plain = op.forward([x4], batch)
    np.testing.assert_allclose(plain, np.tanh(expected), rtol=1e-12, atol=1e-14)
    # one position at a time, as a step-through shows it
    xp = padded(x4, plan.pads)
    kh, kw = plan.kernel
    sh, sw = plan.stride
    for i in range(batch):
        for r in range(plan.out_shape[1]):
            for c in range(plan.out_shape[2]):
                patch = op.patch(x4.reshape(batch, -1), i, r, c)
                assert patch.shape == (in_shape[0], kh, kw)
                assert np.array_equal(patch, xp[i, :, r * sh : r * sh + kh, c * sw : c * sw + kw])
                for f in range(filters):
                    prods = op.products(x4, i, f, r, c)
                    assert np.array_equal(prods, patch * op.K[f])
                    assert prods.sum() + op.b[f] == pytest.approx(expected[i, f, r, c], rel=1e-12, abs=1e-14)


def test_a_patch_wholly_on_the_padding_is_zeros_and_the_input_is_left_alone():
    op = Conv2D((1, 1, 1), 1, 3, Activation.LINEAR, "k", "b", stride=1, padding="same")
    bound(op)
    x = np.array([[5.0]])
    p = op.patch(x, 0, 0, 0)
    assert p.tolist() == [[[0, 0, 0], [0, 5, 0], [0, 0, 0]]]
    op = Conv2D((1, 2, 2), 1, 3, Activation.LINEAR, "k", "b", stride=3, padding="same")
    assert op.plan.pads == (0, 1, 0, 1)  # out 1, total padding 1: after only
    bound(op)
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    assert op.patch(x, 0, 0, 0).tolist() == [[[1, 2, 0], [3, 4, 0], [0, 0, 0]]]
    assert x.tolist() == [[1.0, 2.0, 3.0, 4.0]]


@pytest.mark.parametrize("in_shape, filters, kernel, stride, padding", CASES)
def test_a_convolutions_gradients_against_finite_differences(in_shape, filters, kernel, stride, padding):
    op = Conv2D(in_shape, filters, kernel, Activation.TANH, "k", "b", stride=stride, padding=padding)
    store = bound(op, seed=3)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, int(np.prod(in_shape))))
    plan, _ = conv2d_plan(in_shape, filters, kernel, stride, padding)
    w = rng.normal(size=(3, *plan.out_shape))

    def loss():
        _, a = op.forward([x], 3)
        return float((a * w).sum())

    z, a = op.forward([x], 3, keep=True)
    d = op.delta(a, w)
    (dx,), grads = op.backward(d, [x], None, [True])
    assert dx.shape == x.shape
    eps = 1e-6
    for name in ("k", "b"):
        arr = store[name]
        num = numeric(loss, arr, eps)
        np.testing.assert_allclose(grads[name], num, rtol=1e-6, atol=1e-8, err_msg=name)
    num = numeric(loss, x, eps)
    np.testing.assert_allclose(dx, num, rtol=1e-6, atol=1e-8)


def test_a_single_precision_convolution_stays_single_and_agrees_with_double():
    op = Conv2D((2, 5, 4), 3, (2, 3), Activation.RELU, "k", "b", stride=(1, 2), padding="same")
    s32 = bound(op, seed=5, dtype=np.float32)
    x = np.random.default_rng(6).normal(size=(3, 40)).astype(np.float32)
    _, a32 = op.forward([x], 3)
    assert a32.dtype == np.float32
    (dx32,), g32 = op.backward(np.ones_like(a32), [x], None, [True])
    assert dx32.dtype == np.float32 and g32["k"].dtype == np.float32
    op64 = Conv2D((2, 5, 4), 3, (2, 3), Activation.RELU, "k", "b", stride=(1, 2), padding="same")
    s64 = bound(op64, seed=5)
    s64.flat[...] = s32.flat
    _, a64 = op64.forward([x.astype(np.float64)], 3)
    np.testing.assert_allclose(a32, a64, rtol=1e-5, atol=1e-5)
    # a step-through's numbers of one position stay in single precision too
    patch = op.patch(x, 2, 1, 1)
    assert patch.dtype == np.float32 and op.products(x, 2, 0, 1, 1).dtype == np.float32
    assert np.array_equal(patch, op64.patch(x.astype(np.float64), 2, 1, 1))
    (dx64,), g64 = op64.backward(np.ones_like(a64), [x.astype(np.float64)], None, [True])
    np.testing.assert_allclose(dx32, dx64, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g32["k"], g64["k"], rtol=1e-5, atol=1e-4)


# -- pooling ---------------------------------------------------------------------------------
POOLS = [  # (in shape, pool, stride)
    ((2, 5, 7), (2, 3), None),  # tiling, a row and a column over
    ((1, 6, 5), (3, 2), (1, 2)),  # overlapping rows
    ((2, 7, 6), (2, 2), (3, 4)),  # gaps between windows
    ((3, 4, 4), (2, 2), (1, 1)),
    ((1, 4, 6), (2, 3), (2, 3)),  # tiling exactly
    ((2, 3, 3), (3, 3), None),  # one window, the whole map
]


def windows(x4, pool, stride):
    ph, pw = pool
    sh, sw = stride
    n, C, H, W = x4.shape
    Ho, Wo = (H - ph) // sh + 1, (W - pw) // sw + 1
    for i in range(n):
        for ch in range(C):
            for r in range(Ho):
                for c in range(Wo):
                    yield (i, ch, r, c), x4[i, ch, r * sh : r * sh + ph, c * sw : c * sw + pw], (r * sh, c * sw)


@pytest.mark.parametrize("in_shape, pool, stride", POOLS)
@pytest.mark.parametrize("batch", [1, 3])
def test_max_pooling_by_loops(in_shape, pool, stride, batch):
    op = MaxPool2D(in_shape, pool, stride)
    step = pool if stride is None else stride
    rng = np.random.default_rng(batch)
    x4 = rng.integers(0, 4, size=(batch, *in_shape)).astype(float)  # many ties
    x = x4.reshape(batch, -1)
    _, out = op.forward([x], batch)
    assert out.shape == (batch, *op.out_shape)
    wins = op.winners(x)
    assert wins.shape == (batch, *op.out_shape, 2)
    d = rng.normal(size=out.shape)
    (dx,), params = op.backward(d, [x], None, [True])
    assert params == {} and dx.shape == x.shape
    expected_dx = np.zeros(x4.shape)
    for (i, ch, r, c), win, (top, left) in windows(x4, pool, step):
        assert out[i, ch, r, c] == win.max()
        k = int(np.argmax(win))  # the first maximum in reading order
        row, col = top + k // pool[1], left + k % pool[1]
        assert wins[i, ch, r, c].tolist() == [row, col]
        expected_dx[i, ch, row, col] += d[i, ch, r, c]
    np.testing.assert_allclose(dx.reshape(x4.shape), expected_dx, rtol=1e-15)
    # without the kept pass (another array of the same numbers), the same
    (dx2,), _ = op.backward(d, [x.copy()], None, [True])
    np.testing.assert_allclose(dx2, dx, rtol=1e-15)
    assert op.backward(d, [x], None, [False]) == ([None], {})


def test_a_window_holding_not_a_number_gives_not_a_number():
    for op in (MaxPool2D((1, 4, 4), 2), MaxPool2D((1, 4, 4), 2, 1), AvgPool2D((1, 4, 4), 2)):
        x = np.zeros((1, 1, 4, 4))
        x[0, 0, 1, 0] = np.nan
        x[0, 0, 3, 3] = 1.0
        _, out = op.forward([x], 1)
        assert np.isnan(out[0, 0, 0, 0]) and not np.isnan(out[0, 0, -1, -1]) and out[0, 0, -1, -1] > 0


@pytest.mark.parametrize("in_shape, pool, stride", POOLS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_average_pooling_by_loops(in_shape, pool, stride, dtype):
    op = AvgPool2D(in_shape, pool, stride)
    step = pool if stride is None else stride
    assert op.backward(np.zeros((3, *op.out_shape)), [np.zeros((3, *in_shape))], None, [False]) == ([None], {})
    rng = np.random.default_rng(2)
    x4 = rng.normal(size=(3, *in_shape)).astype(dtype)
    _, out = op.forward([x4.reshape(3, -1)], 3)
    assert out.shape == (3, *op.out_shape) and out.dtype == dtype
    d = rng.normal(size=out.shape).astype(dtype)
    (dx,), _ = op.backward(d, [x4.reshape(3, -1)], None, [True])
    assert dx.shape == (3, int(np.prod(in_shape))) and dx.dtype == dtype
    expected_dx = np.zeros(x4.shape)
    tol = 1e-6 if dtype == np.float32 else 1e-13
    for (i, ch, r, c), win, (top, left) in windows(x4.astype(float), pool, step):
        assert out[i, ch, r, c] == pytest.approx(win.mean(), rel=tol, abs=tol)
        expected_dx[i, ch, top : top + pool[0], left : left + pool[1]] += d[i, ch, r, c] / (pool[0] * pool[1])
    np.testing.assert_allclose(dx.reshape(x4.shape), expected_dx, rtol=tol, atol=tol)


def test_flatten_reads_channel_by_channel_row_by_row():
    op = Flatten((2, 2, 3))
    assert op.out_shape == (12,) and op.in_shapes == [(2, 2, 3)]
    x = np.arange(24.0).reshape(2, 2, 2, 3)
    _, out = op.forward([x], 2)
    assert out.shape == (2, 12) and out[1, 7] == x[1, 1, 0, 1]
    (dx,), params = op.backward(out * 2, [x], None, [True])
    assert params == {} and dx.shape == x.shape and np.array_equal(dx, 2 * x)
    assert op.backward(out, [x], None, [False])[0] == [None]
    with pytest.raises(ValueError, match="an image needs channels × height × width"):
        Flatten((2, 3))


def test_an_image_layers_one_activation_and_threshold():
    from nnsim.engine.activations import LayerActivation
    from nnsim.engine.ops.conv import single_activation

    def says(act, text):
        with pytest.raises(ValueError) as refused:
            single_activation(act)
        assert str(refused.value) == text

    says(LayerActivation([Activation.RELU, Activation.TANH], np.zeros(2)),
         "an image layer takes one activation for all its maps")
    says(LayerActivation([Activation.STEP] * 3, np.array([0.5, 0.5, 0.25])),
         "an image layer takes one threshold for all its maps")
    says("softmax", "softmax cannot be the activation of an image layer (it needs a flat layer)")
    act = single_activation("relu")
    assert act.kinds == [Activation.RELU] and act.thr.tolist() == [0.0] and act.uniform
    thr = np.full(4, 0.5)
    act = single_activation(LayerActivation([Activation.STEP] * 4, thr))
    assert act.kinds == [Activation.STEP] and act.thr.tolist() == [0.5]
    thr[0] = 9.0
    assert act.thr.tolist() == [0.5]  # its own copy
    # the threshold is where a step layer's maps fire
    op = Conv2D((1, 2, 2), 1, 1, LayerActivation([Activation.STEP] * 4, np.full(4, 0.5)), "k", "b")
    store = bound(op)
    store.flat[...] = [1.0, 0.0]  # kernel 1, bias 0: each pixel as it is
    _, out = op.forward([np.array([[0.2, 0.6, 0.5, 1.0]])], 1)
    assert out.reshape(-1).tolist() == [0.0, 1.0, 0.0, 1.0]
