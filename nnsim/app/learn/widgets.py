"""Small widgets and helpers the learn-mode panels share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

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


def text_pane(html: str = "", name: str = "", minimum: int = 40) -> QTextBrowser:
    """Words that take the room left over and scroll on their own, so the
    panel around them never has to (an explanation beside a plot)."""
    pane = QTextBrowser()
    if name:
        pane.setObjectName(name)
    pane.setFrameShape(QFrame.Shape.NoFrame)
    pane.setOpenLinks(False)
    pane.viewport().setAutoFillBackground(False)
    pane.setStyleSheet("QTextBrowser { background: transparent; }")
    pane.setMinimumHeight(minimum)
    pane.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    pane.document().setDocumentMargin(2)
    if html:
        pane.setHtml(html)
    return pane


def column(*items, stretch_last: bool = False, width: tuple[int, int] | None = None) -> QWidget:
    """Widgets and layouts stacked in a margin-less column (the controls beside
    a plot); ``width`` = (minimum, maximum)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        if isinstance(item, QWidget):
            layout.addWidget(item)
        else:
            layout.addLayout(item)
    if stretch_last and layout.count():
        layout.setStretch(layout.count() - 1, 1)
    if width is not None:
        box.setMinimumWidth(width[0])
        box.setMaximumWidth(width[1])
    return box


def scroll_column(*widgets, name: str = "", minimum: int = 40) -> QScrollArea:
    """Labels stacked in a frameless area that scrolls up and down on its own
    when they need more height than the panel has (never sideways)."""
    inner = column(*widgets)
    inner.layout().addStretch(1)
    inner.setAutoFillBackground(False)
    # As wide as the area, whatever its words would like: they wrap instead.
    inner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    area = QScrollArea()
    if name:
        area.setObjectName(name)
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.viewport().setAutoFillBackground(False)
    area.setMinimumHeight(minimum)
    area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return area


class DockPanel(QWidget):
    """A learn tool's panel: it fills the dock it is in, its long words
    scrolling on their own.

    The dock wraps it in a scroll area, which would make it as tall as its
    word-wrapped labels and plots *prefer* (a layout's height for a width is
    its preferred height). Answering -1 leaves the panel its minimum height
    instead, so the dock scrolls only when it is smaller than that."""

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return -1

    def set_in_view(self, visible: bool) -> None:
        """Its dock came into view or went out of it (a tab behind another is
        out of view but not hidden); tools that work only in view follow it."""
