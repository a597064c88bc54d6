"""Every activation's forward against its textbook formula, its backward
against the derivative, and the losses' values against theirs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnsim.design.build import layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Loss
from nnsim.engine import activations as A
from nnsim.engine import losses
from nnsim.engine.activations import LayerActivation

Z = np.array([[-3.0, -0.7, -1e-3, 1e-3, 0.4, 2.5], [5.0, -5.0, 0.25, -0.25, 0.0, 1.0]])


def layer(kind: Activation, n: int, thr=None) -> LayerActivation:
    return LayerActivation([kind] * n, np.zeros(n) if thr is None else np.asarray(thr, dtype=float))


def test_linear_is_identity():
    np.testing.assert_array_equal(layer(Activation.LINEAR, 6)(Z), Z)


def test_sigmoid_matches_logistic_formula():
    np.testing.assert_allclose(layer(Activation.SIGMOID, 6)(Z), 1.0 / (1.0 + np.exp(-Z)), rtol=1e-14, atol=1e-16)


def test_sigmoid_at_plus_minus_1000_without_warnings():
    z = np.array([[-1000.0, 1000.0, -750.0, 750.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Underflow to 0 (e^-1000) is the right answer and NumPy never warns of it.
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = layer(Activation.SIGMOID, 4)(z)
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, [[0.0, 1.0, 0.0, 1.0]])


def test_sigmoid_keeps_relative_accuracy_in_both_tails():
    """log σ(z) = z − log(1 + e^z) ≈ z far below 0; 1 − σ(z) = σ(−z) above."""
    sig = layer(Activation.SIGMOID, 1)
    for z in (-30.0, -38.5, -50.0, -300.0, -700.0, -708.0):
        a = sig(np.array([[z]]))[0, 0]
        assert a > 0.0
        assert np.log(a) == pytest.approx(z - np.log1p(np.exp(z)), rel=1e-14)
    for z in (-5.0, -0.3, 0.0, 0.3, 5.0, 30.0):
        assert sig(np.array([[z]]))[0, 0] == pytest.approx(1.0 / (1.0 + np.exp(-z)), rel=1e-15)
    # σ(z) + σ(−z) = 1 to the last bit where σ(z) is not tiny
    z = np.linspace(-20, 20, 81)[None, :]
    np.testing.assert_allclose(sig(z) + sig(-z), 1.0, rtol=0, atol=2.3e-16)


def test_sigmoid_of_infinities_and_nan_without_warnings():
    z = np.array([[-np.inf, np.inf, np.nan, -800.0, 800.0, -740.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = layer(Activation.SIGMOID, 6)(z)
    np.testing.assert_array_equal(a[0, [0, 1, 3, 4]], [0.0, 1.0, 0.0, 1.0])
    assert np.isnan(a[0, 2])
    assert a[0, 5] == np.exp(-740.0)  # a subnormal number, still right


def test_tanh_matches_formula():
    expected = (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
    np.testing.assert_allclose(layer(Activation.TANH, 6)(Z), expected, rtol=1e-13, atol=1e-15)


def test_relu_is_max_of_zero_and_z():
    np.testing.assert_array_equal(layer(Activation.RELU, 6)(Z), np.where(Z > 0, Z, 0.0))


def test_leaky_relu_slope_is_one_hundredth():
    assert A.LEAKY_SLOPE == 0.01
    np.testing.assert_allclose(layer(Activation.LEAKY_RELU, 6)(Z), np.where(Z > 0, Z, 0.01 * Z), rtol=1e-15)
    assert layer(Activation.LEAKY_RELU, 1)(np.array([[-2.0]]))[0, 0] == pytest.approx(-0.02)


def test_step_fires_strictly_above_threshold():
    thr = np.array([0.5, 0.5, 0.5, -1.0])
    z = np.array([[0.5, 0.5000001, 0.4999999, -1.0], [0.67, -3.0, 10.0, -0.999]])
    a = layer(Activation.STEP, 4, thr)(z)
    np.testing.assert_array_equal(a, [[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 1.0]])


def test_sign_is_plus_or_minus_one_never_zero():
    thr = np.array([0.0, 0.0, 0.3])
    z = np.array([[0.0, 1e-9, 0.3], [-1e-9, -5.0, 0.31]])
    a = layer(Activation.SIGN, 3, thr)(z)
    np.testing.assert_array_equal(a, [[-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]])
    big = layer(Activation.SIGN, 6)(Z)
    assert set(np.unique(big)) == {-1.0, 1.0}


def test_softmax_rows_sum_to_one_and_are_shift_invariant():
    sm = layer(Activation.SOFTMAX, 6)
    a = sm(Z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(a, np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), rtol=1e-13)
    shifted = sm(Z + np.array([[100.0], [-37.5]]))
    np.testing.assert_allclose(shifted, a, rtol=1e-12, atol=1e-16)
    with np.errstate(over="raise", invalid="raise"):
        huge = sm(np.array([[1000.0, 999.0, -1000.0]]))
    np.testing.assert_allclose(huge, [[1 / (1 + np.exp(-1)), 1 / (1 + np.e), 0.0]], rtol=1e-12, atol=1e-300)


def test_softmax_takes_the_limit_where_weighted_sums_are_infinite():
    z = np.array(
        [
            [np.inf, 1.0, 0.0],  # one infinite sum takes everything
            [np.inf, np.inf, 0.0],  # two share it
            [-np.inf, -np.inf, -np.inf],  # all equal: even
            [1e308, -1e308, 0.0],  # a spread past the float range
            [1e308, 1e308, -np.inf],
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = layer(Activation.SOFTMAX, 3)(z)
    np.testing.assert_array_equal(a, [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3], [1, 0, 0], [0.5, 0.5, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(layer(Activation.SOFTMAX, 2)(np.array([[np.nan, 1.0]]))).all()


def test_mixed_layer_applies_each_neurons_function_to_its_column():
    kinds = [Activation.TANH, Activation.STEP, Activation.RELU, Activation.TANH, Activation.SIGMOID, Activation.SIGN]
    thr = np.array([0.0, 0.3, 0.0, 0.0, 0.0, -0.5])
    act = LayerActivation(kinds, thr)
    assert not act.uniform
    out = act(Z)
    for col, kind in enumerate(kinds):
        np.testing.assert_array_equal(out[:, col], A.FORWARD[kind](Z[:, col : col + 1], thr[col : col + 1])[:, 0])


def test_softmax_cannot_be_mixed_in_a_layer():
    with pytest.raises(ValueError, match="softmax"):
        LayerActivation([Activation.SOFTMAX, Activation.TANH], np.zeros(2))


# -- backward: the derivative, recovered from the outputs ---------------------------


@pytest.mark.parametrize("kind", [Activation.LINEAR, Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU])
def test_elementwise_backward_is_the_derivative(kind):
    z = Z[np.abs(Z) > 1e-4].reshape(1, -1)  # away from the ReLU kink
    act = layer(kind, z.shape[1])
    g = np.random.default_rng(0).normal(size=z.shape)
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.backward(act(z), g), g * numeric, rtol=1e-6, atol=1e-9)


def test_relu_and_leaky_backward_on_the_negative_side():
    z = np.array([[-2.0, 3.0]])
    g = np.array([[1.0, 1.0]])
    np.testing.assert_array_equal(layer(Activation.RELU, 2).backward(layer(Activation.RELU, 2)(z), g), [[0.0, 1.0]])
    leaky = layer(Activation.LEAKY_RELU, 2)
    np.testing.assert_allclose(leaky.backward(leaky(z), g), [[0.01, 1.0]])


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(3, 4))
    g = rng.normal(size=(3, 4))
    act = layer(Activation.SOFTMAX, 4)
    a = act(z)
    expected = np.stack([(np.diag(r) - np.outer(r, r)) @ gr for r, gr in zip(a, g)])
    np.testing.assert_allclose(act.backward(a, g), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", [Activation.STEP, Activation.SIGN])
def test_step_and_sign_backward_is_zero(kind):
    act = layer(kind, 6)
    out = act.backward(act(Z), np.ones_like(Z))
    np.testing.assert_array_equal(out, np.zeros_like(Z))


def test_mixed_backward_uses_each_columns_derivative():
    kinds = [Activation.TANH, Activation.STEP, Activation.RELU, Activation.SIGMOID]
    act = LayerActivation(kinds, np.zeros(4))
    z = np.array([[0.3, 0.6, -0.4, 1.2], [-0.8, -0.1, 0.9, -2.0]])
    a = act(z)
    g = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 2.0, 0.25]])
    expected = np.column_stack(
        [g[:, 0] * (1 - a[:, 0] ** 2), np.zeros(2), g[:, 2] * (z[:, 2] > 0), g[:, 3] * a[:, 3] * (1 - a[:, 3])]
    )
    np.testing.assert_allclose(act.backward(a, g), expected, rtol=1e-14)


# -- in a network: per-neuron thresholds and the layer's function ----------------------


def test_network_forward_uses_each_neurons_threshold():
    d = layered([1, 3], output=Activation.STEP)
    for n, thr in zip(d.neurons[1:], [-0.5, 0.5, 1.5]):
        n.threshold = thr
    d.connections[0].weight = d.connections[1].weight = d.connections[2].weight = 1.0
    net = compile_design(d).network
    out = net.predict(np.array([[0.0], [1.0], [2.0], [0.5]]))
    np.testing.assert_array_equal(out, [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 0]])


# -- loss values -------------------------------------------------------------------------


def test_loss_values_match_their_formulas():
    a = np.array([[0.2, 0.7], [0.9, 0.4], [0.5, 0.5]])
    y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert losses.mse(a, y) == pytest.approx(0.5 * ((a - y) ** 2).sum() / 3, rel=1e-15)
    bce = -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum() / 3
    assert losses.bce(a, y) == pytest.approx(bce, rel=1e-14)
    p = np.array([[0.2, 0.8], [0.9, 0.1], [0.5, 0.5]])
    t = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert losses.sce(p, t) == pytest.approx(-(t * np.log(p)).sum() / 3, rel=1e-14)
    for loss in Loss:
        np.testing.assert_allclose(losses.per_sample(loss, p, t).mean(), losses.VALUE[loss](p, t), rtol=1e-14)


def test_loss_gradients_match_their_formulas():
    a = np.array([[0.2, 0.7], [0.9, 0.4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(losses.mse_grad(a, y), (a - y) / 2)
    np.testing.assert_allclose(losses.bce_grad(a, y), (-(y / a) + (1 - y) / (1 - a)) / 2, rtol=1e-13)
    np.testing.assert_allclose(losses.sce_grad(a, y), -(y / a) / 2, rtol=1e-14)


def test_cross_entropies_stay_finite_at_zero_and_one():
    a = np.array([[0.0, 1.0]])
    y = np.array([[1.0, 0.0]])
    with np.errstate(all="raise"):
        assert np.isfinite(losses.bce(a, y))
        assert np.isfinite(losses.sce(a, y))
        assert np.all(np.isfinite(losses.bce_grad(a, y)))
        assert np.all(np.isfinite(losses.sce_grad(a, y)))


# -- loss values from the weighted sums ----------------------------------------------------


def _net(output: Activation, loss: Loss, n_out: int, weights):
    d = layered([1, n_out], output=output)
    d.training.loss = loss
    net = compile_design(d).network
    net.blocks[0].W[...] = [weights]
    return net


def test_a_confidently_wrong_sigmoid_reports_its_true_cross_entropy():
    """At z = 40 with target 0 the loss is −log(1 − σ(40)) = log(1 + e^40) = 40,
    not the 27.63 of a probability clipped at 1e-12."""
    net = _net(Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY, 1, [40.0])
    X = np.array([[1.0]])
    trace = net.forward(X)
    assert net.loss_of(trace, np.array([[0.0]])) == pytest.approx(40.0, rel=1e-15)
    assert net.loss_and_grads(X, np.array([[0.0]])).loss == pytest.approx(40.0, rel=1e-15)
    # confidently right: e^-40, not 0 and not the clip's 1e-12
    assert net.loss_of(trace, np.array([[1.0]])) == pytest.approx(np.exp(-40.0), rel=1e-12)
    # a soft target: 0.25·softplus(−40) + 0.75·softplus(40)
    assert net.loss_of(trace, np.array([[0.25]])) == pytest.approx(0.75 * 40.0, rel=1e-14)


def test_a_confidently_wrong_softmax_reports_its_true_cross_entropy():
    net = _net(Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY, 3, [30.0, -30.0, 0.0])
    trace = net.forward(np.array([[1.0]]))
    exact = 60.0 + np.log1p(np.exp(-60.0) + np.exp(-30.0))  # −log softmax(z)[1]
    assert net.loss_of(trace, np.array([[0.0, 1.0, 0.0]])) == pytest.approx(exact, rel=1e-15)
    # soft targets: −Σ y·log softmax(z)
    y = np.array([[0.5, 0.2, 0.0]])
    log_a = trace.z[net.output_layers[0].index] - (30.0 + np.log1p(np.exp(-60.0) + np.exp(-30.0)))
    assert net.loss_of(trace, y) == pytest.approx(-(y * log_a).sum(), rel=1e-14)


def test_training_reports_the_exact_loss_too():
    """The loss an epoch records is the same exact value."""
    from nnsim.engine.targets import TargetCoding
    from nnsim.engine.trainer import Trainer, TrainingData

    net = _net(Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY, 1, [40.0])
    d = layered([1, 1], output=Activation.SIGMOID)
    X, Y = np.array([[1.0]]), np.array([[0.0]])
    data = TrainingData(X, Y, X[:0], Y[:0], np.array([0]), np.array([], dtype=int), TargetCoding("classification", 1))
    d.training.learning_rate = 0.0
    rec = Trainer(net, d.training, data, np.random.default_rng(0)).evaluate()
    assert rec.train_loss == pytest.approx(40.0, rel=1e-15)


def test_losses_from_weighted_sums_agree_with_the_formulas_where_nothing_saturates():
    rng = np.random.default_rng(4)
    z = rng.normal(0, 2, size=(5, 3))
    y = rng.uniform(0, 1, size=(5, 3))
    a = layer(Activation.SIGMOID, 3)(z)
    np.testing.assert_allclose(
        losses.per_sample_from_z(Loss.BINARY_CROSS_ENTROPY, z, y),
        losses.per_sample(Loss.BINARY_CROSS_ENTROPY, a, y),
        rtol=1e-13,
    )
    a = layer(Activation.SOFTMAX, 3)(z)
    np.testing.assert_allclose(
        losses.per_sample_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, y),
        losses.per_sample(Loss.SOFTMAX_CROSS_ENTROPY, a, y),
        rtol=1e-13,
    )
    # the batch mean takes a shorter route to the same numbers, saturated or not
    for loss in (Loss.BINARY_CROSS_ENTROPY, Loss.SOFTMAX_CROSS_ENTROPY):
        for scale in (1.0, 50.0):
            zs = z * scale
            mean = losses.per_sample_from_z(loss, zs, y).mean()
            assert losses.value_from_z(loss, zs, y) == pytest.approx(mean, rel=1e-13)
            hard = (y > 0.5).astype(float)
            mean = losses.per_sample_from_z(loss, zs, hard).mean()
            assert losses.value_from_z(loss, zs, hard) == pytest.approx(mean, rel=1e-13)


def test_losses_from_infinite_weighted_sums_without_warnings():
    z = np.array([[np.inf, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            right = losses.per_sample_from_z(Loss.BINARY_CROSS_ENTROPY, z, np.array([[1.0, 0.0]]))
            wrong = losses.per_sample_from_z(Loss.BINARY_CROSS_ENTROPY, z, np.array([[0.0, 0.0]]))
            sm_right = losses.per_sample_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, np.array([[1.0, 0.0]]))
            sm_wrong = losses.per_sample_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, np.array([[0.0, 1.0]]))
    assert right[0] == 0.0 and wrong[0] == np.inf
    assert sm_right[0] == 0.0 and sm_wrong[0] == np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert losses.value_from_z(Loss.BINARY_CROSS_ENTROPY, z, np.array([[1.0, 0.0]])) == 0.0
        assert losses.value_from_z(Loss.BINARY_CROSS_ENTROPY, z, np.array([[0.0, 0.0]])) == np.inf
        assert losses.value_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, np.array([[1.0, 0.0]])) == 0.0
        assert losses.value_from_z(Loss.SOFTMAX_CROSS_ENTROPY, z, np.array([[0.0, 1.0]])) == np.inf
