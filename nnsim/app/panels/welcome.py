"""The welcome page: the example gallery shown in place of an empty canvas.

Each shipped example (``resources/examples/*.nnsim``) is a card with a small
picture of its network, its name and the first line of its description; one
click opens it (as an untitled copy: see ``FileManager.open_example``). The
page also accepts palette parts dropped on it, so a new user who drags a part
straight away gets what they expect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.canvas.interactions import part_from_mime
from nnsim.app.canvas.style import KIND_STYLE, NEGATIVE, POSITIVE
from nnsim.design.model import Design, LayerKind
from nnsim.io import FormatError, load
from nnsim.resources import examples_dir

CARD_WIDTH = 240
THUMB = QSize(216, 116)


@dataclass
class Example:
    path: Path
    name: str
    summary: str  # the first line of the description
    design: Design


# Each example file read once per process while it stays the same (its size
# and modification time): the welcome page and the Examples menu both list
# them, in every window. The designs here are only drawn, never edited (a
# click opens the file afresh).
_READ: dict[Path, tuple[tuple[int, int], Example | None]] = {}


def shipped_examples() -> list[Example]:
    """The examples that load, sorted by file name."""
    try:
        paths = sorted(examples_dir().glob("*.nnsim"))
    except FileNotFoundError:
        return []
    found = []
    for path in paths:
        example = _example(path)
        if example is not None:
            found.append(example)
    return found


def _example(path: Path) -> Example | None:
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    seen = _READ.get(path)
    if seen is not None and seen[0] == stamp:
        return seen[1]
    try:
        design = load(path)
    except FormatError:
        example = None
    else:
        summary = design.description.strip().split("\n")[0] if design.description.strip() else ""
        example = Example(path, design.name or path.stem, summary, design)
    _READ[path] = (stamp, example)
    return example


def thumbnail(design: Design, size: QSize = THUMB, ratio: float = 1.0) -> QPixmap:
    """A small drawing of the network: neurons at their positions, connections
    in the canvas's colours (blue positive, orange negative)."""
    pix = QPixmap(int(size.width() * ratio), int(size.height() * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(QColor("#fafbfc"))
    if not design.neurons:
        return pix
    xs = [n.x for n in design.neurons]
    ys = [n.y for n in design.neurons]
    margin = 12.0
    w, h = size.width() - 2 * margin, size.height() - 2 * margin
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = min(w / span_x if span_x else 1e9, h / span_y if span_y else 1e9, 1.0)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def at(x: float, y: float) -> QPointF:
        return QPointF(size.width() / 2 + (x - cx) * scale, size.height() / 2 + (y - cy) * scale)

    where = {n.id: at(n.x, n.y) for n in design.neurons}
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    for c in design.connections:
        colour = POSITIVE if c.weight >= 0 else NEGATIVE
        p.setPen(QPen(colour, max(0.5, min(2.5, abs(c.weight)))))
        p.drawLine(where[c.source], where[c.target])
    kinds = {layer.id: layer.kind for layer in design.layers}
    radius = max(2.5, min(7.0, 22 * scale))
    for n in design.neurons:
        style = KIND_STYLE[kinds.get(n.layer, LayerKind.HIDDEN)]
        p.setPen(QPen(style.ring, 1.2))
        p.setBrush(style.fill)
        p.drawEllipse(where[n.id], radius, radius)
    p.end()
    return pix


class ExampleCard(QToolButton):
    """One example: picture, name and summary; a click opens it."""

    def __init__(self, example: Example, parent: QWidget | None = None):
        super().__init__(parent)
        self.example = example
        self.setFixedWidth(CARD_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(example.design.description or example.name)
        self.setAccessibleName(f"Example: {example.name}")
        self.setObjectName("exampleCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(4)
        picture = QLabel()
        picture.setPixmap(thumbnail(example.design, THUMB, self.devicePixelRatioF()))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setStyleSheet("border: 1px solid #e3e6ea; border-radius: 4px; background: #fafbfc;")
        name = QLabel(example.name)
        name.setWordWrap(True)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        summary = QLabel(_shorten(example.summary, 110))
        summary.setWordWrap(True)
        summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        summary.setStyleSheet("color: #555b63;")
        for label in (picture, name, summary):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(picture)
        layout.addWidget(name)
        layout.addWidget(summary, 1)
        self.setStyleSheet(
            "#exampleCard { background: white; border: 1px solid #d5d9de; border-radius: 8px; }"
            "#exampleCard:hover { border-color: #1e88e5; background: #f5f9fe; }"
            "#exampleCard:focus { border: 2px solid #1e88e5; }"
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(CARD_WIDTH, self.layout().sizeHint().height())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


class WelcomePage(QWidget):
    """The first thing a new user sees."""

    example_chosen = Signal(str)
    blank_chosen = Signal()
    open_requested = Signal()
    part_dropped = Signal(str, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setObjectName("welcomePage")
        self.setStyleSheet("#welcomePage, #welcomeBody { background: #eef1f4; }")

        title = QLabel("Welcome to nnsim")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Build a neural network by hand and watch it learn. Start from one of the examples below, "
            "or from a blank canvas: drag neurons and layers from the palette on the left."
        )
        intro.setWordWrap(True)
        self.blank_button = QPushButton("Blank design")
        self.blank_button.clicked.connect(self.blank_chosen)
        self.open_button = QPushButton("Open a file…")
        self.open_button.clicked.connect(self.open_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.blank_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        heading = QLabel("Examples")
        hfont = heading.font()
        hfont.setBold(True)
        hfont.setPointSizeF(hfont.pointSizeF() * 1.2)
        heading.setFont(hfont)

        self.cards = [ExampleCard(example) for example in shipped_examples()]
        for card in self.cards:
            card.clicked.connect(lambda _=False, c=card: self.example_chosen.emit(str(c.example.path)))
        self.grid = QGridLayout()
        self.grid.setSpacing(14)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._columns = 0

        body = QWidget()
        body.setObjectName("welcomeBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(32, 26, 32, 26)
        column.setSpacing(10)
        column.addWidget(title)
        column.addWidget(intro)
        column.addLayout(buttons)
        column.addSpacing(12)
        column.addWidget(heading)
        column.addLayout(self.grid)
        column.addStretch(1)
        self.body = body
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.scroll = scroll
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._reflow(3)

    def card(self, name: str) -> ExampleCard:
        """The card of an example by file stem or display name."""
        for card in self.cards:
            if name in (card.example.path.stem, card.example.name):
                return card
        raise KeyError(name)

    def _reflow(self, columns: int) -> None:
        columns = max(1, columns)
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards):
            self.grid.addWidget(card, i // columns, i % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        margins = self.body.layout().contentsMargins()
        scrollbar = self.scroll.verticalScrollBar().sizeHint().width()
        usable = event.size().width() - margins.left() - margins.right() - scrollbar
        spacing = self.grid.spacing()
        self._reflow((usable + spacing) // (CARD_WIDTH + spacing))
        super().resizeEvent(event)

    # -- palette drops -----------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if part_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if part_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        part = part_from_mime(event.mimeData())
        if part is not None:
            event.acceptProposedAction()
            self.part_dropped.emit(part.kind.value, part.size)


__all__ = ["WelcomePage", "ExampleCard", "Example", "shipped_examples", "thumbnail"]
