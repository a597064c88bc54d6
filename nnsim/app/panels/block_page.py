"""The inspector's page for a layer drawn as a block: its name, its
activation (where the type has one), one field per option of its type
(``nnsim.design.layer_types``), and what it outputs. Built from the type's
options, so every block type gets a page; a type with a page of its own takes
its row in ``nnsim.app.panels.inspector.LAYER_PAGES``.

Every change is one undoable command through the Document; a setting that
does not fit what the block receives is refused, the reason shown on the page
and in the status bar, and the field goes back to the layer's value.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from nnsim.app.panels.fields import ActivationBox, NumberField
from nnsim.app.panels.kernel_editor import KernelEditor
from nnsim.design.layer_types import TYPES, Option, options_of
from nnsim.design.model import LayerKind
from nnsim.design.recipes import EditError
from nnsim.design.shapes import layer_shapes

# Types whose activation means something (the others pass values on).
WITH_ACTIVATION = {"conv"}


class BlockPage(QWidget):
    """Edits one block layer (``show_layer``)."""

    message = Signal(str)

    def __init__(self, document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.layer_id: int | None = None
        self.type_name = ""
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.name = QLineEdit()
        self.name.textEdited.connect(lambda text: self._set(name=text))
        self.activation = ActivationBox(with_default=False)
        self.activation.activated.connect(lambda _: self._set(activation=self.activation.activation()))
        self.form.addRow("Name", self.name)
        self.form.addRow("Activation", self.activation)
        self.fields: dict[str, QWidget] = {}
        self.shape = QLabel()
        self.shape.setObjectName("blockShape")
        self.shape.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("blockProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c92a2a;")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.kernels = KernelEditor(document)
        self.kernels.message.connect(self.message)
        self._tail = (self.shape, self.problem, self.kernels, self.note)
        for w in self._tail:
            self.form.addRow(w)

    # -- building the option fields for a type ----------------------------------------------
    def _build(self, type_name: str) -> None:
        for name, widget in list(self.fields.items()):
            self.form.removeRow(widget)
        self.fields.clear()
        row = 2
        for option in TYPES[type_name].options:
            widget = self._field(option)
            self.fields[option.name] = widget
            label = QLabel("" if option.kind is bool else option.label)
            label.setWordWrap(True)  # a long label takes two lines in a narrow column
            self.form.insertRow(row, label, widget)
            row += 1
        self.type_name = type_name

    def _field(self, option: Option) -> QWidget:
        name = option.name
        if option.kind is int:
            box = QSpinBox()
            box.setRange(int(max(option.low, -1e9)), int(min(option.high, 1e9)))
            box.setKeyboardTracking(False)  # typing "12" must not pass through 1
            box.valueChanged.connect(lambda v: self._set(**{name: int(v)}))
            return box
        if option.kind is str:
            box = QComboBox()
            box.addItems(list(option.choices))
            box.activated.connect(lambda i: self._set(**{name: option.choices[i]}))
            return box
        if option.kind is bool:
            box = QCheckBox(option.label.split(" (")[0])  # the rest as a tooltip: the page stays narrow
            box.setToolTip(option.label)
            box.clicked.connect(lambda checked: self._set(**{name: bool(checked)}))
            return box
        box = NumberField(minimum=option.low, maximum=option.high)
        box.edited.connect(lambda v: self._set(**{name: float(v)}))
        return box

    # -- design -> widgets ----------------------------------------------------------------
    def show_layer(self, layer_id: int) -> None:
        layer = self.document.index.layer(layer_id)
        self.layer_id = layer_id
        if layer.type != self.type_name:
            self._build(layer.type)
        if self.name.text() != layer.name:
            with QSignalBlocker(self.name):
                self.name.setText(layer.name)
        has_activation = layer.type in WITH_ACTIVATION and layer.kind != LayerKind.INPUT
        self.form.setRowVisible(self.activation, has_activation)
        if has_activation:
            self.activation.show_activation(layer.activation)
        for name, value in options_of(layer).items():
            widget = self.fields.get(name)
            if widget is None:
                continue
            with QSignalBlocker(widget):
                if isinstance(widget, QSpinBox):
                    widget.setValue(int(value))
                elif isinstance(widget, QComboBox):
                    widget.setCurrentText(str(value))
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(bool(value))
                else:
                    widget.show_value(float(value))
        shapes = layer_shapes(self.document.design)
        shape = shapes.of.get(layer_id)
        if shape is None:
            self.shape.setText("Output: not known yet")
        elif len(shape) == 3:
            self.shape.setText(f"Output: {shape[0]} map{'s' if shape[0] > 1 else ''} of {shape[1]}×{shape[2]}")
        else:
            self.shape.setText(f"Output: {shape[0]} values")
        problem = shapes.problems.get(layer_id, "")
        self.problem.setText(problem[:1].upper() + problem[1:] + "." if problem else "")
        self.problem.setVisible(bool(problem))
        self.note.setText(TYPES[layer.type].description)
        self.form.setRowVisible(self.kernels, layer.type == "conv")
        if layer.type == "conv":
            self.kernels.show_layer(layer_id)

    # -- widgets -> design ----------------------------------------------------------------
    def _set(self, **values) -> None:
        if self.layer_id is None:
            return
        try:
            self.document.set_block(self.layer_id, **values)
        except (EditError, KeyError) as e:
            text = str(e).strip("'\"")
            self.message.emit(text)
            self.show_layer(self.layer_id)
            self.problem.setText(f"Refused: {text}")
            self.problem.setVisible(True)


__all__ = ["BlockPage", "WITH_ACTIVATION"]
