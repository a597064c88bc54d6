"""A user's CSV time series as data for a recurrent network: windows of
rows in time order, split by time, through the design's data set, the
session, the file and ``nnsim train``."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim
from nnsim import cli
from nnsim.data import DataError, describe, load_dataset
from nnsim.data.sequences import LAST_STEP
from nnsim.design.model import DatasetSpec
from nnsim.io import design_from_dict, design_to_dict
from nnsim.session import Session


def temperatures(tmp_path, days=400, name="temps.csv"):
    """A daily temperature with a weekly swing, a slow season and a little noise."""
    rng = np.random.default_rng(3)
    t = np.arange(days)
    temp = 12 + 8 * np.sin(2 * np.pi * t / 7) + 3 * np.sin(2 * np.pi * t / 90) + rng.normal(0, 0.3, days)
    path = tmp_path / name
    path.write_text("day;temp_c\n" + "".join(f"{d};{v:.2f}".replace(".", ",") + "\n" for d, v in zip(t, temp)))
    return path, temp


def series(path, **extra):
    values = dict(source="csv", path=str(path), targets=["temp_c"], inputs=["temp_c"], task="regression",
                  window=14, horizon=1, train_ratio=0.75, normalize=True)
    values.update(extra)
    return DatasetSpec(**values)


def test_windows_of_the_file_split_by_time(tmp_path):
    path, temp = temperatures(tmp_path)
    ds = load_dataset(series(path, normalize=False))
    assert ds.x_train.shape == (300 - 15 + 1, 14, 1) and ds.y_train.shape == (286, 14, 1)
    assert ds.x_test.shape == (100 - 15 + 1, 14, 1)
    np.testing.assert_allclose(ds.x_train[5, :, 0], np.round(temp[5:19], 2))
    np.testing.assert_allclose(ds.y_train[5, :, 0], np.round(temp[6:20], 2))  # the next day
    np.testing.assert_allclose(ds.x_test[0, :, 0], np.round(temp[300:314], 2))  # test rows come after
    assert ds.feature_names == ["temp_c"] and ds.target_names == ["temp_c"]
    assert describe(series(path)) == "Time series temps.csv: windows of 14 rows -> temp_c, 1 row ahead"
    last = load_dataset(series(path, targets_at=LAST_STEP, normalize=False))
    assert last.y_train.shape == (286, 1) and last.y_train[5, 0] == pytest.approx(round(temp[19], 2))


def test_every_other_column_is_an_input_unless_inputs_are_named(tmp_path):
    path, _ = temperatures(tmp_path)
    ds = load_dataset(series(path, inputs=[]))
    assert ds.feature_names == ["day"] and ds.x_train.shape[2] == 1


def test_standardised_by_the_training_rows(tmp_path):
    path, temp = temperatures(tmp_path)
    ds = load_dataset(series(path))
    first = np.round(temp[:300], 2)
    np.testing.assert_allclose(ds.x_train[0, :, 0], (np.round(temp[:14], 2) - first.mean()) / first.std())


@pytest.mark.parametrize("extra, words", [
    (dict(targets=["rain"]), "temps.csv: no column named 'rain' (columns: day, temp_c)"),
    (dict(inputs=["wind"]), "temps.csv: no column named 'wind'"),
    (dict(train_ratio=1.0), "temps.csv: a time series needs rows for testing too"),
    (dict(window=400), "temps.csv: the first 300 rows are too few for one window of 400 rows"),
    (dict(targets_at="sometimes"), "temps.csv: targets are at 'every_step' or 'last_step', not 'sometimes'"),
])
def test_refusals_name_the_file_in_one_line(tmp_path, extra, words):
    path, _ = temperatures(tmp_path)
    with pytest.raises(DataError) as info:
        load_dataset(series(path, **extra))
    assert str(info.value).startswith(words) and "\n" not in str(info.value)


def sine_rnn_on(path):
    design = nnsim.example("sine-rnn")
    design.dataset = series(path)
    design.history = []
    return design


def test_a_small_rnn_learns_to_predict_the_next_day(tmp_path):
    path, _ = temperatures(tmp_path)
    session = Session(sine_rnn_on(path))
    before = session.trainer.evaluate()
    summary = session.train(40)
    assert summary.test_loss < 0.25 * before.test_loss
    assert summary.test_loss < 0.2  # standardised temperatures: a fifth of their variance left at most


def test_the_file_keeps_a_series_and_writes_its_fields_only_when_used(tmp_path):
    path, _ = temperatures(tmp_path)
    design = sine_rnn_on(path)
    record = design_to_dict(design)["dataset"]
    assert (record["window"], record["horizon"], record["inputs"]) == (14, 1, ["temp_c"])
    assert "targets_at" not in record  # the default
    assert design_from_dict(design_to_dict(design)).dataset == design.dataset
    plain = design_to_dict(nnsim.example("iris"))["dataset"]
    assert not {"window", "horizon", "inputs", "targets_at", "scale_targets"} & set(plain)


def test_nnsim_train_runs_a_series_design_with_its_csv_beside_it(tmp_path, capsys):
    path, _ = temperatures(tmp_path)
    design = sine_rnn_on(path)
    design.dataset.path = "temps.csv"  # relative to the design's folder
    nnsim.save(design, tmp_path / "temps.nnsim")
    code = cli.main(["train", str(tmp_path / "temps.nnsim"), "--epochs", "5", "--json"])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_OK, err
    summary = json.loads(out)
    assert summary["epochs"] == 5 and summary["test_loss"] is not None and summary["train_accuracy"] is None
