"""Block layers in the window: the palette's image parts and the inspector's
page for a block, driven with the mouse and keyboard."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSpinBox

from nnsim.app.panels.block_page import BlockPage
from nnsim.app.panels.inspector import LAYER_PAGES


def test_the_palette_offers_image_layers_and_double_click_adds_one(window, qtbot):
    window.resize(1366, 768)
    window.show()
    assert list(window.palette.block_parts) == ["image", "conv", "maxpool", "avgpool", "flatten", "rnn", "lstm", "gru"]
    QTest.mouseDClick(window.palette.block_parts["image"], Qt.MouseButton.LeftButton)
    QTest.mouseDClick(window.palette.block_parts["conv"], Qt.MouseButton.LeftButton)
    d = window.document.design
    assert [(lay.type, lay.kind.value) for lay in d.layers] == [("image", "input"), ("conv", "hidden")]
    assert d.layers[1].x > d.layers[0].x  # the second beside the first
    assert window.scene.selected_ids()[1] == [d.layers[1].id]
    part = window.palette.block_parts["flatten"]
    part.setFocus()
    QTest.keyClick(part, Qt.Key.Key_Return)
    assert d.layers[-1].type == "flatten"
    window.document.undo_stack.undo()
    assert [lay.type for lay in d.layers] == ["image", "conv"]


def _conv_selected(window):
    doc = window.document
    image = doc.add_block("image", 0, 0)
    conv = doc.add_block("conv", 250, 0)
    doc.link_layers(image, conv)
    window.scene.select(layers=[conv])
    return doc, image, conv


def test_the_inspector_edits_a_block_option_as_one_undoable_step(window, qtbot):
    window.show()
    doc, image, conv = _conv_selected(window)
    page = window.inspector.stack.currentWidget()
    assert isinstance(page, BlockPage) and LAYER_PAGES["conv"] is BlockPage and LAYER_PAGES["dense"] is None
    filters = page.fields["filters"]
    assert isinstance(filters, QSpinBox) and filters.value() == 8
    filters.setFocus()
    filters.selectAll()
    QTest.keyClicks(filters, "4")
    QTest.keyClick(filters, Qt.Key.Key_Return)
    layer = doc.design.layer(conv)
    assert layer.options["filters"] == 4 and layer.arrays["kernel"].shape == (4, 1, 3, 3)
    assert window.scene.block_items[conv].shape_line == "output: 4 × 8×8"
    assert "4 maps of 8×8" in page.shape.text()
    doc.undo_stack.undo()
    assert layer.options["filters"] == 8 and filters.value() == 8


def test_a_setting_that_does_not_fit_is_refused_with_the_reason(window, qtbot):
    window.show()
    doc, image, conv = _conv_selected(window)
    page = window.inspector.stack.currentWidget()
    padding = page.fields["padding"]
    padding.setCurrentText("valid")
    padding.activated.emit(padding.currentIndex())
    kernel = page.fields["kernel"]
    count = doc.undo_stack.count()
    messages = []
    window.inspector.message.connect(messages.append)
    kernel.setFocus()
    kernel.selectAll()
    QTest.keyClicks(kernel, "11")
    QTest.keyClick(kernel, Qt.Key.Key_Return)
    assert doc.design.layer(conv).options["kernel"] == 3
    assert doc.undo_stack.count() == count
    assert kernel.value() == 3
    assert messages and "does not fit" in messages[-1]
    assert "does not fit" in page.problem.text()


def test_a_recurrent_blocks_initial_state_is_chosen_in_the_inspector(window, qtbot):
    import nnsim

    window.resize(1366, 768)
    window.show()
    doc = window.document
    doc.replace(nnsim.example("temporal-order-lstm"))
    window.show_canvas()
    lstm = next(layer for layer in doc.design.layers if layer.type == "lstm")
    weight = lstm.arrays["weight"].values.copy()
    item = window.scene.block_items[lstm.id]
    view = window.canvas
    view.centerOn(item)
    header = item.mapToScene(item.frame.topLeft()) + QPointF(30, 10)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene(header))
    assert window.scene.selected_ids()[1] == [lstm.id]
    page = window.inspector.stack.currentWidget()
    box = page.fields["initial_state"]
    assert box.currentText() == "zeros"
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Down)  # a closed combo box steps to the next choice
    layer = doc.design.layer(lstm.id)
    assert layer.options["initial_state"] == "learned"
    assert layer.arrays["initial"].shape == (2, lstm.options["cells"])  # h and c, from 0
    assert (layer.arrays["weight"].values == weight).all()  # the trained weights stay
    doc.undo_stack.undo()
    assert doc.design.layer(lstm.id).options["initial_state"] == "zeros" and box.currentText() == "zeros"
    assert "initial" not in doc.design.layer(lstm.id).arrays


def test_connect_layers_links_the_selected_blocks_in_order_as_one_step(window, qtbot):
    from nnsim.design.model import LayerKind

    window.show()
    doc = window.document
    out = doc.add_layer(LayerKind.OUTPUT, 3, 700, 0)
    flat = doc.add_block("flatten", 470, 0)
    conv = doc.add_block("conv", 240, 0)
    image = doc.add_block("image", 0, 0)
    window.scene.select(layers=[out, flat, conv, image])
    assert "Ctrl+K" in window.acts.connect_all.shortcut().toString()
    window.acts.connect_all.trigger()
    assert [(k.source, k.target) for k in doc.design.links] == [(image, conv), (conv, flat), (flat, out)]
    assert doc.design.links[-1].weights.shape == (512, 3)
    doc.undo_stack.undo()
    assert doc.design.links == []


def test_a_kernel_is_typed_by_hand_or_set_from_a_preset_each_one_undoable_step(window, qtbot):
    import numpy as np

    window.show()
    doc, image, conv = _conv_selected(window)
    editor = window.inspector.stack.currentWidget().kernels
    assert len(editor.cells) == 3
    editor.which.setValue(2)
    editor.preset.setCurrentText("Sobel: vertical edges")
    editor.preset.activated.emit(editor.preset.currentIndex())
    kernel = doc.design.layer(conv).arrays["kernel"].values
    assert kernel[1, 0].tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert editor.cells[1][0].value() == -2
    cell = editor.cells[1][1]
    cell.setFocus()
    cell.selectAll()
    QTest.keyClicks(cell, "0.5")
    QTest.keyClick(cell, Qt.Key.Key_Return)
    assert doc.design.layer(conv).arrays["kernel"].values[1, 0, 1, 1] == 0.5
    doc.undo_stack.undo()
    assert doc.design.layer(conv).arrays["kernel"].values[1, 0, 1, 1] == 0
    doc.undo_stack.undo()
    assert not np.array_equal(doc.design.layer(conv).arrays["kernel"].values[1, 0], [[-1, 0, 1], [-2, 0, 2],
                                                                                       [-1, 0, 1]])
