"""The dense layer against plain loops: a weighted sum per neuron from one,
two or three source layers (skip connections) or none, undrawn connections
masked out of the gradients, images and sequences as inputs, the trainer's
in-place path giving the same numbers, gradients against finite
differences, single precision."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine_conv import numeric

from nnsim.engine.activations import LayerActivation
from nnsim.engine.ops.dense import Dense
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation

SIZE = 3


def layer(in_sizes, kinds=(Activation.TANH, Activation.SIGMOID, Activation.LINEAR), masks=None, dtype=np.float64,
          seed=0):
    act = LayerActivation(list(kinds), np.zeros(SIZE))
    op = Dense(in_sizes, SIZE, act, [f"w{k}" for k in range(len(in_sizes))], "b", masks)
    store = Parameters(ParameterLayout(op.parameter_specs()), dtype)
    store.flat[...] = np.random.default_rng(seed).normal(0, 0.8, store.flat.size)
    op.bind(store)
    return op, store


def by_loops(op, xs, n):
    z = np.zeros((n, SIZE))
    for i in range(n):
        for j in range(SIZE):
            total = float(op.b[j])
            for x, W in zip(xs, op.W):
                row = x[i].reshape(-1)
                for k in range(len(row)):
                    total += row[k] * W[k, j]
            z[i, j] = total
    a = np.stack([np.tanh(z[:, 0]), 1 / (1 + np.exp(-z[:, 1])), z[:, 2]], axis=1)
    return z, a


@pytest.mark.parametrize("in_sizes", [[], [4], [2, 5], [1, 2, 4]])
@pytest.mark.parametrize("n", [1, 3])
def test_each_neuron_is_its_weighted_sums_plus_its_bias(in_sizes, n):
    op, _ = layer(in_sizes)
    assert op.parameter_specs() == [(f"w{k}", (m, SIZE)) for k, m in enumerate(in_sizes)] + [("b", (SIZE,))]
    assert op.regularized() == [f"w{k}" for k in range(len(in_sizes))]
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=(n, m)) for m in in_sizes]
    z_ref, a_ref = by_loops(op, xs, n)
    z, a = op.forward(xs, n, keep=True)
    np.testing.assert_allclose(z, z_ref, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(a, a_ref, rtol=1e-13, atol=1e-14)
    none, a2 = op.forward(xs, n)
    assert none is None
    np.testing.assert_allclose(a2, a_ref, rtol=1e-13, atol=1e-14)
    # the trainer's path, into arrays it keeps, over whatever they held
    z3, a3 = np.full((n, SIZE), 7.0), np.full((n, SIZE), 7.0)
    op.forward_into(xs, z3, a3)
    np.testing.assert_allclose(z3, z_ref, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(a3, a_ref, rtol=1e-13, atol=1e-14)


def test_a_layer_of_one_activation_writes_its_outputs_in_place_too():
    op, _ = layer([2, 3], kinds=[Activation.RELU] * SIZE)
    rng = np.random.default_rng(2)
    xs = [rng.normal(size=(4, 2)), rng.normal(size=(4, 3))]
    z = np.empty((4, SIZE))
    a = np.empty((4, SIZE))
    op.forward_into(xs, z, a)
    expected = xs[0] @ op.W[0] + xs[1] @ op.W[1] + op.b
    np.testing.assert_allclose(z, expected, rtol=1e-14)
    np.testing.assert_allclose(a, np.maximum(expected, 0), rtol=1e-14)


@pytest.mark.parametrize("in_sizes", [[4], [2, 5], [1, 2, 4]])
def test_gradients_against_finite_differences_with_undrawn_connections(in_sizes):
    rng = np.random.default_rng(3)
    masks = [None] + [(rng.uniform(size=(m, SIZE)) < 0.6).astype(float) for m in in_sizes[1:]]
    op, store = layer(in_sizes, masks=masks, seed=4)
    n = 3
    xs = [rng.normal(size=(n, m)) for m in in_sizes]
    w = rng.normal(size=(n, SIZE))

    def loss():
        return float((op.forward(xs, n)[1] * w).sum())

    _, a = op.forward(xs, n)
    d = op.delta(a, w)
    want = [True] * len(in_sizes)
    want[-1] = False
    dxs, grads = op.backward(d, xs, None, want)
    assert list(grads) == [f"w{k}" for k in range(len(in_sizes))] + ["b"]
    assert dxs[-1] is None
    eps = 1e-6
    for name in grads:
        arr = store[name]
        num = numeric(loss, arr, eps)
        k = int(name[1:]) if name != "b" else None
        if k is not None and masks[k] is not None:
            num *= masks[k]  # an undrawn connection gets no gradient
            assert not grads[name][masks[k] == 0].any()
        np.testing.assert_allclose(grads[name], num, rtol=1e-6, atol=1e-9, err_msg=name)
    for k, x in enumerate(xs[:-1]):
        num = numeric(loss, x, eps)
        assert dxs[k].shape == x.shape
        np.testing.assert_allclose(dxs[k], num, rtol=1e-6, atol=1e-9)
    # written into given arrays, then cleared
    given = {name: np.full(g.shape, 5.0) for name, g in grads.items()}
    _, out = op.backward(d, xs, given, want)
    for name in grads:
        assert out[name] is given[name]
        np.testing.assert_allclose(given[name], grads[name], rtol=1e-15)
    op.zero_grads(given)
    assert all(not g.any() for g in given.values())


def test_images_and_sequences_as_inputs():
    op, _ = layer([12])
    rng = np.random.default_rng(5)
    img = rng.normal(size=(2, 3, 2, 2))  # an image block's output, (n, C, H, W)
    z, _ = op.forward([img], 2, keep=True)
    np.testing.assert_allclose(z, img.reshape(2, 12) @ op.W[0] + op.b, rtol=1e-14)
    (dx,), grads = op.backward(np.ones((2, SIZE)), [img], None, [True])
    assert dx.shape == img.shape
    np.testing.assert_allclose(grads["w0"], img.reshape(2, 12).T @ np.ones((2, SIZE)), rtol=1e-14)
    op, _ = layer([2])
    seq = rng.normal(size=(3, 4, 2))  # (n, T, features): the same weights at every step
    z, _ = op.forward([seq], 3, keep=True)
    assert z.shape == (3, 4, SIZE)
    for t in range(4):
        np.testing.assert_allclose(z[:, t], seq[:, t] @ op.W[0] + op.b, rtol=1e-14)
    d = rng.normal(size=(3, 4, SIZE))
    (dx,), grads = op.backward(d, [seq], None, [True])
    assert dx.shape == seq.shape
    np.testing.assert_allclose(grads["w0"], sum(seq[:, t].T @ d[:, t] for t in range(4)), rtol=1e-13)
    np.testing.assert_allclose(grads["b"], d.sum(axis=(0, 1)), rtol=1e-13)
    np.testing.assert_allclose(dx, d @ op.W[0].T, rtol=1e-14)


def test_single_precision_stays_single():
    op, store = layer([2, 3], dtype=np.float32)
    rng = np.random.default_rng(6)
    xs = [rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=(3, 3)).astype(np.float32)]
    z, a = op.forward(xs, 3, keep=True)
    assert z.dtype == a.dtype == np.float32
    z_ref, a_ref = by_loops(op, xs, 3)
    np.testing.assert_allclose(a, a_ref, rtol=1e-5, atol=1e-6)
    dxs, grads = op.backward(np.ones((3, SIZE), np.float32), xs, None, [True, True])
    assert all(g.dtype == np.float32 for g in grads.values()) and dxs[0].dtype == np.float32


def test_one_weight_name_per_input():
    with pytest.raises(ValueError, match="one weight name per input is needed"):
        Dense([2, 3], 1, LayerActivation([Activation.LINEAR], np.zeros(1)), ["w"], "b")
