"""The rules' messages and budgets as a user meets them: a cycle through
many layers with long names is named in one readable line, and the weight
matrices of recurrent loops count against the memory budget."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import add_layer
from nnsim.design.model import Connection, Design, LayerKind
from nnsim.design.recipes import EditError, connect
from nnsim.design.validate import DesignError, check_design


def test_a_long_cycle_of_long_names_is_named_by_its_ends():
    d = Design()
    layers = [add_layer(d, LayerKind.INPUT, 1)]
    layers += [add_layer(d, LayerKind.HIDDEN, 1, name=f"step {k} of a chain with a long name") for k in range(10)]
    first = [d.neurons_of(layer.id)[0].id for layer in layers]
    for s, t in zip(first, first[1:]):
        d.connections.append(Connection(s, t, 0.5))
    d.connections.append(Connection(first[10], first[1], 0.5))  # back to the first hidden layer, no delay
    with pytest.raises(DesignError) as refused:
        check_design(d)
    names = [f"step {k} of a chain with a long…" for k in list(range(10)) + [0]]  # 29 characters and "…"
    path = " → ".join(names[:3] + ["… 5 more …"] + names[-3:])  # 11 names: the first and last three
    assert f"closes a cycle ({path}) within one time step" in str(refused.value)


def loop_and_layers(size: int = 2_300) -> tuple[Design, int, int]:
    """input (1) → a (2,300), a looped onto itself: 5,292,300 entries; a
    second matrix of a × b (2,300) would bring 10,582,300, over the budget."""
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 1)
    a = add_layer(d, LayerKind.HIDDEN, size, name="a")
    b = add_layer(d, LayerKind.OUTPUT, size, name="b")
    a0, a1 = (n.id for n in d.neurons_of(a.id)[:2])
    d.connections.append(Connection(d.neurons_of(i.id)[0].id, a0, 0.5))
    d.connections.append(Connection(a0, a1, 0.5, delay=1))
    return d, a0, d.neurons_of(b.id)[0].id


def test_a_recurrent_loop_s_matrix_counts_against_the_budget():
    d, a0, b0 = loop_and_layers()
    check_design(d)  # within the budget so far
    with pytest.raises(EditError, match="10,582,300 entries"):
        connect(d, [(a0, b0)], np.random.default_rng(0))
    d.connections.append(Connection(a0, b0, 0.5))  # as a file would list it
    with pytest.raises(DesignError, match="10,582,300 entries"):
        check_design(d)
