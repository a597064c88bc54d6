"""The palette: parts to drag onto the canvas.

Each part is a button that starts a real drag carrying
``application/x-nnsim-part`` = ``{"kind": "input"|"hidden"|"output", "size": N}``,
which the canvas accepts on drop. Keyboard users focus a part and press Enter
(or double-click it) to add it at the centre of the canvas: the palette emits
``part_activated(kind, size)`` and the window does the adding.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.canvas.interactions import PART_MIME, part_from_mime, part_mime
from nnsim.app.canvas.style import KIND_STYLE  # the canvas's colours, so a part looks like what it adds
from nnsim.design.layer_types import TYPES
from nnsim.design.model import LayerKind

KINDS = ("input", "hidden", "output")
MAX_PART_SIZE = 10_000
# Layers drawn as blocks the palette offers, in order: (type, button text).
BLOCK_PARTS = (("image", "Image input"), ("conv", "Convolution"), ("maxpool", "Max pooling"),
               ("avgpool", "Average pooling"), ("flatten", "Flatten"),
               ("rnn", "Recurrent layer"), ("lstm", "LSTM"), ("gru", "GRU"))
RECURRENT_PARTS = ("rnn", "lstm", "gru")  # drawn with a loop: they carry a state from step to step


def part_mime_data(kind: str, size: int, layer: bool = False) -> QMimeData:
    """The data a palette drag carries (the canvas defines the format)."""
    return part_mime(kind, int(size), layer)


def part_pixmap(kind: str, size: int, extent: int = 28, ratio: float = 1.0, layer: bool = False) -> QPixmap:
    """A neuron (one circle) or a layer (a column of circles) in the kind's colour."""
    pix = QPixmap(int(extent * ratio), int(extent * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    style = KIND_STYLE[LayerKind(kind)]
    p.setPen(QPen(style.ring, 1.6))
    p.setBrush(style.fill)
    if size == 1 and not layer:
        r = extent * 0.36
        p.drawEllipse(QPointF(extent / 2, extent / 2), r, r)
    else:
        r = extent * 0.15
        for i in range(3):
            p.drawEllipse(QPointF(extent / 2, extent * (0.18 + 0.32 * i)), r, r)
    p.end()
    return pix


class PartButton(QToolButton):
    """One draggable part: a neuron, or (``layer``) a layer of any size."""

    activated = Signal(str, int)

    def __init__(self, kind: str, size: int = 1, parent: QWidget | None = None, layer: bool = False):
        super().__init__(parent)
        self.kind = kind
        self.layer = layer
        self._size = size
        self._press: QPoint | None = None
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setIconSize(QSize(24, 24))
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.set_size(size)

    @property
    def part_size(self) -> int:
        return self._size

    def set_size(self, size: int) -> None:
        self._size = size
        name = self.kind.capitalize()
        self.setText(f"{name} layer of {size}" if self.layer else f"{name} neuron")
        self.setIcon(QIcon(part_pixmap(self.kind, size, ratio=self.devicePixelRatioF(), layer=self.layer)))
        self.setToolTip(f"Drag onto the canvas, or double-click / press Enter to add {self.text().lower()} "
                        "at the centre")
        self.setAccessibleName(self.text())

    def mime_data(self) -> QMimeData:
        return part_mime_data(self.kind, self._size, self.layer)

    # -- mouse and keyboard -------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if (self._press is not None and event.buttons() & Qt.MouseButton.LeftButton
                and (event.position().toPoint() - self._press).manhattanLength() >= QApplication.startDragDistance()):
            self._press = None
            self.setDown(False)
            self.start_drag()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._press = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit(self.kind, self._size)
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.kind, self._size)
            event.accept()
            return
        super().keyPressEvent(event)

    def start_drag(self) -> Qt.DropAction:
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        pix = part_pixmap(self.kind, self._size, 36, self.devicePixelRatioF(), self.layer)
        drag.setPixmap(pix)
        drag.setHotSpot(QPoint(18, 18))
        return drag.exec(Qt.DropAction.CopyAction)


def block_pixmap(type_name: str, extent: int = 28, ratio: float = 1.0) -> QPixmap:
    """A block part: a small rounded block in its role's colour, with a grid
    (an image), a kernel (a convolution), a window (pooling) or a column (flatten)."""
    pix = QPixmap(int(extent * ratio), int(extent * ratio))
    pix.setDevicePixelRatio(ratio)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    style = KIND_STYLE[LayerKind.INPUT if type_name == "image" else LayerKind.HIDDEN]
    p.setPen(QPen(style.ring, 1.4))
    p.setBrush(style.fill)
    m = extent * 0.12
    p.drawRoundedRect(QRectF(m, m, extent - 2 * m, extent - 2 * m), 3, 3)
    p.setPen(QPen(style.ring, 1.0))
    a, b = extent * 0.28, extent * 0.72
    if type_name in RECURRENT_PARTS:  # a loop over the block: its state goes round to the next step
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(style.title, 1.6))
        r = QRectF(a, a, b - a, b - a)
        p.drawArc(r, 60 * 16, 300 * 16)
        tip = QPointF(r.center().x() + r.width() / 2 * 0.5, r.top() + r.height() * 0.07)
        p.setBrush(style.title)
        p.drawPolygon([tip, tip + QPointF(-4, -3), tip + QPointF(-3, 3)])
        if type_name != "rnn":  # gates: a small bar beside it
            p.drawRect(QRectF(b - 2, a + (b - a) * 0.55, 3, (b - a) * 0.45))
    elif type_name == "flatten":
        for i in range(4):
            y = a + (b - a) * i / 3
            p.drawEllipse(QPointF(extent / 2, y), extent * 0.05, extent * 0.05)
    else:
        step = (b - a) / 3
        for i in range(4):
            p.drawLine(QPointF(a + i * step, a), QPointF(a + i * step, b))
            p.drawLine(QPointF(a, a + i * step), QPointF(b, a + i * step))
        if type_name != "image":
            p.setBrush(style.ring if type_name == "conv" else Qt.BrushStyle.NoBrush)
            p.setPen(QPen(style.title, 1.6))
            size = 2 if type_name == "conv" else 1
            p.setOpacity(0.55 if type_name == "conv" else 1.0)
            p.drawRect(QRectF(a, a, step * size, step * size))
    p.end()
    return pix


class BlockPartButton(PartButton):
    """A layer drawn as a block (an image input, a convolution, pooling, a
    flatten): dragged or double-clicked like the other parts."""

    block_activated = Signal(str)

    def __init__(self, type_name: str, text: str, parent: QWidget | None = None):
        self.type_name = type_name
        self._text = text
        super().__init__("input" if type_name == "image" else "hidden", 1, parent, layer=True)

    def set_size(self, size: int) -> None:
        self._size = size
        self.setText(self._text)
        self.setIcon(QIcon(block_pixmap(self.type_name, ratio=self.devicePixelRatioF())))
        self.setToolTip(f"{TYPES[self.type_name].description}\nDrag onto the canvas, or double-click / press Enter "
                        "to add it; then drag from its port to the layer it feeds.")
        self.setAccessibleName(self._text)

    def mime_data(self) -> QMimeData:
        return part_mime(self.kind, 1, True, self.type_name)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.block_activated.emit(self.type_name)
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.block_activated.emit(self.type_name)
            event.accept()
            return
        QToolButton.keyPressEvent(self, event)

    def start_drag(self) -> Qt.DropAction:
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        drag.setPixmap(block_pixmap(self.type_name, 36, self.devicePixelRatioF()))
        drag.setHotSpot(QPoint(18, 18))
        return drag.exec(Qt.DropAction.CopyAction)


class Palette(QWidget):
    """Neurons and layers of each kind, and the size of new layers."""

    part_activated = Signal(str, int)
    # A block part chosen without a drop (double-click, Enter): its layer type.
    block_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(2)

        layout.addWidget(_heading("Neurons"))
        self.neuron_parts = {kind: PartButton(kind, 1) for kind in KINDS}
        for part in self.neuron_parts.values():
            layout.addWidget(part)

        layout.addSpacing(10)
        layout.addWidget(_heading("Layers"))
        form = QFormLayout()
        form.setContentsMargins(4, 2, 4, 4)
        self.size_box = QSpinBox()
        self.size_box.setRange(1, MAX_PART_SIZE)
        self.size_box.setValue(4)
        self.size_box.setAccelerated(True)
        self.size_box.setToolTip("How many neurons a new layer holds")
        form.addRow("Neurons per layer", self.size_box)
        layout.addLayout(form)
        self.layer_parts = {kind: PartButton(kind, self.size_box.value(), layer=True) for kind in KINDS}
        for part in self.layer_parts.values():
            layout.addWidget(part)
        self.size_box.valueChanged.connect(self._size_changed)

        for part in self.parts():
            part.activated.connect(self.part_activated)

        layout.addSpacing(10)
        layout.addWidget(_heading("Image layers"))
        self.block_parts = {name: BlockPartButton(name, text) for name, text in BLOCK_PARTS}
        for part in self.block_parts.values():
            layout.addWidget(part)
            part.block_activated.connect(self.block_activated)

        hint = QLabel("Drag a part onto the canvas. Double-click it, or press Enter on it, "
                      "to add it at the centre.")
        hint.setWordWrap(True)
        hint.setObjectName("paletteHint")
        hint.setStyleSheet("color: palette(placeholder-text); padding-top: 10px;")
        layout.addWidget(hint)
        layout.addStretch(1)

    def parts(self) -> list[PartButton]:
        return list(self.neuron_parts.values()) + list(self.layer_parts.values())

    def _size_changed(self, size: int) -> None:
        for part in self.layer_parts.values():
            part.set_size(size)


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 0.85)
    label.setFont(font)
    label.setStyleSheet("color: palette(mid); padding: 2px 4px;")
    return label


__all__ = ["Palette", "PartButton", "PART_MIME", "part_mime_data", "part_from_mime", "part_pixmap"]
