"""Parts dragged from the palette onto the canvas."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPointF
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QLabel

from canvas_testkit import assert_mirrors, deliver_drop, open_view
from nnsim.app.canvas import PART_MIME, part_from_mime, part_mime
from nnsim.design.model import LayerKind


class PaletteLikeSource(QLabel):
    """What a palette button does on a drag: a QDrag carrying the part."""

    def __init__(self, kind: str, size: int):
        super().__init__(f"{kind} x{size}")
        self.kind, self.size = kind, size

    def make_drag(self) -> QDrag:
        drag = QDrag(self)
        drag.setMimeData(part_mime(self.kind, self.size))
        return drag


def test_part_mime_round_trip():
    mime = part_mime("hidden", 4)
    assert json.loads(bytes(mime.data(PART_MIME).data())) == {"kind": "hidden", "size": 4}
    assert part_from_mime(mime) == (LayerKind.HIDDEN, 4, False, "")
    bad = QMimeData()
    bad.setData(PART_MIME, b'{"kind": "nonsense", "size": 1}')
    assert part_from_mime(bad) is None
    bad.setData(PART_MIME, b'{"kind": "input", "size": 0}')
    assert part_from_mime(bad) is None


def test_drop_single_neuron_on_empty_canvas_makes_a_layer(qtbot):
    doc, scene, view = open_view(qtbot)
    source = PaletteLikeSource("hidden", 1)
    qtbot.addWidget(source)
    layers = len(doc.design.layers)
    assert deliver_drop(view, source.make_drag().mimeData(), QPointF(500, 250))
    assert len(doc.design.layers) == layers + 1
    new = doc.design.layers[-1]
    (n,) = doc.design.neurons_of(new.id)
    assert new.kind == LayerKind.HIDDEN and (n.x, n.y) == (500, 250)
    assert scene.selected_ids()[1] == [new.id]
    assert_mirrors(scene, doc.design)


def test_drop_whole_layer(qtbot):
    doc, scene, view = open_view(qtbot)
    assert deliver_drop(view, part_mime("output", 3), QPointF(600, 0))
    new = doc.design.layers[-1]
    assert new.kind == LayerKind.OUTPUT and len(doc.design.neurons_of(new.id)) == 3
    assert doc.undo_stack.count() == 1
    assert_mirrors(scene, doc.design)


def test_drop_near_a_layer_joins_it(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = [lay for lay in doc.design.layers if lay.kind == LayerKind.HIDDEN][0]
    frame = scene.layer_items[hidden.id].scene_frame()
    count = len(doc.design.neurons_of(hidden.id))
    # just outside the frame's lower edge: "near" counts
    assert deliver_drop(view, part_mime("hidden", 1), QPointF(frame.center().x() + 5, frame.bottom() + 20))
    assert len(doc.design.layers) == 3
    members = doc.design.neurons_of(hidden.id)
    assert len(members) == count + 1
    assert members[-1].x == members[0].x  # joined the column
    assert_mirrors(scene, doc.design)
    doc.undo_stack.undo()
    assert len(doc.design.neurons_of(hidden.id)) == count


def test_drop_on_a_layer_of_another_kind_is_refused(qtbot):
    doc, scene, view = open_view(qtbot)
    inp = [lay for lay in doc.design.layers if lay.kind == LayerKind.INPUT][0]
    center = scene.layer_items[inp.id].scene_frame().center()
    with qtbot.waitSignal(scene.message) as blocker:
        assert not deliver_drop(view, part_mime("output", 1), center)
    assert "cannot join" in blocker.args[0]
    assert doc.undo_stack.count() == 0
    assert scene.tools.toast.isVisible()


def test_drag_over_marks_the_layer_it_would_join(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = [lay for lay in doc.design.layers if lay.kind == LayerKind.HIDDEN][0]
    item = scene.layer_items[hidden.id]
    scene.tools.drag_part(part_mime("hidden", 1), item.scene_frame().center())
    assert item.drop_state is True
    scene.tools.drag_part(part_mime("hidden", 1), QPointF(2000, 2000))
    assert item.drop_state is None


def test_other_mime_data_is_not_accepted(qtbot):
    doc, scene, view = open_view(qtbot)
    mime = QMimeData()
    mime.setText("hello")
    assert not deliver_drop(view, mime, QPointF(0, 0))
    assert doc.undo_stack.count() == 0


def _overlapping(design, layer_id) -> list:
    ys = sorted(n.y for n in design.neurons_of(layer_id))
    return [(a, b) for a, b in zip(ys, ys[1:]) if b - a < 2 * 18]  # neurons drawn 18 px in radius


def test_a_neuron_dropped_on_a_neuron_of_a_layer_lands_beside_it(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = [lay for lay in doc.design.layers if lay.kind == LayerKind.HIDDEN][0]
    members = doc.design.neurons_of(hidden.id)
    for target in (members[1], members[0], members[-1]):
        assert deliver_drop(view, part_mime("hidden", 1), QPointF(target.x + 3, target.y - 4))
        assert not _overlapping(doc.design, hidden.id)
    new = doc.design.neurons_of(hidden.id)[-1]
    assert abs(new.y - (members[-1].y - 4)) <= 2 * 60  # the nearest free place to where it was dropped
    assert_mirrors(scene, doc.design)


def test_a_layer_part_of_one_neuron_makes_a_new_layer_even_over_a_layer(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = [lay for lay in doc.design.layers if lay.kind == LayerKind.HIDDEN][0]
    count = len(doc.design.neurons_of(hidden.id))
    frame = scene.layer_items[hidden.id].scene_frame()
    assert deliver_drop(view, part_mime("hidden", 1, layer=True), QPointF(frame.center().x(), frame.bottom() + 20))
    assert len(doc.design.layers) == 4 and len(doc.design.neurons_of(hidden.id)) == count
