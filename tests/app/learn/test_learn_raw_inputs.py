"""The step-through on standardised data (Iris): a sample chosen from the
list is named by the file's values, and the input neurons show the file's
value beside the standardised one the network takes."""

from __future__ import annotations

from learn_testkit import click
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.app.learn.step_panel import StepThroughPanel
from nnsim.explain import fmt


def test_iris_inputs_show_the_files_values_beside_the_standardised_ones(tool, qtbot):
    t = tool("iris")
    panel = t.show(StepThroughPanel(t.hub))
    ds = panel.samples.dataset
    assert ds.x_scaling is not None
    panel.sample_box.setFocus()
    QTest.keyClick(panel.sample_box, Qt.Key.Key_Down)  # the next sample in the list
    i = panel.sample
    assert i is not None and panel.sample_box.currentIndex() == i + 1
    raw = ds.raw_inputs(ds.x_train[i])
    # The list names the sample by the flower's measurements in cm.
    assert panel.sample_box.currentText().startswith(f"#{i + 1}: ({fmt(raw[0], 3)}, {fmt(raw[1], 3)}")
    assert abs(panel.inputs()[0] - ds.x_train[i, 0]) < 1e-3  # the network takes the standardised value
    first = panel.walk.frames[0]
    text = "\n".join(first.lines)
    assert f"(sepal_length {fmt(raw[0])} in the file, standardised)" in text
    neurons = panel.overlay.texts()["neurons"]
    inputs = [nid for nid in neurons if f"(sepal_length {fmt(raw[0])})" in neurons[nid]]
    assert len(inputs) == 1
    assert t.scene.neuron_items[inputs[0]].value == panel.inputs()[0]  # the neuron shows what the network takes
    # Typed inputs are the learner's own: no file values beside them.
    click(panel.next_button)
    panel.set_inputs([0.0, 0.0, 0.0, 0.0])
    assert all("in the file" not in line for line in panel.walk.frames[0].lines)
