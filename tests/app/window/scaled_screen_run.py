"""Run by test_window_scale_factor.py in a child process, so QT_SCALE_FACTOR
and the offscreen screen's size apply from the start (Qt reads them once).

Starts the window as ``nnsim`` does on a 1366x768 screen, opens the Iris
example, goes to the workspace named on the command line and waits for the
layout to settle. Prints, as JSON on the last line, the device pixel ratio,
the canvas's zoom, the size of its viewport (logical pixels) and how much of
that viewport the network fills; the window's size and its screen's, whether
the workspace has its arrangement for a window short of room, the width of
the step-through's dock, whether its Next button is in view whole and
whether its panel scrolls sideways, and the docks in view whose panels
scroll sideways."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea

from nnsim.app.main import create_main_window
from nnsim.resources import example_path


def main(workspace: str) -> None:
    window = create_main_window(None)
    app = QApplication.instance()
    window.show()
    window.files.open(example_path("iris"))
    QTimer.singleShot(200, lambda: window.workspaces.switch(workspace))

    def report() -> None:
        view = window.canvas
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        content = window.scene.content_rect()
        step = window.learn_mode.step_through
        step_next = step.next_button
        step_area = window.dock("learn_step_dock").findChild(QScrollArea)
        seen_next = step_next.visibleRegion().boundingRect()
        print(json.dumps({
            "window": [window.width(), window.height()],
            "screen": [window.screen().availableGeometry().width(), window.screen().availableGeometry().height()],
            "compact": window.workspaces.compact,
            "step_next_whole": step_next.isVisible() and seen_next == step_next.rect(),
            "step_dock_width": window.dock("learn_step_dock").width(),
            "step_sideways": step_area.horizontalScrollBar().isVisible()
            or step.minimumSizeHint().width() > step_area.viewport().width(),
            "sideways": sorted({dock.objectName() for dock in window.findChildren(QDockWidget)
                                for area in dock.findChildren(QScrollArea)
                                if not area.visibleRegion().isEmpty() and area.horizontalScrollBar().isVisible()}),
            "dpr": view.devicePixelRatioF(),
            "zoom": view.zoom,
            "viewport": [view.viewport().width(), view.viewport().height()],
            "contained": shown.contains(content),
            "fills": max(content.width() / shown.width(), content.height() / shown.height()),
        }))
        window.document.undo_stack.setClean()
        app.quit()

    # Report once the layout has settled: the viewport's size and the zoom the
    # same for half a second, at least 1.5 s in (a loaded machine takes longer).
    seen: list = []

    def settle() -> None:
        view = window.canvas
        seen.append((view.viewport().width(), view.viewport().height(), view.zoom))
        if len(seen) >= 30 and len(set(seen[-10:])) == 1 or len(seen) >= 400:
            report()
        else:
            QTimer.singleShot(50, settle)

    QTimer.singleShot(50, settle)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
