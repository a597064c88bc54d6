"""TensorFlow Playground's six data sets, generated as Playground makes them.

Four are classification sets (circle, xor, gauss, spiral) and two regression
sets (plane, multigauss). The points lie in the square
[-6, 6]² (the Gaussians' tails can reach past it); the first feature is
Playground's ``x``, the second its ``y``.

Classification labels are class indices: class 1 is Playground's +1 label and
class 0 its -1 label. Regression targets are floats of shape (n, 1): in [-1, 1]
for multigauss; (x1 + x2)/10 for plane, which, as in Playground, is not clamped
and so reaches ±1.2 (±1.8 with full noise).

``noise`` is Playground's noise slider divided by 100, so 0 to 0.5. All random
draws come from the ``np.random.Generator`` passed in, so a seeded generator
gives the same points every time. Points are in Playground's order (for the
two-class sets: all +1 points first); ``split`` shuffles them.

Odd sizes: where Playground makes n/2 points per class, class +1 gets
ceil(n/2) and class -1 floor(n/2) points, so there are always exactly n points.
"""

from __future__ import annotations

import math

import numpy as np

from nnsim.text import quote

from .base import CLASSIFICATION, REGRESSION, DataError

CLASSIFICATION_NAMES = ("circle", "xor", "gauss", "spiral")
REGRESSION_NAMES = ("plane", "multigauss")
PLAYGROUND_NAMES = CLASSIFICATION_NAMES + REGRESSION_NAMES

#: The plane Playground draws its heatmaps over: ((x1_min, x1_max), (x2_min, x2_max)).
INPUT_RANGE = ((-6.0, 6.0), (-6.0, 6.0))

#: Playground's data set sizes.
DEFAULT_POINTS = {CLASSIFICATION: 500, REGRESSION: 1200}
MIN_POINTS = 4
MAX_POINTS = 100_000
MAX_NOISE = 0.5

#: Display names, e.g. for describing a data set to the user.
TITLES = {
    "circle": "Circle",
    "xor": "XOR",
    "gauss": "Two Gaussians",
    "spiral": "Spiral",
    "plane": "Plane",
    "multigauss": "Multi-Gaussian",
}

# Multi-Gaussian centres: (x, y, sign of the target near the centre).
_MULTIGAUSS_CENTRES = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


def task_of(name: str) -> str:
    """``CLASSIFICATION`` or ``REGRESSION`` for a Playground data set name."""
    key = _check_name(name)
    return CLASSIFICATION if key in CLASSIFICATION_NAMES else REGRESSION


def generate(
    name: str,
    n: int | None = None,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Make Playground data set ``name`` with ``n`` points (None: Playground's
    size, 500 for classification and 1200 for regression).

    Returns ``(x, y)``: x float64 of shape (n, 2); y int64 class indices of
    shape (n,) for classification (1 = Playground's +1), float64 of shape
    (n, 1) for regression. ``rng`` None uses a fresh, unseeded generator.
    Raises ``DataError`` for an unknown name, a size outside 4..100000 or a
    noise outside [0, 0.5].
    """
    key = _check_name(name)
    task = task_of(key)
    if n is None:
        n = DEFAULT_POINTS[task]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise DataError(f"the number of points must be a whole number, not {n!r}")
    n = int(n)
    if not MIN_POINTS <= n <= MAX_POINTS:
        raise DataError(f"{n} points is outside {MIN_POINTS}..{MAX_POINTS}")
    noise = check_noise(noise)
    if rng is None:
        rng = np.random.default_rng()
    return _GENERATORS[key](n, noise, rng)


def check_noise(noise: float) -> float:
    """``noise`` as a float, or ``DataError`` if it is outside [0, 0.5]."""
    try:
        value = float(noise)
    except (TypeError, ValueError):
        raise DataError(f"noise {quote(noise)} is not a number") from None
    if not 0.0 <= value <= MAX_NOISE:  # also rejects NaN
        raise DataError(f"noise {noise} is outside [0, {MAX_NOISE}]")
    return value


def _check_name(name: str) -> str:
    key = str(name).strip().lower()
    if key not in PLAYGROUND_NAMES:
        raise DataError(
            f"unknown Playground data set {quote(name)} (choose from {', '.join(PLAYGROUND_NAMES)})"
        )
    return key


def _halves(n: int) -> tuple[int, int]:
    """Sizes of the +1 and -1 halves: ceil(n/2), floor(n/2)."""
    return n - n // 2, n // 2


def _labels(n_pos: int, n_neg: int) -> np.ndarray:
    """Class indices (n_pos + n_neg,): n_pos ones (+1) then n_neg zeros (-1)."""
    return np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])


def _circle(n: int, noise: float, rng: np.random.Generator):
    """Inner disc (+1, r < 2.5) and outer ring (-1, 3.5 <= r <= 5). The label is
    that of the point jittered by U(-5, 5)·noise per coordinate; the stored
    point is the unjittered one."""
    radius = 5.0
    n_in, n_out = _halves(n)
    r = np.concatenate(
        [rng.uniform(0.0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)]
    )  # (n,)
    angle = rng.uniform(0.0, 2 * math.pi, n)  # (n,)
    x = np.column_stack([r * np.sin(angle), r * np.cos(angle)])  # (n, 2)
    jitter = rng.uniform(-radius, radius, (n, 2)) * noise  # (n, 2)
    jittered = x + jitter
    inside = np.hypot(jittered[:, 0], jittered[:, 1]) < radius * 0.5  # (n,)
    return x, inside.astype(np.int64)


def _xor(n: int, noise: float, rng: np.random.Generator):
    """Uniform in [-5, 5]², each coordinate pushed 0.3 away from 0; +1 where the
    jittered coordinates' product is >= 0."""
    x = rng.uniform(-5.0, 5.0, (n, 2))  # (n, 2)
    x += np.where(x > 0, 0.3, -0.3)
    jittered = x + rng.uniform(-5.0, 5.0, (n, 2)) * noise  # (n, 2)
    same_sign = jittered[:, 0] * jittered[:, 1] >= 0  # (n,)
    return x, same_sign.astype(np.int64)


def _gauss(n: int, noise: float, rng: np.random.Generator):
    """Two normal clusters, +1 round (2, 2) and -1 round (-2, -2), each
    coordinate with variance 0.5 + 7·noise (0.5 to 4)."""
    n_pos, n_neg = _halves(n)
    std = math.sqrt(0.5 + 7.0 * noise)
    centres = np.concatenate([np.full((n_pos, 2), 2.0), np.full((n_neg, 2), -2.0)])  # (n, 2)
    x = centres + rng.normal(0.0, std, (n, 2))
    return x, _labels(n_pos, n_neg)


def _spiral(n: int, noise: float, rng: np.random.Generator):
    """Two interleaved spiral arms; point i of an arm has r = 5·i/(n/2) and
    angle t = 1.75·2π·i/(n/2) + δ (δ = 0 for +1, π for -1), jittered by
    U(-1, 1)·noise per coordinate."""
    n_pos, n_neg = _halves(n)
    half = n / 2
    i = np.concatenate([np.arange(n_pos), np.arange(n_neg)]).astype(np.float64)  # (n,)
    delta = np.concatenate([np.zeros(n_pos), np.full(n_neg, math.pi)])  # (n,)
    r = 5.0 * i / half
    t = 1.75 * 2 * math.pi * i / half + delta
    x = np.column_stack([r * np.sin(t), r * np.cos(t)])  # (n, 2)
    x += rng.uniform(-1.0, 1.0, (n, 2)) * noise
    return x, _labels(n_pos, n_neg)


def _plane(n: int, noise: float, rng: np.random.Generator):
    """Uniform in [-6, 6]²; target (x1 + x2)/10 of the point jittered by
    U(-6, 6)·noise per coordinate."""
    x = rng.uniform(-6.0, 6.0, (n, 2))  # (n, 2)
    jittered = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    y = (jittered.sum(axis=1) / 10.0)[:, None]  # (n, 1)
    return x, y


def multigauss_target(points: np.ndarray) -> np.ndarray:
    """Playground's multi-Gaussian function at ``points`` (n, 2), as (n, 1).

    Each centre gives sign·clamp(1 - d/2, 0, 1), d being the distance to it,
    and the value of largest magnitude wins (the first centre on ties): ±1 at
    a centre, 0 at distance 2 or more from every centre.
    """
    points = np.asarray(points, dtype=np.float64)  # (n, 2)
    diff = points[:, None, :] - _MULTIGAUSS_CENTRES[None, :, :2]  # (n, 6, 2)
    dist = np.hypot(diff[..., 0], diff[..., 1])  # (n, 6)
    values = _MULTIGAUSS_CENTRES[None, :, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)  # (n, 6)
    winner = np.argmax(np.abs(values), axis=1)  # (n,)
    return values[np.arange(len(points)), winner][:, None]  # (n, 1)


def _multigauss(n: int, noise: float, rng: np.random.Generator):
    """Uniform in [-6, 6]²; the target is ``multigauss_target`` of the point
    jittered by U(-6, 6)·noise per coordinate."""
    x = rng.uniform(-6.0, 6.0, (n, 2))  # (n, 2)
    jittered = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    return x, multigauss_target(jittered)


_GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "plane": _plane,
    "multigauss": _multigauss,
}
