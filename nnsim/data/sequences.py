"""Sequence data: what every sequence task produces, and the tasks by name.

A ``SequenceDataset`` is the sequence counterpart of ``Dataset``: a
train/test split of plain arrays, inputs of shape (n, T, n_features) (n
sequences of T steps) and targets either at every step, (n, T, n_outputs), or
at the last step only, (n, n_outputs). Targets are what a network with one
output per class (per regression target) should output: one-hot rows for
three or more classes, a single 0/1 column for two, values for regression.

The tasks (exact definitions in docs/sequence-tasks.md), each seeded so the
same arguments give bit-identical arrays:

- ``nnsim.data.sequence_tasks``: temporal XOR, sine next value, the
  figure eight, temporal order, the adding problem, the copy task;
- ``nnsim.data.reber``: the Reber grammar, embedded Reber, continual
  embedded Reber, with tables of the legal next symbols;
- ``nnsim.data.char_text``: next-character prediction on a shipped text,
  and sampling at a temperature;
- ``nnsim.data.windows``: windows of a user's time series (rows in time order).

``make_task(name, **options)`` makes any of them by name (``tasks()``).
"""

from __future__ import annotations

import functools

from . import char_text, reber, sequence_tasks
from .base import CLASSIFICATION, REGRESSION, DataError
from .sequence_base import (EVERY_STEP, LAST_STEP, SequenceDataset, check_count, one_hot, padded, rng_of,
                            stream_rows)

__all__ = ["CLASSIFICATION", "EVERY_STEP", "LAST_STEP", "REGRESSION", "SequenceDataset", "check_count",
           "make_task", "one_hot", "padded", "rng_of", "stream_rows", "tasks"]


@functools.cache
def tasks() -> dict:
    """Every built-in sequence task: name -> maker (a function of keyword
    options, ``seed`` among them, returning a ``SequenceDataset``)."""
    from . import char_text, reber, sequence_tasks  # imported when first asked

    return {
        "temporal_xor": sequence_tasks.temporal_xor,
        "sine": sequence_tasks.sine,
        "figure_eight": sequence_tasks.figure_eight,
        "temporal_order": sequence_tasks.temporal_order,
        "adding": sequence_tasks.adding,
        "copy": sequence_tasks.copy_task,
        "reber": reber.reber,
        "embedded_reber": reber.embedded_reber,
        "continual_embedded_reber": reber.continual_embedded_reber,
        "char_text": char_text.char_text,
    }


def make_task(name: str, **options) -> SequenceDataset:
    """The built-in task ``name`` (see ``tasks()``) made with ``options``."""
    key = str(name).strip().lower()
    makers = tasks()
    if key not in makers:
        raise DataError(f"unknown sequence task {name!r} (choose from {', '.join(makers)})")
    return makers[key](**options)
