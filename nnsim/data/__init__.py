"""Data sources: TensorFlow Playground sets, logic gates, Iris, CSV files,
the 8×8 handwritten digits and synthetic shapes (images).

``load_dataset(spec)`` turns a design's ``DatasetSpec`` into a ``Dataset``;
the same spec always gives bit-identical arrays (the spec's seed drives every
random draw). ``describe(spec)`` gives a short description for the user.
"""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import numpy as np

from ..design.model import DatasetSpec
from ..text import quote
from . import distributions, logic, playground
from .base import CLASSIFICATION, REGRESSION, DataError, Dataset, split
from .csv_file import load_csv
from .images import SHAPES_POINTS, load_digits, load_shapes
from .iris import IRIS_ROWS, IRIS_SPECIES, load_iris

SOURCES = ("playground", "logic", "iris", "csv", "digits", "shapes", "sequence", "distribution")

__all__ = [
    "CLASSIFICATION",
    "REGRESSION",
    "SOURCES",
    "DataError",
    "Dataset",
    "describe",
    "load_csv",
    "load_dataset",
    "load_iris",
    "split",
]


def load_dataset(spec: DatasetSpec, base_dir: Path | None = None) -> Dataset:
    """Make the data set ``spec`` describes.

    A relative CSV path is taken relative to ``base_dir`` (the design file's
    folder; None: the current directory). Raises ``DataError`` with a one-line
    message for anything wrong with the spec or the data.
    """
    source = _source(spec)
    rng = np.random.default_rng(_seed(spec))
    if source == "logic":
        return logic.load_logic(spec.name)
    train_ratio = _train_ratio(spec)
    if source == "iris":
        return load_iris(train_ratio, rng, normalize=bool(spec.normalize))
    if source == "digits":
        return load_digits(train_ratio, rng)
    if source == "sequence":
        return _load_sequence(spec)
    if source == "distribution":
        return distributions.load_distribution(spec.name, spec.points, rng, spec.drawn)
    if source == "shapes":
        return load_shapes(spec.points or SHAPES_POINTS, float(spec.noise), train_ratio, rng)
    if source == "csv":
        if not str(spec.path or "").strip():
            raise DataError("no CSV file chosen for the data set")
        path = Path(spec.path)
        text = spec.csv_text or None  # the data travels inside the design: the path only names it
        if text is None and not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        if spec.window:  # a time series, cut into windows for a recurrent network
            from .windows import load_csv_series

            return load_csv_series(path, list(spec.inputs), list(spec.targets), spec.window, spec.horizon,
                                   spec.targets_at, train_ratio, bool(spec.normalize), text=text)
        return load_csv(path, list(spec.targets), spec.task, train_ratio, rng, bool(spec.normalize),
                        scale_targets=bool(spec.scale_targets), text=text)
    return _load_playground(spec, train_ratio, rng)


def describe(spec: DatasetSpec) -> str:
    """A short description, e.g. "Spiral, noise 10%, 50% training",
    "Logic gate AND", "Iris (150 flowers, 3 species)" or
    "CSV data.csv -> species". Never raises."""
    source = str(spec.source).strip().lower()
    if source == "playground":
        key = str(spec.name).strip().lower()
        parts = [playground.TITLES.get(key, str(spec.name))]
        if spec.points is not None:
            parts.append(f"{spec.points} points")
        parts.append(f"noise {_percent(spec.noise)}")
        parts.append(f"{_percent(spec.train_ratio)} training")
        return ", ".join(parts)
    if source == "logic":
        return f"Logic gate {str(spec.name).strip().upper()}"
    if source == "iris":
        return f"Iris ({IRIS_ROWS} flowers, {len(IRIS_SPECIES)} species)"
    if source == "sequence":
        return f"Sequences: {str(spec.name).replace('_', ' ')}"
    if source == "distribution":
        key = str(spec.name).strip().lower()
        title = distributions.TITLES.get(key, str(spec.name))
        extra = f" ({len(spec.drawn):,} points drawn)" if key == "drawn" else ""
        return f"Points: {title}{extra}, {spec.points or distributions.POOL:,} samples"
    if source == "digits":
        return f"Handwritten digits (8×8 pixels, 1,797 images), {_percent(spec.train_ratio)} training"
    if source == "shapes":
        return (f"Shapes ({spec.points or SHAPES_POINTS} images of 10×10 pixels, 5 kinds), "
                f"noise {_percent(spec.noise)}, {_percent(spec.train_ratio)} training")
    if source == "csv":
        name = Path(str(spec.path)).name if str(spec.path or "").strip() else "(no file chosen)"
        targets = ", ".join(spec.targets) if spec.targets else "(no target chosen)"
        kept = " (kept in the design)" if spec.csv_text else ""
        if spec.window:
            ahead = f", {spec.horizon} row{'s' * (spec.horizon != 1)} ahead" if spec.horizon else ""
            return f"Time series {name}{kept}: windows of {spec.window} rows -> {targets}{ahead}"
        return f"CSV {name}{kept} -> {targets}"
    return f"Unknown data source '{spec.source}'"


def _load_playground(spec: DatasetSpec, train_ratio: float, rng: np.random.Generator) -> Dataset:
    """Generate a Playground set and split it as Playground does."""
    task = playground.task_of(spec.name)
    key = str(spec.name).strip().lower()
    x, y = playground.generate(key, spec.points, spec.noise, rng)
    x_train, y_train, x_test, y_test = split(x, y, train_ratio, rng)
    return Dataset(
        name=playground.TITLES[key],
        task=task,
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        feature_names=["x1", "x2"],
        target_names=["-1", "+1"] if task == CLASSIFICATION else ["y"],
        input_range=playground.INPUT_RANGE,
    )


_SEQUENCE_SIZES = ("n_train", "train_bits", "train_cycles", "train_strings")  # how each task counts its training part


def _load_sequence(spec: DatasetSpec):
    """A sequence task by name (``nnsim.data.sequences``): the spec's seed,
    and ``points`` as the number of training sequences (or bits, for a
    stream), where the task takes them."""
    from .sequences import make_task, tasks

    name = str(spec.name).strip().lower()
    maker = tasks().get(name)
    if maker is None:
        raise DataError(f"unknown sequence task {quote(spec.name)} (choose from {', '.join(tasks())})")
    accepted = inspect.signature(maker).parameters
    options = {"seed": int(spec.seed)} if "seed" in accepted else {}
    if spec.points is not None:
        first = next((p for p in accepted if p in _SEQUENCE_SIZES), None)
        if first is None:
            raise DataError(f"the sequence task {quote(name)} has a fixed size: leave the number of points unset")
        options[first] = int(spec.points)
    return make_task(name, **options)


def _source(spec: DatasetSpec) -> str:
    source = str(spec.source).strip().lower()
    if source not in SOURCES:
        raise DataError(f"unknown data source {quote(spec.source)} (choose from {', '.join(SOURCES)})")
    return source


def _seed(spec: DatasetSpec) -> int:
    seed = spec.seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise DataError(f"data seed {seed!r} must be a whole number >= 0")
    return int(seed)


def _train_ratio(spec: DatasetSpec) -> float:
    try:
        ratio = float(spec.train_ratio)
    except (TypeError, ValueError):
        raise DataError(f"training ratio {quote(spec.train_ratio)} is not a number") from None
    if not 0.0 < ratio <= 1.0 or math.isnan(ratio):
        raise DataError(f"training ratio {spec.train_ratio} is outside (0, 1]")
    return ratio


def _percent(value: float) -> str:
    """0.1 -> "10%"."""
    try:
        return f"{round(float(value) * 100, 1):g}%"
    except (TypeError, ValueError):
        return f"{value}%"
