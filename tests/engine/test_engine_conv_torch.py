"""Convolution and pooling against PyTorch, forward and backward, where
PyTorch is installed (it is not a dependency of nnsim)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.engine.ops.conv import AvgPool2D, Conv2D, MaxPool2D
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation

torch = pytest.importorskip("torch", reason="PyTorch is not installed: the finite-difference tests still run")
F = torch.nn.functional

CONV_CASES = [  # (channels, height, width, filters, kernel, stride, padding)
    (1, 8, 8, 8, 3, 1, "same"),  # the digits network's convolution
    (3, 9, 7, 4, 3, 2, "same"),
    (2, 8, 8, 5, 2, 1, "same"),  # even kernel: the extra pixel at the end
    (2, 9, 8, 3, 4, 2, "same"),
    (3, 10, 9, 4, 5, 1, "valid"),
    (2, 9, 9, 3, 3, 2, "valid"),
    (2, 7, 9, 3, (2, 3), (2, 1), "valid"),
]
POOL_CASES = [(3, 8, 8, 2, None), (3, 7, 9, 2, None), (2, 7, 7, 3, 2), (2, 6, 6, 3, 1), (1, 5, 8, (2, 3), (1, 2))]


# PyTorch warns that an even kernel's "same" padding copies the input: it is what we compare.
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-4)])
@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_convolution_matches_torch(case, dtype, tol):
    C, H, W, Fs, k, s, pad = case
    rng = np.random.default_rng(0)
    op = Conv2D((C, H, W), Fs, k, Activation.LINEAR, "k", "b", stride=s, padding=pad)
    store = Parameters(ParameterLayout(op.parameter_specs()), dtype)
    store.flat[...] = rng.normal(size=store.flat.size)
    op.bind(store)
    x = rng.normal(size=(4, C, H, W)).astype(dtype)
    _, a = op.forward([x], 4)

    top, bottom, left, right = op.plan.pads
    xt = torch.tensor(x, requires_grad=True)
    kt = torch.tensor(op.K.copy(), requires_grad=True)
    bt = torch.tensor(op.b.copy(), requires_grad=True)
    at = F.conv2d(F.pad(xt, (left, right, top, bottom)), kt, bt, stride=op.plan.stride)
    if pad == "same" and s == 1:  # PyTorch's own "same" (stride 1 only) pads as ours
        same = F.conv2d(xt, kt, bt, padding="same")
        np.testing.assert_allclose(same.detach().numpy(), at.detach().numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(a, at.detach().numpy(), rtol=tol, atol=tol)

    g = rng.normal(size=a.shape).astype(dtype)
    at.backward(torch.tensor(g))
    (dx,), grads = op.backward(op.delta(a, g), [x], None, [True])
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(grads["k"], kt.grad.numpy(), rtol=tol, atol=tol * 10)
    np.testing.assert_allclose(grads["b"], bt.grad.numpy(), rtol=tol, atol=tol * 10)


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
@pytest.mark.parametrize("cls, reference", [(MaxPool2D, "max_pool2d"), (AvgPool2D, "avg_pool2d")])
def test_pooling_matches_torch_ties_included(case, cls, reference):
    C, H, W, pool, stride = case
    op = cls((C, H, W), pool, stride)
    # Small whole numbers: many windows have tied maxima.
    x = np.random.default_rng(1).integers(0, 3, size=(4, C, H, W)).astype(float)
    _, a = op.forward([x], 4)
    xt = torch.tensor(x, requires_grad=True)
    at = getattr(F, reference)(xt, pool, pool if stride is None else stride)
    np.testing.assert_allclose(a, at.detach().numpy(), rtol=1e-15)
    g = np.random.default_rng(2).normal(size=a.shape)
    at.backward(torch.tensor(g))
    (dx,), _ = op.backward(g, [x], None, [True])
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-14, atol=1e-15)
