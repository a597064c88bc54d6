"""The GAN view: the contest between generator and discriminator, live.

For points in the plane: the discriminator's verdict as a heatmap (green:
looks real, purple: looks fake, grey: cannot tell), the real samples, the
generated ones, and from each generated point an arrow in the direction the
generator's loss pushes it; optionally the generator's manifold (a grid of
noise pushed through the generator). Under it both losses over time, and a
line with the JS divergence against the floor two real samples reach, naming
mode collapse when the generated points cover only part of the data. For
images, a grid of generated images with the discriminator's score on each.

Buttons step the discriminator or the generator alone, or one whole round;
"Draw data" lets the user draw the distribution to learn with the mouse
(one undoable edit per stroke).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.flow import FlowLayout
from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.gan_probe import COLLAPSE, GanProbe
from nnsim.app.training.snapshot import GAN
from nnsim.app.views.common import HeavyView
from nnsim.app.views.gan_room import PLANE_LEAST, LowLayoutWidget, LowPlot, ShortDock
from nnsim.app.views.gan_round import SlowRound
from nnsim.data.distributions import NAMES as DISTRIBUTIONS
from nnsim.data.distributions import TITLES
from nnsim.design.edits import set_fields
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR, MAX_PLAYER_STEPS, GanLoss, GanSettings, Noise

REAL_RGB = (27, 158, 119)  # green: real
FAKE_RGB = (117, 82, 170)  # purple: fake
MID_RGB = (236, 236, 236)  # D cannot tell
ARROW_LENGTH = 0.07  # the longest arrow, in plane units
MAX_DRAWN = 2000  # points one drawing keeps
RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)  # GAN Lab's choices
SMOOTH_LABEL = 0.9  # the real target with one-sided label smoothing (Salimans et al.)


def verdict_lut() -> np.ndarray:
    """256 colours from fake (0, purple) through grey (0.5) to real (1, green)."""
    t = np.linspace(0.0, 1.0, 256)[:, None]
    fake, mid, real = (np.array(c, dtype=np.float64) for c in (FAKE_RGB, MID_RGB, REAL_RGB))
    low = mid + (fake - mid) * np.clip(1 - 2 * t, 0, 1)
    high = mid + (real - mid) * np.clip(2 * t - 1, 0, 1)
    return np.where(t < 0.5, low, high).astype(np.uint8)


class DrawingPlot(LowPlot):
    """The plane, which in drawing mode turns a mouse stroke into points."""

    stroke_finished = Signal(list)  # [(x, y), ...] in plane units

    def __init__(self):
        super().__init__(background="w")
        self.drawing = False
        self._stroke: list[tuple[float, float]] = []

    def _point(self, event) -> tuple[float, float]:
        p = self.getPlotItem().getViewBox().mapSceneToView(self.mapToScene(event.position().toPoint()))
        return float(np.clip(p.x(), 0.0, 1.0)), float(np.clip(p.y(), 0.0, 1.0))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.drawing and event.button() == Qt.MouseButton.LeftButton:
            self._stroke = [self._point(event)]
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.drawing and self._stroke:
            self._stroke.append(self._point(event))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.drawing and self._stroke:
            stroke, self._stroke = self._stroke, []
            self.stroke_finished.emit(stroke)
            event.accept()
            return
        super().mouseReleaseEvent(event)


class GanView(HeavyView):
    PARTS = frozenset({GAN})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        bar = FlowLayout()
        self.step_d = QPushButton("Step discriminator")
        self.step_g = QPushButton("Step generator")
        self.step_both = QPushButton("Step round")
        self.step_d.setToolTip("One update of the discriminator alone")
        self.step_g.setToolTip("One update of the generator alone, through the discriminator's verdict")
        self.step_both.setToolTip("One round: the discriminator's updates, then the generator's")
        self.step_d.clicked.connect(lambda: controller.step_player(DISCRIMINATOR))
        self.step_g.clicked.connect(lambda: controller.step_player(GENERATOR))
        self.step_both.clicked.connect(controller.step_batch)
        self.slow = QPushButton("Slow round")
        self.slow.setCheckable(True)
        self.slow.setToolTip("Walk through one round stage by stage: sample, generate, judge, loss, the two updates")
        self.round = SlowRound(controller, parent=self)
        self.slow.toggled.connect(lambda on: self.round.start() if on else self.round.running and self.round.stop())
        self.round.finished.connect(lambda: self.slow.setChecked(False))
        self.arrows_box = QCheckBox("Gradients")
        self.arrows_box.setChecked(True)
        self.manifold_box = QCheckBox("Manifold")
        self.draw_button = QPushButton("Draw data")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Draw the distribution to learn: drag in the plane (each stroke can be undone)")
        for w in (self.step_d, self.step_g, self.step_both, self.slow, self.arrows_box, self.manifold_box,
                  self.draw_button):
            bar.addWidget(w)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.settings_row = GanSettingsRow(controller)
        lay.addWidget(self.settings_row)

        self.stack = QStackedWidget()
        plane = QWidget()
        pl = QVBoxLayout(plane)
        pl.setContentsMargins(0, 0, 0, 0)
        self.plot_widget = DrawingPlot()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(verdict_lut())
        self.plot.addItem(self.image)
        self.image.setRect(QRectF(0, 0, 1, 1))
        self.manifold = pg.PlotDataItem(pen=pg.mkPen((150, 150, 150), width=1), connect="finite")
        self.real_points = pg.ScatterPlotItem(size=5, pen=pg.mkPen((10, 90, 60)), brush=pg.mkBrush(*REAL_RGB))
        self.fake_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen((60, 30, 110)), brush=pg.mkBrush(*FAKE_RGB))
        self.arrows = pg.PlotDataItem(pen=pg.mkPen((40, 20, 80), width=1.5), connect="pairs")
        self.drawn = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(20, 20, 20))
        for z, item in enumerate((self.manifold, self.real_points, self.fake_points, self.arrows, self.drawn)):
            item.setZValue(5 + z)
            self.plot.addItem(item)
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setLabel("bottom", "x1")
        self.plot.setLabel("left", "x2")
        self.plot_widget.setMinimumHeight(PLANE_LEAST)
        pl.addWidget(self.plot_widget, 2)
        self.losses = LowPlot(background="w")
        self.losses.setMinimumHeight(70)
        lp = self.losses.getPlotItem()
        lp.setMenuEnabled(False)
        lp.hideButtons()
        lp.setTitle("<span style='color: rgb(27,158,119)'>— discriminator loss</span> &nbsp; "
                    "<span style='color: rgb(117,82,170)'>— generator loss</span>", size="8pt")  # above, never on a curve
        lp.setLabel("bottom", "epoch")
        self.d_curve = lp.plot(pen=pg.mkPen(REAL_RGB, width=2))
        self.g_curve = lp.plot(pen=pg.mkPen(FAKE_RGB, width=2))
        pl.addWidget(self.losses, 1)
        self.pictures = [PictureMenu(self.plot_widget, "GAN plane"), PictureMenu(self.losses, "GAN losses")]
        self.stack.addWidget(plane)
        self.images_view = LowLayoutWidget()
        self.images_view.setBackground("w")
        self.pictures.append(PictureMenu(self.images_view, "GAN samples"))
        self.stack.addWidget(self.images_view)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.note)
        lay.addWidget(self.stack, 1)
        self.stage = QLabel("")
        self.stage.setObjectName("gan_stage")
        self.stage.setWordWrap(True)
        self.stage.setStyleSheet("font-weight: bold")
        self.stage.hide()
        self.round.stage_changed.connect(self._stage_changed)
        lay.addWidget(self.stage)
        row = QHBoxLayout()
        self.readout = QLabel(" ")
        self.readout.setObjectName("gan_readout")
        self.readout.setWordWrap(True)
        row.addWidget(self.readout, 1)
        lay.addLayout(row)
        self.legend = QLabel(
            "<span style='color: rgb(27,158,119)'>●</span> real &nbsp; "
            "<span style='color: rgb(117,82,170)'>●</span> generated; the background is the discriminator's "
            "verdict (green: real, purple: fake, grey: it cannot tell); arrows: where the generator moves each point")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.legend)
        self._image_items: list = []
        self.arrows_box.toggled.connect(lambda _on: self.refresh(force=True))
        self.manifold_box.toggled.connect(lambda _on: self.refresh(force=True))
        self.draw_button.toggled.connect(self._drawing_toggled)
        self.plot_widget.stroke_finished.connect(self._stroke_finished)
        self._losses_version, self._losses_seen = -1, 0  # the history the curves were drawn from, and how much of it
        self._losses: tuple[list, list, list] = ([], [], [])  # epochs, the discriminator's and generator's losses
        controller.updated.connect(self._update_losses)
        controller.history_reset.connect(self._update_losses)
        self.follow(controller, self.load_data, every_frame=True)
        self.room = ShortDock(self)  # in a short dock the plane comes first

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.room.watch()

    # -- the session ------------------------------------------------------------------------
    @property
    def probe(self) -> GanProbe | None:
        probe = self.controller.probe
        return probe if isinstance(probe, GanProbe) else None

    @Slot()
    def load_data(self) -> None:
        self._heavy = None
        probe = self.probe
        for w in (self.step_d, self.step_g, self.step_both, self.slow):
            w.setEnabled(probe is not None)
        if probe is None:
            self.note.setText(self.controller.error or "Not a GAN: this view shows a generator and a discriminator "
                              "at play (the learning rule 'adversarial').")
            self.stack.setCurrentWidget(self.note)
            return
        self.draw_button.setEnabled(probe.plane)
        self.settings_row.load()
        self.legend.setVisible(probe.plane)
        for w in (self.arrows_box, self.manifold_box):
            w.setEnabled(probe.plane)
        if probe.plane:
            self.stack.setCurrentIndex(0)
            self.real_points.setData(x=probe.real[:, 0], y=probe.real[:, 1])
        else:
            self.stack.setCurrentWidget(self.images_view)
        self._show_drawn()
        self._update_losses()

    def _show_drawn(self) -> None:
        spec = self.controller.document.design.dataset
        pts = np.array(spec.drawn, dtype=np.float64).reshape(-1, 2) if spec.drawn else np.empty((0, 2))
        self.drawn.setData(x=pts[:, 0], y=pts[:, 1])

    @Slot(int, str)
    def _stage_changed(self, index: int, text: str) -> None:
        self.stage.setText(text)
        self.stage.setVisible(index >= 0)

    # -- drawing ----------------------------------------------------------------------------
    @Slot(bool)
    def _drawing_toggled(self, on: bool) -> None:
        self.plot_widget.drawing = on
        self.plot.getViewBox().setMouseEnabled(not on, not on)
        if on:
            self.controller.pause()

    @Slot(list)
    def _stroke_finished(self, stroke: list) -> None:
        """A stroke adds its points to the drawn distribution (one edit)."""
        doc = self.controller.document
        spec = doc.design.dataset
        keep = list(spec.drawn) if spec.source == "distribution" and spec.name == "drawn" else []
        pts = keep + [(round(x, 4), round(y, 4)) for x, y in _spaced(stroke)]
        new = dataclasses.replace(spec, source="distribution", name="drawn", drawn=pts[-MAX_DRAWN:])
        doc.push("Draw data points", set_fields(("design", None), doc.design, dataset=new))
        self._show_drawn()

    # -- drawing a frame ------------------------------------------------------------------
    @Slot()
    def refresh(self, force: bool = False) -> bool:
        heavy = self.controller.heavy
        probe = self.probe
        if probe is None or heavy is None or heavy.gan is None or (heavy is self._heavy and not force) \
                or not self.in_sight():
            return False
        self._heavy = heavy
        frame = heavy.gan
        self._update_losses()
        if frame.verdict is not None:
            self.image.setImage(frame.verdict, autoLevels=False, levels=(0.0, 1.0))
            self.image.setRect(QRectF(0, 0, 1, 1))
            self.fake_points.setData(x=frame.fake[:, 0], y=frame.fake[:, 1])
            self._draw_arrows(frame)
            self._draw_manifold(frame)
            self.readout.setText(self._readout(frame, probe))
        elif frame.images is not None:
            self._draw_images(frame)
            mean = float(np.mean(frame.image_scores))
            self.readout.setText(f"Generated images, each with the discriminator's verdict (1: real, 0: fake); "
                                 f"mean {mean:.2f}.")
        return True

    def _draw_arrows(self, frame) -> None:
        if not self.arrows_box.isChecked() or frame.arrows is None:
            self.arrows.setData([], [])
            return
        g = frame.arrows
        longest = float(np.max(np.hypot(g[:, 0], g[:, 1]))) if len(g) else 0.0
        scale = ARROW_LENGTH / longest if longest > 0 else 0.0
        ends = frame.fake + g * scale
        xs = np.column_stack([frame.fake[:, 0], ends[:, 0]]).ravel()
        ys = np.column_stack([frame.fake[:, 1], ends[:, 1]]).ravel()
        self.arrows.setData(xs, ys)

    def _draw_manifold(self, frame) -> None:
        m = frame.manifold
        if not self.manifold_box.isChecked() or m is None:
            self.manifold.setData([], [])
            return
        if m.ndim == 2:  # 1-D noise: one curve
            self.manifold.setData(m[:, 0], m[:, 1])
            return
        lines = [m[i] for i in range(m.shape[0])] + [m[:, j] for j in range(m.shape[1])]
        gap = np.full((1, 2), np.nan)
        pts = np.concatenate([np.concatenate([line, gap]) for line in lines])
        self.manifold.setData(pts[:, 0], pts[:, 1])

    def _draw_images(self, frame) -> None:
        if not self._image_items:
            for k in range(len(frame.images)):
                vb = self.images_view.addViewBox(row=2 * (k // 4), col=k % 4, lockAspect=True)
                vb.setMouseEnabled(False, False)
                img = pg.ImageItem(axisOrder="row-major")
                vb.addItem(img)
                label = self.images_view.addLabel("", row=2 * (k // 4) + 1, col=k % 4, size="8pt", color="#333")
                self._image_items.append((img, label))
        for (img, label), picture, score in zip(self._image_items, frame.images, frame.image_scores):
            img.setImage(np.flipud(picture), autoLevels=False, levels=(0.0, 1.0))
            label.setText(f"D: {score:.2f}", size="8pt", color="#333")

    def _readout(self, frame, probe) -> str:
        parts = []
        if frame.js is not None:
            floor = f" (two real samples reach {probe.floor[1]:.2f})" if probe.floor is not None else ""
            parts.append(f"JS divergence {frame.js:.2f}{floor}, KL {frame.kl:.2f}")
        if frame.coverage is not None and frame.coverage < COLLAPSE:
            parts.append(f"Mode collapse: the generated points reach only {frame.coverage:.0%} of the data")
        return ". ".join(parts) + "." if parts else " "

    @Slot()
    def _update_losses(self) -> None:
        """Both players' loss curves, from the history records that came since
        the last time (all of them when the history was replaced); nothing
        while the view is out of sight (it catches up when it comes back)."""
        c = self.controller
        if self.probe is None or not self.in_sight():
            return
        hist = c.history
        if c.history_version != self._losses_version or len(hist) < self._losses_seen:
            self._losses_version, self._losses_seen = c.history_version, 0
            self._losses = ([], [], [])
        elif len(hist) == self._losses_seen:
            return
        epochs, d_loss, g_loss = self._losses
        for h in hist[self._losses_seen:]:
            if "discriminator" in h.losses:
                epochs.append(h.epoch)
                d_loss.append(h.losses["discriminator"])
                g_loss.append(h.losses["generator"])
        self._losses_seen = len(hist)
        x = np.array(epochs, dtype=np.float64)
        self.d_curve.setData(x, np.array(d_loss, dtype=np.float64))
        self.g_curve.setData(x, np.array(g_loss, dtype=np.float64))

    def came_into_sight(self) -> None:
        self._update_losses()
        super().came_into_sight()


class GanSettingsRow(QWidget):
    """Each player's updates per round and learning rate, and the loss:
    every change one undoable edit, followed by a running session at once."""

    def __init__(self, controller: TrainingController):
        super().__init__()
        self.controller = controller
        row = FlowLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[tuple[str, str], QWidget] = {}
        for group, title in ((DISCRIMINATOR, "Discriminator"), (GENERATOR, "Generator")):
            steps = QSpinBox()
            steps.setRange(0, MAX_PLAYER_STEPS)
            steps.setObjectName(f"gan_{group}_steps")
            steps.setToolTip(f"The {group}'s updates in each round")
            rate = QComboBox()
            rate.setObjectName(f"gan_{group}_rate")
            rate.setToolTip(f"The {group}'s learning rate")
            for r in RATES:
                rate.addItem(f"{r:g}", r)
            row.addWidget(QLabel(f"{title}: steps"))
            row.addWidget(steps)
            row.addWidget(QLabel("rate"))
            row.addWidget(rate)
            steps.valueChanged.connect(lambda v, g=group: self._set(g, steps=int(v)))
            rate.activated.connect(lambda i, g=group, box=rate: self._set(g, learning_rate=float(box.itemData(i))))
            self.fields[(group, "steps")] = steps
            self.fields[(group, "learning_rate")] = rate
        self.loss = QComboBox()
        self.loss.setObjectName("gan_loss")
        for kind, text in ((GanLoss.LOG, "log loss"), (GanLoss.LEAST_SQUARES, "least squares")):
            self.loss.addItem(text, kind.value)
        self.loss.activated.connect(lambda i: self._set_loss(GanLoss(self.loss.itemData(i))))
        row.addWidget(QLabel("Loss"))
        row.addWidget(self.loss)
        self.smooth = QCheckBox("Smooth real labels")
        self.smooth.setObjectName("gan_smoothing")
        self.smooth.setToolTip(f"One-sided label smoothing: the discriminator aims at {SMOOTH_LABEL:g} for real "
                               "points instead of 1")
        self.smooth.toggled.connect(lambda on: self._set_gan(real_label=SMOOTH_LABEL if on else 1.0))
        row.addWidget(self.smooth)
        self.noise = QComboBox()
        self.noise.setObjectName("gan_noise")
        for kind, text in ((Noise.UNIFORM, "uniform noise"), (Noise.GAUSSIAN, "Gaussian noise")):
            self.noise.addItem(text, kind.value)
        self.noise.activated.connect(lambda i: self._set_gan(noise=Noise(self.noise.itemData(i))))
        row.addWidget(self.noise)
        self.data = QComboBox()
        self.data.setObjectName("gan_data")
        self.data.setToolTip("The distribution to learn (GAN Lab's four, or the points drawn with Draw data)")
        for name in DISTRIBUTIONS:
            self.data.addItem(TITLES[name], name)
        self.data.activated.connect(lambda i: self._set_data(self.data.itemData(i)))
        row.addWidget(QLabel("Data"))
        row.addWidget(self.data)
        self._loading = False
        controller.document.settings_changed.connect(self.load)  # undo and redo show here too

    def load(self) -> None:
        design = self.controller.document.design
        gan = design.gan or GanSettings()
        self._loading = True
        try:
            for group in (DISCRIMINATOR, GENERATOR):
                player = gan.player(group)
                self.fields[(group, "steps")].setValue(int(player.steps))
                box = self.fields[(group, "learning_rate")]
                i = box.findData(float(player.learning_rate))
                if i < 0:
                    box.addItem(f"{player.learning_rate:g}", float(player.learning_rate))
                    i = box.count() - 1
                box.setCurrentIndex(i)
            self.loss.setCurrentIndex(max(0, self.loss.findData(GanLoss(gan.loss).value)))
            self.smooth.setChecked(gan.real_label < 1.0)
            self.noise.setCurrentIndex(max(0, self.noise.findData(Noise(gan.noise).value)))
            spec = design.dataset
            shown = spec.source == "distribution" and spec.name in DISTRIBUTIONS
            self.data.setEnabled(design.input_size == 2 or shown)
            self.data.setCurrentIndex(self.data.findData(spec.name) if shown else -1)
        finally:
            self._loading = False

    def _set(self, group: str, **values) -> None:
        if self._loading:
            return
        doc = self.controller.document
        if doc.design.gan is None:
            return
        player = doc.design.gan.player(group)
        ops = set_fields(("gan", group), player, **values)
        if ops:
            doc.push(f"Set the {group}'s {next(iter(values)).replace('_', ' ')}", ops)

    def _set_data(self, name: str) -> None:
        """Another of the distributions (one undoable edit; the drawn points are kept)."""
        doc = self.controller.document
        spec = doc.design.dataset
        if self._loading or (spec.source == "distribution" and spec.name == name):
            return
        new = dataclasses.replace(spec, source="distribution", name=name, points=None)
        doc.push(f"Learn the distribution {TITLES[name].lower()}", set_fields(("design", None), doc.design,
                                                                             dataset=new))

    def _set_loss(self, kind: GanLoss) -> None:
        self._set_gan(loss=kind)

    def _set_gan(self, **values) -> None:
        doc = self.controller.document
        if not self._loading and doc.design.gan is not None:
            ops = set_fields(("gan", None), doc.design.gan, **values)
            if ops:
                doc.push(f"Set the GAN's {next(iter(values)).replace('_', ' ')}", ops)


def _spaced(stroke: list[tuple[float, float]], gap: float = 0.01) -> list[tuple[float, float]]:
    """The stroke's points at least ``gap`` apart (a slow stroke makes many)."""
    out: list[tuple[float, float]] = []
    for x, y in stroke:
        if not out or np.hypot(x - out[-1][0], y - out[-1][1]) >= gap:
            out.append((x, y))
    return out

