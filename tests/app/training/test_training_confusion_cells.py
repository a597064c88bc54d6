"""Clicking a confusion-matrix cell lists its samples; "Mistakes only" lists
every wrong one; clicking a listed sample opens it in the sample view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from training_testkit import WAIT, training_window

import nnsim


def cell_center(matrix, i, j) -> QPoint:
    x0, y0, size = matrix._cells
    return QPoint(int(x0 + (j + 0.5) * size), int(y0 + (i + 0.5) * size))


def test_a_cell_lists_its_samples_and_one_opens_in_the_sample_view(qtbot):
    window, ui = training_window(qtbot, nnsim.example("iris"))
    try:
        c = ui.controller
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: c.latest is not None and c.latest.final and c.epoch == 1, timeout=WAIT)
        window.bring_dock(ui.docks["training_confusion_dock"])
        view = ui.confusion
        qtbot.waitUntil(lambda: view._heavy is c.heavy and view.matrix._cells is not None, timeout=WAIT)
        m = view.matrix.matrix
        true, pred, which = c.heavy.predictions
        assert which == "test" and len(true) == m.sum()
        # The busiest cell off the diagonal if there is one, else the diagonal's.
        off = m - np.diag(np.diag(m))
        i, j = np.unravel_index(int(np.argmax(off if off.any() else m)), m.shape)
        qtbot.mouseClick(view.matrix, Qt.MouseButton.LeftButton, pos=cell_center(view.matrix, i, j))
        assert view.matrix.selected == (i, j)
        assert view.samples.count() == m[i, j]
        names = c.probe.class_names
        assert f"of {names[i]} the network calls {names[j]}" in view.listed_title.text()
        item = view.samples.item(0)
        key, index = item.data(Qt.ItemDataRole.UserRole)
        assert key == "test" and true[index] == i and pred[index] == j
        rect = view.samples.visualItemRect(item)
        qtbot.mouseClick(view.samples.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        sample_dock = ui.docks["training_sample_dock"]
        assert sample_dock.isVisible()
        qtbot.waitUntil(lambda: f"Test sample {index + 1}" in ui.sample.summary.text(), timeout=WAIT)
        assert ui.sample.which.currentData() == "test" and ui.sample.index.value() == index + 1
        np.testing.assert_allclose(c.heavy.sample.x, c.dataset.x_test[index])
        assert f"true: <b>{names[i]}</b>" in ui.sample.summary.text()
        # Mistakes only: every wrong test sample.
        window.bring_dock(ui.docks["training_confusion_dock"])
        qtbot.mouseClick(view.mistakes, Qt.MouseButton.LeftButton, pos=QPoint(8, view.mistakes.height() // 2))
        assert view.mistakes.isChecked()
        m = view.matrix.matrix  # as drawn now (the list follows the matrix shown)
        true, pred, _which = view._predictions
        wrong = int(m.sum() - np.trace(m))
        assert view.samples.count() == wrong and view.listed_title.text().startswith(f"{wrong} wrong test sample")
        listed = [view.samples.item(r).data(Qt.ItemDataRole.UserRole)[1] for r in range(view.samples.count())]
        assert all(true[r] != pred[r] for r in listed)
        # Clicking a cell again lists that cell.
        qtbot.mouseClick(view.matrix, Qt.MouseButton.LeftButton, pos=cell_center(view.matrix, 0, 0))
        assert not view.mistakes.isChecked() and view.samples.count() == m[0, 0]
    finally:
        ui.shutdown()
