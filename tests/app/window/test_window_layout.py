"""The window's dock layout: it fits a laptop screen, starts calm, shows the
views that fit the data, and leaves no stray tab bars behind. Workspaces:
one click switches, each remembers its arrangement, Reset Layout resets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMenu, QTabBar, QWidget

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
    assert window.workspaces.current == "build"
    assert _shown(window) == {"palette_dock", "inspector_dock"}  # the rest wait in their workspaces
    # The side columns run the full height; the plots stay under the canvas.
    assert window.corner(Qt.Corner.BottomLeftCorner) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.corner(Qt.Corner.BottomRightCorner) == Qt.DockWidgetArea.RightDockWidgetArea
    window.workspaces.switch("train")
    shown = _shown(window)
    assert {"training_dock", "training_cost_dock", "palette_dock"} <= shown
    assert not any(name.startswith("learn_") for name in shown)
    assert "history_dock" not in shown
    cost = window.training.docks["training_cost_dock"]
    assert window.dockWidgetArea(cost) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert cost.visibleRegion().isEmpty() is False  # the cost curves are the front tab
    qtbot.waitUntil(lambda: not _stray_tab_bars(window), timeout=2000)


def test_views_follow_the_kind_of_data(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    window.workspaces.switch("train")
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
    # Data of another kind opened in another workspace: Train shows its views when it comes.
    window.workspaces.switch("build")
    window.files.open_example(str(example_path("iris")))
    assert not (maps | tables) & _shown(window)
    window.workspaces.switch("train")
    assert tables <= _shown(window) and not maps & _shown(window)


def test_a_restored_layout_leaves_no_stray_tab_bars(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    window.learn_mode.show("step_through")
    window.close()
    window2, _ = make_window(example_path("circle"))
    window2.show()
    qtbot.waitExposed(window2)
    assert window2.workspaces.current == "learn"
    assert window2.learn_mode.docks["step_through"].isVisibleTo(window2)
    window2.resize(window2.width() - 40, window2.height() - 30)  # the docks move: copies would show now
    window2.learn_mode.docks["step_through"].hide()
    qtbot.waitUntil(lambda: not _stray_tab_bars(window2), timeout=2000)


def test_reset_layout_brings_every_panel_back(make_window, qtbot):
    window, _ = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    window.workspaces.switch("train")
    palette, cost = window.palette_dock, window.training.docks["training_cost_dock"]
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, palette)  # moved by the user
    cost.hide()
    window.learn_mode.docks["perceptron"].toggleViewAction().trigger()  # opened from View ▸ Panels
    window.workspaces.switch("build")
    window.inspector_dock.hide()
    window.workspaces.switch("train")
    window.reset_layout_action.trigger()
    assert window.dockWidgetArea(palette) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert "training_cost_dock" in _shown(window)
    assert not window.learn_mode.docks["perceptron"].isVisibleTo(window)
    window.workspaces.switch("build")  # every workspace is reset, not only the one in view
    assert _shown(window) == {"palette_dock", "inspector_dock"}
    qtbot.waitUntil(lambda: not _stray_tab_bars(window), timeout=2000)


def test_one_click_switches_workspaces(make_window, qtbot):
    """The segmented control beside the menus, View ▸ Workspace and Ctrl+1/2/3."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolButton

    window, _ = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    switcher = window.menuBar().findChild(QWidget, "workspace_switcher")
    assert switcher is not None and switcher.isVisible()
    for key, marker in (("train", "training_cost_dock"), ("learn", "learn_lessons_dock"), ("build", "inspector_dock")):
        button = switcher.findChild(QToolButton, f"workspace_button_{key}")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.workspaces.current == key and button.isChecked()
        assert marker in _shown(window)
    titles = [a.text().replace("&", "") for a in window.findChild(QMenu, "workspace_menu").actions()]
    assert titles[:3] == ["Build", "Train", "Learn"]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.show_canvas()
    for digit, key in ((Qt.Key.Key_2, "train"), (Qt.Key.Key_3, "learn"), (Qt.Key.Key_1, "build")):
        QTest.keyClick(window.canvas, digit, Qt.KeyboardModifier.ControlModifier)
        assert window.workspaces.current == key


def test_each_workspace_remembers_its_arrangement(make_window, qtbot):
    """Between switches and between runs; a panel opened from View ▸ Panels
    joins the workspace in view."""
    window, _ = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    window.workspaces.switch("train")
    window.training.docks["training_histograms_dock"].hide()
    window.history_dock.toggleViewAction().trigger()
    assert "history_dock" in _shown(window)
    window.workspaces.switch("learn")
    assert "history_dock" not in _shown(window)
    window.workspaces.switch("train")
    assert "history_dock" in _shown(window) and "training_histograms_dock" not in _shown(window)
    window.close()
    window2, _ = make_window(example_path("circle"))
    window2.show()
    qtbot.waitExposed(window2)
    assert window2.workspaces.current == "train"
    assert "history_dock" in _shown(window2) and "training_histograms_dock" not in _shown(window2)
    window2.workspaces.switch("build")
    assert _shown(window2) == {"palette_dock", "inspector_dock"}


def test_reset_layout_at_start_starts_with_the_default_layout(make_window, qtbot):
    """``nnsim --reset-layout``: every workspace as at first start."""
    from nnsim.app.main import create_main_window

    window, _ = make_window(example_path("circle"))
    window.show()
    window.workspaces.switch("learn")
    window.learn_mode.docks["lessons"].hide()
    window.close()
    window2 = create_main_window(None, reset_layout=True)
    qtbot.addWidget(window2, before_close_func=lambda w: w.document.undo_stack.setClean())
    window2.show()
    qtbot.waitExposed(window2)
    assert window2.workspaces.current == "build"
    assert _shown(window2) == {"palette_dock", "inspector_dock"}
    window2.workspaces.switch("learn")
    assert "learn_lessons_dock" in _shown(window2)


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
