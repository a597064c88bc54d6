"""The inspector: the fields of whatever is selected, editable.

It follows the canvas's selection (``set_selection``) and the document's
change signals, so it works both ways: a typed value goes through the
Document's edit methods (one undoable command; a run of edits of one field
merges into one step), and an undo or a training step shows up in the fields
at once. Nothing selected shows the design's own name, description and size.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.document import Document
from nnsim.app.panels.block_page import BlockPage
from nnsim.app.panels.fields import ActivationBox, NumberField
from nnsim.app.responsive import FormWrap, PageStack
from nnsim.design.layer_types import TYPES
from nnsim.design.model import Activation, LayerKind
from nnsim.design.recipes import MAX_LAYER_SIZE, EditError
from nnsim.explain import ACTIVATION_NAMES, count

THRESHOLD_ACTIVATIONS = (Activation.STEP, Activation.SIGN)

#: Layer type -> the page that shows and edits a layer of that type: a class
#: made with (document), with ``show_layer(layer_id)`` and a ``message``
#: signal. Dense layers (None) use the inspector's own layer page; every type
#: drawn as a block gets the page built from its options.
LAYER_PAGES: dict[str, type | None] = {
    "dense": None,
    **{name: BlockPage for name, kind in TYPES.items() if kind.drawn == "block"},
}


def _form(page: QWidget) -> QFormLayout:
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return form


def _note() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        with QSignalBlocker(edit):
            edit.setText(text)


class Inspector(QWidget):
    """Shows and edits the selection (or the design when nothing is selected)."""

    message = Signal(str)  # a refused edit, for the status bar

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.neurons: list[int] = []
        self.layers: list[int] = []
        self.connections: list[tuple[int, int]] = []

        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names and labels are the user's text
        self.subtitle = _note()

        self.stack = PageStack()  # as wide as the page shown asks, so the panel fits its dock
        self.design_page = self._design_page()
        self.neuron_page = self._neuron_page()
        self.layer_page = self._layer_page()
        self.connection_page = self._connection_page()
        self.multi_page = self._multi_page()
        # With large text in a narrow column the fields go under their labels.
        self.form_wrap = FormWrap(self.stack)
        for page in (self.design_page, self.neuron_page, self.layer_page, self.connection_page, self.multi_page):
            self.stack.addWidget(page)
            self.form_wrap.add(page.layout())
        self.type_pages: dict[type, QWidget] = {}  # one page of each class in LAYER_PAGES, made when first needed

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(6)
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        column.addWidget(line)
        column.addWidget(self.stack)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        document.changed.connect(self.refresh)
        document.reset.connect(self.clear_selection)
        self.refresh()

    # -- pages ---------------------------------------------------------------------------
    def _design_page(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.design_name = QLineEdit()
        self.design_name.setPlaceholderText("A name for this design")
        self.design_name.textEdited.connect(lambda text: self._edit(self.document.set_design, name=text))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("What this network is for, what to try…")
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(64)
        self.description.setMaximumHeight(110)
        self.description.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.description.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.description.textChanged.connect(self._description_edited)
        self.counts = _note()
        self.counts.setObjectName("designCounts")
        form.addRow("Name", self.design_name)
        form.addRow("Description", self.description)
        form.addRow(self.counts)
        return page

    def _neuron_page(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.neuron_label = QLineEdit()
        self.neuron_label.setPlaceholderText("optional, e.g. x₁")
        self.neuron_label.textEdited.connect(lambda text: self._set_neuron(label=text))
        self.bias = NumberField()
        self.bias.setToolTip("Added to the weighted sum before the activation")
        self.bias.edited.connect(lambda v: self._set_neuron(bias=v))
        self.activation = ActivationBox(with_default=True)
        self.activation.activated.connect(lambda _: self._set_neuron(activation=self.activation.activation()))
        self.threshold = NumberField()
        self.threshold.setToolTip("Step and sign neurons fire when the weighted sum plus bias exceeds this")
        self.threshold.edited.connect(lambda v: self._set_neuron(threshold=v))
        form.addRow("Label", self.neuron_label)
        form.addRow("Bias", self.bias)
        form.addRow("Activation", self.activation)
        form.addRow("Threshold", self.threshold)
        self.neuron_note = _note()
        form.addRow(self.neuron_note)
        return page

    def _layer_page(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.layer_name = QLineEdit()
        self.layer_name.textEdited.connect(lambda text: self._set_layer(name=text))
        self.layer_size = QSpinBox()
        self.layer_size.setRange(1, MAX_LAYER_SIZE)
        # Commit on Enter, focus loss or the arrows: typing "12" must not pass through 1.
        self.layer_size.setKeyboardTracking(False)
        self.layer_size.valueChanged.connect(self._resize_layer)
        self.layer_activation = ActivationBox(with_default=False)
        self.layer_activation.activated.connect(
            lambda _: self._set_layer(activation=self.layer_activation.activation()))
        form.addRow("Name", self.layer_name)
        form.addRow("Neurons", self.layer_size)
        form.addRow("Activation", self.layer_activation)
        self.layer_note = _note()
        form.addRow(self.layer_note)
        return page

    def _connection_page(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.weight = NumberField()
        self.weight.edited.connect(lambda v: self._set_connection(weight=v))
        self.frozen = QCheckBox("Frozen")  # the rest as a tooltip: the page stays narrow
        self.frozen.setToolTip("Frozen: training leaves it alone")
        self.frozen.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)  # as wide as its words
        self.frozen.clicked.connect(lambda checked: self._set_connection(frozen=bool(checked)))
        form.addRow("Weight", self.weight)
        form.addRow("", self.frozen)
        return page

    def _multi_page(self) -> QWidget:
        page = QWidget()
        form = _form(page)
        self.multi_neuron_title = QLabel("<b>All selected neurons</b>")
        self.multi_neuron_title.setWordWrap(True)
        self.multi_bias = NumberField()
        self.multi_bias.setKeyboardTracking(False)  # one undo step per committed value
        self.multi_bias.edited.connect(lambda v: self._set_neurons(bias=v))
        self.multi_activation = ActivationBox(with_default=True)
        self.multi_activation.activated.connect(
            lambda _: self._set_neurons(activation=self.multi_activation.activation()))
        self.multi_conn_title = QLabel("<b>All selected connections</b>")
        self.multi_conn_title.setWordWrap(True)
        self.multi_weight = NumberField()
        self.multi_weight.setKeyboardTracking(False)
        self.multi_weight.edited.connect(lambda v: self._set_connections(weight=v))
        self.multi_frozen = QCheckBox("Frozen")
        self.multi_frozen.clicked.connect(lambda checked: self._set_connections(frozen=bool(checked)))
        form.addRow(self.multi_neuron_title)
        form.addRow("Bias", self.multi_bias)
        form.addRow("Activation", self.multi_activation)
        form.addRow(self.multi_conn_title)
        form.addRow("Weight", self.multi_weight)
        form.addRow("", self.multi_frozen)
        self.multi_form = form
        return page

    # -- selection -----------------------------------------------------------------------
    def set_selection(self, neurons=(), layers=(), connections=()) -> None:
        self.neurons = list(neurons)
        self.layers = list(layers)
        self.connections = [tuple(p) for p in connections]
        self.refresh()

    def clear_selection(self) -> None:
        self.set_selection()

    def _prune(self) -> None:
        index = self.document.index
        self.neurons = [n for n in self.neurons if index.has_neuron(n)]
        self.layers = [lay for lay in self.layers if index.has_layer(lay)]
        self.connections = [p for p in self.connections if index.connection(p) is not None]

    def _page_for_selection(self) -> QWidget:
        n, lay, c = self.neurons, self.layers, self.connections
        if not (n or lay or c):
            return self.design_page
        if len(lay) == 1 and not c and all(self.document.index.neuron(i).layer == lay[0] for i in n):
            return self._type_page(lay[0]) or self.layer_page
        if not lay and not c and len(n) == 1:
            return self.neuron_page
        if not lay and not n and len(c) == 1:
            return self.connection_page
        return self.multi_page

    def _type_page(self, layer_id: int) -> QWidget | None:
        """The page of this layer's type (None: the dense layer page)."""
        cls = LAYER_PAGES.get(self.document.index.layer(layer_id).type)
        if cls is None:
            return None
        page = self.type_pages.get(cls)
        if page is None:
            page = self.type_pages[cls] = cls(self.document)
            page.message.connect(self.message)
            self.stack.addWidget(page)
            if isinstance(page.layout(), QFormLayout):
                self.form_wrap.add(page.layout())
        return page

    # -- design -> widgets ---------------------------------------------------------------
    def refresh(self) -> None:
        self._prune()
        page = self._page_for_selection()
        if page in self.type_pages.values():
            layer = self.document.index.layer(self.layers[0])
            self.title.setText(f"Layer “{layer.name}”")
            self.subtitle.setText(f"{TYPES[layer.type].title}, {layer.kind.value} layer")
            page.show_layer(layer.id)
            self.stack.setCurrentWidget(page)
            return
        {
            self.design_page: self._show_design,
            self.neuron_page: self._show_neuron,
            self.layer_page: self._show_layer,
            self.connection_page: self._show_connection,
            self.multi_page: self._show_multi,
        }[page]()
        self.stack.setCurrentWidget(page)

    def _show_design(self) -> None:
        d = self.document.design
        self.title.setText("Design")
        self.subtitle.setText("Nothing selected. Click a neuron, a layer or a connection to edit it.")
        _set_text(self.design_name, d.name)
        if self.description.toPlainText() != d.description:
            with QSignalBlocker(self.description):
                self.description.setPlainText(d.description)
        n_conn = len(d.connections)
        n_bias = sum(1 for n in d.neurons if d.layer(n.layer).kind != LayerKind.INPUT)
        frozen = sum(1 for c in d.connections if c.frozen)
        # Numbers kept in arrays: block layers' (kernels...) and links' weights.
        n_arrays = sum(a.values.size for layer in d.layers for a in layer.arrays.values())
        n_arrays += sum(k.weights.values.size for k in d.links if k.weights is not None)
        lines = [
            f"{count(len(d.layers), 'layer')}, {count(len(d.neurons), 'neuron')}, {count(n_conn, 'connection')}"
            + (f", {count(len(d.links), 'link')}" if d.links else ""),
            f"{count(d.input_size, 'input')}, {count(d.output_size, 'output')}",
            f"{n_conn + n_bias + n_arrays:,} trainable numbers ({count(n_conn, 'weight')}, "
            f"{count(n_bias, 'bias', 'biases')}" + (f", {n_arrays:,} in layer arrays and links" if n_arrays else "")
            + ")" + (f", {frozen} frozen" if frozen else ""),
        ]
        self.counts.setText("\n".join(lines))

    def _show_neuron(self) -> None:
        d = self.document.design
        n = self.document.index.neuron(self.neurons[0])
        layer = self.document.index.layer(n.layer)
        self.title.setText(self.document.index.neuron_name(n.id))
        self.subtitle.setText(f"{layer.kind.value} neuron in layer “{layer.name}”")
        _set_text(self.neuron_label, n.label)
        is_input = layer.kind == LayerKind.INPUT
        self.bias.show_value(n.bias)
        self.activation.set_default_name(layer.activation)
        self.activation.show_activation(n.activation)
        self.threshold.show_value(n.threshold)
        for w in (self.bias, self.activation):
            w.setEnabled(not is_input)
        self.threshold.setEnabled(not is_input and d.activation_of(n) in THRESHOLD_ACTIVATIONS)
        incoming = sum(1 for c in d.connections if c.target == n.id)
        outgoing = sum(1 for c in d.connections if c.source == n.id)
        note = f"{incoming} incoming, {count(outgoing, 'outgoing connection')}."
        if is_input:
            note = "An input neuron passes its data value on unchanged. " + note
        self.neuron_note.setText(note)

    def _show_layer(self) -> None:
        d = self.document.design
        layer = self.document.index.layer(self.layers[0])
        members = d.neurons_of(layer.id)
        self.title.setText(f"Layer “{layer.name}”")
        self.subtitle.setText(f"{layer.kind.value} layer of {count(len(members), 'neuron')}")
        _set_text(self.layer_name, layer.name)
        if not self.layer_size.hasFocus() or self.layer_size.value() != len(members):
            with QSignalBlocker(self.layer_size):
                self.layer_size.setValue(len(members))
        self.layer_activation.show_activation(layer.activation)
        self.layer_activation.setEnabled(layer.kind != LayerKind.INPUT)
        own = sorted({ACTIVATION_NAMES[m.activation] for m in members if m.activation is not None})
        self.layer_note.setText(
            f"Some neurons use their own activation ({', '.join(own)}); choosing one here sets it for all."
            if own else "")

    def _show_connection(self) -> None:
        d = self.document.design
        c = self.document.index.connection(self.connections[0])
        self.title.setText("Connection")
        names = self.document.index.neuron_name
        self.subtitle.setText(f"{names(c.source)} → {names(c.target)}")
        self.weight.show_value(c.weight)
        with QSignalBlocker(self.frozen):
            self.frozen.setChecked(c.frozen)

    def _multi_neurons(self) -> list[int]:
        ids = dict.fromkeys(self.neurons)
        for lid in self.layers:
            ids.update(dict.fromkeys(n.id for n in self.document.design.neurons_of(lid)))
        return list(ids)

    def _show_multi(self) -> None:
        index = self.document.index
        neurons = [index.neuron(i) for i in self._multi_neurons()]
        conns = [index.connection(p) for p in self.connections]
        parts = []
        if self.layers:
            parts.append(count(len(self.layers), 'layer'))
        if neurons:
            parts.append(count(len(neurons), 'neuron'))
        if conns:
            parts.append(count(len(conns), 'connection'))
        self.title.setText("Several items")
        self.subtitle.setText(", ".join(parts) + " selected. Fields show a value when all share it; "
                              "a change applies to all.")
        editable = [n for n in neurons if index.layer(n.layer).kind != LayerKind.INPUT]
        for w in (self.multi_neuron_title, self.multi_bias, self.multi_activation):
            self.multi_form.setRowVisible(w, bool(editable))
        if editable:
            biases = {n.bias for n in editable}
            if len(biases) == 1:
                self.multi_bias.show_value(editable[0].bias)
            else:
                self.multi_bias.show_mixed()
            self.multi_bias.setToolTip("" if len(biases) == 1 else "The biases differ; a new value sets them all")
            acts = {n.activation for n in editable}
            if len(acts) == 1:
                self.multi_activation.show_activation(next(iter(acts)))
            else:
                self.multi_activation.show_mixed()
        for w in (self.multi_conn_title, self.multi_weight, self.multi_frozen):
            self.multi_form.setRowVisible(w, bool(conns))
        if conns:
            weights = {c.weight for c in conns}
            if len(weights) == 1:
                self.multi_weight.show_value(conns[0].weight)
            else:
                self.multi_weight.show_mixed()
            self.multi_weight.setToolTip("" if len(weights) == 1 else "The weights differ; a new value sets them all")
            frozen = {c.frozen for c in conns}
            with QSignalBlocker(self.multi_frozen):
                self.multi_frozen.setTristate(len(frozen) > 1)
                self.multi_frozen.setCheckState(
                    Qt.CheckState.PartiallyChecked if len(frozen) > 1
                    else Qt.CheckState.Checked if frozen == {True} else Qt.CheckState.Unchecked)

    # -- widgets -> design ---------------------------------------------------------------
    def _edit(self, method, *args, **values) -> None:
        try:
            method(*args, **values)
        except (EditError, KeyError) as e:
            self.message.emit(str(e).strip("'\""))
            self.refresh()

    def _set_neuron(self, **values) -> None:
        if self.neurons:
            self._edit(self.document.set_neuron, self.neurons[0], **values)

    def _set_layer(self, **values) -> None:
        if self.layers:
            self._edit(self.document.set_layer, self.layers[0], **values)

    def _resize_layer(self, size: int) -> None:
        if self.layers:
            self._edit(self.document.resize_layer, self.layers[0], size)

    def _set_connection(self, **values) -> None:
        if self.connections:
            self._edit(self.document.set_connection, self.connections[0], **values)

    def _description_edited(self) -> None:
        self._edit(self.document.set_design, description=self.description.toPlainText())

    def _set_neurons(self, **values) -> None:
        index = self.document.index
        ids = [i for i in self._multi_neurons() if index.layer(index.neuron(i).layer).kind != LayerKind.INPUT
               and any(getattr(index.neuron(i), k) != v for k, v in values.items())]
        if not ids:
            return
        stack = self.document.undo_stack
        what = ", ".join(values)
        stack.beginMacro(f"Change {len(ids)} neurons' {what}")
        try:
            for nid in ids:
                self.document.set_neuron(nid, **values)
        except EditError as e:
            stack.endMacro()
            stack.undo()  # all or nothing
            self.message.emit(str(e))
            self.refresh()
            return
        stack.endMacro()

    def _set_connections(self, **values) -> None:
        if self.connections:
            self._edit(self.document.set_connections, list(self.connections), **values)
