"""The nnsim command as a user reads it: the summary line by line, the
one-line refusals word for word, colour and grey images read as the image
input asks, and the arguments that open the window."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nnsim
from nnsim import cli
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec
from nnsim.io import load, save
from nnsim.resources import example_path


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _saved(tmp_path, d, name="design.nnsim"):
    path = tmp_path / name
    save(d, path)
    return path


def _circle(name: str, train_ratio: float):
    """A small classifier of Playground's circle, 40 points in batches of 10."""
    d = layered([2, 3, 1], Activation.TANH, Activation.TANH)
    d.name = name
    d.dataset = DatasetSpec(source="playground", name="circle", task="classification", train_ratio=train_ratio,
                            points=40)
    d.training.batch_size = 10
    initialize(d, np.random.default_rng(0))
    return d


# -- the summary ---------------------------------------------------------------------


def test_the_summary_of_a_classification_without_test_data_has_no_test_column(tmp_path, capsys):
    d = _circle("circle all", 1.0)
    code, out, err = run(capsys, "train", str(_saved(tmp_path, d)), "--epochs", "2")
    assert code == cli.EXIT_OK and err == ""
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert re.fullmatch(r"circle all: 2 epochs, 8 steps in \d+\.\d\d s", lines[0]), lines[0]
    assert re.fullmatch(r"  loss      train \d\.\d+   \(no test data\)", lines[1]), lines[1]
    assert re.fullmatch(r"  accuracy  train \d{1,3}\.\d%", lines[2]), lines[2]


def test_the_summary_of_a_classification_with_test_data_has_both_columns(tmp_path, capsys):
    d = _circle("circle split", 0.5)
    out_path = tmp_path / "trained.nnsim"
    code, out, err = run(capsys, "train", str(_saved(tmp_path, d)), "--epochs", "1", "--save", str(out_path))
    assert code == cli.EXIT_OK and err == ""
    lines = out.splitlines()
    assert len(lines) == 4, out
    assert re.fullmatch(r"circle split: 1 epochs, 2 steps in \d+\.\d\d s", lines[0]), lines[0]
    assert re.fullmatch(r"  loss      train \d\.\d+   test \d\.\d+", lines[1]), lines[1]
    assert re.fullmatch(r"  accuracy  train \d{1,3}\.\d%   test \d{1,3}\.\d%", lines[2]), lines[2]
    assert lines[3] == f"  saved to {out_path}"


# -- predicting ----------------------------------------------------------------------


def test_input_values_given_with_a_sequence_file_are_refused(tmp_path, capsys):
    steps = tmp_path / "steps.csv"
    steps.write_text("x\n1\n0\n", encoding="utf-8")
    code, out, err = run(capsys, "predict", "temporal-xor-rnn", "1", "--sequence", str(steps))
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == "--sequence reads the inputs from its file: give no input values and no --trace with it\n"


def _png(path, pixels: np.ndarray) -> None:
    """A PNG of ``pixels`` in [0, 1]: (H, W) grey or (H, W, 3) colour."""
    from PySide6.QtGui import QImage

    data = np.ascontiguousarray(np.round(pixels * 255).astype(np.uint8))
    h, w = data.shape[:2]
    if data.ndim == 2:
        image = QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    else:
        image = QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    assert image.save(str(path))


def _image_design(tmp_path, channels: int):
    d = load(example_path("digits-cnn"))
    next(layer for layer in d.layers if layer.type == "image").options["channels"] = channels
    initialize(d, np.random.default_rng(0))
    return d, _saved(tmp_path, d, f"cnn{channels}.nnsim")


def test_a_colour_image_is_read_in_grey_by_a_grey_input(tmp_path, capsys):
    rng = np.random.default_rng(1)
    colour = rng.uniform(0, 1, size=(8, 8, 3))
    _png(tmp_path / "colour.png", colour)
    code, out, err = run(capsys, "predict", "digits-cnn", str(tmp_path / "colour.png"))
    assert code == cli.EXIT_OK, err
    grey = (np.round(colour * 255) @ np.array([299, 587, 114]) / 1000 / 255)
    want = nnsim.predict(nnsim.example("digits-cnn"), grey.ravel())
    assert np.allclose([float(v) for v in out.split()], want, atol=1e-5)


def test_a_grey_image_is_read_in_three_colours_by_a_colour_input(tmp_path, capsys):
    d, path = _image_design(tmp_path, 3)
    grey = np.random.default_rng(2).uniform(0, 1, size=(8, 8))
    _png(tmp_path / "grey.png", grey)
    code, out, err = run(capsys, "predict", str(path), str(tmp_path / "grey.png"))
    assert code == cli.EXIT_OK, err
    values = np.round(grey * 255) / 255
    want = nnsim.predict(d, np.concatenate([values.ravel()] * 3))
    assert np.allclose([float(v) for v in out.split()], want, atol=1e-5)


def test_an_image_for_an_input_of_two_channels_is_refused_by_name(tmp_path, capsys):
    _, path = _image_design(tmp_path, 2)
    _png(tmp_path / "grey.png", np.zeros((8, 8)))
    code, out, err = run(capsys, "predict", str(path), str(tmp_path / "grey.png"))
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == f"'{tmp_path / 'grey.png'}': the image input has 2 channels; images are read as 1 or 3\n"


def test_an_image_for_a_design_without_an_image_input_is_refused_by_name(tmp_path, capsys):
    _png(tmp_path / "grey.png", np.zeros((8, 8)))
    code, out, err = run(capsys, "predict", "xor-mlp", str(tmp_path / "grey.png"))
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == f"'{tmp_path / 'grey.png'}': the design has no image input; give the input values as numbers\n"


# -- opening the window --------------------------------------------------------------


@pytest.fixture
def window(monkeypatch):
    """The window's start replaced by a record of what it was asked to open."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    import nnsim.app.main

    opened = []
    monkeypatch.setattr(nnsim.app.main, "run_app",
                        lambda path=None, reset_layout=False: opened.append((path, reset_layout)) or 0)
    return opened


def test_reset_layout_opens_the_design_with_the_layout_reset(window, capsys):
    assert cli.main(["--reset-layout", "xor-mlp"]) == cli.EXIT_OK
    assert window == [(str(example_path("xor-mlp")), True)]
    assert cli.main([]) == cli.EXIT_OK
    assert window[-1] == (None, False)


def test_two_designs_to_open_are_refused(window, capsys):
    code, out, err = run(capsys, "xor-mlp", "xor-mlp")
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == "nnsim: give one design to open, not 2\n"
    assert window == []


def test_a_build_without_the_window_says_so(monkeypatch, capsys):
    import sys

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setitem(sys.modules, "nnsim.app.main", None)  # the import fails
    code, out, err = run(capsys)
    assert (code, err) == (cli.EXIT_OK, "")
    assert out == "nnsim: the desktop editor is not part of this build yet; use 'nnsim train' or 'nnsim predict'\n"


# -- training ------------------------------------------------------------------------


def test_a_design_name_too_long_for_the_system_is_refused_in_one_line(capsys):
    from nnsim.text import path_text

    name = "n" * 5000 + ".nnsim"
    code, out, err = run(capsys, "train", name)
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == f"{path_text(name)}: cannot be opened (File name too long)\n"


def test_reinit_draws_the_starting_weights_from_the_seed(tmp_path, capsys):
    """--reinit --seed 5 twice: the same new weights, those seed 5 draws."""
    saved = []
    for k in range(2):
        out = tmp_path / f"new{k}.nnsim"
        code, _, err = run(capsys, "train", "xor-mlp", "--reinit", "--seed", "5", "--epochs", "0", "--save", str(out))
        assert code == cli.EXIT_OK, err
        saved.append([c.weight for c in load(out).connections])
    expected = load(example_path("xor-mlp"))
    initialize(expected, np.random.default_rng(5))
    assert saved[0] == saved[1] == [c.weight for c in expected.connections]
    assert saved[0] != [c.weight for c in load(example_path("xor-mlp")).connections]


def test_the_progress_bar_fills_over_the_design_s_own_epochs(tmp_path, capsys, monkeypatch):
    d = load(example_path("xor-mlp"))
    d.training.epochs = 3
    path = _saved(tmp_path, d)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, _, err = run(capsys, "train", str(path))
    assert code == cli.EXIT_OK
    frames = [f.rstrip("\n") for f in err.split("\r")[1:]]
    assert [re.match(r"\[(#*)(\.*)\] epoch (\d+)  loss \S+   $", f).groups() for f in frames] == [
        ("#" * 10, "." * 20, "1"), ("#" * 20, "." * 10, "2"), ("#" * 30, "", "3")]


def test_a_completed_run_in_json_says_nothing_on_stderr(capsys):
    code, out, err = run(capsys, "train", "xor-mlp", "--epochs", "2", "--json")
    assert (code, err) == (cli.EXIT_OK, "")
    assert '"status": "completed"' in out


# -- saving after training -----------------------------------------------------------


def test_a_result_that_cannot_be_saved_anywhere_is_said_lost(tmp_path, capsys, monkeypatch):
    import nnsim.io

    def refusing(design, path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(nnsim.io, "save", refusing)
    out = tmp_path / "out.nnsim"
    code, printed, err = run(capsys, "train", "xor-mlp", "--epochs", "1", "--save", str(out))
    assert code == cli.EXIT_BAD_INPUT
    assert err == f"nnsim: cannot save to {out} (Permission denied), nor anywhere else: the trained design is lost\n"
    assert "saved to" not in printed and printed.startswith("A hidden layer solves XOR: 1 epochs")


@pytest.mark.parametrize("length", [200, 201])
def test_where_a_kept_result_went_is_shown_whole_up_to_200_characters(tmp_path, capsys, length):
    name = "xor-trained.nnsim"
    folder = tmp_path / ("d" * (length - len(str(tmp_path)) - len(name) - 2))
    folder.mkdir()
    design = folder / "xor.nnsim"
    save(load(example_path("xor-mlp")), design)
    kept = folder / name
    assert len(str(kept)) == length
    out = tmp_path / "out.nnsim"
    out.symlink_to(tmp_path / "gone" / "out.nnsim")  # looks fine until written
    code, _, err = run(capsys, "train", str(design), "--epochs", "1", "--save", str(out))
    assert code == cli.EXIT_BAD_INPUT
    shown = str(kept) if length == 200 else f"{str(kept)[:66]}…{str(kept)[-133:]} (201 characters)"
    assert err.startswith(f"nnsim: cannot save to {out} (")
    assert err.endswith(f"); the trained design was saved to {shown}\n")


def test_a_run_that_diverges_in_its_first_epoch_shows_an_empty_bar_without_a_loss(tmp_path, capsys, monkeypatch):
    d = layered([2, 1], output=Activation.LINEAR)
    d.dataset = DatasetSpec(source="playground", name="plane", task="regression", points=40)
    for c in d.connections:
        c.weight = 1e300  # the first batch's loss overflows
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, out, err = run(capsys, "train", str(_saved(tmp_path, d)), "--epochs", "3")
    assert code == cli.EXIT_DIVERGED
    assert "training diverged at step 1 (epoch 1)" in out
    assert err == "\r[" + "." * 30 + "] epoch 0   \n"


def test_values_for_a_design_that_reads_sequences_are_refused_with_what_to_give(capsys):
    code, out, err = run(capsys, "predict", "temporal-xor-rnn", "1", "0")
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == ("temporal-xor-rnn: the design reads sequences (it has a loop or a recurrent layer): "
                   "give them as a CSV file of time steps with --sequence FILE\n")


@pytest.mark.parametrize("name", ["digit.jpg", "DIGIT.JPG", "digit.jpeg", "Digit.JPEG", "DIGIT.PNG"])
def test_jpeg_and_png_files_are_read_as_images_whatever_the_case_of_their_extension(tmp_path, capsys, name):
    from PySide6.QtGui import QImage

    from nnsim.data.images import digits_images

    pixels = digits_images()[0][0, 0]
    grey = np.ascontiguousarray(np.round(np.kron(pixels, np.ones((4, 4))) * 255).astype(np.uint8))
    image = QImage(grey.data, 32, 32, 32, QImage.Format.Format_Grayscale8).copy()
    assert image.save(str(tmp_path / name), "PNG" if name.lower().endswith(".png") else "JPG", 100)
    code, out, err = run(capsys, "predict", "digits-cnn", str(tmp_path / name))
    assert code == cli.EXIT_OK, err
    want = nnsim.predict(nnsim.example("digits-cnn"), pixels)
    assert np.allclose([float(v) for v in out.split()], want, atol=0.05)


def test_outputs_that_overflow_are_each_named_with_where_the_overflow_starts(tmp_path, capsys):
    d = layered([2, 1, 2], Activation.LINEAR, Activation.LINEAR)
    d.connections[0].weight, d.connections[1].weight = 1e308, 1e308  # 2e308 + 2e308 overflows
    d.connections[2].weight, d.connections[3].weight = 1.0, -1.0
    path = _saved(tmp_path, d, "two.nnsim")
    code, out, err = run(capsys, "predict", str(path), "2", "2")
    assert (code, out) == (cli.EXIT_NOT_FINITE, "")
    assert err == (f"nnsim: {path}: the outputs are not finite numbers (inf, -inf): the weighted sum of hidden 1 "
                   "neuron 1 overflows to inf; the weights, biases or inputs are too large\n")


# -- predicting along a sequence -----------------------------------------------------


def _csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("design, text, inputs", [
    ("temporal-xor-rnn", "x\n1\n0\n1\n1\n", [[1.0], [0], [1], [1]]),
    ("reber-rnn", "a,b,c,d,e,f,g\n1,0,0,0,0,0,0\n0,1,0,0,0,0,0\n", [[1.0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0]]),
])
def test_a_sequence_s_outputs_are_printed_step_by_step(tmp_path, capsys, design, text, inputs):
    """One line per step: its number, then each output."""
    from nnsim.design.compile import compile_design
    from nnsim.explain import fmt

    steps = _csv(tmp_path / "steps.csv", text)
    code, out, err = run(capsys, "predict", design, "--sequence", str(steps))
    assert (code, err) == (cli.EXIT_OK, "")
    outputs = compile_design(nnsim.example(design)).network.predict(np.array([inputs]))[0]
    assert out.splitlines() == [f"{t} " + " ".join(fmt(v, 6) for v in row) for t, row in enumerate(outputs, start=1)]
    assert len(out.splitlines()) == len(inputs) and len(out.splitlines()[0].split()) == 1 + outputs.shape[1]


@pytest.mark.parametrize("design, text, words", [
    ("temporal-xor-rnn", "a,b\n1,0\n", "two.csv: 2 columns but the design has 1 input"),
    ("adding-lstm", "a\n1\n", "two.csv: 1 column but the design has 2 inputs"),
])
def test_a_sequence_file_with_the_wrong_columns_is_refused_by_count(tmp_path, capsys, design, text, words):
    code, out, err = run(capsys, "predict", design, "--sequence", str(_csv(tmp_path / "two.csv", text)))
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == words + ": one column per input, one row per step\n"


def test_a_sequence_for_a_design_without_a_loop_is_refused_with_what_to_give(tmp_path, capsys):
    code, out, err = run(capsys, "predict", "xor-mlp", "--sequence", str(_csv(tmp_path / "s.csv", "a,b\n1,0\n")))
    assert (code, out) == (cli.EXIT_BAD_INPUT, "")
    assert err == ("xor-mlp: the design has no loop and no recurrent layer, so it reads separate samples, "
                   "not sequences: give the input values instead of --sequence\n")


def test_a_sequence_whose_outputs_overflow_names_the_line_and_the_step(tmp_path, capsys):
    from nnsim.design.build import add_layer, connect_all
    from nnsim.design.model import Design, LayerKind

    d = Design()
    i = add_layer(d, LayerKind.INPUT, 1)
    h = add_layer(d, LayerKind.HIDDEN, 1, Activation.LINEAR)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, h.id, delay=1)
    connect_all(d, h.id, o.id)
    for c in d.connections:
        c.weight = 1.0
    d.connections[0].weight = 1e308  # the second step adds 1e308 to the first's 1e308
    path = _saved(tmp_path, d, "loop.nnsim")
    steps = _csv(tmp_path / "big.csv", "x\n1\n\n1\n1\n")
    code, out, err = run(capsys, "predict", str(path), "--sequence", str(steps))
    assert (code, out) == (cli.EXIT_NOT_FINITE, "")
    assert err == ("nnsim: big.csv, line 4: the outputs at step 2 are not finite numbers; "
                   "the weights, biases or inputs are too large\n")


def test_after_a_double_dash_every_argument_is_a_design_to_open(window, tmp_path, capsys):
    """``--`` ends the options, as in other commands: a design whose name
    starts with a dash can be opened."""
    odd = tmp_path / "-odd.nnsim"
    save(layered([2, 1]), odd)
    assert cli.main(["--", "xor-mlp"]) == cli.EXIT_OK
    assert cli.main(["--reset-layout", "--", str(odd)]) == cli.EXIT_OK
    assert window == [(str(example_path("xor-mlp")), False), (str(odd), True)]
    assert cli.main(["--"]) == cli.EXIT_OK and window[-1] == (None, False)
    code, out, err = run(capsys, "xor-mlp", "--", "circle")
    assert (code, out, err) == (cli.EXIT_BAD_INPUT, "", "nnsim: give one design to open, not 2\n")
