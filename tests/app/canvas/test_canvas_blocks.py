"""Layers drawn as blocks and the links between them, driven with real mouse
and keyboard events: a convolution dropped from the palette, linked by a drag
from a port, moved, its problem shown, a link deleted; every edit undoable."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from canvas_testkit import deliver_drop, drag, open_view, vp
from nnsim.app.canvas.blocks import BlockItem
from nnsim.app.canvas.interactions import part_mime
from nnsim.app.canvas.layer_items import LAYER_ITEMS
from nnsim.app.canvas.frames import LayerItem
from nnsim.design.model import Design, LayerKind
from nnsim.io.format import design_from_dict, design_to_dict


def _image_and_conv(qtbot):
    doc, scene, view = open_view(qtbot, Design())
    image = doc.add_block("image", -150, 0)
    conv = doc.add_block("conv", 150, 0)
    QApplication.processEvents()
    return doc, scene, view, image, conv


def test_every_layer_type_has_an_item_and_dense_keeps_its_frame():
    from nnsim.design.layer_types import TYPES

    assert set(LAYER_ITEMS) == set(TYPES)
    assert LAYER_ITEMS["dense"] is LayerItem
    assert all(issubclass(LAYER_ITEMS[name], BlockItem) for name in ("image", "conv", "maxpool", "avgpool",
                                                                     "flatten", "lstm", "gru", "rnn"))


def test_a_convolution_dropped_from_the_palette_is_a_block_and_undo_takes_it_away(qtbot):
    doc, scene, view = open_view(qtbot, Design())
    assert deliver_drop(view, part_mime("hidden", 1, True, "conv"), QPointF(120, 40))
    (layer,) = doc.design.layers
    assert layer.type == "conv" and (layer.x, layer.y) == (120, 40) and doc.design.neurons == []
    item = scene.block_items[layer.id]
    assert item.pos() == QPointF(120, 40) and item.title == "Convolution"
    assert scene.selected_ids()[1] == [layer.id]
    assert "nothing is linked" in item.problem
    doc.undo_stack.undo()
    assert doc.design.layers == [] and scene.block_items == {}
    doc.undo_stack.redo()
    assert list(scene.block_items) == [layer.id]


def test_dragging_from_a_port_to_a_block_links_them(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    source, target = scene.block_items[image], scene.block_items[conv]
    assert target.problem
    drag(view, source.port_scene_pos(), target.scene_frame().center())
    assert [(k.source, k.target) for k in doc.design.links] == [(image, conv)]
    assert (image, conv) in scene.link_items
    assert target.problem == "" and target.shape_line == "output: 8 × 8×8"
    assert doc.design.layer(conv).arrays["kernel"].shape == (8, 1, 3, 3)
    doc.undo_stack.undo()
    assert doc.design.links == [] and scene.link_items == {} and target.problem
    assert doc.design.layer(conv).arrays == {}


def test_a_link_that_breaks_a_rule_is_refused_with_the_reason(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    doc.link_layers(image, conv)
    second = doc.add_block("image", -150, 200)
    QApplication.processEvents()
    drag(view, scene.block_items[second].port_scene_pos(), scene.block_items[conv].scene_frame().center())
    assert len(doc.design.links) == 1
    assert "already takes its input" in scene.tools.toast.text


def test_a_block_dragged_moves_and_its_link_follows(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    doc.link_layers(image, conv)
    link = scene.link_items[(image, conv)]
    before = link.boundingRect()
    item = scene.block_items[conv]
    start = item.scene_frame().center() + QPointF(0, 4)
    drag(view, start, start + QPointF(60, 90))
    layer = doc.design.layer(conv)
    assert (round(layer.x), round(layer.y)) == (210, 90)
    assert link.boundingRect() != before
    doc.undo_stack.undo()
    assert (layer.x, layer.y) == (150, 0) and scene.block_items[conv].pos() == QPointF(150, 0)


def test_a_selected_link_is_deleted_with_the_delete_key(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    doc.link_layers(image, conv)
    link = scene.link_items[(image, conv)]
    point = link.mapToScene(link._path.pointAtPercent(0.5))
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, vp(view, point))
    assert link.isSelected()
    view.setFocus()
    QTest.keyClick(view, Qt.Key_Delete)
    assert doc.design.links == [] and scene.link_items == {}
    doc.undo_stack.undo()
    assert len(doc.design.links) == 1 and (image, conv) in scene.link_items


def test_a_shape_problem_is_shown_on_the_block_and_its_link(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    doc.set_block(image, height=2, width=2)
    doc.set_block(conv, padding="valid")
    doc.link_layers(image, conv)
    item = scene.block_items[conv]
    assert "kernel 3 does not fit" in item.problem
    assert scene.link_items[(image, conv)].problem
    assert item.shape_line == "output: not known yet"


def test_a_dense_layer_linked_from_a_flatten_gets_its_weights_and_the_file_keeps_it_all(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    flat = doc.add_block("flatten", 400, 0)
    out = doc.add_layer(LayerKind.OUTPUT, 3, 650, 0)
    doc.link_layers(image, conv)
    doc.link_layers(conv, flat)
    drag(view, scene.block_items[flat].port_scene_pos(), scene.layer_items[out].scene_frame().center())
    link = doc.design.links[-1]
    assert (link.source, link.target) == (flat, out) and link.weights.shape == (8 * 8 * 8, 3)
    # One neuron more in the output: the link's weights follow, in the same undo step.
    doc.resize_layer(out, 4)
    assert doc.design.links[-1].weights.shape == (512, 4)
    doc.undo_stack.undo()
    assert doc.design.links[-1].weights.shape == (512, 3)
    again = design_from_dict(design_to_dict(doc.design))
    assert [(k.source, k.target) for k in again.links] == [(k.source, k.target) for k in doc.design.links]
    assert [(lay.type, lay.x, lay.y, lay.options) for lay in again.layers] == [
        (lay.type, lay.x, lay.y, lay.options) for lay in doc.design.layers]
    assert again.links[-1].weights == doc.design.links[-1].weights
    doc.replace(again)
    assert set(scene.block_items) == {image, conv, flat} and len(scene.link_items) == 3


def _click(view, scene_pos, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifiers, vp(view, scene_pos))


def _header(item) -> QPointF:
    return item.mapToScene(item.frame.topLeft()) + QPointF(30, 10)


def test_copy_and_paste_blocks_with_their_settings_arrays_and_links(qtbot):
    import numpy as np

    import nnsim
    from nnsim.app.canvas.selection import fragment_from_json, fragment_to_json
    from nnsim.design import recipes

    doc, scene, view = open_view(qtbot, nnsim.example("digits-cnn"), size=(1300, 700))
    d = doc.design
    conv, pool = (next(layer for layer in d.layers if layer.type == t) for t in ("conv", "maxpool"))
    view.centerOn(scene.block_items[conv.id])
    QApplication.processEvents()
    _click(view, _header(scene.block_items[conv.id]))
    _click(view, _header(scene.block_items[pool.id]), Qt.KeyboardModifier.ControlModifier)
    assert sorted(scene.selected_ids()[1]) == sorted([conv.id, pool.id])
    layers_before = len(d.layers)
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view.viewport(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(d.layers) == layers_before + 2 and doc.undo_stack.count() == 1
    new_conv, new_pool = d.layers[-2:]
    assert (new_conv.type, new_pool.type) == ("conv", "maxpool")
    assert new_conv.name == "conv copy" and new_conv.options == conv.options
    assert np.array_equal(new_conv.arrays["kernel"].values, conv.arrays["kernel"].values)
    assert np.array_equal(new_conv.arrays["bias"].values, conv.arrays["bias"].values)
    assert (new_conv.id, new_pool.id) in {(k.source, k.target) for k in d.links}  # the link between them too
    assert sorted(scene.selected_ids()[1]) == sorted([new_conv.id, new_pool.id])
    assert set(scene.block_items) >= {new_conv.id, new_pool.id}
    # Linked from the image, the copy keeps its kernels: their shape fits.
    image = d.layers[0]
    doc.link_layers(image.id, new_conv.id)
    assert np.array_equal(d.layer(new_conv.id).arrays["kernel"].values, conv.arrays["kernel"].values)
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert len(d.layers) == layers_before and set(scene.block_items) == {layer.id for layer in d.layers
                                                                        if layer.type != "dense"}
    doc.undo_stack.redo()
    assert len(d.layers) == layers_before + 2

    # Duplicate (Ctrl+D) an LSTM with a learned start: its arrays come along.
    lstm_design = nnsim.example("temporal-order-lstm")
    doc, scene, view = open_view(qtbot, lstm_design)
    lstm = next(layer for layer in doc.design.layers if layer.type == "lstm")
    doc.set_block(lstm.id, initial_state="learned")
    view.centerOn(scene.block_items[lstm.id])
    QApplication.processEvents()
    _click(view, _header(scene.block_items[lstm.id]))
    view.setFocus()
    QTest.keyClick(view.viewport(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    copy = doc.design.layers[-1]
    assert copy.type == "lstm" and copy.options["initial_state"] == "learned"
    assert set(copy.arrays) == {"weight", "bias", "initial"}
    assert (copy.x, copy.y) == (lstm.x + 40, lstm.y + 40)

    # The clipboard's text reads back as the same fragment, and a damaged one is refused.
    frag = recipes.fragment(doc.design, [], [lstm.id])
    text = fragment_to_json(frag)
    back = fragment_from_json(text)
    assert back["blocks"] == frag["blocks"] and back["links"] == []
    assert fragment_from_json(text.replace('"cells": 4', '"cells": -4')) is None


def test_arrange_lines_blocks_up_in_link_order_with_room_for_them(qtbot):
    doc, scene, view = open_view(qtbot, Design())
    out = doc.add_layer(LayerKind.OUTPUT, 2, -400, 300)
    flat = doc.add_block("flatten", 50, -200)
    image = doc.add_block("image", 300, 100)
    doc.link_layers(image, flat)
    doc.link_layers(flat, out)
    doc.arrange()
    xs = {lid: doc.design.layer(lid).x for lid in (image, flat)}
    out_x = doc.design.neurons_of(out)[0].x
    assert xs[image] < xs[flat] < out_x and xs[flat] - xs[image] >= 220
    assert scene.block_items[flat].pos().x() == xs[flat]
    doc.undo_stack.undo()
    assert doc.design.layer(flat).x == 50


def test_a_selected_block_deleted_takes_its_links_and_undo_brings_them_back(qtbot):
    doc, scene, view, image, conv = _image_and_conv(qtbot)
    flat = doc.add_block("flatten", 400, 0)
    doc.link_layers(image, conv)
    doc.link_layers(conv, flat)
    item = scene.block_items[conv]
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, vp(view, item.scene_frame().center()))
    assert scene.selected_ids()[1] == [conv]
    view.setFocus()
    QTest.keyClick(view, Qt.Key_Delete)
    assert conv not in scene.block_items and doc.design.links == [] and scene.link_items == {}
    assert "nothing is linked" in scene.block_items[flat].problem
    doc.undo_stack.undo()
    assert set(scene.link_items) == {(image, conv), (conv, flat)}
    assert scene.block_items[flat].problem == ""


def test_recurrent_blocks_are_drawn_as_blocks_with_their_options(qtbot):
    from nnsim.app.canvas.blocks import options_line

    doc, scene, view = open_view(qtbot, Design())
    lstm = doc.add_block("lstm", 0, 0)
    item = scene.block_items[lstm]
    assert isinstance(item, BlockItem) and item.title == "LSTM"
    assert options_line(doc.design.layer(lstm)) == "8 cells, forget gate's starting bias 1"
    assert "nothing is linked" in item.problem
