"""Hostile CSV files and paths: only regular files are read, and at most
MAX_CSV_BYTES of them; a NUL in the path, a device or a pipe is refused in one
line; checks stay linear in the number of columns; normalising values near the
largest float gives finite features."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from scaling import growth

from nnsim.data import DataError, load_dataset

try:
    import resource
except ImportError:  # not on Windows
    resource = None
from nnsim.data import csv_file
from nnsim.data.csv_file import load_csv
from nnsim.design.model import DatasetSpec


def refused(path, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_csv(path, ["label"], **kwargs)
    message = str(info.value)
    assert len(message.splitlines()) == 1
    return message


def csv_spec(path: str) -> DatasetSpec:
    return DatasetSpec(source="csv", path=path, targets=["label"])


def test_a_nul_in_the_path_is_one_line():
    with pytest.raises(DataError) as info:
        load_dataset(csv_spec("data\0.csv"))
    assert "NUL" in str(info.value)


@pytest.mark.skipif(not os.path.exists("/dev/zero") or resource is None, reason="needs /dev/zero and rlimits")
def test_a_device_is_refused_before_reading():
    # In a child with 1 GiB of address space: reading /dev/zero unbounded
    # would otherwise take all the machine's memory before failing.
    code = (
        "from nnsim.data import DataError, load_csv\n"
        "try:\n    load_csv('/dev/zero', ['label'])\n"
        "except DataError as e:\n    print(e)\n"
    )

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, preexec_fn=limit)
    assert done.returncode == 0, done.stderr[-500:]
    assert "not a regular file" in done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    outcome = []

    def read():
        try:
            load_csv(fifo, ["label"])
        except DataError as e:
            outcome.append(str(e))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    blocked = reader.is_alive()
    if blocked:  # free the reader: a writer opens the pipe and closes it
        with open(fifo, "w"):
            pass
        reader.join(10)
    assert not blocked, "reading a named pipe blocked"
    assert outcome and "not a regular file" in outcome[0]


def test_a_folder_is_refused(tmp_path):
    assert "is a folder" in refused(tmp_path)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("a,label\n" + "1,0\n" * 100)
    monkeypatch.setattr(csv_file, "MAX_CSV_BYTES", 64)
    message = refused(path)
    assert "larger than a CSV file can be" in message and "64" in message


def wide_csv(tmp_path, columns: int):
    path = tmp_path / f"wide{columns}.csv"
    header = ",".join(f"c{i}" for i in range(columns)) + ",label"
    path.write_text(header + "\n" + ",".join(["1"] * columns) + ",0\n" + ",".join(["2"] * columns) + ",1\n")
    return path


def test_a_wide_file_is_read_in_linear_time(tmp_path):
    ratio = growth(lambda n: wide_csv(tmp_path, n), lambda p: load_csv(p, ["label"]), 5_000, 40_000)
    assert ratio < 20, f"8 times the columns took {ratio:.1f} times as long"


def test_a_wide_file_without_the_target_names_a_few_columns(tmp_path):
    with pytest.raises(DataError) as info:
        load_csv(wide_csv(tmp_path, 40_000), ["species"])
    message = str(info.value)
    assert "no column named 'species'" in message and "and 39,991 more" in message
    assert len(message) < 300


def test_normalising_values_near_the_largest_float_stays_finite(tmp_path):
    path = tmp_path / "huge.csv"
    rows = ["a,b,label"] + [f"{v!r},{-v!r},{i % 2}" for i, v in enumerate(np.linspace(1.6e308, 1.79e308, 40).tolist())]
    path.write_text("\n".join(rows) + "\n")
    d = load_csv(path, ["label"], train_ratio=0.5, rng=np.random.default_rng(0), normalize=True)
    for x in (d.x_train, d.x_test):
        assert np.isfinite(x).all()
    assert abs(d.x_train.mean(axis=0)).max() < 1e-9
    assert np.allclose(d.x_train.std(axis=0), 1.0)
    assert all(np.isfinite(bound).all() for bound in d.input_range)


def test_normalising_matches_the_plain_formula_on_ordinary_data(tmp_path):
    rng = np.random.default_rng(3)
    values = rng.normal(5, 2, (50, 2))
    path = tmp_path / "plain.csv"
    path.write_text("a,b,label\n" + "".join(f"{a!r},{b!r},{i % 2}\n" for i, (a, b) in enumerate(values.tolist())))
    d = load_csv(path, ["label"], train_ratio=0.6, rng=np.random.default_rng(1), normalize=True)
    raw = load_csv(path, ["label"], train_ratio=0.6, rng=np.random.default_rng(1), normalize=False)
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)
    assert np.array_equal(d.x_train, (raw.x_train - mean) / std)  # bit for bit, as before
    assert np.array_equal(d.x_test, (raw.x_test - mean) / std)


def test_test_values_beyond_any_scale_are_refused_in_one_line(tmp_path):
    path = tmp_path / "apart.csv"
    # Training rows (ratio 0.5 of 4, seed chosen below) hold tiny values, a test row the largest float.
    path.write_text("a,label\n1e-300,0\n2e-300,1\n1.7e308,0\n-1.7e308,1\n")
    for seed in range(20):
        try:
            d = load_csv(path, ["label"], train_ratio=0.5, rng=np.random.default_rng(seed), normalize=True)
        except DataError as e:
            assert len(str(e).splitlines()) == 1 and "cannot be normalised" in str(e) and "'a'" in str(e)
            return
        assert np.isfinite(d.x_train).all() and np.isfinite(d.x_test).all()
    pytest.fail("no split put the huge values in the test set")
