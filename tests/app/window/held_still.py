"""For the window scripts run in a child process: report once a measure of
the window has held still."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer


def report_when_still(measure: Callable[[], object], report: Callable[[], None], least: int, most: int) -> None:
    """Call ``report`` once ``measure()``, taken every 50 ms, has been the same
    for half a second and at least ``least`` readings were taken (a loaded
    machine settles later), or after ``most`` readings whatever it gives."""
    seen: list = []

    def settle() -> None:
        seen.append(measure())
        if len(seen) >= least and len(set(seen[-10:])) == 1 or len(seen) >= most:
            report()
        else:
            QTimer.singleShot(50, settle)

    QTimer.singleShot(50, settle)
