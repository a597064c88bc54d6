"""Level of detail, keyboard commands, hover, and the drawing helpers."""

from __future__ import annotations

import numpy as np
import pytest
from canvas_testkit import assert_mirrors, drag, open_view
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsItem

from nnsim.app.canvas import style as S
from nnsim.app.canvas.bundles import bucket_paths
from nnsim.app.canvas.connections import ConnectionTable, nearest_segment
from nnsim.design.build import initialize, layered


def big_design():
    d = layered([40, 120, 120, 4])
    initialize(d, np.random.default_rng(2))
    return d


def test_zoomed_out_neurons_become_dots_and_stay_selectable(qtbot):
    doc, scene, view = open_view(qtbot, big_design())
    view.fit_all()
    while view.zoom >= 0.22:  # wide layers wrap into columns: a fitted view is not that far out
        QTest.keyClick(view, Qt.Key_Minus, Qt.ControlModifier)
    assert all(item.flags() & QGraphicsItem.ItemHasNoContents for item in scene.neuron_items.values())
    assert all(layer.dots for layer in scene.layer_items.values())
    view.grab()
    # a rubber band around the first layer still selects its neurons
    frame = scene.layer_items[doc.design.layers[0].id].scene_frame()
    drag(view, frame.topLeft() - QPointF(80, 80), frame.bottomRight() + QPointF(80, 80))
    neurons, layers, _ = scene.selected_ids()
    assert len(neurons) == 40 and layers == [doc.design.layers[0].id]
    view.zoom_reset()
    assert not any(item.flags() & QGraphicsItem.ItemHasNoContents for item in scene.neuron_items.values())


def test_dense_bundles_show_their_strongest_lines_and_say_so(qtbot):
    doc, scene, view = open_view(qtbot, big_design())
    view.fit_all()
    shown, total = scene.shown_connections(view.zoom)
    assert shown < total == len(doc.design.connections)
    assert view._lod_note.isVisible() and f"{total:,}" in view._lod_note.text()
    small_doc, small_scene, small_view = open_view(qtbot)
    small_view.fit_all()
    assert small_scene.shown_connections(small_view.zoom)[0] == len(small_doc.design.connections)
    assert not small_view._lod_note.isVisible()


def test_export_does_not_depend_on_the_view_zoom(qtbot, tmp_path):
    doc, scene, view = open_view(qtbot, big_design())
    view.set_zoom(0.15)
    assert view.export_png(tmp_path / "far.png", scale=0.5)
    assert all(layer.dots for layer in scene.layer_items.values())  # back to dots
    view.zoom_reset()
    assert view.export_png(tmp_path / "near.png", scale=0.5)
    far, near = QImage(str(tmp_path / "far.png")), QImage(str(tmp_path / "near.png"))
    assert far.size() == near.size() and far == near


def test_keyboard_select_copy_paste_escape(qtbot):
    doc, scene, view = open_view(qtbot)
    QTest.keyClick(view, Qt.Key_A, Qt.ControlModifier)
    assert len(scene.selected_ids()[0]) == len(doc.design.neurons)
    QTest.keyClick(view, Qt.Key_C, Qt.ControlModifier)
    QTest.keyClick(view, Qt.Key_V, Qt.ControlModifier)
    assert len(doc.design.neurons) == 12
    assert_mirrors(scene, doc.design)
    QTest.keyClick(view, Qt.Key_Escape)
    assert scene.selected_ids() == ([], [], [])
    QTest.keyClick(view, Qt.Key_Z, Qt.ControlModifier)  # not the canvas's: the window owns undo
    assert len(doc.design.neurons) == 12


def test_space_drag_pans_instead_of_moving(qtbot):
    doc, scene, view = open_view(qtbot)
    n = doc.design.neurons[0]
    x0, y0 = n.x, n.y
    center = view.mapToScene(view.viewport().rect().center())
    QTest.keyPress(view, Qt.Key_Space)
    drag(view, QPointF(x0, y0), QPointF(x0 + 80, y0))
    QTest.keyRelease(view, Qt.Key_Space)
    assert (n.x, n.y) == (x0, y0) and doc.undo_stack.count() == 0
    moved = view.mapToScene(view.viewport().rect().center())
    assert abs(center.x() - moved.x() - 80) <= 2


def test_hover_highlights_the_connection_under_the_cursor(qtbot):
    doc, scene, view = open_view(qtbot)
    c = doc.design.connections[0]
    s, t = doc.index.neuron(c.source), doc.index.neuron(c.target)
    mid = view.mapFromScene(QPointF((s.x + t.x) / 2, (s.y + t.y) / 2))
    QTest.mouseMove(view.viewport(), mid)
    QApplication.processEvents()
    assert scene._hover_pair == (c.source, c.target) and not scene.hover_overlay.is_empty()
    QTest.mouseMove(view.viewport(), QPoint(5, 5))
    assert scene._hover_pair is None


def test_antialiasing_is_off_while_dragging(qtbot):
    doc, scene, view = open_view(qtbot)
    n = doc.design.neurons[-1]
    w = view.viewport()
    p = view.mapFromScene(QPointF(n.x, n.y))
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, p)
    QTest.mouseMove(w, p + QPoint(10, 10))
    assert not view.renderHints() & QPainter.Antialiasing
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, p + QPoint(10, 10))
    assert view.renderHints() & QPainter.Antialiasing


def test_buckets_and_pens():
    w = np.array([0.05, -0.05, 0.5, -1.0, 3.0, 0.0])
    frozen = np.array([False, False, True, False, False, False])
    b = S.buckets_of(w, frozen)
    assert [S.bucket_pen(int(x), True).color() for x in b[:2]] != [None]
    assert S.bucket_pen(int(b[0]), True).color().blue() > S.bucket_pen(int(b[0]), True).color().red()
    assert S.bucket_pen(int(b[1]), True).color().red() > S.bucket_pen(int(b[1]), True).color().blue()
    assert S.bucket_pen(int(b[2]), True).style() == Qt.CustomDashLine  # frozen: dashed
    assert S.bucket_pen(int(b[4]), True).widthF() > S.bucket_pen(int(b[0]), True).widthF()
    assert S.bucket_pen(int(b[4]), False).widthF() == 1.0  # big designs: 1 px lines
    seg = np.zeros((6, 4))
    paths = bucket_paths(seg, b)
    assert sorted(x for x, _ in paths) == sorted(set(b.tolist()))


def test_nearest_segment():
    seg = np.array([[0, 0, 100, 0], [0, 10, 100, 10], [50, -50, 50, 50]], dtype=float)
    assert nearest_segment(seg, 20, 2, 4)[0] == 0
    assert nearest_segment(seg, 20, 8, 4)[0] == 1
    assert nearest_segment(seg, 52, 30, 4)[0] == 2
    assert nearest_segment(seg, 20, 50, 4) is None
    assert nearest_segment(np.zeros((0, 4)), 0, 0, 4) is None


def test_connection_table_bookkeeping():
    t = ConnectionTable()
    for nid, layer in ((1, 10), (2, 10), (3, 20), (4, 20)):
        t.add_neuron(nid, layer, float(nid), 0.0)
    t.add_connections([(1, 3, 0.5, False), (2, 4, -0.5, True), (1, 4, 1.0, False)])
    assert t.total == 3 and len(t.pairs[(10, 20)]) == 3
    t.set_connections([(2, 4, 2.0, False)])
    key, i = t.find(2, 4)
    assert t.pairs[key].weights[i] == 2.0 and not t.pairs[key].frozen[i]
    t.remove_connections([(1, 3)])
    assert t.total == 2 and t.find(1, 3) is None
    t.remove_neurons([4])
    assert t.total == 0 and (10, 20) not in t.pairs
    assert t.ensure_design_order(np.zeros(0, dtype=np.int64))


def test_arrow_keys_nudge_the_selection(qtbot):
    doc, scene, view = open_view(qtbot)
    n = doc.design.neurons[0]
    x0, y0 = n.x, n.y
    scene.select(neurons=[n.id])
    QTest.keyClick(view, Qt.Key_Right)
    QTest.keyClick(view, Qt.Key_Down, Qt.ShiftModifier)
    assert (n.x, n.y) == (x0 + 10, y0 + 50) and doc.undo_stack.count() == 1  # a run of nudges: one step
    assert_mirrors(scene, doc.design)


def test_hovering_a_neuron_is_announced(qtbot):
    doc, scene, view = open_view(qtbot)
    heard = []
    scene.neuron_hovered.connect(heard.append)
    nid = doc.design.neurons[3].id
    QTest.mouseMove(view.viewport(), view.mapFromScene(scene.neuron_items[nid].scenePos()))
    assert heard == [nid]
    QTest.mouseMove(view.viewport(), QPoint(5, 5))  # empty canvas
    assert heard == [nid, -1]
    QTest.mouseMove(view.viewport(), view.mapFromScene(scene.neuron_items[nid].scenePos()))
    assert heard[-1] == nid
    doc.remove(neurons=[nid])
    assert heard[-1] == -1  # a deleted neuron is no longer under the pointer


def test_highlights_stay_under_neurons_and_their_numbers(qtbot):
    """Learn mode's lit connections must not cover a neuron's value box or its
    bias readout: overlays lie between the connections and the neurons."""
    doc, scene, view = open_view(qtbot)
    neuron = next(iter(scene.neuron_items.values()))
    for overlay in (scene.hover_overlay, scene.select_overlay, scene.highlight_overlay):
        assert max(b.zValue() for b in scene.bundle_items.values()) < overlay.zValue()
        assert overlay.zValue() < neuron.parentItem().zValue()  # neurons draw in their layer's z


def test_a_label_covered_by_a_thumbnail_moves_beside_the_neuron(qtbot):
    from nnsim.design.model import LayerKind

    d = layered([2, 2, 1])
    initialize(d, np.random.default_rng(1))
    ins = [n for n in d.neurons if d.layer(n.layer).kind == LayerKind.INPUT]
    out = [n for n in d.neurons if d.layer(n.layer).kind == LayerKind.OUTPUT][0]
    hid = [n for n in d.neurons if d.layer(n.layer).kind == LayerKind.HIDDEN][0]
    ins[0].label, out.label, hid.label = "x1", "fires?", "h"
    doc, scene, view = open_view(qtbot, d)
    img = QImage(16, 16, QImage.Format_RGB32)
    img.fill(0xFF8800)
    out_item, in_item, hid_item = scene.neuron_items[out.id], scene.neuron_items[ins[0].id], scene.neuron_items[hid.id]
    assert out_item.outside == "" and out_item.text == "fires?"[: len(out_item.text)]
    before = out_item.boundingRect()
    scene.set_neuron_thumbnails({out.id: img, ins[0].id: img, hid.id: img})
    assert out_item.outside == "fires?" and in_item.outside == "x1"
    assert out_item._outside_rect().left() > 0 and in_item._outside_rect().right() < 0  # open sides
    assert out_item.boundingRect().contains(out_item._outside_rect())
    assert out_item.boundingRect() != before
    assert hid_item.outside == ""  # a hidden neuron keeps its label on the circle, on a pill
    view.grab()
    scene.set_neuron_thumbnails(None)
    assert out_item.outside == "" and in_item.outside == ""


@pytest.mark.parametrize("value, text", [
    (0.0, "0"), (0.1, "0.1"), (-1.25, "-1.25"), (0.0055, "0.0055"), (-0.00055, "-5.5e-4"),
    (12.3456, "12.35"), (1234.4, "1234"), (123456.0, "1.2e5"), (float("nan"), "nan"),
])
def test_canvas_numbers_are_short_and_readable(value, text):
    from nnsim.app.canvas.style import format_number

    assert format_number(value) == text


def test_fit_shows_a_network_of_wide_layers_at_a_usable_size(qtbot):
    d = layered([2, 150, 150, 1])  # built in code: wide layers wrap into columns
    doc, scene, view = open_view(qtbot, d, size=(1000, 700))
    view.fit_all()
    assert view.zoom > 0.25  # one column of 150 neurons fitted at 0.07: a sliver
    assert not any(item.flags() & QGraphicsItem.ItemHasNoContents for item in scene.neuron_items.values())


def test_dense_bundles_make_paths_of_the_lines_they_draw_only(qtbot, monkeypatch):
    import copy

    import nnsim.app.canvas.bundles as bundles

    doc, scene, view = open_view(qtbot, big_design())
    view.fit_all()
    view.viewport().repaint()
    made = []
    real = bundles._pairs_path
    monkeypatch.setattr(bundles, "_pairs_path", lambda seg: made.append(len(seg)) or real(seg))
    doc.replace(copy.deepcopy(doc.design))  # drawn again (open, reset and undo of training do this too)
    view.viewport().repaint()
    shown, total = scene.shown_connections(view.zoom)
    assert shown < total and 0 < sum(made) <= shown
    made.clear()
    view.zoom_reset()  # nearer: more lines, their paths made as they are drawn
    view.viewport().repaint()
    assert 0 < sum(made) <= scene.shown_connections(view.zoom)[0]


def test_copying_a_recurrent_layer_with_the_keyboard_keeps_its_loops(qtbot):
    import nnsim
    from nnsim.design.validate import check_design

    design = nnsim.example("temporal-xor-rnn")
    doc, scene, view = open_view(qtbot, design)
    loops = sum(c.delay for c in doc.design.connections)
    QTest.keyClick(view, Qt.Key_A, Qt.ControlModifier)
    QTest.keyClick(view, Qt.Key_C, Qt.ControlModifier)
    QTest.keyClick(view, Qt.Key_V, Qt.ControlModifier)
    assert sum(c.delay for c in doc.design.connections) == 2 * loops
    check_design(doc.design)  # a valid design: the pasted loops still wait a step
    assert_mirrors(scene, doc.design)
