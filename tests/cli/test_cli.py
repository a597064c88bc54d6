"""The nnsim command: train, predict, exit statuses and messages."""

import json

import pytest

from nnsim import cli
from nnsim.design.model import Activation, LearningRule
from nnsim.io import load, save


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    assert "nnsim 0." in capsys.readouterr().out


def test_train_json_has_the_promised_fields(capsys):
    code, out, err = run(capsys, "train", "xor-mlp", "--epochs", "50", "--seed", "3", "--json")
    assert code == cli.EXIT_OK
    summary = json.loads(out)
    for key in ("epochs", "steps", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "seconds"):
        assert key in summary
    assert summary["epochs"] == 50
    assert summary["steps"] == 50  # 4 samples, batch 4: one step per epoch
    assert 0.0 <= summary["train_accuracy"] <= 1.0


def test_train_regression_reports_null_accuracy(tmp_path, capsys):
    from nnsim.design.build import initialize, layered
    from nnsim.design.model import DatasetSpec
    import numpy as np

    d = layered([2, 4, 1], Activation.TANH, Activation.LINEAR)
    d.dataset = DatasetSpec(source="playground", name="plane", points=100)
    initialize(d, np.random.default_rng(0))
    path = tmp_path / "plane.nnsim"
    save(d, path)
    code, out, _ = run(capsys, "train", str(path), "--epochs", "3", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["train_accuracy"] is None and summary["test_accuracy"] is None


@pytest.mark.parametrize("stop_after_epochs", [False, True])
def test_train_defaults_to_the_design_s_epochs_whether_or_not_the_window_stops_there(tmp_path, capsys,
                                                                                       stop_after_epochs):
    from nnsim.resources import example_path

    d = load(example_path("xor-mlp"))
    d.training.epochs, d.training.stop_after_epochs = 7, stop_after_epochs
    path = tmp_path / "xor.nnsim"
    save(d, path)
    code, out, _ = run(capsys, "train", str(path), "--json")
    assert code == cli.EXIT_OK and json.loads(out)["epochs"] == 7


def test_train_saves_trained_weights(tmp_path, capsys):
    out_path = tmp_path / "trained.nnsim"
    code, out, _ = run(capsys, "train", "xor-mlp", "--epochs", "300", "--save", str(out_path))
    assert code == 0
    assert "saved to" in out
    trained = load(out_path)
    from nnsim.resources import example_path

    original = load(example_path("xor-mlp"))
    assert [c.weight for c in trained.connections] != [c.weight for c in original.connections]
    assert len(trained.history) == 300
    assert trained.history[-1].train_accuracy == 1.0


def test_same_seed_same_result(tmp_path, capsys):
    a, b = tmp_path / "a.nnsim", tmp_path / "b.nnsim"
    run(capsys, "train", "circle", "--epochs", "5", "--seed", "7", "--save", str(a))
    run(capsys, "train", "circle", "--epochs", "5", "--seed", "7", "--save", str(b))
    assert a.read_text() == b.read_text()


def test_reinit_changes_starting_weights(tmp_path, capsys):
    a, b = tmp_path / "a.nnsim", tmp_path / "b.nnsim"
    run(capsys, "train", "circle", "--epochs", "0", "--seed", "1", "--reinit", "--save", str(a))
    run(capsys, "train", "circle", "--epochs", "0", "--seed", "2", "--reinit", "--save", str(b))
    assert [c.weight for c in load(a).connections] != [c.weight for c in load(b).connections]


def test_diverging_training_exits_3_and_saves_finite_weights(tmp_path, capsys):
    from nnsim.resources import example_path

    d = load(example_path("circle"))
    for layer in d.layers[1:-1]:
        layer.activation = Activation.RELU
    d.layers[-1].activation = Activation.LINEAR
    d.training.learning_rate = 1e6
    src, out_path = tmp_path / "wild.nnsim", tmp_path / "out.nnsim"
    save(d, src)
    code, out, err = run(capsys, "train", str(src), "--epochs", "20", "--save", str(out_path), "--json")
    assert code == cli.EXIT_DIVERGED
    assert json.loads(out)["epochs"] < 20
    assert "diverged" in err and "learning rate" in err
    assert err.count("\n") == 1
    text = out_path.read_text()
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["train", "no-such-design"], "no such file"),
        (["predict", "xor-mlp", "1"], "2 input neurons but 1 value was given"),
        (["predict", "xor-mlp", "1", "x"], "'x' is not a number"),
        (["predict", "xor-mlp", "1", "nan"], "not a finite number"),
        (["train", "xor-mlp", "--epochs", "-4"], "--epochs -4"),
        (["train", "xor-mlp", "--epochs", "many"], "invalid int value"),
        (["train"], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == cli.EXIT_BAD_INPUT
    assert fragment in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_malformed_file_is_named(tmp_path, capsys):
    bad = tmp_path / "broken.nnsim"
    bad.write_text('{"format_version": 1, "layers": [}')
    code, _, err = run(capsys, "train", str(bad))
    assert code == 2
    assert err.startswith("broken.nnsim: not valid JSON at line 1")


def test_design_that_does_not_fit_its_data(tmp_path, capsys):
    from nnsim.resources import example_path

    d = load(example_path("iris"))
    d.connections = [c for c in d.connections if c.target != d.neurons[-1].id]
    d.neurons.pop()  # two outputs for three species
    path = tmp_path / "iris2.nnsim"
    save(d, path)
    code, _, err = run(capsys, "train", str(path))
    assert code == 2
    assert "3 classes" in err and "3 output neurons" in err


def test_predict_prints_outputs(capsys):
    code, out, _ = run(capsys, "predict", "article-neuron", "0.5", "0.6")
    assert code == 0 and out.strip() == "1"
    code, out, _ = run(capsys, "predict", "article-neuron", "0.1", "0.2")
    assert out.strip() == "0"  # 0.05 + 0.14 = 0.19 does not exceed 0.5


def test_predict_trace_writes_the_arithmetic(capsys):
    code, out, _ = run(capsys, "predict", "article-neuron", "0.5", "0.6", "--trace")
    assert code == 0
    assert "0.5×0.5 + 0.6×0.7 + 0 = 0.67; step at 0.5 gives 1" in out
    lines = out.splitlines()
    assert lines[-1] == "output: 1"


def test_predict_trace_of_a_hidden_layer_lists_every_neuron_in_order(capsys):
    code, out, _ = run(capsys, "predict", "xor-mlp", "1", "0", "--trace")
    names = [line.split(":")[0] for line in out.splitlines() if not line.startswith(("output:", " "))]
    assert len(names) == 2 + 3 + 1
    assert "tanh gives" in out and "sigmoid gives" in out


def test_progress_is_shown_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, _, err = run(capsys, "train", "xor-mlp", "--epochs", "5")
    assert code == 0
    assert "\r[" in err and "epoch 5" in err


def test_examples_lists_every_example(capsys):
    code, out, _ = run(capsys, "examples")
    for name in ("article-neuron", "perceptron-and", "perceptron-xor", "xor-mlp", "circle", "spiral-deep", "iris"):
        assert name in out


def test_perceptron_xor_reports_non_separability(capsys):
    code, out, _ = run(capsys, "train", "perceptron-xor")
    assert code == 0
    assert "not linearly separable" in out


def test_perceptron_rule_refused_for_hidden_layers(tmp_path, capsys):
    from nnsim.resources import example_path

    d = load(example_path("xor-mlp"))
    d.training.rule = LearningRule.PERCEPTRON
    path = tmp_path / "p.nnsim"
    save(d, path)
    code, _, err = run(capsys, "train", str(path))
    assert code == 2 and "single layer" in err


def test_reset_layout_opens_the_window_with_the_default_layout(monkeypatch):
    """``nnsim --reset-layout [DESIGN]``: a start after a crash can always get out."""
    import nnsim.app.main

    opened = []
    monkeypatch.setattr(nnsim.app.main, "run_app", lambda path=None, reset_layout=False: opened.append(
        (path, reset_layout)) or 0)
    assert cli.main(["--reset-layout"]) == 0
    assert cli.main(["--reset-layout", "xor-mlp"]) == 0
    assert cli.main(["xor-mlp"]) == 0
    assert opened[0] == (None, True)
    assert opened[1][0].endswith("xor-mlp.nnsim") and opened[1][1] is True
    assert opened[2][1] is False


def test_help_mentions_reset_layout(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "--reset-layout" in capsys.readouterr().out
