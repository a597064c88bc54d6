"""The window from the keyboard alone: F6 from panel to panel with a frame
round the one that has the keys, parts added from the palette without
leaving it, neurons chosen with Tab and connected with C, Tab and Enter,
a run of arrow-key nudges as one undo step, and the article's neuron built
with key presses only."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnsim.api import predict
from nnsim.resources import example_path

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def shown(make_window, qtbot):
    def show(path=None):
        window, _ = make_window(path)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        QApplication.processEvents()
        return window

    return show


def _press(window, key, mods=NO) -> None:
    QTest.keyClick(QApplication.focusWidget() or window, key, mods)


def _inside(container) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is container or container.isAncestorOf(focus))


def _f6_to(window, container) -> None:
    for _ in range(12):
        if _inside(container):
            return
        _press(window, Qt.Key.Key_F6)
    assert _inside(container), f"F6 never reached {container.objectName()}"


def _tab_to(window, widget, back=False) -> None:
    for _ in range(40):
        if QApplication.focusWidget() is widget:
            return
        _press(window, Qt.Key.Key_Backtab if back else Qt.Key.Key_Tab, SHIFT if back else NO)
    assert QApplication.focusWidget() is widget


def _type(window, text: str) -> None:
    _press(window, Qt.Key.Key_A, CTRL)
    for ch in text:
        _press(window, Qt.Key.Key_Period if ch == "." else getattr(Qt.Key, f"Key_{ch}"))
    _press(window, Qt.Key.Key_Return)


def test_f6_visits_every_panel_in_view_with_a_frame_round_it(shown):
    window = shown(example_path("xor-mlp"))
    frame = window.panel_focus.frame
    panels = window.panel_focus.panels()
    docks = [p for p in panels if p is not window.canvas]
    assert window.palette_dock in docks and window.inspector_dock in docks
    reached = set()
    for _ in range(len(panels)):
        _press(window, Qt.Key.Key_F6)
        here = window.panel_focus.current()
        assert here is not None
        reached.add(here.objectName())
        if here is window.canvas:
            assert window.canvas._focus_frame.isVisible() and not frame.isVisible()
        else:  # the frame lies round the dock's contents
            assert frame.isVisible()
            inner = here.widget()
            assert frame.geometry().topLeft() == inner.mapTo(window, inner.rect().topLeft())
            assert frame.size() == inner.size()
    assert reached == {p.objectName() for p in panels}


def test_the_palette_keeps_the_keyboard_after_adding(shown):
    window = shown()
    _f6_to(window, window.palette_dock)
    part = window.palette.neuron_parts["hidden"]
    _tab_to(window, part)
    _press(window, Qt.Key.Key_Return)
    _press(window, Qt.Key.Key_Return)
    assert len(window.document.design.neurons) == 2
    assert QApplication.focusWidget() is part


def test_tab_chooses_neurons_and_leaves_the_canvas_after_the_last(shown):
    window = shown(example_path("xor-mlp"))
    view, scene = window.canvas, window.scene
    _f6_to(window, view)
    order = [n.id for n in window.document.design.neurons]
    for nid in order:
        _press(window, Qt.Key.Key_Tab)
        assert scene.selected_ids()[0] == [nid]
        assert QApplication.focusWidget() is view
    _press(window, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not view
    assert scene.selected_ids() == ([], [], [])


def test_a_run_of_nudges_is_one_undo_step(shown):
    window = shown(example_path("xor-mlp"))
    doc, stack = window.document, window.document.undo_stack
    _f6_to(window, window.canvas)
    _press(window, Qt.Key.Key_Tab)
    nid = window.scene.selected_ids()[0][0]
    x, y = doc.index.neuron(nid).x, doc.index.neuron(nid).y
    count = stack.count()
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Right):
        _press(window, key)
    assert (doc.index.neuron(nid).x, doc.index.neuron(nid).y) == (x + 30, y + 10)
    assert stack.count() == count + 1
    stack.undo()
    assert (doc.index.neuron(nid).x, doc.index.neuron(nid).y) == (x, y)
    stack.redo()
    # Another neuron's nudges are a step of their own.
    _press(window, Qt.Key.Key_Tab)
    _press(window, Qt.Key.Key_Left)
    assert stack.count() == count + 2


def test_the_articles_neuron_built_with_the_keyboard_alone(shown):
    """Two inputs, weights 0.5 and 0.7, a step output with threshold 0.5:
    inputs 0.5 and 0.6 make 0.67, and it fires."""
    window = shown()
    palette, inspector, view = window.palette, window.inspector, window.canvas
    doc = window.document
    # Parts: an input layer of 2 and an output neuron.
    _f6_to(window, window.palette_dock)
    _tab_to(window, palette.size_box)
    _type(window, "2")
    _tab_to(window, palette.layer_parts["input"])
    _press(window, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is palette.layer_parts["input"]
    _tab_to(window, palette.neuron_parts["output"], back=True)
    _press(window, Qt.Key.Key_Return)
    design = doc.design
    assert [doc.design.layer(n.layer).kind.value for n in design.neurons] == ["input", "input", "output"]
    x1, x2, out = (n.id for n in design.neurons)

    def connect(source_tabs: int, weight: str) -> None:
        _f6_to(window, view)
        _press(window, Qt.Key.Key_Escape)  # nothing selected: Tab starts at the first neuron
        for _ in range(source_tabs):
            _press(window, Qt.Key.Key_Tab)
        _press(window, Qt.Key.Key_C)
        _press(window, Qt.Key.Key_Tab)  # the first neuron of another layer: the output
        _press(window, Qt.Key.Key_Return)
        _f6_to(window, window.inspector_dock)
        _tab_to(window, inspector.weight)
        _type(window, weight)

    connect(1, "0.5")
    connect(2, "0.7")
    assert {(c.source, c.target): c.weight for c in doc.design.connections} == {(x1, out): 0.5, (x2, out): 0.7}
    # The output neuron: step, threshold 0.5.
    _f6_to(window, view)
    _press(window, Qt.Key.Key_Escape)
    for _ in range(3):
        _press(window, Qt.Key.Key_Tab)
    assert window.scene.selected_ids()[0] == [out]
    _f6_to(window, window.inspector_dock)
    _tab_to(window, inspector.activation)
    for _ in range(inspector.activation.count()):
        if inspector.activation.currentText().startswith("step"):
            break
        _press(window, Qt.Key.Key_Down)
    _tab_to(window, inspector.threshold)
    _type(window, "0.5")
    neuron = doc.index.neuron(out)
    assert doc.design.activation_of(neuron).value == "step" and neuron.threshold == 0.5
    outputs = predict(doc.design, np.array([[0.5, 0.6], [0.2, 0.3]]))
    np.testing.assert_array_equal(np.asarray(outputs).ravel(), [1.0, 0.0])  # 0.67 fires, 0.31 does not
