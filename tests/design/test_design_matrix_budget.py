"""A sparse pair of big layers does not cost a dense matrix: a design whose
weight matrices would pass MAX_MATRIX_ENTRIES is refused in one line, before
anything is allocated, when loaded, compiled, predicted with or trained, and
the editor refuses the edit that would pass it."""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

from nnsim import cli
from nnsim.api import predict
from nnsim.design.build import add_layer, connect_all, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Connection, Design, LayerKind
from nnsim.design.recipes import EditError, connect, fragment, paste, resize_layer
from nnsim.design.validate import MAX_MATRIX_ENTRIES, DesignError, check_design, matrix_problem
from nnsim.io import FormatError, load
from nnsim.io.format import LIMITS
from nnsim.session import Session

BIG = 5_000  # two layers of 5,000: 25,000,000 entries, over the budget


def sparse_pair(size: int = BIG) -> Design:
    """Two big layers joined by a single connection."""
    d = Design()
    a = add_layer(d, LayerKind.INPUT, size)
    b = add_layer(d, LayerKind.OUTPUT, size)
    d.connections.append(Connection(d.neurons_of(a.id)[0].id, d.neurons_of(b.id)[0].id, 0.5))
    return d


def one_line_budget(message: str) -> None:
    assert len(message.splitlines()) == 1
    assert f"{MAX_MATRIX_ENTRIES:,}" in message and "25,000,000" in message


def test_the_budget_allows_the_largest_dense_design():
    # A fully connected design of as many connections as a file may list fits.
    assert LIMITS["connections"] <= MAX_MATRIX_ENTRIES
    d = layered([2, 3, 1])
    sizes = {d.layers[0].id: 2_000, d.layers[1].id: 1_000, d.layers[2].id: 0}
    graph = {d.layers[0].id: {d.layers[1].id}}
    assert matrix_problem(d, sizes, graph) is None
    sizes[d.layers[1].id] = 5_001
    assert "10,002,000" in matrix_problem(d, sizes, graph)


def test_loading_refuses_it_in_one_line(tmp_path):
    path = tmp_path / "sparse.nnsim"
    d = sparse_pair()
    data = {
        "format_version": 1,
        "layers": [{"id": x.id, "kind": x.kind.value, "name": f"big {i}"} for i, x in enumerate(d.layers)],
        "neurons": [{"id": n.id, "layer": n.layer} for n in d.neurons],
        "connections": [{"source": c.source, "target": c.target, "weight": c.weight} for c in d.connections],
    }
    path.write_text(json.dumps(data))
    with pytest.raises(FormatError) as e:
        load(path)
    one_line_budget(str(e.value))
    assert "largest: big 0 → big 1, 5,000 × 5,000" in str(e.value)


def test_compile_predict_and_train_refuse_it_before_allocating():
    d = sparse_pair()
    tracemalloc.start()
    try:
        for attempt in (compile_design, lambda x: predict(x, np.zeros(BIG)), Session):
            with pytest.raises(DesignError) as e:
                attempt(d)
            one_line_budget(str(e.value))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000, f"{peak:,} bytes allocated before refusing"  # a dense matrix would be 200 MB


def test_the_cli_refuses_it_with_exit_2(tmp_path, capsys):
    from nnsim.io.format import design_to_dict

    path = tmp_path / "sparse.nnsim"
    d = sparse_pair()
    d.connections.clear()  # saveable; the connection is added to the file by hand
    data = design_to_dict(d)
    data["connections"] = [{"source": d.neurons[0].id, "target": d.neurons[BIG].id, "weight": 1.0}]
    path.write_text(json.dumps(data))
    code = cli.main(["predict", str(path)] + ["0"] * BIG)
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    one_line_budget(err.strip())


def test_the_editor_refuses_joining_two_big_layers():
    d = sparse_pair()
    d.connections.clear()
    a, b = d.layers
    with pytest.raises(EditError) as e:
        connect(d, [(d.neurons_of(a.id)[0].id, d.neurons_of(b.id)[0].id)], np.random.default_rng(0))
    one_line_budget(str(e.value))


def test_the_editor_refuses_growing_a_joined_layer_past_the_budget():
    d = Design()
    a = add_layer(d, LayerKind.INPUT, 2_000)
    b = add_layer(d, LayerKind.OUTPUT, 2)
    connect_all(d, a.id, b.id, 0.1)
    with pytest.raises(EditError) as e:
        resize_layer(d, b.id, 5_001, np.random.default_rng(0))  # 2,000 x 5,001 > 10,000,000
    assert f"{MAX_MATRIX_ENTRIES:,}" in str(e.value)
    resize_layer(d, b.id, 4, np.random.default_rng(0))  # a small step is fine


def test_the_editor_refuses_a_paste_past_the_budget():
    d = Design()
    a = add_layer(d, LayerKind.HIDDEN, 3_000)
    b = add_layer(d, LayerKind.HIDDEN, 3_000)
    d.connections.append(Connection(d.neurons_of(a.id)[0].id, d.neurons_of(b.id)[0].id, 0.5))
    check_design(d)  # 9,000,000 entries: within the budget
    with pytest.raises(EditError) as e:
        paste(d, fragment(d, [n.id for n in d.neurons]), 10.0, 10.0)
    assert "18,000,000" in str(e.value)
