"""A link's weights are named arrays of the ParameterMap: read from and
written into a compiled network like the layers' arrays."""

from __future__ import annotations

import numpy as np

import nnsim
from nnsim.design.compile import compile_design
from nnsim.design.parameters import ParameterMap, all_numbers, link_key, weight_name


def test_link_weights_go_both_ways_between_design_and_network():
    design = nnsim.example("digits-cnn")
    flat, out = design.links[-1].source, design.links[-1].target
    params = compile_design(design).network.parameters
    pmap = ParameterMap(design)
    key = link_key(flat, out)
    assert key in pmap.keys.arrays
    numbers = pmap.read(params, all_numbers(design))
    assert np.array_equal(numbers.arrays[key], design.links[-1].weights.values)
    numbers.arrays[key] = numbers.arrays[key] + 1.0
    pmap.write(params, numbers)
    assert np.array_equal(params[weight_name(flat, out)], design.links[-1].weights.values + 1.0)
