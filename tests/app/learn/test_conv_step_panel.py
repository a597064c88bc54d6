"""Step through a convolution: Next moves the kernel one position; the numbers
shown are the engine's; the canvas marks the map value and the input pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import nnsim
from nnsim.app.canvas import CanvasScene
from nnsim.app.document import Document
from nnsim.app.learn.conv_step_panel import ConvStepPanel
from nnsim.explain import fmt


def test_next_slides_the_kernel_and_shows_the_engines_numbers(qtbot):
    design = nnsim.example("digits-cnn")
    doc = Document(design)
    scene = CanvasScene(doc)
    panel = ConvStepPanel(doc, scene)
    qtbot.addWidget(panel)
    panel.show()
    panel.rebuild()
    walk = panel.walk
    assert walk is not None and walk.out_shape == (8, 8, 8)
    QTest.mouseClick(panel.next, Qt.LeftButton)
    QTest.mouseClick(panel.next, Qt.LeftButton)
    assert panel.position.value() == 2
    step = walk.at(0, 0, 2)
    text = panel.text.text()
    assert f"z = {fmt(step.z, 4)}" in text and "row 1, column 3" in text
    assert "Pooling" in text and "Backward" in text and "sum of that over all 64 positions" in text
    # The image marks the 3×3 pixels under the kernel (with "same" padding, one row above the image).
    image = next(layer.id for layer in design.layers if layer.type == "image")
    assert scene.block_items[image].field == (0, 1, 1, 3)
    panel.filter.setValue(4)
    assert "kernel 4 at row 1, column 3" in panel.text.text()
    np.testing.assert_allclose(walk.kernel_gradient(3), walk.kernel_grad[3], atol=1e-12)


def test_the_sample_step_through_points_an_image_network_to_the_convolution_tool(learn_window, qtbot):
    window, mode = learn_window
    window.files.open_example(str(nnsim.resources.example_path("digits-cnn")))
    mode.show("step_through")
    box = mode.step_through.problem_box
    qtbot.waitUntil(lambda: "Step Through a Convolution" in box.text(), timeout=5000)
