"""CSV regression in the window: the targets dialog offers target scaling (on
for regression), the network learns scaled targets, and the sample view and
the output map speak of the file's values: raw inputs with the standardised
value beside, predictions in the file's units, axes ticked in raw values and a
colour scale for the regression map."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from training_testkit import WAIT, training_window

from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, Loss


def houses(tmp_path, n=80):
    rng = np.random.default_rng(5)
    area = rng.uniform(40, 200, n)
    rooms = rng.integers(1, 6, n)
    price = 2500 * area + 10_000 * rooms + rng.normal(0, 5000, n)
    path = tmp_path / "houses.csv"
    path.write_text("area_m2,rooms,price\n" + "".join(f"{a:.1f},{r},{p:.0f}\n" for a, r, p in zip(area, rooms, price)))
    return path


def regression_design():
    d = layered([2, 5, 1], hidden=Activation.TANH, output=Activation.LINEAR, name="Houses")
    d.training.loss = Loss.MSE
    initialize(d, np.random.default_rng(0))
    return d


def answer_dialog(qtbot, regression=True, scale=None):
    """Click through the targets dialog once it is open."""
    def click():
        dialog = QApplication.activeModalWidget()
        if regression:
            qtbot.mouseClick(dialog.regress, Qt.MouseButton.LeftButton)
        if scale is not None and dialog.scale_targets.isChecked() != scale:
            qtbot.mouseClick(dialog.scale_targets, Qt.MouseButton.LeftButton)
        dialog.columns.clearSelection()
        row = dialog.columns.findItems("price", Qt.MatchFlag.MatchExactly)[0]
        rect = dialog.columns.visualItemRect(row)
        qtbot.mouseClick(dialog.columns.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, click)


def choose_houses(qtbot, ui, path, **answers):
    d = ui.panel.data
    d.ask_csv_path = lambda: str(path)
    answer_dialog(qtbot, **answers)
    qtbot.mouseClick(d.csv, Qt.MouseButton.LeftButton)


def test_the_targets_dialog_scales_regression_targets_by_default(qtbot, tmp_path):
    path = houses(tmp_path)
    window, ui = training_window(qtbot, regression_design())
    try:
        choose_houses(qtbot, ui, path)
        spec = window.document.design.dataset
        assert (spec.source, spec.task, spec.targets, spec.scale_targets) == ("csv", "regression", ["price"], True)
        c = ui.controller
        qtbot.waitUntil(lambda: c.session is not None and c.session.dataset.y_scaling is not None, timeout=WAIT)
        assert abs(float(c.session.data.y_train.mean())) < 1e-9  # the network learns scaled targets
        # The chooser's own check box turns it off, as one undoable step.
        box = ui.panel.data.scale_targets
        assert box.isVisibleTo(window) and box.isChecked()
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
        assert window.document.design.dataset.scale_targets is False
        window.document.undo()
        assert window.document.design.dataset.scale_targets is True
    finally:
        ui.shutdown()


def test_sample_view_and_output_map_show_the_files_values(qtbot, tmp_path):
    path = houses(tmp_path)
    window, ui = training_window(qtbot, regression_design())
    try:
        choose_houses(qtbot, ui, path)
        c = ui.controller
        qtbot.waitUntil(lambda: c.session is not None and c.session.dataset.y_scaling is not None, timeout=WAIT)
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: c.latest is not None and c.latest.final and c.epoch == 1, timeout=WAIT)
        ds = c.session.dataset
        ui.docks["training_sample_dock"].show()
        ui.docks["training_sample_dock"].raise_()
        qtbot.waitUntil(lambda: ui.sample.table.columnCount() == 3, timeout=WAIT)
        ui.sample.index.setFocus()
        qtbot.keyClick(ui.sample.index, Qt.Key.Key_Up)  # the second sample
        qtbot.keyClick(ui.sample.index, Qt.Key.Key_Up)  # the third
        qtbot.waitUntil(lambda: "Training sample 3" in ui.sample.summary.text(), timeout=WAIT)
        text = ui.sample.summary.text()
        raw_area = ds.raw_inputs(ds.x_train[2])[0]
        assert f"area_m2 {raw_area:.3g} ({ds.x_train[2, 0]:.2f})" in text
        true_price = ds.raw_targets(ds.y_train[2])[0]
        assert f"true: <b>{true_price:,.0f}</b>" in text  # the file's price, not a standardised one
        assert "standardised" in text
        first_input = ui.sample.table.item(0, 0).text()
        assert first_input == f"area_m2  {raw_area:.3g} ({ds.x_train[2, 0]:.2f})"  # named after the column
        # The output map: axes ticked in the file's values, a colour scale in prices.
        ui.docks["training_output_dock"].show()
        ui.docks["training_output_dock"].raise_()
        out = ui.output
        bottom = out.plot.getAxis("bottom")
        assert bottom.scaled and bottom.labelText == "area_m2"
        assert abs(bottom.raw(0.0) - ds.raw_inputs(np.zeros((1, 2)))[0, 0]) < 1e-9
        levels = bottom.tickValues(-1.0, 1.0, 300)
        major = [bottom.raw(v) for v in levels[0][1]]
        assert len(major) >= 2 and all(abs(t - round(t / 10) * 10) < 1e-6 for t in major), major  # round m²
        assert bottom.tickStrings(levels[0][1], 1.0, levels[0][0])[0] == f"{major[0]:g}"
        assert out.scale.isVisibleTo(out) and out.scale.title == "price"
        low, high = out.scale.low, out.scale.high
        assert low < ds.raw_targets(np.zeros(1))[0] < high and high - low > 50_000
    finally:
        ui.shutdown()


def test_a_raw_axis_labels_zero_as_0_not_a_rounding_error(qtbot):
    from nnsim.app.views.units import RawAxis

    axis = RawAxis("left")
    axis.set_scaling(2.6, 1.1)  # rooms: 1 to 5
    levels = axis.tickValues(-3.0, 8.0, 400)
    values = levels[0][1]
    labels = axis.tickStrings(values, 1.0, levels[0][0])
    assert "0" in labels and not any("e-" in text for text in labels), labels
