"""Small widgets and helpers the learn-mode panels share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy

TEXT_SIZE = 10.5  # points: learn text is read closely, so a little larger than the UI


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def note(text: str = "") -> QLabel:
    """A wrapped explanatory line."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


BOX_COLOURS = {
    "info": ("#e3f2fd", "#1e88e5"),
    "good": ("#e8f5e9", "#43a047"),
    "warn": ("#fff3e0", "#fb8c00"),
    "bad": ("#ffebee", "#e53935"),
}


def _box_style(kind: str) -> str:
    bg, border = BOX_COLOURS[kind]
    return (
        f"QLabel {{ background: {bg}; border: 1px solid {border}; border-radius: 4px; padding: 6px; "
        "color: #212121; }"
    )


def message_box(kind: str = "info") -> QLabel:
    """A coloured box for news: info (blue), good (green), warn (orange), bad (red)."""
    label = note()
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setStyleSheet(_box_style(kind))
    label.setProperty("kind", kind)
    label.hide()
    return label


def set_box(label: QLabel, text: str, kind: str | None = None) -> None:
    """Fill a message box (hidden when empty), optionally changing its colour."""
    if kind is not None and label.property("kind") != kind:
        label.setStyleSheet(_box_style(kind))
        label.setProperty("kind", kind)
    label.setText(text)
    label.setVisible(bool(text))


def button(text: str, tip: str = "", name: str = "") -> QPushButton:
    b = QPushButton(text)
    if tip:
        b.setToolTip(tip)
    if name:
        b.setObjectName(name)
    return b
