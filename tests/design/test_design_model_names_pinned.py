"""What the design's model, its neuron names and the placing of new neurons
give a reader, exactly: look-ups by id after every kind of change, the
read-only arrays, copies that stand alone, each neuron's name word for word
and where a new neuron or layer lands."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from nnsim.design.build import layered
from nnsim.design.model import Activation, ArrayValue, Connection, Design, Layer, LayerKind, Neuron
from nnsim.design.names import NeuronNames, layer_title, name_of, neuron_name, neuron_names, shown_label
from nnsim.design.placement import free_column, free_row


# -- names ------------------------------------------------------------------------------------
def test_a_label_is_shown_stripped_on_one_line_and_cut_at_sixty_characters():
    assert shown_label("  fires?\n ") == "fires?"
    assert shown_label("a\nb") == "a\\nb"
    assert shown_label("x" * 60) == "x" * 60
    assert shown_label("y" * 61) == "y" * 59 + "…"
    assert shown_label(" " + "z" * 70 + " ") == "z" * 59 + "…"


def test_a_layer_is_titled_by_its_name_or_its_kind():
    assert layer_title(None) == "layer"
    assert layer_title(Layer(1, " gates\n", LayerKind.HIDDEN)) == "gates"
    assert layer_title(Layer(1, "  ", LayerKind.OUTPUT)) == "output layer"
    assert layer_title(Layer(1, "", LayerKind.INPUT)) == "input layer"


def test_a_neuron_is_named_by_its_label_or_its_layer_and_place():
    layer = Layer(4, "hidden 1", LayerKind.HIDDEN)
    assert name_of(Neuron(7, 4, label="x" * 61), layer, 2) == "“" + "x" * 59 + "…”"
    assert name_of(Neuron(7, 4, label=" "), layer, 2) == "hidden 1 neuron 2"
    assert name_of(Neuron(7, 4), None, 2) == "neuron 7"
    assert name_of(Neuron(7, 4, label="ok"), None, 2) == "“ok”"


def interleaved():
    """Layers 1 (a) and 4 (b) whose neurons alternate in design order."""
    design = Design()
    design.layers = [Layer(1, "a", LayerKind.INPUT), Layer(4, "b", LayerKind.OUTPUT)]
    design.neurons = [Neuron(2, 1), Neuron(5, 4), Neuron(3, 1, label="third"), Neuron(6, 4), Neuron(9, 77),
                      Neuron(7, 4)]
    return design


def test_every_neuron_is_named_by_its_place_among_its_layer_s_in_design_order():
    design = interleaved()
    expected = {2: "a neuron 1", 5: "b neuron 1", 3: "“third”", 6: "b neuron 2", 9: "neuron 9", 7: "b neuron 3"}
    names = NeuronNames(design)
    assert names.all() == expected
    assert neuron_names(design) == expected
    assert {nid: neuron_name(design, nid) for nid in expected} == expected
    assert [names.position(nid) for nid in (2, 5, 3, 6, 9, 7)] == [1, 1, 2, 2, 1, 3]
    assert names(42) == neuron_name(design, 42) == "neuron 42"
    design.layers[1].name = "renamed"
    assert names(7) == "renamed neuron 3"


# -- placement ------------------------------------------------------------------------------------
def test_a_free_row_is_the_nearest_height_clear_of_every_neuron_by_the_spacing():
    assert free_row([], 13) == 13.0 and isinstance(free_row([], 13), float)
    assert free_row([0.0], 60.0) == 60.0  # exactly the spacing away is clear
    assert free_row([0.0], 59.0) == 60.0
    assert free_row([0.0], -59.0) == -60.0
    assert free_row([0.0], 0.0) == -60.0  # a tie goes up (the lower height)
    assert free_row([120.0, 0.0, 60.0], 50.0) == -60.0  # above the column (110 away) rather than below (130)
    assert free_row([0.0, 100.0], 50.0) == -60.0  # 110 away either way: the lower height
    assert free_row([0.0, 130.0], 50.0) == 60.0  # between them: 60 from 0 and 70 from 130
    assert free_row([0.0, 130.0], 60.0, spacing=10.0) == 60.0
    assert free_row([0.0], 5.0, spacing=10.0) == 10.0


def test_a_new_layer_moves_right_column_by_column_past_neurons_in_its_rows():
    assert free_column([], 100.0, 5.0, 3) == (100.0, 5.0)
    in_rows = [(100.0, 0.0), (260.0, 60.0)]
    assert free_column(in_rows, 100.0, 0.0, 1) == (260.0, 0.0)  # the neuron at 260 is a row lower: out of a one-neuron layer's way
    assert free_column(in_rows, 100.0, 0.0, 3) == (420.0, 0.0)
    assert free_column([(100.0, 119.0)], 100.0, 0.0, 3) == (260.0, 0.0)  # a layer of 3 reaches 60 + 60
    assert free_column([(100.0, 120.0)], 100.0, 0.0, 3) == (100.0, 0.0)
    assert free_column([(100.0, -119.0)], 100.0, 0.0, 3) == (260.0, 0.0)
    assert free_column([(100.0, 200.0)], 100.0, 200.0, 1) == (260.0, 200.0)
    assert free_column([(100.0, -200.0)], 100.0, 200.0, 1) == (100.0, 200.0)
    assert free_column([(180.0, 0.0)], 100.0, 0.0, 1) == (100.0, 0.0)  # half a column away is clear
    assert free_column([(179.0, 0.0)], 100.0, 0.0, 1) == (260.0, 0.0)
    assert free_column([(20.0, 0.0)], 100.0, 0.0, 1) == (100.0, 0.0)
    assert free_column([(21.0, 0.0)], 100.0, 0.0, 1) == (260.0, 0.0)
    assert free_column([(21.0, 0.0), (181.0, 0.0)], 100.0, 0.0, 1) == (420.0, 0.0)


# -- the model ------------------------------------------------------------------------------------
def test_array_values_are_float_read_only_compared_by_value_and_shared():
    a = ArrayValue([[1, 2], [3, 4]])
    assert a.values.dtype == np.float64 and a.shape == (2, 2)
    with pytest.raises(ValueError):
        a.values[0, 0] = 5.0
    with pytest.raises(AttributeError) as refused:
        a.values = np.zeros(2)
    assert str(refused.value) == "an ArrayValue cannot be changed; put a new one in its place"
    assert a == ArrayValue(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert a != ArrayValue([1, 2, 3, 4]) and a != ArrayValue([[1, 2], [3, 5]]) and a != [[1, 2], [3, 4]]
    assert copy.copy(a) is a and copy.deepcopy(a) is a
    assert pickle.loads(pickle.dumps(a)) == a
    assert repr(a) == "ArrayValue(shape=(2, 2))"
    with pytest.raises(TypeError):
        hash(a)
    source = np.array([1.0, 2.0])
    b = ArrayValue(source)
    source[0] = 9.0
    assert b.values.tolist() == [1.0, 2.0]


def test_look_ups_follow_every_change_to_the_lists():
    design = layered([2, 1])  # input 1 (2, 3), output 4 (5)
    assert design.next_id() == 6
    design.neurons.append(Neuron(6, 4))
    assert [n.id for n in design.neurons_of(4)] == [5, 6] and design.next_id() == 7
    design.neurons.extend([Neuron(7, 1)])
    assert [n.id for n in design.neurons_of(1)] == [2, 3, 7]
    design.neurons.insert(0, Neuron(8, 1))
    assert [n.id for n in design.neurons_of(1)] == [8, 2, 3, 7]
    design.neurons.remove(design.neuron(8))
    assert [n.id for n in design.neurons_of(1)] == [2, 3, 7]
    design.neurons.pop()
    assert [n.id for n in design.neurons_of(1)] == [2, 3]
    design.neurons.reverse()
    assert [n.id for n in design.neurons_of(1)] == [3, 2]
    design.neurons.sort(key=lambda n: n.id)
    assert [n.id for n in design.neurons_of(1)] == [2, 3]
    design.neurons[0] = Neuron(12, 1)
    assert [n.id for n in design.neurons_of(1)] == [12, 3] and design.next_id() == 13
    with pytest.raises(KeyError):
        design.neuron(2)
    del design.neurons[0]
    assert [n.id for n in design.neurons_of(1)] == [3] and design.next_id() == 7
    design.neurons += [Neuron(20, 4)]
    assert design.neuron(20).layer == 4
    design.neurons *= 2
    assert design.layer_sizes() == {1: 2, 4: 6}
    del design.neurons[4:]
    assert design.layer_sizes() == {1: 1, 4: 3}
    design.layers.append(Layer(30, "more", LayerKind.HIDDEN))
    assert design.layer(30).name == "more" and design.layer_sizes() == {1: 1, 4: 3, 30: 0}
    design.neurons.clear()
    assert design.layer_sizes() == {1: 0, 4: 0, 30: 0} and design.next_id() == 31


def test_look_ups_follow_a_changed_id_or_layer_and_a_replaced_list():
    design = layered([2, 1])
    design.neuron(5).layer = 1
    assert [n.id for n in design.neurons_of(1)] == [2, 3, 5] and design.neurons_of(4) == []
    design.neuron(5).id = 50
    assert design.neuron(50).layer == 1 and design.next_id() == 51
    design.layer(4).id = 40
    assert design.layer(40).name == "output"
    with pytest.raises(KeyError) as missing:
        design.layer(4)
    assert missing.value.args[0] == "no layer 4"
    design.neurons = [Neuron(2, 40)]
    assert [n.id for n in design.neurons_of(40)] == [2] and design.next_id() == 41
    assert type(design.neurons) is not list and design.neurons == [Neuron(2, 40)]


def test_a_list_replaced_by_one_of_the_same_length_is_looked_up_afresh():
    design = Design(layers=[Layer(1, "a", LayerKind.INPUT)], neurons=[Neuron(2, 1)])
    assert design.next_id() == 3
    design.neurons = [Neuron(7, 1)]
    assert design.next_id() == 8 and design.neuron(7).layer == 1


def test_a_layer_s_neurons_are_a_copy_the_caller_may_change():
    design = layered([2, 1])
    design.neurons_of(1).append(Neuron(99, 1))
    assert [n.id for n in design.neurons_of(1)] == [2, 3]


def test_failed_look_ups_name_what_is_missing():
    design = layered([2, 1])
    with pytest.raises(KeyError) as missing:
        design.neuron(99)
    assert missing.value.args[0] == "no neuron 99"
    with pytest.raises(KeyError) as missing:
        design.neuron([1])
    assert missing.value.args[0] == "no neuron [1]"
    with pytest.raises(KeyError) as missing:
        design.layer([1])
    assert missing.value.args[0] == "no layer [1]"
    assert design.neurons_of([1]) == [] and design.neurons_of(99) == []


def test_ids_used_twice_find_the_first_and_odd_ids_do_not_count_for_the_next():
    design = Design()
    design.layers = [Layer(1, "first", LayerKind.INPUT), Layer(1, "second", LayerKind.INPUT)]
    design.neurons = [Neuron(2, 1, label="first"), Neuron(2, 1, label="second"), Neuron("x", 1)]
    assert design.layer(1).name == "first" and design.neuron(2).label == "first"
    assert design.next_id() == 3
    assert Design().next_id() == 1


def test_the_design_answers_sizes_kinds_connections_and_activations():
    design = layered([2, 3, 1], hidden=Activation.RELU)
    assert design.layer_sizes() == {1: 2, 4: 3, 8: 1}
    assert [layer.id for layer in design.layers_of_kind(LayerKind.HIDDEN)] == [4]
    assert design.connection(2, 5) is design.connections[0]
    assert design.connection(5, 2) is None and design.connection(2, 9) is None
    assert design.activation_of(design.neuron(5)) == Activation.RELU
    design.neuron(5).activation = Activation.SIGMOID
    assert design.activation_of(design.neuron(5)) == Activation.SIGMOID
    assert (design.input_size, design.output_size) == (2, 1)
    design.layers.append(Layer(20, "image", LayerKind.INPUT, type="image", options={"height": 3}))
    design.layers.append(Layer(21, "out 2", LayerKind.OUTPUT))
    design.neurons.extend([Neuron(22, 21), Neuron(23, 21)])
    assert (design.input_size, design.output_size) == (2 + 1 * 3 * 8, 3)
    design.layers[-2].options = {"channels": 3, "height": 2, "width": 5}
    assert design.input_size == 2 + 30


def test_a_copy_stands_alone_and_has_its_own_look_ups():
    design = layered([2, 1])
    design.connections[0].weight = 0.5
    twin = design.copy()
    assert twin == design and twin is not design
    twin.connections[0].weight = 2.0
    twin.neuron(5).bias = 1.0
    twin.neurons.append(Neuron(6, 4))
    twin.layer(4).name = "changed"
    assert design.connections[0].weight == 0.5 and design.neuron(5).bias == 0.0
    assert [n.id for n in design.neurons_of(4)] == [5] and [n.id for n in twin.neurons_of(4)] == [5, 6]
    assert design.layer(4).name == "output"
    assert type(twin.connections[0]) is Connection and type(twin.connections) is type(design.connections)
    shallow = copy.copy(design)
    shallow.neurons = [Neuron(9, 1)]
    assert [n.id for n in design.neurons_of(1)] == [2, 3] and [n.id for n in shallow.neurons_of(1)] == [9]
    assert "_index" not in design.__getstate__()
    assert copy.deepcopy(Design()).next_id() == 1 and copy.copy(Design()).layers == []
    assert pickle.loads(pickle.dumps(design)).neuron(5).layer == 4
