"""What a saved file keeps: a block's place on the canvas comes back where
it was, a whole number written with a decimal point (as other tools write
JSON) is read as the whole number it is, a time series' windows keep
where their targets are; and what a refusal says of a wrong history."""

from __future__ import annotations

import json

import pytest

import nnsim
from nnsim.io import FormatError
from nnsim.io.format import design_from_dict, design_to_dict


def _conv(data: dict) -> dict:
    return next(layer for layer in data["layers"] if layer.get("type") == "conv")


def test_a_block_comes_back_where_it_was_placed():
    design = nnsim.example("digits-cnn")
    conv = next(layer for layer in design.layers if layer.type == "conv")
    conv.x, conv.y = 212.5, -40.25
    again = design_from_dict(json.loads(json.dumps(design_to_dict(design))))
    back = next(layer for layer in again.layers if layer.type == "conv")
    assert (back.x, back.y) == (212.5, -40.25)


def test_a_whole_number_option_written_as_a_decimal_is_read_as_a_whole_number():
    data = design_to_dict(nnsim.example("digits-cnn"))
    _conv(data)["options"]["kernel"] = 3.0
    design = design_from_dict(data)
    kernel = next(layer for layer in design.layers if layer.type == "conv").options["kernel"]
    assert kernel == 3 and type(kernel) is int
    assert json.dumps(_conv(design_to_dict(design))["options"]["kernel"]) == "3"  # saved as it was meant


def test_a_time_series_keeps_its_windows_and_where_its_targets_are():
    design = nnsim.example("sine-rnn")
    ds = design.dataset
    ds.window, ds.horizon, ds.inputs, ds.targets_at = 12, 2, ["a", "b"], "last_step"
    again = design_from_dict(json.loads(json.dumps(design_to_dict(design)))).dataset
    assert (again.window, again.horizon, again.inputs, again.targets_at) == (12, 2, ["a", "b"], "last_step")


def test_a_history_record_s_losses_that_are_not_an_object_are_refused_by_what_they_are():
    data = design_to_dict(nnsim.example("xor-mlp"))
    data["history"] = [{"epoch": 1, "step": 5, "train_loss": 0.5, "losses": [1, 2]}]
    with pytest.raises(FormatError) as refused:
        design_from_dict(data)
    assert str(refused.value) == "history[0].losses: expected an object, found a list"


def _loads_refusal(data) -> str:
    from nnsim.io import loads

    with pytest.raises(FormatError) as refused:
        loads(data if isinstance(data, str) else json.dumps(data))
    return str(refused.value)


def test_a_block_s_arrays_and_activation_are_refused_by_their_place():
    base = design_to_dict(nnsim.example("digits-cnn"))
    at = base["layers"].index(_conv(base))
    data = json.loads(json.dumps(base))
    del _conv(data)["arrays"]["kernel"]["shape"]
    assert _loads_refusal(data) == f"<text>: layers[{at}].arrays.kernel.shape: missing field"
    data = json.loads(json.dumps(base))
    _conv(data)["arrays"]["kernel"]["values"][3] = "HUGE"
    text = json.dumps(data).replace('"HUGE"', "1e999")  # JSON reads it as infinity
    assert _loads_refusal(text) == f"<text>: layers[{at}].arrays.kernel.values[3]: inf is not a finite number"
    data = json.loads(json.dumps(base))
    _conv(data)["activation"] = "bogus"
    assert _loads_refusal(data) == (f"<text>: layers[{at}].activation: unknown activation 'bogus' (known: step, sign, "
                                    "linear, sigmoid, tanh, relu, leaky_relu, softmax)")
    data["layers"] = 5
    assert _loads_refusal(data) == "<text>: layers: expected a list, found a number"


def test_a_saved_training_state_without_its_place_in_the_epoch_starts_the_epoch():
    from nnsim.io import dumps, loads

    design = nnsim.example("xor-mlp")
    nnsim.train(design, epochs=1, seed=0)
    data = json.loads(dumps(design))
    del data["training_state"]["position"]
    assert loads(json.dumps(data)).training_state.position == 0


def test_a_required_setting_left_empty_a_history_without_extra_losses_and_an_old_file_without_layers():
    from nnsim.io import dumps, loads

    data = design_to_dict(nnsim.example("xor-mlp"))
    data["training"]["learning_rate"] = None
    assert _loads_refusal(data) == "<text>: training.learning_rate: expected a number, found null"
    trained = nnsim.example("xor-mlp")
    nnsim.train(trained, epochs=1, seed=0)
    record = json.loads(dumps(trained))["history"][0]
    assert "losses" not in record  # written only for a GAN's two players
    assert loads(dumps(trained)).history == trained.history
    assert _loads_refusal({"format_version": 1, "neurons": [], "connections": []}) == "<text>: layers: missing field"


def test_an_unknown_loss_or_optimizer_is_refused_with_the_known_ones():
    from nnsim.design.model import Optimizer
    from nnsim.io import dumps

    data = design_to_dict(nnsim.example("xor-mlp"))
    data["training"]["loss"] = "bogus"
    assert _loads_refusal(data) == (
        "<text>: training.loss: unknown loss 'bogus' (known: mse, binary_cross_entropy, softmax_cross_entropy)")
    design = nnsim.example("xor-mlp")
    design.training.optimizer = Optimizer.ADAM
    nnsim.train(design, epochs=1, seed=0)
    data = json.loads(dumps(design))
    data["training_state"]["optimizer"] = "rmsprop"
    assert _loads_refusal(data) == (
        "<text>: training_state.optimizer: unknown optimizer 'rmsprop' (known: sgd, momentum, adam, adagrad)")
