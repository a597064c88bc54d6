"""The synthetic sequence tasks whole, as a user gets them: every array
against the documented definition drawn from the seed in the documented
order, the defaults, names, descriptions and refusals word for word; and
the helpers every sequence task shares."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import CLASSIFICATION, REGRESSION, DataError
from nnsim.data.sequence_base import check_count, rng_of
from nnsim.data.sequence_tasks import EIGHT, adding, copy_task, figure_eight, sine, temporal_order, temporal_xor
from nnsim.data.sequences import EVERY_STEP, LAST_STEP, SequenceDataset, make_task, one_hot, padded, stream_rows


def same(got, want):
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, want.shape, got.dtype, want.dtype)
    assert np.array_equal(got, want)


def chunked(a, chunk, fill=0):
    """A stream cut into rows of ``chunk`` steps, the last padded with ``fill``."""
    a = np.asarray(a)
    if chunk is None:
        return a[None]
    rows = -(-len(a) // chunk)
    pad = np.full((rows * chunk - len(a),) + a.shape[1:], fill, dtype=a.dtype)
    return np.concatenate([a, pad]).reshape((rows, chunk) + a.shape[1:])


@pytest.mark.parametrize("train, test, chunk", [(7, 5, 3), (6, 2, None), (4, 4, 4)])
def test_temporal_xor_whole(train, test, chunk):
    d = temporal_xor(train_bits=train, test_bits=test, chunk=chunk, seed=3)
    rng = np.random.default_rng(3)
    for n, x, y, m in ((train, d.x_train, d.y_train, d.mask_train), (test, d.x_test, d.y_test, d.mask_test)):
        b = rng.integers(0, 2, n)
        target = np.array([0] + [int(b[t] != b[t - 1]) for t in range(1, n)], dtype=float)
        same(x, chunked(b.astype(float)[:, None], chunk))
        same(y, chunked(target[:, None], chunk))
        same(m, chunked(np.arange(n) > 0, chunk, fill=False))
    assert d.name == "Temporal XOR" and d.task == CLASSIFICATION and d.stream and d.targets_at == EVERY_STEP
    assert d.feature_names == ["bit"] and d.target_names == ["0", "1"]
    assert d.description == "each target is the current bit XOR the previous one"


def test_temporal_xor_defaults():
    d = temporal_xor()
    assert d.x_train.shape == (1, 2000, 1) and d.x_test.shape == (1, 500, 1)
    same(d.x_train[0, :, 0], np.random.default_rng(0).integers(0, 2, 2000).astype(float))
    assert temporal_xor(train_bits=2, test_bits=2).x_train.shape == (1, 2, 1)


@pytest.mark.parametrize("options, words", [
    ({"train_bits": 1}, "train_bits must be a whole number of at least 2, not 1"),
    ({"test_bits": 1}, "test_bits must be a whole number of at least 2, not 1"),
    ({"seed": -1}, "seed must be a whole number of at least 0, not -1"),
    ({"chunk": 0}, "chunk length 0 must be at least 1"),
])
def test_temporal_xor_refusals(options, words):
    with pytest.raises(DataError) as e:
        temporal_xor(**({"train_bits": 4, "test_bits": 4} | options))
    assert str(e.value) == words


def test_sine_whole():
    d = sine(n_train=3, n_test=2, length=4, step=0.5, seed=2)
    phase = np.random.default_rng(2).uniform(0.0, 2.0 * np.pi, 5)
    wave = np.array([[np.sin(0.5 * t + p) for t in range(5)] for p in phase])
    np.testing.assert_allclose(np.concatenate([d.x_train, d.x_test])[..., 0], wave[:, :4], rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.concatenate([d.y_train, d.y_test])[..., 0], wave[:, 1:], rtol=0, atol=1e-15)
    assert d.x_train.shape == (3, 4, 1) and d.y_test.shape == (2, 4, 1)
    assert d.name == "Sine" and d.task == REGRESSION and d.targets_at == EVERY_STEP and not d.stream
    assert d.mask_train is None and d.mask_test is None
    assert d.feature_names == ["sin(0.5t)"] and d.target_names == ["sin(0.5(t+1))"]
    assert d.description == "predict the next value of a sine wave from the current value"
    neg = sine(n_train=1, n_test=1, length=2, step=-1.25, seed=0)
    assert neg.feature_names == ["sin(-1.25t)"] and neg.target_names == ["sin(-1.25(t+1))"]


def test_sine_defaults():
    d = sine()
    assert d.x_train.shape == (64, 50, 1) and d.x_test.shape == (16, 50, 1)
    phase = np.random.default_rng(0).uniform(0.0, 2.0 * np.pi, 80)
    np.testing.assert_allclose(d.x_test[-1, :, 0], np.sin(0.2 * np.arange(50) + phase[-1]), rtol=0, atol=1e-14)
    assert sine(n_train=1, n_test=1, length=1).x_train.shape == (1, 1, 1)


@pytest.mark.parametrize("options, words", [
    ({"step": 0}, "sine step 0.0 must be a finite number other than 0"),
    ({"step": float("inf")}, "sine step inf must be a finite number other than 0"),
    ({"step": float("nan")}, "sine step nan must be a finite number other than 0"),
    ({"length": 0}, "length must be a whole number of at least 1, not 0"),
    ({"n_train": 0}, "n_train must be a whole number of at least 1, not 0"),
    ({"n_test": 0}, "n_test must be a whole number of at least 1, not 0"),
])
def test_sine_refusals(options, words):
    with pytest.raises(DataError) as e:
        sine(**({"n_train": 2, "n_test": 1, "length": 3} | options))
    assert str(e.value) == words


def test_the_eight_points_are_the_documented_curve():
    theta = 2 * np.pi * np.arange(16) / 16
    want = np.stack([0.5 + 0.4 * np.sin(theta), 0.5 + 0.2 * np.sin(2 * theta)], axis=1)
    np.testing.assert_allclose(EIGHT, want, rtol=0, atol=1e-15)
    assert EIGHT[0].tolist() == [0.5, 0.5] and EIGHT[8].tolist() == [0.5, 0.5]
    np.testing.assert_allclose(EIGHT[[4, 12]], [[0.9, 0.5], [0.1, 0.5]], rtol=0, atol=1e-15)


@pytest.mark.parametrize("chunk", [16, 5, None])
def test_figure_eight_whole(chunk):
    d = figure_eight(train_cycles=2, test_cycles=1, chunk=chunk, seed=4)
    rng = np.random.default_rng(4)
    for cycles, x, y, m in ((2, d.x_train, d.y_train, d.mask_train), (1, d.x_test, d.y_test, d.mask_test)):
        k = (int(rng.integers(0, 16)) + np.arange(16 * cycles)) % 16
        same(x, chunked(EIGHT[k], chunk))
        same(y, chunked(EIGHT[(k + 1) % 16], chunk))
        if chunk == 5:
            same(m, chunked(np.ones(16 * cycles, dtype=bool), chunk, fill=False))
        else:
            assert m is None  # every step counts
    assert d.name == "Figure eight" and d.task == REGRESSION and d.stream and d.targets_at == EVERY_STEP
    assert d.feature_names == ["x", "y"] and d.target_names == ["next x", "next y"]
    assert d.description == "predict the next point of a figure eight"


def test_figure_eight_mask_when_only_the_test_stream_is_padded():
    d = figure_eight(train_cycles=3, test_cycles=1, chunk=24, seed=0)  # 48 steps: full; 16: padded
    assert d.mask_train is not None and d.mask_train.all() and d.mask_test.sum() == 16
    d = figure_eight(train_cycles=1, test_cycles=3, chunk=24, seed=0)
    assert d.mask_test is not None and d.mask_test.all() and d.mask_train.sum() == 16


def test_figure_eight_defaults():
    d = figure_eight()
    assert d.x_train.shape == (20, 16, 2) and d.x_test.shape == (5, 16, 2) and d.mask_train is None
    k0 = int(np.random.default_rng(0).integers(0, 16))
    same(d.x_train[0], EIGHT[(k0 + np.arange(16)) % 16])


@pytest.mark.parametrize("options, words", [
    ({"train_cycles": 0}, "train_cycles must be a whole number of at least 1, not 0"),
    ({"test_cycles": 0}, "test_cycles must be a whole number of at least 1, not 0"),
])
def test_figure_eight_refusals(options, words):
    with pytest.raises(DataError) as e:
        figure_eight(**options)
    assert str(e.value) == words


def order_of(n, length, first, second, seed):
    rng = np.random.default_rng(seed)
    sym = rng.integers(0, 4, (n, length))
    t1 = rng.integers(first[0], first[1] + 1, n)
    t2 = rng.integers(second[0], second[1] + 1, n)
    k1, k2 = rng.integers(0, 2, n), rng.integers(0, 2, n)
    for r in range(n):
        sym[r, 0], sym[r, -1] = 6, 7
        sym[r, t1[r] - 1], sym[r, t2[r] - 1] = 4 + k1[r], 4 + k2[r]
    return np.eye(8)[sym], np.eye(4)[2 * k1 + k2]


def test_temporal_order_whole():
    d = temporal_order(n_train=5, n_test=3, length=9, first=(2, 3), second=(5, 8), seed=6)
    x, y = order_of(8, 9, (2, 3), (5, 8), 6)
    same(d.x_train, x[:5]), same(d.x_test, x[5:]), same(d.y_train, y[:5]), same(d.y_test, y[5:])
    assert d.name == "Temporal order" and d.task == CLASSIFICATION and d.targets_at == LAST_STEP
    assert d.feature_names == ["a", "b", "c", "d", "X", "Y", "B", "E"] and d.target_names == ["XX", "XY", "YX", "YY"]
    assert d.description == "classify the order of two keys X/Y among distractors" and not d.stream
    assert d.mask_train is None and d.mask_test is None


def test_temporal_order_defaults():
    d = temporal_order(n_train=6, n_test=2)
    x, y = order_of(8, 50, (3, 12), (25, 40), 0)
    same(d.x_train, x[:6]), same(d.y_test, y[6:])
    full = temporal_order()
    assert full.x_train.shape == (2000, 50, 8) and full.x_test.shape == (500, 50, 8)
    assert temporal_order(n_train=1, n_test=1, length=4, first=(2, 2), second=(3, 3)).x_train.shape == (1, 4, 8)


@pytest.mark.parametrize("options, words", [
    ({"first": (1, 12)}, "key steps (1, 12) and (25, 40) must lie in order between step 2 and step 49"),
    ({"first": (13, 12)}, "key steps (13, 12) and (25, 40) must lie in order between step 2 and step 49"),
    ({"first": (3, 25)}, "key steps (3, 25) and (25, 40) must lie in order between step 2 and step 49"),
    ({"second": (41, 40)}, "key steps (3, 12) and (41, 40) must lie in order between step 2 and step 49"),
    ({"second": (25, 50)}, "key steps (3, 12) and (25, 50) must lie in order between step 2 and step 49"),
    ({"length": 3}, "length must be a whole number of at least 4, not 3"),
    ({"n_train": 0}, "n_train must be a whole number of at least 1, not 0"),
    ({"n_test": 0}, "n_test must be a whole number of at least 1, not 0"),
])
def test_temporal_order_refusals(options, words):
    with pytest.raises(DataError) as e:
        temporal_order(**({"n_train": 2, "n_test": 1} | options))
    assert str(e.value) == words


def test_temporal_order_keys_may_sit_at_the_edges_of_their_ranges():
    d = temporal_order(n_train=1, n_test=1, length=5, first=(2, 2), second=(4, 4), seed=1)
    for x in (d.x_train, d.x_test):
        sym = np.argmax(x[0], axis=1)
        assert sym[0] == 6 and sym[4] == 7 and sym[1] in (4, 5) and sym[3] in (4, 5) and sym[2] < 4


def test_adding_whole():
    d = adding(n_train=3, n_test=2, length=5, seed=8)
    rng = np.random.default_rng(8)
    values = rng.uniform(-1.0, 1.0, (5, 5))
    p1, p2 = rng.integers(0, 2, 5), rng.integers(2, 5, 5)
    marker = np.zeros((5, 5))
    for r in range(5):
        marker[r, p1[r]] = marker[r, p2[r]] = 1.0
    x = np.stack([values, marker], axis=2)
    y = np.array([[values[r, p1[r]] + values[r, p2[r]]] for r in range(5)])
    same(d.x_train, x[:3]), same(d.x_test, x[3:]), same(d.y_train, y[:3]), same(d.y_test, y[3:])
    assert d.name == "Adding problem" and d.task == REGRESSION and d.targets_at == LAST_STEP and not d.stream
    assert d.feature_names == ["value", "marker"] and d.target_names == ["sum"]
    assert d.description == "add the two marked values" and d.mask_train is None


def test_adding_defaults_and_the_shortest():
    d = adding(n_train=4, n_test=1)
    assert d.x_train.shape == (4, 100, 2)
    same(d.x_train[..., 0], np.random.default_rng(0).uniform(-1.0, 1.0, (5, 100))[:4])
    assert np.all(d.x_train[:, :50, 1].sum(axis=1) == 1) and np.all(d.x_train[:, 50:, 1].sum(axis=1) == 1)
    full = adding()
    assert full.x_train.shape == (2000, 100, 2) and full.x_test.shape == (500, 100, 2)
    two = adding(n_train=1, n_test=1, length=2)
    assert np.all(two.x_train[..., 1] == 1) and two.y_train[0, 0] == two.x_train[0, :, 0].sum()
    with pytest.raises(DataError) as e:
        adding(length=1)
    assert str(e.value) == "length must be a whole number of at least 2, not 1"


def test_copy_whole():
    d = copy_task(n_train=2, n_test=1, delay=3, n_symbols=4, copy_length=2, seed=5)
    symbols = np.random.default_rng(5).integers(1, 5, (3, 2))
    T = 2 * 2 + 3
    inputs = np.zeros((3, T), dtype=int)
    targets = np.zeros((3, T), dtype=int)
    for r in range(3):
        inputs[r, :2] = symbols[r]
        inputs[r, 4] = 5  # the delimiter at step L + T = 5 (1-based)
        targets[r, 5:] = symbols[r]
    same(d.x_train, np.eye(6)[inputs[:2]]), same(d.x_test, np.eye(6)[inputs[2:]])
    same(d.y_train, np.eye(5)[targets[:2]]), same(d.y_test, np.eye(5)[targets[2:]])
    assert d.name == "Copy task" and d.task == CLASSIFICATION and d.targets_at == EVERY_STEP and not d.stream
    assert d.feature_names == ["blank", "1", "2", "3", "4", "delimiter"]
    assert d.target_names == ["blank", "1", "2", "3", "4"]
    assert d.description == "repeat 2 symbols after a delay of 3 steps" and d.mask_train is None


def test_copy_defaults_and_the_shortest():
    d = copy_task(n_train=3, n_test=1)
    assert d.x_train.shape == (3, 30, 10) and d.y_train.shape == (3, 30, 9)
    same(np.argmax(d.x_train[:, :10], axis=2), np.random.default_rng(0).integers(1, 9, (4, 10))[:3])
    assert d.description == "repeat 10 symbols after a delay of 10 steps"
    full = copy_task()
    assert full.x_train.shape == (2000, 30, 10) and full.x_test.shape == (500, 30, 10)
    one = copy_task(n_train=1, n_test=1, delay=1, n_symbols=2, copy_length=1, seed=0)
    s = int(np.random.default_rng(0).integers(1, 3))
    same(np.argmax(one.x_train[0], axis=1), np.array([s, 3, 0]))
    same(np.argmax(one.y_train[0], axis=1), np.array([0, 0, s]))


@pytest.mark.parametrize("options, words", [
    ({"delay": 0}, "delay must be a whole number of at least 1, not 0"),
    ({"n_symbols": 1}, "n_symbols must be a whole number of at least 2, not 1"),
    ({"copy_length": 0}, "copy_length must be a whole number of at least 1, not 0"),
    ({"n_train": 0}, "n_train must be a whole number of at least 1, not 0"),
    ({"n_test": 0}, "n_test must be a whole number of at least 1, not 0"),
])
def test_copy_refusals(options, words):
    with pytest.raises(DataError) as e:
        copy_task(**({"n_train": 2, "n_test": 1} | options))
    assert str(e.value) == words


# The helpers every task shares.

def test_one_hot_and_padding():
    same(one_hot(np.array([2, -1, 0]), 3), [[0.0, 0, 1], [0, 0, 0], [1, 0, 0]])
    same(one_hot([[1], [-2]], 2), [[[0.0, 1]], [[0, 0]]])
    codes, mask = padded([[5], [], [1, 2]], fill=-3)
    same(codes, np.array([[5, -3], [-3, -3], [1, 2]], dtype=np.int64))
    same(mask, np.array([[1, 0], [0, 0], [1, 1]], dtype=bool))
    codes, mask = padded([])
    assert codes.shape == (0, 0) and mask.shape == (0, 0) and codes.dtype == np.int64 and mask.dtype == bool
    codes, _ = padded([[1, 2], [3]])
    same(codes, np.array([[1, 2], [3, -1]], dtype=np.int64))


def test_stream_rows():
    a = np.arange(10).reshape(5, 2)
    same(stream_rows(a, 2), np.array([[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [0, 0]]]))
    same(stream_rows(a, 5), a[None])
    same(stream_rows(a, 7, fill=-1), np.vstack([a, np.full((2, 2), -1)])[None])
    same(stream_rows([True, True, True], 2, fill=False), np.array([[True, True], [True, False]]))
    same(stream_rows(np.arange(4), 1), np.arange(4)[:, None])
    same(stream_rows(np.arange(3), 2.0), np.array([[0, 1], [2, 0]]))
    same(stream_rows([1, 2], None), np.array([[1, 2]]))
    for bad in (0, -2):
        with pytest.raises(DataError) as e:
            stream_rows(np.arange(3), bad)
        assert str(e.value) == f"chunk length {bad} must be at least 1"


def test_counts_and_seeds():
    assert check_count("n", 1) == 1 and check_count("n", np.int64(3)) == 3 and check_count("n", 0, 0) == 0
    assert type(check_count("n", np.int32(5))) is int
    for value, least in ((0, 1), (True, 0), (False, 0), (2.0, 1), ("3", 1), (None, 0), (4, 5)):
        with pytest.raises(DataError) as e:
            check_count("things", value, least)
        assert str(e.value) == f"things must be a whole number of at least {least}, not {value!r}"
    assert rng_of(0).integers(0, 10**9) == np.random.default_rng(0).integers(0, 10**9)
    assert rng_of(12).integers(0, 10**9) == np.random.default_rng(12).integers(0, 10**9)
    with pytest.raises(DataError) as e:
        rng_of(-1)
    assert str(e.value) == "seed must be a whole number of at least 0, not -1"


def test_a_data_sets_sizes_and_classes():
    d = SequenceDataset(name="n", task=CLASSIFICATION, x_train=np.zeros((2, 5, 3)), y_train=np.zeros((2, 5, 4)),
                        x_test=np.zeros((1, 5, 3)), y_test=np.zeros((1, 5, 4)))
    assert (d.n_features, d.length, d.n_targets) == (3, 5, 4)
    assert d.targets_at == EVERY_STEP and d.mask_train is None and not d.stream and d.extras == {}
    assert d.description == ""
    last = SequenceDataset(name="n", task=CLASSIFICATION, x_train=np.zeros((2, 5, 3)), y_train=np.zeros((2, 1)),
                           x_test=np.zeros((1, 5, 3)), y_test=np.zeros((1, 1)))
    assert last.n_targets == 1
    got = last.classes(np.array([[0.49], [0.5], [0.9], [0.0]]))
    same(got, np.array([0, 1, 1, 0], dtype=np.int64))
    got = d.classes([[0.1, 0.7, 0.7, 0.2], [0.3, 0.0, 0.1, 0.2]])
    same(got, np.array([1, 0], dtype=np.int64))
    same(d.classes(np.zeros((2, 3, 2)) + [0.2, 0.8]), np.ones((2, 3), dtype=np.int64))
    regression = SequenceDataset(name="Waves", task=REGRESSION, x_train=np.zeros((1, 2, 1)),
                                 y_train=np.zeros((1, 2, 1)), x_test=np.zeros((1, 2, 1)), y_test=np.zeros((1, 2, 1)))
    with pytest.raises(DataError) as e:
        regression.classes(np.zeros((1, 2, 1)))
    assert str(e.value) == "Waves is not a classification task"


def test_tasks_by_name():
    d = make_task("  Adding ", n_train=2, n_test=1, length=4, seed=3)
    same(d.x_train, adding(n_train=2, n_test=1, length=4, seed=3).x_train)
    assert make_task("COPY", n_train=1, n_test=1).name == "Copy task"
    with pytest.raises(DataError) as e:
        make_task("fibonacci")
    assert str(e.value) == (
        "unknown sequence task 'fibonacci' (choose from temporal_xor, sine, figure_eight, temporal_order, adding, "
        "copy, reber, embedded_reber, continual_embedded_reber, char_text)")
    with pytest.raises(DataError) as e:
        make_task(" Fib ")
    assert str(e.value).startswith("unknown sequence task ' Fib ' (choose from temporal_xor, ")
