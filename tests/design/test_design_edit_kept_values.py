"""An edit keeps the values it was made with: a panel that goes on changing
its own copy afterwards changes neither the design nor the undo history;
an edit of something no longer there names it."""

from __future__ import annotations

import copy

import pytest

import nnsim
from nnsim.design.edits import SetField, apply_ops, inverse_ops, set_fields
from nnsim.design.model import DatasetSpec
from nnsim.engine.adversarial import GanLoss


def test_a_data_set_drawn_on_after_the_edit_is_stored_as_it_was_then():
    d = nnsim.example("xor-mlp")
    before = copy.deepcopy(d)
    spec = DatasetSpec(source="distribution", name="drawn", drawn=[(0.0, 1.0)], targets=["y"])
    ops = set_fields(("design", None), d, dataset=spec)
    spec.drawn.append((2.0, 3.0))  # the Data panel goes on drawing into its own spec
    spec.targets.clear()
    apply_ops(d, ops)
    assert d.dataset.drawn == [(0.0, 1.0)] and d.dataset.targets == ["y"]
    apply_ops(d, inverse_ops(ops))
    assert d == before
    apply_ops(d, ops)  # redo, after more drawing
    assert d.dataset.drawn == [(0.0, 1.0)]


def test_changing_the_design_in_place_after_an_edit_leaves_its_redo_alone():
    """Python code may change a design's value in place; undo and redo then
    still set the value the edit was made with."""
    d = nnsim.example("xor-mlp")
    ops = set_fields(("design", None), d, dataset=DatasetSpec(source="distribution", name="drawn",
                                                              drawn=[(0.0, 1.0)]))
    apply_ops(d, ops)
    d.dataset.drawn.append((5.0, 5.0))
    apply_ops(d, inverse_ops(ops))
    apply_ops(d, ops)
    assert d.dataset.drawn == [(0.0, 1.0)]


def test_a_gan_s_settings_and_each_player_s_are_edits_that_undo():
    """The GAN panel's edits: the loss for both players, one player's steps
    and learning rate; each reported as a settings change."""
    d = nnsim.example("gan-line")
    before = copy.deepcopy(d)
    gen = d.gan.generator
    steps, rate = gen.steps + 2, gen.learning_rate * 3
    ops = (set_fields(("gan", None), d.gan, loss=GanLoss.LEAST_SQUARES, real_label=0.9)
           + set_fields(("gan", "generator"), gen, steps=steps, learning_rate=rate))
    change = apply_ops(d, ops)
    assert change.settings and not change.structural and not any(change.changed.values())
    assert (d.gan.loss, d.gan.real_label) == (GanLoss.LEAST_SQUARES, 0.9)
    assert (d.gan.generator.steps, d.gan.generator.learning_rate) == (steps, rate)
    assert d.gan.discriminator == before.gan.discriminator
    undo = apply_ops(d, inverse_ops(ops))
    assert undo.settings and d == before


@pytest.mark.parametrize("target, words", [
    (("connection", (998, 999)), "no connection (998, 999)"),
    (("link", (998, 999)), "no link (998, 999)"),
    (("neuron", 999), "999"),
    (("weights", 999), "weights"),
])
def test_an_edit_of_something_no_longer_there_names_it(target, words):
    d = nnsim.example("xor-mlp")
    before = copy.deepcopy(d)
    with pytest.raises(KeyError, match=words.replace("(", r"\(").replace(")", r"\)")):
        apply_ops(d, [SetField(target, "weight", 0.0, 1.0)])
    assert d == before
