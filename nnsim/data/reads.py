"""Which settings of a data set each source reads, so that a panel offers
those and nothing else: noise means something for Playground's points and
the synthetic shapes, not for the digits; a sequence task brings its own
training and test parts, so it has no training share, and some tasks take a
number of training sequences (or bits, cycles, strings) and a seed.

``fields_read(spec)`` names the ``DatasetSpec`` fields its source reads
(``noise``, ``train_ratio``, ``seed``, ``normalize``, ``points``);
``points_meaning(spec)`` says what ``points`` counts there and its default.
"""

from __future__ import annotations

import inspect

from nnsim.design.model import DatasetSpec

# Fields of DatasetSpec each source reads (a sequence task's depend on the task).
SOURCE_FIELDS: dict[str, frozenset[str]] = {
    "playground": frozenset({"noise", "train_ratio", "seed", "points"}),
    "logic": frozenset(),
    "iris": frozenset({"train_ratio", "seed", "normalize"}),
    "csv": frozenset({"train_ratio", "seed", "normalize"}),
    "digits": frozenset({"train_ratio", "seed"}),
    "shapes": frozenset({"noise", "train_ratio", "seed", "points"}),
    "distribution": frozenset({"seed", "points"}),
}

# How each sequence task counts its training part (the first of these it takes is ``points``).
SEQUENCE_SIZES = {"n_train": "training sequences", "train_bits": "training bits",
                  "train_cycles": "training cycles", "train_strings": "training strings"}


def _task(spec: DatasetSpec):
    from nnsim.data.sequences import tasks

    return tasks().get(str(spec.name).strip().lower())


def _sequence_size(spec: DatasetSpec) -> tuple[str, int] | None:
    maker = _task(spec)
    if maker is None:
        return None
    params = inspect.signature(maker).parameters
    first = next((p for p in params if p in SEQUENCE_SIZES), None)
    return None if first is None else (SEQUENCE_SIZES[first], int(params[first].default))


def fields_read(spec: DatasetSpec) -> frozenset[str]:
    """The fields of ``spec`` its data source reads (empty for an unknown source)."""
    source = str(spec.source).strip().lower()
    if source != "sequence":
        return SOURCE_FIELDS.get(source, frozenset())
    maker = _task(spec)
    if maker is None:
        return frozenset()
    fields = {"seed"} if "seed" in inspect.signature(maker).parameters else set()
    if _sequence_size(spec) is not None:
        fields.add("points")
    return frozenset(fields)


def points_meaning(spec: DatasetSpec) -> tuple[str, int] | None:
    """(what ``points`` counts, its default) where the source reads it; None elsewhere."""
    if "points" not in fields_read(spec):
        return None
    source = str(spec.source).strip().lower()
    if source == "sequence":
        return _sequence_size(spec)
    if source == "shapes":
        from nnsim.data.images import SHAPES_POINTS

        return "images", SHAPES_POINTS
    if source == "distribution":
        from nnsim.data.distributions import POOL

        return "samples", POOL
    from nnsim.data import playground

    return "points", 500 if playground.task_of(spec.name) == "classification" else 1200


__all__ = ["SOURCE_FIELDS", "fields_read", "points_meaning"]
