"""Choosing the landscape's two numbers on a large network: a searchable list
that names only the rows it shows, a connection or neuron picked on the
canvas, and no work at all while the panel is hidden."""

from __future__ import annotations

import numpy as np
from learn_testkit import click
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView

import nnsim.app.learn.landscape_panel as landscape_panel
from nnsim.app.learn.landscape import ParamList
from nnsim.app.learn.landscape_panel import LandscapePanel
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation


def wide(sizes=(2, 60, 60, 1)):
    d = layered(list(sizes), output=Activation.SIGMOID)
    initialize(d, np.random.default_rng(3))
    return d


def counting(monkeypatch):
    """Counts the panel's listings of a design's numbers and the names made."""
    counts = {"lists": 0, "names": 0}
    real_name = ParamList.name

    class Counted(ParamList):
        def __init__(self, design):
            counts["lists"] += 1
            super().__init__(design)

    def name(self, i):
        counts["names"] += 1
        return real_name(self, i)

    monkeypatch.setattr(landscape_panel, "ParamList", Counted)
    monkeypatch.setattr(ParamList, "name", name)
    return counts


def test_a_hidden_panel_does_no_work_and_catches_up_when_shown(tool, qtbot, monkeypatch):
    counts = counting(monkeypatch)
    t = tool(wide())
    panel = LandscapePanel(t.hub)  # built hidden, as in the window
    qtbot.addWidget(panel)
    d = t.document.design
    t.document.set_training(learning_rate=0.25)
    t.document.set_numbers([c.weight + 0.1 for c in d.connections], [n.bias for n in d.neurons], "Train")
    t.document.undo_stack.undo()
    t.document.replace(wide((2, 5, 1)), None)
    assert counts["lists"] == 0 and panel.scape is None
    t.show(panel)
    assert counts["lists"] == 1
    assert panel.scape is not None and panel.x_box.count() == len(ParamList(t.document.design))
    assert panel.rate.value() == t.document.design.training.learning_rate


def test_opening_the_list_names_only_the_rows_in_view(tool, qtbot, monkeypatch):
    t = tool(wide())
    panel = t.show(LandscapePanel(t.hub))
    counts = counting(monkeypatch)
    click(panel.x_box)
    picker = panel.x_box.picker
    qtbot.waitExposed(picker)
    QApplication.processEvents()
    assert picker.list.model().rowCount() == len(panel.params) > 3_000
    assert 0 < counts["names"] < 200  # not one name per weight
    QTest.keyClick(picker.search, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    click(panel.x_box)
    panel.hide()  # a hidden chooser closes its list
    assert not picker.isVisible()


def test_typing_narrows_the_list_and_enter_chooses(tool, qtbot):
    t = tool(wide())
    panel = t.show(LandscapePanel(t.hub))
    shown = []
    t.hub.event_recorded.connect(lambda e: shown.append(e) if e.name == "landscape_shown" else None)
    click(panel.y_box)
    picker = panel.y_box.picker
    qtbot.waitExposed(picker)
    QTest.keyClicks(picker.search, "hidden 2 neuron 7 output")
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1, timeout=5_000)
    assert picker.found.text() == f"1 of {len(panel.params):,} numbers"
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    assert not picker.isVisible()
    px, py = panel.current_params()
    assert py.name == "weight hidden 2 neuron 7 → output neuron 1"
    assert shown and shown[-1].data["params"] == [px.name, py.name]  # the map was drawn again


def test_a_click_in_the_list_chooses(tool, qtbot):
    t = tool(wide((2, 3, 1)))
    panel = t.show(LandscapePanel(t.hub))
    click(panel.x_box)
    picker = panel.x_box.picker
    qtbot.waitExposed(picker)
    QTest.keyClicks(picker.search, "bias")
    qtbot.waitUntil(lambda: picker.model.rowCount() == 4, timeout=5_000)
    rect = picker.list.visualRect(picker.model.index(2))
    QTest.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    px, _ = panel.current_params()
    assert px.kind == "b" and px.name == "bias of hidden 1 neuron 3"


def test_a_neuron_or_connection_selected_on_the_canvas_is_taken(tool, qtbot):
    t = tool(wide((2, 3, 1)))
    panel = t.show(LandscapePanel(t.hub))
    assert not panel.pick_x.isVisible()
    view: QGraphicsView = t.view
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    hidden = t.document.design.neurons[3]  # hidden 1 neuron 2
    item = t.scene.neuron_items[hidden.id]
    view.centerOn(item)
    QApplication.processEvents()
    at = view.mapFromScene(item.mapToScene(QPointF(0, 0)))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert panel.pick_y.isVisible()
    assert "bias of hidden 1 neuron 2" in panel.pick_label.text()
    click(panel.pick_y)
    assert panel.current_params()[1].key == hidden.id
    conn = t.document.design.connections[0]
    t.scene.select(connections=[(conn.source, conn.target)])
    click(panel.pick_x)
    assert panel.current_params()[0].key == (conn.source, conn.target)


def test_a_hidden_step_through_reads_a_large_designs_samples_only_when_shown(tool, qtbot, monkeypatch):
    import nnsim.app.learn.step_panel as step_panel

    reads = []
    real = step_panel.load_samples
    monkeypatch.setattr(step_panel, "load_samples", lambda *a: reads.append(a) or real(*a))
    t = tool(wide((2, 60, 60, 1)))  # more connections than BIG_DESIGN
    assert len(t.document.design.connections) > step_panel.BIG_DESIGN
    panel = step_panel.StepThroughPanel(t.hub)
    qtbot.addWidget(panel)
    t.document.replace(wide((2, 61, 60, 1)), None)
    assert reads == []
    t.show(panel)
    assert len(reads) == 1 and panel.samples is not None and panel.walk is not None
    assert panel.sample_box.count() == len(panel.samples.x) + 1
