"""What an edit reports having touched (``Change``, which the window turns
into redraws) is exactly what changed in the design, in both directions;
and the id look-ups stay true after every edit."""

from __future__ import annotations

import copy
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st
from test_design_edits_property import TOY, random_ops, start_design

from nnsim.design import layer_types
from nnsim.design.edits import COLLECTIONS, Index, apply_ops, inverse_ops, key_of, set_fields
from nnsim.design.model import DatasetSpec
from nnsim.design.recipes import EditError


def keyed(design) -> dict[str, dict]:
    return {c: {key_of(c, item): item for item in getattr(design, c)} for c in COLLECTIONS}


def check_reported(before, after, change) -> None:
    old, new = keyed(before), keyed(after)
    for c in COLLECTIONS:
        added = set(new[c]) - set(old[c])
        removed = set(old[c]) - set(new[c])
        assert added <= set(change.added[c]) and removed <= set(change.removed[c]), c
        assert set(change.added[c]) <= set(new[c]) | set(change.removed[c]), c
        assert set(change.removed[c]) <= set(old[c]) | set(change.added[c]), c
        differs = {k for k in set(old[c]) & set(new[c]) if old[c][k] != new[c][k]}
        reported = set(change.changed[c]) | (set(change.added[c]) & set(change.removed[c]))
        if not change.numbers:
            assert differs <= reported, c
    settings_differ = (before.training, before.dataset, before.name, before.description, before.history) != (
        after.training, after.dataset, after.name, after.description, after.history)
    assert change.settings == settings_differ
    assert change.structural == any(change.added[c] or change.removed[c] for c in COLLECTIONS)


def settings_ops(design, data) -> list:
    """The edits of the settings panels: the training settings, the data
    set, the design's name."""
    what = data.draw(st.sampled_from(["training", "dataset", "name"]), label="setting")
    if what == "training":
        return set_fields(("training", None), design.training,
                          learning_rate=data.draw(st.sampled_from([0.01, 0.03, 0.3])),
                          batch_size=data.draw(st.integers(1, 20)))
    if what == "dataset":
        return set_fields(("design", None), design, dataset=DatasetSpec(noise=data.draw(st.sampled_from([0.0, 0.1]))))
    return set_fields(("design", None), design, name=data.draw(st.sampled_from(["Untitled", "mine"])))


def check_index(design, index) -> None:
    for layer in design.layers:
        assert index.layer(layer.id) is layer and index.has_layer(layer.id)
    for n in design.neurons:
        assert index.neuron(n.id) is n and index.has_neuron(n.id)
    for c in design.connections:
        assert index.connection((c.source, c.target)) is c
    assert not index.has_neuron(max((n.id for n in design.neurons), default=0) + 10_000)


@settings(max_examples=25, deadline=None)
@given(data=st.data(), start=st.sampled_from(["xor-mlp", "toy", None]))
def test_an_edit_reports_what_it_touched_and_its_undo_the_same(data, start):
    edit_and_check_reports(data, start)


@settings(max_examples=15, deadline=None)
@given(data=st.data(), start=st.sampled_from(["adding-lstm", "shapes-cnn"]))
def test_an_edit_of_a_design_with_links_reports_the_links_it_touched(data, start):
    edit_and_check_reports(data, start)


def edit_and_check_reports(data, start) -> None:
    with patch.dict(layer_types.TYPES, {"toy": TOY}):
        design = start_design(start)
        index = Index(design)
        for _ in range(data.draw(st.integers(1, 6), label="n_edits")):
            before = copy.deepcopy(design)
            try:
                ops = (settings_ops(design, data) if data.draw(st.booleans(), label="settings edit")
                       else random_ops(design, index, data))
            except EditError:
                continue
            change = apply_ops(design, ops, index)
            check_reported(before, design, change)
            check_index(design, index)
            after = copy.deepcopy(design)
            undo = apply_ops(design, inverse_ops(ops), index)
            check_reported(after, design, undo)
            check_index(design, index)
            for c in COLLECTIONS:  # undoing reports the same items the other way round
                assert sorted(map(str, undo.added[c])) == sorted(map(str, change.removed[c]))
                assert sorted(map(str, undo.removed[c])) == sorted(map(str, change.added[c]))
            assert undo.numbers == change.numbers and undo.settings == change.settings
            apply_ops(design, ops, index)
