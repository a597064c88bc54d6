"""``nnsim.save``, ``nnsim.gradients`` and ``nnsim.inspect`` as a script
calls them: the history kept or left out, and wrong shapes refused with what
was needed and what was given."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnsim


def test_save_keeps_the_history_unless_told_not_to(tmp_path):
    design = nnsim.example("xor-mlp")
    design.history = []
    nnsim.train(design, epochs=2)
    nnsim.save(design, tmp_path / "with.nnsim")
    nnsim.save(design, tmp_path / "without.nnsim", include_history=False)
    assert [r.epoch for r in nnsim.load(tmp_path / "with.nnsim").history] == [1, 2]
    without = nnsim.load(tmp_path / "without.nnsim")
    assert without.history == []
    assert [c.weight for c in without.connections] == [c.weight for c in design.connections]


@pytest.mark.parametrize("inputs, targets, message", [
    (np.zeros(3), np.zeros(1), r"^inputs: the design has 2 inputs; an array of shape \(3,\) was given$"),
    (np.zeros((4, 2)), np.zeros((3, 1)),
     r"^targets: 4 sample\(s\) of 1 output\(s\) were needed; an array of shape \(3, 1\) was given$"),
    (np.zeros((4, 5, 2)), np.zeros((4, 5, 2)),
     r"^targets: 4 sample\(s\) of 1 output\(s\) were needed; an array of shape \(4, 5, 2\) was given$"),
])
def test_gradients_refuse_wrong_shapes_saying_what_was_needed(inputs, targets, message):
    with pytest.raises(ValueError, match=message):
        nnsim.gradients(nnsim.example("xor-mlp"), inputs, targets)


def test_gradients_of_one_sample_equal_those_of_a_batch_of_it():
    design = nnsim.example("xor-mlp")
    loss, grads = nnsim.gradients(design, [1.0, 0.0], [1.0])
    batch_loss, batch_grads = nnsim.gradients(design, [[1.0, 0.0]], [[1.0]])
    assert loss == batch_loss
    assert all(np.array_equal(grads[k], batch_grads[k]) for k in batch_grads)


def test_gradients_that_overflow_are_returned_without_warnings():
    design = nnsim.example("xor-mlp")
    for layer in design.layers[1:]:
        layer.activation = "linear"
    for c in design.connections:
        c.weight = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grads = nnsim.gradients(design, [[1e10, 1e10]], [[1.0]])
    assert not all(np.isfinite(g).all() for g in grads.values()) or not np.isfinite(loss)


def test_inspect_refuses_the_wrong_number_of_inputs():
    with pytest.raises(ValueError, match=r"^the design has 2 inputs; 3 values were given$"):
        nnsim.inspect(nnsim.example("xor-mlp"), [1.0, 2.0, 3.0])
