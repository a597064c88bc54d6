"""Gradient descent you can see: the loss over two weights, and the way down.

Pick two numbers of the network; the loss over a grid of their values is drawn
as a heatmap with contour lines (everything else stays as it is). The arrow
at the current point is the step gradient descent would take with the current
learning rate (−rate × gradient). "Take one step" and "Run" descend on just
these two numbers, so the path lies exactly on the map; a too-large learning
rate visibly overshoots the valley and climbs out of it. When the network is
trained elsewhere (the training panel), its path across the map is traced too.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSignalBlocker, QTimer
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QWidget

from nnsim.app.learn.commands import new_run_id, push_numbers
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.landscape import Landscape, Param, ParamList, auto_span, diverged, find_param
from nnsim.app.learn.param_chooser import ParamChooser
from nnsim.app.learn.overlay import escape
from nnsim.app.learn.samples import load_samples
from nnsim.app.learn.widgets import DockPanel, button, column, message_box, note, scroll_column, set_box
from nnsim.app.panels.fields import NumberField
from nnsim.app.flow import FlowLayout
from nnsim.design.recipes import EditError
from nnsim.design.validate import DesignError
from nnsim.explain import count, fmt

RESOLUTION = 41
N_CONTOURS = 9
MAX_RUN_STEPS = 400


class LandscapePanel(DockPanel):
    def __init__(self, hub: LearnHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_landscape")
        self.hub = hub
        self.document = hub.document
        self.scape: Landscape | None = None
        self.params: ParamList | None = None
        self._selection = ([], [], [])
        self.path: list[tuple[float, float]] = []
        self.train_path: list[tuple[float, float]] = []
        self.losses: list[float] = []
        self.run_id: int | None = None
        self.active = False
        self._dirty = True
        self._pushing = False
        self._wanted: tuple | None = None  # a lesson's choice of parameters
        self.map_numbers = None  # the other numbers when the map was drawn
        self.extent = ((-1.0, 1.0), (-1.0, 1.0))  # the map's range of the two numbers
        self.status = ""
        self.gone = False  # the last run diverged: no arrow from out there

        self.intro = note(
            "The colours show the loss for every pair of values of two numbers of the network "
            "(dark = low). Training wants to get downhill. The <b>red dot</b> is where the network is now; "
            "the <b>arrow</b> is the step gradient descent takes from here: against the gradient, as long "
            "as the learning rate says. White dots: the path taken so far."
        )
        self.intro.setStyleSheet("color: #616161;")
        # Choosers with a searchable list (a network may have 180,000 weights);
        # a connection or neuron selected on the canvas can be taken directly.
        self.x_box = ParamChooser()
        self.x_box.setObjectName("x_param")
        self.y_box = ParamChooser()
        self.y_box.setObjectName("y_param")
        self.picked = None  # the number selected on the canvas (a Param), if any
        self.pick_label = note()
        self.pick_label.setObjectName("landscape_pick")
        self.pick_x = button("Across", "Draw the map across the number selected on the canvas", "pick_x")
        self.pick_y = button("Up", "Draw the map up the number selected on the canvas", "pick_y")
        picks = FlowLayout()
        for w in (self.pick_label, self.pick_x, self.pick_y):
            picks.addWidget(w)
        self.rate = NumberField(minimum=0.0001, maximum=100.0, step=0.1)
        self.rate.setObjectName("rate_spin")
        self.rate.setKeyboardTracking(False)
        self.rate.setToolTip("The training's learning rate (the same setting as in the training panel)")
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Across:", self.x_box)
        form.addRow("Up:", self.y_box)
        form.addRow("Learning rate:", self.rate)
        form.addRow(picks)

        self.step_button = button("Take one step", "One step of gradient descent on these two numbers", "step_button")
        self.run_button = button("Run", "Keep stepping", "run_button")
        self.stop_button = button("Stop", "", "stop_button")
        self.redraw_button = button(
            "Redraw here", "Draw the map again around the current point", "redraw_button"
        )
        buttons = FlowLayout()  # onto a second row, rather than squeezed, in a narrow column
        for b in (self.step_button, self.run_button, self.stop_button, self.redraw_button):
            buttons.addWidget(b)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("landscape_plot")
        self.plot.setMinimumSize(200, 170)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        # Both numbers span the same width, so a square map: the arrow then meets
        # the contour lines at right angles, as the gradient does.
        self.plot.setAspectLocked(True)
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.plot.addItem(self.image)
        self.contours: list[pg.IsocurveItem] = []
        self.train_curve = pg.PlotDataItem(pen=pg.mkPen("#ff8a65", width=2), symbol="o", symbolSize=4,
                                           symbolBrush="#ff8a65", symbolPen=None)
        self.path_curve = pg.PlotDataItem(pen=pg.mkPen("#ffffff", width=2), symbol="o", symbolSize=6,
                                          symbolBrush="#ffffff", symbolPen=pg.mkPen("#212121"))
        self.arrow_shaft = pg.PlotDataItem(pen=pg.mkPen("#e53935", width=3))
        self.arrow_head = pg.ArrowItem(angle=0, headLen=14, tipAngle=35, brush="#e53935", pen=None)
        self.here = pg.ScatterPlotItem(size=13, brush=pg.mkBrush("#e53935"), pen=pg.mkPen("#ffffff", width=2))
        for item in (self.train_curve, self.path_curve, self.arrow_shaft, self.arrow_head, self.here):
            self.plot.addItem(item)
        self.readout = note()
        self.readout.setObjectName("landscape_readout")
        self.status_box = message_box("info")
        self.status_box.setObjectName("landscape_status")

        # Sideways, to fit the short dock under the canvas: the map at the dock's
        # height, the controls and the words in a column beside it.
        # What happened and the numbers come first; the words scroll on their own.
        self.words = scroll_column(self.status_box, self.readout, self.intro, name="landscape_words")
        self.side = column(form, buttons, self.words, stretch_last=True, width=(330, 520))
        layout = QHBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.side, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(120)
        self.timer.timeout.connect(self._tick)
        self.x_box.currentIndexChanged.connect(self._params_chosen)
        self.y_box.currentIndexChanged.connect(self._params_chosen)
        self.rate.valueChanged.connect(self._rate_edited)
        self.step_button.clicked.connect(self.step)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self.redraw_button.clicked.connect(self.redraw)
        self.pick_x.clicked.connect(lambda: self._use_picked(self.x_box))
        self.pick_y.clicked.connect(lambda: self._use_picked(self.y_box))
        self.document.changed.connect(self._design_changed)
        self.document.reset.connect(self._design_reset)
        hub.step_started.connect(self.apply_step)
        hub.selection_changed.connect(self._canvas_selection)
        self._stale = False  # the design changed while hidden: list its numbers again when shown
        self._canvas_selection([], [], [])
        self._design_reset()

    def apply_step(self, step) -> None:
        if step.landscape:
            self.choose(*step.landscape)

    # -- visibility ------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.active = True
        if self._stale:
            self._stale = False
            self._fill_boxes()
            self._sync_rate()
            self._dirty = True
        if self._dirty:
            self.redraw()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.active = False
        self.stop()

    # -- choosing ---------------------------------------------------------------------------
    def choose(self, first, second) -> bool:
        """Choose the two parameters by lesson spec (``[source, target]`` or
        ``["bias", neuron]``) or by ``Param``."""
        self._wanted = (first, second)
        ok = self._apply_wanted()
        self.redraw()
        return ok

    def _apply_wanted(self) -> bool:
        if self._wanted is None:
            return False
        if self.params is None:
            return False
        d = self.document.design
        found = [p if isinstance(p, Param) else find_param(d, p) for p in self._wanted]
        if None in found or found[0] not in self.params or found[1] not in self.params:
            return False
        with QSignalBlocker(self.x_box), QSignalBlocker(self.y_box):
            self.x_box.setCurrentIndex(self.params.index(found[0]))
            self.y_box.setCurrentIndex(self.params.index(found[1]))
        return True

    def _fill_boxes(self, params: ParamList | None = None) -> None:
        old = (self.current_params() if self.params else (None, None))
        self.params = params if params is not None else ParamList(self.document.design)
        with QSignalBlocker(self.x_box), QSignalBlocker(self.y_box):
            self.x_box.set_params(self.params)
            self.y_box.set_params(self.params)
            if old[0] in self.params and old[1] in self.params:
                self.x_box.setCurrentIndex(self.params.index(old[0]))
                self.y_box.setCurrentIndex(self.params.index(old[1]))
            elif not self._apply_wanted():
                first, second = self._default_pair()
                self.x_box.setCurrentIndex(first)
                self.y_box.setCurrentIndex(second)

    def _default_pair(self) -> tuple[int, int]:
        """Two weights into the same neuron, the last one first (the output)."""
        keys = self.params.keys
        weights = [i for i, (kind, _) in enumerate(keys) if kind == "w"]
        for i in reversed(weights):
            t = keys[i][1][1]
            same = next((j for j in reversed(weights) if keys[j][1][1] == t and j != i), None)
            if same is not None:
                return same, i
        return (0, 1) if len(keys) > 1 else (0, 0)

    def current_params(self) -> tuple[Param | None, Param | None]:
        i, j = self.x_box.currentIndex(), self.y_box.currentIndex()
        p = self.params
        if p is None:
            return None, None
        return (p[i] if 0 <= i < len(p) else None, p[j] if 0 <= j < len(p) else None)

    def _params_chosen(self) -> None:
        self._wanted = None
        self.redraw()

    # -- following the document ------------------------------------------------------------
    def _design_reset(self) -> None:
        self.stop()
        self._wanted = None
        self.params = None
        self.scape = None
        if not self.active:  # hidden views do no work: the numbers are listed when shown
            self._stale = True
            self.x_box.set_params(None)
            self.y_box.set_params(None)
            self.path, self.train_path, self.losses = [], [], []
            self._dirty = True
            return
        self._fill_boxes()
        self._sync_rate()
        self.path, self.train_path, self.losses = [], [], []
        set_box(self.status_box, "")
        self._dirty = True
        if self.active:
            self.redraw()

    def _canvas_selection(self, neurons, layers, connections) -> None:
        """One connection (its weight) or one neuron (its bias) selected on
        the canvas can be drawn across or up."""
        self._selection = (list(neurons), list(layers), list(connections))
        picked = None
        if len(connections) == 1 and not neurons and not layers:
            picked = Param("w", tuple(connections[0]))
        elif len(neurons) == 1 and not connections:
            picked = Param("b", neurons[0])
        if picked is not None and (self.params is None or picked not in self.params):
            picked = None  # frozen, an input's bias, or not listed yet
        self.picked = picked
        if picked is None:
            self.pick_label.setText("Or select a connection or a neuron on the canvas to use its weight or bias.")
        else:
            self.pick_label.setText(f"Selected: {escape(self.params.name(self.params.index(picked)))}")
        self.pick_x.setVisible(picked is not None)
        self.pick_y.setVisible(picked is not None)

    def _use_picked(self, box: ParamChooser) -> None:
        if self.picked is not None and self.params is not None:
            box.setCurrentIndex(self.params.index(self.picked))

    def _sync_rate(self) -> None:
        with QSignalBlocker(self.rate):
            self.rate.setValue(float(self.document.design.training.learning_rate))

    def _rate_edited(self, value: float) -> None:
        if abs(value - self.document.design.training.learning_rate) > 1e-12:
            self.document.set_training(learning_rate=float(value))

    def _design_changed(self) -> None:
        if not self.active or self._stale:  # hidden: catch up when shown
            self._stale = True
            self._dirty = True
            return
        self._sync_rate()
        if self._pushing:
            return
        self._canvas_selection(*self._selection)
        params = ParamList(self.document.design)
        if not params.same_as(self.params):
            self._fill_boxes(params)
            self._dirty = True
            if self.active:
                self.redraw()
            return
        if self.scape is None:
            return
        # Numbers changed elsewhere (training, an edit, undo): follow them.
        px, py = self.scape.params
        point = self._design_values(px, py)
        if point is None:
            return
        if self.path and np.allclose(point, self.path[-1], rtol=0, atol=0):
            return  # a setting changed, not the numbers
        self.scape.set_values(*point)
        self.gone = False
        earlier = [i for i, q in enumerate(self.path) if q == tuple(point)]
        if earlier:  # undo or redo: go back along the path
            del self.path[earlier[-1] + 1 :]
            del self.losses[earlier[-1] + 1 :]
            set_box(self.status_box, "")
            self._draw_path()
            return
        if self._others_changed():
            self.train_path.append(point)
            set_box(
                self.status_box,
                "Other numbers of the network have changed since the map was drawn, so the map is out of "
                "date. <b>Redraw the map here</b> to see the landscape as it is now.",
                "info",
            )
        else:
            self.path.append(point)
            self.losses.append(self.scape.loss())
        self._draw_path()

    def _design_values(self, px: Param, py: Param):
        d = self.document.design
        out = []
        for p in (px, py):
            if p.kind == "w":
                c = d.connection(*p.key)
                if c is None:
                    return None
                out.append(c.weight)
            else:
                try:
                    out.append(d.neuron(p.key).bias)
                except KeyError:
                    return None
        return tuple(out)

    def _others_changed(self) -> bool:
        if self.map_numbers is None:
            return False
        px, py = self.scape.params
        skip_w = {p.key for p in (px, py) if p.kind == "w"}
        skip_b = {p.key for p in (px, py) if p.kind == "b"}
        d = self.document.design
        w = [c.weight for c in d.connections if (c.source, c.target) not in skip_w]
        b = [n.bias for n in d.neurons if n.id not in skip_b]
        return (w, b) != self.map_numbers

    # -- the map ------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Compute the map around the current point."""
        self._dirty = False
        self.stop()
        px, py = self.current_params()
        self.scape = None
        if px is None or py is None or px == py:
            self._blank("Choose two different numbers of the network to draw the loss over."
                        if px is not None else "This design has no weights to explore yet.")
            return
        path = self.document.path
        samples, problem = load_samples(self.document.design, path.parent if path else None)
        if samples is None:
            self._blank(f"The loss cannot be computed: {escape(problem)}.")
            return
        try:
            self.scape = Landscape(self.document.design, samples.x, samples.y, px, py)
        except (DesignError, ValueError) as e:
            self._blank(f"The loss cannot be computed: {escape(str(e))}.")
            return
        u, v = self.scape.values()
        span = auto_span(u, v)
        us = np.linspace(u - span, u + span, RESOLUTION)
        vs = np.linspace(v - span, v + span, RESOLUTION)
        loss = self.scape.grid(us, vs)
        self.grid = (us, vs, loss)
        shown = np.log10(np.clip(np.where(np.isfinite(loss), loss, np.nan), 1e-9, None))
        finite = shown[np.isfinite(shown)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi - lo < 1e-9:
            hi = lo + 1e-9
        shown = np.where(np.isfinite(shown), shown, hi)
        self.image.setImage(shown, autoLevels=False, levels=(lo, hi))
        step_u, step_v = us[1] - us[0], vs[1] - vs[0]
        self.image.setRect(QRectF(us[0] - step_u / 2, vs[0] - step_v / 2, step_u * RESOLUTION, step_v * RESOLUTION))
        for c in self.contours:
            self.plot.removeItem(c)
        self.contours = []
        for level in np.linspace(lo, hi, N_CONTOURS + 2)[1:-1]:
            iso = pg.IsocurveItem(data=shown.T, level=float(level), pen=pg.mkPen((255, 255, 255, 110), width=1))
            iso.setParentItem(self.image)
            # The image's transform maps pixel (col, row) to values; the isocurve shares it.
            iso.setTransform(pg.QtGui.QTransform.fromTranslate(0.5, 0.5))  # pixel centres
            self.contours.append(iso)
        self.plot.setLabel("bottom", px.name)
        self.plot.setLabel("left", py.name)
        self.extent = ((float(us[0]), float(us[-1])), (float(vs[0]), float(vs[-1])))
        self.path = [(u, v)]
        self.gone = False
        self.train_path = []
        self.losses = [self.scape.loss()]
        self.map_numbers = self._other_numbers()
        set_box(self.status_box, "")
        self._draw_path()
        self.hub.record("landscape_shown", params=[px.name, py.name])

    def _other_numbers(self):
        px, py = self.scape.params
        skip_w = {p.key for p in (px, py) if p.kind == "w"}
        skip_b = {p.key for p in (px, py) if p.kind == "b"}
        d = self.document.design
        return (
            [c.weight for c in d.connections if (c.source, c.target) not in skip_w],
            [n.bias for n in d.neurons if n.id not in skip_b],
        )

    def _blank(self, text: str) -> None:
        self.image.clear()
        for c in self.contours:
            self.plot.removeItem(c)
        self.contours = []
        for item in (self.path_curve, self.train_curve, self.arrow_shaft, self.here):
            item.setData([], [])
        self.arrow_head.hide()
        self.readout.setText("")
        set_box(self.status_box, text, "warn")
        self._enable()

    def _draw_path(self) -> None:
        if self.scape is None:
            return
        pts = np.array(self.path) if self.path else np.zeros((0, 2))
        self.path_curve.setData(pts[:, 0], pts[:, 1])
        tp = np.array(self.train_path) if self.train_path else np.zeros((0, 2))
        self.train_curve.setData(tp[:, 0], tp[:, 1])
        u, v = self.scape.values()
        self.here.setData([u], [v])
        gu, gv = self.scape.gradient()
        rate = float(self.document.design.training.learning_rate)
        du, dv = -rate * gu, -rate * gv
        finite = all(math.isfinite(t) for t in (u, v, du, dv))
        self._fit(u, v, du, dv, finite and not self.gone)
        if finite and (du or dv) and not self.gone:
            self.arrow_shaft.setData([u, u + du], [v, v + dv])
            self.arrow_head.setPos(u + du, v + dv)
            # ArrowItem's angle 0 points left; screen y grows downwards.
            (sx, sy) = self._screen_direction(du, dv)
            self.arrow_head.setStyle(angle=180 + math.degrees(math.atan2(sy, sx)))
            self.arrow_head.show()
        else:
            self.arrow_shaft.setData([], [])
            self.arrow_head.hide()
        loss = self.scape.loss()
        px, py = self.scape.params
        self.readout.setText(
            f"Here: {escape(px.name)} = <b>{fmt(u)}</b>, {escape(py.name)} = <b>{fmt(v)}</b>, "
            f"loss = <b>{fmt(loss)}</b>.<br>Gradient: ∂L/∂(across) = {fmt(gu)}, ∂L/∂(up) = {fmt(gv)}. "
            f"The next step moves by −{fmt(rate)} × gradient = ({fmt(du)}, {fmt(dv)})."
        )
        self._enable()

    def _fit(self, u: float, v: float, du: float, dv: float, arrow: bool) -> None:
        """Show the whole map, and the dot and the arrow's tip where they have
        left it (not further than one map's width beyond it)."""
        (x0, x1), (y0, y1) = self.extent
        xs, ys = [x0, x1], [y0, y1]
        if math.isfinite(u) and math.isfinite(v):
            xs.append(u)
            ys.append(v)
            if arrow:
                xs.append(u + du)
                ys.append(v + dv)
        wx, wy = x1 - x0, y1 - y0
        lo_x, hi_x = max(min(xs), x0 - wx), min(max(xs), x1 + wx)
        lo_y, hi_y = max(min(ys), y0 - wy), min(max(ys), y1 + wy)
        pad_x = 0.0 if (lo_x, hi_x) == (x0, x1) else 0.04 * wx
        pad_y = 0.0 if (lo_y, hi_y) == (y0, y1) else 0.04 * wy
        self.plot.setRange(xRange=(lo_x - pad_x, hi_x + pad_x), yRange=(lo_y - pad_y, hi_y + pad_y), padding=0)

    def _screen_direction(self, du: float, dv: float) -> tuple[float, float]:
        vb = self.plot.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        w = max(vb.width(), 1.0)
        h = max(vb.height(), 1.0)
        return du / (x1 - x0) * w, -dv / (y1 - y0) * h

    # -- descending ---------------------------------------------------------------------------
    def step(self) -> bool:
        """One gradient-descent step on the two chosen numbers; False when it stops."""
        if self.scape is None:
            return False
        if not self.timer.isActive():
            self.run_id = new_run_id()  # a single step is its own undo step
        rate = float(self.document.design.training.learning_rate)
        u, v, loss = self.scape.descend(rate)
        self.path.append((u, v))
        self.losses.append(loss)
        weights, biases = self.scape.write_numbers(self.document.design)
        self._pushing = True
        try:
            steps = len(self.path) - 1
            push_numbers(self.document, weights, biases,
                         f"Gradient descent on the landscape ({count(steps, 'step')})", self.run_id)
            pushed = True
        except EditError:
            pushed = False
        finally:
            self._pushing = False
        self.hub.record("descent_step", loss=loss, learning_rate=rate, step=len(self.path) - 1)
        self._draw_path()
        if not pushed or diverged(self.losses):
            self._diverged(rate)
            return False
        return True

    def _diverged(self, rate: float) -> None:
        self.stop()
        self.gone = True
        self._draw_path()
        first, last = self.losses[0], self.losses[-1]
        set_box(
            self.status_box,
            f"<b>Diverged.</b> The loss went from {fmt(first)} to {fmt(last)} in {len(self.losses) - 1} steps. "
            f"With a learning rate of {fmt(rate)} each step jumps clear across the valley and lands higher up "
            "the other side, and the next jump is bigger still. Lower the learning rate and try again; "
            "Undo (Ctrl+Z) puts the numbers back.",
            "bad",
        )
        self.hub.record("diverged", source="landscape", learning_rate=rate, loss=last)

    def run(self) -> None:
        if self.scape is None:
            return
        self.run_id = new_run_id()
        self._run_steps = 0
        self.timer.start()
        self._enable()

    def _tick(self) -> None:
        self._run_steps += 1
        if not self.step() or self._run_steps >= MAX_RUN_STEPS:
            self.stop()

    def stop(self) -> None:
        self.timer.stop()
        self.run_id = None
        self._enable()

    def _enable(self) -> None:
        ok = self.scape is not None
        running = self.timer.isActive()
        self.step_button.setEnabled(ok and not running)
        self.run_button.setEnabled(ok and not running)
        self.stop_button.setEnabled(running)
        self.redraw_button.setEnabled(ok and not running)
