"""Every training setting and data-set field is checked against its range
when a file is loaded and again before training: Adam's betas and momentum
in [0, 1), epsilon and the learning rate > 0, noise in [0, 0.5], the training
ratio in (0, 1], a path without NUL... Out of range is one line naming the
field, never a traceback and never a silent NaN."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim import cli
from nnsim.api import train
from nnsim.design.build import initialize, layered
from nnsim.design.model import Optimizer
from nnsim.design.settings import settings_problem
from nnsim.design.validate import DesignError
from nnsim.io import FormatError, design_to_dict, loads
from nnsim.session import Session


def xor_design():
    d = layered([2, 3, 1])
    d.dataset.source, d.dataset.name = "logic", "XOR"
    initialize(d, np.random.default_rng(0))
    return d


def with_field(section: str, name: str, value) -> str:
    data = design_to_dict(xor_design())
    data[section][name] = value
    return json.dumps(data)


OUT_OF_RANGE = [
    ("training", "beta1", 1e308, "is outside [0, 1)"),
    ("training", "beta1", 1.0, "is outside [0, 1)"),
    ("training", "beta2", 1.0, "is outside [0, 1)"),
    ("training", "beta2", -0.5, "is outside [0, 1)"),
    ("training", "momentum", 1.0, "is outside [0, 1)"),
    ("training", "momentum", 7.5, "is outside [0, 1)"),
    ("training", "epsilon", 0.0, "must be greater than 0"),
    ("training", "learning_rate", 0.0, "must be greater than 0"),
    ("training", "regularization_rate", -1.0, "must not be negative"),
    ("training", "target_loss", -0.5, "must not be negative"),
    ("training", "batch_size", 0, "is outside 1..1000000"),
    ("dataset", "noise", 0.75, "is outside [0, 0.5]"),
    ("dataset", "train_ratio", 1.5, "is outside (0, 1]"),
    ("dataset", "path", "data\u0000.csv", "NUL"),
    ("dataset", "path", "d/" * 3000, "longer than a path can be"),
]


@pytest.mark.parametrize("section,name,value,words", OUT_OF_RANGE)
def test_loading_refuses_it_in_one_line(section, name, value, words):
    with pytest.raises(FormatError) as e:
        loads(with_field(section, name, value), "bad.nnsim")
    message = str(e.value)
    assert len(message.splitlines()) == 1 and "\0" not in message
    assert message.startswith(f"bad.nnsim: {section}.{name}: ") and words in message, message


@pytest.mark.parametrize("section,name,value,words", OUT_OF_RANGE)
def test_training_refuses_a_design_changed_in_code(section, name, value, words):
    d = xor_design()
    setattr(getattr(d, section), name, value)
    assert words in settings_problem(d.training, d.dataset)
    with pytest.raises(DesignError) as e:
        Session(d)
    assert str(e.value).startswith(f"{section}.{name}: ") and len(str(e.value).splitlines()) == 1


def test_adam_with_beta_one_never_trains_into_nan():
    d = xor_design()
    d.training.optimizer = Optimizer.ADAM
    d.training.beta2 = 1.0
    with pytest.raises(DesignError, match="beta2"):
        train(d, epochs=1)
    assert all(np.isfinite(c.weight) for c in d.connections)


@pytest.mark.parametrize(
    "section,name,value",
    [("training", "beta1", 1e308), ("training", "beta2", 1.0), ("dataset", "path", "x\u0000y.csv")],
)
def test_the_cli_says_it_in_one_line_with_exit_2(tmp_path, capsys, section, name, value):
    path = tmp_path / "bad.nnsim"
    text = with_field(section, name, value)
    if name.startswith("beta"):
        text = text.replace('"optimizer": "sgd"', '"optimizer": "adam"')
    path.write_text(text)
    code = cli.main(["train", str(path), "--epochs", "2"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1 and f"{section}.{name}" in err and "Traceback" not in err


def test_the_documented_defaults_are_in_range():
    d = xor_design()
    assert settings_problem(d.training, d.dataset) is None
    d.training.target_loss = None
    d.dataset.points = None
    assert settings_problem(d.training, d.dataset) is None
