"""A CSV file that cannot be used is refused when it is chosen, with the
reason, and the data set in use stays: nothing to undo."""

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
