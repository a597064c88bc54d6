"""The inspector's numbers: readable (four significant digits) until the field
has the focus, exact while editing, never written back rounded; several
selected items whose values differ show "mixed", and a number typed there is
one undoable edit for all of them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnsim.app.panels.fields import format_number
from nnsim.design.model import LayerKind
from nnsim.resources import example_path

EXACT = 3.391579027067618


@pytest.fixture
def xor(make_window, qtbot):
    window, _ = make_window(example_path("xor-mlp"))
    window.show()
    qtbot.waitExposed(window)
    return window


def _hidden(window):
    d = window.document.design
    return d.neurons_of(d.layers_of_kind(LayerKind.HIDDEN)[0].id)


def _click_neuron(window, neuron, modifier=Qt.KeyboardModifier.NoModifier):
    view = window.canvas
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                     view.mapFromScene(QPointF(neuron.x, neuron.y)))


def _focus_field(field):
    """Click into the field's text, as a person starting to edit."""
    QTest.mouseClick(field.lineEdit(), Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert field.hasFocus()


def _leave_field(field):
    QTest.keyClick(field, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert not field.hasFocus()


def test_readable_until_edited_exact_while_editing(xor, qtbot):
    neuron = _hidden(xor)[0]
    xor.document.set_neuron(neuron.id, bias=EXACT)
    _click_neuron(xor, neuron)
    field = xor.inspector.bias
    assert xor.inspector.stack.currentWidget() is xor.inspector.neuron_page
    assert field.text() == "3.392"
    steps = xor.document.undo_stack.count()

    _focus_field(field)
    assert field.text() == "3.391579027067618"
    _leave_field(field)
    assert field.text() == "3.392"
    assert neuron.bias == EXACT  # the rounded text was never written back
    assert xor.document.undo_stack.count() == steps

    _focus_field(field)
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, "0.000123456789")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert neuron.bias == 0.000123456789
    assert field.text() == "0.000123456789"  # still editing: exact
    _leave_field(field)
    assert field.text() == "0.0001235"
    assert neuron.bias == 0.000123456789


def test_untouched_fields_never_push_an_edit(xor, qtbot):
    d = xor.document.design
    neuron = _hidden(xor)[1]
    xor.document.set_neuron(neuron.id, bias=-EXACT / 7)
    c = next(c for c in d.connections if c.target == neuron.id)
    xor.document.set_connection((c.source, c.target), weight=EXACT * 1e-5)
    steps = xor.document.undo_stack.count()
    _click_neuron(xor, neuron)
    for _ in range(2):
        _focus_field(xor.inspector.bias)
        _leave_field(xor.inspector.bias)
    source = xor.document.index.neuron(c.source)
    middle = QPointF((source.x + neuron.x) / 2, (source.y + neuron.y) / 2)
    assert xor.scene.connection_at(middle, xor.canvas.transform().m11()) == (c.source, c.target)
    QTest.mouseClick(xor.canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     xor.canvas.mapFromScene(middle))
    assert xor.inspector.stack.currentWidget() is xor.inspector.connection_page
    assert xor.inspector.weight.text() == "3.392e-5"
    for _ in range(2):
        _focus_field(xor.inspector.weight)
        _leave_field(xor.inspector.weight)
    assert xor.document.undo_stack.count() == steps
    assert neuron.bias == -EXACT / 7 and c.weight == EXACT * 1e-5


def test_several_neurons_with_different_biases_show_mixed(xor, qtbot):
    hidden = _hidden(xor)
    for k, n in enumerate(hidden):
        xor.document.set_neuron(n.id, bias=0.1 * (k + 1))
    _click_neuron(xor, hidden[0])
    _click_neuron(xor, hidden[1], Qt.KeyboardModifier.ControlModifier)
    ins = xor.inspector
    assert ins.stack.currentWidget() is ins.multi_page
    field = ins.multi_bias
    assert field.mixed and field.text() == "" and field.lineEdit().placeholderText() == "mixed"
    steps = xor.document.undo_stack.count()

    _focus_field(field)
    assert field.text() == ""  # no one's value pretends to be everyone's
    _leave_field(field)
    assert field.mixed and field.text() == ""
    assert xor.document.undo_stack.count() == steps
    assert [n.bias for n in hidden[:2]] == [0.1, 0.2]

    _focus_field(field)
    QTest.keyClicks(field, "0.75")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert [n.bias for n in hidden[:2]] == [0.75, 0.75]
    assert hidden[2].bias == pytest.approx(0.3)  # not selected
    assert xor.document.undo_stack.count() == steps + 1
    assert not field.mixed and field.text() == "0.75"

    xor.document.undo_stack.undo()
    assert [n.bias for n in hidden[:2]] == [0.1, 0.2]
    assert field.mixed and field.text() == ""


def test_typing_the_hidden_value_over_mixed_still_sets_all(xor, qtbot):
    hidden = _hidden(xor)
    xor.document.set_neuron(hidden[0].id, bias=0.5)
    xor.document.set_neuron(hidden[1].id, bias=-0.5)
    _click_neuron(xor, hidden[0])
    _click_neuron(xor, hidden[1], Qt.KeyboardModifier.ControlModifier)
    field = xor.inspector.multi_bias
    assert field.mixed
    hidden_value = field.value()  # whatever the spin box holds behind "mixed"
    steps = xor.document.undo_stack.count()
    _focus_field(field)
    QTest.keyClicks(field, format_number(hidden_value))
    _leave_field(field)
    assert [n.bias for n in hidden[:2]] == [hidden_value, hidden_value]
    assert xor.document.undo_stack.count() == steps + 1


def test_several_connections_with_different_weights_show_mixed(xor, qtbot):
    d = xor.document.design
    pairs = [(c.source, c.target) for c in d.connections[:3]]
    assert len({c.weight for c in d.connections[:3]}) == 3
    xor.scene.select(connections=pairs)
    field = xor.inspector.multi_weight
    assert field.mixed and field.text() == ""
    QTest.keyClick(field, Qt.Key.Key_Up)  # no stepping from a value nobody has
    assert len({c.weight for c in d.connections[:3]}) == 3
    steps = xor.document.undo_stack.count()
    _focus_field(field)
    QTest.keyClicks(field, "-1.25")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert [c.weight for c in d.connections[:3]] == [-1.25] * 3
    assert xor.document.undo_stack.count() == steps + 1
