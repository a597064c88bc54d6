"""Every field of a design file, one by one: a value that is not the default
comes back from the file as it was written, a field left out is read as its
default, and a wrong value is refused with the one line the user reads,
naming the field and its place word for word."""

from __future__ import annotations

import copy
import json

import pytest

import nnsim
from nnsim.design.model import (
    Activation,
    DatasetSpec,
    Init,
    LayerKind,
    LearningRule,
    Loss,
    Optimizer,
    Regularization,
    TrainingSettings,
)
from nnsim.io import FormatError
from nnsim.io.format import design_from_dict, design_to_dict

TRAINING = {
    "rule": "backprop", "learning_rate": 0.125, "batch_size": 3, "optimizer": "adam", "momentum": 0.5,
    "beta1": 0.75, "beta2": 0.875, "epsilon": 0.001, "loss": "softmax_cross_entropy", "regularization": "l2",
    "regularization_rate": 0.0625, "init": "he", "epochs": 7, "seed": 11, "target_loss": 0.25,
    "stop_after_epochs": True, "bptt_steps": 5, "gradient_clip": 2.5,
}
DATASET = {
    "source": "csv", "name": "mine", "noise": 0.25, "train_ratio": 0.75, "seed": 13, "points": 40,
    "path": "data/table.csv", "targets": ["y", "z"], "task": "regression", "normalize": True,
    "scale_targets": True, "window": 4, "horizon": 2, "inputs": ["a", "b"], "targets_at": "last_step",
    "drawn": [[0.5, -1.5], [2.0, 3.0]], "csv_text": "a,b,y,z\n1,2,3,4\n",
}


def base() -> dict:
    return copy.deepcopy(_BASE)


_BASE = design_to_dict(nnsim.example("xor-mlp"))


def refusal(data) -> str:
    with pytest.raises(FormatError) as refused:
        design_from_dict(data)
    return str(refused.value)


def again(data: dict) -> dict:
    """The file's dict as saving the design read from it writes it."""
    return design_to_dict(design_from_dict(json.loads(json.dumps(data))))


# -- training settings -------------------------------------------------------------
def test_every_training_setting_is_read_as_written_and_written_back_the_same():
    data = base()
    data["training"] = dict(TRAINING)
    t = design_from_dict(data).training
    assert t == TrainingSettings(
        rule=LearningRule.BACKPROP, learning_rate=0.125, batch_size=3, optimizer=Optimizer.ADAM, momentum=0.5,
        beta1=0.75, beta2=0.875, epsilon=0.001, loss=Loss("softmax_cross_entropy"), regularization=Regularization.L2,
        regularization_rate=0.0625, init=Init.HE, epochs=7, seed=11, target_loss=0.25, stop_after_epochs=True,
        bptt_steps=5, gradient_clip=2.5)
    assert again(data)["training"] == TRAINING


@pytest.mark.parametrize("name", list(TRAINING))
def test_a_training_setting_left_out_is_its_default(name):
    data = base()
    data["training"] = dict(TRAINING)
    del data["training"][name]
    t = design_from_dict(data).training
    assert getattr(t, name) == getattr(TrainingSettings(), name)
    others = {k: v for k, v in again(data)["training"].items() if k != name}
    assert others == {k: v for k, v in TRAINING.items() if k != name}


def test_no_training_section_is_the_default_settings():
    data = base()
    del data["training"]
    assert design_from_dict(data).training == TrainingSettings()


def _known(enum_class) -> str:
    return ", ".join(m.value for m in enum_class)


TRAINING_REFUSALS = {
    "rule": ("x", f"training.rule: unknown learning rule 'x' (known: {_known(LearningRule)})"),
    "learning_rate": ("x", "training.learning_rate: expected a number, found text"),
    "batch_size": (2.5, "training.batch_size: expected a whole number, found 2.5"),
    "optimizer": ("x", f"training.optimizer: unknown optimizer 'x' (known: {_known(Optimizer)})"),
    "momentum": (1.0, "training.momentum: 1 is outside [0, 1) (at 1 or more the steps never die down)"),
    "beta1": (-0.5, "training.beta1: -0.5 is outside [0, 1) (a decay rate: Adam divides by 1 − β₁ᵗ)"),
    "beta2": (1.5, "training.beta2: 1.5 is outside [0, 1) (a decay rate: Adam divides by 1 − β₂ᵗ)"),
    "epsilon": (0, "training.epsilon: 0 must be greater than 0"),
    "loss": ("x", f"training.loss: unknown loss 'x' (known: {_known(Loss)})"),
    "regularization": (3, f"training.regularization: unknown regularization 3 (known: {_known(Regularization)})"),
    "regularization_rate": (-1, "training.regularization_rate: -1 must not be negative"),
    "init": ("x", f"training.init: unknown initialisation 'x' (known: {_known(Init)})"),
    "epochs": (-1, "training.epochs: -1 is outside 0..1000000000"),
    "seed": (True, "training.seed: expected a whole number, found true/false"),
    "target_loss": (-0.5, "training.target_loss: -0.5 must not be negative (a loss is never negative)"),
    "stop_after_epochs": (1, "training.stop_after_epochs: expected true or false, found a number"),
    "bptt_steps": (100_001, "training.bptt_steps: 100001 is outside 0..100000"),
    "gradient_clip": (None, "training.gradient_clip: expected a number, found null"),
}


@pytest.mark.parametrize("name", list(TRAINING_REFUSALS))
def test_a_wrong_training_setting_is_refused_by_name(name):
    value, message = TRAINING_REFUSALS[name]
    data = base()
    data["training"][name] = value
    assert refusal(data) == message


def test_the_settings_edges_that_load():
    data = base()
    data["training"].update(momentum=0.0, beta1=0.0, beta2=0.0, regularization_rate=0.0, target_loss=0.0,
                            gradient_clip=0.0, epochs=0, bptt_steps=100_000, batch_size=1, learning_rate=1e-300)
    t = design_from_dict(data).training
    assert (t.momentum, t.beta1, t.target_loss, t.epochs, t.bptt_steps, t.batch_size) == (0, 0, 0, 0, 100_000, 1)
    data["training"]["target_loss"] = None
    assert design_from_dict(data).training.target_loss is None
    data["training"]["batch_size"] = 0
    assert refusal(data) == "training.batch_size: 0 is outside 1..1000000"


# -- the data set ----------------------------------------------------------------
def test_every_data_set_field_is_read_as_written_and_written_back_the_same():
    data = base()
    data["dataset"] = copy.deepcopy(DATASET)
    ds = design_from_dict(data).dataset
    assert ds == DatasetSpec(
        source="csv", name="mine", noise=0.25, train_ratio=0.75, seed=13, points=40, path="data/table.csv",
        targets=["y", "z"], task="regression", normalize=True, drawn=[(0.5, -1.5), (2.0, 3.0)],
        scale_targets=True, window=4, horizon=2, inputs=["a", "b"], targets_at="last_step",
        csv_text="a,b,y,z\n1,2,3,4\n")
    assert again(data)["dataset"] == DATASET


@pytest.mark.parametrize("name", list(DATASET))
def test_a_data_set_field_left_out_is_its_default(name):
    data = base()
    data["dataset"] = copy.deepcopy(DATASET)
    del data["dataset"][name]
    ds = design_from_dict(data).dataset
    assert getattr(ds, name) == getattr(DatasetSpec(), name)
    for other in DATASET:
        if other != name and not (name == "source" and other == "csv_text"):
            assert getattr(ds, other) == getattr(design_from_dict(_with_dataset(DATASET)).dataset, other), other


def _with_dataset(dataset: dict) -> dict:
    data = base()
    data["dataset"] = copy.deepcopy(dataset)
    return data


def test_no_data_set_section_is_the_default_data_set():
    data = base()
    del data["dataset"]
    assert design_from_dict(data).dataset == DatasetSpec()


DATASET_REFUSALS = {
    "source": (1, "dataset.source: expected text, found a number"),
    "name": (None, "dataset.name: expected text, found null"),
    "noise": (0.75, "dataset.noise: 0.75 is outside [0, 0.5]"),
    "train_ratio": (0, "dataset.train_ratio: 0 is outside (0, 1]"),
    "seed": (-1, "dataset.seed: -1 is outside 0..9223372036854775807"),
    "points": (0, "dataset.points: 0 is outside 1..10000000"),
    "path": ("a\0b", "dataset.path: contains a NUL character, which no file name can"),
    "targets": ("y", "dataset.targets: expected a list, found text"),
    "task": ([], "dataset.task: expected text, found a list"),
    "normalize": ("yes", "dataset.normalize: expected true or false, found text"),
    "scale_targets": (0, "dataset.scale_targets: expected true or false, found a number"),
    "window": (100_001, "dataset.window: 100001 is outside 0..100000"),
    "horizon": (-1, "dataset.horizon: -1 is outside 0..100000"),
    "inputs": ({}, "dataset.inputs: expected a list, found an object"),
    "targets_at": (False, "dataset.targets_at: expected text, found true/false"),
    "drawn": ([[1, 2, 3]], "dataset.drawn[0]: expected a point [x, y]"),
    "csv_text": ("a\0", "dataset.csv_text: CSV text cannot hold a NUL character"),
}


@pytest.mark.parametrize("name", list(DATASET_REFUSALS))
def test_a_wrong_data_set_field_is_refused_by_name(name):
    value, message = DATASET_REFUSALS[name]
    data = _with_dataset(DATASET)
    data["dataset"][name] = value
    assert refusal(data) == message


def test_each_target_and_input_name_is_refused_by_its_place():
    data = _with_dataset(DATASET)
    data["dataset"]["targets"] = ["y", 5]
    assert refusal(data) == "dataset.targets[1]: expected text, found a number"
    data = _with_dataset(DATASET)
    data["dataset"]["inputs"] = ["a", "b", None]
    assert refusal(data) == "dataset.inputs[2]: expected text, found null"


def test_points_may_be_null_or_a_whole_number_written_with_a_point():
    data = _with_dataset(DATASET)
    data["dataset"]["points"] = None
    assert design_from_dict(data).dataset.points is None
    data["dataset"]["points"] = 10_000_000.0
    points = design_from_dict(data).dataset.points
    assert points == 10_000_000 and type(points) is int
    data["dataset"]["points"] = 10_000_001
    assert refusal(data) == "dataset.points: 10000001 is outside 1..10000000"
    data["dataset"]["points"] = "many"
    assert refusal(data) == "dataset.points: expected a whole number, found text"


def test_a_path_longer_than_a_path_can_be_is_refused_with_its_length():
    data = _with_dataset(DATASET)
    data["dataset"]["path"] = "p" * 4097
    assert refusal(data) == "dataset.path: 4,097 characters is longer than a path can be (4,096)"
    data["dataset"]["path"] = "p" * 4096
    assert design_from_dict(data).dataset.path == "p" * 4096
    data["dataset"]["path"] = 7
    assert refusal(data) == "dataset.path: expected text, found a number"


# -- what is written only where it is not the default ------------------------------
def test_later_data_set_fields_are_written_only_when_used():
    data = base()
    written = again(data)["dataset"]
    assert written == {"source": "logic", "name": "XOR", "noise": 0.0, "train_ratio": 0.5, "seed": 0,
                       "points": None, "path": "", "targets": [], "task": "classification", "normalize": False}
    for name, value in (("scale_targets", True), ("window", 3), ("horizon", 1), ("inputs", ["a"]),
                        ("targets_at", "last_step")):
        data = base()
        data["dataset"][name] = value
        assert again(data)["dataset"] == {**written, name: value}


def test_drawn_points_are_written_as_pairs_of_floats_and_csv_text_only_for_a_csv_source():
    data = base()
    data["dataset"]["drawn"] = [[1, 2], [-3, 4.5]]
    data["dataset"]["csv_text"] = "a\n1\n"
    out = again(data)["dataset"]
    assert out["drawn"] == [[1.0, 2.0], [-3.0, 4.5]]
    assert all(type(x) is float for p in out["drawn"] for x in p)
    assert "csv_text" not in out
    data["dataset"]["source"] = "csv"
    assert again(data)["dataset"]["csv_text"] == "a\n1\n"


# -- neurons and connections -------------------------------------------------------
def test_a_neuron_s_fields_are_read_as_written():
    data = base()
    data["neurons"][2].update(label="h", bias=-0.5, activation="relu", threshold=0.25, x=12.5, y=-7.25)
    n = design_from_dict(data).neurons[2]
    assert (n.id, n.layer, n.label, n.bias, n.activation, n.threshold, n.x, n.y) == (
        5, 4, "h", -0.5, Activation.RELU, 0.25, 12.5, -7.25)
    assert again(data)["neurons"] == data["neurons"]


@pytest.mark.parametrize("name, default", [("label", ""), ("bias", 0.0), ("activation", None), ("threshold", 0.0),
                                           ("x", 0.0), ("y", 0.0)])
def test_a_neuron_field_left_out_is_its_default(name, default):
    data = base()
    data["neurons"][2].update(label="h", bias=-0.5, activation="relu", threshold=0.25, x=12.5, y=-7.25)
    del data["neurons"][2][name]
    n = design_from_dict(data).neurons[2]
    expected = {"id": 5, "layer": 4, "label": "h", "bias": -0.5, "activation": Activation.RELU, "threshold": 0.25,
                "x": 12.5, "y": -7.25, name: default}
    assert {k: getattr(n, k) for k in expected} == expected


NEURON_REFUSALS = [
    ("id", "5", "neurons[2].id: expected a whole number, found text"),
    ("id", 0, "neurons[2].id: 0 is outside 1..2147483647"),
    ("layer", None, "neurons[2].layer: expected a whole number, found null"),
    ("label", 3, "neurons[2].label: expected text, found a number"),
    ("bias", "0", "neurons[2].bias: expected a number, found text"),
    ("activation", "gelu", f"neurons[2].activation: unknown activation 'gelu' (known: {_known(Activation)})"),
    ("activation", [1], f"neurons[2].activation: unknown activation [1] (known: {_known(Activation)})"),
    ("threshold", True, "neurons[2].threshold: expected a number, found true/false"),
    ("x", [], "neurons[2].x: expected a number, found a list"),
    ("y", {}, "neurons[2].y: expected a number, found an object"),
]


@pytest.mark.parametrize("name, value, message", NEURON_REFUSALS)
def test_a_wrong_neuron_field_is_refused_by_its_place(name, value, message):
    data = base()
    data["neurons"][2][name] = value
    assert refusal(data) == message


def test_a_neuron_without_an_id_or_a_layer_is_refused():
    for name in ("id", "layer"):
        data = base()
        del data["neurons"][4][name]
        assert refusal(data) == f"neurons[4].{name}: missing field"


def test_a_connection_s_fields_are_read_as_written_and_delay_written_only_when_set():
    design = nnsim.example("sine-rnn")
    data = design_to_dict(design)
    delayed = next(i for i, c in enumerate(data["connections"]) if c.get("delay"))
    plain = next(i for i, c in enumerate(data["connections"]) if "delay" not in c)
    data["connections"][plain].update(frozen=True, weight=-0.375)
    d = design_from_dict(data)
    c = d.connections[plain]
    assert (c.frozen, c.weight, c.delay) == (True, -0.375, 0)
    assert d.connections[delayed].delay == 1
    assert again(data)["connections"] == data["connections"]
    del data["connections"][plain]["frozen"]
    assert design_from_dict(data).connections[plain].frozen is False


CONNECTION_REFUSALS = [
    ("source", -2, "connections[1].source: -2 is outside 1..2147483647"),
    ("target", 2.5, "connections[1].target: expected a whole number, found 2.5"),
    ("weight", None, "connections[1].weight: expected a number, found null"),
    ("frozen", "no", "connections[1].frozen: expected true or false, found text"),
    ("delay", 2, "connections[1].delay: 2 is outside 0..1"),
]


@pytest.mark.parametrize("name, value, message", CONNECTION_REFUSALS)
def test_a_wrong_connection_field_is_refused_by_its_place(name, value, message):
    data = base()
    data["connections"][1][name] = value
    assert refusal(data) == message


def test_a_connection_without_source_target_or_weight_is_refused():
    for name in ("source", "target", "weight"):
        data = base()
        del data["connections"][3][name]
        assert refusal(data) == f"connections[3].{name}: missing field"


# -- layers, blocks and links --------------------------------------------------------
def test_a_layer_s_fields_are_read_as_written():
    data = base()
    data["layers"][1].update(name="middle", activation="sigmoid", group="pair")
    layer = design_from_dict(data).layers[1]
    assert (layer.id, layer.name, layer.kind, layer.activation, layer.type, layer.group) == (
        4, "middle", LayerKind.HIDDEN, Activation.SIGMOID, "dense", "pair")
    assert (layer.options, layer.arrays, layer.x, layer.y) == ({}, {}, 0.0, 0.0)
    assert again(data)["layers"][1] == {"id": 4, "name": "middle", "kind": "hidden", "activation": "sigmoid",
                                        "type": "dense", "group": "pair"}


@pytest.mark.parametrize("name, default", [("name", ""), ("activation", Activation.TANH), ("type", "dense"),
                                           ("group", "")])
def test_a_layer_field_left_out_is_its_default(name, default):
    data = base()
    data["layers"][1].update(name="middle", activation="sigmoid", group="pair")
    del data["layers"][1][name]
    layer = design_from_dict(data).layers[1]
    assert getattr(layer, name) == default
    assert layer.kind == LayerKind.HIDDEN and layer.id == 4


def test_a_layer_without_an_id_or_kind_is_refused():
    data = base()
    del data["layers"][0]["id"]
    assert refusal(data) == "layers[0].id: missing field"
    data = base()
    data["layers"][2]["kind"] = "middle"
    assert refusal(data) == f"layers[2].kind: unknown layer kind 'middle' (known: {_known(LayerKind)})"
    data["layers"][2]["name"] = 5
    assert refusal(data) == "layers[2].name: expected text, found a number"
    data = base()
    data["layers"][2]["group"] = None
    assert refusal(data) == "layers[2].group: expected text, found null"


def test_an_unknown_layer_type_is_refused_with_the_known_ones():
    from nnsim.design.layer_types import TYPES

    data = base()
    data["layers"][1]["type"] = "attention"
    assert refusal(data) == f"layers[1].type: unknown layer type 'attention' (known: {', '.join(TYPES)})"
    data["layers"][1]["type"] = 4
    assert refusal(data) == "layers[1].type: expected text, found a number"


def _cnn() -> dict:
    return copy.deepcopy(_CNN)


_CNN = design_to_dict(nnsim.example("digits-cnn"))


def _at(data: dict, type_name: str) -> int:
    return next(i for i, layer in enumerate(data["layers"]) if layer["type"] == type_name)


def test_a_block_s_options_arrays_and_place_are_read_as_written():
    data = _cnn()
    conv = _at(data, "conv")
    data["layers"][conv].update(x=40.5, y=-8.0)
    data["layers"][conv]["options"]["frozen"] = True
    d = design_from_dict(data)
    layer = d.layers[conv]
    assert layer.options == {"filters": 8, "kernel": 3, "stride": 1, "padding": "same", "frozen": True}
    assert (layer.x, layer.y) == (40.5, -8.0)
    kernel = layer.arrays["kernel"]
    assert kernel.shape == (8, 1, 3, 3) and kernel.values.dtype.name == "float64"
    assert kernel.values.ravel().tolist() == data["layers"][conv]["arrays"]["kernel"]["values"]
    assert again(data)["layers"] == data["layers"]


def test_options_left_out_are_filled_in_with_their_defaults():
    data = _cnn()
    conv = _at(data, "conv")
    data["layers"][conv]["options"] = {"filters": 8}
    assert design_from_dict(data).layers[conv].options == {"filters": 8, "kernel": 3, "stride": 1,
                                                           "padding": "same", "frozen": False}
    del data["layers"][conv]["options"]
    assert design_from_dict(data).layers[conv].options == {}
    assert again(data)["layers"][conv]["options"] == {"filters": 8, "kernel": 3, "stride": 1, "padding": "same",
                                                      "frozen": False}


def test_wrong_options_are_refused_by_name():
    data = _cnn()
    conv = _at(data, "conv")
    data["layers"][conv]["options"] = [3]
    assert refusal(data) == f"layers[{conv}].options: expected an object, found a list"
    data["layers"][conv]["options"] = {"dilation": 2}
    assert refusal(data) == (f"layers[{conv}].options: convolutions have no option 'dilation' "
                             "(their options: filters, kernel, stride, padding, frozen)")
    flat = _at(data, "flatten")
    data = _cnn()
    data["layers"][flat]["options"] = {"axis": 1}
    assert refusal(data) == f"layers[{flat}].options: flattens have no option 'axis' (their options: none)"
    data = _cnn()
    data["layers"][conv]["options"]["kernel"] = 0
    assert refusal(data).startswith(f"layers[{conv}].options.kernel: ")


def test_a_whole_option_true_stays_true():
    data = _cnn()
    conv = _at(data, "conv")
    data["layers"][conv]["options"]["frozen"] = True
    assert design_from_dict(data).layers[conv].options["frozen"] is True


def test_a_link_s_weights_and_frozen_flag_are_read_as_written():
    data = _cnn()
    data["links"][3]["frozen"] = True
    d = design_from_dict(data)
    link = d.links[3]
    assert (link.source, link.target, link.frozen) == (4, 5, True)
    assert link.weights.shape == (128, 10)
    assert link.weights.values[0, :3].tolist() == data["links"][3]["weights"]["values"][:3]
    assert (d.links[0].source, d.links[0].target, d.links[0].weights, d.links[0].frozen) == (1, 2, None, False)
    assert again(data)["links"] == data["links"]


def test_wrong_links_are_refused_by_their_place():
    data = _cnn()
    data["links"][1]["source"] = "conv"
    assert refusal(data) == "links[1].source: expected a whole number, found text"
    data = _cnn()
    del data["links"][2]["target"]
    assert refusal(data) == "links[2].target: missing field"
    data = _cnn()
    data["links"][0]["frozen"] = 1
    assert refusal(data) == "links[0].frozen: expected true or false, found a number"
    data = _cnn()
    data["links"][3]["weights"] = [1, 2]
    assert refusal(data) == "links[3].weights: expected an object, found a list"
    data = _cnn()
    data["links"] = {}
    assert refusal(data) == "links: expected a list, found an object"


def test_a_design_without_links_writes_none():
    assert "links" not in again(base())
    data = base()
    data["links"] = []
    assert design_from_dict(data).links == [] and "links" not in again(data)


# -- arrays --------------------------------------------------------------------------
def _with_kernel(kernel) -> dict:
    data = _cnn()
    data["layers"][_at(data, "conv")]["arrays"]["kernel"] = kernel
    return data


def test_array_refusals_name_the_array_and_say_what_is_wrong():
    conv = _at(_CNN, "conv")
    at = f"layers[{conv}].arrays.kernel"
    assert refusal(_with_kernel({"shape": [], "values": []})) == f"{at}.shape: 0 dimensions; an array has 1 to 6"
    assert refusal(_with_kernel({"shape": [1] * 7, "values": [0]})) == f"{at}.shape: 7 dimensions; an array has 1 to 6"
    assert refusal(_with_kernel({"shape": [8, 0, 3], "values": []})) == f"{at}.shape[1]: 0 is outside 1..10000000"
    assert refusal(_with_kernel({"shape": [4000, 4000], "values": []})) == (
        f"{at}.shape: more than 10,000,000 numbers")
    assert refusal(_with_kernel({"shape": [2, 2], "values": [1, 2, 3]})) == (
        f"{at}.values: 3 numbers for a shape of 4")
    assert refusal(_with_kernel({"shape": [2, 2], "values": [1, 2, True, 4]})) == (
        f"{at}.values[2]: expected a number, found true/false")
    assert refusal(_with_kernel({"shape": [2, 2], "values": [1, 2, 3, "4"]})) == (
        f"{at}.values[3]: expected a number, found text")
    assert refusal(_with_kernel({"shape": [2], "values": [1, 2]})) == (
        "layer 'conv': array 'kernel' has shape (2,), the layer needs (8, 1, 3, 3)")
    assert refusal(_with_kernel({"values": [1]})) == f"{at}.shape: missing field"
    assert refusal(_with_kernel({"shape": [1]})) == f"{at}.values: missing field"
    assert refusal(_with_kernel({"shape": 3, "values": [1]})) == f"{at}.shape: expected a list, found a number"


def test_an_array_of_six_dimensions_and_the_largest_size_are_read():
    from nnsim.io.format import _array

    a = _array({"shape": [1, 2, 1, 1, 1, 2], "values": [1, 2, 3, 4]}, "a")
    assert a.shape == (1, 2, 1, 1, 1, 2) and a.values.ravel().tolist() == [1.0, 2.0, 3.0, 4.0]
    assert a.values.dtype.name == "float64"
    with pytest.raises(FormatError) as refused:
        _array({"shape": [10_000_000, 1, 2], "values": []}, "a")
    assert str(refused.value) == "a.shape: more than 10,000,000 numbers"
    with pytest.raises(FormatError) as refused:
        _array({"shape": [10_000_000, 1], "values": []}, "a")
    assert str(refused.value) == "a.values: 0 numbers for a shape of 10,000,000"
    with pytest.raises(FormatError) as refused:
        _array({"shape": [12345, 100], "values": []}, "a")
    assert str(refused.value) == "a.values: 0 numbers for a shape of 1,234,500"


def test_arrays_that_are_not_an_object_are_refused():
    data = _cnn()
    data["layers"][_at(data, "conv")]["arrays"] = [1]
    assert refusal(data) == f"layers[{_at(data, 'conv')}].arrays: expected an object, found a list"


# -- history ----------------------------------------------------------------------------
def test_a_history_record_is_read_as_written():
    data = base()
    data["history"] = [
        {"epoch": 2, "step": 8, "train_loss": 0.5, "test_loss": 0.625, "train_accuracy": 0.75,
         "test_accuracy": 0.25, "losses": {"d": 0.125, "g": 1.5}},
        {"epoch": 3, "step": 12, "train_loss": 0.25, "test_loss": None, "train_accuracy": None,
         "test_accuracy": None},
    ]
    h = design_from_dict(data).history
    assert [(r.epoch, r.step, r.train_loss, r.test_loss, r.train_accuracy, r.test_accuracy, r.losses) for r in h] == [
        (2, 8, 0.5, 0.625, 0.75, 0.25, {"d": 0.125, "g": 1.5}), (3, 12, 0.25, None, None, None, {})]
    assert again(data)["history"] == data["history"]
    for name in ("test_loss", "train_accuracy", "test_accuracy", "losses"):
        del data["history"][0][name]
    r = design_from_dict(data).history[0]
    assert (r.test_loss, r.train_accuracy, r.test_accuracy, r.losses) == (None, None, None, {})


def test_history_refusals_name_the_record_and_field():
    for name in ("epoch", "step", "train_loss"):
        data = base()
        data["history"] = [{"epoch": 1, "step": 1, "train_loss": 0.5}]
        del data["history"][0][name]
        assert refusal(data) == f"history[0].{name}: missing field"
    data = base()
    data["history"] = [{"epoch": 1, "step": 1, "train_loss": 0.5},
                       {"epoch": 2, "step": 2, "train_loss": 0.5, "test_accuracy": "high"}]
    assert refusal(data) == "history[1].test_accuracy: expected a number, found text"
    data["history"][1] = {"epoch": 2, "step": 2, "train_loss": 0.5, "losses": {"d": "x"}}
    assert refusal(data) == "history[1].losses.d: expected a number, found text"
    data["history"][1] = {"epoch": 2, "step": 2, "train_loss": None}
    assert refusal(data) == "history[1].train_loss: expected a number, found null"
    data["history"][1] = {"epoch": 2, "step": 2, "train_loss": 1, "test_loss": "x"}
    assert refusal(data) == "history[1].test_loss: expected a number, found text"
    data["history"][1] = {"epoch": 2, "step": 2, "train_loss": 1, "train_accuracy": []}
    assert refusal(data) == "history[1].train_accuracy: expected a number, found a list"
    data["history"] = {}
    assert refusal(data) == "history: expected a list, found an object"


def test_writing_leaves_out_an_unfinished_record_and_writes_an_overflowed_measure_as_null():
    design = design_from_dict(base())
    from nnsim.design.model import HistoryRecord

    design.history = [HistoryRecord(epoch=1, step=4, train_loss=float("nan")),
                      HistoryRecord(epoch=2, step=8, train_loss=0.5, test_loss=float("inf"),
                                    train_accuracy=float("nan"), test_accuracy=float("-inf"), losses={"d": 1.0})]
    out = design_to_dict(design)
    assert out["history"] == [{"epoch": 2, "step": 8, "train_loss": 0.5, "test_loss": None,
                               "train_accuracy": None, "test_accuracy": None, "losses": {"d": 1.0}}]
    assert "history" not in design_to_dict(design, include_history=False)
    design.history[1].test_loss = 0.75
    assert design_to_dict(design)["history"][0]["test_loss"] == 0.75


# -- the training state -----------------------------------------------------------------
STATE = {"epoch": 4, "step": 9, "position": 3, "optimizer": "adam", "t": 17,
         "arrays": {"m": {"layer:8/bias": {"shape": [1], "values": [0.5]}},
                    "v": {"layer:8/bias": {"shape": [1], "values": [0.25]},
                          "layer:4/bias": {"shape": [3], "values": [1.0, 2.0, 3.0]}}}}


def _with_state(**changes) -> dict:
    data = base()
    data["training_state"] = {**copy.deepcopy(STATE), **changes}
    return data


def test_a_training_state_is_read_as_written_and_written_back():
    st = design_from_dict(_with_state()).training_state
    assert (st.epoch, st.step, st.position, st.optimizer, st.t) == (4, 9, 3, Optimizer.ADAM, 17)
    assert {m: {k: a.values.tolist() for k, a in by.items()} for m, by in st.arrays.items()} == {
        "m": {"layer:8/bias": [0.5]}, "v": {"layer:8/bias": [0.25], "layer:4/bias": [1.0, 2.0, 3.0]}}
    assert again(_with_state())["training_state"] == STATE
    assert "training_state" not in design_to_dict(design_from_dict(_with_state()), include_state=False)
    assert "training_state" not in again(base())


def test_a_training_state_s_optional_fields_default_to_nothing():
    data = _with_state()
    for name in ("position", "t", "arrays"):
        del data["training_state"][name]
    st = design_from_dict(data).training_state
    assert (st.position, st.t, st.arrays) == (0, 0, {})
    assert again(data)["training_state"] == {"epoch": 4, "step": 9, "position": 0, "optimizer": "adam", "t": 0,
                                             "arrays": {}}


def test_the_training_state_s_counters_load_up_to_their_limits():
    top = _with_state(epoch=1_000_000_000, step=2**63 - 1, position=2**31 - 1, t=2**63 - 1)
    st = design_from_dict(top).training_state
    assert (st.epoch, st.step, st.position, st.t) == (1_000_000_000, 2**63 - 1, 2**31 - 1, 2**63 - 1)
    st = design_from_dict(_with_state(epoch=0, step=0, position=0, t=0)).training_state
    assert (st.epoch, st.step, st.position, st.t) == (0, 0, 0, 0)


@pytest.mark.parametrize("name, value, message", [
    ("epoch", 1_000_000_001, "training_state.epoch: 1000000001 is outside 0..1000000000"),
    ("epoch", -1, "training_state.epoch: -1 is outside 0..1000000000"),
    ("step", 2**63, "training_state.step: 9223372036854775808 is outside 0..9223372036854775807"),
    ("step", -1, "training_state.step: -1 is outside 0..9223372036854775807"),
    ("position", 2**31, "training_state.position: 2147483648 is outside 0..2147483647"),
    ("position", -1, "training_state.position: -1 is outside 0..2147483647"),
    ("t", 2**63, "training_state.t: 9223372036854775808 is outside 0..9223372036854775807"),
    ("t", -1, "training_state.t: -1 is outside 0..9223372036854775807"),
    ("optimizer", "rmsprop", f"training_state.optimizer: unknown optimizer 'rmsprop' (known: {_known(Optimizer)})"),
    ("arrays", [], "training_state.arrays: expected an object, found a list"),
])
def test_a_wrong_training_state_is_refused_by_name(name, value, message):
    assert refusal(_with_state(**{name: value})) == message


def test_a_training_state_without_its_counters_or_optimizer_is_refused():
    for name in ("epoch", "step", "optimizer"):
        data = _with_state()
        del data["training_state"][name]
        assert refusal(data) == f"training_state.{name}: missing field"
    data = base()
    data["training_state"] = [1]
    assert refusal(data) == "training_state: expected an object, found a list"


def test_the_optimizer_s_vectors_are_refused_by_moment_and_name():
    moments = {f"m{i}": {} for i in range(9)}
    assert refusal(_with_state(arrays=moments)) == "training_state.arrays: 9 moments; an optimizer keeps a few"
    eight = {f"m{i}": {} for i in range(8)}
    assert set(design_from_dict(_with_state(arrays=eight)).training_state.arrays) == set(eight)
    assert refusal(_with_state(arrays={"m": [1]})) == "training_state.arrays.m: expected an object, found a list"
    assert refusal(_with_state(arrays={"m": {"w": {"shape": [2], "values": [1]}}})) == (
        "training_state.arrays.m.w.values: 1 numbers for a shape of 2")


def test_more_vectors_than_a_design_has_parameters_are_refused(monkeypatch):
    from nnsim.io.format import LIMITS

    monkeypatch.setitem(LIMITS, "parameters", 2)
    two = {"a": {"shape": [1], "values": [1]}, "b": {"shape": [1], "values": [2]}}
    assert len(design_from_dict(_with_state(arrays={"m": two})).training_state.arrays["m"]) == 2
    three = {**two, "c": {"shape": [1], "values": [3]}}
    assert refusal(_with_state(arrays={"m": three})) == "training_state.arrays.m: more than 2 arrays"
    monkeypatch.setitem(LIMITS, "parameters", 1234)
    many = {f"p{i}": None for i in range(1235)}
    assert refusal(_with_state(arrays={"v": many})) == "training_state.arrays.v: more than 1,234 arrays"


def test_a_restored_state_continues_training_where_it_stopped():
    design = nnsim.example("xor-mlp")
    design.training.optimizer, design.training.batch_size = Optimizer.ADAM, 3
    nnsim.train(design, epochs=1, seed=0)
    data = json.loads(json.dumps(design_to_dict(design)))
    st = design_from_dict(data).training_state
    saved = design.training_state
    assert (st.epoch, st.step, st.position, st.optimizer, st.t) == (
        saved.epoch, saved.step, saved.position, saved.optimizer, saved.t) == (1, 2, 0, Optimizer.ADAM, 2)
    assert set(st.arrays) == {"m", "v"}
    for moment in ("m", "v"):
        for name, a in saved.arrays[moment].items():
            assert st.arrays[moment][name].values.tolist() == a.values.tolist()
            assert st.arrays[moment][name].shape == a.shape
