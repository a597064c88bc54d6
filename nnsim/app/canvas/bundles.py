"""Graphics items that draw many connections at once.

``BundleItem`` draws every connection from one layer to another as a handful
of paths, one per drawing bucket (weight sign x frozen x magnitude), built
with ``pyqtgraph.arrayToQPath`` from NumPy arrays. Big bundles keep a pixmap
cache of themselves, so repainting the neurons above them is a blit. While
neurons are dragged, a bundle draws only its connections that stay put and the
scene's ``SegmentsItem`` overlay draws the moving ones, so each drag frame
redraws a few hundred lines, not the whole bundle.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas.connections import PairData
from nnsim.app.canvas.style import NEURON_RADIUS, bucket_pen

BUNDLE_Z = -10.0
DRAG_Z = -9.0
# Highlights (hover, selection, learn mode) lie on the connections but under the
# neurons and layers (z 0), so a neuron's value box and readout stay on top.
OVERLAY_Z = -8.0

CACHE_MIN = 1500  # bundles with more segments cache themselves as a pixmap
NO_AA_MIN = 3000  # and with more than this never antialias (2.5x slower)
WIDE_SCALE = 0.35  # below this zoom every line is one pixel wide
# Level of detail by density: where the lines of a bundle would cover its area
# more than COVER times over, only its strongest lines are drawn, as many as
# fill it COVER times (at least MIN_SHOWN). Zooming in shows more of them.
COVER = 0.5
MIN_SHOWN = 200
ALL_BELOW = 2500  # bundles smaller than this always show every line
MIX_MIN, MIX_ROUNDS = 600, 6  # from this many lines, colours are drawn in rounds
SHOWN_STEP = 1.5  # shown counts are rounded down to MIN_SHOWN * 1.5**k (cached paths)


def _pairs_path(seg: np.ndarray) -> QPainterPath:
    """One QPainterPath of disconnected segments: (n, 4) x0, y0, x1, y1."""
    n = len(seg)
    x = np.empty(2 * n)
    y = np.empty(2 * n)
    x[0::2], x[1::2] = seg[:, 0], seg[:, 2]
    y[0::2], y[1::2] = seg[:, 1], seg[:, 3]
    return pg.arrayToQPath(x, y, connect="pairs")


def bucket_paths(seg: np.ndarray, buckets: np.ndarray) -> list[tuple[int, QPainterPath]]:
    """Segments split by drawing bucket, one path per bucket, weakest first so
    the strongest lines end on top. Where lines are many they cover each
    other, and the last colour drawn would take over: each bucket is then cut
    into rounds drawn in turn, so blue and orange mix as the weights do."""
    if len(seg) == 0:
        return []
    order = np.argsort(buckets % 4 * 4 + buckets // 4, kind="stable")  # magnitude-major
    ordered = buckets[order]
    cuts = np.flatnonzero(np.diff(ordered)) + 1
    parts = np.split(order, cuts)
    rounds = 1 if len(seg) < MIX_MIN else MIX_ROUNDS
    out = []
    for r in range(rounds):
        for part in parts:
            chunk = part[r::rounds]
            if len(chunk):
                out.append((int(buckets[chunk[0]]), _pairs_path(seg[chunk])))
    return out


def seg_rect(seg: np.ndarray, pad: float = 4.0) -> QRectF:
    if len(seg) == 0:
        return QRectF()
    x0 = float(min(seg[:, 0].min(), seg[:, 2].min()))
    x1 = float(max(seg[:, 0].max(), seg[:, 2].max()))
    y0 = float(min(seg[:, 1].min(), seg[:, 3].min()))
    y1 = float(max(seg[:, 1].max(), seg[:, 3].max()))
    return QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)


def shorten(seg: np.ndarray, by: float = NEURON_RADIUS) -> np.ndarray:
    """Segments cut back by ``by`` at both ends (from circle edge to circle edge)."""
    out = seg.copy()
    d = seg[:, 2:] - seg[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    k = np.where(length > 2 * by, by / np.maximum(length, 1e-9), 0.0)[:, None]
    out[:, :2] += d * k
    out[:, 2:] -= d * k
    return out


class BundleItem(QGraphicsItem):
    """The connections of one (source layer, target layer) pair."""

    def __init__(self, data: PairData, style):
        super().__init__()
        self.data = data
        self.style = style  # the scene: .wide_pens tells the pen widths
        self.setZValue(BUNDLE_Z)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setAcceptHoverEvents(False)
        self._paths: list[tuple[int, QPainterPath]] | None = []  # every line; None: made when drawn
        self._lod_paths: dict[int, list[tuple[int, QPainterPath]]] = {}
        self._mean_length = 0.0
        self._rect = QRectF()
        self._static: np.ndarray | None = None  # while dragging: which segments stay put

    # -- building ------------------------------------------------------------------
    def rebuild(self, pos: np.ndarray) -> None:
        """Take new positions or weights. The paths are made when they are
        first drawn, and only those drawn: zoomed out, a dense bundle draws its
        strongest few hundred lines, and the paths of all 90,000 cost a
        twentieth of a second a bundle at every open, reset and undo."""
        data = self.data
        self._paths = None
        self._lod_paths = {}
        self._pos = pos
        full = data.segments(pos)
        lengths = np.hypot(full[:, 2] - full[:, 0], full[:, 3] - full[:, 1])
        self._mean_length = float(lengths.mean()) if len(full) else 0.0
        rect = seg_rect(full) if len(data) else QRectF()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        mode = QGraphicsItem.DeviceCoordinateCache if len(data) >= CACHE_MIN else QGraphicsItem.NoCache
        if self.cacheMode() != mode:
            self.setCacheMode(mode)
        self.update()

    def begin_drag(self, moving_rows: np.ndarray) -> np.ndarray:
        """Stop drawing the connections touching ``moving_rows``; returns
        their indices (the scene's overlay draws them while they move)."""
        data = self.data
        moving = np.isin(data.src, moving_rows) | np.isin(data.dst, moving_rows)
        self._static = ~moving
        self._paths, self._lod_paths = None, {}
        return np.flatnonzero(moving)

    def end_drag(self) -> None:
        self._static = None
        self._paths, self._lod_paths = None, {}

    def _all_paths(self) -> list[tuple[int, QPainterPath]]:
        """The paths of every line (but those moving in a drag)."""
        if self._paths is None:
            subset = None if self._static is None else np.flatnonzero(self._static)
            buckets = self.data.buckets() if subset is None else self.data.buckets()[subset]
            self._paths = bucket_paths(self.data.segments(self._pos, subset), buckets)
        return self._paths

    @property
    def dragging(self) -> bool:
        return self._static is not None

    def shown_count(self, scale: float) -> int:
        """How many lines to draw at this zoom (all of them unless they would
        pile up into a solid block)."""
        n = len(self.data)
        area = self._rect.width() * self._rect.height() * scale * scale
        length = self._mean_length * scale + 1.0
        fits = COVER * area / length
        if n <= max(fits, MIN_SHOWN, ALL_BELOW):
            return n
        steps = int(np.log(max(fits, MIN_SHOWN) / MIN_SHOWN) / np.log(SHOWN_STEP))
        return int(MIN_SHOWN * SHOWN_STEP**steps)

    def _lod(self, count: int) -> list[tuple[int, QPainterPath]]:
        if count not in self._lod_paths:
            idx = self.data.strongest(count)
            if self._static is not None:
                idx = idx[self._static[idx]]
            self._lod_paths[count] = bucket_paths(self.data.segments(self._pos, idx), self.data.buckets()[idx])
        return self._lod_paths[count]

    # -- QGraphicsItem ----------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        n = len(self.data)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        shown = self.shown_count(lod)
        paths = self._lod(shown) if shown < n else self._all_paths()
        wide = self.style.wide_pens and lod >= WIDE_SCALE
        aa = painter.testRenderHint(QPainter.Antialiasing)
        if aa and n > NO_AA_MIN:
            painter.setRenderHint(QPainter.Antialiasing, False)
        painter.setBrush(Qt.NoBrush)
        for bucket, path in paths:
            painter.setPen(bucket_pen(bucket, wide))
            painter.drawPath(path)
        if aa and n > NO_AA_MIN:
            painter.setRenderHint(QPainter.Antialiasing, True)


class SegmentsItem(QGraphicsItem):
    """Segments drawn on top of the bundles (and under the neurons): the moving connections during a
    drag (bucket pens), or a highlight (hover, selection, learn mode) drawn
    with a halo pen under a core pen."""

    def __init__(self, z: float = OVERLAY_Z):
        super().__init__()
        self.setZValue(z)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self._paths: list[tuple[int, QPainterPath]] = []
        self._halo: tuple[QPen, QPainterPath] | None = None
        self._core: list[tuple[QPen, QPainterPath]] = []
        self._rect = QRectF()
        self.wide = False

    def set_buckets(self, seg: np.ndarray, buckets: np.ndarray, wide: bool) -> None:
        self._paths = bucket_paths(seg, buckets)
        self._halo, self._core = None, []
        self.wide = wide
        self._set_rect(seg_rect(seg))

    def set_highlight(self, seg: np.ndarray, halo: QPen, cores: list[tuple[QPen, np.ndarray]] | None = None) -> None:
        """``cores``: (pen, mask) pairs; each drawn over the halo."""
        self._paths = []
        path = _pairs_path(seg) if len(seg) else QPainterPath()
        self._halo = (halo, path)
        self._core = [(pen, _pairs_path(seg[mask])) for pen, mask in (cores or []) if np.any(mask)]
        self._set_rect(seg_rect(seg, pad=6.0))

    def clear(self) -> None:
        self._paths, self._halo, self._core = [], None, []
        self._set_rect(QRectF())

    def _set_rect(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def is_empty(self) -> bool:
        return not (self._paths or self._halo)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setBrush(Qt.NoBrush)
        for bucket, path in self._paths:
            painter.setPen(bucket_pen(bucket, self.wide))
            painter.drawPath(path)
        if self._halo is not None:
            painter.setPen(self._halo[0])
            painter.drawPath(self._halo[1])
        for pen, path in self._core:
            painter.setPen(pen)
            painter.drawPath(path)
