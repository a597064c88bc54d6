"""One naming scheme for neurons: the label, else the layer and the place in it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import nnsim
from nnsim.design.build import initialize, layered
from nnsim.design.edits import Index
from nnsim.design.model import Design, Layer, LayerKind, Neuron
from nnsim.design.names import NeuronNames, neuron_name, neuron_names


def _design() -> Design:
    d = layered([2, 3, 2])
    initialize(d, np.random.default_rng(0))
    return d


def test_unlabelled_neurons_are_named_by_layer_and_place():
    d = _design()
    names = [neuron_name(d, n.id) for n in d.neurons]
    assert names == [
        "input neuron 1", "input neuron 2",
        "hidden 1 neuron 1", "hidden 1 neuron 2", "hidden 1 neuron 3",
        "output neuron 1", "output neuron 2",
    ]


def test_a_label_in_quotes_is_the_name():
    d = _design()
    d.neurons[0].label = "x₁"
    d.neurons[3].label = "  edge detector "
    assert neuron_name(d, d.neurons[0].id) == "“x₁”"
    assert neuron_name(d, d.neurons[3].id) == "“edge detector”"
    assert neuron_name(d, d.neurons[1].id) == "input neuron 2"  # places do not skip labelled neurons


def test_places_follow_design_order_not_ids():
    d = Design(layers=[Layer(1, "hidden 1", LayerKind.HIDDEN), Layer(2, "input", LayerKind.INPUT)])
    d.neurons = [Neuron(9, 1), Neuron(3, 2), Neuron(4, 1), Neuron(7, 2)]
    assert neuron_names(d) == {9: "hidden 1 neuron 1", 3: "input neuron 1", 4: "hidden 1 neuron 2",
                               7: "input neuron 2"}


def test_odd_labels_stay_on_one_line_and_short():
    d = _design()
    d.neurons[0].label = "two\nlines\u2028and\x85more"
    d.neurons[1].label = "y" * 500
    first, second = neuron_name(d, d.neurons[0].id), neuron_name(d, d.neurons[1].id)
    assert first.isprintable() and "two" in first and "more" in first
    assert len(second) <= 62 and second.endswith("…”")


def test_unnamed_layer_and_unknown_neuron():
    d = _design()
    d.layers[1].name = ""
    assert neuron_name(d, d.neurons[2].id) == "hidden layer neuron 1"
    assert neuron_name(d, 999) == "neuron 999"


def test_the_table_agrees_with_one_off_names_and_follows_renames():
    d = _design()
    names = NeuronNames(d)
    assert all(names(n.id) == neuron_name(d, n.id) for n in d.neurons)
    d.layers[1].name = "features"
    d.neurons[5].label = "yes"
    assert names(d.neurons[2].id) == "features neuron 1"
    assert names(d.neurons[5].id) == "“yes”"


class _NoScan(list):
    def __iter__(self):
        raise AssertionError("a name look-up scanned the design")


def test_looking_up_a_name_does_not_scan_the_design():
    d = _design()
    index = Index(d)
    index.neuron_name(d.neurons[0].id)  # builds the table
    table = NeuronNames(d)
    ids = [n.id for n in d.neurons]
    for name in ("neurons", "layers"):  # past the design's own list type
        object.__setattr__(d, name, _NoScan(getattr(d, name)))
    assert [table(i) for i in ids] == [index.neuron_name(i) for i in ids]


def test_index_renames_after_structural_edits():
    from nnsim.design.edits import apply_ops
    from nnsim.design.recipes import remove

    d = _design()
    index = Index(d)
    last = d.neurons[4].id
    assert index.neuron_name(last) == "hidden 1 neuron 3"
    apply_ops(d, remove(d, neurons=[d.neurons[2].id]), index)
    assert index.neuron_name(last) == "hidden 1 neuron 2"


def test_inspect_and_the_trace_use_the_names():
    design = nnsim.example("xor-mlp")
    trace = nnsim.inspect(design, [1, 0], target=[1])
    expected = NeuronNames(design)
    assert [s.name for s in trace.neurons] == [expected(s.id) for s in trace.neurons]
    assert "hidden 1 neuron 2" in [s.name for s in trace.neurons]
    out = subprocess.run([sys.executable, "-m", "nnsim", "predict", "xor-mlp", "1", "0", "--trace"],
                         capture_output=True, text=True, check=True).stdout
    for s in trace.neurons:
        assert f"\n{s.name}: " in "\n" + out
