"""Where new neurons and layers go on the canvas, so that nothing lands on top
of what is already there. Plain geometry in design coordinates, no Qt."""

from __future__ import annotations

from bisect import bisect_right

from nnsim.design.build import COLUMN_SPACING, ROW_SPACING


def free_row(taken: list[float], y: float, spacing: float = ROW_SPACING) -> float:
    """The height nearest ``y`` that keeps ``spacing`` from every height in
    ``taken`` (the neurons already in a column). O(n log n)."""
    ys = sorted(taken)

    def free(c: float) -> bool:
        i = bisect_right(ys, c - spacing + 1e-9)  # first neuron closer than spacing from below, if any
        return i == len(ys) or ys[i] >= c + spacing - 1e-9

    if free(y):
        return float(y)
    candidates = [t + d for t in ys for d in (-spacing, spacing)]
    return float(min((c for c in candidates if free(c)), key=lambda c: (abs(c - y), c)))


def free_column(positions: list[tuple[float, float]], x: float, y: float, size: int) -> tuple[float, float]:
    """Where a new layer of ``size`` neurons centred at (x, y) overlaps no
    neuron: (x, y) itself, else the next free column to its right."""
    half = ROW_SPACING * (size - 1) / 2
    xs = sorted(nx for nx, ny in positions if abs(ny - y) < half + ROW_SPACING)  # neurons in the way

    def crowded(cx: float) -> bool:
        i = bisect_right(xs, cx - COLUMN_SPACING / 2)
        return i < len(xs) and xs[i] < cx + COLUMN_SPACING / 2

    while crowded(x):
        x += COLUMN_SPACING
    return float(x), float(y)
