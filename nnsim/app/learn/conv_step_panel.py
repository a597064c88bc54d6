"""Step through a convolution: the kernel slides over the chosen sample's
image one position at a time; each position shows, as numbers, the input
under the kernel, the products with the kernel's weights, their sum plus the
bias and the activation; below, the pooling window that takes the largest
value, and the backward pass: the kernel's gradient as the sum over every
position of input patch × δ. On the canvas the convolution's map is shown
large with the position marked, and the input image marks the pixels under
the kernel. Numbers come from ``nnsim.conv_steps`` (the engine's own)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget

from nnsim.conv_steps import ConvWalk
from nnsim.data import DataError, load_dataset
from nnsim.design.validate import DesignError
from nnsim.explain import fmt

CELL = "padding:1px 5px; text-align:right; border:1px solid #d0d4da;"


def _grid(values: np.ndarray, mark: tuple[int, int] | None = None) -> str:
    """A (k, k) array as an HTML table of numbers."""
    rows = []
    for r, row in enumerate(values):
        cells = []
        for c, v in enumerate(row):
            style = CELL + (" background:#ffe8a3; font-weight:bold;" if mark == (r, c) else "")
            cells.append(f'<td style="{style}">{fmt(float(v), 3)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table cellspacing="0">' + "".join(rows) + "</table>"


class ConvStepPanel(QWidget):
    """The step-through of the convolution selected on the canvas (or the first)."""

    def __init__(self, document, scene=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.scene = document, scene
        self.layer_id: int | None = None
        self.walk: ConvWalk | None = None
        self._data_key = None
        self._data = None
        top = QHBoxLayout()
        self.sample = QSpinBox()
        self.sample.setPrefix("sample #")
        self.sample.setMinimum(1)
        self.filter = QSpinBox()
        self.filter.setPrefix("kernel ")
        self.filter.setMinimum(1)
        self.back = QPushButton("◀ Back")
        self.next = QPushButton("Next ▶")
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setToolTip("Where the kernel is on the image")
        for w in (self.sample, self.filter, self.back, self.position, self.next):
            top.addWidget(w, 1 if w is self.position else 0)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.text, 1)
        self.sample.valueChanged.connect(lambda _: self.rebuild())
        self.filter.valueChanged.connect(lambda _: self.show_position())
        self.position.valueChanged.connect(lambda _: self.show_position())
        self.back.clicked.connect(lambda: self.position.setValue(self.position.value() - 1))
        self.next.clicked.connect(lambda: self.position.setValue(self.position.value() + 1))
        document.changed.connect(self.rebuild)
        if scene is not None:
            scene.selection_changed_ids.connect(lambda n, layers, c: self._selected(layers))

    def _selected(self, layers) -> None:
        design = self.document.design
        convs = [lid for lid in layers if design.layer(lid).type == "conv"]
        if convs and convs[0] != self.layer_id:
            self.layer_id = convs[0]
            self.rebuild()

    def _dataset(self):
        spec = self.document.design.dataset
        key = repr(spec)
        if key != self._data_key:
            self._data_key, self._data = key, load_dataset(spec, base_dir=getattr(self.document.path, "parent", None))
        return self._data

    def rebuild(self) -> None:
        """Work the chosen sample through the convolution again (the design changed)."""
        design = self.document.design
        convs = [layer.id for layer in design.layers if layer.type == "conv"]
        if self.layer_id not in convs:
            self.layer_id = convs[0] if convs else None
        self.walk = None
        if self.layer_id is None:
            self.text.setText("Open a design with a convolution (such as the example Digits CNN) to step through it.")
            return
        try:
            ds = self._dataset()
            i = min(self.sample.value(), len(ds.x_train)) - 1
            self.sample.setMaximum(len(ds.x_train))
            target = None
            if ds.y_train is not None and ds.y_train.ndim == 2 and ds.y_train.shape[1] == design.output_size:
                target = ds.y_train[i]
            elif ds.y_train is not None and len(ds.target_names) == design.output_size:
                target = np.eye(design.output_size)[int(ds.y_train[i])]
            self.walk = ConvWalk(design, self.layer_id, ds.x_train[i], target)
        except (DesignError, DataError, ValueError, KeyError, TypeError) as e:
            self.text.setText(f"The convolution cannot be worked out yet: {e}")
            return
        F, Ho, Wo = self.walk.out_shape
        self.filter.setMaximum(F)
        self.position.setRange(0, Ho * Wo - 1)
        self.show_position()

    def show_position(self) -> None:
        walk = self.walk
        if walk is None:
            return
        F, Ho, Wo = walk.out_shape
        f = min(self.filter.value(), F) - 1
        r, c = divmod(self.position.value(), Wo)
        step = walk.at(f, r, c)
        name = self.document.design.layer(self.layer_id).name
        act = self.document.design.layer(self.layer_id).activation
        ch = "" if step.patch.shape[0] == 1 else " (first input channel; the sum runs over all)"
        parts = [
            f"<b>{name}</b>, kernel {f + 1} at row {r + 1}, column {c + 1} of {Ho}×{Wo}: the kernel covers input "
            f"rows {step.top + 1}…{step.top + step.patch.shape[1]}, columns {step.left + 1}…"
            f"{step.left + step.patch.shape[2]} (outside the image: padding, 0){ch}.",
            '<table><tr><td>input under the kernel</td><td></td><td>kernel</td><td></td><td>products</td></tr><tr>'
            f"<td>{_grid(step.patch[0])}</td><td>×</td><td>{_grid(step.kernel[0])}</td><td>=</td>"
            f"<td>{_grid(step.products[0])}</td></tr></table>",
            f"sum of the products {fmt(step.total, 4)} + bias {fmt(step.bias, 4)} = <b>z = {fmt(step.z, 4)}</b>; "
            f"{act.value}(z) = <b>{fmt(step.a, 4)}</b>, the value of map {f + 1} here.",
        ]
        pool = walk.pool_window(r, c, f)
        if pool is not None:
            parts.append(f"Pooling: this value is in the window at row {pool.row + 1}, column {pool.col + 1} of the "
                         f"pooled map; {_grid(pool.values, pool.best)} gives <b>{fmt(pool.out, 4)}</b>.")
        if step.delta is not None:
            grad = walk.kernel_gradient(f)
            parts.append(
                f"Backward (loss {fmt(walk.loss, 4)}): here δ = ∂L/∂z = {fmt(step.delta, 4)}, so this position adds "
                f"input × δ to the kernel's gradient: {_grid(step.patch[0] * step.delta)}"
                f"The gradient is the sum of that over all {Ho * Wo} positions: {_grid(grad[0])}")
        self.text.setText("<p>" + "</p><p>".join(parts) + "</p>")
        self._show_on_canvas(f, r, c)

    def _show_on_canvas(self, f: int, r: int, c: int) -> None:
        scene = self.scene
        if scene is None or self.layer_id not in getattr(scene, "block_items", {}):
            return
        item = scene.block_items[self.layer_id]
        if item.maps:
            item.set_focus_map(f)
            item._set_focus_pixel((r, c))
        else:
            scene.map_pixel_hovered(self.layer_id, (r, c))


def install_conv_step(window):
    """A "Step through a convolution" dock (hidden until asked for) and its Learn menu entry."""
    from PySide6.QtGui import QAction

    panel = ConvStepPanel(window.document, window.canvas_scene())
    dock = window.add_dock(panel, Qt.DockWidgetArea.BottomDockWidgetArea, "Step through a convolution",
                           "learn_conv_dock", visible=False, scroll=True,
                           tab_with="learn_step_dock" if window.dock("learn_step_dock") else None)
    action = QAction("Step Through a &Convolution", window)
    action.setObjectName("learn_conv_action")
    action.triggered.connect(lambda: (window.bring_dock(dock), panel.rebuild()))
    mode = getattr(window, "learn_mode", None)
    if mode is not None:
        mode.menu.addAction(action)
        mode.hub.register_tool("conv_step", lambda: (window.bring_dock(dock), panel.rebuild()))  # for links
    return panel, dock, action


__all__ = ["ConvStepPanel", "install_conv_step"]
