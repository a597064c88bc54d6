"""A CSV time series chosen in the Data tab: the targets dialog's time-series
part (window, horizon, inputs) makes a design's data windows of the file's
rows; a recurrent design trains on them; the window length can be changed
in the Data tab afterwards, as one undoable step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from training_testkit import WAIT, training_window

import nnsim


def temperatures(tmp_path, days=200):
    rng = np.random.default_rng(3)
    t = np.arange(days)
    temp = 12 + 8 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.3, days)
    path = tmp_path / "temps.csv"
    path.write_text("day,temp_c\n" + "".join(f"{d},{v:.2f}\n" for d, v in zip(t, temp)))
    return path


def pick(qtbot, listing, text):
    item = listing.findItems(text, Qt.MatchFlag.MatchExactly)[0]
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=listing.visualItemRect(item).center())


def test_a_time_series_is_chosen_trained_and_its_window_changed(qtbot, tmp_path):
    path = temperatures(tmp_path)
    design = nnsim.example("sine-rnn")
    design.history = []
    window, ui = training_window(qtbot, design)
    try:
        doc, data, c = window.document, ui.panel.data, ui.controller
        data.ask_csv_path = lambda: str(path)
        seen = {}

        def answer():
            dialog = QApplication.activeModalWidget()
            box = dialog.series
            qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
            seen["regression"] = dialog.regress.isChecked() and not dialog.classify.isEnabled()
            dialog.window_rows.setFocus()
            dialog.window_rows.lineEdit().selectAll()
            qtbot.keyClicks(dialog.window_rows.lineEdit(), "10")
            seen["target"] = [i.text() for i in dialog.columns.selectedItems()]  # the last column, chosen at first
            pick(qtbot, dialog.inputs, "temp_c")  # and the only input: predict the next day from the days before
            qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

        QTimer.singleShot(0, answer)
        qtbot.mouseClick(data.csv, Qt.MouseButton.LeftButton)
        assert seen["regression"] and seen["target"] == ["temp_c"]
        spec = doc.design.dataset
        assert (spec.source, spec.window, spec.horizon, spec.inputs, spec.targets) == \
            ("csv", 10, 1, ["temp_c"], ["temp_c"])
        assert "Time series temps.csv: windows of 10 rows" in data.summary.text()
        qtbot.waitUntil(lambda: c.session is not None and c.session.dataset.length == 10, timeout=WAIT)
        assert c.error == ""
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: len(doc.design.history) == 1, timeout=WAIT)
        # The window length from the Data tab: a new run on windows of 12 rows.
        spin = data.window_rows
        assert spin.isVisibleTo(window) and spin.value() == 10
        spin.setFocus()
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin.lineEdit(), "12")
        qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
        assert doc.design.dataset.window == 12 and doc.design.history == []
        qtbot.waitUntil(lambda: c.session is not None and c.session.dataset.length == 12, timeout=WAIT)
        doc.undo()
        assert doc.design.dataset.window == 10 and len(doc.design.history) == 1
    finally:
        ui.shutdown()
