"""Designs the compiler refuses, each with a one-line message that names what
is wrong; and data sets that do not fit a design (nnsim.session.coding_for)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import Dataset, load_dataset
from nnsim.design.build import add_layer, connect_all, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, DatasetSpec, Design, LayerKind, Loss, Neuron
from nnsim.design.validate import DesignError, check_design, connection_problem
from nnsim.session import Session, coding_for


def four_layers() -> Design:
    """input(2) -> h1(2) -> h2(2) -> output(1), neurons labelled."""
    d = Design()
    add_layer(d, LayerKind.INPUT, 2, labels=["x1", "x2"])
    add_layer(d, LayerKind.HIDDEN, 2, Activation.TANH, labels=["a1", "a2"])
    add_layer(d, LayerKind.HIDDEN, 2, Activation.TANH, labels=["b1", "b2"])
    add_layer(d, LayerKind.OUTPUT, 1, Activation.SIGMOID, labels=["y"])
    for src, dst in zip(d.layers, d.layers[1:]):
        connect_all(d, src.id, dst.id, 0.1)
    return d


def nid(d: Design, label: str) -> int:
    return next(n.id for n in d.neurons if n.label == label)


def refused(d: Design) -> str:
    with pytest.raises(DesignError) as info:
        check_design(d)
    message = str(info.value)
    assert "\n" not in message and message.strip() == message and message
    with pytest.raises(DesignError) as again:  # the compiler checks first
        compile_design(d)
    assert str(again.value) == message
    return message


def test_the_valid_design_compiles():
    d = four_layers()
    check_design(d)
    net = compile_design(d).network
    assert (net.n_inputs, net.n_outputs) == (2, 1)
    # every weight 0.1 and every bias 0: both hidden layers give tanh(0.2), the output sigmoid(0.2·tanh(0.2·tanh 0.2))
    a1 = np.tanh(0.1 * 1 + 0.1 * 1)
    a2 = np.tanh(0.2 * a1)
    np.testing.assert_allclose(net.predict(np.ones((1, 2))), [[1 / (1 + np.exp(-0.2 * a2))]], rtol=1e-12)


def test_a_cycle_is_refused_naming_the_connection_that_closes_it():
    d = four_layers()
    d.connections.append(Connection(nid(d, "b2"), nid(d, "a1"), 0.5))
    message = refused(d)
    assert "connection “b2” → “a1” " in message
    assert "cycle" in message
    assert "hidden 1 → hidden 2 → hidden 1" in message
    assert connection_problem(four_layers(), nid(d, "b2"), nid(d, "a1")) == message


def test_a_longer_cycle_is_named_by_its_last_connection():
    d = four_layers()
    h3 = add_layer(d, LayerKind.HIDDEN, 1, Activation.TANH, labels=["c"])
    d.connections.append(Connection(nid(d, "b1"), nid(d, "c")))
    d.connections.append(Connection(nid(d, "c"), nid(d, "a2")))
    message = refused(d)
    assert "connection “c” → “a2” " in message
    assert "hidden 1 → hidden 2 → hidden 3 → hidden 1" in message
    assert h3.name == "hidden 3"


def test_cycle_message_names_the_closing_connection_even_when_listed_first():
    """The backward connection comes first in the list: the forward one that
    arrives later closes the cycle and is the one named."""
    d = four_layers()
    d.connections.insert(0, Connection(nid(d, "b1"), nid(d, "a1")))
    message = refused(d)
    assert "cycle" in message
    assert "connection “a1” → “b1” " in message


def test_connection_into_an_input_neuron():
    d = four_layers()
    d.connections.append(Connection(nid(d, "a1"), nid(d, "x2")))
    message = refused(d)
    assert "connection “a1” → “x2” " in message and "input neuron" in message
    assert connection_problem(four_layers(), nid(d, "a1"), nid(d, "x2")) == message


def test_connection_out_of_an_output_neuron():
    d = four_layers()
    d.connections.append(Connection(nid(d, "y"), nid(d, "b1")))
    message = refused(d)
    assert "connection “y” → “b1” " in message and "output neuron" in message


def test_connection_within_one_layer():
    d = four_layers()
    d.connections.append(Connection(nid(d, "a1"), nid(d, "a2")))
    message = refused(d)
    assert "connection “a1” → “a2” " in message and "'hidden 1'" in message
    assert "cycle" not in message


def test_connection_to_itself():
    d = four_layers()
    d.connections.append(Connection(nid(d, "a1"), nid(d, "a1")))
    assert "“a1” cannot connect to itself" in refused(d)


def test_duplicate_connection():
    d = four_layers()
    d.connections.append(Connection(nid(d, "a1"), nid(d, "b2"), 0.9))
    message = refused(d)
    assert "connection “a1” → “b2” " in message and "twice" in message
    assert "already connected" in connection_problem(four_layers(), nid(d, "a1"), nid(d, "b2"))


def test_dangling_neuron_id():
    d = four_layers()
    d.connections.append(Connection(nid(d, "a1"), 999))
    message = refused(d)
    assert "999" in message and f"connection {len(d.connections)}" in message
    assert "999" in connection_problem(four_layers(), nid(d, "a1"), 999)


def test_softmax_mixed_with_another_activation_in_one_layer():
    d = four_layers()
    d.layers[3].activation = Activation.SOFTMAX
    check_design(d)  # a one-neuron softmax layer is fine
    d.neurons.append(Neuron(id=d.next_id(), layer=d.layers[3].id, activation=Activation.TANH, label="y2"))
    message = refused(d)
    assert "softmax" in message and "'output'" in message


def test_non_finite_weight_and_bias():
    d = four_layers()
    d.connections[2].weight = float("nan")
    assert "not a finite number" in refused(d)
    d = four_layers()
    d.neurons[3].bias = float("inf")
    assert "bias" in refused(d)


def test_duplicate_ids_and_missing_layer():
    d = four_layers()
    d.neurons[1].id = d.neurons[0].id
    assert "used twice" in refused(d)
    d = four_layers()
    d.neurons[0].layer = 777
    assert "777" in refused(d)


def test_no_inputs_or_no_outputs():
    d = Design()
    add_layer(d, LayerKind.OUTPUT, 1)
    with pytest.raises(DesignError, match="no input neurons"):
        compile_design(d)
    d = Design()
    add_layer(d, LayerKind.INPUT, 1)
    with pytest.raises(DesignError, match="no output neurons"):
        compile_design(d)


def test_connection_problem_accepts_a_good_connection_and_skips():
    d = four_layers()
    assert connection_problem(d, nid(d, "x1"), nid(d, "y")) is None
    assert connection_problem(d, nid(d, "a1"), nid(d, "y")) is None


# -- data sets that do not fit -------------------------------------------------------------


def fit(design: Design, dataset: Dataset):
    net = compile_design(design).network
    with pytest.raises(DesignError) as info:
        coding_for(dataset, net, design)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_wrong_number_of_inputs():
    d = layered([3, 2, 1], Activation.TANH, Activation.SIGMOID)
    message = fit(d, load_dataset(DatasetSpec(source="logic", name="AND")))
    assert "2 input feature(s)" in message and "3 input neuron(s)" in message


def test_three_classes_need_three_outputs():
    iris = load_dataset(DatasetSpec(source="iris", seed=1))
    for n_out in (1, 2, 4):
        d = layered([4, 3, n_out], Activation.TANH, Activation.SOFTMAX)
        message = fit(d, iris)
        assert "3 classes" in message and "3 output neurons" in message and f"(it has {n_out})" in message
    d = layered([4, 3, 3], Activation.TANH, Activation.SOFTMAX)
    d.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    coding = coding_for(iris, compile_design(d).network, d)
    assert coding.n_outputs == 3 and (coding.low, coding.high) == (0.0, 1.0)


def test_two_classes_take_one_or_two_outputs():
    data = load_dataset(DatasetSpec(source="logic", name="XOR"))
    for n_out in (1, 2):
        d = layered([2, 3, n_out], Activation.TANH, Activation.TANH)
        coding = coding_for(data, compile_design(d).network, d)
        assert coding.n_outputs == n_out and (coding.low, coding.high) == (-1.0, 1.0)
    d = layered([2, 3, 3], Activation.TANH, Activation.TANH)
    assert "1 or 2 output neurons" in fit(d, data)


def test_binary_cross_entropy_needs_sigmoid_outputs():
    data = load_dataset(DatasetSpec(source="logic", name="XOR"))
    d = layered([2, 3, 1], Activation.TANH, Activation.TANH)
    d.training.loss = Loss.BINARY_CROSS_ENTROPY
    assert "binary cross-entropy needs sigmoid" in fit(d, data)
    d.layers[-1].activation = Activation.SIGMOID
    coding_for(data, compile_design(d).network, d)


def test_softmax_cross_entropy_needs_softmax_outputs():
    iris = load_dataset(DatasetSpec(source="iris", seed=1))
    d = layered([4, 3, 3], Activation.TANH, Activation.SIGMOID)
    d.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    assert "softmax cross-entropy needs a softmax" in fit(d, iris)


def test_regression_target_count():
    x = np.zeros((4, 2))
    data = Dataset("r", "regression", x, np.zeros((4, 2)), x, np.zeros((4, 2)))
    d = layered([2, 1], output=Activation.LINEAR)
    assert "2 target(s)" in fit(d, data) and "1 output neuron(s)" in fit(d, data)


def test_session_refuses_a_misfit_with_the_same_message():
    d = layered([3, 1], output=Activation.SIGMOID)
    d.dataset = DatasetSpec(source="logic", name="AND")
    with pytest.raises(DesignError, match="2 input feature"):
        Session(d)
