"""The learn tools fit their docks on a laptop screen (1366x768): the buttons
and plots the lessons talk about are in view without scrolling, the plots
show their whole range, and the step-through's numbers leave the canvas when
another tool's tab comes to the front."""

from __future__ import annotations

import pytest

import nnsim
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea

from nnsim.io import load
from nnsim.lessons.model import lessons_dir

LAPTOP = (1366, 768)


@pytest.fixture
def laptop(learn_window, qtbot):
    window, mode = learn_window
    window.setGeometry(QRect(0, 0, *LAPTOP))
    qtbot.waitUntil(lambda: window.size().toTuple() == LAPTOP, timeout=2000)
    return window, mode


def _settle(qtbot, ms=150):
    qtbot.wait(ms)


def _outer_scroll(dock):
    w = dock.widget()
    return w if isinstance(w, QScrollArea) else None


def assert_in_view(dock, widgets):
    """Every widget is shown, lies inside the dock, and (when the dock scrolls)
    inside its scroll area's viewport as it is now: visible without scrolling."""
    assert dock.isVisible()
    dock_rect = dock.rect()
    scroll = _outer_scroll(dock)
    for w in widgets:
        name = w.objectName() or type(w).__name__
        assert w.isVisible(), f"{name} is hidden"
        top_left = w.mapTo(dock, w.rect().topLeft())
        rect = QRect(top_left, w.size())
        assert dock_rect.contains(rect), f"{name} {rect} sticks out of the dock {dock_rect}"
        if scroll is not None:
            vp = scroll.viewport()
            r = QRect(w.mapTo(vp, w.rect().topLeft()), w.size())
            assert vp.rect().contains(r), f"{name} {r} is scrolled out of view {vp.rect()}"
    if scroll is not None:
        assert scroll.verticalScrollBar().maximum() == 0, "the dock needs an outer scroll bar"
        assert scroll.horizontalScrollBar().maximum() == 0, "the dock needs a sideways scroll bar"


def show_tool(mode, qtbot, name):
    mode.show(name)
    dock = mode.docks[name]
    qtbot.waitUntil(dock.isVisible, timeout=2000)
    _settle(qtbot, 300)
    return dock, mode.panels[name]


def test_the_window_is_laptop_sized(laptop):
    window, _ = laptop
    assert window.size().toTuple() == LAPTOP


def test_landscape_map_and_controls_are_in_view(laptop, qtbot):
    window, mode = laptop
    window.document.replace(load(lessons_dir() / "designs" / "descent-bowl.nnsim"), None)
    dock, panel = show_tool(mode, qtbot, "landscape")
    assert panel.scape is not None
    assert_in_view(dock, [panel.plot, panel.x_box, panel.y_box, panel.rate, panel.step_button,
                          panel.run_button, panel.stop_button, panel.redraw_button])
    assert panel.plot.height() >= 150
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    (u0, u1), (v0, v1) = panel.extent
    assert x0 <= u0 + 1e-9 and x1 >= u1 - 1e-9 and y0 <= v0 + 1e-9 and y1 >= v1 - 1e-9  # the whole map
    u, v = panel.scape.values()
    assert x0 <= u <= x1 and y0 <= v <= y1  # the red dot
    shaft_x, shaft_y = panel.arrow_shaft.getData()
    assert all(x0 <= x <= x1 for x in shaft_x) and all(y0 <= y <= y1 for y in shaft_y)  # the arrow


def test_landscape_shows_the_learning_rate_as_typed(laptop, qtbot):
    window, mode = laptop
    _, panel = show_tool(mode, qtbot, "landscape")
    window.document.set_training(learning_rate=0.5)
    assert panel.rate.text() == "0.5"
    window.document.set_training(learning_rate=0.03)
    assert panel.rate.text() == "0.03"


def test_perceptron_plot_shows_all_four_points_and_the_buttons(laptop, qtbot):
    window, mode = laptop
    window.document.replace(load(lessons_dir() / "designs" / "perceptron-or.nnsim"), None)
    dock, panel = show_tool(mode, qtbot, "perceptron")
    assert panel.trainer is not None
    assert_in_view(dock, [panel.plot, panel.one_button, panel.epoch_button, panel.run_button, panel.stop_button,
                          panel.counter])
    assert panel.plot.height() >= 140 and panel.plot.width() >= 140
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    for item in panel.points.values():
        xs, ys = item.getData()
        for x, y in zip(xs, ys):
            assert x0 < x < x1 and y0 < y < y1, (x, y, (x0, x1), (y0, y1))
    assert panel.counter.text() == "0 epochs done · 0 samples shown so far"
    panel.one_epoch()
    assert panel.counter.text().startswith("1 epoch done · 4 samples")


def test_perceptron_explains_first_why_it_cannot_train(laptop, qtbot):
    window, mode = laptop
    window.document.replace(load(lessons_dir() / "designs" / "spiral-shallow.nnsim"), None)
    dock, panel = show_tool(mode, qtbot, "perceptron")
    assert panel.trainer is None
    assert_in_view(dock, [panel.status_box])
    assert panel.status_box.mapTo(panel, panel.status_box.rect().topLeft()).y() < \
        panel.rule_text.mapTo(panel, panel.rule_text.rect().topLeft()).y()


def test_activation_plots_are_whole(laptop, qtbot):
    _, mode = laptop
    dock, panel = show_tool(mode, qtbot, "activations")
    assert_in_view(dock, list(panel.tiles.values()))
    for kind, tile in panel.tiles.items():
        assert tile.height() >= 90
        (x0, x1), (y0, y1) = tile.getViewBox().viewRange()
        for curve in (tile.f, tile.d):
            xs, ys = curve.getData()
            assert x0 <= xs.min() and xs.max() <= x1
            assert y0 <= ys.min() and ys.max() <= y1, kind
        title = tile.plotItem.titleLabel
        assert title.item.boundingRect().width() <= title.boundingRect().width() + 1  # not cut off


def test_step_through_buttons_are_in_view(laptop, qtbot):
    window, mode = laptop
    dock, panel = show_tool(mode, qtbot, "step_through")
    assert_in_view(dock, [panel.sample_box, panel.start_button, panel.back_button, panel.next_button,
                          panel.play_button, panel.apply_button, panel.text])


def test_compare_maps_fit(laptop, qtbot):
    _, mode = laptop
    dock, panel = show_tool(mode, qtbot, "compare")
    plots = [plot for plot, _ in panel.maps]
    assert_in_view(dock, [panel.train_button, panel.stop_button, panel.epochs, panel.curves_plot, *plots,
                          *panel.open_buttons])


@pytest.mark.parametrize("lesson", ["one-neuron", "backpropagation", "going-deeper"])
def test_lesson_buttons_stay_in_view(laptop, qtbot, lesson):
    _, mode = laptop
    panel = mode.lessons
    assert panel.open_lesson(lesson)
    dock = mode.docks["lessons"]
    qtbot.waitUntil(dock.isVisible, timeout=2000)
    for i in range(len(panel.run.lesson.steps)):
        panel.go(i)
        _settle(qtbot, 250)
        dock = mode.docks["lessons"]
        assert_in_view(dock, [panel.chooser, panel.title, panel.back_button, panel.next_button, panel.hint_button,
                              panel.reopen_button, panel.text])
        if panel.checklist.text():
            assert_in_view(dock, [panel.checklist])
        assert panel.text.height() >= 60
        assert isinstance(panel.text, QAbstractScrollArea)  # the words scroll on their own


def test_every_last_step_offers_the_next_lesson(laptop, qtbot):
    _, mode = laptop
    panel = mode.lessons
    for lesson in panel.lessons:
        panel.open_lesson(lesson.id)
        panel.go(len(lesson.steps) - 1)
        _settle(qtbot, 50)
        if lesson.next:
            assert panel.next_lesson_button.isVisible(), lesson.id
            assert not panel.all_lessons_button.isVisible()
        else:  # the last lesson says so and leads back to the list
            assert not panel.next_lesson_button.isVisible()
            assert panel.last_note.isVisible() and "last lesson" in panel.last_note.text()
            assert_in_view(mode.docks["lessons"], [panel.all_lessons_button])
            panel.all_lessons_button.click()
            assert panel.run is None and panel.chooser.currentIndex() == -1
            assert "Click a lesson" in panel.text.toPlainText()
    assert [lesson.next is None for lesson in panel.lessons].count(True) == 1


def test_step_overlay_leaves_the_canvas_behind_another_tab(laptop, qtbot):
    window, mode = laptop
    window.document.replace(nnsim.example("xor-mlp"), None)
    _, steps = show_tool(mode, qtbot, "step_through")
    steps.next()
    assert steps.overlay.items
    show_tool(mode, qtbot, "perceptron")  # its tab comes to the front, over the step-through's
    qtbot.waitUntil(lambda: not steps.overlay.items, timeout=2000)
    assert steps.isVisible()  # only behind another tab: Qt sends no hideEvent
    show_tool(mode, qtbot, "step_through")
    qtbot.waitUntil(lambda: bool(steps.overlay.items), timeout=2000)
    assert steps.index == 1  # where the walk was
