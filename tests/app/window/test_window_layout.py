"""The window's dock layout: it fits a laptop screen, starts calm, shows the
views that fit the data, and leaves no stray tab bars behind."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTabBar

from nnsim.resources import example_path


def _shown(window) -> set[str]:
    return {d.objectName() for d in window.findChildren(QDockWidget) if not d.isHidden()}


def _on_screen(widget) -> bool:
    """Qt parks the docks and tab bars of hidden tabs out of sight."""
    g = widget.geometry()
    return widget.isVisible() and g.right() >= 0 and g.bottom() >= 0


def _stray_tab_bars(window) -> list[QTabBar]:
    """Visible tab bars lying over the canvas or over a dock's contents."""
    covered = [window.centralWidget().geometry()] + [
        d.geometry() for d in window.findChildren(QDockWidget) if _on_screen(d) and not d.isFloating()]
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return [b for b in bars if _on_screen(b) and b.count() and any(b.geometry().intersects(r) for r in covered)]


def test_the_window_fits_a_laptop_screen(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    smallest = window.minimumSizeHint()
    assert smallest.width() <= 700 and smallest.height() <= 550, smallest
    # Every learn tool open too (they tab with the plots and the inspector).
    for name in window.learn_mode.docks:
        window.learn_mode.show(name)
    smallest = window.minimumSizeHint()
    assert smallest.width() <= 700 and smallest.height() <= 550, smallest
    window.resize(700, 520)
    qtbot.waitUntil(lambda: window.width() == 700 and window.height() == 520, timeout=2000)


def test_a_calm_first_start(make_window, qtbot):
    window, _ = make_window()
    window.show()
    qtbot.waitExposed(window)
    shown = _shown(window)
    assert {"palette_dock", "inspector_dock", "training_dock", "training_cost_dock"} <= shown
    assert not any(name.startswith("learn_") for name in shown)  # learn tools wait until asked for
    assert "history_dock" not in shown
    # The side columns run the full height; the plots stay under the canvas.
    assert window.corner(Qt.Corner.BottomLeftCorner) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.corner(Qt.Corner.BottomRightCorner) == Qt.DockWidgetArea.RightDockWidgetArea
    cost = window.training.docks["training_cost_dock"]
    assert window.dockWidgetArea(cost) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert cost.visibleRegion().isEmpty() is False  # the cost curves are the front tab
    qtbot.waitUntil(lambda: not _stray_tab_bars(window), timeout=2000)


def test_views_follow_the_kind_of_data(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    docks = window.training.docks
    maps = {"training_output_dock", "training_neurons_dock"}
    tables = {"training_confusion_dock", "training_sample_dock"}
    assert maps <= _shown(window) and not tables & _shown(window)
    window.files.open_example(str(example_path("iris")))  # four inputs: no maps
    assert tables <= _shown(window) and not maps & _shown(window)
    window.files.open_example(str(example_path("xor-mlp")))
    assert maps <= _shown(window) and not tables & _shown(window)
    # A view the user opens stays open while the kind of data stays the same.
    docks["training_confusion_dock"].show()
    window.files.open_example(str(example_path("circle")))
    assert "training_confusion_dock" in _shown(window)


def test_a_restored_layout_leaves_no_stray_tab_bars(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    window.learn_mode.show("step_through")
    window.close()
    window2, _ = make_window(example_path("circle"))
    window2.show()
    qtbot.waitExposed(window2)
    assert window2.learn_mode.docks["step_through"].isVisibleTo(window2)
    window2.resize(window2.width() - 40, window2.height() - 30)  # the docks move: copies would show now
    window2.learn_mode.docks["step_through"].hide()
    qtbot.waitUntil(lambda: not _stray_tab_bars(window2), timeout=2000)


def test_reset_layout_brings_every_panel_back(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    palette, cost = window.palette_dock, window.training.docks["training_cost_dock"]
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, palette)  # moved by the user
    cost.hide()
    window.learn_mode.show("perceptron")
    window.reset_layout_action.trigger()
    assert window.dockWidgetArea(palette) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert "training_cost_dock" in _shown(window)
    assert not window.learn_mode.docks["perceptron"].isVisibleTo(window)
    qtbot.waitUntil(lambda: not _stray_tab_bars(window), timeout=2000)


def test_stray_tab_bars_are_swept_away(qtbot):
    """Qt 6.11 leaves a copy of a group's tab bar behind when a second group of
    one area is tabified before the window shows; the copy lies over the
    central widget. ``hide_stray_tab_bars`` hides it and only it."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    from nnsim.app.layout import hide_stray_tab_bars

    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel("canvas"))
    docks = {}
    for name in "ABCD":
        docks[name] = QDockWidget(name, window)
        docks[name].setWidget(QLabel(name))
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, docks[name])
    window.tabifyDockWidget(docks["A"], docks["B"])
    window.tabifyDockWidget(docks["C"], docks["D"])
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    before = len(_stray_tab_bars(window))
    assert hide_stray_tab_bars(window) == before
    assert not _stray_tab_bars(window)
    in_use = [b for b in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
              if _on_screen(b)]
    assert sorted(b.tabText(0) for b in in_use) == ["A", "C"]  # the groups keep their tabs
