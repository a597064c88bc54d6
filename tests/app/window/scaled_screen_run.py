"""Run by test_window_scale_factor.py in a child process, so QT_SCALE_FACTOR
and the offscreen screen's size apply from the start (Qt reads them once).

Starts the window as ``nnsim`` does on a 1366x768 screen, opens the Iris
example, goes to the workspace named on the command line and waits for the
layout to settle. Prints, as JSON on the last line, the device pixel ratio,
the canvas's zoom, the size of its viewport (logical pixels) and how much of
that viewport the network fills."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

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
        print(json.dumps({
            "dpr": view.devicePixelRatioF(),
            "zoom": view.zoom,
            "viewport": [view.viewport().width(), view.viewport().height()],
            "contained": shown.contains(content),
            "fills": max(content.width() / shown.width(), content.height() / shown.height()),
        }))
        window.document.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(1500, report)  # long after the layout has settled
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1])
