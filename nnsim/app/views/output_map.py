"""The large output view: the network's decision over the input plane (or its
regression surface) with the data points on top, as Playground's big map."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtWidgets import QCheckBox, QLabel, QStackedWidget, QVBoxLayout

from nnsim.app.flow import FlowLayout
from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.colors import (
    BACKGROUND_LUT,
    TEST_EDGE,
    TEST_RING,
    TRAIN_EDGE,
    TRAIN_RING,
    class_color,
    classes_rgba,
    to_rgba,
)
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.snapshot import MAPS, OUTPUT
from nnsim.app.views.common import HeavyView, grid_cell, map_plot, plane_point
from nnsim.app.views.units import ColorScale, install_raw_axes, label_plane, number, raw_point


def point_brushes(values: np.ndarray, classification: bool, levels=(-1.0, 1.0)) -> list:
    if classification:
        cache = {}
        out = []
        for v in values.astype(int).tolist():
            if v not in cache:
                cache[v] = pg.mkBrush(*class_color(v))
            out.append(cache[v])
        return out
    rgba = to_rgba(np.asarray(values, dtype=np.float32).reshape(1, -1), levels[0], levels[1])[0]
    return [pg.mkBrush(int(r), int(g), int(b)) for r, g, b, _a in rgba]


class OutputMap(HeavyView):
    PARTS = frozenset({MAPS, OUTPUT})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        bar = FlowLayout()  # wraps in a narrow dock
        self.show_test = QCheckBox("Show test data")
        self.show_test.setObjectName("show_test")
        self.show_test.toggled.connect(self._toggle_test)
        self.discretize = QCheckBox("Discretize output")
        self.discretize.setObjectName("discretize")
        self.discretize.setToolTip("Show only which side of the boundary each point falls on")
        self.discretize.toggled.connect(lambda _on: self.refresh(force=True))
        bar.addWidget(self.show_test)
        bar.addWidget(self.discretize)
        bar.addStretch(1)
        lay.addLayout(bar)

        self.stack = QStackedWidget()
        self.plot_widget, self.plot, self.image = map_plot()
        install_raw_axes(self.plot)  # standardised data is ticked in the file's values
        self.plot_widget.setMinimumHeight(150)  # a squashed map shows nothing
        self.pictures = PictureMenu(self.plot_widget, "Output map")
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen(TRAIN_EDGE, width=TRAIN_RING))
        self.test_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen(TEST_EDGE, width=TEST_RING))
        self.train_points.setZValue(5)
        self.test_points.setZValue(6)
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        self.test_points.setVisible(False)
        self.stack.addWidget(self.plot_widget)
        self.note = QLabel()
        self.note.setObjectName("output_note")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setMargin(16)
        self.stack.addWidget(self.note)
        lay.addWidget(self.stack, 1)
        self.scale = ColorScale()  # what a regression map's colours mean
        self.scale.hide()
        lay.addWidget(self.scale)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.legend)
        self.readout = QLabel(" ")
        self.readout.setObjectName("output_readout")
        self.readout.setWordWrap(True)
        lay.addWidget(self.readout)
        self._mouse = pg.SignalProxy(self.plot_widget.scene().sigMouseMoved, rateLimit=30, slot=self._hover)
        self._extent = None
        self._rect = QRectF(0, 0, 1, 1)

        self.follow(controller, self.load_data, every_frame=True)

    # -- data points -------------------------------------------------------------------------
    @Slot()
    def load_data(self) -> None:
        c = self.controller
        probe = c.probe
        self._heavy = None
        if probe is None:
            self.note.setText(c.error or (c.message if c.preparing else "No data set."))
            self.stack.setCurrentWidget(self.note)
            self.legend.setText("")
            self.scale.hide()
            return
        ds = c.session.dataset
        self.scale.hide()
        if not probe.two_d:
            self.note.setText(
                f"The data has {ds.n_features} inputs ({', '.join(ds.feature_names[:6])}"
                f"{'…' if ds.n_features > 6 else ''}): a map of the output needs exactly two.\n\n"
                "See the confusion matrix and the sample view instead."
            )
            self.stack.setCurrentWidget(self.note)
            self.legend.setText("")
            return
        self.stack.setCurrentWidget(self.plot_widget)
        classification = probe.is_classification
        levels = (probe.output_spec.low, probe.output_spec.high)
        y_train = ds.y_train if classification else ds.y_train[:, 0]
        y_test = ds.y_test if classification else ds.y_test[:, 0]
        n = len(ds.x_train) + len(ds.x_test)
        size = 6 if n > 200 else 9 if n > 30 else 14  # a truth table's 4 points must stand out
        self.train_points.setData(x=ds.x_train[:, 0], y=ds.x_train[:, 1], size=size,
                                  brush=point_brushes(y_train, classification, levels))
        self.test_points.setData(x=ds.x_test[:, 0], y=ds.x_test[:, 1], size=size + 1,
                                 brush=point_brushes(y_test, classification, levels))
        (x0, x1), (y0, y1) = probe.extent
        self._extent = probe.extent
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        # Room to pan, and enough that a wide, short dock (the aspect is
        # locked) can still show the whole height of the plane.
        w, h = x1 - x0, y1 - y0
        self.plot.getViewBox().setLimits(xMin=x0 - 4 * w, xMax=x1 + 4 * w, yMin=y0 - 4 * h, yMax=y1 + 4 * h)
        self.plot.getViewBox().setDefaultPadding(0.02)
        self.plot.enableAutoRange()  # fits the plane to the view, also when the dock is resized
        label_plane(self.plot, ds)
        if not classification:
            target = (ds.target_names or ["output"])[0]
            low, high = (float(v) for v in ds.raw_targets(np.array([[levels[0]], [levels[1]]]))[:, 0])
            self.scale.set_range(low, high, target)
            self.scale.show()
        self._update_legend()

    def _update_legend(self) -> None:
        probe = self.controller.probe
        self.legend.setText("" if probe is None or not probe.two_d else self._legend_text(probe))

    def _legend_text(self, probe) -> str:
        def dot(rgb):
            return f"<span style='color: rgb{tuple(rgb)}; font-size: 14pt'>●</span>"

        points = "Thin dark rings: training points"
        points += "; thick black rings: test points." if self.show_test.isChecked() else \
            " (Show test data adds test points, in thick black rings)."
        if probe.is_classification:
            classes = " &nbsp; ".join(f"{dot(class_color(i))} {name}" for i, name in enumerate(probe.class_names))
            what = "class colours; the background shows what the network predicts there, paler where it is unsure"
            return f"{classes} &nbsp;— {what}. {points}"
        ds = self.controller.dataset
        if ds is not None and getattr(ds, "y_scaling", None) is not None:
            return f"Colours: the network's output and the points' targets, on the scale above. {points}"
        return f"Orange: negative, blue: positive output (and target). {points}"

    def _toggle_test(self, on: bool) -> None:
        self.test_points.setVisible(on)
        self._update_legend()

    # -- the map ---------------------------------------------------------------------------------
    @Slot()
    def refresh(self, force: bool = False) -> bool:
        heavy = self.controller.heavy
        if heavy is None or heavy.output_rgba is None or (heavy is self._heavy and not force) or not self.in_sight():
            return False
        self._heavy = heavy
        rgba = heavy.output_rgba
        if self.discretize.isChecked() and heavy.maps is not None:
            rgba = self._discrete(heavy.maps.output)
        self.image.setImage(rgba.transpose(1, 0, 2), autoLevels=False)
        self.image.setRect(self._rect)  # after setImage: the rect scales the image's pixels
        return True

    def _discrete(self, out: np.ndarray) -> np.ndarray:
        spec = self.controller.probe.output_spec
        if spec.mode == "classes":
            return classes_rgba(np.floor(out) + 0.999)
        mid = 0.5 * (spec.low + spec.high)
        return to_rgba(np.where(out > mid, spec.high, spec.low).astype(np.float32), spec.low, spec.high, BACKGROUND_LUT)

    def _hover(self, event) -> None:
        heavy = self._heavy
        if heavy is None or heavy.maps is None or self._extent is None:
            return
        p = plane_point(self.plot, event, self._extent)
        if p is None:
            self.readout.setText(" ")
            return
        out = heavy.maps.output
        row, col = grid_cell(p, self._extent, out.shape[0])
        v = float(out[row, col])
        probe = self.controller.probe
        spec = probe.output_spec
        if spec.mode == "classes":
            what = f"predicts {probe.class_names[int(v)]} ({(v % 1):.0%} ahead of the next class)"
        elif spec.mode == "binary":
            cls = probe.class_names[1] if v > 0.5 * (spec.low + spec.high) else probe.class_names[0]
            what = f"output {v:.3f} → class {cls}"
        else:
            ds = self.controller.dataset
            what = f"output {number(float(ds.raw_targets(np.array([[v]]))[0, 0]))}" \
                if getattr(ds, "y_scaling", None) is not None else f"output {v:.3f}"
        x, y = raw_point(self.controller.dataset, p.x(), p.y())
        self.readout.setText(f"at ({number(x)}, {number(y)}) the network's {what}")
