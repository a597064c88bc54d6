"""Every neuron's output over the input plane.

``NeuronMosaic`` paints the maps of all hidden and output neurons as tiles
in one widget (one paint, no view per neuron), a row or column per layer. Clicking a tile selects that neuron. ``NeuronDetail``
shows the selected neuron's map large (the canvas selection drives it too).
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.colors import MIDDLE, TRAIN_EDGE, TRAIN_RING, to_rgba
from nnsim.app.square import SquareLayout
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.snapshot import MAPS, THUMBNAILS
from nnsim.app.views.common import HeavyView, grid_cell, map_plot, plane_point
from nnsim.app.views.output_map import point_brushes
from nnsim.app.views.units import install_raw_axes, label_plane

GAP = 4  # pixels between tiles
MAX_ROWS = 64  # neurons shown per layer


class NeuronMosaic(HeavyView):
    """All neurons' maps as small tiles, a row (or column) per layer, painted
    straight from the worker's thumbnail images: one widget, one paint."""

    PARTS = frozenset({MAPS, THUMBNAILS})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setMinimumSize(120, 80)
        self.setMouseTracking(True)
        self._layers: list[tuple[str, list[int]]] = []
        self._rects: dict[int, QRectF] = {}
        self._images: dict[int, QImage] = {}
        self.note = ""
        controller.neuron_selected.connect(lambda _n: self.update())
        self.follow(controller, self.layout_tiles, every_frame=True)

    @Slot()
    def layout_tiles(self) -> None:
        c = self.controller
        probe = c.probe
        self._heavy = None
        self._images = {}
        if probe is None or not probe.two_d:
            self._layers = []
            self.note = c.error if probe is None else "The neuron maps need data with exactly two inputs."
        else:
            self.note = ""
            self._layers = [(info.name, list(info.neuron_ids[:MAX_ROWS])) for info in probe.mapped]
        self._place()
        self.updateGeometry()  # the hint follows the number of layers
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Room for tiles of about 32 pixels, a row per layer (it does not
        depend on the widget's own size)."""
        return QSize(240, max(80, min(240, 8 + 40 * len(self._layers))))

    def _place(self) -> None:
        """Tile rectangles for the current size."""
        self._rects = {}
        if not self._layers:
            return
        fm = self.fontMetrics()
        w, h = self.width() - 8, self.height() - 8
        n_layers = len(self._layers)
        longest = max(len(ids) for _n, ids in self._layers)
        self.rows_are_layers = w > 1.3 * h
        if self.rows_are_layers:
            label_w = min(120, max(fm.horizontalAdvance(n) for n, _i in self._layers) + 10)
            tile = min((w - label_w) / longest - GAP, h / n_layers - GAP)
        else:
            label_h = fm.height() + 4
            tile = min(w / n_layers - 2 * GAP, (h - label_h) / longest - GAP)
        tile = float(max(6, min(100, tile)))
        self.tile = tile
        self._label_rects = []
        for j, (name, ids) in enumerate(self._layers):
            if self.rows_are_layers:
                y = 4 + j * (tile + GAP)
                self._label_rects.append((QRectF(4, y, label_w - 6, tile), name, True))
                for i, nid in enumerate(ids):
                    self._rects[nid] = QRectF(4 + label_w + i * (tile + GAP), y, tile, tile)
            else:
                col_w = w / n_layers
                x = 4 + j * col_w + (col_w - tile) / 2
                self._label_rects.append((QRectF(4 + j * col_w, 4, col_w, label_h), name, False))
                for i, nid in enumerate(ids):
                    self._rects[nid] = QRectF(x, 4 + label_h + i * (tile + GAP), tile, tile)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place()

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        if heavy is None or heavy.thumbnails is None or heavy is self._heavy or not self.in_sight():
            return False
        if not self._rects or not set(self._rects) <= set(heavy.thumbnails):
            return False  # from an older session
        self._heavy = heavy
        self._images = heavy.thumbnails
        self.update()
        return True

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        if self.note or not self._rects:
            p.setPen(QColor(90, 90, 90))
            p.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self.note)
            p.end()
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setPen(QColor(70, 70, 70))
        fm = p.fontMetrics()
        for rect, name, left in self._label_rects:
            align = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if left else Qt.AlignmentFlag.AlignCenter
            p.drawText(rect, align, fm.elidedText(name, Qt.TextElideMode.ElideRight, int(rect.width())))
        blank = QColor(*MIDDLE)
        for nid, rect in self._rects.items():
            img = self._images.get(nid)
            if img is None:
                p.fillRect(rect, blank)
            else:
                p.drawImage(rect, img)
        selected = self._rects.get(self.controller.selected_neuron)
        if selected is not None:
            p.setPen(QPen(QColor(20, 20, 20), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(selected.adjusted(-2, -2, 2, 2))
        p.end()

    def neuron_at(self, pos) -> int | None:
        for nid, rect in self._rects.items():
            if rect.contains(pos):
                return nid
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        nid = self.neuron_at(event.position())
        if nid is not None:
            self.controller.select_neuron(nid)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        nid = self.neuron_at(event.position())
        index = self.controller.document.index
        self.setToolTip(index.neuron_name(nid) if nid is not None and index.has_neuron(nid) else "")


class NeuronDetail(HeavyView):
    """The selected neuron's output over the input plane, large."""

    PARTS = frozenset({MAPS})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("neuron_title")
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        self.plot_widget, self.plot, self.image = map_plot()
        install_raw_axes(self.plot)  # standardised data is ticked in the file's values
        self.plot.setMouseEnabled(False, False)  # always the whole input plane, in its own units
        self.pictures = PictureMenu(self.plot_widget, "Neuron map")
        self.points = pg.ScatterPlotItem(size=4, pen=pg.mkPen(TRAIN_EDGE, width=TRAIN_RING / 2))
        self.points.setZValue(5)
        self.plot.addItem(self.points)
        # Square whatever the dock's shape: equal units on both axes, the plane filling the plot.
        self.plot_box = QWidget()
        SquareLayout(self.plot_box).addWidget(self.plot_widget)
        lay.addWidget(self.plot_box, 1)
        self.readout = QLabel(" ")
        self.readout.setWordWrap(True)
        lay.addWidget(self.readout)
        self._scale_text = " "
        self._rect = QRectF(0, 0, 1, 1)
        self._mouse = pg.SignalProxy(self.plot_widget.scene().sigMouseMoved, rateLimit=30, slot=self._hover)
        controller.neuron_selected.connect(lambda _n: self.refresh(force=True))
        self.follow(controller, self.load, every_frame=True)

    def neuron(self) -> int:
        """The neuron shown: the selected one, or the first output neuron."""
        probe = self.controller.probe
        if probe is None or not probe.mapped_ids:
            return -1
        nid = self.controller.selected_neuron
        return nid if nid in probe.mapped_ids else probe.mapped_ids[-1]

    @Slot()
    def load(self) -> None:
        probe = self.controller.probe
        self._heavy = None
        if probe is None or not probe.two_d:
            self.plot_box.hide()
            self.title.setText("" if probe is None else "Neuron maps need data with exactly two inputs.")
            self.readout.setText(" ")
            return
        self.plot_box.show()
        ds = self.controller.session.dataset
        (x0, x1), (y0, y1) = probe.extent
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        view = self.plot.getViewBox()
        view.disableAutoRange()
        view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)
        label_plane(self.plot, ds)
        y = ds.y_train if probe.is_classification else ds.y_train[:, 0]
        self.points.setData(x=ds.x_train[:, 0], y=ds.x_train[:, 1],
                            brush=point_brushes(y, probe.is_classification,
                                                (probe.output_spec.low, probe.output_spec.high)))
        self.image.setImage(np.full((2, 2, 4), (*MIDDLE, 255), dtype=np.uint8), autoLevels=False)
        self.image.setRect(self._rect)
        self.refresh(force=True)

    @Slot()
    def refresh(self, force: bool = False) -> bool:
        heavy = self.controller.heavy
        probe = self.controller.probe
        if probe is None or heavy is None or heavy.maps is None:
            return False
        if (heavy is self._heavy and not force) or not self.in_sight():
            return False
        nid = self.neuron()
        try:
            k = heavy.maps.neuron_ids.index(nid)
        except ValueError:
            return False
        self._heavy = heavy
        lo, hi = heavy.maps.levels[k]
        rgba = to_rgba(heavy.maps.values[k], lo, hi)  # (res, res, 4), row 0 = lowest x2
        self.image.setImage(rgba.transpose(1, 0, 2), autoLevels=False)
        self.image.setRect(self._rect)  # after setImage: the rect scales the image's pixels
        info = next(i for i in probe.mapped if nid in i.neuron_ids)
        act = info.activations[info.neuron_ids.index(nid)].value
        index = self.controller.document.index
        name = html.escape(index.neuron_name(nid)) if index.has_neuron(nid) else ""
        title = f"<b>{name}</b> · {act} · its output over the input plane"
        if title != self.title.text():  # a new text costs a relayout; while training plays this runs every frame
            self.title.setText(title)
        self._scale_text = f"orange {lo:g} … blue {hi:g}; point at the map to read it"
        if not self.readout.text().startswith("at (") and self.readout.text() != self._scale_text:
            self.readout.setText(self._scale_text)
        return True

    def _hover(self, event) -> None:
        heavy = self._heavy
        probe = self.controller.probe
        if heavy is None or probe is None or heavy.maps is None:
            return
        p = plane_point(self.plot, event, probe.extent)
        if p is None:
            self.readout.setText(self._scale_text)
            return
        nid = self.neuron()
        if nid not in heavy.maps.neuron_ids:
            return
        values = heavy.maps.values[heavy.maps.neuron_ids.index(nid)]
        row, col = grid_cell(p, probe.extent, values.shape[0])
        self.readout.setText(f"at ({p.x():.2f}, {p.y():.2f}) the neuron outputs {values[row, col]:.3f}")


class NeuronMapsView(QWidget):
    """The Neurons dock: the selected neuron large above all neurons' maps."""

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        split = QSplitter(Qt.Orientation.Vertical)
        self.detail = NeuronDetail(controller)
        self.mosaic = NeuronMosaic(controller)
        split.addWidget(self.detail)
        split.addWidget(self.mosaic)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split)
        hint = QLabel("Click a map below (or a neuron on the canvas) to see it large.")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        lay.addWidget(hint)
