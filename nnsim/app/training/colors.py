"""Colours of the live views: Playground's orange-white-blue scale and class
colours, as NumPy lookup tables, and heatmaps turned into QImages.

QImage is safe to make outside the GUI thread, so the worker delivers ready
images; the views only hand them to pyqtgraph or the canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

from nnsim.app.colors import CLASS_COLORS, MIDDLE, NEGATIVE, POSITIVE, class_color  # noqa: F401 - one place

# The rings around data points on the maps: near-black stands out against every
# background colour the maps can show (contrast at least 3.8 : 1), where a white
# ring vanished on the pale, unsure parts. Test points get a thicker ring.
TRAIN_EDGE = (20, 20, 20)
TEST_EDGE = (0, 0, 0)
TRAIN_RING = 1.0  # pixels
TEST_RING = 1.6


def qcolor(rgb, alpha: int = 255) -> QColor:
    return QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), alpha)


def _ramp(a, b, n: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.asarray(a, dtype=np.float64) * (1 - t) + np.asarray(b, dtype=np.float64) * t


def diverging_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8 RGBA: orange -> light grey -> blue."""
    half = n // 2
    rgb = np.concatenate([_ramp(NEGATIVE, MIDDLE, half), _ramp(MIDDLE, POSITIVE, n - half)])
    return np.concatenate([rgb, np.full((n, 1), 255.0)], axis=1).round().astype(np.uint8)


LUT = diverging_lut()
# Behind the data points of the output map: the same scale a quarter of the way
# to white, so a point keeps standing out where the network is sure of it.
BACKGROUND_FADE = 0.25
BACKGROUND_LUT = (LUT * (1 - BACKGROUND_FADE) + np.array([255, 255, 255, 255]) * BACKGROUND_FADE).round().astype(np.uint8)


def to_rgba(values: np.ndarray, lo, hi, lut: np.ndarray = LUT) -> np.ndarray:
    """Map values (..., h, w) with levels lo..hi (scalars or arrays
    broadcasting over the leading axes) to RGBA uint8 (..., h, w, 4)."""
    lo = np.asarray(lo, dtype=np.float32)
    hi = np.asarray(hi, dtype=np.float32)
    while lo.ndim and lo.ndim < values.ndim:
        lo = lo[..., None]
        hi = hi[..., None]
    t = (values - lo) / np.maximum(hi - lo, 1e-12)
    idx = np.clip(np.nan_to_num(t, nan=0.5) * (len(lut) - 1), 0, len(lut) - 1).astype(np.intp)
    return lut[idx]


def classes_rgba(values: np.ndarray) -> np.ndarray:
    """Decision values ``class + sureness`` (see Probe.decision_values) to
    RGBA: the class colour, paler where the network is unsure, and never
    quite as strong as a data point's."""
    cls = np.floor(values).astype(np.intp)
    sure = np.clip(values - cls, 0.0, 1.0)[..., None] * (1 - BACKGROUND_FADE)
    palette = np.array([class_color(i) for i in range(max(1, int(cls.max()) + 1))], dtype=np.float64)
    rgb = palette[np.clip(cls, 0, len(palette) - 1)]
    mixed = np.asarray(MIDDLE, dtype=np.float64) * (1 - (0.25 + 0.75 * sure)) + rgb * (0.25 + 0.75 * sure)
    out = np.empty(values.shape + (4,), dtype=np.uint8)
    out[..., :3] = mixed.round().astype(np.uint8)
    out[..., 3] = 255
    return out


def image_from_rgba(rgba: np.ndarray, flip: bool = True) -> QImage:
    """A QImage (owning its pixels) from (h, w, 4) uint8 RGBA whose row 0 is
    the lowest x2; ``flip`` puts the highest x2 at the top, as a plot shows it."""
    if flip:
        rgba = rgba[::-1]
    rgba = np.ascontiguousarray(rgba)
    h, w = rgba.shape[:2]
    img = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
    return img.copy()  # detach from the NumPy buffer


def _disc(h: int, w: int) -> np.ndarray:
    """(h, w) coverage of the circle inscribed in an h x w image, 0..1, with
    a one-pixel soft edge."""
    key = (h, w)
    if key not in _DISCS:
        yy, xx = np.mgrid[0:h, 0:w]
        d = np.hypot(xx + 0.5 - w / 2, yy + 0.5 - h / 2)
        _DISCS[key] = np.clip(min(h, w) / 2 - d, 0.0, 1.0)
    return _DISCS[key]


_DISCS: dict[tuple[int, int], np.ndarray] = {}


def round_images(rgba: np.ndarray) -> list[QImage]:
    """Round images from (n, h, w, 4) uint8 RGBA (row 0 = lowest x2, drawn at
    the bottom): premultiplied ARGB32, transparent outside the inscribed
    circle. The canvas draws such an image into a neuron as it is; clipping a
    square one to the circle costs about twenty times as much a paint."""
    n, h, w = rgba.shape[:3]
    cover = _disc(h, w)[None, ::-1, :, None]  # (1, h, w, 1), rows flipped below
    bgra = (rgba[:, ::-1, :, [2, 1, 0, 3]] * cover).round().astype(np.uint8)  # premultiplied
    images = []
    for i in range(n):
        data = np.ascontiguousarray(bgra[i])
        img = QImage(data.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
        images.append(img.copy())  # detach from the NumPy buffer
    return images

