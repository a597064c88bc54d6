"""Choosing data with named columns names the neurons: the inputs after the
columns, the outputs after the classes (or target columns), in the same undo
step as the data; a label the user typed stays."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from training_testkit import training_window

from nnsim.design.build import initialize, layered
from nnsim.design.data_names import label_ops
from nnsim.design.model import Activation, DatasetSpec, LayerKind


def fruit(tmp_path):
    path = tmp_path / "fruit.csv"
    rows = [f"{100 + 7 * i},{(i * 37) % 10 / 10},{'apple' if i % 2 else 'pear'}" for i in range(40)]
    path.write_text("weight_g,colour,label\n" + "\n".join(rows) + "\n")
    return path


def labels(design, kind):
    (layer,) = design.layers_of_kind(kind)
    return [n.label for n in design.neurons_of(layer.id)]


def choose_csv_by_clicks(qtbot, ui, path, target):
    d = ui.panel.data
    d.ask_csv_path = lambda: str(path)

    def answer():
        dialog = QApplication.activeModalWidget()
        item = dialog.columns.findItems(target, Qt.MatchFlag.MatchExactly)[0]
        qtbot.mouseClick(dialog.columns.viewport(), Qt.MouseButton.LeftButton,
                         pos=dialog.columns.visualItemRect(item).center())
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(d.csv, Qt.MouseButton.LeftButton)


def small(sizes, output=Activation.SIGMOID):
    d = layered(sizes, output=output, name="named")
    initialize(d, np.random.default_rng(0))
    return d


def test_a_csv_file_names_the_inputs_and_the_output_in_one_undo_step(qtbot, tmp_path):
    window, ui = training_window(qtbot, small([2, 3, 1]))
    try:
        doc = window.document
        before = doc.undo_stack.count()
        choose_csv_by_clicks(qtbot, ui, fruit(tmp_path), "label")
        assert doc.design.dataset.source == "csv"
        assert labels(doc.design, LayerKind.INPUT) == ["weight_g", "colour"]
        assert labels(doc.design, LayerKind.OUTPUT) == ["pear"]  # one output says yes to the second class
        assert doc.undo_stack.count() == before + 1
        doc.undo()
        assert doc.design.dataset.source == "playground"
        assert labels(doc.design, LayerKind.INPUT) == ["", ""] and labels(doc.design, LayerKind.OUTPUT) == [""]
        doc.redo()
        assert labels(doc.design, LayerKind.INPUT) == ["weight_g", "colour"]
    finally:
        ui.shutdown()


def test_iris_names_the_classes_replacing_the_names_of_the_data_before_and_a_typed_label_stays(qtbot, tmp_path):
    design = small([4, 3, 3], output=Activation.SOFTMAX)
    path = tmp_path / "boxes.csv"
    path.write_text("h,w,d,mass,kind\n" + "".join(f"{i},{i % 3},{i % 5},{i % 7},{'abc'[i % 3]}\n" for i in range(30)))
    design.dataset = DatasetSpec("csv", path=str(path), targets=["kind"])
    for n, name in zip(design.neurons, ["h", "w", "d", "my width"]):  # named after the boxes, the last one typed
        n.label = name
    window, ui = training_window(qtbot, design)
    try:
        doc = window.document
        qtbot.mouseClick(ui.panel.data.iris, Qt.MouseButton.LeftButton)
        assert doc.design.dataset.source == "iris"
        assert labels(doc.design, LayerKind.INPUT) == ["sepal_length", "sepal_width", "petal_length", "my width"]
        assert labels(doc.design, LayerKind.OUTPUT) == ["setosa", "versicolor", "virginica"]
    finally:
        ui.shutdown()


def test_names_from_the_data_before_give_way_and_sizes_that_do_not_fit_are_left_alone():
    design = small([2, 3, 2])
    ins = design.neurons_of(design.layers_of_kind(LayerKind.INPUT)[0].id)
    ins[0].label, ins[1].label = "sepal_length", "typed"
    ops = label_ops(design, ["a", "b"], "classification", ["x", "y"], earlier={"sepal_length"})
    new = {op.target[1]: op.new for op in ops}
    outs = design.neurons_of(design.layers_of_kind(LayerKind.OUTPUT)[0].id)
    assert new == {ins[0].id: "a", outs[0].id: "x", outs[1].id: "y"}
    # Three classes for two outputs: the outputs keep their names; so do inputs of another count.
    assert {op.target[1] for op in label_ops(design, ["a", "b", "c"], "classification", ["x", "y", "z"], set())} \
        == set()
