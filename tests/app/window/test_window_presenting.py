"""Full screen (F11) and presentation mode (Ctrl+Shift+P) from the keyboard:
larger text and a larger network, and everything back as it was after."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnsim.app.canvas import style as S
from nnsim.app.learn.walkthrough import FORWARD
from nnsim.app.presenting import SCALE
from nnsim.resources import example_path


@pytest.fixture
def shown(make_window, qtbot):
    window, _ = make_window(example_path("xor-mlp"))
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    QApplication.instance().setFont(QApplication.font())  # nothing leaks into other tests
    S.set_text_scale(1.0)


def test_f11_fills_the_screen_and_leaves_it(shown, qtbot):
    QTest.keyClick(shown, Qt.Key.Key_F11)
    qtbot.waitUntil(shown.isFullScreen, timeout=3000)
    assert shown.presenting.full_screen.isChecked()
    QTest.keyClick(shown, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not shown.isFullScreen(), timeout=3000)


def test_presentation_mode_scales_text_and_canvas_and_restores_them(shown, qtbot):
    app = QApplication.instance()
    size, zoom = app.font().pointSizeF(), shown.canvas.zoom
    QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert shown.presenting.presenting
    QApplication.processEvents()  # the font change reaches every widget
    assert app.font().pointSizeF() == pytest.approx(size * SCALE)
    assert shown.inspector.font().pointSizeF() == pytest.approx(size * SCALE)  # every panel's text
    view = shown.canvas
    assert view.zoom <= zoom * SCALE + 1e-9  # larger, as far as the whole network fits
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(view.scene().content_rect())
    qtbot.waitUntil(shown.isFullScreen, timeout=3000)
    QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not shown.presenting.presenting
    assert app.font().pointSizeF() == pytest.approx(size) and shown.canvas.zoom == pytest.approx(zoom)
    qtbot.waitUntil(lambda: not shown.isFullScreen(), timeout=3000)


ALT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def test_a_larger_text_size_takes_the_canvas_and_the_plots_along_and_is_remembered(shown, make_window):
    app = QApplication.instance()
    size, zoom = app.font().pointSizeF(), shown.canvas.zoom
    axis = shown.training.cost.loss_plot.getAxis("left")
    width = axis.fixedWidth
    QTest.keyClick(shown, Qt.Key.Key_Equal, ALT_CTRL)  # View ▸ Text Size ▸ Larger Text
    QApplication.processEvents()
    scale = shown.presenting.text_size
    assert scale > 1
    assert app.font().pointSizeF() == pytest.approx(size * scale)
    assert shown.inspector.font().pointSizeF() == pytest.approx(size * scale)
    speed = shown.training.panel.speed_label  # a label with a style sheet of its own
    assert speed.font().pointSizeF() == pytest.approx(size * scale)
    assert shown.canvas.zoom == pytest.approx(zoom)  # the labels grow in the drawing, the network keeps its place
    assert axis.fixedWidth == round(width * scale)  # room for the larger tick labels
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(size * scale)
    again, _ = make_window(example_path("xor-mlp"))  # the next start remembers it
    assert again.presenting.text_size == scale
    assert app.font().pointSizeF() == pytest.approx(size * scale)
    QTest.keyClick(shown, Qt.Key.Key_0, ALT_CTRL)  # Normal Text Size
    assert app.font().pointSizeF() == pytest.approx(size)
    assert shown.canvas.zoom == pytest.approx(zoom)
    assert axis.fixedWidth == width and axis.style["tickFont"] is None


def _label_sizes(window):
    """The heights of a layer's title, of its frame (room for the last readout) and
    of a neuron's readout and label beside it (scene units)."""
    scene = window.scene
    layer = next(item for item in scene.layer_items.values() if item.name == "output")
    neuron = next(item for item in scene.neuron_items.values() if item.outside and item.readout)
    return (layer._title_rect().height(), layer.frame.height(), neuron.boundingRect().height(),
            QFontMetricsF(S.label_font(11)).height())


def test_the_canvas_labels_grow_with_the_text_size(shown):
    window = shown
    window.files.open(example_path("iris"))  # labelled inputs and outputs, layer titles, readouts
    try:
        title, frame, neuron, line = usual = _label_sizes(window)
        content = window.scene.content_rect()
        for _ in range(3):
            QTest.keyClick(window, Qt.Key.Key_Equal, ALT_CTRL)  # Larger Text, three times: 150%
        assert window.presenting.text_size == pytest.approx(1.5)
        bigger = _label_sizes(window)
        assert bigger[0] == pytest.approx(1.5 * title)  # the layers' titles
        assert bigger[1] >= frame + 5  # room under the last neuron for its readout
        assert bigger[2] > neuron + 5  # the readout under each neuron
        assert bigger[3] > 1.4 * line
        assert window.scene.content_rect().width() > content.width()  # the names beside the neurons
        QTest.keyClick(window, Qt.Key.Key_0, ALT_CTRL)
        assert _label_sizes(window) == pytest.approx(usual)
    finally:
        S.set_text_scale(1.0)


def test_a_gans_group_titles_grow_with_the_text_size(shown):
    window = shown
    window.files.open(example_path("gan-ring"))
    try:
        frames = window.scene.group_frames.items.values()
        usual = [f.title_height() for f in frames]
        tops = [f.sceneBoundingRect().top() for f in frames]
        window.presenting.set_text_size(1.5)
        assert [f.title_height() for f in frames] == pytest.approx([1.5 * h for h in usual], rel=0.15)
        assert all(f.sceneBoundingRect().top() < top - 5 for f, top in zip(frames, tops))  # room for the title
        window.presenting.set_text_size(1.0)
        assert [f.title_height() for f in frames] == pytest.approx(usual)
    finally:
        S.set_text_scale(1.0)


def test_the_step_through_callouts_grow_with_the_text_size(shown, qtbot):
    window = shown
    try:
        window.learn_mode.show("step_through")
        panel = window.learn_mode.step_through
        panel.choose_sample(1)
        qtbot.wait(50)

        def callout_size():
            callouts = list(panel.overlay.callouts.values())
            assert callouts
            return max(c.font.pointSizeF() for c in callouts)

        forward = [i for i, f in enumerate(panel.walk.frames) if f.phase == FORWARD]
        panel.go(forward[0])
        usual = callout_size()
        window.presenting.set_text_size(1.5)
        panel.go(forward[1])
        assert callout_size() == pytest.approx(1.5 * usual)
    finally:
        window.presenting.set_text_size(1.0)


def test_presentation_mode_widens_the_lines_on_the_canvas_and_in_the_plots(shown):
    cost = shown.training.cost
    curve_width = cost.train_curve.opts["pen"].widthF()
    pen_width = S.bucket_pen(0, True).widthF()
    axis = cost.loss_plot.getAxis("left")
    width = axis.fixedWidth
    QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    try:
        assert S.bucket_pen(0, True).widthF() == pytest.approx(2 * pen_width)
        assert cost.train_curve.opts["pen"].widthF() == pytest.approx(2 * curve_width)
        assert axis.fixedWidth == round(width * SCALE)
    finally:
        QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert S.bucket_pen(0, True).widthF() == pytest.approx(pen_width)
    assert cost.train_curve.opts["pen"].widthF() == pytest.approx(curve_width)
    assert axis.fixedWidth == width


def test_leaving_presentation_in_another_workspace_fits_the_network(shown, qtbot):
    view = shown.canvas
    shown.files.open(example_path("iris"))  # taller than the Learn workspace's canvas at this zoom
    shown.workspaces.switch("train")
    qtbot.wait(50)
    QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    def fitted():
        seen = view.mapToScene(view.viewport().rect()).boundingRect()
        return seen.contains(view.scene().content_rect())

    shown.workspaces.switch("learn")  # a smaller canvas than Train's
    qtbot.waitUntil(fitted, timeout=3000)
    QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not shown.isFullScreen(), timeout=3000)
    qtbot.waitUntil(fitted, timeout=3000)


def test_presentation_leaves_the_cost_curves_room_and_their_labels_apart(shown):
    from PySide6.QtGui import QFontMetrics

    from nnsim.app.panels.plots import PLOT_LINES

    cost = shown.training.cost
    QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    try:
        QApplication.processEvents()
        line = QFontMetrics(QApplication.font()).height()
        assert cost.graphics.minimumHeight() >= PLOT_LINES * line
        axis = cost.loss_plot.getAxis("left")
        for size in (90, 120, 200):  # a short loss axis: labels a line of text apart at least
            levels = axis.tickValues(0.0, 1.0, size)
            major = sorted(levels[0][1])
            gaps = [(b - a) * size for a, b in zip(major, major[1:])]
            assert len(major) >= 2 and min(gaps) >= line, (size, major)
    finally:
        QTest.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def _title_ink(dock) -> int:
    """How many rows of the dock's title bar have dark pixels: the height of its text as drawn."""
    QApplication.processEvents()
    QApplication.processEvents()
    top = dock.widget().geometry().top()  # the title bar stands above the dock's panel
    image = dock.grab(QRect(0, 0, dock.width() // 2, top)).toImage()  # the title, not the buttons
    return sum(any(image.pixelColor(x, y).lightness() < 110 for x in range(image.width()))
               for y in range(image.height()))


def test_the_docks_titles_grow_with_the_text_size(shown):
    dock = shown.dock("inspector_dock")  # in the Build workspace, in view
    usual = _title_ink(dock)
    shown.presenting.set_text_size(2.0)
    try:
        assert _title_ink(dock) >= 1.6 * usual
    finally:
        shown.presenting.set_text_size(1.0)
    assert _title_ink(dock) == usual


def test_plots_made_after_the_text_size_was_set_take_it(shown, make_window, qtbot):
    """A window started at a larger text size with no design has no accuracy
    plot; opening a classification brings it; the histograms are made for
    each design (when they come into sight)."""
    shown.presenting.set_text_size(2.0)  # remembered for the next start
    try:
        size = QApplication.font().pointSizeF()
        window, _ = make_window()
        window.files.open(example_path("iris"))
        cost, histograms = window.training.cost, window.training.histograms
        window.show()
        dock = window.training.docks["training_histograms_dock"]
        dock.show()
        dock.raise_()
        qtbot.waitUntil(lambda: cost.acc_plot in cost.graphics.ci.items and bool(histograms.plots), timeout=3000)
        axes = [cost.acc_plot.getAxis("bottom"), cost.acc_plot.getAxis("left")]
        axes += [plot.getAxis("bottom") for plot in histograms.plots]
        for axis in axes:
            font = axis.style["tickFont"]
            assert font is not None and font.pointSizeF() == pytest.approx(size), axis
    finally:
        shown.presenting.set_text_size(1.0)


def test_a_text_size_that_leaves_the_window_short_of_room_makes_train_compact(shown, qtbot):
    """In a 1366x768 window, twice the text leaves too few lines of it down the
    window: Train puts the cost curves under the data's views (the canvas keeps
    the window's height); the usual size puts them back under the canvas."""
    shown.files.open(example_path("iris"))
    shown.workspaces.switch("train")
    cost = shown.training.docks["training_cost_dock"]
    bottom, right = Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    assert not shown.workspaces.compact and shown.dockWidgetArea(cost) == bottom
    shown.presenting.set_text_size(2.0)
    try:
        assert shown.workspaces.compact and shown.dockWidgetArea(cost) == right
        qtbot.waitUntil(lambda: shown.canvas.viewport().height() > 0.6 * shown.height(), timeout=3000)
    finally:
        shown.presenting.set_text_size(1.0)
    assert not shown.workspaces.compact and shown.dockWidgetArea(cost) == bottom
