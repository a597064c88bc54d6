"""What a user's labels become and what the accuracy reads (one output or
one per class, tanh's −1/+1 or sigmoid's 0/1, sequences with steps without a
label), and how a stream is laid out in lanes, worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnsim.engine import streams
from nnsim.engine.targets import TargetCoding

NAN = math.nan


def same(a, b):
    np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def test_two_classes_on_one_output_code_to_the_ranges_ends():
    tanh = TargetCoding("classification", 1, -1.0, 1.0)
    out = tanh.encode(np.array([1, 0, 0, 1, 1]))
    assert out.shape == (5, 1) and out.dtype == np.float64
    same(out[:, 0], [1, -1, -1, 1, 1])
    same(TargetCoding("classification", 1).encode(np.array([0, 1, 1]))[:, 0], [0, 1, 1])
    # decoding splits the range at its middle: 0 for tanh, 0.5 for sigmoid
    same(tanh.decode(np.array([[0.1], [-0.1], [0.0], [0.9]])), [1, 0, 0, 1])
    sig = TargetCoding("classification", 1)
    same(sig.decode(np.array([[0.6], [0.4], [0.5]])), [1, 0, 0])
    assert tanh.decode(np.array([[0.1]])).dtype == np.int64


def test_one_output_per_class_codes_one_hot_between_the_ends():
    c = TargetCoding("classification", 3, -1.0, 1.0)
    same(c.encode(np.array([2, 0, 1, 2])), [[-1, -1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]])
    same(c.decode(np.array([[0.1, 0.9, 0.3], [2.0, -1.0, 1.9], [0.0, 0.0, 0.5]])), [1, 0, 2])
    assert c.accuracy(np.array([[0.1, 0.9, 0.3], [2.0, -1.0, 1.9], [0.0, 0.0, 0.5]]), np.array([1, 2, 2])) == \
        pytest.approx(2 / 3)


def test_regression_targets_pass_through_as_columns():
    r = TargetCoding("regression", 2)
    assert not r.is_classification
    same(r.encode([0.5, -2.0]), [[0.5], [-2.0]])
    y = np.array([[1, 2], [3, 4]])
    out = r.encode(y)
    assert out.dtype == np.float64 and out.shape == (2, 2)
    same(out, y)
    assert r.encode(np.zeros((0, 2))).shape == (0, 2)
    assert r.accuracy(np.zeros((2, 2)), np.array([0, 1])) is None


def test_sequence_labels_per_step_with_steps_without_one():
    c = TargetCoding("classification", 2, 0.0, 1.0)
    labels = np.array([[1, -1, 0], [-1, 0, 1]])
    out = c.encode(labels)
    assert out.shape == (2, 3, 2)
    same(out, [[[0, 1], [NAN, NAN], [1, 0]], [[NAN, NAN], [1, 0], [0, 1]]])
    one = TargetCoding("classification", 1, -1.0, 1.0).encode(labels)
    assert one.shape == (2, 3, 1)
    same(one[..., 0], [[1, NAN, -1], [NAN, -1, 1]])
    outputs = np.array([[[0.2, 0.8], [0.9, 0.1], [0.3, 0.7]], [[0.5, 0.4], [0.6, 0.4], [0.1, 0.9]]])
    # scored at the four labelled steps: right, wrong, right, right
    assert c.accuracy(outputs, labels) == 0.75
    assert c.accuracy(outputs, np.full((2, 3), -1)) is None
    # one label per sequence: its last step
    assert c.accuracy(outputs, np.array([1, 1])) == 1.0
    assert c.accuracy(outputs, np.array([0, 1])) == 0.5
    assert c.accuracy(outputs, np.array([], dtype=int)) is None


def test_accuracy_over_a_batch():
    c = TargetCoding("classification", 1)
    assert c.accuracy(np.array([[0.9], [0.2], [0.7], [0.4]]), np.array([1, 0, 0, 0])) == 0.75


def test_a_stream_is_laid_out_in_lanes_the_last_padded():
    x = np.arange(2 * 5 * 2, dtype=float).reshape(2, 5, 2)  # two rows of five steps, two features
    y = np.arange(2 * 5 * 1, dtype=float).reshape(2, 5, 1) + 100
    assert streams.whole(x).shape == (1, 10, 2) and streams.whole(None) is None
    same(streams.whole(np.arange(6).reshape(2, 3)), [[0, 1, 2, 3, 4, 5]])
    xs, ys = streams.lanes(x, y, 3)  # ten steps in three lanes of four, the last padded by two
    assert xs.shape == (3, 4, 2) and ys.shape == (3, 4, 1)
    assert streams.lane_length(2, 5, 3) == 4
    same(xs[1, :, 0], [8, 10, 12, 14])
    same(xs[2], [[16, 17], [18, 19], [0, 0], [0, 0]])
    same(ys[2, :, 0], [108, 109, NAN, NAN])
    same(ys[0, :, 0], [100, 101, 102, 103])
    xs, ys = streams.lanes(x, y, 2)  # no padding
    assert xs.shape == (2, 5, 2) and not np.isnan(ys).any()
    same(xs.reshape(-1, 2), x.reshape(-1, 2))
    assert streams.lane_length(2, 5, 2) == 5 and streams.lane_length(3, 3, 4) == 3
    x32 = x.astype(np.float32)
    xs, ys = streams.lanes(x32, y.astype(np.float32), 3)
    assert xs.dtype == ys.dtype == np.float32


def test_lanes_and_chunks_by_the_settings():
    assert streams.lane_count(10, 4) == 4
    assert streams.lane_count(3, 8) == 3  # never more lanes than steps
    assert streams.lane_count(0, 8) == 1 and streams.lane_count(5, 0) == 1
    assert streams.chunk_steps(25, 0) == 25
    assert streams.chunk_steps(25, 7) == 7
    assert streams.chunk_steps(25, -1) == 25
