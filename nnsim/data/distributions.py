"""Distributions of points in the unit square, for a GAN to learn: GAN
Lab's four and one the user draws.

With r ~ U[0, 1] and n ~ N(0, 1), each draw independent:

- ``line``: (0.8 − 0.75r + 0.01n, 0.6 + 0.3r + 0.01n);
- ``gaussians``: half (0.3 + 0.1n, 0.7 + 0.1n), half (0.7 + 0.05n, 0.4 + 0.2n);
- ``ring``: (0.5 + 0.3·cos 2πr + 0.025n, 0.45 + 0.25·sin 2πr + 0.025n);
- ``disjoint``: three blobs centred at (0.35, 0.75), (0.75, 0.6) and
  (0.45, 0.35), deviation 0.025, a third of the points each;
- ``drawn``: points drawn by the user, each sample one of them (chosen at
  random) plus N(0, 0.02²) noise on each coordinate.

Each is pre-sampled into a pool (12,000 points by default) that training
takes batches from.
"""

from __future__ import annotations

import numpy as np

from .base import REGRESSION, DataError, Dataset

POOL = 12_000
NAMES = ("line", "gaussians", "ring", "disjoint", "drawn")
TITLES = {"line": "Line", "gaussians": "Two Gaussians", "ring": "Ring", "disjoint": "Three disjoint blobs",
          "drawn": "Drawn by hand"}
DISJOINT_CENTRES = ((0.35, 0.75), (0.75, 0.6), (0.45, 0.35))
DRAWN_NOISE = 0.02
MAX_DRAWN = 10_000  # points a drawn distribution may hold


def sample(name: str, n: int, rng: np.random.Generator, drawn=()) -> np.ndarray:
    """``n`` points (n, 2) of the named distribution."""
    name = str(name).strip().lower()
    if name == "line":
        r = rng.random(n)
        return np.column_stack([0.8 - 0.75 * r + 0.01 * rng.standard_normal(n),
                                0.6 + 0.3 * r + 0.01 * rng.standard_normal(n)])
    if name == "gaussians":
        first = rng.random(n) < 0.5
        nx, ny = rng.standard_normal(n), rng.standard_normal(n)
        x = np.where(first, 0.3 + 0.1 * nx, 0.7 + 0.05 * nx)
        y = np.where(first, 0.7 + 0.1 * ny, 0.4 + 0.2 * ny)
        return np.column_stack([x, y])
    if name == "ring":
        r = rng.random(n)
        return np.column_stack([0.5 + 0.3 * np.cos(2 * np.pi * r) + 0.025 * rng.standard_normal(n),
                                0.45 + 0.25 * np.sin(2 * np.pi * r) + 0.025 * rng.standard_normal(n)])
    if name == "disjoint":
        which = rng.integers(0, len(DISJOINT_CENTRES), n)
        centres = np.array(DISJOINT_CENTRES)[which]
        return centres + 0.025 * rng.standard_normal((n, 2))
    if name == "drawn":
        pts = drawn_points(drawn)
        return pts[rng.integers(0, len(pts), n)] + DRAWN_NOISE * rng.standard_normal((n, 2))
    raise DataError(f"unknown distribution {name!r} (choose from {', '.join(NAMES)})")


def drawn_points(drawn) -> np.ndarray:
    """The drawn points as an array (m, 2), checked."""
    pts = np.asarray(list(drawn), dtype=np.float64).reshape(-1, 2) if len(drawn) else np.empty((0, 2))
    if not len(pts):
        raise DataError("the drawn distribution has no points yet: draw some in the plane")
    if not np.isfinite(pts).all():
        raise DataError("the drawn distribution holds a point that is not a finite number")
    return pts


def load_distribution(name: str, points: int | None, rng: np.random.Generator, drawn=()) -> Dataset:
    """A pool of points of the distribution, all for training (a GAN has no
    test part). No targets: ``y`` has no columns."""
    key = str(name).strip().lower()
    if key not in NAMES:
        raise DataError(f"unknown distribution {name!r} (choose from {', '.join(NAMES)})")
    n = POOL if points is None else int(points)
    x = sample(key, n, rng, drawn)
    return Dataset(name=TITLES[key], task=REGRESSION, x_train=x, y_train=np.empty((n, 0)),
                   x_test=np.empty((0, 2)), y_test=np.empty((0, 0)), feature_names=["x1", "x2"],
                   target_names=[], input_range=((0.0, 1.0), (0.0, 1.0)))
