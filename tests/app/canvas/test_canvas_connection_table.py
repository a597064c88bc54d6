"""The canvas's table of connections sorts a whole design into pairs of
layers with array operations; what it holds is what one connection at a
time would give: each pair's connections in design order, with their rows,
weights and frozen flags; connections to neurons not drawn are left out."""

from __future__ import annotations

import numpy as np

from nnsim.app.canvas.connections import ConnectionTable, decode


def test_a_whole_design_sorted_into_pairs_as_one_at_a_time_would():
    rng = np.random.default_rng(4)
    layer_of = {nid: (10 if nid < 5 else 2000 if nid < 12 else 7) for nid in range(3, 20)}
    table = ConnectionTable()
    for nid, layer in layer_of.items():
        table.add_neuron(nid, layer, float(nid), 0.0)
    conns = [(int(s), int(t), float(rng.normal()), bool(rng.integers(2)))
             for s, t in rng.integers(0, 22, size=(300, 2))]  # ids 0-2 and 20-21 are not drawn
    touched = table.add_connections(iter(conns))
    expected: dict = {}
    for s, t, w, f in conns:
        if s in layer_of and t in layer_of:
            expected.setdefault((layer_of[s], layer_of[t]), []).append((s, t, w, f))
    assert touched == set(expected) == set(table.pairs)
    assert table.total == sum(len(v) for v in expected.values())
    for key, items in expected.items():
        data = table.pairs[key]
        assert [decode(k) for k in data.keys] == [(s, t) for s, t, _, _ in items]
        assert data.weights.tolist() == [w for _, _, w, _ in items]
        assert data.frozen.tolist() == [f for _, _, _, f in items]
        assert data.src.tolist() == [table.row_of[s] for s, _, _, _ in items]
        assert data.dst.tolist() == [table.row_of[t] for _, t, _, _ in items]
    assert table.add_connections([]) == set() and table.add_connections([(0, 1, 0.5, False)]) == set()


def test_a_designs_records_read_a_field_at_a_time_make_the_same_table():
    from nnsim.design.model import Connection

    rng = np.random.default_rng(5)
    conns = [(int(s), int(t), float(rng.normal()), bool(rng.integers(2))) for s, t in rng.integers(0, 22, (300, 2))]
    tables = [ConnectionTable(), ConnectionTable()]
    for table in tables:
        for nid in range(3, 20):
            table.add_neuron(nid, nid % 3, float(nid), 0.0)
    touched = tables[0].add_connections(conns), tables[1].add_records([Connection(*c) for c in conns])
    assert touched[0] == touched[1] == set(tables[0].pairs) == set(tables[1].pairs)
    for key, data in tables[0].pairs.items():
        other = tables[1].pairs[key]
        for field in ("keys", "weights", "frozen", "src", "dst"):
            assert getattr(data, field).tolist() == getattr(other, field).tolist()
    assert tables[1].add_records([]) == set()
