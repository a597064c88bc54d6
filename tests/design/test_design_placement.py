"""Where new neurons and layers go: never on top of what is there."""

from __future__ import annotations

from nnsim.design.build import COLUMN_SPACING, ROW_SPACING
from nnsim.design.placement import free_column, free_row


def test_a_free_height_is_kept_as_it_is():
    assert free_row([0.0, 60.0], 150.0) == 150.0
    assert free_row([], 7.5) == 7.5


def test_a_taken_height_moves_to_the_nearest_free_one():
    assert free_row([0.0, 60.0, 120.0], 50.0) == -60.0
    assert free_row([0.0, 60.0, 120.0], 110.0) == 180.0
    assert free_row([0.0, 200.0], 90.0) == 90.0  # room between
    assert free_row([0.0, 100.0], 45.0) == -60.0  # the gap between is too narrow


def test_a_free_row_keeps_clear_of_every_neuron():
    taken = [k * 37.0 for k in range(40)]
    for want in (-100.0, 0.0, 500.0, 733.0, 2000.0):
        y = free_row(taken, want)
        assert all(abs(y - t) >= ROW_SPACING - 1e-9 for t in taken)


def test_a_new_layer_takes_the_next_free_column():
    assert free_column([], 10.0, 20.0, 4) == (10.0, 20.0)
    taken = [(0.0, -30.0), (0.0, 30.0), (COLUMN_SPACING, 0.0)]
    assert free_column(taken, 0.0, 0.0, 2) == (2 * COLUMN_SPACING, 0.0)
    assert free_column(taken, 0.0, 1000.0, 2) == (0.0, 1000.0)  # far below: free
