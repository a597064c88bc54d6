"""The training settings' ranges as a user meets them: each refusal word for
word, at both sides of every edge, and the order in which the first problem
is named."""

from __future__ import annotations

import math

import pytest

from nnsim.design.model import DatasetSpec, TrainingSettings
from nnsim.design.settings import NUMBERS, WHOLE, Range, gan_problem, path_problem, settings_problem
from nnsim.engine.adversarial import GanSettings, PlayerSettings


def _training(**values):
    return settings_problem(TrainingSettings(**values), DatasetSpec())


def _dataset(**values):
    return settings_problem(TrainingSettings(), DatasetSpec(**values))


@pytest.mark.parametrize("rng, text", [
    (Range(0.0), "[0, ∞)"), (Range(0.0, low_open=True), "(0, ∞)"), (Range(0.0, 1.0), "[0, 1]"),
    (Range(0.0, 1.0, high_open=True), "[0, 1)"), (Range(0.5, 1.0, low_open=True), "(0.5, 1]"),
    (Range(-2.5, 3.0, low_open=True, high_open=True), "(-2.5, 3)"),
])
def test_a_range_is_written_as_an_interval(rng, text):
    assert rng.interval() == text


@pytest.mark.parametrize("rng, value, words", [
    (Range(0.0, 1.0, high_open=True, why="a reason"), 1.0, "1 is outside [0, 1) (a reason)"),
    (Range(0.0, 1.0, high_open=True), 1.0, "1 is outside [0, 1)"),
    (Range(0.0, 1.0, high_open=True), -0.25, "-0.25 is outside [0, 1)"),
    (Range(0.0, 1.0), 1.5, "1.5 is outside [0, 1]"),
    (Range(0.5, 1.0, low_open=True), 0.5, "0.5 is outside (0.5, 1]"),
    (Range(0.0, low_open=True), 0.0, "0 must be greater than 0"),
    (Range(0.0, low_open=True), -3.0, "-3 must be greater than 0"),
    (Range(2.0, low_open=True, why="why"), 1.0, "1 must be greater than 2 (why)"),
    (Range(0.0), -1.0, "-1 must not be negative"),
    (Range(0.0), -1e-300, "-1e-300 must not be negative"),
    (Range(2.0), 1.5, "1.5 must not be less than 2"),
    (Range(2.0, why="w"), 1.5, "1.5 must not be less than 2 (w)"),
    (Range(0.0), math.inf, "inf is not a finite number"),
    (Range(0.0), -math.inf, "-inf is not a finite number"),
    (Range(0.0, 1.0), math.nan, "nan is not a finite number"),
])
def test_a_range_refuses_in_these_words(rng, value, words):
    assert rng.problem(value) == words


@pytest.mark.parametrize("rng, value", [
    (Range(0.0, 1.0, high_open=True), 0.0), (Range(0.0, 1.0, high_open=True), 0.999999),
    (Range(0.0, 1.0), 1.0), (Range(0.0, 1.0), 0.0), (Range(0.5, 1.0, low_open=True), 0.5000001),
    (Range(0.0, low_open=True), 1e-300), (Range(0.0), 0.0), (Range(0.0), 1e300), (Range(2.0), 2.0),
])
def test_a_range_takes_its_edges_when_closed(rng, value):
    assert rng.problem(value) is None


@pytest.mark.parametrize("values, words", [
    ({"learning_rate": 0.0}, "training.learning_rate: 0 must be greater than 0"),
    ({"momentum": 1.0}, "training.momentum: 1 is outside [0, 1) (at 1 or more the steps never die down)"),
    ({"beta1": 1.0}, "training.beta1: 1 is outside [0, 1) (a decay rate: Adam divides by 1 − β₁ᵗ)"),
    ({"beta2": -0.5}, "training.beta2: -0.5 is outside [0, 1) (a decay rate: Adam divides by 1 − β₂ᵗ)"),
    ({"epsilon": 0.0}, "training.epsilon: 0 must be greater than 0"),
    ({"regularization_rate": -0.5}, "training.regularization_rate: -0.5 must not be negative"),
    ({"target_loss": -1.0}, "training.target_loss: -1 must not be negative (a loss is never negative)"),
    ({"gradient_clip": -2.0}, "training.gradient_clip: -2 must not be negative"),
    ({"learning_rate": "fast"}, "training.learning_rate: expected a number, found str"),
    ({"momentum": True}, "training.momentum: expected a number, found bool"),
    ({"target_loss": "x"}, "training.target_loss: expected a number, found str"),
    ({"learning_rate": math.inf}, "training.learning_rate: inf is not a finite number"),
    ({"batch_size": 0}, "training.batch_size: 0 is outside 1..1000000"),
    ({"batch_size": 1_000_001}, "training.batch_size: 1000001 is outside 1..1000000"),
    ({"batch_size": 2.0}, "training.batch_size: expected a whole number, found float"),
    ({"batch_size": True}, "training.batch_size: expected a whole number, found bool"),
    ({"epochs": -1}, "training.epochs: -1 is outside 0..1000000000"),
    ({"seed": 2**63}, f"training.seed: {2**63} is outside 0..{2**63 - 1}"),
    ({"bptt_steps": 100_001}, "training.bptt_steps: 100001 is outside 0..100000"),
    # the first problem in the table's order
    ({"momentum": 2.0, "learning_rate": 0.0}, "training.learning_rate: 0 must be greater than 0"),
    ({"batch_size": 0, "gradient_clip": -1.0}, "training.gradient_clip: -1 must not be negative"),
    ({"seed": -1, "batch_size": 0}, "training.batch_size: 0 is outside 1..1000000"),
])
def test_training_settings_are_refused_in_these_words(values, words):
    assert _training(**values) == words


@pytest.mark.parametrize("values", [
    {"target_loss": None}, {"target_loss": 0.0}, {"learning_rate": 1e-12}, {"momentum": 0.0}, {"beta2": 0.0},
    {"batch_size": 1}, {"batch_size": 1_000_000}, {"epochs": 0}, {"epochs": 1_000_000_000}, {"seed": 2**63 - 1},
    {"bptt_steps": 100_000}, {"learning_rate": 3}, {"gradient_clip": 0},
])
def test_training_settings_at_their_edges_pass(values):
    assert _training(**values) is None


@pytest.mark.parametrize("values, words", [
    ({"noise": 0.75}, "dataset.noise: 0.75 is outside [0, 0.5]"),
    ({"noise": -0.1}, "dataset.noise: -0.1 is outside [0, 0.5]"),
    ({"train_ratio": 0.0}, "dataset.train_ratio: 0 is outside (0, 1]"),
    ({"train_ratio": 1.5}, "dataset.train_ratio: 1.5 is outside (0, 1]"),
    ({"noise": None}, "dataset.noise: expected a number, found NoneType"),
    ({"seed": -1}, "dataset.seed: -1 is outside 0..9223372036854775807"),
    ({"points": 0}, "dataset.points: 0 is outside 1..10000000"),
    ({"points": 10_000_001}, "dataset.points: 10000001 is outside 1..10000000"),
    ({"points": 5.0}, "dataset.points: expected a whole number, found float"),
    ({"window": -1}, "dataset.window: -1 is outside 0..100000"),
    ({"horizon": 100_001}, "dataset.horizon: 100001 is outside 0..100000"),
    ({"path": 3}, "dataset.path: expected text, found int"),
    ({"path": "a\0b"}, "dataset.path: contains a NUL character, which no file name can"),
    ({"path": "x" * 4097}, "dataset.path: 4,097 characters is longer than a path can be (4,096)"),
    ({"noise": 0.9, "seed": -1}, "dataset.noise: 0.9 is outside [0, 0.5]"),
    ({"seed": -1, "path": 3}, "dataset.seed: -1 is outside 0..9223372036854775807"),
])
def test_dataset_settings_are_refused_in_these_words(values, words):
    assert _dataset(**values) == words


@pytest.mark.parametrize("values", [
    {"points": None}, {"points": 1}, {"points": 10_000_000}, {"noise": 0.5}, {"train_ratio": 1.0},
    {"window": 100_000}, {"horizon": 0}, {"path": "x" * 4096}, {"seed": 2**63 - 1},
])
def test_dataset_settings_at_their_edges_pass(values):
    assert _dataset(**values) is None


def test_training_is_named_before_the_data():
    assert settings_problem(TrainingSettings(batch_size=0), DatasetSpec(noise=1.0)) \
        == "training.batch_size: 0 is outside 1..1000000"


def test_the_path_check_alone():
    assert path_problem("") is None
    assert path_problem("d" * 4096) is None
    assert path_problem("d" * 5000) == "5,000 characters is longer than a path can be (4,096)"


def _gan(real_label=1.0, d=None, g=None):
    return GanSettings(real_label=real_label, discriminator=d or PlayerSettings(), generator=g or PlayerSettings())


@pytest.mark.parametrize("gan, words", [
    (None, None), (_gan(), None), (_gan(real_label=0.51), None),
    (_gan(d=PlayerSettings(steps=0)), None), (_gan(g=PlayerSettings(steps=100)), None),
    (_gan(real_label=0.5),
     "gan.real_label: 0.5 is outside (0.5, 1] (the target for real samples: 1, or a little less to smooth)"),
    (_gan(real_label=1.25),
     "gan.real_label: 1.25 is outside (0.5, 1] (the target for real samples: 1, or a little less to smooth)"),
    (_gan(d=PlayerSettings(learning_rate=0.0)), "gan.discriminator.learning_rate: 0 must be greater than 0"),
    (_gan(g=PlayerSettings(learning_rate=-1.0)), "gan.generator.learning_rate: -1 must be greater than 0"),
    (_gan(d=PlayerSettings(steps=101)), "gan.discriminator.steps: 101 is outside 0..100"),
    (_gan(g=PlayerSettings(steps=-1)), "gan.generator.steps: -1 is outside 0..100"),
    (_gan(g=PlayerSettings(steps=True)), "gan.generator.steps: True is outside 0..100"),
    (_gan(g=PlayerSettings(steps=2.0)), "gan.generator.steps: 2.0 is outside 0..100"),
    (_gan(d=PlayerSettings(steps=0), g=PlayerSettings(steps=0)),
     "gan: a round needs at least one update (both players have 0 steps)"),
    (_gan(real_label=0.0, d=PlayerSettings(steps=-1)),
     "gan.real_label: 0 is outside (0.5, 1] (the target for real samples: 1, or a little less to smooth)"),
    (_gan(d=PlayerSettings(steps=-1), g=PlayerSettings(learning_rate=0.0)),
     "gan.discriminator.steps: -1 is outside 0..100"),
    (_gan(d=PlayerSettings(learning_rate=0.0, steps=-1)), "gan.discriminator.learning_rate: 0 must be greater than 0"),
])
def test_gan_settings_are_refused_in_these_words(gan, words):
    assert gan_problem(gan) == words


def test_the_gan_is_named_before_the_training():
    problem = settings_problem(TrainingSettings(batch_size=0), DatasetSpec(), _gan(real_label=2.0))
    assert problem.startswith("gan.real_label: 2 is outside")
    assert settings_problem(TrainingSettings(batch_size=0), DatasetSpec(), _gan()) \
        == "training.batch_size: 0 is outside 1..1000000"


def test_the_tables_cover_every_number_setting():
    assert set(WHOLE) >= {"training.batch_size", "training.epochs", "dataset.points", "ganPlayer.steps"}
    assert NUMBERS["training.learning_rate"] == Range(0.0, low_open=True)
