"""GAN designs: two groups in one design, compiled to two networks, their
file round trip, strict reading of the GAN settings, the structure rules,
training through the session, the command line and ``nnsim.generate``."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim
from nnsim.design.build import connect_all, initialize
from nnsim.design.gan import compile_gan, gan_design, gan_problem
from nnsim.design.model import DatasetSpec, LearningRule, Optimizer
from nnsim.design.validate import DesignError
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR, GanLoss, GanSettings, Noise, PlayerSettings
from nnsim.io import FormatError
from nnsim.io.format import design_from_dict, design_to_dict
from nnsim.session import Session


def small(**kw) -> nnsim.Design:
    d = gan_design(2, 2, (4,), (5,), dataset=DatasetSpec(source="distribution", name="ring", points=600), **kw)
    initialize(d, np.random.default_rng(0))
    return d


def test_two_groups_compile_to_two_networks_shaped_for_each_other():
    d = small()
    assert {layer.group for layer in d.layers} == {GENERATOR, DISCRIMINATOR}
    players = compile_gan(d).players
    assert players.generator.n_inputs == 2 and players.generator.n_outputs == 2
    assert players.discriminator.n_inputs == 2 and players.discriminator.n_outputs == 1
    assert set(players.generator.parameters).isdisjoint(players.discriminator.parameters)


def test_file_round_trip_keeps_both_groups_their_weights_and_the_gan_settings():
    d = small(settings=GanSettings(loss=GanLoss.LEAST_SQUARES, real_label=0.9, noise=Noise.GAUSSIAN,
                                   discriminator=PlayerSettings(Optimizer.ADAM, 0.01, 3),
                                   generator=PlayerSettings(Optimizer.MOMENTUM, 0.05, 2)))
    d.dataset = DatasetSpec(source="distribution", name="drawn", drawn=[(0.1, 0.2), (0.7, 0.4)])
    nnsim.train(d, epochs=1)
    text = json.dumps(design_to_dict(d))
    back = design_from_dict(json.loads(text))
    assert back == d
    assert json.dumps(design_to_dict(back)) == text
    p0, p1 = compile_gan(d).players, compile_gan(back).players
    assert np.array_equal(p0.copy_params(), p1.copy_params())


def test_designs_without_gan_settings_write_no_gan_section_nor_drawn_points():
    out = design_to_dict(nnsim.example("xor-mlp"))
    assert "gan" not in out and "drawn" not in out["dataset"]


@pytest.mark.parametrize("change, message", [
    (lambda g: g.update(loss="hinge"), "gan.loss: unknown GAN loss 'hinge'"),
    (lambda g: g.update(real_label=0.4), "gan.real_label: 0.4 is outside (0.5, 1]"),
    (lambda g: g["discriminator"].update(steps=101), "gan.discriminator.steps: 101 is outside 0..100"),
    (lambda g: g["generator"].update(learning_rate=0), "gan.generator.learning_rate: 0 must be greater than 0"),
    (lambda g: g["generator"].update(optimizer="rmsprop"), "gan.generator.optimizer: unknown optimizer"),
    (lambda g: g.update(noise=3), "gan.noise: unknown noise 3"),
    (lambda g: g.update(discriminator=[]), "gan.discriminator: expected an object"),
])
def test_bad_gan_settings_are_refused_in_one_line_naming_the_field(change, message):
    data = design_to_dict(small())
    change(data["gan"])
    with pytest.raises(FormatError) as e:
        design_from_dict(data)
    assert message in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("bad, message", [
    ([0.1], "dataset.drawn[0]: expected a point [x, y]"),
    ([[0.1, "a"]], "dataset.drawn[0][1]: expected a number"),
    ({"x": 1}, "dataset.drawn: expected a list"),
])
def test_bad_drawn_points_are_refused_in_one_line(bad, message):
    data = design_to_dict(small())
    data["dataset"]["drawn"] = bad
    with pytest.raises(FormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        design_from_dict(data)


def test_missing_gan_fields_take_their_defaults():
    data = design_to_dict(small())
    data["gan"] = {"discriminator": {"steps": 2}}
    d = design_from_dict(data)
    assert d.gan == GanSettings(discriminator=PlayerSettings(steps=2))


def test_a_layer_outside_both_groups_is_named():
    d = small()
    d.layers[1].group = ""
    assert "has no group" in gan_problem(d) and d.layers[1].name in gan_problem(d)
    with pytest.raises(DesignError, match="has no group"):
        Session(d)


def test_a_connection_joining_the_groups_is_refused():
    d = small()
    g_out = next(layer for layer in d.layers if layer.group == GENERATOR and layer.kind.value == "output")
    d_hidden = next(layer for layer in d.layers if layer.group == DISCRIMINATOR and layer.kind.value == "hidden")
    connect_all(d, g_out.id, d_hidden.id)
    with pytest.raises(DesignError, match="joins the generator to the discriminator"):
        Session(d)


def test_generator_outputs_must_fit_the_discriminator_inputs():
    d = gan_design(2, 3, (4,), (4,), dataset=DatasetSpec(source="distribution", name="ring"))
    d.layers[0]  # noqa: B018
    d_in = next(layer for layer in d.layers if layer.group == DISCRIMINATOR and layer.kind.value == "input")
    removed = d.neurons_of(d_in.id)[0]
    d.connections = [c for c in d.connections if removed.id not in (c.source, c.target)]
    d.neurons.remove(removed)
    with pytest.raises(DesignError, match="the generator makes 3 number"):
        Session(d)


def test_the_discriminator_must_end_in_one_sigmoid():
    d = small()
    out = next(layer for layer in d.layers if layer.group == DISCRIMINATOR and layer.kind.value == "output")
    out.activation = nnsim.Activation.TANH
    with pytest.raises(DesignError, match="sigmoid"):
        Session(d)


def test_training_writes_both_players_numbers_back_and_the_history_has_both_losses():
    d = small()
    before = [c.weight for c in d.connections]
    summary = nnsim.train(d, epochs=2)
    assert summary.epochs == 2 and summary.status == "completed"
    after = [c.weight for c in d.connections]
    g_ids = {n.id for n in d.neurons if d.layer(n.layer).group == GENERATOR}
    changed = {c.source in g_ids for c, a, b in zip(d.connections, before, after) if a != b}
    assert changed == {True, False}  # both players learned
    assert {"generator", "discriminator", "js_divergence"} <= set(d.history[-1].losses)
    out = summary.as_dict()
    for key in ("discriminator_loss", "generator_loss", "js_divergence", "kl_divergence"):
        assert np.isfinite(out[key])


def test_training_continues_from_a_saved_history():
    d = small()
    nnsim.train(d, epochs=1)
    back = design_from_dict(design_to_dict(d))
    nnsim.train(back, epochs=1)
    assert [h.epoch for h in back.history] == [1, 2]


def test_generate_gives_n_samples_and_changes_nothing():
    d = small()
    before = design_to_dict(d)
    x = nnsim.generate(d, 7, seed=3)
    assert x.shape == (7, 2) and np.array_equal(x, nnsim.generate(d, 7, seed=3))
    assert design_to_dict(d) == before


def test_a_gan_on_tiny_images_trains():
    d = gan_design(4, 64, (16,), (16,), output=nnsim.Activation.SIGMOID,
                   dataset=DatasetSpec(source="digits", train_ratio=1.0))
    initialize(d, np.random.default_rng(0))
    d.training.batch_size = 50
    summary = nnsim.train(d, epochs=1)
    assert summary.status == "completed" and "js_divergence" not in summary.as_dict()
    assert nnsim.generate(d, 3).shape == (3, 64)


def test_the_rule_is_adversarial():
    assert small().training.rule == LearningRule.ADVERSARIAL
