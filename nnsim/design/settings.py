"""The allowed range of every number in the training settings and the data
set choice, in one table that the file reader and the trainer both use.

A value outside its range is refused when a file is loaded and again before
training starts (a design built or changed in code never reaches the file
reader), each time with one line naming the field: ``training.beta2: 1 is
outside [0, 1) (Adam divides by 1 − β²ᵗ, which would be 0)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnsim.design.model import DatasetSpec, GanSettings, TrainingSettings
from nnsim.engine.adversarial import MAX_PLAYER_STEPS
from nnsim.engine.vocab import MAX_EPOCHS, MAX_STEPS  # noqa: F401 - what a history can count

MAX_BATCH = 1_000_000
MAX_BPTT = 100_000  # time steps a chunk of truncated backpropagation through time may span
MAX_SEED = 2**63 - 1
MAX_POINTS = 10_000_000
MAX_WINDOW = 100_000  # rows in one window of a time series, and rows ahead of it
MAX_PATH = 4096  # characters of a CSV path


@dataclass(frozen=True)
class Range:
    """Numbers from ``low`` to ``high``; an open end excludes its value."""

    low: float
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    why: str = ""  # said after a refusal

    def problem(self, value: float) -> str | None:
        """Why ``value`` is not allowed (None if it is)."""
        if not math.isfinite(value):
            return f"{value} is not a finite number"
        below = value < self.low or (self.low_open and value == self.low)
        above = value > self.high or (self.high_open and value == self.high)
        if not (below or above):
            return None
        if self.high != math.inf:
            text = f"{value:g} is outside {self.interval()}"
        elif self.low_open:
            text = f"{value:g} must be greater than {self.low:g}"
        else:
            text = f"{value:g} must not be {'negative' if self.low == 0 else f'less than {self.low:g}'}"
        return f"{text} ({self.why})" if self.why else text

    def interval(self) -> str:
        """'[0, 1)', '(0, ∞)'."""
        high = "∞" if self.high == math.inf else f"{self.high:g}"
        closing = ")" if self.high_open or self.high == math.inf else "]"
        return f"{'(' if self.low_open else '['}{self.low:g}, {high}{closing}"


# Whole numbers: (lowest, highest).
WHOLE = {
    "training.batch_size": (1, MAX_BATCH),
    "training.epochs": (0, MAX_EPOCHS),
    "training.seed": (0, MAX_SEED),
    "training.bptt_steps": (0, MAX_BPTT),
    "dataset.seed": (0, MAX_SEED),
    "dataset.points": (1, MAX_POINTS),
    "dataset.window": (0, MAX_WINDOW),
    "dataset.horizon": (0, MAX_WINDOW),
    "ganPlayer.steps": (0, MAX_PLAYER_STEPS),
}

NUMBERS = {
    "training.learning_rate": Range(0.0, low_open=True),
    "training.momentum": Range(0.0, 1.0, high_open=True, why="at 1 or more the steps never die down"),
    "training.beta1": Range(0.0, 1.0, high_open=True, why="a decay rate: Adam divides by 1 − β₁ᵗ"),
    "training.beta2": Range(0.0, 1.0, high_open=True, why="a decay rate: Adam divides by 1 − β₂ᵗ"),
    "training.epsilon": Range(0.0, low_open=True),
    "training.regularization_rate": Range(0.0),
    "training.target_loss": Range(0.0, why="a loss is never negative"),
    "training.gradient_clip": Range(0.0),
    "dataset.noise": Range(0.0, 0.5),
    "dataset.train_ratio": Range(0.0, 1.0, low_open=True),
    "ganPlayer.learning_rate": Range(0.0, low_open=True),
    "gan.real_label": Range(0.5, 1.0, low_open=True, why="the target for real samples: 1, or a little less to smooth"),
}


def _problems(obj, prefix: str):
    for key, rng in NUMBERS.items():
        section, name = key.split(".")
        if section != prefix:
            continue
        value = getattr(obj, name)
        if value is None and name == "target_loss":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{key}: expected a number, found {type(value).__name__}"
            continue
        problem = rng.problem(float(value))
        if problem:
            yield f"{key}: {problem}"
    for key, (low, high) in WHOLE.items():
        section, name = key.split(".")
        if section != prefix:
            continue
        value = getattr(obj, name)
        if value is None and name == "points":
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            yield f"{key}: expected a whole number, found {type(value).__name__}"
        elif not low <= value <= high:
            yield f"{key}: {value} is outside {low}..{high}"


def path_problem(path: str) -> str | None:
    """Why a CSV path cannot name a file (None if it can)."""
    if "\0" in path:
        return "contains a NUL character, which no file name can"
    if len(path) > MAX_PATH:
        return f"{len(path):,} characters is longer than a path can be ({MAX_PATH:,})"
    return None


def gan_problem(gan: GanSettings | None) -> str | None:
    """The first GAN setting outside its range (``gan.discriminator.steps``...)."""
    if gan is None:
        return None
    problem = NUMBERS["gan.real_label"].problem(float(gan.real_label))
    if problem:
        return f"gan.real_label: {problem}"
    for group in ("discriminator", "generator"):
        player = getattr(gan, group)
        problem = NUMBERS["ganPlayer.learning_rate"].problem(float(player.learning_rate))
        if problem:
            return f"gan.{group}.learning_rate: {problem}"
        low, high = WHOLE["ganPlayer.steps"]
        if isinstance(player.steps, bool) or not isinstance(player.steps, int) or not low <= player.steps <= high:
            return f"gan.{group}.steps: {player.steps} is outside {low}..{high}"
    if gan.discriminator.steps + gan.generator.steps == 0:
        return "gan: a round needs at least one update (both players have 0 steps)"
    return None


def settings_problem(training: TrainingSettings, dataset: DatasetSpec, gan: GanSettings | None = None) -> str | None:
    """The first setting outside its range, as a one-line message, or None."""
    problem = gan_problem(gan)
    if problem:
        return problem
    for problem in _problems(training, "training"):
        return problem
    for problem in _problems(dataset, "dataset"):
        return problem
    if not isinstance(dataset.path, str):
        return f"dataset.path: expected text, found {type(dataset.path).__name__}"
    problem = path_problem(dataset.path)
    return f"dataset.path: {problem}" if problem else None
