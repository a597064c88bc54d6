"""Resizing a layer that has no neurons to grow from (a convolution or any
other layer drawn as one block) is refused with a reason, and changes
nothing."""

import copy

import numpy as np
import pytest

from nnsim.design import recipes
from nnsim.design.build import add_block, layered
from nnsim.design.recipes import EditError


def test_resizing_a_block_layer_is_refused_with_its_reason():
    design = layered([2, 3, 1])
    conv = add_block(design, "conv", name="conv 1")
    before = copy.deepcopy(design)
    with pytest.raises(EditError, match=r"^layer 'conv 1' \(Convolution\) takes its size from its settings$"):
        recipes.resize_layer(design, conv.id, 4, np.random.default_rng(0))
    assert design == before
