"""In the learn workspace a design that reads sequences says that one
sample's step-through does not apply and offers the tool that does: the link
in its message (reached with the keyboard) brings Step through time; on an
image network the link brings Step through a convolution."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.resources import example_path


def test_the_step_through_offers_step_through_time_for_a_sequence_design(make_window, qtbot):
    window, _ = make_window(example_path("temporal-order-lstm"))
    window.show()
    window.workspaces.switch("learn")
    mode = window.learn_mode
    mode.show("step_through")
    box = mode.step_through.problem_box
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert "Learn → Step Through Time" in box.text() and 'href="time_steps"' in box.text()
    time_dock = mode.docks["time_steps"]
    assert not time_dock.isVisible()
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Tab)  # onto the link
    QTest.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(time_dock.isVisible, timeout=5000)


def test_on_an_image_network_it_links_to_step_through_a_convolution(make_window, qtbot):
    window, _ = make_window(example_path("digits-cnn"))
    window.show()
    window.workspaces.switch("learn")
    mode = window.learn_mode
    mode.show("step_through")
    box = mode.step_through.problem_box
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert 'href="conv_step"' in box.text()
    conv_dock = window.dock("learn_conv_dock")
    assert not conv_dock.isVisible()
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Tab)
    QTest.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(conv_dock.isVisible, timeout=5000)
