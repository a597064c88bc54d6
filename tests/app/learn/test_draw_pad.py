"""The draw-a-digit pad: strokes drawn with the mouse give the network's
class probabilities for the drawing and its feature maps on the canvas."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

import nnsim
from nnsim.app.canvas import CanvasScene
from nnsim.app.document import Document
from nnsim.app.learn.draw_pad import DrawPadPanel


def _cell(pad, r, c) -> QPoint:
    h, w = pad.pixels.shape
    return QPoint(int((c + 0.5) * pad.width() / w), int((r + 0.5) * pad.height() / h))


def _stroke(pad, cells, button=Qt.LeftButton) -> None:
    QTest.mousePress(pad, button, Qt.NoModifier, _cell(pad, *cells[0]))
    for rc in cells[1:]:
        QTest.mouseMove(pad, _cell(pad, *rc))
    QTest.mouseRelease(pad, button, Qt.NoModifier, _cell(pad, *cells[-1]))


def test_a_drawn_stroke_gives_the_networks_answer_and_its_maps(qtbot):
    design = nnsim.example("digits-cnn")
    nnsim.train(design, epochs=6)
    doc = Document(design)
    scene = CanvasScene(doc)
    panel = DrawPadPanel(doc, None, scene)
    qtbot.addWidget(panel)
    panel.show()
    panel.recompute()
    assert panel.answer.text() == "Draw a digit on the pad."
    pad = panel.pad
    assert pad.pixels.shape == (8, 8)

    _stroke(pad, [(r, 4) for r in range(1, 7)])  # a vertical stroke: a one
    assert pad.pixels[3, 4] == 1.0 and pad.pixels[3, 3] > 0 and pad.pixels[3, 0] == 0
    want = nnsim.predict(design, pad.pixels)
    assert np.allclose(panel.probabilities, want)
    assert panel.answer.text().startswith(f"The network says: {int(np.argmax(want))}")
    conv = next(layer.id for layer in design.layers if layer.type == "conv")
    maps = [bytes(img.constBits()) for img in scene.block_items[conv].maps]
    assert len(maps) == 8 and len(scene.block_items[conv].kernels) == 8

    _stroke(pad, [(1, 1), (1, 6)])  # a bar on top: another drawing, other maps
    assert [bytes(img.constBits()) for img in scene.block_items[conv].maps] != maps
    QTest.mouseClick(pad, Qt.RightButton, Qt.NoModifier, _cell(pad, 3, 4))  # the eraser
    assert pad.pixels[2:5, 3:6].max() == 0.0 and pad.pixels[5, 4] == 1.0

    from PySide6.QtWidgets import QPushButton

    (clear,) = [b for b in panel.findChildren(QPushButton) if b.text() == "Clear"]
    kernels = design.layer(conv).arrays["kernel"]
    QTest.mouseClick(clear, Qt.LeftButton)
    assert not pad.pixels.any() and panel.answer.text() == "Draw a digit on the pad."
    assert design.layer(conv).arrays["kernel"] is kernels  # drawing changes nothing of the design


def test_without_an_image_input_the_pad_says_what_to_open(qtbot):
    doc = Document(nnsim.example("xor-mlp"))
    panel = DrawPadPanel(doc)
    qtbot.addWidget(panel)
    panel.recompute()
    assert "image input" in panel.answer.text()
