"""Data sets by name, as the data panel describes them word for word and as
``load_dataset`` makes them from a design's settings: each source given the
spec's seed, share, points, noise and normalisation, and its refusals."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError, describe, distributions, load_dataset, playground
from nnsim.data.base import split
from nnsim.data.csv_file import load_csv
from nnsim.data.images import load_digits, load_shapes
from nnsim.data.iris import load_iris
from nnsim.data.sequences import make_task
from nnsim.design.model import DatasetSpec


def refusal(call) -> str:
    with pytest.raises(DataError) as refused:
        call()
    return str(refused.value)


def same(a, b) -> None:
    """Two data sets alike in every array and name."""
    for field in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert (a.name, a.task, a.feature_names, a.target_names) == (b.name, b.task, b.feature_names, b.target_names)


DESCRIPTIONS = [
    (DatasetSpec(source="playground", name=" Spiral ", points=300, noise=0.1, train_ratio=0.5),
     "Spiral, 300 points, noise 10%, 50% training"),
    (DatasetSpec(source=" Playground ", name="moon", noise=0.0004, train_ratio=0.12345),
     "moon, noise 0%, 12.3% training"),
    (DatasetSpec(source="playground", name="gauss", noise="lots", train_ratio=1),
     "Two Gaussians, noise lots%, 100% training"),
    (DatasetSpec(source="LOGIC", name=" nand "), "Logic gate NAND"),
    (DatasetSpec(source="iris", train_ratio=0.9), "Iris (150 flowers, 3 species)"),
    (DatasetSpec(source="sequence", name="embedded_reber"), "Sequences: embedded reber"),
    (DatasetSpec(source="distribution", name="drawn", drawn=[(0.1, 0.2)] * 1234, points=2000),
     "Points: Drawn by hand (1,234 points drawn), 2,000 samples"),
    (DatasetSpec(source="distribution", name="Disjoint"), "Points: Three disjoint blobs, 12,000 samples"),
    (DatasetSpec(source="distribution", name="blob", points=5), "Points: blob, 5 samples"),
    (DatasetSpec(source="digits", train_ratio=0.8), "Handwritten digits (8×8 pixels, 1,797 images), 80% training"),
    (DatasetSpec(source="shapes", noise=0.25, train_ratio=0.75),
     "Shapes (500 images of 10×10 pixels, 5 kinds), noise 25%, 75% training"),
    (DatasetSpec(source="shapes", points=40, noise=0, train_ratio=0.5),
     "Shapes (40 images of 10×10 pixels, 5 kinds), noise 0%, 50% training"),
    (DatasetSpec(source="csv", path="some/folder/d.csv", targets=["a", "b"]), "CSV d.csv -> a, b"),
    (DatasetSpec(source="csv", path="d.csv"), "CSV d.csv -> (no target chosen)"),
    (DatasetSpec(source="csv", path=None, targets=["y"]), "CSV (no file chosen) -> y"),
    (DatasetSpec(source="csv", path="  ", targets=["y"], csv_text="x,y\n1,2\n"),
     "CSV (no file chosen) (kept in the design) -> y"),
    (DatasetSpec(source="csv", path="s.csv", targets=["y"], window=8),
     "Time series s.csv: windows of 8 rows -> y"),
    (DatasetSpec(source="csv", path="s.csv", targets=["y"], window=8, horizon=1, csv_text="a"),
     "Time series s.csv (kept in the design): windows of 8 rows -> y, 1 row ahead"),
    (DatasetSpec(source="csv", path="s.csv", targets=["y", "z"], window=3, horizon=4),
     "Time series s.csv: windows of 3 rows -> y, z, 4 rows ahead"),
    (DatasetSpec(source="Bogus"), "Unknown data source 'Bogus'"),
]


@pytest.mark.parametrize("spec, text", DESCRIPTIONS)
def test_the_data_panel_describes_each_source_word_for_word(spec, text):
    assert describe(spec) == text


def test_a_spec_s_source_seed_and_training_share_are_refused_with_what_is_wrong():
    assert refusal(lambda: load_dataset(DatasetSpec(source="bogus"))) == (
        "unknown data source 'bogus' (choose from playground, logic, iris, csv, digits, shapes, sequence, "
        "distribution)")
    for seed in (True, -1, 1.5, "3"):
        assert refusal(lambda: load_dataset(DatasetSpec(seed=seed))) == f"data seed {seed!r} must be a whole number >= 0"
    assert refusal(lambda: load_dataset(DatasetSpec(train_ratio="half"))) == "training ratio 'half' is not a number"
    assert refusal(lambda: load_dataset(DatasetSpec(train_ratio=None))) == "training ratio 'None' is not a number"
    for ratio in (0, -0.5, 1.0001, float("nan")):
        assert refusal(lambda: load_dataset(DatasetSpec(train_ratio=ratio))) == (
            f"training ratio {ratio} is outside (0, 1]")
    assert refusal(lambda: load_dataset(DatasetSpec(source="csv", path="  "))) == "no CSV file chosen for the data set"


def test_a_logic_gate_takes_no_seed_or_share_and_is_named_by_its_gate():
    data = load_dataset(DatasetSpec(source=" Logic ", name="nor", seed=7, train_ratio=0.1))
    assert data.name == "NOR" and data.y_train.tolist() == [1, 0, 0, 0] and data.y_test.tolist() == [1, 0, 0, 0]
    assert data.x_train.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_a_playground_set_is_generated_split_and_named_with_the_spec_s_settings():
    spec = DatasetSpec(source="playground", name=" Circle ", points=40, noise=0.2, train_ratio=0.25,
                       seed=np.int64(5))
    data = load_dataset(spec)
    rng = np.random.default_rng(5)
    x, y = playground.generate("circle", 40, 0.2, rng)
    x_train, y_train, x_test, y_test = split(x, y, 0.25, rng)
    assert np.array_equal(data.x_train, x_train) and np.array_equal(data.y_train, y_train)
    assert np.array_equal(data.x_test, x_test) and np.array_equal(data.y_test, y_test)
    assert (len(data.x_train), len(data.x_test)) == (10, 30)
    assert (data.name, data.task, data.feature_names, data.target_names, data.input_range) == (
        "Circle", "classification", ["x1", "x2"], ["-1", "+1"], ((-6.0, 6.0), (-6.0, 6.0)))
    plane = load_dataset(DatasetSpec(source="playground", name="plane", points=20, train_ratio=1.0, seed=2))
    assert (plane.name, plane.task, plane.target_names, len(plane.x_train), len(plane.x_test)) == (
        "Plane", "regression", ["y"], 20, 0)


def test_iris_digits_shapes_and_distributions_take_the_spec_s_seed_share_and_settings():
    same(load_dataset(DatasetSpec(source="iris", train_ratio=0.3, seed=4, normalize=True)),
         load_iris(0.3, np.random.default_rng(4), normalize=True))
    raw = load_dataset(DatasetSpec(source="iris", train_ratio=0.3, seed=4))
    same(raw, load_iris(0.3, np.random.default_rng(4), normalize=False))
    assert raw.x_train.min() > 0  # in centimetres, not standardised
    same(load_dataset(DatasetSpec(source="digits", train_ratio=0.8, seed=9)), load_digits(0.8, np.random.default_rng(9)))
    same(load_dataset(DatasetSpec(source="shapes", noise=0.3, train_ratio=0.6, seed=1)),
         load_shapes(500, 0.3, 0.6, np.random.default_rng(1)))
    few = load_dataset(DatasetSpec(source="shapes", points=20, noise=0, train_ratio=0.5, seed=1))
    same(few, load_shapes(20, 0.0, 0.5, np.random.default_rng(1)))
    drawn = [(0.2, 0.3), (0.6, 0.9)]
    points = load_dataset(DatasetSpec(source="distribution", name="drawn", points=30, seed=3, drawn=drawn))
    same(points, distributions.load_distribution("drawn", 30, np.random.default_rng(3), drawn))


def test_a_csv_path_is_read_beside_the_design_or_from_the_text_kept_in_it(tmp_path, monkeypatch):
    (tmp_path / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n")
    spec = DatasetSpec(source="csv", path="d.csv", targets=["y"], train_ratio=1.0)
    assert refusal(lambda: load_dataset(DatasetSpec(source="csv", path=None))) == "no CSV file chosen for the data set"
    monkeypatch.chdir(tmp_path)
    assert load_dataset(spec).n_features == 1  # no design folder: the current one
    monkeypatch.chdir("/")
    assert load_dataset(DatasetSpec(source="csv", path=str(tmp_path / "d.csv"), targets=["y"]),
                        base_dir=tmp_path / "elsewhere").n_features == 1
    beside = load_dataset(spec, base_dir=tmp_path)
    assert sorted(beside.x_train[:, 0].tolist()) == [1, 2, 3, 4] and beside.target_names == ["0", "1"]
    kept = DatasetSpec(source="csv", path="gone.csv", targets=["y"], train_ratio=1.0, csv_text="x,y\n5,2\n6,2.5\n",
                       task="regression", scale_targets=True, normalize=True)
    data = load_dataset(kept, base_dir=tmp_path)
    assert sorted(data.x_train[:, 0].tolist()) == [-1.0, 1.0]  # normalised
    assert sorted(data.y_train[:, 0].tolist()) == [-1.0, 1.0]  # targets scaled
    assert sorted(data.raw_targets(data.y_train)[:, 0].tolist()) == [2.0, 2.5]
    rows = "x,y\n" + "".join(f"{k},{k % 3}\n" for k in range(20))
    seeded = load_dataset(DatasetSpec(source="csv", path="r.csv", targets=["y"], seed=3, csv_text=rows))
    want = load_csv(tmp_path / "r.csv", ["y"], train_ratio=0.5, rng=np.random.default_rng(3), text=rows)
    assert np.array_equal(seeded.x_train, want.x_train) and np.array_equal(seeded.y_test, want.y_test)
    series = DatasetSpec(source="csv", path="s.csv", targets=["b"], inputs=["a"], window=2, horizon=1,
                         targets_at="last_step", train_ratio=0.6,
                         csv_text="a,b\n" + "".join(f"{t},{10 * t}\n" for t in range(6)))
    windows = load_dataset(series, base_dir=tmp_path)
    assert windows.x_train[0, :, 0].tolist() == [0, 1] and windows.description == (
        "s.csv: windows of 2 rows, a -> b, 1 row ahead, target at the last step")
    series.normalize = True
    scaled = load_dataset(series, base_dir=tmp_path)
    # by the 4 training rows 0 … 3: mean 1.5, deviation √1.25
    assert scaled.x_train[0, :, 0] == pytest.approx([-1.5 / 1.25 ** 0.5, -0.5 / 1.25 ** 0.5])
    assert scaled.x_train[0, :, 0].tolist() != windows.x_train[0, :, 0].tolist()


def test_a_sequence_task_takes_the_spec_s_seed_and_points_as_its_training_size():
    data = load_dataset(DatasetSpec(source="sequence", name=" Sine ", points=3, seed=2))
    want = make_task("sine", n_train=3, seed=2)
    assert len(data.x_train) == 3 and np.array_equal(data.x_train, want.x_train)
    assert not np.array_equal(data.x_train, make_task("sine", n_train=3, seed=0).x_train)
    bits = load_dataset(DatasetSpec(source="sequence", name="temporal_xor", points=40, seed=1))
    assert np.array_equal(bits.x_train, make_task("temporal_xor", train_bits=40, seed=1).x_train)
    text = load_dataset(DatasetSpec(source="sequence", name="char_text", seed=3))
    assert text.name == "Character text"
    assert refusal(lambda: load_dataset(DatasetSpec(source="sequence", name="char_text", points=5))) == (
        "the sequence task 'char_text' has a fixed size: leave the number of points unset")
    assert refusal(lambda: load_dataset(DatasetSpec(source="sequence", name="Nope"))) == (
        "unknown sequence task 'Nope' (choose from temporal_xor, sine, figure_eight, temporal_order, adding, copy, "
        "reber, embedded_reber, continual_embedded_reber, char_text)")
