"""GAN Lab's distributions: each sample's formula, checked against the same
draws made by hand, and the drawn distribution."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import DataError, describe, load_dataset
from nnsim.data.distributions import DRAWN_NOISE, POOL, sample
from nnsim.design.model import DatasetSpec


def test_line_formula():
    rng = np.random.default_rng(1)
    r = rng.random(50)
    n1, n2 = rng.standard_normal(50), rng.standard_normal(50)
    want = np.column_stack([0.8 - 0.75 * r + 0.01 * n1, 0.6 + 0.3 * r + 0.01 * n2])
    assert np.allclose(sample("line", 50, np.random.default_rng(1)), want)


def test_ring_formula():
    rng = np.random.default_rng(2)
    r = rng.random(50)
    n1, n2 = rng.standard_normal(50), rng.standard_normal(50)
    want = np.column_stack([0.5 + 0.3 * np.cos(2 * np.pi * r) + 0.025 * n1,
                            0.45 + 0.25 * np.sin(2 * np.pi * r) + 0.025 * n2])
    assert np.allclose(sample("ring", 50, np.random.default_rng(2)), want)


def test_two_gaussians_mix_half_and_half_with_their_means_and_deviations():
    x = sample("gaussians", 200_000, np.random.default_rng(3))
    first = np.abs(x[:, 0] - 0.3) < np.abs(x[:, 0] - 0.7)  # by the nearer mean in x (the clouds overlap a little)
    assert abs(first.mean() - 0.5) < 0.02
    a = x[(x[:, 0] < 0.45)]
    b = x[(x[:, 0] > 0.6)]
    assert np.allclose(np.median(a, axis=0), [0.3, 0.7], atol=0.02)
    assert np.allclose(np.median(b, axis=0), [0.7, 0.4], atol=0.02)


def test_two_gaussians_formula():
    rng = np.random.default_rng(4)
    first = rng.random(40) < 0.5
    nx, ny = rng.standard_normal(40), rng.standard_normal(40)
    want = np.column_stack([np.where(first, 0.3 + 0.1 * nx, 0.7 + 0.05 * nx), np.where(first, 0.7 + 0.1 * ny, 0.4 + 0.2 * ny)])
    assert np.allclose(sample("gaussians", 40, np.random.default_rng(4)), want)


def test_three_disjoint_blobs():
    x = sample("disjoint", 30_000, np.random.default_rng(5))
    centres = np.array([(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)])
    nearest = np.argmin(((x[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    for k in range(3):
        part = x[nearest == k]
        assert abs(len(part) / len(x) - 1 / 3) < 0.02
        assert np.allclose(part.mean(0), centres[k], atol=0.002)
        assert np.allclose(part.std(0), 0.025, atol=0.002)


def test_drawn_points_with_noise():
    pts = [(0.2, 0.3), (0.8, 0.9)]
    x = sample("drawn", 20_000, np.random.default_rng(6), pts)
    near = np.argmin(((x[:, None, :] - np.array(pts)[None]) ** 2).sum(-1), axis=1)
    for k, p in enumerate(pts):
        assert np.allclose(x[near == k].mean(0), p, atol=0.002)
        assert np.allclose(x[near == k].std(0), DRAWN_NOISE, atol=0.002)


def test_a_drawn_distribution_without_points_is_refused_in_one_line():
    with pytest.raises(DataError, match="no points yet"):
        load_dataset(DatasetSpec(source="distribution", name="drawn"))


def test_dataset_is_a_pool_of_training_points_without_targets():
    ds = load_dataset(DatasetSpec(source="distribution", name="ring", seed=3))
    assert ds.x_train.shape == (POOL, 2) and ds.y_train.shape == (POOL, 0) and len(ds.x_test) == 0
    again = load_dataset(DatasetSpec(source="distribution", name="ring", seed=3))
    assert np.array_equal(ds.x_train, again.x_train)
    assert "Ring" in describe(DatasetSpec(source="distribution", name="ring"))


def test_unknown_distribution_is_named():
    with pytest.raises(DataError, match="unknown distribution 'square'"):
        load_dataset(DatasetSpec(source="distribution", name="square"))
