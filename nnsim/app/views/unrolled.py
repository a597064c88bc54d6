"""The unrolled view: the network drawn once per time step, side by side.

Time runs left to right, layers bottom (input) to top (output), as in the
usual drawings of an unrolled recurrent network. Each layer at each step is a
row of dots coloured by its values (orange negative, blue positive);
undelayed connections join layers within a step; a delayed (recurrent)
connection runs from a layer at step t−1 to its target at step t, in the
canvas's loop colour, with the values it carries drawn along it. A few steps
around the chosen one are shown; click a step to choose it, the arrow keys
step through time.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnsim.app.canvas.loops import LOOP
from nnsim.app.training.colors import LUT
from nnsim.app.training.snapshot import SEQUENCE
from nnsim.app.views.common import HeavyView

COLUMN = 118  # px a step takes at least
MAX_DOTS = 10  # a wider layer shows its first neurons and "…"


def _color(v: float, lo: float, hi: float) -> QColor:
    if not np.isfinite(v):
        return QColor(200, 200, 200)
    t = (v - lo) / max(hi - lo, 1e-12)
    r, g, b, _ = LUT[int(np.clip(t, 0, 1) * (len(LUT) - 1))]
    return QColor(int(r), int(g), int(b))


class UnrolledCanvas(QWidget):
    def __init__(self, focus, parent=None):
        super().__init__(parent)
        self.focus = focus
        self.rows: list[tuple[int, str, np.ndarray]] = []  # (layer id, name, values (T, size)) bottom to top
        self.edges: list[tuple[int, int, int]] = []  # (source layer, target layer, delay)
        self.steps = 0
        self.setMinimumSize(240, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        focus.step_changed.connect(lambda _: self.update())

    def set_data(self, rows, edges, steps: int) -> None:
        self.rows, self.edges, self.steps = rows, edges, steps
        self.update()

    def window(self) -> range:
        """The steps shown: as many as fit, the chosen one inside."""
        fit = max(1, min(self.steps, (self.width() - 70) // COLUMN))
        first = int(np.clip(self.focus.step - fit // 2, 0, max(0, self.steps - fit)))
        return range(first, first + fit)

    def _geometry(self):
        shown = self.window()
        col_w = (self.width() - 70) / max(1, len(shown))
        row_h = (self.height() - 30) / max(1, len(self.rows))
        return shown, col_w, row_h

    def _center(self, k: int, row: int, col_w: float, row_h: float) -> QPointF:
        return QPointF(70 + (k + 0.5) * col_w, self.height() - 24 - (row + 0.5) * row_h)

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        if not self.rows or not self.steps:
            p.end()
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        shown, col_w, row_h = self._geometry()
        where = {lid: r for r, (lid, _, _) in enumerate(self.rows)}
        fm = p.fontMetrics()
        # Layer names on the left, step numbers underneath, the chosen step lit.
        for r, (_, name, _) in enumerate(self.rows):
            c = self._center(0, r, col_w, row_h)
            p.setPen(QColor(90, 90, 90))
            p.drawText(QRectF(2, c.y() - 9, 64, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, 62))
        for k, t in enumerate(shown):
            x = 70 + k * col_w
            if t == self.focus.step:
                p.fillRect(QRectF(x + 2, 2, col_w - 4, self.height() - 4), QColor(255, 244, 214))
            p.setPen(QColor(110, 110, 110))
            p.drawText(QRectF(x, self.height() - 20, col_w, 18), Qt.AlignmentFlag.AlignCenter, f"t = {t + 1}")
        half = min(col_w * 0.3, 8 + MAX_DOTS * 7)
        # Connections: within a step (grey), and from one step to the next (loops).
        for s, d, delay in self.edges:
            if s not in where or d not in where:
                continue
            for k, t in enumerate(shown):
                if delay and t == 0:
                    continue
                if not delay:
                    a = self._center(k, where[s], col_w, row_h) + QPointF(0, -8)
                    b = self._center(k, where[d], col_w, row_h) + QPointF(0, 8)
                    p.setPen(QPen(QColor(170, 170, 170), 1.2))
                    p.drawLine(a, b)
                    continue
                # From the right end of the source's row one step earlier to the left end of the target's row.
                b = self._center(k, where[d], col_w, row_h) + QPointF(-half - 4, 0)
                a = (self._center(k - 1, where[s], col_w, row_h) + QPointF(half + 4, 0) if k > 0
                     else QPointF(72, self._center(0, where[s], col_w, row_h).y()))
                lift = 26.0 if where[s] == where[d] else 0.0
                path = QPainterPath(a)
                control = QPointF((a.x() + b.x()) / 2, min(a.y(), b.y()) - 2 * lift)
                path.quadTo(control, b)
                p.setPen(QPen(LOOP, 1.6, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPath(path)
                self._arrow(p, b, path.angleAtPercent(1.0))
                self._carried(p, path, self.rows[where[s]][2][t - 1])
        # The values: a row of dots per layer and step.
        for r, (_, _, values) in enumerate(self.rows):
            lo, hi = _range(values)
            for k, t in enumerate(shown):
                self._dots(p, self._center(k, r, col_w, row_h), values[t], lo, hi, half)
        p.end()

    def _dots(self, p: QPainter, c: QPointF, row: np.ndarray, lo: float, hi: float, half: float) -> None:
        n = min(len(row), MAX_DOTS)
        step = min(14.0, 2 * half / max(1, n))
        radius = max(2.0, step / 2 - 1)
        x0 = c.x() - step * (n - 1) / 2
        p.setPen(QPen(QColor(60, 60, 60), 0.6))
        for j in range(n):
            p.setBrush(_color(float(row[j]), lo, hi))
            p.drawEllipse(QPointF(x0 + j * step, c.y()), radius, radius)
        if len(row) > n:
            p.setPen(QColor(90, 90, 90))
            p.drawText(QPointF(x0 + n * step - 2, c.y() + 4), "…")

    def _carried(self, p: QPainter, path: QPainterPath, row: np.ndarray) -> None:
        """The values a delayed connection carries, as small squares along it."""
        n = min(len(row), MAX_DOTS)
        lo, hi = -1.0, 1.0
        p.setPen(QPen(QColor(90, 90, 90), 0.5))
        for j in range(n):
            q = path.pointAtPercent(0.25 + 0.5 * (j + 0.5) / n)
            p.setBrush(_color(float(row[j]), lo, hi))
            p.drawRect(QRectF(q.x() - 3, q.y() - 3, 6, 6))

    @staticmethod
    def _arrow(p: QPainter, tip: QPointF, angle: float) -> None:
        a = np.radians(angle)
        back = QPointF(-np.cos(a) * 7, np.sin(a) * 7)
        side = QPointF(-np.sin(a) * 3.5, -np.cos(a) * 3.5)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(LOOP)
        p.drawPolygon([tip, tip + back + side, tip + back - side])

    def mousePressEvent(self, event) -> None:  # noqa: N802
        shown, col_w, _ = self._geometry()
        k = int((event.position().x() - 70) // max(col_w, 1e-9))
        if 0 <= k < len(shown):
            self.focus.set_step(shown[k])
        self.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if not self.focus.step_by_arrow(event):
            super().keyPressEvent(event)


def _range(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0 and finite.max() <= 1:
        return 0.0, 1.0
    m = float(np.abs(finite).max()) if finite.size else 1.0
    return -max(m, 1e-9), max(m, 1e-9)


class UnrolledView(HeavyView):
    """The unrolled network, live."""

    PARTS = frozenset({SEQUENCE})

    def __init__(self, controller, focus, parent=None):
        super().__init__(parent)
        self.controller, self.focus = controller, focus
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.note = QLabel("The network once per time step. Dashed: a recurrent connection carrying the values "
                           "of one step into the next. Click a step or use ← →.")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.canvas = UnrolledCanvas(focus)
        self.canvas.setObjectName("unrolled_canvas")
        lay.addWidget(self.canvas, 1)
        self.edges: list[tuple[int, int, int]] = []
        self.follow(controller, self._session, every_frame=True)  # every paced frame

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        probe = self.controller.probe
        self.edges = []
        if probe is not None and probe.sequence:
            net = probe.session.network
            ids = {info.index: info.layer_id for info in probe.layers}
            edges = {(ids[s], ids[node.index], int(d)) for node in net.layers for s, d in zip(node.sources, node.delays)}
            # A recurrent layer (an LSTM) carries its own state from one step to the next.
            edges |= {(ids[node.index], ids[node.index], 1) for node in net.layers
                      if node.op is not None and node.op.stateful}
            self.edges = sorted(edges)
        self.canvas.set_data([], [], 0)
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        probe = self.controller.probe
        if heavy is None or heavy.sequence is None or heavy is self._heavy or probe is None or not self.in_sight():
            return False
        self._heavy = heavy
        seq = heavy.sequence
        rows = []
        inputs = [info for info in probe.layers if info.kind == "input"]
        outputs = [info for info in probe.layers if info.kind == "output"]
        col = 0
        for info in inputs:
            size = len(info.neuron_ids)
            rows.append((info.layer_id, info.name, seq.x[:, col : col + size]))
            col += size
        rows += [(layer.layer_id, layer.name, layer.values) for layer in seq.layers]
        col = 0
        for info in outputs:
            size = len(info.neuron_ids) or 1
            rows.append((info.layer_id, info.name, seq.output[:, col : col + size]))
            col += size
        self.focus.seen(seq.steps)
        self.canvas.set_data(rows, self.edges, seq.steps)
        return True


__all__ = ["UnrolledView"]
