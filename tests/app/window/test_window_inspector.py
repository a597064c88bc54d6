"""The inspector: typed values reach the design exactly, undo reaches the fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.design.model import Activation, LayerKind
from nnsim.resources import example_path


def _type(qtbot, widget, text, enter=True):
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)
    if enter:
        QTest.keyClick(widget, Qt.Key.Key_Return)


@pytest.fixture
def xor(make_window):
    window, answers = make_window(example_path("xor-mlp"))
    window.show()
    return window


def _select(window, neurons=(), layers=(), connections=()):
    window.scene.select(neurons=neurons, layers=layers, connections=connections)


def _hidden_neuron(window):
    d = window.document.design
    layer = d.layers_of_kind(LayerKind.HIDDEN)[0]
    return d.neurons_of(layer.id)[0]


def test_typed_bias_is_stored_exactly_in_one_undo_step(xor, qtbot):
    neuron = _hidden_neuron(xor)
    old = neuron.bias
    _select(xor, neurons=[neuron.id])
    inspector = xor.inspector
    assert inspector.stack.currentWidget() is inspector.neuron_page
    steps = xor.document.undo_stack.count()
    _type(qtbot, inspector.bias, "0.123456789")
    assert neuron.bias == 0.123456789
    assert xor.document.undo_stack.count() == steps + 1
    assert inspector.bias.text() == "0.123456789"

    xor.document.undo_stack.undo()
    assert neuron.bias == old
    assert inspector.bias.value() == old  # undo reaches the field
    xor.document.undo_stack.redo()
    assert inspector.bias.text() == "0.123456789"


def test_negative_and_scientific_numbers(xor, qtbot):
    neuron = _hidden_neuron(xor)
    _select(xor, neurons=[neuron.id])
    _type(qtbot, xor.inspector.bias, "-1.5e-7")
    assert neuron.bias == -1.5e-7


def test_arrow_keys_step_in_decimal(xor, qtbot):
    neuron = _hidden_neuron(xor)
    xor.document.set_neuron(neuron.id, bias=0.1)
    _select(xor, neurons=[neuron.id])
    field = xor.inspector.bias
    field.setFocus()
    for _ in range(2):
        QTest.keyClick(field, Qt.Key.Key_Up)
    assert neuron.bias == 0.3
    assert field.text() == "0.3"


def test_label_activation_and_threshold(xor, qtbot):
    neuron = _hidden_neuron(xor)
    _select(xor, neurons=[neuron.id])
    ins = xor.inspector
    _type(qtbot, ins.neuron_label, "h1")
    assert neuron.label == "h1"
    assert not ins.threshold.isEnabled()  # tanh has no threshold
    ins.activation.setCurrentIndex(ins.activation.findText("step"))
    ins.activation.activated.emit(ins.activation.currentIndex())
    assert neuron.activation == Activation.STEP
    assert ins.threshold.isEnabled()
    _type(qtbot, ins.threshold, "0.75")
    assert neuron.threshold == 0.75
    ins.activation.setCurrentIndex(0)  # layer default
    ins.activation.activated.emit(0)
    assert neuron.activation is None
    assert ins.activation.itemText(0).startswith("layer default (")


def test_connection_weight_and_frozen(xor, qtbot):
    c = xor.document.design.connections[0]
    _select(xor, connections=[(c.source, c.target)])
    ins = xor.inspector
    assert ins.stack.currentWidget() is ins.connection_page
    _type(qtbot, ins.weight, "-2.000000001")
    assert c.weight == -2.000000001
    qtbot.mouseClick(ins.frozen, Qt.MouseButton.LeftButton)
    assert c.frozen is True
    xor.document.undo_stack.undo()
    assert not ins.frozen.isChecked()


def test_layer_name_size_and_activation(xor, qtbot):
    d = xor.document.design
    layer = d.layers_of_kind(LayerKind.HIDDEN)[0]
    _select(xor, layers=[layer.id])
    ins = xor.inspector
    assert ins.stack.currentWidget() is ins.layer_page
    _type(qtbot, ins.layer_name, "features")
    assert layer.name == "features"
    steps = xor.document.undo_stack.count()
    _type(qtbot, ins.layer_size, "12")
    assert len(d.neurons_of(layer.id)) == 12
    assert xor.document.undo_stack.count() == steps + 1  # not via a layer of 1
    ins.layer_activation.setCurrentIndex(ins.layer_activation.findText("ReLU"))
    ins.layer_activation.activated.emit(ins.layer_activation.currentIndex())
    assert layer.activation == Activation.RELU
    xor.document.undo_stack.undo()
    xor.document.undo_stack.undo()
    assert ins.layer_size.value() == 3


def test_nothing_selected_edits_the_design(xor, qtbot):
    ins = xor.inspector
    _select(xor)
    assert ins.stack.currentWidget() is ins.design_page
    _type(qtbot, ins.design_name, "My XOR", enter=False)
    assert xor.document.design.name == "My XOR"
    assert "My XOR" in xor.windowTitle()  # untitled: the title shows the design's name
    assert "9 connections" in ins.counts.text()


def test_refused_edit_shows_the_reason_in_the_status_bar(make_window, qtbot):
    window, _ = make_window(example_path("iris"))
    d = window.document.design
    out = d.layers_of_kind(LayerKind.OUTPUT)[0]
    assert out.activation == Activation.SOFTMAX
    neuron = d.neurons_of(out.id)[0]
    _select(window, neurons=[neuron.id])
    box = window.inspector.activation
    box.setCurrentIndex(box.findText("tanh"))
    box.activated.emit(box.currentIndex())
    assert neuron.activation is None
    assert "softmax" in window.statusBar().currentMessage()
    assert box.currentIndex() == 0  # the field shows the design again


def test_several_selected_shows_a_count_and_sets_all(xor, qtbot):
    d = xor.document.design
    pairs = [(c.source, c.target) for c in d.connections[:3]]
    _select(xor, connections=pairs)
    ins = xor.inspector
    assert ins.stack.currentWidget() is ins.multi_page
    assert "3 connections" in ins.subtitle.text()
    steps = xor.document.undo_stack.count()
    _type(qtbot, ins.multi_weight, "0.5")
    assert [c.weight for c in d.connections[:3]] == [0.5, 0.5, 0.5]
    assert xor.document.undo_stack.count() == steps + 1

    hidden = d.neurons_of(d.layers_of_kind(LayerKind.HIDDEN)[0].id)
    _select(xor, neurons=[n.id for n in hidden])
    _type(qtbot, ins.multi_bias, "-0.25")
    assert {n.bias for n in hidden} == {-0.25}
    xor.document.undo_stack.undo()
    assert {n.bias for n in hidden} != {-0.25}


def test_selection_of_removed_items_falls_back_to_the_design(xor):
    neuron = _hidden_neuron(xor)
    _select(xor, neurons=[neuron.id])
    xor.document.remove(neurons=[neuron.id])
    assert xor.inspector.stack.currentWidget() is xor.inspector.design_page


def test_clicking_a_neuron_on_the_canvas_shows_it(xor, qtbot):
    from PySide6.QtCore import QPointF

    neuron = _hidden_neuron(xor)
    view = xor.canvas
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene(QPointF(neuron.x, neuron.y)))
    assert xor.selection[0] == [neuron.id]
    assert xor.inspector.stack.currentWidget() is xor.inspector.neuron_page
    assert xor.inspector.title.text() == xor.document.index.neuron_name(neuron.id)
