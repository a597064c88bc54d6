"""Helpers for the canvas tests: a shown view on a document, real mouse
drags on the viewport, palette drops delivered as drag-and-drop events."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnsim.app.canvas import CanvasScene, CanvasView
from nnsim.app.canvas.bundles import BundleItem
from nnsim.app.canvas.frames import LayerItem
from nnsim.app.canvas.items import NeuronItem
from nnsim.app.document import Document
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, Design

import numpy as np


def small_design(sizes=(2, 3, 1)) -> Design:
    d = layered(list(sizes), output=Activation.SIGMOID)
    initialize(d, np.random.default_rng(1))
    return d


def open_view(qtbot, design: Design | None = None, size=(1000, 700)):
    doc = Document(design if design is not None else small_design())
    scene = CanvasScene(doc)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_reset()
    rect = scene.content_rect()
    view.centerOn(rect.center() if not rect.isEmpty() else QPointF(0, 0))
    QApplication.processEvents()
    return doc, scene, view


def vp(view, scene_pos) -> QPoint:
    return view.mapFromScene(QPointF(scene_pos))


def drag(view, start, end, steps: int = 8, modifiers=Qt.NoModifier, button=Qt.LeftButton) -> None:
    """Press at ``start``, move in steps, release at ``end`` (scene coordinates)."""
    w = view.viewport()
    a, b = vp(view, start), vp(view, end)
    QTest.mousePress(w, button, modifiers, a)
    for i in range(1, steps + 1):
        p = a + (b - a) * (i / steps)
        QTest.mouseMove(w, QPoint(round(p.x()), round(p.y())))
        QApplication.processEvents()
    QTest.mouseRelease(w, button, modifiers, b)
    QApplication.processEvents()


def deliver_drop(view, mime, scene_pos) -> bool:
    """What a QDrag from the palette delivers to the canvas viewport."""
    w = view.viewport()
    p = QPointF(vp(view, scene_pos))
    enter = QDragEnterEvent(p.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(w, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(p.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(w, move)
    drop = QDropEvent(p, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(w, drop)
    QApplication.processEvents()
    return drop.isAccepted()


def structure(design: Design):
    """What the scene must mirror: neurons, layers, connection counts per layer pair."""
    layer_of = {n.id: n.layer for n in design.neurons}
    counts: dict = {}
    for c in design.connections:
        key = (layer_of[c.source], layer_of[c.target])
        counts[key] = counts.get(key, 0) + 1
    return {n.id for n in design.neurons}, {lay.id for lay in design.layers}, counts


def assert_mirrors(scene, design: Design) -> None:
    neurons, layers, counts = structure(design)
    assert set(scene.neuron_items) == neurons
    assert set(scene.layer_items) == layers
    assert scene.connection_counts() == counts
    assert set(scene.bundle_items) == set(counts)
    for n in design.neurons:
        item = scene.neuron_items[n.id]
        assert item.parentItem() is scene.layer_items[n.layer]
        p = item.scenePos()
        assert abs(p.x() - n.x) < 1e-6 and abs(p.y() - n.y) < 1e-6
    # the connection table's weights and frozen flags match the design
    for c in design.connections[:: max(1, len(design.connections) // 50)]:
        w, f = scene.weight_of((c.source, c.target))
        assert w == c.weight and f == c.frozen
    # items in the scene are exactly those in the dictionaries
    live = scene.items()
    assert sum(isinstance(i, NeuronItem) for i in live) == len(neurons)
    assert sum(isinstance(i, LayerItem) for i in live) == len(layers)
    assert sum(isinstance(i, BundleItem) for i in live) == len(counts)
