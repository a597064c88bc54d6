"""Regression test for PySide6 6.12.x on CPython 3.11.

There, every Qt method returning nothing (setPos, setZValue, processEvents,
pyqtgraph's setData ...) drops one reference to ``None``; after a few thousand
calls the process aborts with ``Fatal Python error: none_dealloc``. A small test
suite passes with the bug present because it makes too few calls, so this test
makes many. pyproject.toml keeps PySide6 below 6.12 on Python < 3.12.
"""

from __future__ import annotations

import re
import sys
import time

import PySide6
from PySide6 import QtWidgets


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def test_void_calls_keep_none_refcount(qapp):
    item = QtWidgets.QGraphicsRectItem(0, 0, 10, 10)
    item.setZValue(0.5)  # warm up: first call may create cached objects

    before = sys.getrefcount(None)
    for _ in range(1000):
        item.setZValue(1.0)
    drift = sys.getrefcount(None) - before
    # Checked before the many calls below, so a leaking build fails here with a
    # message instead of aborting the whole test run.
    assert abs(drift) < 50, (
        f"1000 setZValue calls changed sys.getrefcount(None) by {drift}: "
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} "
        "loses references to None (the process would abort soon)"
    )

    start = time.perf_counter()
    for _ in range(300_000):
        item.setPos(1.0, 2.0)
    elapsed = time.perf_counter() - start
    assert item.pos().x() == 1.0 and item.pos().y() == 2.0
    # Not a performance test; just report it if it ever gets slow.
    print(f"300000 setPos calls: {elapsed:.2f} s")


def test_pyside6_version_not_known_bad():
    version = _version_tuple(PySide6.__version__)
    assert version[:3] != (6, 9, 1), "PySide6 6.9.1 breaks pyqtgraph"
    if sys.version_info < (3, 12):
        assert version[:2] != (6, 12), (
            f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} "
            "aborts with none_dealloc; use < 6.12 on Python 3.11"
        )
