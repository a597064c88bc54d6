"""Canvas speed: nnsim's editor against plain Qt drawing the same lines.

Builds layered designs of 100, 1,000 and 2,000 neurons (2.4k, 100k and 200k
connections) and opens each in a real CanvasView (1400x900, offscreen). For
every figure a reference is measured in the same run and printed beside it:

  naive   a bare QGraphicsView with one QGraphicsEllipseItem per neuron and
          one QGraphicsLineItem per connection (what a first editor does)
  bare    a bare QPainter drawing segments, 1 px, no antialiasing, onto a
          QImage of the viewport's size with the same transform: "all lines"
          is every connection (what a canvas drawing everything pays), "same
          lines" the ones nnsim draws (where lines would pile into a solid
          block, nnsim draws the strongest ones, as many as fit; zooming in
          shows more)

Figures (milliseconds):
  open         Document.replace -> first paint finished (view fits the design)
  repaint      full viewport repaint at 100 % zoom; "cold" after the item
               caches were invalidated, "warm" when nothing changed
  drag frame   one mouse move while dragging a hidden neuron at 100 % zoom,
               through the paint (median of the frames after the first; the
               first frame, which splits the bundles, is shown apart)
  layer drag   the same with a whole hidden layer dragged by its frame
  zoomed out   repaint with the whole design fitted in the window; "cold"
               right after fitting, "zoom step" one wheel step there

Targets (1,000 neurons, 100,000 connections): open < 2000, drag frame < 33,
zoomed-out frame < 16.

    python benchmarks/canvas_speed.py [--sizes 100,1000,2000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPen  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsView,
)

from nnsim.app.canvas import CanvasScene, CanvasView  # noqa: E402
from nnsim.app.document import Document  # noqa: E402
from nnsim.design.build import initialize, layered  # noqa: E402
from nnsim.design.model import Design  # noqa: E402

VIEW_SIZE = (1400, 900)
CASES = {
    100: ([10, 40, 40, 10], None),  # 2,400 connections
    1000: ([100, 180, 180, 180, 180, 180], 100_000),
    2000: ([200, 360, 360, 360, 360, 360], 200_000),
}
TARGETS = {1000: {"open": 2000.0, "drag frame": 33.0, "zoomed out": 16.0, "zoom step": 16.0}}
DRAG_FRAMES = 30


def make_design(neurons: int) -> Design:
    sizes, keep = CASES[neurons]
    d = layered(sizes)
    initialize(d, np.random.default_rng(0))
    if keep is not None and keep < len(d.connections):
        rng = np.random.default_rng(1)
        chosen = np.sort(rng.choice(len(d.connections), keep, replace=False))
        d.connections = [d.connections[i] for i in chosen]
    return d


def segments(design: Design) -> np.ndarray:
    pos = {n.id: (n.x, n.y) for n in design.neurons}
    return np.array([pos[c.source] + pos[c.target] for c in design.connections], dtype=np.float64)


class PaintWatch(QObject):
    """Counts finished paint events of a widget."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Paint:
            self.count += 1
        return False


def ms(seconds: float) -> float:
    return seconds * 1000.0


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return ms(best)


def shown_segments(scene, zoom: float) -> np.ndarray:
    """The segments the canvas draws at this zoom (dense bundles show their
    strongest lines only)."""
    parts = []
    for b in scene.bundle_items.values():
        count = b.shown_count(zoom)
        idx = None if count >= len(b.data) else b.data.strongest(count)
        parts.append(b.data.segments(scene.table.pos, idx))
    return np.concatenate(parts) if parts else np.zeros((0, 4))


# -- references -----------------------------------------------------------------------
def bare_open(design: Design, transform) -> float:
    """Segments gathered from the design, one path built, drawn once."""
    t = time.perf_counter()
    seg = segments(design)
    x = np.empty(2 * len(seg))
    y = np.empty(2 * len(seg))
    x[0::2], x[1::2], y[0::2], y[1::2] = seg[:, 0], seg[:, 2], seg[:, 1], seg[:, 3]
    path = pg.arrayToQPath(x, y, connect="pairs")
    img = QImage(*VIEW_SIZE, QImage.Format_ARGB32_Premultiplied)
    img.fill(Qt.white)
    p = QPainter(img)
    p.setTransform(transform)
    pen = QPen(QColor("#0877bd"), 1)
    pen.setCosmetic(True)
    p.setPen(pen)
    p.drawPath(path)
    p.end()
    return ms(time.perf_counter() - t)


def bare_paint(seg: np.ndarray, transform) -> float:
    """A bare QPainter drawing every segment once, 1 px, no antialiasing."""
    x = np.empty(2 * len(seg))
    y = np.empty(2 * len(seg))
    x[0::2], x[1::2], y[0::2], y[1::2] = seg[:, 0], seg[:, 2], seg[:, 1], seg[:, 3]
    path = pg.arrayToQPath(x, y, connect="pairs")
    img = QImage(*VIEW_SIZE, QImage.Format_ARGB32_Premultiplied)

    def draw():
        img.fill(Qt.white)
        p = QPainter(img)
        p.setTransform(transform)
        pen = QPen(QColor("#0877bd"), 1)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.drawPath(path)
        p.end()

    return timed(draw)


class NaiveCanvas:
    """One QGraphicsItem per neuron and per connection."""

    def __init__(self, design: Design):
        t = time.perf_counter()
        self.scene = QGraphicsScene()
        pos = {n.id: (n.x, n.y) for n in design.neurons}
        self.dots = {}
        for n in design.neurons:
            e = QGraphicsEllipseItem(-18, -18, 36, 36)
            e.setPos(n.x, n.y)
            e.setBrush(QColor("#e3e0f6"))
            self.scene.addItem(e)
            self.dots[n.id] = e
        self.lines_of: dict[int, list] = {}
        pen = QPen(QColor("#0877bd"), 1)
        for c in design.connections:
            (x0, y0), (x1, y1) = pos[c.source], pos[c.target]
            line = QGraphicsLineItem(x0, y0, x1, y1)
            line.setPen(pen)
            line.setZValue(-1)
            self.scene.addItem(line)
            self.lines_of.setdefault(c.source, []).append((line, 0))
            self.lines_of.setdefault(c.target, []).append((line, 1))
        self.view = QGraphicsView(self.scene)
        self.view.resize(*VIEW_SIZE)
        self.view.show()
        QApplication.processEvents()
        self.view.fitInView(self.scene.itemsBoundingRect(), Qt.KeepAspectRatio)
        self.view.viewport().repaint()
        self.open_ms = ms(time.perf_counter() - t)

    def repaint(self) -> float:
        return timed(self.view.viewport().repaint)

    def drag_frame(self, nid: int, frames: int = 10) -> float:
        dot = self.dots[nid]
        times = []
        for k in range(frames):
            t = time.perf_counter()
            dot.setPos(dot.pos() + QPointF(1, 1))
            p = dot.pos()
            for line, end in self.lines_of.get(nid, []):
                ln = line.line()
                if end == 0:
                    ln.setP1(p)
                else:
                    ln.setP2(p)
                line.setLine(ln)
            QApplication.processEvents()
            times.append(time.perf_counter() - t)
        return ms(statistics.median(times[1:]))

    def close(self):
        self.view.close()
        self.view.deleteLater()
        self.scene.clear()


# -- nnsim ---------------------------------------------------------------------------------
def measure(neurons: int, with_naive: bool) -> dict:
    app = QApplication.instance()
    design = make_design(neurons)
    seg = segments(design)
    doc = Document()
    scene = CanvasScene(doc)
    view = CanvasView(scene)
    view.resize(*VIEW_SIZE)
    view.show()
    app.processEvents()
    watch = PaintWatch(view.viewport())
    out: dict = {"neurons": len(design.neurons), "connections": len(design.connections)}

    t = time.perf_counter()
    doc.replace(design)
    app.processEvents()
    view.viewport().repaint()
    out["open"] = ms(time.perf_counter() - t)
    fitted = view.transform()

    # 100 % zoom on the middle of the second hidden layer
    middle = design.neurons_of(design.layers[2].id)
    target = middle[len(middle) // 2]
    x0 = target.x
    view.zoom_reset()
    view.centerOn(target.x, target.y)
    app.processEvents()
    at100 = view.viewportTransform()

    def cold():
        for b in scene.bundle_items.values():
            b.update()
        view.viewport().repaint()

    out["repaint cold"] = timed(cold)
    out["repaint warm"] = timed(view.viewport().repaint)
    out["bare repaint"] = bare_paint(seg, at100)
    shown = shown_segments(scene, view.zoom)
    out["lines drawn at 100%"] = len(shown)
    out["bare same lines"] = bare_paint(shown, at100)

    # drag one hidden neuron with real mouse events on the viewport
    w = view.viewport()
    start = view.mapFromScene(QPointF(target.x, target.y))
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, start)
    app.processEvents()
    frames = []
    for k in range(1, DRAG_FRAMES + 1):
        before = watch.count
        t = time.perf_counter()
        QTest.mouseMove(w, start + QPoint(k * 2, k))
        app.processEvents()
        frames.append(time.perf_counter() - t)
        assert watch.count > before, "a drag frame was not painted"
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, start + QPoint(DRAG_FRAMES * 2, DRAG_FRAMES))
    t = time.perf_counter()
    app.processEvents()
    out["drag release"] = ms(time.perf_counter() - t)
    assert abs(doc.index.neuron(target.id).x - x0 - 2 * DRAG_FRAMES) <= 2 and doc.undo_stack.count() == 1
    out["drag first frame"] = ms(frames[0])
    out["drag frame"] = ms(statistics.median(frames[1:]))

    # drag the whole layer by its frame (every connection of the layer moves)
    view.centerOn(target.x, target.y)
    app.processEvents()
    frame = scene.layer_items[design.layers[2].id].scene_frame()
    start = view.mapFromScene(QPointF(frame.center().x(), target.y + 30))  # between two neurons
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, start)
    frames = []
    for k in range(1, DRAG_FRAMES + 1):
        t = time.perf_counter()
        QTest.mouseMove(w, start + QPoint(k, k))
        app.processEvents()
        frames.append(time.perf_counter() - t)
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, start + QPoint(DRAG_FRAMES, DRAG_FRAMES))
    app.processEvents()
    assert doc.undo_stack.count() == 2
    out["layer drag frame"] = ms(statistics.median(frames[1:]))

    # the whole design in the window
    t = time.perf_counter()
    view.fit_all()
    view.viewport().repaint()
    out["zoomed out cold"] = ms(time.perf_counter() - t)
    out["zoomed out"] = timed(view.viewport().repaint)
    out["bare zoomed out"] = bare_paint(seg, view.viewportTransform())
    shown = shown_segments(scene, view.zoom)
    out["lines drawn zoomed out"] = len(shown)
    out["bare same lines zoomed out"] = bare_paint(shown, view.viewportTransform())
    out["bare open"] = bare_open(design, fitted)
    out["zoom"] = view.zoom
    steps = []
    for k in range(8):  # wheel steps around the fitted zoom: every frame is cold
        t = time.perf_counter()
        view.set_zoom(view.zoom * (1.1 if k % 2 else 1 / 1.1))
        view.viewport().repaint()
        steps.append(time.perf_counter() - t)
    out["zoom step"] = ms(statistics.median(steps))

    if with_naive and len(design.connections) <= NAIVE_MAX:
        naive = NaiveCanvas(design)
        out["naive open"] = naive.open_ms
        out["naive zoomed out"] = naive.repaint()
        naive.view.resetTransform()
        naive.view.centerOn(target.x, target.y)
        out["naive repaint"] = naive.repaint()
        out["naive drag frame"] = naive.drag_frame(target.id)
        naive.close()
    view.close()
    scene.clear()
    return out


# figure and its references (each printed where it was measured; the naive
# canvas is measured only where it finishes in reasonable time)
ROWS = [
    ("open", ("naive open", "bare open")),
    ("repaint cold", ("bare same lines", "bare repaint")),
    ("repaint warm", ("naive repaint", "bare repaint")),
    ("drag frame", ("naive drag frame", "bare repaint")),
    ("drag first frame", ("bare repaint",)),
    ("drag release", ("bare repaint",)),
    ("layer drag frame", ("bare repaint",)),
    ("zoomed out", ("naive zoomed out", "bare zoomed out")),
    ("zoomed out cold", ("bare same lines zoomed out", "bare zoomed out")),
    ("zoom step", ("bare same lines zoomed out", "bare zoomed out")),
]
REF_NAMES = {
    "naive": "naive items",
    "bare same lines": "bare, same lines",
    "bare": "bare, all lines",
}
NAIVE_MAX = 10_000  # connections: beyond, one item per line takes minutes



def report(results: list[dict]) -> None:
    for r in results:
        n = r["neurons"]
        print(f"\n{n} neurons, {r['connections']} connections (fitted zoom {r['zoom']:.3f})")
        print(f"  {'figure':<18}{'nnsim ms':>10}  {'reference':<17}{'ref ms':>9}{'ratio':>8}  target")
        print(f"  lines drawn: {r['lines drawn at 100%']} at 100 %, {r['lines drawn zoomed out']} zoomed out")
        for ours, refs in ROWS:
            target = TARGETS.get(n, {}).get(ours)
            t = f"< {target:g} {'ok' if r[ours] < target else 'MISSED'}" if target else ""
            first = True
            for ref in refs:
                if ref not in r:
                    continue
                name = next(v for k, v in REF_NAMES.items() if ref.startswith(k))
                label, value = (ours, f"{r[ours]:.1f}") if first else ("", "")
                note = t if first else ""
                print(f"  {label:<18}{value:>10}  {name:<17}{r[ref]:>9.1f}{r[ours] / r[ref]:>8.2f}  {note}")
                first = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--no-naive", action="store_true", help="skip the one-item-per-line reference")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    results = [measure(int(s), not args.no_naive) for s in args.sizes.split(",")]
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        report(results)
    del app


if __name__ == "__main__":
    main()
