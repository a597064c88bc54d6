"""Run by test_window_layout_loops.py in a child process (a layout loop hangs
the process; the test's timeout is the watchdog).

``save``: a 1366x768 window with every panel open and docked together under
the canvas as tabs, the activation histograms in front; closed (the layout
is saved). ``load``: a new window restores that layout, Blank design, then
double-clicks Input layer, Hidden layer and Output layer in Parts. Prints the
resize events each of nnsim's widgets received while parts were added, as
JSON, on the last line."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget, QWidget

from nnsim.app.main import create_main_window
from nnsim.app.panels.palette import PartButton
from nnsim.resources import example_path


class Resizes(QObject):
    def __init__(self):
        super().__init__()
        self.counts: dict[str, int] = {}

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            name = obj.objectName() or type(obj).__name__
            self.counts[name] = self.counts.get(name, 0) + 1
        return False


def laptop_window():
    window = create_main_window(None)
    window.setGeometry(QRect(0, 0, 1366, 768))
    window.show()
    QTest.qWait(200)
    return window


def save() -> None:
    window = laptop_window()
    window.files.open(str(example_path("circle")))
    window.workspaces.switch(sys.argv[2] if len(sys.argv) > 2 else "learn")
    docks = window.findChildren(QDockWidget)
    for dock in docks:  # every panel, from View ▸ Panels
        if dock.isHidden():
            dock.toggleViewAction().trigger()
    QTest.qWait(100)
    bottom = window.training.docks["training_cost_dock"]
    for dock in docks:  # docked together under the canvas
        if dock is not bottom and window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea:
            window.tabifyDockWidget(bottom, dock)
    window.tabifyDockWidget(bottom, window.learn_mode.docks["lessons"])
    QTest.qWait(100)
    window.training.docks["training_histograms_dock"].raise_()
    QTest.qWait(200)
    window.document.undo_stack.setClean()
    window.close()
    print(json.dumps({"saved": True}))


def load() -> None:
    resizes = Resizes()
    window = laptop_window()
    for widget in window.findChildren(QWidget):
        if type(widget).__module__.startswith("nnsim"):
            widget.installEventFilter(resizes)
    QTest.qWait(200)
    resizes.counts.clear()
    window.welcome.blank_button.click()
    QTest.qWait(50)
    for kind in ("input", "hidden", "output"):
        button = next(b for b in window.palette.findChildren(PartButton) if b.kind == kind)
        QTest.mouseDClick(button, Qt.MouseButton.LeftButton)
        QTest.qWait(300)
    layers = len(window.document.design.layers)
    window.document.undo_stack.setClean()
    window.close()
    print(json.dumps({"layers": layers, "resizes": resizes.counts}))


if __name__ == "__main__":
    {"save": save, "load": load}[sys.argv[1]]()
