"""How far generated points lie from real ones, estimated as GAN Lab does:
both sets counted on a grid over the unit square (30×30 cells; points
outside are counted in the nearest edge cell), each as its share of points
per cell with 1e-4 added, then the Kullback-Leibler divergence KL(real ‖
generated) and the Jensen-Shannon divergence, in bits (log base 2).

Two samples of the same distribution do not reach 0 on such a grid: the
``floor`` (``divergence_floor``) is what two real samples of the same sizes
reach, the level to judge a GAN against.
"""

from __future__ import annotations

import numpy as np

GRID = 30
EPS = 1e-4


def histogram(points: np.ndarray, bins: int = GRID) -> np.ndarray:
    """Counts (bins, bins) of 2-D points over [0, 1]², row = x cell."""
    p = np.asarray(points, dtype=np.float64)
    cells = np.clip(np.floor(np.nan_to_num(p[:, :2], nan=0.5) * bins), 0, bins - 1).astype(np.intp)
    flat = np.bincount(cells[:, 0] * bins + cells[:, 1], minlength=bins * bins)
    return flat.reshape(bins, bins).astype(np.float64)


def kl_js(real: np.ndarray, fake: np.ndarray, bins: int = GRID) -> tuple[float, float]:
    """(KL(real ‖ fake), JS(real, fake)) in bits, by grid: with p and q each
    set's share of points per cell, m = (p + q)/2 and ε = 1e-4 added to
    every share (as GAN Lab does; the shares are not normalised again),
    KL = Σ (p+ε)·log₂((p+ε)/(q+ε)) and
    JS = ½ Σ (p+ε)·log₂((p+ε)/(m+ε)) + ½ Σ (q+ε)·log₂((q+ε)/(m+ε))."""
    p = histogram(real, bins) / max(1, len(real)) + EPS
    q = histogram(fake, bins) / max(1, len(fake)) + EPS
    m = 0.5 * (p + q)  # the mean of the shares, plus ε
    kl = float(np.sum(p * np.log2(p / q)))
    js = 0.5 * float(np.sum(p * np.log2(p / m))) + 0.5 * float(np.sum(q * np.log2(q / m)))
    return kl, js


def divergence_floor(sample, n_real: int, n_fake: int, rng: np.random.Generator, repeats: int = 5,
                     bins: int = GRID) -> tuple[float, float]:
    """The mean (KL, JS) between two independent real samples of ``n_real``
    and ``n_fake`` points; ``sample(n, rng)`` draws real points."""
    kls, jss = [], []
    for _ in range(repeats):
        kl, js = kl_js(sample(n_real, rng), sample(n_fake, rng), bins)
        kls.append(kl)
        jss.append(js)
    return float(np.mean(kls)), float(np.mean(jss))


def coverage(real: np.ndarray, fake: np.ndarray, bins: int = 10, share: float = 0.02) -> float:
    """The share of the real data's mass lying in cells (of a coarse grid)
    that the generated points reach: near 1 when G covers the data, low when
    it makes only part of it (mode collapse). Cells holding less than
    ``share`` of the generated points count as not reached."""
    hr = histogram(real, bins)
    hf = histogram(fake, bins)
    reached = hf >= share * max(1.0, hf.sum())
    total = hr.sum()
    return float(hr[reached].sum() / total) if total else 0.0
