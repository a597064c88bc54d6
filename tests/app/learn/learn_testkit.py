"""Input helpers for the learn-mode tests (a module of its own: a test that
imported them from ``conftest`` would get another folder's conftest when
several test folders run together)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox


def click(widget):
    """A left click in the middle of a widget (a button; for a plot or any
    scroll area, its viewport, where a real click lands)."""
    assert widget.isVisible() and widget.isEnabled(), widget.objectName() or widget
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    QTest.mouseClick(target, Qt.MouseButton.LeftButton)


def type_into(spin: QAbstractSpinBox, text: str) -> None:
    """Select what is in a spin box, type ``text`` and press Enter."""
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), text)
    QTest.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
