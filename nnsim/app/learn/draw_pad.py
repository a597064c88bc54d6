"""Draw a digit: a small pad where the learner draws an image with the mouse
(left button ink, right button eraser) and sees, live, the network's class
probabilities for the drawing and every feature map it makes on the canvas.

It reads the design's image input (its height and width; every channel gets
the drawing) and the network as training has it now (the latest snapshot's
numbers when they fit the design, else the design's own). Nothing here
changes the design.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from nnsim.app.training import block_views
from nnsim.design.compile import compile_design
from nnsim.design.layer_types import options_of
from nnsim.design.model import LayerKind
from nnsim.design.validate import DesignError

PAD_SIZE = 200  # pixels of the drawing area, whatever the image's size
NEIGHBOUR_INK = 0.4  # a stroke darkens the pixels beside the one under the pointer this much


class Pad(QWidget):
    """An image of ``shape`` (height, width), values 0..1, drawn with the mouse."""

    drawn = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.pixels = np.zeros((8, 8))
        self.setFixedSize(PAD_SIZE, PAD_SIZE)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left button; the right button erases")

    def set_shape(self, height: int, width: int) -> None:
        if self.pixels.shape != (height, width):
            self.pixels = np.zeros((height, width))
            self.update()

    def clear(self) -> None:
        self.pixels[:] = 0.0
        self.update()
        self.drawn.emit()

    def _cell(self, pos: QPointF) -> tuple[int, int] | None:
        h, w = self.pixels.shape
        r, c = int(pos.y() / self.height() * h), int(pos.x() / self.width() * w)
        return (r, c) if 0 <= r < h and 0 <= c < w else None

    def ink(self, r: int, c: int, erase: bool = False) -> None:
        """A stroke at pixel (r, c): full ink there, some beside it."""
        h, w = self.pixels.shape
        if erase:
            self.pixels[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2] = 0.0
        else:
            for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                if 0 <= r + dr < h and 0 <= c + dc < w:
                    self.pixels[r + dr, c + dc] = max(self.pixels[r + dr, c + dc], NEIGHBOUR_INK)
            self.pixels[r, c] = 1.0
        self.update()
        self.drawn.emit()

    def _stroke(self, event) -> None:
        cell = self._cell(event.position())
        if cell is not None:
            self.ink(*cell, erase=bool(event.buttons() & Qt.MouseButton.RightButton))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._stroke(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self._stroke(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        h, w = self.pixels.shape
        cw, ch = self.width() / w, self.height() / h
        for r in range(h):
            for c in range(w):
                v = int(round(255 * (1.0 - self.pixels[r, c])))
                p.fillRect(QRectF(c * cw, r * ch, cw, ch), QColor(v, v, v))
        p.setPen(QPen(QColor("#d0d4da"), 1))
        for r in range(h + 1):
            p.drawLine(QPointF(0, r * ch), QPointF(self.width(), r * ch))
        for c in range(w + 1):
            p.drawLine(QPointF(c * cw, 0), QPointF(c * cw, self.height()))
        p.end()


class DrawPadPanel(QWidget):
    """The pad, a Clear button and the network's answer for the drawing."""

    def __init__(self, document, controller=None, scene=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.document, self.controller, self.scene = document, controller, scene
        self.pad = Pad()
        self.pad.drawn.connect(self.recompute)
        clear = QPushButton("Clear")
        clear.clicked.connect(self.pad.clear)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        font = self.answer.font()
        font.setBold(True)
        self.answer.setFont(font)
        self.bars_box = QGridLayout()
        self.bars_box.setSpacing(2)
        self.bars: list[tuple[QLabel, QProgressBar]] = []
        left = QVBoxLayout()
        left.addWidget(self.pad)
        left.addWidget(clear)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.answer)
        right.addLayout(self.bars_box)
        right.addStretch(1)
        row = QHBoxLayout(self)
        row.addLayout(left)
        row.addLayout(right, 1)
        self.probabilities: np.ndarray | None = None
        document.changed.connect(self.recompute)

    def _image_layer(self):
        images = [layer for layer in self.document.design.layers if layer.type == "image"]
        return images[0] if len(images) == 1 else None

    def _network(self):
        comp = compile_design(self.document.design)
        net = comp.network
        snap = getattr(self.controller, "latest", None)
        params = getattr(snap, "params", None)
        if params is not None and params.layout.shapes == net.parameters.layout.shapes:
            net.parameters.flat[...] = params.flat  # the numbers training has now
        return net, {i: lid for lid, i in comp.layer_index.items()}

    def recompute(self) -> None:
        """The network's answer for the drawing, and its maps on the canvas."""
        image = self._image_layer()
        if image is None:
            self.answer.setText("Open a design with an image input (such as the example Digits CNN) to draw for it.")
            self._set_bars([], None)
            return
        o = options_of(image)
        self.pad.set_shape(o["height"], o["width"])
        x = np.repeat(self.pad.pixels[None], o["channels"], axis=0).reshape(1, -1)
        try:
            net, index_to_id = self._network()
        except (DesignError, ValueError, KeyError) as e:
            self.answer.setText(f"The network cannot compute yet: {e}")
            self._set_bars([], None)
            return
        with np.errstate(all="ignore"):
            trace = net.forward(x)
            out = np.asarray(net.outputs(trace)[0], dtype=np.float64)
        names = [n.label or str(i) for lay in self.document.design.layers if lay.kind == LayerKind.OUTPUT
                 for i, n in enumerate(self.document.design.neurons_of(lay.id))]
        total = out.sum()
        if np.all(out >= 0) and total > 0:
            probs = out / total  # a softmax output already
        else:
            e = np.exp(out - out.max())
            probs = e / e.sum()
        self.probabilities = probs
        best = int(np.argmax(probs))
        self.answer.setText(f"The network says: {names[best] if best < len(names) else best} "
                            f"({probs[best]:.0%})" if self.pad.pixels.any() else "Draw a digit on the pad.")
        self._set_bars(names, probs)
        if self.scene is not None:
            maps = {}
            for node in net.layers:
                if len(node.shape) == 3:
                    maps[index_to_id[node.index]] = block_views.images(trace.a[node.index][0].reshape(node.shape))
            self.scene.set_block_images(maps, self._kernels(net, index_to_id))

    @staticmethod
    def _kernels(net, index_to_id) -> dict:
        out = {}
        for node in net.layers:
            name = f"{node.key}/kernel"
            if name in net.parameters.layout.shapes:
                out[index_to_id[node.index]] = block_views.images(np.asarray(net.parameters[name]).sum(axis=1))
        return out

    def _set_bars(self, names: list[str], probs) -> None:
        while len(self.bars) < len(names):
            label, bar = QLabel(), QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setFixedHeight(12)
            self.bars_box.addWidget(label, len(self.bars), 0)
            self.bars_box.addWidget(bar, len(self.bars), 1)
            self.bars.append((label, bar))
        for i, (label, bar) in enumerate(self.bars):
            shown = i < len(names)
            label.setVisible(shown)
            bar.setVisible(shown)
            if shown:
                label.setText(names[i])
                bar.setValue(int(round(1000 * probs[i])))


def install_draw_pad(window, controller=None):
    """A "Draw a Digit" dock (hidden until asked for) and its Learn menu entry."""
    from PySide6.QtGui import QAction

    panel = DrawPadPanel(window.document, controller, window.canvas_scene())
    dock = window.add_dock(panel, Qt.DockWidgetArea.RightDockWidgetArea, "Draw a digit", "learn_draw_dock",
                           visible=False, scroll=True)
    action = QAction("&Draw a Digit", window)
    action.setObjectName("learn_draw_action")
    action.triggered.connect(lambda: (window.bring_dock(dock), panel.recompute()))
    menu = getattr(getattr(window, "learn_mode", None), "menu", None)
    if menu is not None:
        menu.addAction(action)
    return panel, dock, action


__all__ = ["DrawPadPanel", "Pad", "install_draw_pad"]
