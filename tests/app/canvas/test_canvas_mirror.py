"""The scene mirrors the Document: after opening, after each kind of edit,
through undo and redo, and after random edit sequences."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnsim
from canvas_testkit import assert_mirrors, open_view, small_design
from nnsim.app.canvas import CanvasScene
from nnsim.app.document import Document
from nnsim.design.model import Activation, LayerKind
from nnsim.design.recipes import EditError


def test_open_examples_mirror(qtbot):
    doc, scene, view = open_view(qtbot)
    for name in ("xor-mlp", "iris", "circle", "spiral-deep", "article-neuron"):
        doc.replace(nnsim.example(name))
        assert_mirrors(scene, doc.design)


def test_edits_undo_redo_mirror(qtbot):
    doc, scene, view = open_view(qtbot)
    stack = doc.undo_stack
    lid = doc.add_layer(LayerKind.HIDDEN, 3, 400, 0)
    assert_mirrors(scene, doc.design)
    out = [lay for lay in doc.design.layers if lay.kind == LayerKind.OUTPUT][0]
    doc.connect_layers(lid, out.id)
    assert_mirrors(scene, doc.design)
    n0 = doc.design.neurons_of(lid)[0].id
    doc.set_neuron(n0, bias=2.5, activation=Activation.RELU, label="z")
    assert scene.neuron_items[n0].text == "z"
    doc.move({n0: (420.0, -200.0)})
    doc.resize_layer(lid, 5)
    assert_mirrors(scene, doc.design)
    doc.remove(layers=[lid])
    assert_mirrors(scene, doc.design)
    states = []
    while stack.canUndo():
        stack.undo()
        assert_mirrors(scene, doc.design)
        states.append(len(scene.neuron_items))
    while stack.canRedo():
        stack.redo()
        assert_mirrors(scene, doc.design)


KINDS = [LayerKind.INPUT, LayerKind.HIDDEN, LayerKind.OUTPUT]


def _edit(doc: Document, data) -> None:
    d = doc.design
    neurons = [n.id for n in d.neurons]
    layers = [lay.id for lay in d.layers]
    conns = [(c.source, c.target) for c in d.connections]
    what = data.draw(st.sampled_from(
        ["add_layer", "add_neuron", "connect", "connect_layers", "remove", "move", "set_neuron", "set_layer",
         "set_connection", "resize", "arrange", "paste", "numbers", "undo", "redo"]))
    pick = lambda items: data.draw(st.sampled_from(items))  # noqa: E731
    try:
        if what == "add_layer":
            doc.add_layer(pick(KINDS), data.draw(st.integers(1, 4)), data.draw(st.floats(-500, 500)), 0.0)
        elif what == "add_neuron" and layers:
            doc.add_neuron(pick(layers), 10.0, 20.0)
        elif what == "connect" and len(neurons) >= 2:
            doc.connect([(pick(neurons), pick(neurons))])
        elif what == "connect_layers" and len(layers) >= 2:
            doc.connect_layers(pick(layers), pick(layers))
        elif what == "remove" and (neurons or conns):
            doc.remove(neurons=data.draw(st.lists(st.sampled_from(neurons), max_size=2)) if neurons else (),
                       layers=data.draw(st.lists(st.sampled_from(layers), max_size=1)) if layers else (),
                       connections=data.draw(st.lists(st.sampled_from(conns), max_size=3)) if conns else ())
        elif what == "move" and neurons:
            doc.move({pick(neurons): (data.draw(st.floats(-900, 900)), data.draw(st.floats(-900, 900)))})
        elif what == "set_neuron" and neurons:
            doc.set_neuron(pick(neurons), bias=data.draw(st.floats(-3, 3)), label=data.draw(st.text(max_size=4)))
        elif what == "set_layer" and layers:
            doc.set_layer(pick(layers), name=data.draw(st.text(max_size=6)),
                          activation=pick([a for a in Activation if a != Activation.SOFTMAX]))
        elif what == "set_connection" and conns:
            doc.set_connection(pick(conns), weight=data.draw(st.floats(-3, 3)), frozen=data.draw(st.booleans()))
        elif what == "resize" and layers:
            doc.resize_layer(pick(layers), data.draw(st.integers(1, 5)))
        elif what == "arrange":
            doc.arrange()
        elif what == "paste" and neurons:
            from nnsim.design import recipes
            doc.paste(recipes.fragment(d, data.draw(st.lists(st.sampled_from(neurons), min_size=1, max_size=4))),
                      30.0, 30.0)
        elif what == "numbers" and conns:
            import numpy as np
            w = np.array([c.weight for c in d.connections]) * 1.5
            b = np.array([n.bias for n in d.neurons]) - 0.1
            doc.set_numbers(w, b, "Train")
        elif what == "undo":
            doc.undo_stack.undo()
        elif what == "redo":
            doc.undo_stack.redo()
    except EditError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edit_sequences_mirror(qapp, data):
    doc = Document(small_design())
    scene = CanvasScene(doc)
    for _ in range(data.draw(st.integers(1, 25))):
        _edit(doc, data)
        assert_mirrors(scene, doc.design)
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert_mirrors(scene, doc.design)


def test_neuron_changing_layer_moves_to_the_other_frame(qtbot):
    doc, scene, view = open_view(qtbot)
    hidden = [lay for lay in doc.design.layers if lay.kind == LayerKind.HIDDEN][0]
    lid = doc.add_layer(LayerKind.HIDDEN, 1, 600, 0)
    (n,) = doc.design.neurons_of(lid)
    doc.set_neuron(n.id, layer=hidden.id)
    assert scene.neuron_items[n.id].parentItem() is scene.layer_items[hidden.id]
    assert scene.layer_items[hidden.id].count == 4
    assert_mirrors(scene, doc.design)
    doc.undo_stack.undo()
    assert scene.neuron_items[n.id].parentItem() is scene.layer_items[lid]
    assert scene.layer_items[hidden.id].count == 3
    assert_mirrors(scene, doc.design)
