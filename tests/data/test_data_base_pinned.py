"""What every data set shares, worked out by hand on small cases: the split
as Playground makes it, standardisation (also of columns near the largest
and the smallest floats), the scaling kept to show values in their own
units, and the counts a network's outputs are sized by."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import DataError, Dataset, scaling_of, split, standardize, unscale


def test_standardised_columns_have_the_training_rows_mean_and_deviation_taken_off():
    train = np.array([[1.0, 10.0, 4.0], [3.0, 30.0, 4.0]])
    test = np.array([[5.0, 0.0, 6.0], [2.0, 20.0, 4.0]])
    x_train, x_test, bad = standardize(train, test)
    assert x_train.tolist() == [[-1.0, -1.0, 0.0], [1.0, 1.0, 0.0]]
    assert x_test.tolist() == [[3.0, -2.0, 2.0], [0.0, 0.0, 0.0]] and bad is None
    assert train.tolist() == [[1.0, 10.0, 4.0], [3.0, 30.0, 4.0]]  # the inputs are left alone


def test_columns_near_the_largest_and_smallest_floats_are_standardised_all_the_same():
    # Sums of squares overflow (1.7e308) or underflow (1e-300): scaled to [-1, 1] first.
    train, test, bad = standardize(np.array([[1.7e308], [-1.7e308]]), np.array([[0.85e308]]))
    assert train.tolist() == [[1.0], [-1.0]] and test.tolist() == [[0.5]] and bad is None
    train, test, bad = standardize(np.array([[1e-300], [3e-300]]), np.array([[5e-300]]))
    assert train[:, 0] == pytest.approx([-1.0, 1.0]) and test[0, 0] == pytest.approx(3.0) and bad is None
    # A constant column too large to sum: shifted by its value only.
    train, test, bad = standardize(np.array([[1.7e308], [1.7e308]]), np.array([[0.85e308], [1.7e308]]))
    assert train.tolist() == [[0.0], [0.0]] and test.tolist() == [[-0.85e308], [0.0]] and bad is None
    train, test, bad = standardize(np.array([[-1.7e308], [-1.7e308]]), np.array([[-0.85e308]]))
    assert train.tolist() == [[0.0], [0.0]] and test.tolist() == [[0.85e308]] and bad is None


def test_the_first_column_still_not_finite_is_named():
    train, test, bad = standardize(np.array([[1.0, 1e-300, 2.0], [3.0, 3e-300, 2.0]]),
                                   np.array([[0.0, 1.7e308, 1.7e308]]))
    assert bad == 1 and train[:, 0].tolist() == [-1.0, 1.0] and test[0, 0] == -2.0
    assert test[0, 1] == np.inf and test[0, 2] == 1.7e308 - 2.0


def test_the_scaling_kept_gives_values_back_in_their_own_units():
    mean, spread = scaling_of(np.array([[1.0, 10.0, 4.0], [3.0, 30.0, 4.0]]))
    assert mean.tolist() == [2.0, 20.0, 4.0] and spread.tolist() == [1.0, 10.0, 1.0]
    mean, spread = scaling_of(np.empty((0, 3)))
    assert mean.tolist() == [0.0] * 3 and spread.tolist() == [1.0] * 3
    back = unscale(np.array([[-1.0, 2.0, 0.5]]), (np.array([2.0, 20.0, 4.0]), np.array([1.0, 10.0, 1.0])))
    assert back.tolist() == [[1.0, 40.0, 4.5]]
    ints = np.array([[1, 2]])
    same = unscale(ints, None)
    assert same.dtype == np.float64 and same.tolist() == [[1.0, 2.0]] and same is not ints
    data = Dataset(name="d", task="regression", x_train=np.zeros((2, 1)), y_train=np.zeros((2, 2)),
                   x_test=np.zeros((0, 1)), y_test=np.zeros((0, 2)),
                   x_scaling=(np.array([5.0]), np.array([2.0])), y_scaling=(np.array([1.0, -1.0]), np.array([3.0, 4.0])))
    assert data.raw_inputs(np.array([[1.0]])).tolist() == [[7.0]]
    assert data.raw_targets(np.array([[1.0, 1.0]])).tolist() == [[4.0, 3.0]]
    assert (data.n_features, data.n_targets) == (1, 2)


def test_a_classifier_needs_one_output_for_two_classes_and_one_per_class_otherwise():
    def classes(names):
        return Dataset(name="c", task="classification", x_train=np.zeros((3, 4)), y_train=np.zeros(3, dtype=int),
                       x_test=np.zeros((0, 4)), y_test=np.zeros(0, dtype=int), target_names=names)

    assert (classes(["a", "b"]).n_targets, classes(["a", "b"]).n_classes) == (1, 2)
    assert (classes(["a", "b", "c"]).n_targets, classes(["a"]).n_targets) == (3, 1)
    assert classes([]).n_features == 4


def test_the_split_shuffles_with_the_generator_and_trains_on_the_rounded_share():
    x = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    x_train, y_train, x_test, y_test = split(x, y, 0.35, np.random.default_rng(3))
    order = np.random.default_rng(3).permutation(10)
    assert y_train.tolist() == order[:4].tolist() and y_test.tolist() == order[4:].tolist()  # round(3.5) = 4
    assert np.array_equal(x_train, x[order[:4]]) and np.array_equal(x_test, x[order[4:]])
    assert len(split(x, y, 0.25, np.random.default_rng(0))[0]) == 2  # round(2.5) = 2
    assert len(split(x, y, 0.01, np.random.default_rng(0))[0]) == 1  # at least one row trains
    assert len(split(x, y, 1.0, np.random.default_rng(0))[2]) == 0
    for ratio in (0.0, 1.5, -1):
        with pytest.raises(DataError) as refused:
            split(x, y, ratio, np.random.default_rng(0))
        assert str(refused.value) == f"train ratio {ratio} is outside (0, 1]"


def test_a_data_error_is_one_line():
    assert str(DataError("a\nb")) == "a\\nb" and str(DataError()) == ""


def test_units_worked_out_for_values_near_the_largest_float_print_no_warning(recwarn):
    # the sums overflow: no NumPy warning reaches the learner's console (the suite makes one an error)
    huge = np.array([[1.7e308], [1.7e308], [-1e308]])
    mean, spread = scaling_of(huge)
    assert np.isinf(mean[0]) and np.isinf(spread[0])
    assert unscale(np.array([[1e300]]), (np.array([1e308]), np.array([1e10]))).tolist() == [[np.inf]]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
