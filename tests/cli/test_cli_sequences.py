"""The nnsim command on sequence designs: train works, predict --sequence
reads a CSV file of time steps and prints the outputs per step, and bad
files and misuse are refused in one line."""

from __future__ import annotations

import json

import numpy as np

import nnsim
from nnsim import cli

from test_cli import run


def bits_file(tmp_path, rows, header="bit"):
    path = tmp_path / "bits.csv"
    path.write_text(header + "\n" + "\n".join(str(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_train_works_on_a_sequence_design(tmp_path, capsys):
    out_file = tmp_path / "trained.nnsim"
    code, out, err = run(capsys, "train", "temporal-xor-rnn", "--epochs", "4", "--json", "--save", str(out_file))
    assert code == cli.EXIT_OK, err
    summary = json.loads(out)
    assert summary["epochs"] == 4 and summary["steps"] == 80 and summary["test_accuracy"] >= 0.95
    trained = nnsim.load(out_file)
    bits = [0, 1, 1, 0, 1, 0, 0, 1]
    code, out, err = run(capsys, "predict", str(out_file), "--sequence", str(bits_file(tmp_path, bits)))
    assert code == cli.EXIT_OK, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [str(t) for t in range(1, 9)]
    printed = np.array([float(line.split()[1]) for line in lines])
    expected = nnsim.predict(trained, np.array(bits, dtype=float)[:, None])[:, 0]
    np.testing.assert_allclose(printed, expected, atol=1e-5)
    xor = np.logical_xor(bits[1:], bits[:-1])
    assert list(printed[1:] > 0.5) == list(xor)  # step by step, the XOR with the bit before


def test_predict_sequence_refuses_bad_files_and_misuse_in_one_line(tmp_path, capsys):
    bad = bits_file(tmp_path, [0, 1, "x"])
    code, out, err = run(capsys, "predict", "temporal-xor-rnn", "--sequence", str(bad))
    assert code == cli.EXIT_BAD_INPUT and not out
    assert err.strip() == "bits.csv, line 4, column 'bit': 'x' is not a number"
    two = tmp_path / "two.csv"
    two.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run(capsys, "predict", "temporal-xor-rnn", "--sequence", str(two))
    assert code == cli.EXIT_BAD_INPUT and "2 columns but the design has 1 input" in err
    code, _, err = run(capsys, "predict", "xor-mlp", "--sequence", str(bits_file(tmp_path, [1])))
    assert code == cli.EXIT_BAD_INPUT and "reads separate samples" in err
    code, _, err = run(capsys, "predict", "temporal-xor-rnn", "1")
    assert code == cli.EXIT_BAD_INPUT and "--sequence FILE" in err
    code, _, err = run(capsys, "predict", "temporal-xor-rnn", "--sequence", str(tmp_path / "missing.csv"))
    assert code == cli.EXIT_BAD_INPUT and err.strip().startswith("missing.csv: no such file")
    for e in (err,):
        assert len(e.strip().splitlines()) == 1
