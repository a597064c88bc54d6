"""The exact edges of the file format's numeric limits: the largest value
allowed loads, one more is refused naming the field and the range."""

from __future__ import annotations

import json

import pytest
from test_io_refusals import base, refused

from nnsim.design.settings import MAX_EPOCHS, MAX_STEPS
from nnsim.io import loads
from nnsim.io.format import MAX_ID


def with_output_layer_id(new_id: int) -> dict:
    d = base()
    old = d["layers"][2]["id"]
    d["layers"][2]["id"] = new_id
    for n in d["neurons"]:
        if n["layer"] == old:
            n["layer"] = new_id
    return d


def with_history(**record) -> dict:
    d = base()
    d["history"] = [{"epoch": 1, "step": 1, "train_loss": 0.5, **record}]
    return d


def test_the_largest_id_loads_and_one_more_is_refused():
    design = loads(json.dumps(with_output_layer_id(MAX_ID)))
    assert design.layers[2].id == MAX_ID
    msg = refused(json.dumps(with_output_layer_id(MAX_ID + 1)))
    assert msg == f"bad.nnsim: layers[2].id: {MAX_ID + 1} is outside 1..{MAX_ID}"
    assert refused(json.dumps(with_output_layer_id(0))) == f"bad.nnsim: layers[2].id: 0 is outside 1..{MAX_ID}"


@pytest.mark.parametrize("field, top", [("epoch", MAX_EPOCHS), ("step", MAX_STEPS)])
def test_history_counters_load_up_to_their_limit(field, top):
    for ok in (0, top):
        assert getattr(loads(json.dumps(with_history(**{field: ok}))).history[0], field) == ok
    for bad in (-1, top + 1):
        assert refused(json.dumps(with_history(**{field: bad}))) == (
            f"bad.nnsim: history[0].{field}: {bad} is outside 0..{top}")


def test_a_whole_number_written_with_a_point_is_a_whole_number_and_a_fraction_is_shown():
    assert loads(json.dumps(with_history(epoch=3.0))).history[0].epoch == 3
    assert refused(json.dumps(with_history(epoch=3.5))) == (
        "bad.nnsim: history[0].epoch: expected a whole number, found 3.5")
