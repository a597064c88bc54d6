"""What compiling a design gives that a user sees: a design mixing a link
into a dense layer with drawn connections keeps what it learned and shows
each connection's own weight and gradient, a frozen link keeps its weights
through training while the rest learns, an image layer keeps its shape
in what is exported from the network, and the third of three input or
output layers takes its own columns of the data."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.build import add_block, add_layer, connect_all, initialize, link
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind
from nnsim.exchange.torch_export import module_source
from nnsim.session import Session


def linked(frozen: bool, hidden: int = 3, outputs: int = 1) -> Design:
    """A 1×2 image -(a link with weights)-> hidden -(connections)-> output, on XOR."""
    d = Design()
    i = add_block(d, "image", LayerKind.INPUT, channels=1, height=1, width=2)
    h = add_layer(d, LayerKind.HIDDEN, hidden, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, outputs, Activation.SIGMOID)
    link(d, i.id, h.id).frozen = frozen
    connect_all(d, h.id, o.id)
    initialize(d, np.random.default_rng(0))
    d.dataset = DatasetSpec(source="playground", name="xor", points=40)
    d.training.optimizer = "adam"
    return d


X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.3, -0.7]])


@pytest.mark.parametrize("hidden, outputs", [(3, 1), (2, 2)])  # (2, 2): the link's matrix and the connections' alike
def test_a_design_mixing_a_link_and_connections_keeps_what_it_learned(hidden, outputs):
    """The link's block comes first in the network (it leaves an earlier
    layer); the design's connections still get their own numbers."""
    d = linked(frozen=False, hidden=hidden, outputs=outputs)
    assert np.array_equal(compile_design(d).connection_weights(), [c.weight for c in d.connections])
    session = Session(d)
    session.train(2)
    trained = session.compiled.network.predict(X)
    assert np.array_equal(compile_design(d).network.predict(X), trained)  # the design now computes the same
    assert np.array_equal(session.compiled.connection_weights(), [c.weight for c in d.connections])


def test_inspecting_a_design_mixing_a_link_and_connections_shows_each_connections_weight_and_gradient():
    d = linked(frozen=False, hidden=2, outputs=2)
    x, y = X[4], np.array([0.2, 0.9])
    trace = nnsim.inspect(d, x, y)
    _, grads = nnsim.gradients(d, x[None], y[None])
    hidden, output = (d.layers[1].id, d.layers[2].id)
    g = grads[f"layer:{hidden}->layer:{output}/weight"]
    rows = {n.id: k for k, n in enumerate(d.neurons_of(hidden))}
    cols = {n.id: k for k, n in enumerate(d.neurons_of(output))}
    assert [s.weight for s in trace.connections] == [c.weight for c in d.connections]
    assert np.allclose([s.gradient for s in trace.connections],
                       [g[rows[c.source], cols[c.target]] for c in d.connections], rtol=1e-12, atol=0)


def test_a_frozen_link_keeps_its_weights_through_training_and_the_rest_learns():
    d = linked(frozen=True)
    weights = np.array(d.links[0].weights.values)
    before = [c.weight for c in d.connections]
    nnsim.train(d, epochs=2)
    assert np.array_equal(d.links[0].weights.values, weights)
    assert all(a != b for a, b in zip(before, (c.weight for c in d.connections)))


def test_a_link_that_is_not_frozen_learns_and_is_written_back():
    d = linked(frozen=False)
    weights = np.array(d.links[0].weights.values)
    nnsim.train(d, epochs=2)
    assert d.links[0].weights.values.shape == weights.shape
    assert np.all(d.links[0].weights.values != weights)


def test_an_image_input_keeps_its_channels_and_size_in_the_pytorch_export():
    text, _, _ = module_source(nnsim.example("digits-cnn"), "weights.pt", None)
    assert "image = x[..., 0:64].reshape(-1, 1, 8, 8)  # image: input" in text


def test_three_input_and_three_output_layers_each_take_their_own_columns_of_the_data():
    """Input layers read the data's columns, output layers the targets', in
    design order: the third of each starts after the first two."""
    d = Design()
    ins = [add_layer(d, LayerKind.INPUT, n, Activation.LINEAR) for n in (1, 2, 3)]
    outs = [add_layer(d, LayerKind.OUTPUT, n, Activation.LINEAR) for n in (2, 1, 2)]
    for k, (i, o) in enumerate(zip(ins, outs)):
        for c in connect_all(d, i.id, o.id):
            c.weight = 10.0 ** k
    x = np.arange(1.0, 7.0)  # columns 1 | 2 3 | 4 5 6
    net = compile_design(d).network
    assert np.array_equal(net.predict(x[None])[0], [1.0, 1.0, 50.0, 1500.0, 1500.0])
    y = np.array([1.0, 1.0, 50.0, 1500.0, 1500.0])
    y[4] += 2.0  # the fifth target off by 2: the third output layer's second neuron alone is wrong
    loss, grads = nnsim.gradients(d, x[None], y[None])
    assert grads[f"layer:{outs[2].id}/bias"].tolist() == [0.0, -2.0]
    assert not np.any(grads[f"layer:{outs[0].id}/bias"]) and not np.any(grads[f"layer:{outs[1].id}/bias"])
