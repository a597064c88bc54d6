"""Real mouse and keyboard events on the canvas viewport; each test checks
the design (the scene only mirrors it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from canvas_testkit import assert_mirrors, drag, open_view, vp
from nnsim.app.canvas.items import PORT_CENTER
from nnsim.design.model import LayerKind


def _layers(doc, kind):
    return [lay for lay in doc.design.layers if lay.kind == kind]


def test_drag_neuron_moves_it_in_one_undo_step(qtbot):
    doc, scene, view = open_view(qtbot)
    n = doc.design.neurons_of(_layers(doc, LayerKind.HIDDEN)[0].id)[1]
    start = QPointF(n.x, n.y)
    end = start + QPointF(37, -53)
    count = doc.undo_stack.count()
    drag(view, start, end)
    moved = doc.index.neuron(n.id)
    assert abs(moved.x - end.x()) <= 2 and abs(moved.y - end.y()) <= 2
    assert doc.undo_stack.count() == count + 1
    others = [m for m in doc.design.neurons if m.id != n.id]
    assert all((m.x, m.y) == (o.x, o.y) for m, o in zip(others, others))
    assert_mirrors(scene, doc.design)
    doc.undo_stack.undo()
    assert (doc.index.neuron(n.id).x, doc.index.neuron(n.id).y) == (start.x(), start.y())
    assert_mirrors(scene, doc.design)


def test_drag_layer_frame_moves_all_its_neurons(qtbot):
    doc, scene, view = open_view(qtbot)
    layer = _layers(doc, LayerKind.HIDDEN)[0]
    before = [(n.x, n.y) for n in doc.design.neurons_of(layer.id)]
    frame = scene.layer_items[layer.id].scene_frame()
    grab = QPointF(frame.center().x(), frame.top() + 4)  # the frame's top band, between neurons
    count = doc.undo_stack.count()
    drag(view, grab, grab + QPointF(60, 30))
    after = [(n.x, n.y) for n in doc.design.neurons_of(layer.id)]
    assert all(abs(a[0] - b[0] - 60) <= 2 and abs(a[1] - b[1] - 30) <= 2 for a, b in zip(after, before))
    assert doc.undo_stack.count() == count + 1
    assert scene.layer_items[layer.id].pos() == QPointF(0, 0)
    assert_mirrors(scene, doc.design)


def test_rubber_band_select_then_delete_key(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _layers(doc, LayerKind.HIDDEN)[0]
    members = doc.design.neurons_of(hidden.id)
    top, second = members[0], members[1]
    # a band around the first two hidden neurons, starting on empty canvas
    drag(view, QPointF(top.x - 60, top.y - 40), QPointF(second.x + 60, second.y + 40))
    neurons, layers, pairs = scene.selected_ids()
    assert neurons == sorted([top.id, second.id]) and layers == [] and pairs == []
    QTest.keyClick(view, Qt.Key_Delete)
    ids = {n.id for n in doc.design.neurons}
    assert top.id not in ids and second.id not in ids and len(doc.design.neurons_of(hidden.id)) == 1
    assert_mirrors(scene, doc.design)
    doc.undo_stack.undo()
    assert {top.id, second.id} <= {n.id for n in doc.design.neurons}
    assert_mirrors(scene, doc.design)


def test_neuron_port_to_neuron_connects(qtbot):
    doc, scene, view = open_view(qtbot)
    doc.remove(connections=[(c.source, c.target) for c in doc.design.connections])
    a = doc.design.neurons_of(_layers(doc, LayerKind.INPUT)[0].id)[0]
    h = doc.design.neurons_of(_layers(doc, LayerKind.HIDDEN)[0].id)[2]
    drag(view, QPointF(a.x, a.y) + PORT_CENTER, QPointF(h.x, h.y))
    assert [(c.source, c.target) for c in doc.design.connections] == [(a.id, h.id)]
    assert_mirrors(scene, doc.design)


def test_shift_drag_from_neuron_connects(qtbot):
    doc, scene, view = open_view(qtbot)
    doc.remove(connections=[(c.source, c.target) for c in doc.design.connections])
    a = doc.design.neurons_of(_layers(doc, LayerKind.INPUT)[0].id)[1]
    h = doc.design.neurons_of(_layers(doc, LayerKind.HIDDEN)[0].id)[0]
    drag(view, QPointF(a.x, a.y), QPointF(h.x, h.y), modifiers=Qt.ShiftModifier)
    assert [(c.source, c.target) for c in doc.design.connections] == [(a.id, h.id)]
    assert (doc.index.neuron(a.id).x, doc.index.neuron(a.id).y) == (a.x, a.y)  # it did not move


def test_layer_port_to_layer_connects_all_pairs(qtbot):
    doc, scene, view = open_view(qtbot)
    doc.remove(connections=[(c.source, c.target) for c in doc.design.connections])
    inp, hid = _layers(doc, LayerKind.INPUT)[0], _layers(doc, LayerKind.HIDDEN)[0]
    port = scene.layer_items[inp.id].port_scene_pos()
    target = scene.layer_items[hid.id].scene_frame().center() + QPointF(0, 30)
    count = doc.undo_stack.count()
    drag(view, port, target)
    pairs = {(c.source, c.target) for c in doc.design.connections}
    want = {(s.id, t.id) for s in doc.design.neurons_of(inp.id) for t in doc.design.neurons_of(hid.id)}
    assert pairs == want
    assert doc.undo_stack.count() == count + 1
    assert_mirrors(scene, doc.design)


def _refused(qtbot, doc, scene, view, start, end):
    before = [(c.source, c.target) for c in doc.design.connections]
    count = doc.undo_stack.count()
    with qtbot.waitSignal(scene.message, timeout=1000) as blocker:
        drag(view, start, end)
    assert [(c.source, c.target) for c in doc.design.connections] == before
    assert doc.undo_stack.count() == count
    assert scene.tools.toast.isVisible() and scene.tools.toast.text == blocker.args[0]
    return blocker.args[0]


def test_connection_into_an_input_is_refused_with_reason(qtbot):
    doc, scene, view = open_view(qtbot)
    h = doc.design.neurons_of(_layers(doc, LayerKind.HIDDEN)[0].id)[0]
    a = doc.design.neurons_of(_layers(doc, LayerKind.INPUT)[0].id)[0]
    text = _refused(qtbot, doc, scene, view, QPointF(h.x, h.y) + PORT_CENTER, QPointF(a.x, a.y))
    assert "input" in text


def test_cycle_is_refused_with_reason(qtbot):
    doc, scene, view = open_view(qtbot)
    h1 = _layers(doc, LayerKind.HIDDEN)[0]
    h2 = doc.add_layer(LayerKind.HIDDEN, 2, 160, 300)
    doc.connect_layers(h1.id, h2)
    src = scene.layer_items[h2].port_scene_pos()
    dst = scene.layer_items[h1.id].scene_frame().center()
    text = _refused(qtbot, doc, scene, view, src, dst)
    assert "cycle" in text


def test_zoom_keys_change_the_transform(qtbot):
    doc, scene, view = open_view(qtbot)
    z0 = view.zoom
    QTest.keyClick(view, Qt.Key_Equal, Qt.ControlModifier)
    assert view.zoom > z0 * 1.2
    QTest.keyClick(view, Qt.Key_Minus, Qt.ControlModifier)
    QTest.keyClick(view, Qt.Key_Minus, Qt.ControlModifier)
    assert view.zoom < z0
    QTest.keyClick(view, Qt.Key_0, Qt.ControlModifier)
    assert abs(view.zoom - 1.0) < 1e-9
    view.fit_all()
    assert view.mapToScene(view.viewport().rect()).boundingRect().contains(scene.content_rect())


def test_wheel_zooms_around_the_cursor(qtbot):
    doc, scene, view = open_view(qtbot)
    n = doc.design.neurons[0]
    at = vp(view, QPointF(n.x, n.y))
    from PySide6.QtGui import QWheelEvent
    ev = QWheelEvent(QPointF(at), QPointF(view.viewport().mapToGlobal(at)), QPoint(0, 0), QPoint(0, 240),
                     Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), ev)
    assert view.zoom > 1.3
    after = view.mapToScene(at)
    assert abs(after.x() - n.x) < 2 and abs(after.y() - n.y) < 2


def test_middle_drag_pans(qtbot):
    doc, scene, view = open_view(qtbot)
    center = view.mapToScene(view.viewport().rect().center())
    drag(view, center, center + QPointF(100, 50), button=Qt.MiddleButton)
    moved = view.mapToScene(view.viewport().rect().center())
    assert abs((center - moved).x() - 100) <= 2 and abs((center - moved).y() - 50) <= 2
    assert [(n.x, n.y) for n in doc.design.neurons] == [(n.x, n.y) for n in doc.design.neurons]
    assert doc.undo_stack.count() == 0


def _midpoint_of_connection(doc, pair):
    s, t = doc.index.neuron(pair[0]), doc.index.neuron(pair[1])
    return QPointF((s.x + t.x) / 2, (s.y + t.y) / 2)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen tooltips
def test_hover_tooltip_shows_the_weight(qtbot):
    doc, scene, view = open_view(qtbot)
    c = doc.design.connections[0]
    at = vp(view, _midpoint_of_connection(doc, (c.source, c.target)))
    assert scene.connection_at(view.mapToScene(at), view.zoom) == (c.source, c.target)
    ev = QHelpEvent(QEvent.ToolTip, at, view.viewport().mapToGlobal(at))
    QApplication.sendEvent(view.viewport(), ev)
    assert f"{c.weight:.4g}" in QToolTip.text()
    QToolTip.hideText()


def test_click_selects_a_connection(qtbot):
    doc, scene, view = open_view(qtbot)
    c = doc.design.connections[-1]
    pair = (c.source, c.target)
    with qtbot.waitSignal(scene.selection_changed_ids) as blocker:
        QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, vp(view, _midpoint_of_connection(doc, pair)))
    assert blocker.args == [[], [], [pair]]
    assert not scene.select_overlay.is_empty()
    QTest.keyClick(view, Qt.Key_Delete)
    assert doc.design.connection(*pair) is None
    assert_mirrors(scene, doc.design)
