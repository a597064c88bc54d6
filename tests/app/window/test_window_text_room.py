"""At a larger text size in a 1366x768 window no panel scrolls sideways:
the Inspector asks for the width of the page it shows (not of its widest
page), its fields go under their labels when the column is narrow, and the
side columns widen as far as their panels need; back at the usual size the
columns are as wide as before."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QFormLayout, QScrollArea

from nnsim.app.canvas import style as S
from nnsim.app.views.gan_room import PLANE_LEAST
from nnsim.resources import example_path


@pytest.fixture
def shown(make_window, qtbot):
    window, _ = make_window(example_path("shapes-cnn"))
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.presenting.set_text_size(1.0, store=False)
    QApplication.instance().setFont(QApplication.font())
    S.set_text_scale(1.0)


def _fits(window, name: str) -> bool:
    """Whether dock ``name``'s panel fits its width: no sideways scrolling."""
    area = window.dock(name).findChild(QScrollArea)
    return (area.widget().minimumSizeHint().width() <= area.viewport().width()
            and not area.horizontalScrollBar().isVisible())


def _settle(qtbot) -> None:
    for _ in range(5):
        QApplication.processEvents()
    qtbot.wait(50)


@pytest.mark.parametrize("size", [1.5, 2.5])
def test_builds_side_columns_fit_their_panels_at_a_larger_text_size(shown, qtbot, size):
    window = shown
    window.workspaces.switch("build")
    _settle(qtbot)
    usual = {name: window.dock(name).width() for name in ("palette_dock", "inspector_dock")}
    window.presenting.set_text_size(size)
    conv = next(layer.id for layer in window.document.design.layers if layer.type == "conv")
    for selection in ({}, {"layers": [conv]}):  # the design's page, then a convolution's (the widest)
        window.scene.select(**selection)
        qtbot.waitUntil(lambda: _fits(window, "palette_dock") and _fits(window, "inspector_dock"), timeout=3000)
    inspector = window.inspector
    assert inspector.stack.minimumSizeHint().width() == inspector.stack.currentWidget().minimumSizeHint().width()
    canvas = window.canvas.viewport().width()
    assert canvas > 0.3 * window.width()  # the network keeps room
    window.presenting.set_text_size(1.0)
    _settle(qtbot)
    qtbot.waitUntil(lambda: {name: window.dock(name).width() for name in usual} == usual, timeout=3000)


def test_the_inspectors_fields_go_under_their_labels_in_a_narrow_column(shown, qtbot):
    window = shown
    window.workspaces.switch("build")
    _settle(qtbot)
    form = window.inspector.design_page.layout()
    assert form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.DontWrapRows  # the usual size: beside
    window.presenting.set_text_size(2.5)
    qtbot.waitUntil(lambda: form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.WrapAllRows, timeout=3000)
    name = window.inspector.design_name
    qtbot.waitUntil(lambda: name.width() > 10 * name.fontMetrics().averageCharWidth(), timeout=3000)  # room to read it
    window.presenting.set_text_size(1.0)
    qtbot.waitUntil(lambda: form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.DontWrapRows, timeout=3000)


def _sideways(window) -> list[str]:
    """The scroll areas in view in the side columns that scroll sideways
    (a dock behind another's tab is not in view)."""
    sides = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
    found = []
    for dock in window.findChildren(QDockWidget):
        if dock.isVisible() and window.dockWidgetArea(dock) in sides:
            for area in dock.findChildren(QScrollArea):
                if not area.visibleRegion().isEmpty() and area.horizontalScrollBar().isVisible():
                    found.append(dock.objectName())
    return found


def test_train_at_two_and_a_half_times_the_text_keeps_every_control_in_view(shown, qtbot):
    """The training buttons fold into two rows rather than widening the
    column past a third of the window, the speed's name has room for its
    text, the cost curves' legend wraps, and nothing scrolls sideways."""
    window = shown
    window.files.open(example_path("iris"))
    window.workspaces.switch("train")
    _settle(qtbot)
    panel = window.training.panel

    def rows() -> int:
        return len({button.geometry().top() for button in panel.buttons.values()})

    assert rows() == 1  # one row at the usual size
    window.presenting.set_text_size(2.5)
    qtbot.waitUntil(lambda: rows() > 1 and not _sideways(window), timeout=3000)
    _settle(qtbot)
    assert not _sideways(window)
    for button in panel.buttons.values():
        assert button.visibleRegion().boundingRect() == button.rect(), button.objectName()  # whole, in view
    name = panel.speed.name
    assert name.width() >= name.fontMetrics().horizontalAdvance(name.text())
    assert window.dock("training_dock").width() < 0.4 * window.width()
    window.presenting.set_text_size(1.0)
    qtbot.waitUntil(lambda: rows() == 1, timeout=3000)


def _in_view(widget, area: QScrollArea) -> bool:
    """Whether ``widget`` lies whole inside the part of ``area`` in view."""
    top_left = widget.mapTo(area.viewport(), widget.rect().topLeft())
    return area.viewport().rect().contains(widget.rect().translated(top_left))


def test_in_compact_train_the_gan_plane_is_in_view_without_scrolling(shown, qtbot):
    """Text twice as large gives Train its compact arrangement, where the GAN
    dock is short: the plane comes right under the buttons and takes the
    height the dock shows; with room again the settings are above it."""
    window = shown
    window.files.open(example_path("gan-ring"))
    window.workspaces.switch("train")
    dock = window.training.docks["training_gan_dock"]
    dock.raise_()
    view = window.training.gan
    area = dock.findChild(QScrollArea)
    _settle(qtbot)
    assert _in_view(view.plot_widget, area)  # at the usual size, the plane in view too
    lay = view.layout()
    assert lay.indexOf(view.settings_row) < lay.indexOf(view.stack)
    window.presenting.set_text_size(2.0)
    qtbot.waitUntil(lambda: window.workspaces.compact, timeout=3000)
    dock.raise_()
    qtbot.waitUntil(lambda: lay.indexOf(view.settings_row) > lay.indexOf(view.stack), timeout=3000)
    # Under the buttons, as tall as the dock shows (at least its usual minimum).
    plane = view.plot_widget
    qtbot.waitUntil(lambda: _in_view(plane, area)
                    and plane.mapTo(area.viewport(), plane.rect().bottomLeft()).y() > area.viewport().height() - 40,
                    timeout=3000)
    assert view.plot_widget.height() >= PLANE_LEAST
    assert area.verticalScrollBar().value() == 0
    window.presenting.set_text_size(1.0)
    qtbot.waitUntil(lambda: lay.indexOf(view.settings_row) < lay.indexOf(view.stack), timeout=3000)
