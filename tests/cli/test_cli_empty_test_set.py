"""Data with nothing left to test on (train ratio 1.0, or a small CSV whose
split rounds to no test row) trains; the test figures are reported absent."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnsim import cli
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec
from nnsim.io import save
from nnsim.session import Session


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _design(tmp_path, spec: DatasetSpec, n_in: int = 2):
    d = layered([n_in, 3, 1], Activation.TANH, Activation.LINEAR if spec.task == "regression" else Activation.TANH)
    d.dataset = spec
    initialize(d, np.random.default_rng(0))
    path = tmp_path / "design.nnsim"
    save(d, path)
    return path


def _four_rows(tmp_path):
    (tmp_path / "four.csv").write_text("a,b,y\n0,0,0.1\n0,1,0.5\n1,0,0.7\n1,1,0.9\n", encoding="utf-8")


CASES = {
    "plane at 1.0": dict(source="playground", name="plane", task="regression", train_ratio=1.0, points=60),
    "circle at 1.0": dict(source="playground", name="circle", task="classification", train_ratio=1.0, points=60),
    "CSV regression at 1.0": dict(source="csv", path="four.csv", targets=["y"], task="regression", train_ratio=1.0),
    "4-row CSV at 0.9": dict(source="csv", path="four.csv", targets=["y"], task="regression", train_ratio=0.9),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_training_with_no_test_rows_reports_them_absent(tmp_path, capsys, case):
    _four_rows(tmp_path)
    path = _design(tmp_path, DatasetSpec(**CASES[case]))
    code, out, err = run(capsys, "train", str(path), "--epochs", "3", "--json")
    assert code == cli.EXIT_OK, err
    summary = json.loads(out)
    assert summary["epochs"] == 3 and summary["status"] == "completed"
    assert summary["test_loss"] is None and summary["test_accuracy"] is None
    assert np.isfinite(summary["train_loss"])
    code, out, err = run(capsys, "train", str(path), "--epochs", "1")
    assert code == cli.EXIT_OK and err == ""
    assert "(no test data)" in out and "test n/a" not in out


def test_the_session_keeps_the_shape_of_empty_targets(tmp_path):
    _four_rows(tmp_path)
    path = _design(tmp_path, DatasetSpec(**CASES["4-row CSV at 0.9"]))
    from nnsim.io import load

    session = Session(load(path), base_dir=tmp_path)
    assert session.data.x_test.shape == (0, 2) and session.data.y_test.shape == (0, 1)
    rec = session.trainer.evaluate()
    assert rec.test_loss is None and rec.test_accuracy is None
