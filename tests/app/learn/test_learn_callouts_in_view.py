"""Step-through callouts stay inside the canvas's view: near the top of the
view the callout above the network moves below it or down into view, and
scrolling the view lays the callouts out again."""

from __future__ import annotations

from learn_testkit import click
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import nnsim
from nnsim.app.learn.walkthrough import BACKWARD_PHASE, FORWARD
from nnsim.design.model import LayerKind


def _pan_top_to(view, scene_y: float, pixels: int) -> None:
    """Drag the canvas with the middle button (a pan) until the scene height
    ``scene_y`` sits ``pixels`` below the view's top edge."""
    vp = view.viewport()
    for _ in range(3):
        shift = view.mapFromScene(0, scene_y).y() - pixels
        if abs(shift) <= 1:
            return
        start = QPoint(vp.width() // 2, vp.height() // 2)
        QTest.mousePress(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start)
        for k in range(1, 6):
            QTest.mouseMove(vp, start - QPoint(0, shift * k // 5))
        QTest.mouseRelease(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start - QPoint(0, shift))
        QApplication.processEvents()
    assert abs(view.mapFromScene(0, scene_y).y() - pixels) <= 1


def _outside(panel, view) -> list[str]:
    room = QRectF(view.viewport().rect())
    out = []
    for nid, item in panel.overlay.callouts.items():
        at = view.mapFromScene(item.pos())  # callouts ignore the zoom: their rect is in pixels
        rect = item.boundingRect().translated(at.x(), at.y())
        if not room.contains(rect):
            out.append(f"{nid}: {rect} not in {room}")
    return out


def test_callouts_near_the_top_of_the_view_are_not_cut_off(learn_window, qtbot):
    window, mode = learn_window
    window.files.open_example(str(nnsim.resources.example_path("xor-mlp")))
    view = window.canvas
    mode.show("step_through")
    panel = mode.step_through
    panel.choose_sample(1)
    qtbot.wait(100)  # the dock has its place and the canvas its size
    top = min(n.y for n in window.document.design.neurons)
    _pan_top_to(view, top, 40)  # the network's top neuron 40 px below the view's top edge
    seen = set()
    while panel.next_button.isEnabled():
        click(panel.next_button)
        frame = panel.walk.frames[panel.index]
        if frame.phase in (FORWARD, BACKWARD_PHASE):
            seen.add(frame.phase)
            assert frame.neuron in panel.overlay.callouts
            assert not _outside(panel, view)
    assert seen == {FORWARD, BACKWARD_PHASE}


def test_scrolling_lays_the_callouts_out_again(learn_window, qtbot):
    window, mode = learn_window
    window.files.open_example(str(nnsim.resources.example_path("xor-mlp")))
    view = window.canvas
    mode.show("step_through")
    panel = mode.step_through
    panel.choose_sample(2)
    qtbot.wait(100)  # the dock has its place and the canvas its size (the workspace's sizes come after a turn)
    backward = [i for i, f in enumerate(panel.walk.frames) if f.phase == BACKWARD_PHASE]
    panel.go(backward[-1])
    assert not _outside(panel, view)
    top = min(n.y for n in window.document.design.neurons)
    _pan_top_to(view, top, 30)
    qtbot.waitUntil(lambda: not _outside(panel, view), timeout=2000)


def _pan_left_to(view, scene_x: float, pixels: int) -> None:
    """Drag the canvas with the middle button until the scene position
    ``scene_x`` sits ``pixels`` right of the view's left edge."""
    vp = view.viewport()
    for _ in range(3):
        shift = view.mapFromScene(scene_x, 0).x() - pixels
        if abs(shift) <= 1:
            return
        start = QPoint(vp.width() // 2, vp.height() // 2)
        QTest.mousePress(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start)
        for k in range(1, 6):
            QTest.mouseMove(vp, start - QPoint(shift * k // 5, 0))
        QTest.mouseRelease(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, start - QPoint(shift, 0))
        QApplication.processEvents()
    assert abs(view.mapFromScene(scene_x, 0).x() - pixels) <= 1


def test_input_values_and_names_at_the_left_edge_come_into_view(learn_window, qtbot):
    window, mode = learn_window
    window.files.open_example(str(nnsim.resources.example_path("iris")))
    view = window.canvas
    mode.show("step_through")
    panel = mode.step_through
    panel.choose_sample(1)
    qtbot.wait(100)
    view.set_zoom(1.0)
    scene = window.canvas_scene()
    inputs = [item for item in scene.neuron_items.values() if item.kind == LayerKind.INPUT]
    _pan_left_to(view, min(item.scenePos().x() for item in inputs), 30)  # the input column 30 px from the edge
    panel.go(0)  # the inputs' values
    room = QRectF(view.viewport().rect())
    for item in inputs:
        assert item.value is not None and item.outside  # a value box and the name, both left of the neuron
        drawn = QRectF(view.mapFromScene(item.sceneBoundingRect()).boundingRect())
        assert room.contains(drawn), (item.outside, drawn, room)
