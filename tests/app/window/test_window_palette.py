"""The palette's parts: drag data, double-click and Enter add at the centre."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDrag
from PySide6.QtTest import QTest

from nnsim.app.panels.palette import PART_MIME, part_from_mime, part_mime_data
from nnsim.design.model import LayerKind


def _payload(mime):
    return json.loads(bytes(mime.data(PART_MIME).data()).decode())


def test_parts_carry_the_right_mime_data(window):
    palette = window.palette
    assert _payload(palette.neuron_parts["input"].mime_data()) == {"kind": "input", "size": 1}
    assert _payload(palette.neuron_parts["output"].mime_data()) == {"kind": "output", "size": 1}
    palette.size_box.setValue(7)
    part = palette.layer_parts["hidden"]
    assert _payload(part.mime_data()) == {"kind": "hidden", "size": 7, "layer": True}
    assert part.text() == "Hidden layer of 7"
    assert part_from_mime(part.mime_data()) == ("hidden", 7, True, "")
    assert part_from_mime(palette.neuron_parts["hidden"].mime_data()) == ("hidden", 1, False, "")
    assert part_from_mime(part_mime_data("bogus", 1)) is None


def test_a_mouse_drag_starts_a_qdrag_with_the_part(window, qtbot, monkeypatch):
    started = []

    def fake_exec(drag, *args, **kwargs):
        started.append(_payload(drag.mimeData()))
        return Qt.DropAction.CopyAction

    monkeypatch.setattr(QDrag, "exec", fake_exec)
    window.show()
    part = window.palette.layer_parts["output"]
    start = part.rect().center()
    QTest.mousePress(part, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for dx in (3, 8, 20, 40):
        QTest.mouseMove(part, start + QPoint(dx, 0))
    QTest.mouseRelease(part, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(40, 0))
    assert started == [{"kind": "output", "size": 4, "layer": True}]
    assert window.document.design.layers == []  # the drop is the canvas's business


def test_double_click_adds_the_part_at_the_canvas_centre(window, qtbot):
    window.resize(1366, 768)
    window.show()
    window.show_canvas()
    qtbot.waitUntil(lambda: window.canvas.viewport().width() > 400)
    centre = window.canvas.mapToScene(window.canvas.viewport().rect().center())
    part = window.palette.neuron_parts["hidden"]
    QTest.mouseDClick(part, Qt.MouseButton.LeftButton)
    d = window.document.design
    assert [layer.kind for layer in d.layers] == [LayerKind.HIDDEN]
    assert len(d.neurons) == 1
    assert window.central.currentWidget() is window.canvas
    assert abs(d.neurons[0].x - centre.x()) < 2 and abs(d.neurons[0].y - centre.y()) < 2
    assert window.document.undo_stack.count() == 1

    # A second one goes beside the first, not on top of it.
    QTest.mouseDClick(part, Qt.MouseButton.LeftButton)
    assert abs(d.neurons[1].x - d.neurons[0].x) >= 100


def test_enter_on_a_focused_part_adds_a_layer(window, qtbot):
    window.show()
    window.palette.size_box.setValue(3)
    part = window.palette.layer_parts["input"]
    part.setFocus()
    QTest.keyClick(part, Qt.Key.Key_Return)
    d = window.document.design
    assert [layer.kind for layer in d.layers] == [LayerKind.INPUT]
    assert len(d.neurons) == 3


def test_a_part_dropped_on_the_canvas_adds_it_there(window, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    window.show()
    window.show_canvas()
    window.palette.size_box.setValue(5)
    mime = window.palette.layer_parts["hidden"].mime_data()
    view = window.canvas
    pos = QPointF(view.mapFromScene(QPointF(40, 20)))
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (QDragEnterEvent(pos.toPoint(), copy, mime, left, none),
                  QDragMoveEvent(pos.toPoint(), copy, mime, left, none),
                  QDropEvent(pos, copy, mime, left, none)):
        QApplication.sendEvent(view.viewport(), event)
    d = window.document.design
    assert [layer.kind for layer in d.layers] == [LayerKind.HIDDEN]
    assert len(d.neurons) == 5


def test_neurons_per_layer_accepts_one(window, qtbot):
    window.show()
    box = window.palette.size_box
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(box, "1")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == 1
    part = window.palette.layer_parts["hidden"]
    assert part.text() == "Hidden layer of 1"
    assert json.loads(bytes(part.mime_data().data(PART_MIME).data()).decode()) == {
        "kind": "hidden", "size": 1, "layer": True}
    QTest.mouseDClick(part, Qt.MouseButton.LeftButton)
    d = window.document.design
    assert [layer.kind for layer in d.layers] == [LayerKind.HIDDEN] and len(d.neurons) == 1


def test_parts_added_one_after_another_stay_in_view(window, qtbot):
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.files.new()
    qtbot.waitUntil(lambda: window.central.height() > 400)  # the window has its 1366×768 layout
    palette, view = window.palette, window.canvas
    for kind in ("input", "hidden", "output"):
        QTest.mouseDClick(palette.layer_parts[kind], Qt.MouseButton.LeftButton)
    QTest.mouseDClick(palette.neuron_parts["output"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.document.design.layers) == 4)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    rects = []
    for item in window.scene.layer_items.values():
        rect = item.mapRectToScene(item.boundingRect() | item.childrenBoundingRect())
        assert visible.contains(rect), (rect, visible)
        assert not any(rect.intersects(other) for other in rects)
        rects.append(rect)
    xs = [layer_x for layer_x in (window.document.design.neurons_of(lay.id)[0].x
                                  for lay in window.document.design.layers)]
    assert xs == sorted(xs)  # left to right, in the order added
