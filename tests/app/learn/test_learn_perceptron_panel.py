"""The perceptron panel: AND and OR converge, XOR is reported as not linearly
separable (with the next lesson offered); the decision line moves after each
update, the rule is written out with the engine's numbers, and a run is one
undo step."""

from __future__ import annotations

import numpy as np
import pytest
from learn_testkit import click

import nnsim
from nnsim.app.learn.perceptron_panel import PerceptronPanel
from nnsim.lessons.model import lessons_dir


def perceptron(tool, design):
    t = tool(design)
    panel = t.show(PerceptronPanel(t.hub))
    return t, panel


def settle(panel, qtbot):
    click(panel.run_button)
    qtbot.waitUntil(lambda: not panel.timer.isActive(), timeout=30_000)


@pytest.mark.parametrize("design", ["perceptron-and", str(lessons_dir() / "designs" / "perceptron-or.nnsim")])
def test_converges_on_and_and_or(tool, qtbot, design):
    t, panel = perceptron(tool, nnsim.load(design) if design.endswith(".nnsim") else design)
    panel.timer.setInterval(1)
    settle(panel, qtbot)
    assert panel.trainer.status == "converged"
    assert "Settled" in panel.status_box.text() and "linearly separable" in panel.status_box.text()
    (finished,) = t.named("perceptron_finished")
    assert finished.data["status"] == "converged"
    # The trained numbers are in the document, and classify every sample right.
    d = t.document.design
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    want = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1]}[finished.data["data"]]
    assert list(nnsim.predict(d, x)[:, 0]) == want
    # The whole run is one undo step.
    assert t.document.undo_stack.count() == 1
    assert t.document.undo_stack.text(0).startswith("Perceptron:")
    assert not panel.run_button.isEnabled()


def test_xor_never_settles_and_offers_the_next_lesson(tool, qtbot):
    t, panel = perceptron(tool, "perceptron-xor")
    panel.timer.setInterval(1)
    requested = []
    t.hub.lesson_requested.connect(requested.append)
    settle(panel, qtbot)
    assert panel.trainer.status == "not_separable"
    text = panel.status_box.text()
    assert "never settle" in text and "not linearly separable" in text and "hidden layer" in text
    assert t.named("perceptron_finished")[0].data == {"status": "not_separable", "epochs": panel.trainer.epoch,
                                                       "data": "XOR"}
    click(panel.next_lesson_button)
    assert requested == ["hidden-layer-xor"]


def test_one_sample_writes_the_rule_and_moves_the_line(tool, qtbot):
    t, panel = perceptron(tool, "perceptron-and")
    line_before = [a.copy() for a in panel.line.getData()]
    rate = t.document.design.training.learning_rate
    # Click samples until the first mistake (an update).
    for _ in range(8):
        w_before = [c.weight for c in t.document.design.connections]
        b_before = t.document.design.neurons[-1].bias
        click(panel.one_button)
        update = t.named("perceptron_update")[-1]
        if update.data["mistake"]:
            break
    else:
        pytest.fail("no update in 8 samples")
    d = t.document.design
    e = update.data["error"][0]
    x = panel.session.data.x_train[update.data["sample"]]
    for k, c in enumerate(d.connections):
        assert c.weight == pytest.approx(w_before[k] + rate * e * x[k], abs=1e-12)
    assert d.neurons[-1].bias == pytest.approx(b_before + rate * e, abs=1e-12)
    html = panel.rule_text.toPlainText()
    assert f"Sample #{update.data['sample'] + 1}" in html and "error =" in html
    # The line moved, and the old one is drawn dashed.
    line_after = panel.line.getData()
    assert not (np.allclose(line_before[0], line_after[0]) and np.allclose(line_before[1], line_after[1]))
    assert len(panel.old_line.getData()[0]) == 2
    assert "sample" in panel.counter.text()


def test_the_line_is_where_the_neuron_switches(tool, qtbot):
    t, panel = perceptron(tool, "perceptron-and")
    for _ in range(6):
        click(panel.one_button)
    w1, w2, b, thr = panel._numbers()
    xs, ys = panel.line.getData()
    for x, y in zip(xs, ys):
        assert w1 * x + w2 * y + b == pytest.approx(thr, abs=1e-9)


def test_an_outside_edit_starts_afresh(tool, qtbot):
    t, panel = perceptron(tool, "perceptron-and")
    click(panel.epoch_button)
    assert panel.trainer.epoch == 1
    t.document.set_connection((2, 5), weight=0.9)
    assert panel.trainer.epoch == 0
    assert panel.session.design.connection(2, 5).weight == 0.9


def test_a_design_with_hidden_neurons_is_explained(tool, qtbot):
    t, panel = perceptron(tool, "xor-mlp")
    assert panel.trainer is None
    assert "single layer" in panel.status_box.text() and "hidden" in panel.status_box.text()
    assert not panel.one_button.isEnabled()


def test_a_rate_that_overflows_the_weights_is_divergence(tool, qtbot):
    """Learning rate 1e308 on AND: a weight becomes ±inf within two epochs.
    The panel says it diverged (not 'not linearly separable') and the
    document keeps finite weights."""
    design = nnsim.example("perceptron-and")
    design.training.learning_rate = 1e308
    t, panel = perceptron(tool, design)
    panel.timer.setInterval(1)
    settle(panel, qtbot)
    assert panel.trainer.status == "diverged"
    text = panel.status_box.text()
    assert "Diverged" in text and "smaller learning rate" in text and "separable" not in text
    rule = panel.rule_text.toPlainText()  # the step that overflowed, as computed
    assert "= inf" in rule and "the weights go back to those after epoch" in rule
    d = t.document.design
    assert all(np.isfinite(c.weight) for c in d.connections) and all(np.isfinite(n.bias) for n in d.neurons)
    (finished,) = t.named("perceptron_finished")
    assert finished.data["status"] == "diverged"
