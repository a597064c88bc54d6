"""Playground data sets: formulas, sizes, determinism, and load_dataset/describe."""

import math

import numpy as np
import pytest

from nnsim.data import DataError, describe, load_dataset
from nnsim.data import playground as pg
from nnsim.design.model import DatasetSpec


def rng(seed=0):
    return np.random.default_rng(seed)


def radius(x):
    return np.hypot(x[:, 0], x[:, 1])


# -- sizes and types -------------------------------------------------------------


@pytest.mark.parametrize("name", pg.CLASSIFICATION_NAMES)
def test_classification_default_size_and_types(name):
    x, y = pg.generate(name, rng=rng())
    assert x.shape == (500, 2) and x.dtype == np.float64
    assert y.shape == (500,) and y.dtype == np.int64
    assert set(np.unique(y)) <= {0, 1}


@pytest.mark.parametrize("name", pg.REGRESSION_NAMES)
def test_regression_default_size_and_types(name):
    x, y = pg.generate(name, rng=rng())
    assert x.shape == (1200, 2) and x.dtype == np.float64
    assert y.shape == (1200, 1) and y.dtype == np.float64
    assert np.all(np.abs(y) <= 1.2)  # plane's (x1 + x2)/10 is not clamped, as in Playground


@pytest.mark.parametrize("name", pg.PLAYGROUND_NAMES)
@pytest.mark.parametrize("n", [4, 7, 101])
def test_exact_sizes_including_odd(name, n):
    x, y = pg.generate(name, n, 0.2, rng())
    assert len(x) == len(y) == n


@pytest.mark.parametrize("name", ["gauss", "spiral", "circle"])
def test_two_halves_for_balanced_sets(name):
    _, y = pg.generate(name, 501, 0.0, rng())
    assert y[:251].tolist() == [1] * 251 and y[251:].tolist() == [0] * 250


def test_names_constants():
    assert set(pg.PLAYGROUND_NAMES) == {"circle", "xor", "gauss", "spiral", "plane", "multigauss"}
    assert pg.INPUT_RANGE == ((-6, 6), (-6, 6))
    assert pg.task_of("Spiral") == "classification"
    assert pg.task_of("plane") == "regression"


# -- circle ------------------------------------------------------------------------


def test_circle_noise_zero_radii_and_labels():
    x, y = pg.generate("circle", 2000, 0.0, rng())
    r = radius(x)
    assert np.all(r[y == 1] <= 2.5)
    assert np.all((r[y == 0] >= 3.5) & (r[y == 0] <= 5.0))
    assert (y == 1).sum() == 1000
    # the disc and ring are filled, not just their edges
    assert r[y == 1].min() < 0.3 and r[y == 0].max() > 4.8


def test_circle_labels_come_from_jittered_points():
    noise = 0.5
    x, y = pg.generate("circle", 4000, noise, rng(3))
    r = radius(x)
    # stored points are not jittered: still inner disc then outer ring
    assert np.all(r[:2000] <= 2.5) and np.all((r[2000:] >= 3.5) & (r[2000:] <= 5.0))
    # but labels were decided on jittered points, so some disagree with the radius
    wrong = (y == 1) != (r < 2.5)
    assert 0 < wrong.sum() < 2000
    assert ((r > 2.5) & (y == 1)).any() and ((r < 2.5) & (y == 0)).any()
    # a label can only flip if the jitter (at most 5*noise per coordinate) reaches the boundary
    max_jitter = 5 * noise * math.sqrt(2)
    assert np.all(np.abs(r[wrong] - 2.5) <= max_jitter)


# -- xor ---------------------------------------------------------------------------


def test_xor_noise_zero():
    x, y = pg.generate("xor", 2000, 0.0, rng())
    assert np.all(np.abs(x) >= 0.3) and np.all(np.abs(x) <= 5.3)
    assert np.array_equal(y, (np.sign(x[:, 0]) * np.sign(x[:, 1]) > 0).astype(np.int64))
    # the push moves points out of the central band: nothing in (-0.3, 0.3)
    assert np.abs(x).min() < 0.35


def test_xor_noise_flips_some_labels():
    x, y = pg.generate("xor", 4000, 0.5, rng(1))
    assert np.all(np.abs(x) >= 0.3)
    wrong = y != (x[:, 0] * x[:, 1] >= 0)
    assert 0 < wrong.sum() < 2000
    # flips need a coordinate within the jitter's reach (2.5) of an axis
    assert np.all(np.abs(x[wrong]).min(axis=1) <= 2.5)


# -- gauss -------------------------------------------------------------------------


@pytest.mark.parametrize("noise, variance", [(0.0, 0.5), (0.5, 4.0), (0.2, 1.9)])
def test_gauss_means_and_variance(noise, variance):
    x, y = pg.generate("gauss", 100_000, noise, rng(7))
    pos, neg = x[y == 1], x[y == 0]
    assert np.allclose(pos.mean(axis=0), [2, 2], atol=0.05)
    assert np.allclose(neg.mean(axis=0), [-2, -2], atol=0.05)
    for cluster in (pos, neg):
        assert np.allclose(cluster.var(axis=0), variance, rtol=0.03)


# -- spiral ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [500, 200])
def test_spiral_noise_zero_lies_on_formula(n):
    x, y = pg.generate("spiral", n, 0.0, rng())
    half = n // 2
    i = np.arange(half)
    r = 5 * i / (n / 2)
    for cls, delta, rows in ((1, 0.0, slice(0, half)), (0, math.pi, slice(half, n))):
        assert np.all(y[rows] == cls)
        t = 1.75 * 2 * math.pi * i / (n / 2) + delta
        assert np.allclose(radius(x[rows]), r, atol=1e-12)
        assert np.allclose(x[rows, 0], r * np.sin(t), atol=1e-12)
        assert np.allclose(x[rows, 1], r * np.cos(t), atol=1e-12)


def test_spiral_noise_is_uniform_within_noise():
    noise = 0.4
    n = 1000
    x, _ = pg.generate("spiral", n, noise, rng(2))
    clean, _ = pg.generate("spiral", n, 0.0, rng(2))
    dev = x - clean
    assert np.all(np.abs(dev) <= noise) and np.abs(dev).max() > 0.9 * noise


# -- regression --------------------------------------------------------------------


def test_plane_noise_zero_is_exact():
    x, y = pg.generate("plane", 1200, 0.0, rng())
    assert np.all(np.abs(x) <= 6)
    assert np.allclose(y[:, 0], (x[:, 0] + x[:, 1]) / 10, atol=1e-12)


def test_plane_noise_moves_targets_within_bound():
    noise = 0.5
    x, y = pg.generate("plane", 2000, noise, rng(4))
    dev = np.abs(y[:, 0] - (x[:, 0] + x[:, 1]) / 10)
    assert dev.max() <= 2 * 6 * noise / 10 + 1e-12
    assert dev.max() > 0.3


def test_multigauss_function_at_centres_and_far_away():
    centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
    assert pg.multigauss_target(centres)[:, 0].tolist() == [1, -1, 1, -1, 1, -1]
    # half way out (d = 1) gives half the magnitude
    assert pg.multigauss_target(np.array([[-4.0, 1.5]]))[0, 0] == pytest.approx(0.5)
    # distance >= 2 from every centre gives 0
    assert pg.multigauss_target(np.array([[-6.0, 6.0], [2.0, 0.0]]))[:, 0].tolist() == [0, 0]


def test_multigauss_generated_noise_zero():
    x, y = pg.generate("multigauss", 1200, 0.0, rng())
    assert np.all(np.abs(x) <= 6)
    assert np.array_equal(y, pg.multigauss_target(x))
    near = np.hypot(x[:, 0] - 4, x[:, 1] + 2.5) < 0.5  # close to the (4, -2.5, -) centre
    assert near.any() and np.all(y[near, 0] < -0.74)


def test_multigauss_noise_uses_jittered_points():
    x, y = pg.generate("multigauss", 2000, 0.5, rng(5))
    assert not np.array_equal(y, pg.multigauss_target(x))


# -- determinism -------------------------------------------------------------------


@pytest.mark.parametrize("name", pg.PLAYGROUND_NAMES)
def test_same_seed_same_data_different_seed_different(name):
    a = pg.generate(name, None, 0.1, rng(11))
    b = pg.generate(name, None, 0.1, rng(11))
    c = pg.generate(name, None, 0.1, rng(12))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_load_dataset_bit_identical_for_same_spec():
    spec = DatasetSpec(source="playground", name="spiral", noise=0.25, seed=3)
    a, b = load_dataset(spec), load_dataset(spec)
    for field in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    other = load_dataset(DatasetSpec(source="playground", name="spiral", noise=0.25, seed=4))
    assert not np.array_equal(a.x_train, other.x_train)


# -- load_dataset ------------------------------------------------------------------


def test_load_dataset_playground_classification():
    d = load_dataset(DatasetSpec(source="playground", name="circle", noise=0.1))
    assert d.task == "classification"
    assert d.target_names == ["-1", "+1"]
    assert d.feature_names == ["x1", "x2"]
    assert d.input_range == ((-6, 6), (-6, 6))
    assert len(d.x_train) == 250 and len(d.x_test) == 250
    assert d.n_targets == 1


def test_load_dataset_playground_regression():
    d = load_dataset(DatasetSpec(source="playground", name="plane", train_ratio=0.3, points=1000))
    assert d.task == "regression" and d.target_names == ["y"]
    assert d.x_train.shape == (300, 2) and d.y_train.shape == (300, 1)
    assert d.x_test.shape == (700, 2) and d.y_test.shape == (700, 1)
    # split shuffled rows but kept each point with its own target
    x = np.concatenate([d.x_train, d.x_test])
    y = np.concatenate([d.y_train, d.y_test])
    assert np.allclose(y[:, 0], x.sum(axis=1) / 10)


@pytest.mark.parametrize("ratio, n_train", [(0.1, 50), (0.5, 250), (0.9, 450), (1.0, 500)])
def test_split_ratio(ratio, n_train):
    d = load_dataset(DatasetSpec(source="playground", name="xor", train_ratio=ratio))
    assert len(d.x_train) == n_train and len(d.x_test) == 500 - n_train


def test_split_keeps_labels_with_points():
    d = load_dataset(DatasetSpec(source="playground", name="xor", train_ratio=0.5))
    for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        assert np.array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(np.int64))
    # shuffled: the training half is not just the first generated points
    assert 0 < d.y_train.mean() < 1


@pytest.mark.parametrize(
    "spec, words",
    [
        (DatasetSpec(source="nowhere"), "nowhere"),
        (DatasetSpec(source="playground", name="moons"), "moons"),
        (DatasetSpec(source="playground", noise=0.6), "noise"),
        (DatasetSpec(source="playground", noise=-0.1), "noise"),
        (DatasetSpec(source="playground", noise=float("nan")), "noise"),
        (DatasetSpec(source="playground", train_ratio=0.0), "ratio"),
        (DatasetSpec(source="playground", train_ratio=1.5), "ratio"),
        (DatasetSpec(source="playground", points=3), "3"),
        (DatasetSpec(source="playground", points=100_001), "100001"),
        (DatasetSpec(source="playground", seed=-1), "seed"),
    ],
)
def test_load_dataset_rejects_bad_specs(spec, words):
    with pytest.raises(DataError) as info:
        load_dataset(spec)
    message = str(info.value)
    assert words in message and "\n" not in message


def test_load_dataset_accepts_limits():
    assert len(load_dataset(DatasetSpec(name="gauss", points=4, noise=0.5)).x_train) == 2
    assert len(load_dataset(DatasetSpec(name="gauss", points=100_000, noise=0.0)).x_test) == 50_000


def test_describe():
    assert describe(DatasetSpec(source="playground", name="spiral", noise=0.1)) == (
        "Spiral, noise 10%, 50% training"
    )
    assert describe(DatasetSpec(source="playground", name="gauss", noise=0.0, train_ratio=0.7)) == (
        "Two Gaussians, noise 0%, 70% training"
    )
    assert describe(DatasetSpec(source="logic", name="and")) == "Logic gate AND"
    assert describe(DatasetSpec(source="iris")) == "Iris (150 flowers, 3 species)"
    assert describe(DatasetSpec(source="csv", path="sub/data.csv", targets=["species"])) == (
        "CSV data.csv -> species"
    )
    assert "bogus" in describe(DatasetSpec(source="bogus"))
