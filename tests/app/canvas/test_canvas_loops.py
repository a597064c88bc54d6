"""Recurrent connections on the canvas: Alt-dragging draws a loop (a delayed
connection), which shows as an arc; an undelayed cycle is refused with its
reason; the layer menu connects all recurrently; undo takes a loop away."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from canvas_testkit import drag, open_view
from nnsim.app.canvas.loops import LoopArcItem
from nnsim.design.model import LayerKind


def _layer(doc, kind, k=0):
    return [lay for lay in doc.design.layers if lay.kind == kind][k]


def _inside_frame(scene, lid, dy=0.0):
    """A point in the layer's frame between its neurons (not on a neuron)."""
    frame = scene.layer_items[lid].scene_frame()
    return QPointF(frame.left() + 4, frame.center().y() + dy)


def test_alt_drag_from_a_layer_onto_itself_makes_a_loop_drawn_as_an_arc(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _layer(doc, LayerKind.HIDDEN)
    members = {n.id for n in doc.design.neurons_of(hidden.id)}
    before = len(doc.design.connections)
    start = _inside_frame(scene, hidden.id, -10)
    drag(view, start, start + QPointF(0, 40), modifiers=Qt.AltModifier)
    loops = [c for c in doc.design.connections if c.delay]
    assert len(loops) == len(members) ** 2
    assert {c.source for c in loops} == members and {c.target for c in loops} == members
    assert len(doc.design.connections) == before + len(members) ** 2
    # One arc for the pair, and no straight lines inside the column.
    key = (hidden.id, hidden.id)
    arc = scene.loops.items[key]
    assert isinstance(arc, LoopArcItem) and arc.isVisible() and arc.count == len(members) ** 2
    assert not scene.bundle_items[key].isVisible()
    assert arc.sceneBoundingRect().bottom() <= scene.layer_items[hidden.id].scene_frame().top() + 1
    # Undo takes it away again, arc and all.
    doc.undo()
    QApplication.processEvents()
    assert not any(c.delay for c in doc.design.connections)
    assert key not in scene.loops.items


def test_a_drag_back_without_alt_is_refused_naming_the_cycle(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _layer(doc, LayerKind.HIDDEN)
    messages = []
    scene.message.connect(messages.append)
    start = _inside_frame(scene, hidden.id, -10)
    before = len(doc.design.connections)
    drag(view, start, start + QPointF(0, 40))  # onto itself, no Alt: a move of the frame, not a connection
    out = _layer(doc, LayerKind.OUTPUT)
    # From an output neuron there is no port; Alt-press on it starts a recurrent connection.
    o = doc.design.neurons_of(out.id)[0]
    h = doc.design.neurons_of(hidden.id)[0]
    drag(view, QPointF(o.x, o.y), QPointF(h.x, h.y), modifiers=Qt.AltModifier)
    back = [c for c in doc.design.connections if c.delay]
    assert [(c.source, c.target) for c in back] == [(o.id, h.id)]
    assert (out.id, hidden.id) in scene.loops.items
    # The same drag from a hidden neuron of a later layer without Alt: refused.
    tools = scene.tools
    ok = tools.connect(("neuron", o.id), ("neuron", doc.design.neurons_of(hidden.id)[1].id))
    assert not ok
    assert "output" in messages[-1] and "Alt" in messages[-1]
    assert len(doc.design.connections) == before + 1


def test_an_undelayed_cycle_between_hidden_layers_is_refused_with_its_reason(qtbot):
    from nnsim.design.build import initialize, layered
    import numpy as np
    from nnsim.design.model import Activation
    design = layered([1, 2, 2, 1], output=Activation.SIGMOID)
    initialize(design, np.random.default_rng(0))
    doc, scene, view = open_view(qtbot, design)
    first, second = _layer(doc, LayerKind.HIDDEN, 0), _layer(doc, LayerKind.HIDDEN, 1)
    messages = []
    scene.message.connect(messages.append)
    port = scene.layer_items[second.id].port_scene_pos()
    target = _inside_frame(scene, first.id, -10)
    drag(view, port, target)
    assert not any(c.delay for c in doc.design.connections)
    assert "closes a cycle" in messages[-1] and "Alt" in messages[-1]
    drag(view, port, target, modifiers=Qt.AltModifier)
    assert sum(c.delay for c in doc.design.connections) == 4
    assert "recurrently" in messages[-1]


def test_connect_all_recurrently_from_the_layer_menu(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _layer(doc, LayerKind.HIDDEN)
    menu = scene.tools.context_menu(_inside_frame(scene, hidden.id, -10), view)
    action = next(a for a in menu.actions() if a.text().startswith("Connect all recurrently (onto itself)"))
    action.trigger()
    assert sum(c.delay for c in doc.design.connections) == 9
    assert doc.undo_stack.undoText().endswith("onto itself recurrently")


def test_clicking_an_arc_selects_its_connections_and_delete_removes_them(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _layer(doc, LayerKind.HIDDEN)
    scene.tools.connect(("layer", hidden.id), ("layer", hidden.id), delay=1)
    QApplication.processEvents()
    arc = scene.loops.items[(hidden.id, hidden.id)]
    top = arc.path().pointAtPercent(0.5)
    drag(view, top, top, steps=1)
    _, _, pairs = scene.selected_ids()
    assert len(pairs) == 9 and arc.selected_all
    view.setFocus()
    from PySide6.QtTest import QTest
    QTest.keyClick(view.viewport(), Qt.Key_Delete)
    QApplication.processEvents()
    assert not any(c.delay for c in doc.design.connections)
    assert len(doc.design.connections) == 9
