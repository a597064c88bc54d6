"""The window holds still while training starts, runs and stops: the Training
dock keeps its width, no control moves (so a second click on Play lands on
Pause), and the canvas keeps its zoom and its middle. Status texts have fixed
room; a change of the canvas's size never refits it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QSlider

from nnsim.resources import example_path

WAIT = 15_000
LAPTOP = (1366, 768)


def _laptop_window(make_window, qtbot, name="circle"):
    window, _ = make_window(example_path(name))
    window.setGeometry(QRect(0, 0, *LAPTOP))
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.size().toTuple() == LAPTOP, timeout=2000)
    window.workspaces.actions["train"].trigger()
    qtbot.waitUntil(lambda: window.training.controller.session is not None, timeout=WAIT)
    qtbot.wait(100)  # the docks take their sizes after the first show
    return window


def _where(window) -> dict:
    """Where everything a learner aims at is, in window coordinates, and what
    the canvas shows."""
    ui = window.training
    panel = ui.panel
    places = {"training dock": ui.docks["training_dock"].geometry().getRect(),
              "canvas": window.canvas.geometry().getRect()}
    # A message gets its room from the tabs' bottom: their top and width stay.
    places["tabs"] = (panel.tabs.mapTo(window, QPoint(0, 0)).toTuple(), panel.tabs.width())
    page = panel.tabs.currentWidget()
    controls = [w for kind in (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider) for w in page.findChildren(kind)]
    for w in [*panel.buttons.values(), *controls]:
        if w.isVisible():
            places[w.objectName() or repr(w)] = (w.mapTo(window, QPoint(0, 0)).toTuple(), w.size().toTuple())
    for action in (ui.actions.play, ui.actions.step_batch, ui.actions.reset, window.acts.delete):
        b = window.main_toolbar.widgetForAction(action)
        places[action.objectName()] = (b.mapTo(window, QPoint(0, 0)).toTuple(), b.size().toTuple())
    view = window.canvas
    middle = view.mapToScene(view.viewport().rect().center())
    places["canvas zoom"] = round(view.zoom, 9)
    places["canvas middle"] = (round(middle.x(), 3), round(middle.y(), 3))
    return places


def _click(qtbot, button):
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, button.rect().center())


def test_nothing_moves_when_training_starts_runs_and_stops(make_window, qtbot):
    window = _laptop_window(make_window, qtbot)
    window.document.set_training(epochs=1_000_000)  # paused by hand below
    c, panel = window.training.controller, window.training.panel
    for tab in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(tab)
        qtbot.wait(20)
        before = _where(window)
        play = panel.play_button
        _click(qtbot, play)
        qtbot.waitUntil(lambda: c.playing and c.epoch >= 3, timeout=WAIT)
        qtbot.wait(50)
        assert _where(window) == before, "moved when training started"
        _click(qtbot, play)  # the same place: Pause
        qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
        qtbot.wait(50)
        assert _where(window) == before, "moved when training stopped"


def test_nothing_moves_when_training_stops_with_a_message(make_window, qtbot):
    window = _laptop_window(make_window, qtbot)
    c, panel = window.training.controller, window.training.panel
    window.document.set_training(epochs=c.epoch + 5, stop_after_epochs=True)  # stops by itself, saying why
    qtbot.wait(20)
    before = _where(window)
    _click(qtbot, panel.play_button)
    qtbot.waitUntil(lambda: c.epoch >= 5 and not c.playing, timeout=WAIT)
    qtbot.waitUntil(panel.banner.isVisible, timeout=2000)
    qtbot.wait(50)
    assert _where(window) == before


def test_status_texts_have_fixed_room(make_window, qtbot):
    """However long the numbers get, the status lines keep their size hints."""
    window = _laptop_window(make_window, qtbot)
    panel = window.training.panel
    dock = window.training.docks["training_dock"]
    hints = [(w.sizeHint(), w.minimumSizeHint()) for w in (panel.epoch_label, panel.speed_label, panel.loss_label)]
    width = dock.width()
    panel.epoch_label.set_lines("Epoch 123,456,789,012")
    panel.speed_label.set_lines("step 123,456,789,012,345 · 1,234,567 steps/s (a very long line indeed)")
    panel.loss_label.set_lines("loss: train 123456.1234 · test 123456.1234 · and more", "test accuracy 100%")
    qtbot.wait(50)
    assert [(w.sizeHint(), w.minimumSizeHint()) for w in (panel.epoch_label, panel.speed_label,
                                                           panel.loss_label)] == hints
    assert dock.width() == width
    for label in (panel.epoch_label, panel.speed_label, panel.loss_label):
        for line in label.text().split("\n"):
            assert label.fontMetrics().horizontalAdvance(line) <= label.contentsRect().width()


def test_a_change_of_the_canvas_size_keeps_its_zoom(make_window, qtbot):
    """A dock that opens under the canvas, or a wider side column, keeps the
    zoom and the middle; only Fit (or opening a design) fits."""
    window = _laptop_window(make_window, qtbot)
    view = window.canvas
    zoom = view.zoom
    middle = view.mapToScene(view.viewport().rect().center())
    window.resizeDocks([window.training.docks["training_dock"]], [380], Qt.Orientation.Horizontal)
    # A panel that draws nothing on the canvas (the step-through scrolls it on
    # purpose, to bring the values it shows beside neurons into view).
    window.learn_mode.docks["activations"].toggleViewAction().trigger()  # View ▸ Panels
    qtbot.waitUntil(lambda: window.learn_mode.docks["activations"].isVisible(), timeout=2000)
    qtbot.wait(50)
    assert view.zoom == zoom
    now = view.mapToScene(view.viewport().rect().center())
    assert abs(now.x() - middle.x()) <= 1 / zoom and abs(now.y() - middle.y()) <= 1 / zoom
    window.acts.fit_all.trigger()
    assert view.zoom != zoom  # a smaller canvas: Fit zooms out
