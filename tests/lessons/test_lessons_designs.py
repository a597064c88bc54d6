"""The designs the lessons open do what the lessons say they do."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design import recipes
from nnsim.design.edits import apply_ops
from nnsim.design.model import LayerKind
from nnsim.lessons.model import lessons_dir


def lesson_design(name: str):
    return nnsim.load(lessons_dir() / "designs" / f"{name}.nnsim")


def test_the_designs_are_up_to_date_with_their_generator(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_designs", lessons_dir() / "designs" / "make_designs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, build in module.DESIGNS.items():
        nnsim.save(build(), tmp_path / f"{name}.nnsim")
        assert (tmp_path / f"{name}.nnsim").read_text() == (lessons_dir() / "designs" / f"{name}.nnsim").read_text()


def test_xor_needs_the_hidden_layer_the_learner_adds():
    alone = lesson_design("xor-no-hidden")
    assert nnsim.train(alone.copy(), epochs=300).train_accuracy < 1.0
    for seed in range(5):  # the window draws the new weights at random
        d = lesson_design("xor-no-hidden")
        rng = np.random.default_rng(seed)
        hidden, ops = recipes.add_layer(d, LayerKind.HIDDEN, 2, 180, 0)
        apply_ops(d, ops)
        inputs, output = d.layers_of_kind(LayerKind.INPUT)[0].id, d.layers_of_kind(LayerKind.OUTPUT)[0].id
        apply_ops(d, recipes.connect_layers(d, inputs, hidden, rng))
        apply_ops(d, recipes.connect_layers(d, hidden, output, rng))
        assert nnsim.train(d, epochs=300, seed=seed).train_accuracy == 1.0


@pytest.mark.parametrize("gate", ["perceptron-or"])
def test_the_or_perceptron_converges(gate):
    summary = nnsim.train(lesson_design(gate))
    assert summary.status == "converged"


def test_the_bowl_converges_slowly_and_diverges_fast():
    from nnsim.app.learn.landscape import Landscape, diverged, find_param
    from nnsim.app.learn.samples import load_samples

    d = lesson_design("descent-bowl")
    samples, _ = load_samples(d)
    px, py = find_param(d, ["a", "out"]), find_param(d, ["b", "out"])
    for rate, blows_up in [(0.5, False), (2.2, False), (3.5, True)]:
        scape = Landscape(d, samples.x, samples.y, px, py)
        losses = [scape.loss()]
        for _ in range(60):
            losses.append(scape.descend(rate)[2])
            if diverged(losses):
                break
        assert diverged(losses) is blows_up, rate
        if not blows_up:
            assert losses[-1] < 0.5 * losses[0]


def test_depth_helps_on_the_spiral():
    shallow = nnsim.train(lesson_design("spiral-shallow"), epochs=300)
    deep = nnsim.train(nnsim.example("spiral-deep"), epochs=300)
    assert deep.train_loss < 0.5 * shallow.train_loss
    assert deep.train_accuracy >= 0.9 > shallow.train_accuracy


def test_temporal_xor_learns_once_the_learner_draws_the_loop():
    """Lesson "A loop gives memory": the loop-less network with a loop added
    as the canvas adds it (connect all recurrently, new weights at random)."""
    from nnsim.criteria import CRITERIA
    from nnsim.session import Session

    for seed in range(2):
        d = nnsim.example("temporal-xor-mlp")
        hidden = d.layers_of_kind(LayerKind.HIDDEN)[0].id
        apply_ops(d, recipes.connect_layers(d, hidden, hidden, np.random.default_rng(seed), delay=1))
        s = Session(d)
        s.trainer.train_epochs(6, evaluate=False)
        assert CRITERIA["temporal-xor-rnn"].measure(s) >= 0.95


def test_the_network_without_a_forget_gate_is_the_one_the_forget_gate_test_trains():
    """Lesson "Why forget?": the same numbers as the continual Reber test's
    network without its forget gate (whose claim that test checks)."""
    from nnsim.design.build import initialize

    d = lesson_design("continual-reber-no-forget")
    twin = nnsim.example("continual-reber-lstm")
    lstm = next(layer for layer in twin.layers if layer.type == "lstm")
    lstm.options["forget_gate"] = False
    initialize(twin, np.random.default_rng(1))
    mine = next(layer for layer in d.layers if layer.type == "lstm")
    assert mine.options["forget_gate"] is False
    assert set(mine.arrays) == set(lstm.arrays)
    for name, a in mine.arrays.items():
        np.testing.assert_array_equal(np.asarray(a.values), np.asarray(lstm.arrays[name].values))
    for a, b in zip(d.links, twin.links):
        if a.weights is not None:
            np.testing.assert_array_equal(np.asarray(a.weights.values), np.asarray(b.weights.values))
