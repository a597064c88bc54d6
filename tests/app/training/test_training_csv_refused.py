"""A CSV file that cannot be used is refused when it is chosen, with the
reason, and the data set in use stays: nothing to undo. The targets dialog
shows the first rows and says how the file is read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from training_testkit import training_window

import nnsim
from nnsim.design.model import DatasetSpec


def test_a_broken_csv_changes_nothing_and_says_why(qtbot, tmp_path):
    window, ui = training_window(qtbot, nnsim.example("xor-mlp"))
    try:
        doc, d = window.document, ui.panel.data
        before, steps = doc.design.dataset, doc.undo_stack.count()
        broken = tmp_path / "fruit-broken.csv"
        broken.write_text("weight_g,colour,label\n120,0.5,apple\nheavy,0.2,pear\n130,0.1,apple\n", encoding="utf-8")
        d.ask_csv_path = lambda: str(broken)
        d.ask_csv_targets = lambda columns, path: DatasetSpec("csv", path=str(broken), targets=["label"])
        said = []
        d.message.connect(said.append)
        qtbot.mouseClick(d.csv, Qt.MouseButton.LeftButton)
        assert doc.design.dataset == before and doc.undo_stack.count() == steps
        assert ui.controller.error == "" and ui.controller.session is not None
        assert said and said[-1].startswith("Not used: ") and "fruit-broken.csv" in said[-1] and "heavy" in said[-1]
    finally:
        ui.shutdown()


def test_the_targets_dialog_previews_the_file_and_says_what_it_detected(qtbot, tmp_path):
    from nnsim.app.panels.training_data import CsvTargetDialog, csv_header

    path = tmp_path / "houses.csv"
    path.write_text("area_m2;rooms;price_k\n72,5;3;310,25\n101;4;-1,5e2\n", encoding="utf-8")
    columns = csv_header(path)
    assert columns == ["area_m2", "rooms", "price_k"]
    dialog = CsvTargetDialog(columns, path.name, path=str(path))
    qtbot.addWidget(dialog)
    assert dialog.detected.text() == "Columns separated by a semicolon; numbers with a decimal comma."
    table = dialog.preview
    assert (table.rowCount(), table.columnCount()) == (2, 3)
    assert table.item(0, 2).text() == "310,25" and table.horizontalHeaderItem(0).text() == "area_m2"
