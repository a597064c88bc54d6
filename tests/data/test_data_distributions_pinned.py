"""The GAN's distributions draw for draw as the module's docstring writes
them, the pool as a data set, and the refusals word for word."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError
from nnsim.data.distributions import drawn_points, load_distribution, sample


def refusal(call) -> str:
    with pytest.raises(DataError) as refused:
        call()
    return str(refused.value)


def rng(seed=7):
    return np.random.default_rng(seed)


def test_the_line_is_its_formula_draw_for_draw():
    g = rng()
    r, n1, n2 = g.random(6), g.standard_normal(6), g.standard_normal(6)
    want = np.column_stack([0.8 - 0.75 * r + 0.01 * n1, 0.6 + 0.3 * r + 0.01 * n2])
    assert np.array_equal(sample(" Line ", 6, rng()), want)


def test_the_two_gaussians_are_their_formula_draw_for_draw():
    g = rng()
    first, nx, ny = g.random(8) < 0.5, g.standard_normal(8), g.standard_normal(8)
    assert 0 < first.sum() < 8
    want = [[0.3 + 0.1 * a, 0.7 + 0.1 * b] if f else [0.7 + 0.05 * a, 0.4 + 0.2 * b] for f, a, b in zip(first, nx, ny)]
    assert sample("gaussians", 8, rng()).tolist() == want


def test_the_ring_is_its_formula_draw_for_draw():
    g = rng()
    r, n1, n2 = g.random(6), g.standard_normal(6), g.standard_normal(6)
    want = np.column_stack([0.5 + 0.3 * np.cos(2 * np.pi * r) + 0.025 * n1,
                            0.45 + 0.25 * np.sin(2 * np.pi * r) + 0.025 * n2])
    assert np.array_equal(sample("RING", 6, rng()), want)


def test_the_disjoint_blobs_are_three_centres_with_a_little_noise():
    g = rng()
    which, noise = g.integers(0, 3, 9), g.standard_normal((9, 2))
    centres = np.array([[0.35, 0.75], [0.75, 0.6], [0.45, 0.35]])
    assert sorted(set(which.tolist())) == [0, 1, 2]
    assert np.array_equal(sample("disjoint", 9, rng()), centres[which] + 0.025 * noise)


def test_a_drawn_distribution_samples_the_drawn_points_with_noise_of_0_02():
    drawn = [(0.1, 0.2), (0.5, 0.9), (0.7, 0.3)]
    g = rng()
    which, noise = g.integers(0, 3, 10), g.standard_normal((10, 2))
    assert sorted(set(which.tolist())) == [0, 1, 2]
    assert np.array_equal(sample("drawn", 10, rng(), drawn), np.array(drawn)[which] + 0.02 * noise)
    assert drawn_points([[1, 2], [3, 4]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert drawn_points(np.array([0.5, 0.25])).tolist() == [[0.5, 0.25]]


def test_drawn_points_and_names_are_refused_in_words():
    assert refusal(lambda: drawn_points([])) == "the drawn distribution has no points yet: draw some in the plane"
    assert refusal(lambda: sample("drawn", 3, rng())) == (
        "the drawn distribution has no points yet: draw some in the plane")
    assert refusal(lambda: drawn_points([(0.1, float("nan"))])) == (
        "the drawn distribution holds a point that is not a finite number")
    assert refusal(lambda: drawn_points([(0.1, float("inf"))])) == (
        "the drawn distribution holds a point that is not a finite number")
    assert refusal(lambda: sample("blob", 3, rng())) == (
        "unknown distribution 'blob' (choose from line, gaussians, ring, disjoint, drawn)")
    assert refusal(lambda: load_distribution(" Blob ", 3, rng())) == (
        "unknown distribution ' Blob ' (choose from line, gaussians, ring, disjoint, drawn)")


def test_a_distribution_is_a_pool_of_training_points_without_targets():
    data = load_distribution(" Ring ", 5, rng())
    assert np.array_equal(data.x_train, sample("ring", 5, rng()))
    assert (data.name, data.task, data.feature_names, data.target_names) == ("Ring", "regression", ["x1", "x2"], [])
    assert data.y_train.shape == (5, 0) and data.x_test.shape == (0, 2) and data.y_test.shape == (0, 0)
    assert data.input_range == ((0.0, 1.0), (0.0, 1.0))
    pool = load_distribution("line", None, rng())
    assert pool.x_train.shape == (12_000, 2) and pool.y_train.shape == (12_000, 0)
    names = [load_distribution(n, 1, rng(), [(0.5, 0.5)]).name for n in ("line", "gaussians", "disjoint", "drawn")]
    assert names == ["Line", "Two Gaussians", "Three disjoint blobs", "Drawn by hand"]
    assert load_distribution("line", "4", rng()).x_train.shape == (4, 2)
