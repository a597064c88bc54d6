"""The loss landscape: the map is the engine's training loss, the arrow is the
engine's gradient times the learning rate, steps descend, a large learning
rate diverges, and training elsewhere is traced across the map."""

from __future__ import annotations

import numpy as np
import pytest
from learn_testkit import click, type_into

import nnsim
from nnsim.app.learn.landscape import Landscape, find_param, params_of
from nnsim.app.learn.landscape_panel import RESOLUTION, LandscapePanel
from nnsim.app.learn.samples import load_samples
from nnsim.lessons.model import lessons_dir
from nnsim.session import Session


def bowl():
    return nnsim.load(lessons_dir() / "designs" / "descent-bowl.nnsim")


def test_the_map_is_the_engines_training_loss(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(LandscapePanel(t.hub))
    px, py = panel.current_params()
    assert px.kind == "w" and py.kind == "w" and px.key[1] == py.key[1]  # two weights into one neuron
    us, vs, loss = panel.grid
    assert loss.shape == (RESOLUTION, RESOLUTION)
    for i, j in [(0, 0), (7, 30), (20, 20), (40, 3)]:
        d = t.document.design.copy()
        d.connection(*px.key).weight = float(us[j])
        d.connection(*py.key).weight = float(vs[i])
        assert loss[i, j] == pytest.approx(Session(d).trainer.evaluate().train_loss, rel=1e-12)
    assert t.named("landscape_shown")[0].data["params"] == [px.name, py.name]


def test_the_arrow_is_minus_rate_times_the_engines_gradient(tool, qtbot):
    t = tool(bowl())
    panel = t.show(LandscapePanel(t.hub))
    panel.choose(["a", "out"], ["b", "out"])
    d = t.document.design
    session = Session(d.copy())
    net, data = session.network, session.data
    g = net.backward(net.forward(data.x_train), data.y_train)
    compiled = session.compiled
    grads = [float(g.dW[compiled.conn_block[k]][compiled.conn_row[k], compiled.conn_col[k]]) for k in (0, 1)]
    rate = d.training.learning_rate
    xs, ys = panel.arrow_shaft.getData()
    (u, v) = (d.connections[0].weight, d.connections[1].weight)
    assert (xs[0], ys[0]) == (u, v)
    assert xs[1] == pytest.approx(u - rate * grads[0], abs=1e-12)
    assert ys[1] == pytest.approx(v - rate * grads[1], abs=1e-12)


def test_steps_descend_and_are_one_undo_step_per_run(tool, qtbot):
    t = tool(bowl())
    panel = t.show(LandscapePanel(t.hub))
    start = [c.weight for c in t.document.design.connections]
    click(panel.step_button)
    click(panel.step_button)
    assert t.document.undo_stack.count() == 2
    losses = [e.data["loss"] for e in t.named("descent_step")]
    assert losses[1] < losses[0] < panel.losses[0]
    panel.timer.setInterval(1)
    click(panel.run_button)
    qtbot.waitUntil(lambda: len(t.named("descent_step")) >= 12, timeout=10_000)
    click(panel.stop_button)
    assert t.document.undo_stack.count() == 3  # the run merged into one step
    assert "Gradient descent on the landscape" in t.document.undo_stack.text(2)
    # The document follows: its two weights are the path's last point.
    assert tuple(c.weight for c in t.document.design.connections) == panel.path[-1]
    # Undo goes back along the path.
    for _ in range(3):
        t.document.undo_stack.undo()
    assert [c.weight for c in t.document.design.connections] == start
    assert len(panel.path) == 1


def test_a_large_learning_rate_diverges(tool, qtbot):
    t = tool(bowl())
    panel = t.show(LandscapePanel(t.hub))
    type_into(panel.rate, "3.5")
    assert t.document.design.training.learning_rate == 3.5  # the same setting training uses
    panel.timer.setInterval(1)
    click(panel.run_button)
    qtbot.waitUntil(lambda: bool(t.named("diverged")), timeout=10_000)
    assert not panel.timer.isActive()
    (event,) = t.named("diverged")
    assert event.data["source"] == "landscape" and event.data["learning_rate"] == 3.5
    assert "Diverged" in panel.status_box.text() and "3.5" in panel.status_box.text()
    assert not panel.arrow_head.isVisible()
    losses = [e.data["loss"] for e in t.named("descent_step")]
    assert losses[-1] > 100 * panel.losses[0]


def test_a_moderate_rate_converges_to_the_bottom(tool, qtbot):
    t = tool(bowl())
    panel = t.show(LandscapePanel(t.hub))
    for _ in range(80):
        panel.step()
    assert not t.named("diverged")
    gu, gv = panel.scape.gradient()
    assert abs(gu) < 1e-3 and abs(gv) < 1e-3


def test_training_elsewhere_is_traced_and_the_map_goes_stale(tool, qtbot):
    t = tool("xor-mlp")
    panel = t.show(LandscapePanel(t.hub))
    d = t.document.design.copy()
    nnsim.train(d, epochs=20)
    weights = [c.weight for c in d.connections]
    biases = [n.bias for n in d.neurons]
    t.document.set_numbers(weights, biases, "Train epochs 1–20")
    assert len(panel.train_path) == 1
    px, py = panel.current_params()
    assert panel.train_path[0] == (d.connection(*px.key).weight, d.connection(*py.key).weight)
    assert "out of date" in panel.status_box.text()
    click(panel.redraw_button)
    assert panel.train_path == [] and not panel.status_box.isVisible()


def test_choosing_parameters_by_lesson_names(tool, qtbot):
    t = tool(bowl())
    panel = t.show(LandscapePanel(t.hub))
    assert panel.choose(["b", "out"], ["bias", "out"])
    px, py = panel.current_params()
    assert px.name == "weight “b” → “out”" and py.name == "bias of “out”"
    assert find_param(t.document.design, ["nobody", "out"]) is None
    click_count = len(t.named("landscape_shown"))
    panel.x_box.setCurrentIndex(0)
    assert len(t.named("landscape_shown")) == click_count + 1


def test_landscape_descend_matches_plain_gradient_descent():
    d = bowl()
    samples, _ = load_samples(d)
    params = params_of(d)
    scape = Landscape(d, samples.x, samples.y, params[0], params[1])
    u, v = scape.values()
    gu, gv = scape.gradient()
    nu, nv, loss = scape.descend(0.5)
    assert (nu, nv) == (u - 0.5 * gu, v - 0.5 * gv)
    assert loss == scape.loss_at(nu, nv)
    x, y = samples.x, samples.y
    pred = x @ np.array([nu, nv]) + d.neurons[-1].bias
    assert loss == pytest.approx(0.5 * np.mean((pred - y[:, 0]) ** 2), rel=1e-12)
