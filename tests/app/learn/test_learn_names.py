"""Every place that names a neuron uses the one scheme of nnsim.design.names:
the canvas tooltip and the inspector (reached with the mouse), the
step-through and the loss-landscape choosers."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import nnsim
from nnsim.design.model import LayerKind


def _tooltip(view, scene_pos: QPointF) -> str:
    """What the canvas says when the mouse rests at ``scene_pos`` (what its help event shows)."""
    QTest.mouseMove(view.viewport(), view.mapFromScene(scene_pos))
    return view.scene().tooltip_at(scene_pos, view.transform().m11())


def test_one_name_for_a_neuron_everywhere(learn_window, qtbot):
    window, mode = learn_window
    window.files.open_example(str(nnsim.resources.example_path("xor-mlp")))
    d = window.document.design
    hidden = d.neurons_of(d.layers_of_kind(LayerKind.HIDDEN)[0].id)[1]
    output = d.neurons_of(d.layers_of_kind(LayerKind.OUTPUT)[0].id)[0]
    name, out_name = "hidden 1 neuron 2", "output neuron 1"
    view, scene = window.canvas, window.scene
    QApplication.processEvents()

    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.mapFromScene(QPointF(hidden.x, hidden.y)))
    assert window.inspector.title.text() == name
    assert _tooltip(view, QPointF(hidden.x, hidden.y)).splitlines()[0] == name
    middle = QPointF((hidden.x + output.x) / 2, (hidden.y + output.y) / 2)
    assert scene.connection_at(middle, view.transform().m11()) == (hidden.id, output.id)
    assert f"{name} → {out_name}" in _tooltip(view, middle)
    window.scene.select(connections=[(hidden.id, output.id)])
    assert window.inspector.subtitle.text() == f"{name} → {out_name}"

    mode.show("step_through")
    panel = mode.step_through
    panel.choose_sample(1)
    while panel.walk.frames[panel.index].neuron != hidden.id:
        panel.go(panel.index + 1)
    assert name in panel.text.toPlainText()
    assert panel.walk.names[hidden.id] == name

    mode.show("landscape")
    box = mode.landscape.x_box
    items = [box.itemText(i) for i in range(box.count())]
    assert f"bias of {name}" in items
    assert f"weight {name} → {out_name}" in items
    QTest.mouseMove(view.viewport(), QPoint(1, 1))
