"""LSTM, GRU and plain recurrent blocks in designs: linked from a layer of
inputs, into a dense output; gradients through time against finite
differences; the LSTM learns temporal order where the plain block does not."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_block, add_layer, connect_all, initialize, link
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Design, LayerKind, Loss, TrainingSettings
from nnsim.design.validate import DesignError, check_trainable


def seq_design(kind="lstm", cells=3, n_in=2, n_out=2, out=Activation.SOFTMAX, seed=0, **options) -> Design:
    d = Design(training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY if out == Activation.SOFTMAX else Loss.MSE))
    i = add_layer(d, LayerKind.INPUT, n_in)
    r = add_block(d, kind, cells=cells, name=kind, **options)
    o = add_layer(d, LayerKind.OUTPUT, n_out, out)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(seed))
    return d


def numeric(net, x, y, name, h=1e-6):
    base = net.parameters[name].copy()
    g = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        for sign in (1, -1):
            net.parameters[name][idx] = base[idx] + sign * h
            g[idx] += sign * net.loss_of(net.forward(x), y) / (2 * h)
        net.parameters[name][idx] = base[idx]
    return g


LEARNED = {"initial_state": "learned"}


@pytest.mark.parametrize("kind, options", [("lstm", {}), ("lstm", {"forget_gate": False}), ("gru", {}), ("rnn", {}),
                                           ("lstm", LEARNED), ("gru", LEARNED), ("rnn", LEARNED)])
@pytest.mark.parametrize("every_step", [True, False])
def test_gradients_through_time_of_every_array(kind, options, every_step):
    d = seq_design(kind, **options)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 5, 2))
    labels = rng.integers(0, 2, size=(3, 5) if every_step else (3,))
    y = np.eye(2)[labels]
    if every_step:
        y[0, :2] = np.nan  # no target at the first two steps of one sequence
    loss, grads = nnsim.gradients(d, x, y)
    net = compile_design(d).network
    assert len(grads) == len(net.parameters)
    for name in grads:
        np.testing.assert_allclose(grads[name], numeric(net, x, y, name), rtol=1e-5, atol=1e-8, err_msg=name)


def test_the_lstm_arrays_and_the_forget_bias():
    d = seq_design("lstm", cells=4, n_in=3)
    layer = d.layers[1]
    assert layer.arrays["weight"].shape == (4 + 3, 16) and layer.arrays["bias"].shape == (16,)
    assert list(layer.arrays["bias"].values[:4]) == [1.0] * 4  # the forget block comes first, at +1
    assert not layer.arrays["bias"].values[4:].any()
    d2 = seq_design("lstm", cells=4, n_in=3, forget_gate=False)
    assert d2.layers[1].arrays["weight"].shape == (7, 12)
    assert nnsim.io.loads(nnsim.io.dumps(d)) == d


def test_a_recurrent_block_reads_columns_not_images():
    d = Design()
    img = add_block(d, "image", LayerKind.INPUT, channels=1, height=4, width=4)
    r = add_block(d, "lstm", cells=2)
    o = add_layer(d, LayerKind.OUTPUT, 1)
    link(d, img.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(0))
    with pytest.raises(DesignError, match="reads a column of values at each time step, not an image"):
        check_trainable(d)


def test_a_carried_state_continues_a_sequence_exactly():
    d = seq_design("lstm", cells=3)
    net = compile_design(d).network
    x = np.random.default_rng(2).normal(size=(2, 9, 2))
    whole = net.outputs(net.forward(x))
    first = net.forward(x[:, :4])
    second = net.forward(x[:, 4:], state=first.state)
    np.testing.assert_allclose(net.outputs(second), whole[:, 4:], rtol=0, atol=1e-15)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_a_learned_initial_state_is_an_array_that_training_moves(kind):
    from nnsim.design.blocks import set_block
    from nnsim.design.edits import apply_ops
    from nnsim.design.model import DatasetSpec

    d = seq_design(kind, cells=3, n_in=1, n_out=1, out=Activation.SIGMOID)
    d.training.loss = Loss.BINARY_CROSS_ENTROPY
    d.dataset = DatasetSpec("sequence", "temporal_xor", points=200)
    layer = d.layers[1]
    assert layer.options["initial_state"] == "zeros" and "initial" not in layer.arrays
    text = nnsim.io.dumps(d)
    assert "initial_state" not in text  # at its default it is not written: older files stay as they are
    weight = layer.arrays["weight"].values.copy()
    apply_ops(d, set_block(d, layer.id, np.random.default_rng(0), initial_state="learned"))
    layer = d.layer(layer.id)
    parts = 2 if kind == "lstm" else 1
    assert layer.arrays["initial"].shape == (parts, 3) and not layer.arrays["initial"].values.any()
    assert np.array_equal(layer.arrays["weight"].values, weight)  # the rest keeps its numbers
    assert f"{layer.id}/initial" in " ".join(nnsim.parameters(d))
    nnsim.train(d, epochs=2)
    learned = d.layer(layer.id).arrays["initial"].values
    assert np.abs(learned).max() > 0  # a stream: only its first chunk starts from it
    again = nnsim.io.loads(nnsim.io.dumps(d))
    assert again.layer(layer.id).options["initial_state"] == "learned"
    assert np.array_equal(again.layer(layer.id).arrays["initial"].values, learned)
    np.testing.assert_array_equal(nnsim.predict(again, np.zeros((4, 1))), nnsim.predict(d, np.zeros((4, 1))))


def test_a_dense_layer_after_a_recurrent_block_learns_through_time_and_a_step_without_targets_adds_nothing():
    """input → LSTM → a tanh layer → softmax, no sequence having a target at
    step 1: the loss is the mean over the targets there are, and every
    gradient agrees with finite differences."""
    d = Design(training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY))
    i = add_layer(d, LayerKind.INPUT, 2)
    r = add_block(d, "lstm", cells=3, name="lstm")
    h = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.SOFTMAX)
    for a, b in ((i, r), (r, h)):
        link(d, a.id, b.id)
    connect_all(d, h.id, o.id)
    initialize(d, np.random.default_rng(3))
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 5, 2))
    labels = rng.integers(0, 2, size=(3, 5))
    y = np.eye(2)[labels]
    y[:, 1] = np.nan
    loss, grads = nnsim.gradients(d, x, y)
    p = nnsim.predict(d, x)
    have = np.ones((3, 5), bool)
    have[:, 1] = False
    assert loss == pytest.approx(-np.mean(np.log(p[have, labels[have]])), rel=1e-12)
    net = compile_design(d).network
    for name in grads:
        np.testing.assert_allclose(grads[name], numeric(net, x, y, name), rtol=1e-5, atol=1e-8, err_msg=name)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_a_recurrent_block_in_single_precision_computes_in_single_precision(kind):
    d = seq_design(kind)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 5, 2))
    y = np.eye(2)[rng.integers(0, 2, size=(3, 5))]
    double, single = compile_design(d).network, compile_design(d, dtype=np.float32).network
    g64, g32 = double.loss_and_grads(x, y), single.loss_and_grads(x, y)
    assert single.predict(x).dtype == np.float32 and g32.params.flat.dtype == np.float32
    np.testing.assert_allclose(g32.params.flat, g64.params.flat, rtol=1e-3, atol=1e-5)
