"""The Playground data as a learner sees it plotted: XOR fills four
quadrants, the circle goes all the way round, noise moves each point on its
own, and the documented default ``rng=None`` works."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnsim.data.playground import PLAYGROUND_NAMES, generate, multigauss_target


def test_xor_fills_the_four_quadrants_keeping_clear_of_the_axes():
    x, y = generate("xor", 800, rng=np.random.default_rng(0))
    assert np.all(np.abs(x) >= 0.3) and np.all(np.abs(x) <= 5.3)
    quadrant = (x[:, 0] > 0) * 2 + (x[:, 1] > 0)
    counts = np.bincount(quadrant, minlength=4)
    assert counts.min() > 150  # about 200 each
    for q in range(4):  # spread over each quadrant, not stacked on a few spots
        inside = np.abs(x[quadrant == q])
        assert len(np.unique(inside.round(6), axis=0)) == counts[q]
        assert np.all(inside.min(axis=0) < 0.5) and np.all(inside.max(axis=0) > 5.0)
    assert np.array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(np.int64))  # no noise: labels by quadrant


def test_the_circle_goes_all_the_way_round():
    x, y = generate("circle", 800, rng=np.random.default_rng(1))
    angle = np.arctan2(x[:, 1], x[:, 0])
    for label in (0, 1):
        octants = np.floor((angle[y == label] + math.pi) / (math.pi / 4)).astype(int) % 8
        assert np.bincount(octants, minlength=8).min() > 25  # about 50 each
    r = np.hypot(x[:, 0], x[:, 1])
    assert r[y == 1].max() < 2.5 and r[y == 0].min() >= 3.5 and r.max() <= 5.0


def test_noise_moves_each_spiral_point_on_its_own_within_its_bound():
    clean, _ = generate("spiral", 400, 0.0, np.random.default_rng(2))
    noisy, _ = generate("spiral", 400, 0.5, np.random.default_rng(2))
    shift = noisy - clean
    assert np.all(np.abs(shift) <= 0.5)
    assert len(np.unique(shift.round(9), axis=0)) == 400
    assert np.abs(shift).max() > 0.45 and shift.std(axis=0).min() > 0.2


@pytest.mark.parametrize("name", ["xor", "circle", "plane"])
def test_label_noise_is_drawn_per_point(name):
    """Noise jitters each point before labelling it: with a shared shift the
    points labelled across a boundary would all lie on one side of it."""
    x, y = generate(name, 2000, 0.5, np.random.default_rng(3))
    x0, _ = generate(name, 2000, 0.0, np.random.default_rng(3))
    assert np.array_equal(x, x0) or name == "plane"  # the stored points are the clean ones
    if name == "xor":
        clean = (x[:, 0] * x[:, 1] >= 0).astype(np.int64)
        wrong = (y != clean) & (np.abs(x[:, 1]) > 3)  # far from the x1 = 0 boundary's partner axis
        sides = np.sign(x[wrong, 0])
        assert (sides > 0).sum() > 10 and (sides < 0).sum() > 10
    elif name == "circle":
        r = np.hypot(x[:, 0], x[:, 1])
        flipped = y != (r < 2.5)
        angles = np.arctan2(x[flipped, 1], x[flipped, 0])
        assert flipped.sum() > 20 and (angles > 0).sum() > 5 and (angles < 0).sum() > 5
    else:
        spread = y[:, 0] - x.sum(axis=1) / 10.0
        assert len(np.unique(spread.round(9))) == 2000 and np.abs(spread).max() <= 1.2


def test_gaussians_spread_as_the_noise_says():
    for noise in (0.0, 0.5):
        x, y = generate("gauss", 4000, noise, np.random.default_rng(4))
        for label, centre in ((1, 2.0), (0, -2.0)):
            part = x[y == label]
            assert part.mean(axis=0) == pytest.approx([centre, centre], abs=0.2)
            assert part.var(axis=0) == pytest.approx([0.5 + 7 * noise] * 2, rel=0.1)


@pytest.mark.parametrize("name", PLAYGROUND_NAMES)
def test_without_a_generator_a_fresh_one_is_used(name):
    x, y = generate(name, 9)
    assert x.shape == (9, 2) and len(y) == 9 and np.all(np.isfinite(x))


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "xor", "n": 2.5}, "the number of points must be a whole number, not 2.5"),
    ({"name": "xor", "n": "100"}, "the number of points must be a whole number, not '100'"),
    ({"name": "xor", "noise": "abc"}, "noise 'abc' is not a number"),
    ({"name": "moons"}, "unknown Playground data set 'moons' (choose from circle, xor, gauss, spiral, plane, "
                        "multigauss)"),
])
def test_a_wrong_setting_is_refused_saying_what_it_is(kwargs, message):
    from nnsim.data import DataError

    with pytest.raises(DataError) as refused:
        generate(rng=np.random.default_rng(0), **kwargs)
    assert str(refused.value) == message


def test_the_circle_is_spread_evenly_all_the_way_round():
    x, _ = generate("circle", 4000, rng=np.random.default_rng(5))
    octants = np.floor((np.arctan2(x[:, 1], x[:, 0]) + math.pi) / (math.pi / 4)).astype(int) % 8
    counts = np.bincount(octants, minlength=8)
    assert counts.min() > 400 and counts.max() < 600  # 500 each, give or take the draw


def test_noise_flips_circle_labels_all_the_way_round():
    """Each point is jittered on its own: the points labelled across the
    boundary, either way, lie all round it (their mean direction is near
    none), not on the side one shared shift would push them to."""
    x, y = generate("circle", 4000, 0.5, np.random.default_rng(6))
    r = np.hypot(x[:, 0], x[:, 1])
    for flipped in ((r < 2.5) & (y == 0), (r >= 2.5) & (y == 1)):
        angle = np.arctan2(x[flipped, 1], x[flipped, 0])
        assert flipped.sum() > 100
        assert np.hypot(np.cos(angle).mean(), np.sin(angle).mean()) < 0.25  # 1 would be all one way


def test_multigauss_noise_scatters_the_targets_of_neighbouring_points():
    """Without noise the targets change slowly across the plane (at most half
    the distance moved); noise jitters each point on its own, so points side
    by side get far different targets."""
    x, y = generate("multigauss", 1200, 0.5, np.random.default_rng(7))
    first = x[:500]
    near = np.hypot(*(first[:, None, :] - first[None, :, :]).transpose(2, 0, 1)) < 0.3
    jump = np.abs(y[:500, 0][:, None] - y[:500, 0][None, :])
    assert (near & (jump > 0.5)).sum() > 20
    clean = multigauss_target(first)[:, 0]
    assert np.all(np.abs(clean[:, None] - clean[None, :])[near] <= 0.15 + 1e-12)


@pytest.mark.parametrize("name, target", [
    ("plane", lambda p: p.sum(axis=1, keepdims=True) / 10.0),
    ("multigauss", multigauss_target),
])
def test_regression_noise_is_playground_s_draw_by_draw(name, target):
    """As Playground makes them: points uniform in [-6, 6]², and each target
    taken at its point jittered by U(-6, 6)·noise per coordinate, from the
    same generator in that order."""
    x, y = generate(name, 300, 0.3, np.random.default_rng(8))
    again = np.random.default_rng(8)
    points = again.uniform(-6.0, 6.0, (300, 2))
    jitter = again.uniform(-6.0, 6.0, (300, 2)) * 0.3
    assert np.array_equal(x, points)
    assert np.allclose(y, target(points + jitter), atol=1e-12)
