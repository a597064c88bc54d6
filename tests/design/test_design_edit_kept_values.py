"""An edit keeps the values it was made with: a panel that goes on changing
its own copy afterwards changes neither the design nor the undo history;
an edit of something no longer there names it."""

from __future__ import annotations

import copy

import pytest

import nnsim
from nnsim.design.edits import SetField, apply_ops, inverse_ops, set_fields
from nnsim.design.model import DatasetSpec


def test_a_data_set_drawn_on_after_the_edit_is_stored_as_it_was_then():
    d = nnsim.example("xor-mlp")
    before = copy.deepcopy(d)
    spec = DatasetSpec(source="distribution", name="drawn", drawn=[(0.0, 1.0)], targets=["y"])
    ops = set_fields(("design", None), d, dataset=spec)
    spec.drawn.append((2.0, 3.0))  # the Data panel goes on drawing into its own spec
    spec.targets.clear()
    apply_ops(d, ops)
    assert d.dataset.drawn == [(0.0, 1.0)] and d.dataset.targets == ["y"]
    apply_ops(d, inverse_ops(ops))
    assert d == before
    apply_ops(d, ops)  # redo, after more drawing
    assert d.dataset.drawn == [(0.0, 1.0)]


@pytest.mark.parametrize("target, words", [
    (("connection", (998, 999)), "no connection (998, 999)"),
    (("link", (998, 999)), "no link (998, 999)"),
    (("neuron", 999), "999"),
])
def test_an_edit_of_something_no_longer_there_names_it(target, words):
    d = nnsim.example("xor-mlp")
    before = copy.deepcopy(d)
    with pytest.raises(KeyError, match=words.replace("(", r"\(").replace(")", r"\)")):
        apply_ops(d, [SetField(target, "weight", 0.0, 1.0)])
    assert d == before
