"""The command's help, whole and word for word (spaces as argparse wraps them
aside), and its argument errors, each one line naming the command."""

from __future__ import annotations

import pytest

from nnsim import cli


def help_of(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as e:
        cli.main([*argv, "--help"])
    assert e.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines to the terminal


OPTIONS = "options: -h, --help show this help message and exit"
DESIGN = "design a .nnsim file or an example name"

HELP = {
    (): ("usage: nnsim [DESIGN] nnsim {train,predict,examples,export,import} ... "
         "Build a neural network by hand and watch it learn. 'nnsim' opens the window; 'nnsim DESIGN' opens it with "
         "DESIGN (a .nnsim file or the name of a shipped example). The commands below need no window. "
         "positional arguments: {train,predict,examples,export,import} "
         "train train a design without the window predict the outputs for one input "
         "examples list the shipped examples export write a design as an ONNX model or a PyTorch module "
         f"import write an ONNX model as a design file {OPTIONS} --version show program's version number and exit "
         "--reset-layout open the window with every panel of every workspace where it was at first start "
         "Exit status: 0 success, 2 bad input (one line on stderr), 3 the numbers are not finite: training diverged, "
         "or a prediction overflowed (one line on stderr)."),
    ("train",): ("usage: nnsim train [-h] [--epochs EPOCHS] [--seed SEED] [--reinit] [--save OUT] [--json] design "
                 f"positional arguments: {DESIGN} {OPTIONS} "
                 "--epochs EPOCHS epochs to train (default: the design's budget) "
                 "--seed SEED seed for the batch order (and --reinit) --reinit start from new random weights "
                 "--save OUT write the trained design here --json print one JSON object"),
    ("predict",): ("usage: nnsim predict [-h] [--trace] [--sequence FILE] [--invert] design [X ...] "
                   f"positional arguments: {DESIGN} X the input values, one per input neuron {OPTIONS} "
                   "--trace show each neuron's arithmetic --sequence FILE a CSV file of time steps (a header, then one "
                   "row per step): print the outputs per step --invert an image file of dark strokes on a light "
                   "background: read 1 - each pixel"),
    ("examples",): f"usage: nnsim examples [-h] {OPTIONS}",
    ("export",): ("usage: nnsim export [-h] --to {onnx,pytorch} [--float64] design OUT "
                  f"positional arguments: {DESIGN} OUT the file to write (.onnx, or .py with its weights beside it) "
                  f"{OPTIONS} --to {{onnx,pytorch}} the format --float64 ONNX numbers in float64 (default float32)"),
    ("import",): ("usage: nnsim import [-h] MODEL OUT positional arguments: MODEL an .onnx file "
                  f"OUT the .nnsim file to write {OPTIONS}"),
}


@pytest.mark.parametrize("argv", sorted(HELP))
def test_the_help_word_for_word(capsys, argv):
    assert help_of(capsys, *argv) == HELP[argv]


@pytest.mark.parametrize("argv, message", [
    (["--bogus"], "nnsim: unrecognized arguments: --bogus"),
    (["train", "xor-mlp", "--bogus"], "nnsim: unrecognized arguments: --bogus"),
    (["train", "xor-mlp", "--epochs", "x"], "nnsim: argument --epochs: invalid int value: 'x'"),
    (["train", "xor-mlp", "--seed", "1.5"], "nnsim: argument --seed: invalid int value: '1.5'"),
    (["export", "xor-mlp", "x.onnx"], "nnsim: the following arguments are required: --to"),
    (["import", "a.onnx"], "nnsim: the following arguments are required: OUT"),
])
def test_argument_errors_are_one_line_naming_the_command(capsys, argv, message):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert (code, out, err) == (cli.EXIT_BAD_INPUT, "", message + "\n")
