"""One formula per initialisation scheme (``nnsim.engine.init``), used by
Reset (``initialize``) and by the editor's new connections alike."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design import recipes
from nnsim.design.build import add_layer, initialize
from nnsim.design.edits import apply_ops
from nnsim.design.model import Design, Init, LayerKind
from nnsim.engine.init import initial_bias, initial_weights


def test_the_formulas():
    fan_in, fan_out = np.array([2, 4, 0]), np.array([3, 1, 0])
    draws = np.random.default_rng(5)
    u = draws.uniform(-1, 1, size=3)
    got = initial_weights(Init.XAVIER, fan_in, fan_out, np.random.default_rng(5))
    np.testing.assert_allclose(got, u * np.sqrt(6 / np.array([5, 5, 1])))
    n = np.random.default_rng(5).standard_normal(3)
    got = initial_weights(Init.HE, fan_in, fan_out, np.random.default_rng(5))
    np.testing.assert_allclose(got, n * np.sqrt(2 / np.array([2, 4, 1])))
    got = initial_weights(Init.UNIFORM, fan_in, fan_out, np.random.default_rng(5))
    np.testing.assert_array_equal(got, np.random.default_rng(5).uniform(-0.5, 0.5, size=3))
    assert (initial_bias(Init.UNIFORM), initial_bias(Init.XAVIER), initial_bias(Init.HE)) == (0.1, 0.0, 0.0)


@pytest.mark.parametrize("init", list(Init))
def test_connecting_in_the_editor_draws_what_reset_draws(init):
    """Two layers joined in the editor get the very weights Reset would
    give them from the same generator: one formula, the same fans."""
    d = Design()
    d.training.init = init
    add_layer(d, LayerKind.INPUT, 2)
    b = add_layer(d, LayerKind.HIDDEN, 3)
    c = add_layer(d, LayerKind.OUTPUT, 2)
    apply_ops(d, recipes.connect_layers(d, b.id, c.id, np.random.default_rng(7)))
    editor = [conn.weight for conn in d.connections]
    reset = d.copy()
    initialize(reset, np.random.default_rng(7))
    assert editor == [conn.weight for conn in reset.connections]
