"""What the views are fed, checked against the network directly (no Qt
widgets): neuron maps, histograms, the confusion matrix, one sample, and
merging trained numbers with the user's edits."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.app.training.numbers import Keys, NumberMap, Numbers, merge, remap
from nnsim.app.training.probes import Probe, activation_levels
from nnsim.design.edits import numbers_of
from nnsim.design.model import Activation
from nnsim.session import Session


@pytest.fixture
def spiral():
    design = nnsim.example("spiral-deep")
    session = Session(design)
    session.trainer.train_steps(300)
    return design, session, Probe(session, design)


def test_neuron_maps_are_the_network_on_a_grid(spiral):
    design, session, probe = spiral
    maps = probe.neuron_maps()
    hidden_and_output = [n.id for n in design.neurons if design.layer(n.layer).kind.value != "input"]
    assert sorted(maps.neuron_ids) == sorted(hidden_and_output)
    assert maps.values.shape == (len(hidden_and_output), 100, 100)
    assert maps.extent == ((-6.0, 6.0), (-6.0, 6.0))
    # Row r is x2 = ys[r], column c is x1 = xs[c]: check one point per neuron.
    xs = np.linspace(-6, 6, 100)
    r, c = 80, 15
    trace = session.network.forward(np.array([[xs[c], xs[r]]]))
    comp = session.compiled
    for k, nid in enumerate(maps.neuron_ids):
        li, col = comp.neuron_pos[nid]
        assert maps.values[k, r, c] == pytest.approx(trace.a[li][0, col], abs=1e-6)
    np.testing.assert_allclose(maps.output, maps.values[-1], atol=1e-6)  # one tanh output
    assert activation_levels(Activation.TANH) == (-1.0, 1.0)
    assert activation_levels(Activation.SIGMOID) == (0.0, 1.0)


def test_histograms_confusion_and_sample(spiral):
    design, session, probe = spiral
    hists = probe.histograms()
    assert [h.name for h in hists] == ["hidden 1", "hidden 2", "hidden 3", "output"]
    n = len(probe.hist_x)
    assert hists[0].counts.sum() == n * 8
    assert hists[-1].counts.sum() == n
    assert hists[0].note.endswith("saturated")
    m, which = probe.confusion()
    assert which == "test" and m.shape == (2, 2) and m.sum() == len(session.data.x_test)
    s = probe.sample("test", 3)
    assert s.index == 3 and s.which == "test" and len(s.layers) == 5
    assert s.label in ("-1", "+1") and s.predicted in ("-1", "+1")
    np.testing.assert_allclose(s.x, session.data.x_test[3])


def test_dead_relus_are_counted():
    design = nnsim.example("circle")
    for layer in design.layers:
        if layer.kind.value == "hidden":
            layer.activation = Activation.RELU
    for n in design.neurons:
        if design.layer(n.layer).name == "hidden 1":
            n.bias = -100.0  # never positive on the data: dead
    session = Session(design)
    hist = Probe(session, design).histograms()[0]
    assert hist.note == "100% of outputs 0 · 4 of 4 neurons dead (never positive)"
    assert hist.bad_fraction == 1.0


def test_class_maps_for_more_than_two_classes(tmp_path):
    csv = tmp_path / "three.csv"
    rows = ["x,y,c"] + [f"{x},{y},{'abc'[(x > 0) + (y > 0)]}" for x in range(-3, 4) for y in range(-3, 4)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    design = nnsim.Design()
    from nnsim.design.build import initialize, layered

    design = layered([2, 5, 3], output=Activation.SOFTMAX)
    design.training.loss = nnsim.design.model.Loss.SOFTMAX_CROSS_ENTROPY
    design.dataset = nnsim.DatasetSpec("csv", path=str(csv), targets=["c"])
    initialize(design, np.random.default_rng(0))
    probe = Probe(Session(design), design)
    assert probe.output_spec.mode == "classes" and probe.two_d
    maps = probe.neuron_maps()
    cls = np.floor(maps.output)
    assert set(np.unique(cls)) <= {0.0, 1.0, 2.0}
    assert np.all(maps.output - cls < 1.0)


def test_number_map_round_trip():
    design = nnsim.example("xor-mlp")
    session = Session(design)
    numbers = NumberMap(session, design)
    w, b, arrays = numbers.read()
    np.testing.assert_array_equal(w, numbers_of(design)[0])
    np.testing.assert_array_equal(b, numbers_of(design)[1])
    numbers.write(Numbers(w + 1, b - 1, arrays))
    w2, b2, _ = numbers.read()
    np.testing.assert_allclose(w2, w + 1)
    inputs = [i for i, n in enumerate(design.neurons) if design.layer(n.layer).kind.value == "input"]
    np.testing.assert_allclose(np.delete(b2, inputs), np.delete(b - 1, inputs))


def test_merge_keeps_the_users_edits_and_trained_values():
    old = Keys([(1, 3), (2, 3), (3, 4)], [1, 2, 3, 4])
    synced = (np.array([0.1, 0.2, 0.3]), np.array([0.0, 0.0, 0.5, 0.6]))
    trained = (np.array([1.1, 1.2, 1.3]), np.array([0.0, 0.0, 1.5, 1.6]))
    # The user changed connection (2, 3), deleted (1, 3) and added (1, 4).
    new = Keys([(2, 3), (3, 4), (1, 4)], [1, 2, 3, 4])
    now = (np.array([9.0, 0.3, 0.7]), np.array([0.0, 0.0, 0.5, 0.6]))
    w, b = merge(old, trained, synced, new, now)
    np.testing.assert_array_equal(w, [9.0, 1.3, 0.7])
    np.testing.assert_array_equal(b, [0.0, 0.0, 1.5, 1.6])
    # Same keys: the fast path gives the same answer.
    w, b = merge(old, trained, synced, old, (np.array([0.1, 5.0, 0.3]), synced[1]))
    np.testing.assert_array_equal(w, [1.1, 5.0, 1.3])
    w, b = remap(old, trained, new, now)
    np.testing.assert_array_equal(w, [1.2, 1.3, 0.7])
