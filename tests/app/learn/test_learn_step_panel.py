"""The step-through panel, driven with clicks: the article's neuron and the
XOR network, forward and backward; the numbers on the canvas; the update,
its undo, and the events the lessons hear."""

from __future__ import annotations

import pytest
from learn_testkit import click, type_into

from nnsim.app.learn.step_panel import StepThroughPanel
from nnsim.app.learn.walkthrough import BACKWARD_PHASE, build_walkthrough
from nnsim.explain import fmt


def test_the_articles_neuron_shows_its_arithmetic_on_the_canvas(tool, qtbot):
    t = tool("article-neuron")
    panel = t.show(StepThroughPanel(t.hub))
    panel.set_inputs([0.5, 0.6])
    assert not panel.want_check.isChecked()
    assert t.scene.neuron_items[2].value == 0.5  # the canvas shows the inputs
    click(panel.next_button)
    texts = panel.overlay.texts()["neurons"]
    assert texts[5] == "0.5×0.5 + 0.6×0.7 + 0 = 0.67\nstep at 0.5 → 1"
    assert t.scene.neuron_items[5].value == 1.0
    assert t.scene.neuron_items[5].highlighted
    assert "0.5×0.5 + 0.6×0.7 + 0 = 0.67" in panel.text.toPlainText()
    assert "0.67 is above the threshold 0.5, so the output is 1" in panel.text.toPlainText()
    assert not panel.next_button.isEnabled()  # forward only: no wanted output
    (done,) = t.named("forward_done")
    assert done.data["inputs"] == [0.5, 0.6] and done.data["outputs"] == [1.0]


def test_typing_an_input_recomputes_in_place(tool, qtbot):
    t = tool("article-neuron")
    panel = t.show(StepThroughPanel(t.hub))
    panel.set_inputs([0.5, 0.6])
    click(panel.next_button)
    type_into(panel.input_spins[0], "0.2")
    type_into(panel.input_spins[1], "0.3")
    assert panel.overlay.texts()["neurons"][5] == "0.2×0.5 + 0.3×0.7 + 0 = 0.31\nstep at 0.5 → 0"
    assert t.named("forward_done")[-1].data["outputs"] == [0.0]
    assert panel.sample is None and panel.sample_box.currentIndex() == 0


def test_xor_forward_and_backward_match_the_engine(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(StepThroughPanel(t.hub))
    panel.choose_sample(1)  # (0, 1) -> 1
    assert panel.inputs() == [0.0, 1.0] and panel.target() == [1.0]
    walk = build_walkthrough(t.document.design, [0, 1], [1])
    seen_backward = []
    while panel.next_button.isEnabled():
        click(panel.next_button)
        frame = panel.walk.frames[panel.index]
        texts = panel.overlay.texts()
        if frame.phase == BACKWARD_PHASE:
            step = walk.trace.neuron(frame.neuron)
            assert texts["neurons"][frame.neuron].startswith(f"δ = {fmt(step.delta)}")
            for pair in frame.connections:
                c = next(c for c in walk.trace.connections if (c.source, c.target) == pair)
                assert texts["connections"][pair].startswith(f"∂L/∂w {fmt(c.gradient)}")
            seen_backward.append(frame.neuron)
    assert seen_backward == [9, 7, 6, 5]
    assert [e.name for e in t.events if e.name.endswith("_done")] == ["forward_done", "backward_done"]
    assert t.named("backward_done")[0].data["loss"] == walk.trace.loss
    assert "The update" in panel.phase_label.text()


def test_back_and_start_go_back_through_the_walk(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(StepThroughPanel(t.hub))
    for _ in range(3):
        click(panel.next_button)
    assert panel.index == 3
    click(panel.back_button)
    assert panel.index == 2
    click(panel.start_button)
    assert panel.index == 0 and not panel.back_button.isEnabled()


def test_play_animates_to_the_end(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(StepThroughPanel(t.hub))
    panel.speed.setValue(10)
    click(panel.play_button)
    assert panel.play_button.text() == "⏸ Pause"
    qtbot.waitUntil(panel.at_end, timeout=10_000)
    qtbot.waitUntil(lambda: panel.play_button.text() == "▶ Play", timeout=2000)
    assert t.named("backward_done")


def test_applying_the_update_lowers_the_loss_and_undoes(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(StepThroughPanel(t.hub))
    panel.choose_sample(1)
    before_numbers = ([c.weight for c in t.document.design.connections], [n.bias for n in t.document.design.neurons])
    walk = build_walkthrough(t.document.design, [0, 1], [1])
    click(panel.apply_button)
    (applied,) = t.named("update_applied")
    assert applied.data["loss_before"] == walk.trace.loss
    assert applied.data["loss_after"] < applied.data["loss_before"] and applied.data["improved"]
    assert "went from" in panel.result_box.text() and "lower" in panel.result_box.text()
    weights, biases = walk.new_numbers()
    assert [c.weight for c in t.document.design.connections] == list(weights)
    assert [n.bias for n in t.document.design.neurons] == list(biases)
    after = build_walkthrough(t.document.design, [0, 1], [1])
    assert applied.data["loss_after"] == after.trace.loss
    assert t.document.undo_stack.count() == 1
    t.document.undo_stack.undo()
    assert ([c.weight for c in t.document.design.connections], [n.bias for n in t.document.design.neurons]) == (
        before_numbers
    )
    assert panel.walk.trace.loss == walk.trace.loss


def test_a_design_that_cannot_run_says_why(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(StepThroughPanel(t.hub))
    t.document.remove(neurons=[n.id for n in t.document.design.neurons if n.layer == 1])
    assert panel.walk is None
    assert panel.problem_box.isVisible() and "cannot be computed" in panel.problem_box.text()
    assert not panel.next_button.isEnabled()
    t.document.undo_stack.undo()
    assert panel.walk is not None and not panel.problem_box.isVisible()


def test_hidden_panel_draws_nothing(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(StepThroughPanel(t.hub))
    click(panel.next_button)
    assert panel.overlay.items
    panel.hide()
    assert not panel.overlay.items
    assert not any(item.highlighted for item in t.scene.neuron_items.values())
    assert all(item.value is None for item in t.scene.neuron_items.values())


@pytest.mark.parametrize("name", ["iris", "spiral-deep", "circle"])
def test_bigger_examples_walk_to_the_end(tool, qtbot, name):
    t = tool(name)
    panel = t.show(StepThroughPanel(t.hub))
    while panel.next_button.isEnabled():
        panel.next()
    assert panel.walk.has_backward and t.named("backward_done")


def test_a_wide_layer_labels_only_the_connections_that_matter(tool, qtbot):
    import numpy as np

    from nnsim.app.learn.overlay import MAX_WIRE_LABELS
    from nnsim.design.build import initialize, layered
    from nnsim.design.model import Activation

    d = layered([30, 4, 1], Activation.TANH, Activation.SIGMOID)
    initialize(d, np.random.default_rng(2))
    t = tool(d)
    panel = t.show(StepThroughPanel(t.hub))
    panel.set_inputs(list(np.linspace(-1, 1, 30)), [1.0])
    hidden = {n.id for n in d.neurons_of(d.layers[1].id)}
    while panel.walk.frames[panel.index].phase != BACKWARD_PHASE or panel.walk.frames[panel.index].neuron not in hidden:
        panel.next()
    frame = panel.walk.frames[panel.index]
    assert len(frame.conn_labels) == 30
    shown = panel.overlay.texts()["connections"]
    assert len(shown) == MAX_WIRE_LABELS
    top = sorted(frame.weights_of_interest, key=lambda p: -frame.weights_of_interest[p])[:MAX_WIRE_LABELS]
    assert set(shown) == set(top)


def test_a_frozen_connection_shows_its_true_gradient_and_says_it_is_not_applied(tool, qtbot):
    import nnsim

    design = nnsim.example("xor-mlp")
    frozen = next(c for c in design.connections if c.target == 9)  # into the output neuron
    frozen.frozen = True
    pair = (frozen.source, frozen.target)
    t = tool(design)
    panel = t.show(StepThroughPanel(t.hub))
    panel.choose_sample(1)
    walk = build_walkthrough(t.document.design, [0, 1], [1])
    true = next(c for c in walk.trace.connections if (c.source, c.target) == pair)
    assert abs(true.gradient) > 1e-3 and true.change == 0.0
    while not (panel.walk.frames[panel.index].phase == BACKWARD_PHASE and panel.walk.frames[panel.index].neuron == 9):
        click(panel.next_button)
    label = panel.overlay.texts()["connections"][pair]
    assert label == f"∂L/∂w {fmt(true.gradient)}\nfrozen: not applied"
    text = panel.text.toPlainText()
    assert f"= {fmt(true.gradient)}; not applied, because the connection is frozen: it stays {fmt(frozen.weight)}" in text
