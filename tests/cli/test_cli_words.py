"""The words the nnsim command shows: its help, the training summary and
progress bar, the list of examples, and the one-line refusals."""

from __future__ import annotations

import re

import pytest

import nnsim
from nnsim.resources import examples_dir
from nnsim import cli
import nnsim
from nnsim.resources import examples_dir


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def help_of(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as e:
        cli.main([*argv, "--help"])
    assert e.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal


def test_the_main_help_names_the_commands_and_the_exit_statuses(capsys):
    text = help_of(capsys)
    assert text.startswith("usage: nnsim [DESIGN] nnsim {train,predict,examples,export,import} ... "
                           "Build a neural network by hand")
    for words in ("'nnsim DESIGN' opens it with DESIGN (a .nnsim file or the name of a shipped example)",
                  "train train a design without the window", "predict the outputs for one input",
                  "examples list the shipped examples",
                  "export write a design as an ONNX model or a PyTorch module",
                  "import write an ONNX model as a design file",
                  "--reset-layout open the window with every panel of every workspace where it was at first start",
                  "Exit status: 0 success, 2 bad input (one line on stderr), 3 the numbers are not finite: "
                  "training diverged, or a prediction overflowed"):
        assert words in text


def test_the_train_help_explains_every_option(capsys):
    text = help_of(capsys, "train")
    assert text.startswith("usage: nnsim train [-h] [--epochs EPOCHS] [--seed SEED] [--reinit] [--save OUT] [--json]")
    for words in ("design a .nnsim file or an example name", "--epochs EPOCHS epochs to train (default: the design's budget)",
                  "--seed SEED seed for the batch order (and --reinit)", "--reinit start from new random weights",
                  "--save OUT write the trained design here", "--json print one JSON object"):
        assert words in text


def test_the_predict_help_explains_its_arguments(capsys):
    text = help_of(capsys, "predict")
    assert text.startswith("usage: nnsim predict [-h] [--trace] [--sequence FILE] [--invert]")
    for words in ("design a .nnsim file or an example name", "X the input values, one per input neuron",
                  "--trace show each neuron's arithmetic"):
        assert words in text


def test_the_summary_of_a_run(capsys):
    code, out, err = run(capsys, "train", "xor-mlp", "--epochs", "3")
    assert code == 0 and err == ""
    design = nnsim.example("xor-mlp")
    summary = nnsim.train(design, epochs=3)
    lines = out.splitlines()
    assert re.fullmatch(r"A hidden layer solves XOR: 3 epochs, 3 steps in \d+\.\d\d s", lines[0])
    assert lines[1] == f"  loss      train {summary.train_loss:.6g}   test {summary.test_loss:.6g}"
    assert lines[2] == (f"  accuracy  train {100 * summary.train_accuracy:.1f}%   "
                        f"test {100 * summary.test_accuracy:.1f}%")
    assert len(lines) == 3


def test_the_progress_bar_fills_epoch_by_epoch(monkeypatch, capsys):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, _, err = run(capsys, "train", "xor-mlp", "--epochs", "5")
    assert code == 0
    frames = err.split("\r")[1:]
    assert [re.match(r"\[(#*)(\.*)\] epoch (\d+)  loss \S+   $", f.rstrip("\n")).groups()
            for f in frames] == [("#" * (6 * k), "." * (30 - 6 * k), str(k)) for k in range(1, 6)]
    assert err.endswith("\n") and err.count("\n") == 1


def test_the_examples_are_listed_with_the_first_line_of_their_description(capsys):
    code, out, _ = run(capsys, "examples")
    assert code == 0
    paths = sorted(examples_dir().glob("*.nnsim"))
    expected = [f"{p.stem:24} {nnsim.load(p).description.splitlines()[0]}" for p in paths]
    assert out.splitlines() == expected


@pytest.mark.parametrize("argv, message", [
    (["train", "xor-mlp", "--epochs", "-1"], "--epochs -1: must be 0 or more"),
    (["predict", "xor-mlp", "1"], "xor-mlp: the design has 2 input neurons but 1 value was given"),
    (["predict", "xor-mlp", "1", "2", "3"], "xor-mlp: the design has 2 input neurons but 3 values were given"),
    (["predict", "xor-mlp", "1", "abc"], "input 'abc' is not a number"),
    (["predict", "xor-mlp", "1", "inf"], "input 'inf' is not a finite number"),
    (["xor-mlp", "circle"], "nnsim: give one design to open, not 2"),
    (["train", "no-such-design"], "no-such-design: no such file, and no example of that name (examples: "
                                  + ", ".join(sorted(p.stem for p in examples_dir().glob("*.nnsim"))) + ")"),
    (["train", "a\0b"], "a\\x00b: a file name cannot hold a NUL character"),  # the NUL shown escaped
])
def test_bad_input_is_refused_in_one_line_with_status_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == cli.EXIT_BAD_INPUT and out == ""
    assert err == message + "\n"


def test_an_interrupted_run_says_so_with_status_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("nnsim.session.Session.train", interrupted)
    code, out, err = run(capsys, "train", "xor-mlp")
    assert (code, out, err) == (130, "", "nnsim: interrupted\n")


def test_the_help_of_export_import_and_predict_input_kinds(capsys):
    text = help_of(capsys, "predict")
    for words in ("--sequence FILE a CSV file of time steps (a header, then one row per step): print the outputs per step",
                  "--invert an image file of dark strokes on a light background: read 1 - each pixel"):
        assert words in text
    text = help_of(capsys, "export")
    assert text.startswith("usage: nnsim export [-h] --to {onnx,pytorch} [--float64] design OUT")
    for words in ("design a .nnsim file or an example name",
                  "OUT the file to write (.onnx, or .py with its weights beside it)",
                  "--to {onnx,pytorch} the format", "--float64 ONNX numbers in float64 (default float32)"):
        assert words in text
    text = help_of(capsys, "import")
    assert text.startswith("usage: nnsim import [-h] MODEL OUT")
    assert "MODEL an .onnx file" in text and "OUT the .nnsim file to write" in text


def test_the_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"nnsim {nnsim.__version__}"
