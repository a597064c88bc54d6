"""Every shipped example, trained 20 epochs with seed 0 through ``nnsim.train``,
predicts the numbers recorded before a change (to 1e-9). A refactor must not
change them; a change that means to (a fix of the arithmetic, a new batch
order) reruns ``make_pins.py`` and says so in its commit message."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
PINS = json.loads((HERE / "example_predictions.json").read_text(encoding="utf-8"))


def _maker():
    spec = importlib.util.spec_from_file_location("make_pins", HERE / "make_pins.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _maker()


def test_every_shipped_example_is_pinned():
    assert sorted(PINS) == MAKER.example_names()


@pytest.mark.parametrize("name", sorted(PINS))
def test_example_predicts_as_pinned(name):
    pin = PINS[name]
    got = MAKER.run(name)
    np.testing.assert_allclose(got["inputs"], pin["inputs"], rtol=0, atol=0)
    np.testing.assert_allclose(got["predictions"], pin["predictions"], rtol=0, atol=1e-9)
    assert got["steps"] == pin["steps"]
    assert got["train_loss"] == pytest.approx(pin["train_loss"], rel=0, abs=1e-9)
    if "generated" in pin:
        np.testing.assert_allclose(got["generated"], pin["generated"], rtol=0, atol=1e-9)
