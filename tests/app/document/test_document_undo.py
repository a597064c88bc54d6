"""Every edit is undoable: random edit sequences undo back to the original
design exactly and redo to the final one; each command redo -> undo -> redo."""

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnsim
from nnsim.app.document import Document
from nnsim.design.model import Activation, LayerKind
from nnsim.design.recipes import EditError

KINDS = [LayerKind.INPUT, LayerKind.HIDDEN, LayerKind.OUTPUT]
ACTS = [a for a in Activation if a != Activation.SOFTMAX]


def _pick(data, items, label):
    return data.draw(st.sampled_from(items), label=label) if items else None


def random_edit(doc: Document, data) -> bool:
    """One random user edit through the Document's public methods; False if
    the document refused it."""
    d = doc.design
    neurons = [n.id for n in d.neurons]
    layers = [layer.id for layer in d.layers]
    conns = [(c.source, c.target) for c in d.connections]
    what = data.draw(
        st.sampled_from(
            ["add_layer", "add_neuron", "connect", "connect_layers", "remove", "move", "set_neuron",
             "set_layer", "set_connection", "resize", "training", "arrange", "paste", "numbers", "design"]
        ),
        label="edit",
    )
    try:
        if what == "add_layer":
            doc.add_layer(data.draw(st.sampled_from(KINDS)), data.draw(st.integers(1, 4)),
                          data.draw(st.floats(-500, 500)), data.draw(st.floats(-500, 500)))
        elif what == "add_neuron" and layers:
            doc.add_neuron(_pick(data, layers, "layer"), 10.0, 20.0)
        elif what == "connect" and len(neurons) >= 2:
            doc.connect([(_pick(data, neurons, "s"), _pick(data, neurons, "t"))])
        elif what == "connect_layers" and len(layers) >= 2:
            doc.connect_layers(_pick(data, layers, "s"), _pick(data, layers, "t"))
        elif what == "remove" and (neurons or conns):
            doc.remove(neurons=data.draw(st.lists(st.sampled_from(neurons), max_size=2)) if neurons else (),
                       connections=data.draw(st.lists(st.sampled_from(conns), max_size=2)) if conns else ())
        elif what == "move" and neurons:
            doc.move({_pick(data, neurons, "n"): (data.draw(st.floats(-1e3, 1e3)), data.draw(st.floats(-1e3, 1e3)))})
        elif what == "set_neuron" and neurons:
            doc.set_neuron(_pick(data, neurons, "n"), bias=data.draw(st.floats(-5, 5)),
                           activation=data.draw(st.sampled_from(ACTS + [None])), label=data.draw(st.text(max_size=5)))
        elif what == "set_layer" and layers:
            doc.set_layer(_pick(data, layers, "l"), name=data.draw(st.text(max_size=6)),
                          activation=data.draw(st.sampled_from(ACTS)))
        elif what == "set_connection" and conns:
            doc.set_connection(_pick(data, conns, "c"), weight=data.draw(st.floats(-3, 3)),
                               frozen=data.draw(st.booleans()))
        elif what == "resize" and layers:
            doc.resize_layer(_pick(data, layers, "l"), data.draw(st.integers(1, 5)))
        elif what == "training":
            doc.set_training(learning_rate=data.draw(st.floats(1e-4, 1.0)), batch_size=data.draw(st.integers(1, 64)))
        elif what == "arrange":
            doc.arrange()
        elif what == "paste" and neurons:
            from nnsim.design.recipes import fragment

            doc.paste(fragment(d, data.draw(st.lists(st.sampled_from(neurons), min_size=1, max_size=3))), 30, 30)
        elif what == "numbers" and (conns or neurons):
            rng = np.random.default_rng(data.draw(st.integers(0, 100)))
            doc.set_numbers(rng.normal(size=len(conns)), rng.normal(size=len(neurons)), "Reset weights")
        elif what == "design":
            doc.set_design(name=data.draw(st.text(max_size=8)))
    except EditError:
        return False
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), start=st.sampled_from(["xor-mlp", "circle", "iris", None]))
def test_random_edits_undo_and_redo_exactly(qapp, data, start):
    doc = Document(nnsim.example(start) if start else None)
    original = copy.deepcopy(doc.design)
    for _ in range(data.draw(st.integers(1, 12), label="n_edits")):
        before = copy.deepcopy(doc.design)
        if not random_edit(doc, data):
            assert doc.design == before  # a refused edit changes nothing
    final = copy.deepcopy(doc.design)
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.design == original
    while doc.undo_stack.canRedo():
        doc.undo_stack.redo()
    assert doc.design == final


def test_each_command_redo_undo_redo(qapp):
    doc = Document(nnsim.example("xor-mlp"))
    hidden = doc.design.layers[1].id
    edits = [
        lambda: doc.add_layer(LayerKind.HIDDEN, 3, 100, 100),
        lambda: doc.add_neuron(hidden, 0, 0),
        lambda: doc.set_neuron(doc.design.neurons[-1].id, bias=0.25),
        lambda: doc.set_layer(hidden, activation=Activation.RELU),
        lambda: doc.remove(neurons=[doc.design.neurons[2].id]),
        lambda: doc.arrange(),
    ]
    for edit in edits:
        before = copy.deepcopy(doc.design)
        edit()
        after = copy.deepcopy(doc.design)
        doc.undo_stack.undo()
        assert doc.design == before
        doc.undo_stack.redo()
        assert doc.design == after


def test_spin_box_runs_merge_into_one_step(qapp):
    doc = Document(nnsim.example("xor-mlp"))
    nid = doc.design.neurons[-1].id
    start = doc.design.neuron(nid).bias
    for v in (0.1, 0.2, 0.3, 0.4):
        doc.set_neuron(nid, bias=v)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.design.neuron(nid).bias == start


def test_cycle_is_refused_and_nothing_changes(qapp):
    doc = Document(nnsim.example("xor-mlp"))
    out = doc.design.neurons[-1].id
    hidden = doc.design.neurons_of(doc.design.layers[1].id)[0].id
    before = copy.deepcopy(doc.design)
    with pytest.raises(EditError, match="output neuron"):
        doc.connect([(out, hidden)])
    inp = doc.design.neurons[0].id
    with pytest.raises(EditError, match="input neuron"):
        doc.connect([(hidden, inp)])
    assert doc.design == before and doc.undo_stack.count() == 0


def test_cycle_between_hidden_layers_names_the_connection(qapp):
    doc = Document(nnsim.example("spiral-deep"))
    h1, h2 = doc.design.layers[1].id, doc.design.layers[2].id
    a = doc.design.neurons_of(h2)[0].id
    b = doc.design.neurons_of(h1)[0].id
    with pytest.raises(EditError, match="cycle") as e:
        doc.connect([(a, b)])
    assert "hidden 2" in str(e.value) and "\n" not in str(e.value)


def test_signals_name_what_changed(qapp):
    doc = Document(nnsim.example("xor-mlp"))
    seen = []
    doc.neurons_added.connect(lambda ids: seen.append(("n+", ids)))
    doc.connections_added.connect(lambda pairs: seen.append(("c+", len(pairs))))
    doc.neurons_removed.connect(lambda ids: seen.append(("n-", ids)))
    hidden = doc.design.layers[1].id
    nid = doc.add_neuron(hidden, 0, 0)
    # the hidden layer is fully connected both ways: 2 inputs in, 1 output out
    assert seen == [("n+", [nid]), ("c+", 3)]
    doc.undo_stack.undo()
    assert seen[-1] == ("n-", [nid])


def test_modified_follows_the_clean_state(qapp):
    doc = Document(nnsim.example("xor-mlp"))
    assert not doc.modified
    doc.set_design(name="changed")
    assert doc.modified
    doc.undo_stack.undo()
    assert not doc.modified
