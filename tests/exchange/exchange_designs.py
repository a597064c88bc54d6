"""Designs of every layer type, for the export and import tests."""

from __future__ import annotations

import numpy as np

from nnsim.design.build import add_block, add_layer, connect_all, initialize, link
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Design, LayerKind, Loss, TrainingSettings


def _randomize_biases(d: Design, rng) -> None:
    inputs = {layer.id for layer in d.layers_of_kind(LayerKind.INPUT)}
    for n in d.neurons:
        if n.layer not in inputs:
            n.bias = float(rng.normal(scale=0.5))


def mixed_dense(seed=0) -> Design:
    """Skip connections, a missing connection (a mask), a frozen one, each
    neuron's own activation, step and sign with thresholds."""
    rng = np.random.default_rng(seed)
    d = Design(name="mixed dense", training=TrainingSettings(loss=Loss.MSE))
    i = add_layer(d, LayerKind.INPUT, 3)
    h = add_layer(d, LayerKind.HIDDEN, 7, Activation.TANH, name="hidden 1")
    h2 = add_layer(d, LayerKind.HIDDEN, 3, Activation.RELU, name="hidden 2")
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.SIGMOID)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, h2.id)
    connect_all(d, h2.id, o.id)
    connect_all(d, i.id, o.id)  # a skip connection
    d.connections.pop(3)  # a missing connection: the block is masked
    d.connections[5].frozen = True
    initialize(d, rng)
    _randomize_biases(d, rng)
    kinds = [Activation.TANH, Activation.SIGMOID, Activation.RELU, Activation.LEAKY_RELU, Activation.LINEAR,
             Activation.STEP, Activation.SIGN]
    for n, kind in zip(d.neurons_of(h.id), kinds):
        n.activation = kind
        n.threshold = float(rng.normal(scale=0.3))
    return d


def softmax_classifier(seed=0) -> Design:
    rng = np.random.default_rng(seed)
    d = Design(name="softmax", training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY))
    i = add_layer(d, LayerKind.INPUT, 4)
    h = add_layer(d, LayerKind.HIDDEN, 5, Activation.LEAKY_RELU)
    o = add_layer(d, LayerKind.OUTPUT, 3, Activation.SOFTMAX)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    initialize(d, rng)
    _randomize_biases(d, rng)
    return d


def step_perceptron(seed=0) -> Design:
    rng = np.random.default_rng(seed)
    d = Design(name="perceptron")
    i = add_layer(d, LayerKind.INPUT, 2)
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.STEP)
    connect_all(d, i.id, o.id)
    initialize(d, rng)
    for n, t in zip(d.neurons_of(o.id), (0.25, -0.4)):
        n.threshold = t
    return d


def cnn(pool="maxpool", padding="same", stride=1, seed=0, act=Activation.RELU) -> Design:
    rng = np.random.default_rng(seed)
    d = Design(name=f"cnn {pool}", training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY))
    img = add_block(d, "image", LayerKind.INPUT, channels=2, height=7, width=6, name="image")
    conv = add_block(d, "conv", activation=act, filters=3, kernel=3, padding=padding, stride=stride, name="conv")
    p = add_block(d, pool, pool=2, name="pool")
    flat = add_block(d, "flatten", name="flat")
    o = add_layer(d, LayerKind.OUTPUT, 4, Activation.SOFTMAX)
    for a, b in [(img, conv), (conv, p), (p, flat), (flat, o)]:
        link(d, a.id, b.id)
    initialize(d, rng, "he")
    _randomize_biases(d, rng)
    return d


def recurrent_block(kind="lstm", cells=3, seed=0, **options) -> Design:
    rng = np.random.default_rng(seed)
    d = Design(name=kind, training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY))
    i = add_layer(d, LayerKind.INPUT, 2)
    r = add_block(d, kind, cells=cells, name=kind, **options)
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.SOFTMAX)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, rng)
    layer = d.layers[1]
    from nnsim.design.model import ArrayValue

    layer.arrays = {k: ArrayValue(v.values + rng.normal(scale=0.3, size=v.shape)) for k, v in layer.arrays.items()}
    return d


def elman(seed=0, jordan=False) -> Design:
    """A hidden layer fed its own outputs of the step before (Elman), or the
    output's (Jordan)."""
    rng = np.random.default_rng(seed)
    d = Design(name="jordan" if jordan else "elman", training=TrainingSettings(loss=Loss.MSE))
    i = add_layer(d, LayerKind.INPUT, 2)
    h = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 2, Activation.SIGMOID)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    connect_all(d, (o if jordan else h).id, h.id, delay=1)
    initialize(d, rng)
    _randomize_biases(d, rng)
    return d


STATIC = {"mixed dense": mixed_dense, "softmax": softmax_classifier, "step": step_perceptron,
          "cnn max same": lambda: cnn(), "cnn avg valid": lambda: cnn("avgpool", "valid"),
          "cnn stride 2": lambda: cnn(stride=2, act=Activation.TANH)}
SEQUENCE = {"lstm": lambda: recurrent_block("lstm"), "gru": lambda: recurrent_block("gru"),
            "rnn": lambda: recurrent_block("rnn"), "elman": elman, "jordan": lambda: elman(jordan=True)}


def random_input(design: Design, n=5, T=6, seed=1, sequence=False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (n, T, design.input_size) if sequence else (n, design.input_size)
    return rng.normal(size=shape)


def nnsim_outputs(design: Design, X: np.ndarray) -> np.ndarray:
    return compile_design(design).network.predict(X)
