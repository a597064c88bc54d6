"""Selection commands, context menus, the frame's buttons, exports, and the
hooks the training views use."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

import nnsim
from canvas_testkit import assert_mirrors, drag, open_view
from nnsim.app.canvas.selection import fragment_from_json, fragment_to_json
from nnsim.design import recipes
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, LayerKind
from nnsim.engine.params import Parameters


def _hidden(doc):
    return [lay for lay in doc.design.layers if lay.kind == LayerKind.HIDDEN][0]


def _find(menu, text):
    for act in menu.actions():
        if act.text() == text:
            return act
        if act.menu() is not None:
            found = _find(act.menu(), text)
            if found is not None:
                return found
    return None


def _action(menu, text):
    found = _find(menu, text)
    if found is not None:
        return found
    raise AssertionError(f"no action {text!r} in {[a.text() for a in menu.actions()]}")


def _mid(doc, c):
    s, t = doc.index.neuron(c.source), doc.index.neuron(c.target)
    return QPointF((s.x + t.x) / 2, (s.y + t.y) / 2)


def test_copy_paste_duplicates_with_new_ids(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _hidden(doc)
    before_ids = {n.id for n in doc.design.neurons}
    scene.select(layers=[hidden.id])
    assert scene.copy_selection()
    new = scene.paste()
    assert len(new) == 3 and not set(new) & before_ids
    copies = [doc.index.neuron(i) for i in new]
    originals = doc.design.neurons_of(hidden.id)
    assert [(c.x - o.x, c.y - o.y) for c, o in zip(copies, originals)] == [(40.0, 40.0)] * 3
    assert [c.bias for c in copies] == [o.bias for o in originals]
    assert scene.selected_ids()[0] == sorted(new)
    assert doc.undo_stack.count() == 1
    assert_mirrors(scene, doc.design)
    QTest.keyClick(view, Qt.Key_D, Qt.ControlModifier)  # duplicate the pasted copy
    assert len(doc.design.neurons) == len(before_ids) + 6
    assert_mirrors(scene, doc.design)


def test_cut_removes_and_paste_at_a_point(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _hidden(doc)
    scene.select(layers=[hidden.id])
    scene.cut_selection()
    assert hidden.id not in {lay.id for lay in doc.design.layers}
    new = scene.paste(QPointF(1000, 1000))
    xs = [doc.index.neuron(i).x for i in new]
    ys = [doc.index.neuron(i).y for i in new]
    assert (min(xs) + max(xs)) / 2 == 1000 and (min(ys) + max(ys)) / 2 == 1000
    assert_mirrors(scene, doc.design)


def test_fragment_json_round_trip():
    d = nnsim.example("xor-mlp")
    frag = recipes.fragment(d, [n.id for n in d.neurons])
    back = fragment_from_json(fragment_to_json(frag))
    assert back == frag
    assert fragment_from_json("{}") is None
    assert fragment_from_json("not json") is None


def test_freeze_via_context_action(qtbot):
    doc, scene, view = open_view(qtbot)
    c = doc.design.connections[0]
    menu = scene.tools.context_menu(_mid(doc, c), view)
    _action(menu, "Freeze connection").trigger()
    assert doc.design.connection(c.source, c.target).frozen
    assert scene.weight_of((c.source, c.target))[1]
    menu = scene.tools.context_menu(_mid(doc, c), view)
    _action(menu, "Unfreeze connection").trigger()
    assert not doc.design.connection(c.source, c.target).frozen
    _action(scene.tools.context_menu(_mid(doc, c), view), "Delete connection").trigger()
    assert doc.design.connection(c.source, c.target) is None
    assert_mirrors(scene, doc.design)


def test_freeze_selection_freezes_connections_into_selected_neurons(qtbot):
    doc, scene, view = open_view(qtbot)
    out = [lay for lay in doc.design.layers if lay.kind == LayerKind.OUTPUT][0]
    scene.select(layers=[out.id])
    scene.freeze_selection(True)
    (o,) = doc.design.neurons_of(out.id)
    assert all(c.frozen == (c.target == o.id) for c in doc.design.connections)
    doc.undo_stack.undo()
    assert not any(c.frozen for c in doc.design.connections)


def test_neuron_menu(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _hidden(doc)
    n = doc.design.neurons_of(hidden.id)[0]
    menu = scene.tools.context_menu(QPointF(n.x, n.y), view)
    _action(menu, "relu").trigger()
    assert doc.index.neuron(n.id).activation == Activation.RELU
    assert scene.neuron_items[n.id].text == "ReLU"
    _action(scene.tools.context_menu(QPointF(n.x, n.y), view), f"Add neuron to '{hidden.name}'").trigger()
    assert len(doc.design.neurons_of(hidden.id)) == 4
    _action(scene.tools.context_menu(QPointF(n.x, n.y), view), "Delete neuron").trigger()
    assert n.id not in {m.id for m in doc.design.neurons}
    assert_mirrors(scene, doc.design)


def test_layer_menu_and_frame_buttons(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = _hidden(doc)
    item = scene.layer_items[hidden.id]
    inside = QPointF(item.scene_frame().center().x(), item.scene_frame().top() + 4)
    _action(scene.tools.context_menu(inside, view), "Add neuron").trigger()
    assert len(doc.design.neurons_of(hidden.id)) == 4
    _action(scene.tools.context_menu(inside, view), "Remove last neuron").trigger()
    assert len(doc.design.neurons_of(hidden.id)) == 3
    # the frame's "+" and "-" buttons, clicked with the mouse
    minus, plus = item._buttons()
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(item.mapToScene(plus.center())))
    assert len(doc.design.neurons_of(hidden.id)) == 4
    assert_mirrors(scene, doc.design)
    minus, plus = item._buttons()
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, view.mapFromScene(item.mapToScene(minus.center())))
    assert len(doc.design.neurons_of(hidden.id)) == 3
    assert_mirrors(scene, doc.design)
    _action(scene.tools.context_menu(inside, view), "Delete layer").trigger()
    assert hidden.id not in {lay.id for lay in doc.design.layers}
    assert_mirrors(scene, doc.design)


def test_connect_all_from_layer_menu(qtbot):
    doc, scene, view = open_view(qtbot)
    inp = [lay for lay in doc.design.layers if lay.kind == LayerKind.INPUT][0]
    out = [lay for lay in doc.design.layers if lay.kind == LayerKind.OUTPUT][0]
    item = scene.layer_items[inp.id]
    inside = QPointF(item.scene_frame().center().x(), item.scene_frame().top() + 4)
    _action(scene.tools.context_menu(inside, view), f"'{out.name}'").trigger()
    assert all(doc.design.connection(s.id, t.id) for s in doc.design.neurons_of(inp.id)
               for t in doc.design.neurons_of(out.id))
    assert_mirrors(scene, doc.design)


def test_canvas_menu(qtbot):
    doc, scene, view = open_view(qtbot)
    at = QPointF(900, 900)
    _action(scene.tools.context_menu(at, view), "Hidden layer (4 neurons)").trigger()
    new = doc.design.layers[-1]
    assert len(doc.design.neurons_of(new.id)) == 4
    _action(scene.tools.context_menu(at + QPointF(500, 0), view), "Select all").trigger()
    assert len(scene.selected_ids()[0]) == len(doc.design.neurons)
    _action(scene.tools.context_menu(at + QPointF(500, 0), view), "Arrange layers").trigger()
    assert_mirrors(scene, doc.design)


def test_exports_write_files(qtbot, tmp_path):
    doc, scene, view = open_view(qtbot)
    doc.replace(nnsim.example("iris"))
    scene.select(neurons=[doc.design.neurons[0].id])
    png, svg = tmp_path / "net.png", tmp_path / "net.svg"
    assert view.export_png(png)
    assert view.export_svg(svg)
    img = QImage(str(png))
    assert img.width() > 200 and img.height() > 200
    text = svg.read_text()
    assert "<svg" in text and "<path" in text and "<image" not in text
    assert scene.selected_ids()[0] == [doc.design.neurons[0].id]


def test_live_weights_recolour_without_touching_the_design(qtbot):
    doc, scene, view = open_view(qtbot)
    weights = np.array([c.weight for c in doc.design.connections])
    live = compile_design(doc.design).network.parameters.copy()  # a network's named arrays
    live.flat *= -10
    scene.set_live_parameters(live)
    c = doc.design.connections[0]
    assert scene.weight_of((c.source, c.target))[0] == -c.weight * 10
    assert [x.weight for x in doc.design.connections] == weights.tolist()
    assert doc.undo_stack.count() == 0
    scene.set_live_parameters(None)
    assert scene.weight_of((c.source, c.target))[0] == c.weight
    scene.set_live_parameters(Parameters.of([np.zeros(3)]))  # another network's arrays: ignored
    assert scene.weight_of((c.source, c.target))[0] == c.weight


def test_live_biases_show_in_the_readouts_from_the_named_arrays(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = doc.design.neurons_of(_hidden(doc).id)
    doc.set_numbers([c.weight for c in doc.design.connections],
                    [0.25 * k for k in range(len(doc.design.neurons))], "Numbers")
    live = compile_design(doc.design).network.parameters.copy()
    name, (col,) = scene.parameter_map().bias(hidden[1].id)
    live[name][col] = -3.5
    scene.set_live_parameters(live)
    assert scene.neuron_items[hidden[1].id].readout == "b -3.5"
    assert scene.neuron_items[hidden[0].id].readout == f"b {0.25 * doc.design.neurons.index(hidden[0]):g}"
    scene.set_live_parameters(None)
    assert scene.neuron_items[hidden[1].id].readout == f"b {0.25 * doc.design.neurons.index(hidden[1]):g}"


def test_thumbnails_values_and_highlight(qtbot):
    doc, scene, view = open_view(qtbot)
    hid = doc.design.neurons_of(_hidden(doc).id)
    img = QImage(16, 16, QImage.Format_RGB32)
    img.fill(QColor("#ff8800"))
    scene.set_neuron_thumbnails({n.id: img for n in hid})
    assert all(scene.neuron_items[n.id].thumbnail is img for n in hid)
    scene.set_neuron_values({hid[0].id: 0.75})
    assert scene.neuron_items[hid[0].id].value == 0.75
    c = doc.design.connections[0]
    scene.highlight([hid[1].id], [(c.source, c.target)])
    assert scene.neuron_items[hid[1].id].highlighted and not scene.highlight_overlay.is_empty()
    view.grab()  # paints with all of them
    scene.set_neuron_thumbnails(None)
    scene.set_neuron_values(None)
    scene.highlight()
    assert scene.highlight_overlay.is_empty() and not scene.neuron_items[hid[1].id].highlighted
    assert all(item.thumbnail is None and item.value is None for item in scene.neuron_items.values())


def test_dragging_in_a_big_design_keeps_bundles_consistent(qtbot):
    from nnsim.design.build import initialize, layered

    d = layered([30, 80, 80, 5])
    initialize(d, np.random.default_rng(0))
    doc, scene, view = open_view(qtbot, d)
    n = doc.design.neurons_of(doc.design.layers[1].id)[10]
    x0, y0 = n.x, n.y
    view.centerOn(x0, y0)
    drag(view, QPointF(x0, y0), QPointF(x0 + 20, y0 + 7))
    assert abs(n.x - x0 - 20) <= 2 and abs(n.y - y0 - 7) <= 2
    assert not any(b.dragging for b in scene.bundle_items.values())
    assert scene.drag_overlay.is_empty()
    assert_mirrors(scene, doc.design)


@pytest.mark.parametrize("example", ["temporal-xor-rnn", "gan-ring"])
def test_a_fragment_keeps_its_loops_and_its_groups_through_the_clipboard(example):
    d = nnsim.example(example)
    frag = recipes.fragment(d, [n.id for n in d.neurons])
    assert any(c.delay for c in frag["connections"]) or {lay.group for lay in frag["layers"]} != {""}
    assert fragment_from_json(fragment_to_json(frag)) == frag


def test_a_fragment_with_a_delay_or_group_that_is_not_one_is_not_pasted():
    d = nnsim.example("temporal-xor-rnn")
    text = fragment_to_json(recipes.fragment(d, [n.id for n in d.neurons]))
    assert fragment_from_json(text.replace('"delay": 1', '"delay": -1', 1)) is None
    assert fragment_from_json(text.replace('"delay": 1', '"delay": 1.5', 1)) is None
    assert fragment_from_json(text.replace('"group": ""', '"group": 3', 1)) is None
