"""The command line never reports a number that is not one: a prediction
that overflows is refused (exit 3, one line), a softmax of infinite sums is
its limit, and a perceptron whose weights overflow has diverged (exit 3)."""

from __future__ import annotations

import json

import pytest

import nnsim
from nnsim import cli
from nnsim.design.build import layered
from nnsim.design.model import Activation, Loss
from nnsim.io import save


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_softmax_with_a_weight_of_1e308_predicts_its_limit(tmp_path, capsys):
    d = layered([1, 2], output=Activation.SOFTMAX)
    d.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    d.connections[0].weight, d.connections[1].weight = 1e308, -1e308
    save(d, tmp_path / "softmax.nnsim")
    code, out, err = run(capsys, "predict", str(tmp_path / "softmax.nnsim"), "2")
    assert (code, out, err) == (cli.EXIT_OK, "1 0\n", "")


@pytest.mark.parametrize("trace", [False, True])
def test_a_prediction_that_overflows_is_refused_in_one_line(tmp_path, capsys, trace):
    d = layered([2, 1, 1], Activation.LINEAR, Activation.LINEAR)
    d.connections[0].weight, d.connections[1].weight = 1e308, 1e308  # 2e308 + 2e308 overflows
    d.connections[2].weight = 1.0
    path = tmp_path / "overflow.nnsim"
    save(d, path)
    code, out, err = run(capsys, "predict", str(path), "2", "2", *(["--trace"] if trace else []))
    assert code == cli.EXIT_NOT_FINITE == 3
    assert out == ""
    assert err.count("\n") == 1 and "not finite" in err and "overflows to inf" in err
    assert "hidden 1" in err  # where it overflows


def test_the_same_design_with_small_inputs_still_predicts(tmp_path, capsys):
    d = layered([2, 1, 1], Activation.LINEAR, Activation.LINEAR)
    d.connections[0].weight, d.connections[1].weight = 1e307, 1e307
    d.connections[2].weight = 1.0
    path = tmp_path / "big.nnsim"
    save(d, path)
    code, out, _ = run(capsys, "predict", str(path), "1", "1")
    assert code == 0 and out == "2e307\n"


def test_a_perceptron_whose_weights_overflow_exits_as_diverged(tmp_path, capsys):
    design = nnsim.example("perceptron-and")
    design.training.learning_rate = 1e308
    path = tmp_path / "and.nnsim"
    save(design, path)
    code, out, err = run(capsys, "train", str(path), "--json")
    assert code == cli.EXIT_DIVERGED == 3
    summary = json.loads(out)
    assert summary["status"] == "diverged" and "smaller learning rate" in summary["message"]
    assert err.count("\n") == 1 and "diverged" in err


def test_training_that_goes_nowhere_says_so(tmp_path, capsys):
    design = nnsim.example("xor-mlp")
    design.training.learning_rate = 1e6
    path = tmp_path / "xor.nnsim"
    save(design, path)
    code, out, err = run(capsys, "train", str(path), "--json")
    assert code == cli.EXIT_OK  # the run worked; it just learned nothing
    summary = json.loads(out)
    assert summary["status"] == "stalled" and summary["epochs"] < design.training.epochs
    assert "saturated" in summary["message"] and "smaller learning rate" in summary["message"]
    assert err.count("\n") == 1 and "stuck" in err
    code, out, err = run(capsys, "train", str(path))
    assert code == cli.EXIT_OK and "training is stuck" in out and "smaller learning rate than 1e+06" in out
