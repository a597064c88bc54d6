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
    broadcasting over the leading axes) to RGBA uint8 (..., h, w, 4).
    NaN takes the middle colour; values beyond the levels the end colours."""
    lo = np.asarray(lo, dtype=np.float32)
    hi = np.asarray(hi, dtype=np.float32)
    while lo.ndim and lo.ndim < values.ndim:
        lo = lo[..., None]
        hi = hi[..., None]
    top = len(lut) - 1
    t = (values - lo) / np.maximum(hi - lo, 1e-12)
    t *= top
    np.clip(t, 0, top, out=t)  # NaN stays NaN
    t[np.isnan(t)] = 0.5 * top
    # One 4-byte word per pixel: a gather of words is several times faster
    # than a gather of RGBA rows, and gives the same bytes.
    words = _words(lut)[t.astype(np.intp, order="C")]  # C order whatever the values' layout
    return words.view(np.uint8).reshape(words.shape + (4,))


def _words(lut: np.ndarray) -> np.ndarray:
    """A (n, 4) uint8 table as (n,) 32-bit words holding the same bytes."""
    key = id(lut)
    hit = _WORDS.get(key)
    if hit is None or hit[0] is not lut:
        hit = _WORDS[key] = (lut, np.ascontiguousarray(lut, dtype=np.uint8).view(np.uint32).reshape(-1))
    return hit[1]


_WORDS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


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


def images_from_rgba(rgba: np.ndarray) -> list[QImage]:
    """``image_from_rgba`` of each of (n, h, w, 4) uint8 RGBA, flipped: one
    image of them all, then a copy of each one's part."""
    n, h, w = rgba.shape[:3]
    upside_down = np.ascontiguousarray(rgba[:, ::-1])
    whole = QImage(upside_down.data, w, h * n, 4 * w, QImage.Format.Format_RGBA8888)
    return [whole.copy(0, i * h, w, h) for i in range(n)]


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


def _disc_parts(h: int, w: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The disc of ``_disc`` upside down, in parts: where it covers nothing
    (h, w) bool, its soft edge's pixels (rows, columns) and their coverage."""
    key = (h, w)
    if key not in _DISC_PARTS:
        cover = _disc(h, w)[::-1]
        edge = np.nonzero((cover > 0) & (cover < 1))
        _DISC_PARTS[key] = (cover == 0, edge, cover[edge])
    return _DISC_PARTS[key]


_DISC_PARTS: dict[tuple[int, int], tuple] = {}


def round_images(rgba: np.ndarray) -> list[QImage]:
    """Round images from (n, h, w, 4) uint8 RGBA (row 0 = lowest x2, drawn at
    the bottom): premultiplied ARGB32, transparent outside the inscribed
    circle. The canvas draws such an image into a neuron as it is; clipping a
    square one to the circle costs about twenty times as much a paint."""
    n, h, w = rgba.shape[:3]
    outside, (rows, cols), cover = _disc_parts(h, w)
    upside_down = rgba[:, ::-1]
    bgra = np.empty_like(rgba)  # in ARGB32's byte order; one channel at a time is quicker than a gather
    for to, frm in enumerate((2, 1, 0, 3)):
        bgra[..., to] = upside_down[..., frm]
    # Premultiplied by the disc's coverage: inside it a pixel stays as it is
    # and outside it is 0; only the soft edge is computed.
    bgra[:, outside] = 0
    bgra[:, rows, cols] = (bgra[:, rows, cols] * cover[None, :, None]).round().astype(np.uint8)
    # One image of them all, one above the other; each neuron's is a copy of
    # its part (detached from the NumPy buffer).
    whole = QImage(bgra.data, w, h * n, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
    return [whole.copy(0, i * h, w, h) for i in range(n)]
