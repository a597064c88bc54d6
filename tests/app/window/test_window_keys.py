"""Window-wide keys that share a key with the canvas: Space is play/pause
when tapped on the canvas, and pans while held with a drag."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnsim.resources import example_path


def _open(make_window, qtbot):
    window, _ = make_window(example_path("xor-mlp"))
    window.show()
    qtbot.waitExposed(window)
    view = window.canvas
    view.setFocus()
    return window, view, window.training.controller


def test_a_tap_of_space_on_the_canvas_plays_and_pauses(make_window, qtbot):
    window, view, c = _open(make_window, qtbot)
    assert not c.playing
    QTest.keyClick(view, Qt.Key_Space)
    qtbot.waitUntil(lambda: c.playing, timeout=3000)
    QTest.keyClick(view, Qt.Key_Space)
    qtbot.waitUntil(lambda: not c.playing, timeout=3000)


def test_space_held_to_pan_does_not_play(make_window, qtbot):
    window, view, c = _open(make_window, qtbot)
    vp = view.viewport()
    start = vp.rect().center() + QPoint(0, 120)  # empty canvas below the design
    before = view.mapToScene(vp.rect().center())
    QTest.keyPress(view, Qt.Key_Space)
    QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, start)
    QTest.mouseMove(vp, start + QPoint(60, 0))
    QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, start + QPoint(60, 0))
    QTest.keyRelease(view, Qt.Key_Space)
    qtbot.wait(50)
    assert not c.playing
    assert view.mapToScene(vp.rect().center()) != before  # it panned
