"""A GAN's two networks are framed and labelled on the canvas; the frames
follow the layers when a layer is dragged with the mouse, and a design of
one network has none."""

from __future__ import annotations

from canvas_testkit import drag, open_view
from PySide6.QtCore import QPointF

import nnsim
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR


def layers_rect(scene, group):
    rect = None
    for layer in scene.design.layers:
        if layer.group == group:
            r = scene.layer_items[layer.id].sceneBoundingRect()
            rect = r if rect is None else rect.united(r)
    return rect


def test_each_group_is_framed_around_its_layers_and_named(qtbot):
    doc, scene, view = open_view(qtbot, nnsim.example("gan-ring"))
    frames = scene.group_frames.items
    assert set(frames) == {GENERATOR, DISCRIMINATOR}
    assert frames[GENERATOR].title == "Generator" and frames[DISCRIMINATOR].title == "Discriminator"
    for group, frame in frames.items():
        assert frame.rect.contains(layers_rect(scene, group))
    assert not frames[GENERATOR].rect.intersects(frames[DISCRIMINATOR].rect)


def test_the_frame_follows_a_dragged_layer(qtbot):
    doc, scene, view = open_view(qtbot, nnsim.example("gan-ring"))
    frame = scene.group_frames.items[DISCRIMINATOR]
    before = frame.rect
    out = next(layer for layer in doc.design.layers if layer.group == DISCRIMINATOR and layer.kind.value == "output")
    neuron = scene.neuron_items[doc.design.neurons_of(out.id)[0].id]
    start = neuron.scenePos()
    drag(view, start, start + QPointF(0, 300))
    moved = scene.neuron_items[doc.design.neurons_of(out.id)[0].id].sceneBoundingRect()
    assert moved.bottom() > before.bottom()  # out of the old frame
    assert frame.rect.contains(moved) and frame.rect.bottom() > before.bottom()
    assert frame.rect.contains(layers_rect(scene, DISCRIMINATOR))
    doc.undo()
    assert abs(frame.rect.bottom() - before.bottom()) < 1


def test_one_network_has_no_group_frames(qtbot):
    doc, scene, view = open_view(qtbot, nnsim.example("xor-mlp"))
    assert scene.group_frames.items == {}
