"""Run by test_window_large_text_height.py in a child process, so the
offscreen screen is 1366x768 from the start (Qt reads it once).

Shows the window with its frame filling the screen's available area, opens the example
named on the command line, sets the text size (second argument) and goes to
the Train workspace; once the window's size has held still, prints as JSON on
the last line the window's frame height, the screen's available height, the
docks in view with their heights and their least heights, and the views in
view that are shorter than their least height for their width (their text
or plots cut off, with no scroll bar to reach the rest), the docks in view
that scroll sideways, and whether the cost curves are in view whole."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea, QWidget

from nnsim.app.main import create_main_window
from nnsim.resources import example_path


def squeezed(window) -> list[str]:
    """Views in sight (a dock's panel, or the panel in its scroll area) shorter
    than their layout's least height at their width."""
    out = []
    for dock in window.findChildren(QDockWidget):
        if not dock.isVisible() or dock.visibleRegion().isEmpty() or dock.widget() is None:
            continue
        panels = [dock.widget()]
        for area in dock.findChildren(QScrollArea):
            if area.widget() is not None:
                panels += [area.widget()] + area.widget().findChildren(QWidget)
        for panel in panels:
            lay = panel.layout()
            if lay is None or not panel.isVisible() or not lay.hasHeightForWidth():
                continue
            least = lay.totalMinimumHeightForWidth(panel.width())
            if panel.height() < least:
                out.append(f"{dock.objectName()}:{type(panel).__name__} {panel.height()}<{least}")
    return out


def _shown_whole(widget: QWidget) -> bool:
    """Whether all of ``widget`` is in view (not scrolled partly out of its dock's scroll area)."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is None or not widget.isVisible():
        return widget.isVisible()
    seen = area.viewport()
    return seen.rect().contains(QRect(widget.mapTo(seen, QPoint(0, 0)), widget.size()))


def main(example: str, size: float) -> None:
    app = QApplication.instance() or QApplication([])
    window = create_main_window(None)
    available = window.screen().availableGeometry()
    window.show()
    frame, inside = window.frameGeometry(), window.geometry()  # the frame fills the available area
    window.setGeometry(available.adjusted(inside.left() - frame.left(), inside.top() - frame.top(),
                                          inside.right() - frame.right(), inside.bottom() - frame.bottom()))
    window.files.open(example_path(example))
    window.presenting.set_text_size(size)
    QTimer.singleShot(100, lambda: window.workspaces.switch("train"))

    def report() -> None:
        print(json.dumps({
            "frame": window.frameGeometry().height(),
            "available": available.height(),
            "workspace": window.workspaces.current,
            "docks": {d.objectName(): [d.height(), d.minimumSizeHint().height()]
                      for d in window.findChildren(QDockWidget) if d.isVisible() and not d.visibleRegion().isEmpty()},
            "squeezed": squeezed(window),
            "sideways": sorted({dock.objectName() for dock in window.findChildren(QDockWidget)
                                for area in dock.findChildren(QScrollArea)
                                if not area.visibleRegion().isEmpty() and area.horizontalScrollBar().isVisible()}),
            "cost_curves_shown": _shown_whole(window.training.cost.graphics),
        }))
        window.document.undo_stack.setClean()
        app.quit()

    # Report once the window's height has held still for half a second, at
    # least a second in (a loaded machine takes longer).
    seen: list = []

    def settle() -> None:
        seen.append((window.frameGeometry().height(), window.workspaces.current))
        if len(seen) >= 20 and len(set(seen[-10:])) == 1 or len(seen) >= 300:
            report()
        else:
            QTimer.singleShot(50, settle)

    QTimer.singleShot(50, settle)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
