"""``nnsim.parameters`` and ``nnsim.gradients``: the named arrays a script
sees, and their gradients against finite differences, for every array."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Loss, TrainingSettings
from test_engine_inspect import random_design


def test_names_and_shapes_of_a_layered_design():
    d = nnsim.example("xor-mlp")
    params = nnsim.parameters(d)
    ids = [layer.id for layer in d.layers]
    sizes = [len(d.neurons_of(i)) for i in ids]
    expected = {f"layer:{a}->layer:{b}/weight": (sa, sb) for a, b, sa, sb in zip(ids, ids[1:], sizes, sizes[1:])}
    expected.update({f"layer:{i}/bias": (s,) for i, s in zip(ids[1:], sizes[1:])})
    assert {k: v.shape for k, v in params.items()} == expected
    # the values are the design's: every connection's weight at its place, every bias
    compiled = compile_design(d)
    for k, c in enumerate(d.connections):
        blk = compiled.network.blocks[compiled.conn_block[k]]
        assert params[blk.name][compiled.conn_row[k], compiled.conn_col[k]] == c.weight
    hidden = d.layers[1]
    assert list(params[f"layer:{hidden.id}/bias"]) == [n.bias for n in d.neurons_of(hidden.id)]


def test_parameters_are_copies():
    d = nnsim.example("xor-mlp")
    params = nnsim.parameters(d)
    for v in params.values():
        v[...] = 99.0
    assert all(c.weight != 99.0 for c in d.connections)


def _numeric(design, x, y, h=1e-6):
    """Central differences of the batch loss for every entry of every array,
    changing the design's own numbers (connections and biases)."""
    compiled = compile_design(design)
    net = compiled.network
    drawn = dict(zip(net.parameters, net.drawn_masks()))
    out = {}
    for name in net.parameters:
        base = net.parameters[name].copy()
        g = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            if drawn[name] is not None and not drawn[name][idx]:
                continue  # no connection drawn here: not a parameter, gradient 0
            for sign in (1, -1):
                net.parameters[name][idx] = base[idx] + sign * h
                loss = net.loss_value(net.predict(x), y)
                g[idx] += sign * loss / (2 * h)
            net.parameters[name][idx] = base[idx]
        out[name] = g
    return out


@pytest.mark.parametrize("seed", range(6))
def test_gradients_match_finite_differences_for_every_array(seed):
    design = random_design(seed)
    for c in design.connections:
        c.frozen = False  # a frozen entry's gradient is checked in the learn-mode tests
    net = compile_design(design).network
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(5, net.n_inputs))
    y = rng.uniform(0.1, 0.9, size=(5, net.n_outputs))
    if design.training.loss == Loss.SOFTMAX_CROSS_ENTROPY:
        y = y / y.sum(axis=1, keepdims=True)
    before = nnsim.parameters(design)
    loss, grads = nnsim.gradients(design, x, y)
    numeric = _numeric(design, x, y)
    assert grads.keys() == numeric.keys() == before.keys()
    for name in grads:
        np.testing.assert_allclose(grads[name], numeric[name], rtol=1e-5, atol=1e-8, err_msg=name)
    assert loss == pytest.approx(net.loss_value(net.predict(x), y), rel=1e-12)
    after = nnsim.parameters(design)  # nothing changed
    for name in before:
        np.testing.assert_array_equal(before[name], after[name])


def test_gradients_of_one_sample_and_bad_shapes():
    d = nnsim.example("xor-mlp")
    loss, grads = nnsim.gradients(d, [1, 0], [1])
    loss2, grads2 = nnsim.gradients(d, [[1, 0]], [[1]])
    assert loss == loss2
    with pytest.raises(ValueError, match="inputs: the design has 2 inputs"):
        nnsim.gradients(d, [1, 0, 1], [1])
    with pytest.raises(ValueError, match="targets: 1 sample"):
        nnsim.gradients(d, [1, 0], [1, 0])


def test_gradients_follow_the_design_loss():
    d = nnsim.example("xor-mlp")
    d.training = TrainingSettings(loss=Loss.MSE)
    out = d.layers[-1]
    for n in d.neurons_of(out.id):
        n.activation = Activation.SIGMOID
    mse, _ = nnsim.gradients(d, [1, 0], [1])
    d.training.loss = Loss.BINARY_CROSS_ENTROPY
    bce, _ = nnsim.gradients(d, [1, 0], [1])
    p = float(nnsim.predict(d, [1, 0])[0])
    assert mse == pytest.approx(0.5 * (p - 1) ** 2, rel=1e-12)
    assert bce == pytest.approx(-np.log(p), rel=1e-9)


def test_gradients_of_sequences_through_a_loop():
    from nnsim.design.build import add_layer, connect_all, initialize
    from nnsim.design.model import Design, LayerKind

    d = Design()
    i = add_layer(d, LayerKind.INPUT, 1)
    h = add_layer(d, LayerKind.HIDDEN, 3)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, h.id, delay=1)
    connect_all(d, h.id, o.id)
    initialize(d, np.random.default_rng(0))
    params = nnsim.parameters(d)
    assert f"layer:{h.id}->layer:{h.id}@1/weight" in params
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 1))
    for y in (rng.normal(size=(2, 5, 1)), rng.normal(size=(2, 1))):
        loss, grads = nnsim.gradients(d, x, y)
        net = compile_design(d).network
        numeric = {}
        for name in net.parameters:
            base = net.parameters[name].copy()
            g = np.zeros_like(base)
            for idx in np.ndindex(base.shape):
                for sign in (1, -1):
                    net.parameters[name][idx] = base[idx] + sign * 1e-6
                    g[idx] += sign * net.loss_of(net.forward(x), y) / 2e-6
                net.parameters[name][idx] = base[idx]
            numeric[name] = g
        for name in grads:
            np.testing.assert_allclose(grads[name], numeric[name], rtol=1e-5, atol=1e-8, err_msg=name)
    with pytest.raises(ValueError, match="targets"):
        nnsim.gradients(d, x, np.zeros((2, 4, 1)))
