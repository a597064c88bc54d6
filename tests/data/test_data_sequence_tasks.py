"""The synthetic sequence tasks, each against its exact definition
(docs/sequence-tasks.md)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import DataError
from nnsim.data.sequence_tasks import (
    EIGHT,
    ORDER_SYMBOLS,
    adding,
    copy_task,
    figure_eight,
    sine,
    temporal_order,
    temporal_xor,
)


def test_temporal_xor_targets_are_the_bit_xor_the_previous_one_across_chunks():
    d = temporal_xor(train_bits=2000, test_bits=500, chunk=25, seed=4)
    for x, y, mask, n in ((d.x_train, d.y_train, d.mask_train, 2000), (d.x_test, d.y_test, d.mask_test, 500)):
        bits, targets, counted = x.reshape(-1)[:n], y.reshape(-1)[:n], mask.reshape(-1)
        assert set(np.unique(bits)) == {0.0, 1.0}
        assert np.array_equal(targets[1:], np.logical_xor(bits[1:], bits[:-1]).astype(float))
        assert not counted[0] and counted[1:n].all() and not counted[n:].any()
        assert 0.45 < bits.mean() < 0.55 and 0.45 < targets[1:].mean() < 0.55
    assert d.stream and d.x_train.shape == (80, 25, 1)
    assert temporal_xor(train_bits=10, test_bits=5).x_train.shape == (1, 10, 1)


def test_sine_predicts_the_next_value_of_its_own_wave():
    d = sine(n_train=50, n_test=10, length=40, seed=1)
    x, y = d.x_train[..., 0], d.y_train[..., 0]
    assert np.array_equal(y[:, :-1], x[:, 1:])
    # Each row is sin(0.2t + φ): the next value fixes cos(0.2t + φ), and sin² + cos² = 1.
    cos = (y - x * np.cos(0.2)) / np.sin(0.2)
    assert np.allclose(x**2 + cos**2, 1.0, atol=1e-12)
    phase = np.arctan2(x[:, 0], cos[:, 0]) % (2 * np.pi)
    assert phase.std() > 1.0  # phases spread over the circle
    assert sine(n_train=2, n_test=1, length=5, step=0.5).feature_names == ["sin(0.5t)"]


def test_the_figure_eight_crosses_itself_once_with_two_successors():
    assert EIGHT.shape == (16, 2) and np.all((EIGHT >= 0.1 - 1e-12) & (EIGHT <= 0.9 + 1e-12))
    assert np.array_equal(EIGHT[0], [0.5, 0.5]) and np.array_equal(EIGHT[8], [0.5, 0.5])
    assert not np.allclose(EIGHT[1], EIGHT[9])
    assert len({tuple(np.round(p, 12)) for p in EIGHT}) == 15
    d = figure_eight(train_cycles=3, test_cycles=2, chunk=10, seed=5)
    stream_x = d.x_train.reshape(-1, 2)[: 48]
    stream_y = d.y_train.reshape(-1, 2)[: 48]
    assert np.array_equal(stream_y[:-1], stream_x[1:])
    assert d.mask_train is not None and d.mask_train.sum() == 48
    k0 = int(np.flatnonzero((EIGHT == stream_x[0]).all(axis=1))[0])
    assert np.array_equal(stream_x, EIGHT[(k0 + np.arange(48)) % 16])


def test_temporal_order_has_two_keys_in_their_ranges_and_the_class_is_their_order():
    d = temporal_order(n_train=4000, n_test=10, seed=2)
    sym = np.argmax(d.x_train, axis=2)  # (n, 50)
    assert np.all(d.x_train.sum(axis=2) == 1)
    B, E, X, Y = (ORDER_SYMBOLS.index(s) for s in "BEXY")
    assert np.all(sym[:, 0] == B) and np.all(sym[:, -1] == E)
    keys = (sym == X) | (sym == Y)
    assert np.all(keys.sum(axis=1) == 2)
    steps = np.argwhere(keys)[:, 1].reshape(-1, 2) + 1  # 1-based
    assert steps[:, 0].min() == 3 and steps[:, 0].max() == 12
    assert steps[:, 1].min() == 25 and steps[:, 1].max() == 40
    assert np.all(sym[:, 1:-1][~keys[:, 1:-1]] < 4)  # distractors a-d elsewhere
    first = sym[np.arange(len(sym)), steps[:, 0] - 1] == Y
    second = sym[np.arange(len(sym)), steps[:, 1] - 1] == Y
    assert np.array_equal(np.argmax(d.y_train, axis=1), 2 * first + second)
    share = np.bincount(np.argmax(d.y_train, axis=1), minlength=4) / len(sym)
    assert np.all(np.abs(share - 0.25) < 0.03)
    with pytest.raises(DataError, match="key steps"):
        temporal_order(length=30)


def test_the_adding_target_is_the_sum_of_the_two_marked_values():
    d = adding(n_train=3000, n_test=10, length=60, seed=3)
    values, marker = d.x_train[..., 0], d.x_train[..., 1]
    assert np.all(np.abs(values) <= 1.0) and set(np.unique(marker)) == {0.0, 1.0}
    assert np.all(marker[:, :30].sum(axis=1) == 1) and np.all(marker[:, 30:].sum(axis=1) == 1)
    assert np.allclose(d.y_train[:, 0], (values * marker).sum(axis=1), rtol=0, atol=1e-15)
    # Always answering 0 (the mean) has a mean squared error of 2/3, the variance of the sum.
    assert abs(np.mean(d.y_train**2) - 2 / 3) < 0.04
    assert adding(n_train=2, n_test=1).x_train.shape == (2, 100, 2)


def test_the_copy_task_repeats_its_symbols_after_the_delimiter():
    d = copy_task(n_train=200, n_test=10, delay=12, seed=6)
    T, L = 12, 10
    x, y = np.argmax(d.x_train, axis=2), np.argmax(d.y_train, axis=2)
    assert x.shape == (200, T + 20) and d.x_train.shape[2] == 10 and d.y_train.shape[2] == 9
    assert np.all((x[:, :L] >= 1) & (x[:, :L] <= 8))
    assert np.all(x[:, L : L + T - 1] == 0) and np.all(x[:, L + T - 1] == 9) and np.all(x[:, L + T :] == 0)
    assert np.all(y[:, : L + T] == 0) and np.array_equal(y[:, L + T :], x[:, :L])
    assert d.feature_names[0] == "blank" and d.feature_names[-1] == "delimiter" and d.target_names[0] == "blank"
