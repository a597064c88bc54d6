"""Typing a convolution's kernels by hand: one kernel at a time as a grid of
numbers, with presets that show what a kernel finds before any training
(Sobel edges, blur, sharpen). Each change is one undoable step through the
Document (the layer's ``kernel`` array; the bias stays)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnsim.app.panels.fields import NumberField
from nnsim.design.edits import numbers_of
from nnsim.design.recipes import EditError

MAX_GRID = 5  # kernels up to 5 × 5 are typed in a grid

#: 3 × 3 presets, by name.
PRESETS: dict[str, list[list[float]]] = {
    "Sobel: vertical edges": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel: horizontal edges": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "Diagonal edges": [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]],
    "Blur (mean)": [[1 / 9] * 3] * 3,
    "Sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "Outline (Laplacian)": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "Identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}


def preset_kernel(name: str, size: int) -> np.ndarray:
    """A preset as a size × size kernel (only 3 × 3 presets exist)."""
    if size != 3:
        raise EditError(f"the presets are 3 × 3 kernels; this layer's kernels are {size} × {size}")
    return np.array(PRESETS[name], dtype=np.float64)


class KernelEditor(QWidget):
    """The numbers of one kernel of a convolution, and presets."""

    message = Signal(str)

    def __init__(self, document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.layer_id: int | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Kernel"))
        self.which = QSpinBox()
        self.which.setMinimum(1)
        self.which.setToolTip("Which kernel (filter) to show and edit")
        self.which.valueChanged.connect(lambda _: self.refresh())
        top.addWidget(self.which)
        self.preset = QComboBox()
        self.preset.addItem("Preset…")
        self.preset.addItems(list(PRESETS))
        self.preset.setToolTip("Set this kernel to a classic image filter (every input channel)")
        # As narrow as a few letters when room is short (large text), not as wide as its longest preset.
        self.preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset.setMinimumContentsLength(7)
        self.preset.activated.connect(self._preset_chosen)
        top.addWidget(self.preset, 1)
        column.addLayout(top)
        self.grid = QGridLayout()
        self.grid.setSpacing(2)
        column.addLayout(self.grid)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        column.addWidget(self.note)
        self.cells: list[list[NumberField]] = []

    def _kernel(self) -> np.ndarray | None:
        if self.layer_id is None:
            return None
        array = self.document.index.layer(self.layer_id).arrays.get("kernel")
        return None if array is None else array.values

    def show_layer(self, layer_id: int) -> None:
        self.layer_id = layer_id
        self.refresh()

    def refresh(self) -> None:
        kernel = self._kernel()
        if kernel is None:
            self._build(0)
            self.note.setText("The kernels come once an image is linked into this layer.")
            return
        filters, _, k, _ = kernel.shape
        self.which.setMaximum(filters)
        i = self.which.value() - 1
        self._build(k if k <= MAX_GRID else 0)
        for r, row in enumerate(self.cells):
            for c, cell in enumerate(row):
                cell.show_value(float(kernel[i, :, r, c].mean()))
        channels = kernel.shape[1]
        self.note.setText(
            (f"{k} × {k} kernels are too large to type here; presets are 3 × 3." if k > MAX_GRID else
             "Blue weights add what they cover, orange ones subtract it.")
            + (f" With {channels} input channels, a number typed here goes to every channel." if channels > 1
               else ""))

    def _build(self, k: int) -> None:
        if len(self.cells) == k:
            return
        for row in self.cells:
            for cell in row:
                self.grid.removeWidget(cell)
                cell.deleteLater()
        self.cells = []
        for r in range(k):
            row = []
            for c in range(k):
                cell = NumberField(step=0.1)
                cell.setKeyboardTracking(False)  # one undo step per committed number
                cell.setAlignment(Qt.AlignmentFlag.AlignRight)
                cell.setButtonSymbols(NumberField.ButtonSymbols.NoButtons)
                cell.edited.connect(lambda v, r=r, c=c: self._set_cell(r, c, v))
                self.grid.addWidget(cell, r, c)
                row.append(cell)
            self.cells.append(row)

    # -- edits ------------------------------------------------------------------------------
    def _set_kernel(self, values: np.ndarray, text: str) -> None:
        kernel = self._kernel()
        if kernel is None:
            return
        new = np.array(kernel)
        new[self.which.value() - 1] = values  # broadcast over the input channels
        weights, biases = numbers_of(self.document.design)
        try:
            self.document.set_numbers(weights, biases, text, arrays={(self.layer_id, "kernel"): new})
        except EditError as e:
            self.message.emit(str(e))
        self.refresh()

    def _set_cell(self, r: int, c: int, value: float) -> None:
        kernel = self._kernel()
        if kernel is None:
            return
        one = np.array(kernel[self.which.value() - 1])
        one[:, r, c] = value
        self._set_kernel(one, f"Set kernel {self.which.value()} weight")

    def _preset_chosen(self, index: int) -> None:
        if index <= 0:
            return
        name = self.preset.itemText(index)
        self.preset.setCurrentIndex(0)
        kernel = self._kernel()
        if kernel is None:
            return
        try:
            values = preset_kernel(name, kernel.shape[2])
        except EditError as e:
            self.message.emit(str(e))
            return
        self._set_kernel(values, f"Kernel {self.which.value()}: {name}")


__all__ = ["KernelEditor", "PRESETS", "preset_kernel"]
