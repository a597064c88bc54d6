"""Every built-in sequence task: shapes, names, masks, and the same arrays
for the same seed (the exact definitions are tested task by task in
test_data_sequence_tasks.py, test_data_reber.py and test_data_char_text.py)."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import CLASSIFICATION, REGRESSION, DataError
from nnsim.data.sequences import EVERY_STEP, LAST_STEP, SequenceDataset, make_task, one_hot, padded, stream_rows, tasks

SMALL = {
    "temporal_xor": {"train_bits": 300, "test_bits": 100, "chunk": 25},
    "sine": {"n_train": 20, "n_test": 5, "length": 30},
    "figure_eight": {"train_cycles": 4, "test_cycles": 2},
    "temporal_order": {"n_train": 60, "n_test": 20},
    "adding": {"n_train": 60, "n_test": 20, "length": 50},
    "copy": {"n_train": 60, "n_test": 20, "delay": 5},
    "reber": {"n_train": 60, "n_test": 20},
    "embedded_reber": {"n_train": 60, "n_test": 20},
    "continual_embedded_reber": {"train_strings": 30, "test_strings": 10, "chunk": 40},
    "char_text": {"chunk": 25},
}
SEEDED = [name for name in SMALL if name != "char_text"]


def test_the_registry_names_every_task():
    assert set(tasks()) == set(SMALL)


@pytest.mark.parametrize("name", list(SMALL))
def test_shapes_names_and_masks(name):
    d = make_task(name, **SMALL[name])
    assert isinstance(d, SequenceDataset) and d.task in (CLASSIFICATION, REGRESSION) and d.description
    for x, y, mask in ((d.x_train, d.y_train, d.mask_train), (d.x_test, d.y_test, d.mask_test)):
        assert x.dtype == np.float64 and y.dtype == np.float64 and x.ndim == 3 and len(x) > 0
        assert x.shape[2] == d.n_features == len(d.feature_names)
        if d.targets_at == EVERY_STEP:
            assert y.shape[:2] == x.shape[:2]
        else:
            assert d.targets_at == LAST_STEP and y.ndim == 2 and len(y) == len(x)
        assert y.shape[-1] == d.n_targets
        if d.task == CLASSIFICATION:
            assert d.n_targets == (1 if d.n_classes == 2 else d.n_classes)
            on = y.sum(axis=-1)
            assert np.all((on == 1) | (on == 0)) if d.n_targets > 1 else np.all((y == 0) | (y == 1))
        else:
            assert d.n_targets == len(d.target_names)
        if mask is not None:
            assert d.targets_at == EVERY_STEP and mask.dtype == bool and mask.shape == x.shape[:2]
            padding = ~mask & ~np.any(x, axis=2)  # padding: not counted, no input
            assert not np.any(y[padding])
            if d.task == CLASSIFICATION and d.n_targets > 1:
                assert np.all(y[mask].sum(axis=-1) == 1)  # every counted step has a class
        assert np.isfinite(x).all() and np.isfinite(y).all()
    assert d.x_train.shape[1:] == d.x_test.shape[1:] or d.mask_train is not None


@pytest.mark.parametrize("name", list(SMALL))
def test_the_same_options_give_the_same_arrays(name):
    a, b = make_task(name, **SMALL[name]), make_task(name, **SMALL[name])
    for field in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    for field in ("mask_train", "mask_test"):
        assert (getattr(a, field) is None) == (getattr(b, field) is None)
        assert getattr(a, field) is None or np.array_equal(getattr(a, field), getattr(b, field))
    assert a.extras.keys() == b.extras.keys()
    assert all(np.array_equal(a.extras[k], b.extras[k]) for k in a.extras)


@pytest.mark.parametrize("name", SEEDED)
def test_another_seed_gives_other_arrays(name):
    a, b = make_task(name, seed=1, **SMALL[name]), make_task(name, seed=2, **SMALL[name])
    assert not np.array_equal(a.x_train, b.x_train)


def test_classes_from_outputs():
    d = make_task("temporal_order", n_train=10, n_test=2)
    assert np.array_equal(d.classes(d.y_train), np.argmax(d.y_train, axis=1))
    xor = make_task("temporal_xor", train_bits=10, test_bits=4)
    assert np.array_equal(xor.classes(np.array([[[0.2], [0.7]]])), [[0, 1]])
    with pytest.raises(DataError, match="not a classification task"):
        make_task("sine", n_train=2, n_test=1).classes(np.zeros((1, 2, 1)))


def test_helpers():
    assert np.array_equal(one_hot(np.array([[1, -1]]), 3), [[[0, 1, 0], [0, 0, 0]]])
    codes, mask = padded([[1, 2, 3], [4]])
    assert np.array_equal(codes, [[1, 2, 3], [4, -1, -1]]) and np.array_equal(mask, [[1, 1, 1], [1, 0, 0]])
    rows = stream_rows(np.arange(7), 3, fill=-9)
    assert np.array_equal(rows, [[0, 1, 2], [3, 4, 5], [6, -9, -9]])
    assert stream_rows(np.arange(4), None).shape == (1, 4)


@pytest.mark.parametrize("bad", [{"seed": -1}, {"seed": 1.5}, {"n_train": 0}, {"n_train": True}])
def test_bad_options_are_refused_in_one_line(bad):
    with pytest.raises(DataError) as e:
        make_task("adding", **bad)
    assert "\n" not in str(e.value)


def test_an_unknown_task_is_named():
    with pytest.raises(DataError, match="unknown sequence task 'fibonacci'.*temporal_order"):
        make_task("fibonacci")
