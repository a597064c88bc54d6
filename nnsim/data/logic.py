"""Two-input logic gates as tiny classification sets (AND, OR, NAND, NOR, XOR).

The inputs are the four rows of {0, 1}², in the order (0,0), (0,1), (1,0),
(1,1); the class index is the gate's output. There is nothing to hold out, so
training and test sets are both the whole truth table.
"""

from __future__ import annotations

import numpy as np

from nnsim.text import quote

from .base import CLASSIFICATION, DataError, Dataset

#: Gate outputs for the inputs (0,0), (0,1), (1,0), (1,1).
GATES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
}
LOGIC_NAMES = tuple(GATES)

#: The plane to draw heatmaps over: the unit square with a margin.
INPUT_RANGE = ((-0.5, 1.5), (-0.5, 1.5))

_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)  # (4, 2)


def gate_name(name: str) -> str:
    """The canonical (upper-case) gate name, or ``DataError`` if unknown."""
    key = str(name).strip().upper()
    if key not in GATES:
        raise DataError(f"unknown logic gate {quote(name)} (choose from {', '.join(LOGIC_NAMES)})")
    return key


def truth_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The gate's truth table as ``(x, y)``: x float64 (4, 2) of 0/1 inputs,
    y int64 (4,) of outputs. ``name`` is case-insensitive."""
    key = gate_name(name)
    return _INPUTS.copy(), np.array(GATES[key], dtype=np.int64)


def load_logic(name: str) -> Dataset:
    """The gate as a ``Dataset`` whose training and test sets are both the
    four truth-table rows (separate copies)."""
    key = gate_name(name)
    x, y = truth_table(key)
    return Dataset(
        name=key,
        task=CLASSIFICATION,
        x_train=x,
        y_train=y,
        x_test=x.copy(),
        y_test=y.copy(),
        feature_names=["x1", "x2"],
        target_names=["0", "1"],
        input_range=INPUT_RANGE,
    )
