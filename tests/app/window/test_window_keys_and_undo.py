"""In the whole window: Space plays and pauses (a tap on the canvas, or a
Space no focused widget wants) while Space + drag pans and text fields type
it; undo while training plays keeps the training as its own step; hovering a
neuron shows its map large; a design opens fitted into the canvas."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnsim.app.canvas.view import FIT_MAX_ZOOM
from nnsim.design.edits import numbers_of
from nnsim.resources import example_path
from nnsim.design.names import neuron_name

WAIT = 15_000


def _window(make_window, qtbot, name="xor-mlp"):
    window, answers = make_window(example_path(name))
    window.document.set_training(epochs=1_000_000)  # we pause by hand
    window.document.undo_stack.clear()  # histories below start here
    window.show()
    qtbot.waitExposed(window)
    window.workspaces.switch("train")
    window.show_canvas()
    qtbot.waitUntil(lambda: window.training.controller.session is not None, timeout=WAIT)
    return window


def _space(widget, press=True, release=True):
    if press:
        QTest.keyPress(widget, Qt.Key.Key_Space)
    if release:
        QTest.keyRelease(widget, Qt.Key.Key_Space)


# -- Space -------------------------------------------------------------------------------
def test_a_space_tap_on_the_canvas_plays_and_pauses(make_window, qtbot):
    window = _window(make_window, qtbot)
    c, view = window.training.controller, window.canvas
    view.setFocus()
    _space(view)
    assert c.playing
    qtbot.waitUntil(lambda: c.epoch > 2, timeout=WAIT)
    _space(view)
    assert not c.playing


def test_space_and_drag_pans_without_playing(make_window, qtbot):
    window = _window(make_window, qtbot)
    c, view = window.training.controller, window.canvas
    view.setFocus()
    centre = view.viewport().rect().center()
    before = view.mapToScene(centre)
    _space(view, release=False)
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    for k in range(1, 6):
        QTest.mouseMove(vp, centre + QPoint(20 * k, 10 * k))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre + QPoint(100, 50))
    _space(view, press=False)
    after = view.mapToScene(centre)
    assert abs((before - after).x()) > 20  # the canvas moved under the pointer
    assert not c.playing


def test_space_types_in_text_fields_and_presses_buttons(make_window, qtbot):
    window = _window(make_window, qtbot)
    c = window.training.controller
    name = window.inspector.design_name
    name.setFocus()
    name.setText("my")
    name.end(False)
    QTest.keyClick(name, Qt.Key.Key_Space)
    QTest.keyClicks(name, "net")
    assert name.text() == "my net"
    assert not c.playing
    # A focused palette part adds itself on Space.
    part = window.palette.neuron_parts["hidden"]
    part.setFocus()
    count = len(window.document.design.neurons)
    QTest.keyClick(part, Qt.Key.Key_Space)
    assert len(window.document.design.neurons) == count + 1
    assert not c.playing


def test_space_elsewhere_plays(make_window, qtbot):
    window = _window(make_window, qtbot)
    c = window.training.controller
    cost = window.training.cost  # a plot: it has no use for Space
    cost.setFocus()
    QTest.keyClick(cost, Qt.Key.Key_Space)
    assert c.playing
    QTest.keyClick(cost, Qt.Key.Key_Space)
    assert not c.playing
    assert "Space" in window.training.actions.play.shortcut().toString()  # shown in the menu


# -- undo while training plays ---------------------------------------------------------------
def test_undo_while_playing_takes_back_the_training_since_the_last_step(make_window, qtbot):
    window = _window(make_window, qtbot)
    c, doc = window.training.controller, window.document
    stack = doc.undo_stack
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 20, timeout=WAIT)
    c.pause()  # one step of training in the history
    first = numbers_of(doc.design)
    assert stack.count() == 1
    c.play()
    start = c.epoch
    qtbot.waitUntil(lambda: c.epoch > start + 20, timeout=WAIT)
    window.acts.undo.trigger()  # while playing
    assert not c.playing and "step in the history" in c.message
    assert stack.count() == 2 and stack.index() == 1  # the new training became a step, then was undone
    assert stack.text(1).startswith("Train epochs")
    now = numbers_of(doc.design)
    np.testing.assert_array_equal(now[0], first[0])
    np.testing.assert_array_equal(c.numbers.read()[0], first[0])  # training goes on from there
    window.acts.redo.trigger()
    assert stack.index() == 2
    assert not np.array_equal(numbers_of(doc.design)[0], first[0])


def test_a_jump_in_the_history_view_keeps_the_training_too(make_window, qtbot):
    window = _window(make_window, qtbot)
    c, doc = window.training.controller, window.document
    doc.set_design(name="renamed")
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 20, timeout=WAIT)
    window.history_dock.show()
    view = window.undo_view
    qtbot.waitExposed(view)
    rect = view.visualRect(view.model().index(1, 0))  # the row after "<opened>": the rename
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert not c.playing
    stack = doc.undo_stack
    assert stack.count() == 2 and stack.index() == 1
    assert stack.text(1).startswith("Train epochs")


# -- hover ------------------------------------------------------------------------------------
def test_hovering_a_neuron_shows_its_map_large(make_window, qtbot):
    window = _window(make_window, qtbot)
    c, scene, view = window.training.controller, window.scene, window.canvas
    qtbot.waitUntil(lambda: c.probe is not None and bool(c.probe.mapped_ids), timeout=WAIT)
    heard = []
    scene.neuron_hovered.connect(heard.append)
    hidden = [nid for nid in c.probe.mapped_ids if nid in scene.neuron_items][0]
    shown_before = c.selected_neuron
    vp = view.viewport()

    def pointer_on(nid) -> bool:  # the view may still be settling its size: aim again each time
        QTest.mouseMove(vp, QPoint(2, 2))
        QTest.mouseMove(vp, view.mapFromScene(scene.neuron_items[nid].scenePos()))
        return bool(heard) and heard[-1] == nid

    qtbot.waitUntil(lambda: pointer_on(hidden), timeout=2000)
    assert c.selected_neuron == hidden
    window.training.docks["training_neurons_dock"].raise_()  # drawn once in sight
    qtbot.waitUntil(lambda: neuron_name(window.document.design, hidden) in window.training.neurons.detail.title.text(),
                    timeout=WAIT)
    QTest.mouseMove(vp, QPoint(5, 5))  # empty canvas
    qtbot.waitUntil(lambda: heard[-1] == -1, timeout=2000)
    assert c.selected_neuron == shown_before


# -- opening fits the design ---------------------------------------------------------------------
def test_an_opened_design_is_fitted_into_the_canvas(make_window, qtbot):
    for name in ("circle", "spiral-deep", "xor-mlp"):
        window, _ = make_window(example_path(name))  # opened before the window shows
        window.show()
        qtbot.waitExposed(window)
        view = window.canvas
        qtbot.wait(50)  # the docks take their sizes after the first show

        def fitted():  # all of it in view, and as large as fits
            shown = view.mapToScene(view.viewport().rect()).boundingRect()
            content = window.scene.content_rect()
            fills = max(content.width() / shown.width(), content.height() / shown.height()) > 0.75
            return shown.contains(content) and (fills or view.zoom >= FIT_MAX_ZOOM - 1e-9)

        qtbot.waitUntil(fitted, timeout=2000)
        # A dock opening under the canvas keeps the zoom (only fitting fits).
        zoom = view.zoom
        window.learn_mode.docks["step_through"].toggleViewAction().trigger()  # View ▸ Panels
        qtbot.wait(50)
        assert view.zoom == zoom
        window.document.undo_stack.setClean()
        window.close()


def test_redo_waits_while_training_plays(make_window, qtbot):
    """Playing training becomes a step before any move in the history, and a
    new step ends what could be redone: so Redo is off while it plays."""
    window = _window(make_window, qtbot)
    c, doc = window.training.controller, window.document
    doc.set_design(name="renamed")
    window.acts.undo.trigger()
    assert window.acts.redo.isEnabled()
    c.play()
    qtbot.waitUntil(lambda: c.playing, timeout=WAIT)
    assert not window.acts.redo.isEnabled()
    c.pause()
    qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
    assert window.acts.redo.isEnabled() == doc.undo_stack.canRedo()
