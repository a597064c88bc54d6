"""A convolutional network built and trained in the window with the mouse:
a convolution dragged from the palette, linked by dragging from ports, trained,
and its feature maps and kernels seen changing on the canvas; hovering a map
shows it large with its kernel and the pixels of the input it looks at."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnsim.design.build import add_block, add_layer, initialize, link
from nnsim.design.model import Activation, DatasetSpec, Design, LayerKind, Loss, Optimizer, TrainingSettings

WAIT = 20_000


def _design() -> Design:
    """An image input and a flatten feeding ten softmax outputs: no convolution yet."""
    d = Design(name="cnn test")
    image = add_block(d, "image", LayerKind.INPUT, name="image")
    image.x, image.y = -300.0, 0.0
    flat = add_block(d, "flatten", name="flatten")
    flat.x, flat.y = 250.0, 0.0
    out = add_layer(d, LayerKind.OUTPUT, 10, Activation.SOFTMAX, name="output", x=480)
    link(d, flat.id, out.id)
    d.dataset = DatasetSpec(source="digits", seed=0)
    d.training = TrainingSettings(learning_rate=0.01, batch_size=32, optimizer=Optimizer.ADAM,
                                  loss=Loss.SOFTMAX_CROSS_ENTROPY, epochs=5, seed=0)
    initialize(d, np.random.default_rng(0))
    return d


def _pixels(images) -> list[bytes]:
    return [bytes(img.constBits()) for img in images]


def _drag_part(window, part, monkeypatch) -> object:
    """A real mouse drag on a palette part; returns the QDrag's mime data."""
    dragged = []
    monkeypatch.setattr(QDrag, "exec", lambda drag, *a, **k: dragged.append(drag.mimeData()) or Qt.CopyAction)
    start = part.rect().center()
    QTest.mousePress(part, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for dx in (4, 12, 30):
        QTest.mouseMove(part, start + QPoint(dx, 0))
    QTest.mouseRelease(part, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(30, 0))
    assert len(dragged) == 1
    return dragged[0]


def _drop(view, mime, scene_pos: QPointF) -> None:
    p = QPointF(view.mapFromScene(scene_pos))
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (QDragEnterEvent(p.toPoint(), copy, mime, left, none),
                  QDragMoveEvent(p.toPoint(), copy, mime, left, none), QDropEvent(p, copy, mime, left, none)):
        QApplication.sendEvent(view.viewport(), event)


def _mouse_drag(view, start: QPointF, end: QPointF) -> None:
    w = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, a)
    for i in range(1, 9):
        p = a + (b - a) * (i / 8)
        QTest.mouseMove(w, QPoint(round(p.x()), round(p.y())))
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, b)
    QApplication.processEvents()


def test_drag_a_convolution_in_link_it_train_and_see_its_maps_change(make_window, qtbot, monkeypatch, tmp_path):
    window, _ = make_window()
    window.resize(1366, 768)
    window.show()
    window.document.replace(_design())
    window.show_canvas()
    view, scene, doc = window.canvas, window.scene, window.document
    view.zoom_reset()
    view.centerOn(QPointF(0, 0))
    QApplication.processEvents()

    mime = _drag_part(window, window.palette.block_parts["conv"], monkeypatch)
    _drop(view, mime, QPointF(-20, 0))
    conv = doc.design.layers[-1]
    assert conv.type == "conv" and conv.id in scene.block_items
    image, flat = doc.design.layers[0].id, doc.design.layers[1].id
    _mouse_drag(view, scene.block_items[image].port_scene_pos(), scene.block_items[conv.id].scene_frame().center())
    _mouse_drag(view, scene.block_items[conv.id].port_scene_pos(), scene.block_items[flat].scene_frame().center())
    assert {(k.source, k.target) for k in doc.design.links} >= {(image, conv.id), (conv.id, flat)}
    assert doc.design.links[0].weights.shape == (8 * 8 * 8, 10)  # the flatten now carries 8 maps of 8×8

    c = window.training.controller
    qtbot.waitUntil(lambda: c.heavy is not None and bool(c.heavy.block_maps), timeout=WAIT)
    item = scene.block_items[conv.id]
    qtbot.waitUntil(lambda: len(item.maps) == 8 and len(item.kernels) == 8, timeout=WAIT)
    maps, kernels = _pixels(item.maps), _pixels(item.kernels)
    assert len(scene.block_items[image].maps) == 1  # the sample itself

    before = [k.weights for k in doc.design.links if k.weights is not None]
    c.play()
    qtbot.waitUntil(lambda: c.epoch >= 2, timeout=WAIT)
    c.pause()
    qtbot.waitUntil(lambda: c.latest is not None and c.latest.final and not c.latest.running, timeout=WAIT)
    qtbot.waitUntil(lambda: _pixels(item.kernels) != kernels, timeout=WAIT)
    assert _pixels(item.maps) != maps
    assert c.history[-1].test_accuracy > 0.5

    # Hover a map: it shows large with its kernel; a value under the pointer marks the input's pixels.
    rect = item.tile_rects("maps")[3]
    QTest.mouseMove(view.viewport(), view.mapFromScene(item.mapToScene(rect.center())))
    assert item.focus_map == 3
    big = item._big_rect()
    QTest.mouseMove(view.viewport(), view.mapFromScene(item.mapToScene(QPointF(big.left() + 1, big.top() + 1))))
    assert item._focus_pixel == (0, 0)
    assert scene.block_items[image].field == (0, 0, 1, 1)  # a 3×3 kernel, "same": one pixel of padding

    # Saved and opened again, the trained network is all there: the link's trained weights too.
    window.training.sync_to_document()
    assert [k.weights for k in doc.design.links if k.weights is not None] != before
    path = tmp_path / "cnn.nnsim"
    from nnsim.io import load, save

    save(doc.design, path)
    again = load(path)
    assert [k.weights == j.weights for k, j in zip(again.links, doc.design.links)] == [True] * len(again.links)
    assert again.layer(conv.id).arrays["kernel"] == doc.design.layer(conv.id).arrays["kernel"]
