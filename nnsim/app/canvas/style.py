"""How the canvas looks: colours, sizes, pens, activation glyphs.

All colours are opaque: a translucent pen costs about 12x more to draw
(docs/qt-lessons.md, "Drawing many connections"), so the weight colours are
pre-blended with the canvas background instead of drawn with alpha.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainterPath, QPen

from nnsim.app import colors
from nnsim.design.model import Activation, LayerKind

NEURON_RADIUS = 18.0
PORT_RADIUS = 5.5
LAYER_PORT_RADIUS = 8.0
LAYER_PAD = 11.0  # frame padding around the neuron circles
LAYER_BOTTOM = 34.0  # room under the last neuron: readout line + the "- n +" row
LAYER_TITLE = 20.0  # title height above the frame
BUTTON = 14.0  # the frame's + and - buttons

BACKGROUND = QColor("#f6f7f9")
GRID = QColor("#dfe3e8")
FOCUS = QColor("#2f6db0")  # the frame of the panel that has the keyboard
TEXT = QColor("#2b2f36")
MUTED = QColor("#6b7280")
SELECT = QColor("#3b5bdb")
HOVER = QColor("#c5ccd6")
HIGHLIGHT = QColor("#f2a900")
REFUSED = QColor("#c92a2a")
ACCEPT = QColor("#2f9e44")

# TensorFlow Playground's colours: blue for positive weights, orange for negative.
POSITIVE = QColor(*colors.POSITIVE)
NEGATIVE = QColor(*colors.NEGATIVE)


class KindStyle:
    def __init__(self, fill: str, ring: str, frame: str, border: str, title: str):
        self.fill, self.ring = QColor(fill), QColor(ring)
        self.frame, self.border, self.title = QColor(frame), QColor(border), QColor(title)


KIND_STYLE = {
    LayerKind.INPUT: KindStyle("#d8efe4", "#3f8f6b", "#edf7f2", "#a7d4bf", "#2c6a4e"),
    LayerKind.HIDDEN: KindStyle("#e3e0f6", "#6c5fb5", "#f2f0fb", "#c6bfeb", "#4a3f8f"),
    LayerKind.OUTPUT: KindStyle("#f7e0e6", "#b3566e", "#fbeff2", "#e8bcc7", "#86354b"),
}

ACTIVATION_SYMBOL = {
    Activation.STEP: "step",
    Activation.SIGN: "sgn",
    Activation.LINEAR: "lin",
    Activation.SIGMOID: "σ",
    Activation.TANH: "tanh",
    Activation.RELU: "ReLU",
    Activation.LEAKY_RELU: "lReLU",
    Activation.SOFTMAX: "soft",
}

# -- weights -> buckets ---------------------------------------------------------------
# |w| thresholds between the magnitude buckets; each bucket has a shade (how far
# the colour is blended from the background) and, on small designs, a width.
MAGNITUDE_EDGES = np.array([0.2, 0.6, 1.2])
SHADES = (0.42, 0.64, 0.84, 1.0)
WIDTHS = (1.0, 1.7, 2.5, 3.5)
N_MAG = len(SHADES)
# bucket = sign * N_MAG * 2 + frozen * N_MAG + magnitude
N_BUCKETS = 2 * 2 * N_MAG


def buckets_of(weights: np.ndarray, frozen: np.ndarray) -> np.ndarray:
    """Drawing bucket of each connection (sign, frozen, magnitude) as int8."""
    mag = np.searchsorted(MAGNITUDE_EDGES, np.abs(weights), side="right")
    sign = (weights < 0).astype(np.int8)
    return (sign * (2 * N_MAG) + frozen.astype(np.int8) * N_MAG + mag).astype(np.int8)


def blend(color: QColor, amount: float, base: QColor = BACKGROUND) -> QColor:
    """``color`` mixed over ``base``: an opaque stand-in for a translucent colour."""
    return QColor(
        round(base.red() + (color.red() - base.red()) * amount),
        round(base.green() + (color.green() - base.green()) * amount),
        round(base.blue() + (color.blue() - base.blue()) * amount),
    )


_line_scale = 1.0  # connections' widths times this (wider lines for a projector)


def set_line_scale(scale: float) -> None:
    """Draw connections ``scale`` times as wide (presentation mode)."""
    global _line_scale
    _line_scale = float(scale)


def line_scale() -> float:
    return _line_scale


_text_scale = 1.0  # the window's text size (presentation included)
LABEL_MOST = 1.75  # labels beside and under neurons grow this much at most: more would cover the next row


def set_text_scale(scale: float) -> None:
    """Draw the canvas's labels for text ``scale`` times its usual size, up
    to ``LABEL_MOST`` times: the rows of neurons keep their spacing, and the
    step-through's callouts (drawn at screen size) keep clear of each other."""
    global _text_scale
    _text_scale = float(scale)
    _metrics.clear()  # the application's font may have changed with it


def text_scale() -> float:
    return _text_scale


def label_scale() -> float:
    """How much larger than usual labels in the drawing are now."""
    return min(_text_scale, LABEL_MOST)


def label_font(pixel_size: float, bold: bool = False) -> QFont:
    """A label's font in the drawing, at the window's text size."""
    return font(max(1, round(pixel_size * label_scale())), bold)


def bucket_pen(bucket: int, wide: bool) -> QPen:
    """The pen of one bucket. ``wide``: widths by magnitude (small designs);
    otherwise every line is one pixel, Qt's fast path, and only the shade
    tells the magnitude."""
    return _bucket_pen(bucket, wide, _line_scale)


@lru_cache(maxsize=None)
def _bucket_pen(bucket: int, wide: bool, scale: float) -> QPen:
    sign, rest = divmod(bucket, 2 * N_MAG)
    frozen, mag = divmod(rest, N_MAG)
    color = blend(NEGATIVE if sign else POSITIVE, SHADES[mag])
    pen = QPen(color, (WIDTHS[mag] if wide else 1.0) * scale)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.FlatCap)
    if frozen:
        pen.setStyle(Qt.CustomDashLine)
        pen.setDashPattern([3.0, 2.5] if wide else [4.0, 3.0])
    return pen


def weight_color(weight: float) -> QColor:
    mag = int(np.searchsorted(MAGNITUDE_EDGES, abs(weight), side="right"))
    return blend(NEGATIVE if weight < 0 else POSITIVE, SHADES[mag])


def value_color(value: float) -> QColor:
    """A neuron's output as TensorFlow Playground tints it (|v| up to 1)."""
    amount = min(1.0, abs(value)) if math.isfinite(value) else 1.0
    return blend(NEGATIVE if value < 0 else POSITIVE, 0.15 + 0.75 * amount, QColor("#ffffff"))


def cosmetic_pen(color: QColor, width: float = 1.0, style=Qt.SolidLine) -> QPen:
    pen = QPen(color, width * _line_scale, style)
    pen.setCosmetic(True)
    return pen


@lru_cache(maxsize=None)
def font(pixel_size: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(pixel_size)
    f.setBold(bold)
    return f


_metrics: dict[tuple[int, bool], QFontMetricsF] = {}


def metrics(pixel_size: int, bold: bool = False) -> QFontMetricsF:
    """The metrics of ``font(pixel_size, bold)``, made once (each neuron
    measures its texts: a design of 900 neurons made 3,600 of them to open)."""
    key = (pixel_size, bold)
    found = _metrics.get(key)
    if found is None:
        found = _metrics[key] = QFontMetricsF(font(pixel_size, bold))
    return found


def label_metrics(pixel_size: float, bold: bool = False) -> QFontMetricsF:
    """The metrics of ``label_font(pixel_size, bold)``."""
    return metrics(max(1, round(pixel_size * label_scale())), bold)


def format_number(value: float) -> str:
    """Short readout: 0.1, -1.25, 0.0055, 12.3, 1235, 5.5e-4, 1.2e6."""
    if not math.isfinite(value):
        return str(value)
    a = abs(value)
    if a == 0:
        return "0"
    if a < 1e-3 or a >= 1e5:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    if a < 0.01:
        return f"{value:.2g}"
    if a >= 1000:
        return f"{value:.0f}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- activation glyphs ----------------------------------------------------------------
def _curve(activation: Activation, x: np.ndarray) -> np.ndarray:
    if activation == Activation.LINEAR:
        return 0.8 * x
    if activation == Activation.SIGMOID:
        return 1.6 / (1 + np.exp(-5 * x)) - 0.8
    if activation == Activation.TANH:
        return 0.8 * np.tanh(3 * x)
    if activation == Activation.RELU:
        return np.maximum(x, 0) * 1.4 - 0.6
    if activation == Activation.LEAKY_RELU:
        return np.where(x < 0, 0.15 * x, 1.4 * x) - 0.6
    return 0.8 * x


@lru_cache(maxsize=None)
def glyph_path(activation: Activation, half: float) -> QPainterPath:
    """The activation's curve drawn in a square of half-size ``half`` centred
    on the origin (y up on screen means negative y). Cached: every neuron
    draws one on each repaint; callers must not change the path."""
    path = QPainterPath()
    if activation == Activation.SOFTMAX:
        for i, h in enumerate((0.5, 1.2, 0.8)):
            x = (-0.75 + 0.55 * i) * half
            path.addRect(x, (0.7 - h) * half, 0.35 * half, h * half)
        return path
    if activation in (Activation.STEP, Activation.SIGN):
        # Screen y grows downwards: the low level is the larger y.
        low, high = (0.8, -0.8) if activation == Activation.SIGN else (0.6, -0.7)
        path.moveTo(-half * 0.85, low * half)
        path.lineTo(0, low * half)
        path.lineTo(0, high * half)
        path.lineTo(half * 0.85, high * half)
        return path
    xs = np.linspace(-1, 1, 17)
    ys = _curve(activation, xs)
    path.moveTo(xs[0] * half * 0.85, -ys[0] * half)
    for x, y in zip(xs[1:], ys[1:]):
        path.lineTo(x * half * 0.85, -y * half)
    return path
