"""The welcome gallery and the window's menus and shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget

from nnsim.design.model import LayerKind
from nnsim.resources import example_path, examples_dir


def test_first_start_shows_the_gallery_and_a_click_opens_an_example(window, qtbot):
    window.show()
    assert window.central.currentWidget() is window.welcome
    names = {card.example.path.stem for card in window.welcome.cards}
    assert names == {p.stem for p in examples_dir().glob("*.nnsim")}
    card = window.welcome.card("xor-mlp")
    assert card.example.summary and "\n" not in card.example.summary
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.document.design.name == "A hidden layer solves XOR"
    assert window.document.path is None  # an untitled copy
    assert window.central.currentWidget() is window.canvas
    assert window.windowTitle().startswith("A hidden layer solves XOR")
    assert window.files.suggested_name == "xor-mlp.nnsim"


def test_blank_design_button_shows_the_canvas(window, qtbot):
    window.show()
    qtbot.mouseClick(window.welcome.blank_button, Qt.MouseButton.LeftButton)
    assert window.central.currentWidget() is window.canvas


def test_open_example_menu_lists_every_example(window):
    titles = [a.text() for a in window.examples_menu.actions()]
    assert len(titles) == len(list(examples_dir().glob("*.nnsim")))
    assert "Circle classifier" in titles
    window.examples_menu.actions()[titles.index("Circle classifier")].trigger()
    assert window.document.design.name == "Circle classifier"


def test_standard_shortcuts(window):
    a = window.acts
    assert QKeySequence("Ctrl+N") in a.new.shortcuts()
    assert QKeySequence("Ctrl+O") in a.open.shortcuts()
    assert QKeySequence("Ctrl+S") in a.save.shortcuts()
    assert QKeySequence("Ctrl+Shift+S") in a.save_as.shortcuts()
    assert QKeySequence("Ctrl+Q") in a.quit.shortcuts()
    assert QKeySequence("Ctrl+Z") in a.undo.shortcuts()
    assert {QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")} <= set(a.redo.shortcuts())
    assert QKeySequence("Ctrl+D") in a.duplicate.shortcuts()
    assert {QKeySequence("Del"), QKeySequence("Backspace")} <= set(a.delete.shortcuts())
    menus = [m.title() for m in (window.menus[k] for k in ("file", "edit", "view", "help"))]
    assert menus == ["&File", "&Edit", "&View", "&Help"]


def test_ctrl_z_undoes_and_the_status_bar_counts(make_window, qtbot):
    window, _ = make_window(example_path("xor-mlp"))
    window.show()
    assert window.counts_label.text() == "3 layers · 6 neurons · 9 connections"
    window.document.add_layer(LayerKind.HIDDEN, 2, 500, 0)
    assert window.counts_label.text() == "4 layers · 8 neurons · 9 connections"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.counts_label.text() == "3 layers · 6 neurons · 9 connections"
    QTest.keyClick(window.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.design.layers) == 4


def test_select_all_and_delete_keys_empty_the_canvas(make_window, qtbot):
    window, _ = make_window(example_path("xor-mlp"))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert window.document.design.neurons == []
    window.document.undo_stack.undo()
    assert len(window.document.design.neurons) == 6


def test_connect_layers_connects_each_to_the_next_in_one_step(window):
    doc = window.document
    i = doc.add_layer(LayerKind.INPUT, 2, 0, 0)
    h = doc.add_layer(LayerKind.HIDDEN, 3, 160, 0)
    o = doc.add_layer(LayerKind.OUTPUT, 1, 320, 0)
    steps = doc.undo_stack.count()
    window.acts.connect_all.trigger()
    pairs = {(doc.design.neuron(c.source).layer, doc.design.neuron(c.target).layer) for c in doc.design.connections}
    assert pairs == {(i, h), (h, o)}
    assert len(doc.design.connections) == 2 * 3 + 3 * 1
    assert doc.undo_stack.count() == steps + 1
    window.acts.connect_all.trigger()  # nothing left to connect: no empty undo step
    assert doc.undo_stack.count() == steps + 1
    assert "already fully connected" in window.statusBar().currentMessage()


def test_arrange_and_zoom_actions(make_window):
    window, _ = make_window(example_path("xor-mlp"))
    window.show()
    doc = window.document
    first = doc.design.neurons[0]
    doc.move({first.id: (first.x + 333, first.y + 77)})
    window.acts.arrange.trigger()
    assert doc.undo_stack.undoText() == "Arrange layers"
    window.acts.zoom_reset.trigger()
    assert window.zoom_label.text() == "100%"
    window.acts.zoom_in.trigger()
    assert window.zoom_label.text() != "100%"


def test_canvas_messages_reach_the_status_bar(window):
    window.scene.message.emit("cannot connect an output to an input")
    assert window.statusBar().currentMessage() == "cannot connect an output to an input"


def test_add_dock_and_add_menu_extension_points(window):
    from PySide6.QtWidgets import QLabel

    dock = window.add_dock(QLabel("plots"), Qt.DockWidgetArea.BottomDockWidgetArea, "Training plots", "plots_dock")
    assert dock.objectName() == "plots_dock"
    assert dock.toggleViewAction() in window.panels_menu.actions()
    menu = window.add_menu("&Train")
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-2:] == ["&Train", "&Help"]
    assert menu.title() == "&Train"


def test_a_dock_added_later_gets_its_remembered_place(make_window):
    from PySide6.QtWidgets import QLabel

    window, _ = make_window()
    window.show()
    dock = window.add_dock(QLabel("plots"), Qt.DockWidgetArea.RightDockWidgetArea, "Plots", "plots_dock")
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.close()
    window2, _ = make_window()
    window2.show()
    dock2 = window2.add_dock(QLabel("plots"), Qt.DockWidgetArea.RightDockWidgetArea, "Plots", "plots_dock")
    assert window2.dockWidgetArea(dock2) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_a_refused_canvas_edit_shows_in_the_status_bar(window, monkeypatch):
    from nnsim.design.recipes import EditError

    def refuse():
        raise EditError("nothing to paste")

    monkeypatch.setattr(window.canvas, "paste", refuse)
    window.acts.paste.trigger()
    assert window.statusBar().currentMessage() == "nothing to paste"


def test_keyboard_shortcuts_dialog_lists_the_actions(window):
    from nnsim.app.main_window import ShortcutsDialog

    dialog = ShortcutsDialog(window.shortcut_actions(), window)
    table = dialog.findChild(QTableWidget)
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert "Ctrl+S" in rows["Save"]
    assert "Ctrl+D" in rows["Duplicate"]
    assert rows["Play"] == "Space"  # the Train menu's keys are listed too
    assert "Ctrl+." in rows["Step Batch"]
    assert "F, Home" in rows["Fit Network"]
    listed = ", ".join(rows.values()).split(", ")
    assert not {"F14", "F16", "F20", "Exit", "Shift+Del", "Shift+Ins"} & set(listed)  # old-keyboard extras
    dialog.close()


def test_no_key_does_two_things(window):
    """Two actions sharing a key would make Qt do neither (an ambiguous
    shortcut); X11's standard Delete keys include Ctrl+D, Duplicate's."""
    owners: dict[str, str] = {}
    for action in window.shortcut_actions():
        for seq in action.shortcuts():
            key = seq.toString()
            assert key not in owners, f"{key} is both {owners[key]} and {action.text()}"
            owners[key] = action.text()
