"""Writes the designs the lessons open (next to this file).

    python resources/lessons/designs/make_designs.py

The lessons also open shipped examples (``example:NAME`` in a lesson file);
these are the designs only a lesson needs. tests/lessons/test_lessons_designs.py
checks that each behaves as its lesson says.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnsim.design.build import add_layer, initialize, layered
from nnsim.design.model import (
    Activation,
    Connection,
    DatasetSpec,
    Design,
    Init,
    LayerKind,
    LearningRule,
    Loss,
    Optimizer,
    TrainingSettings,
)
from nnsim.io import save

HERE = Path(__file__).resolve().parent


def xor_no_hidden() -> Design:
    """XOR with inputs and an output only: the learner adds the hidden layer."""
    d = Design(
        name="XOR, waiting for a hidden layer",
        description=(
            "Two inputs wired straight to a sigmoid output, trained by backpropagation on XOR. "
            "As it stands it can only draw one straight line, so it cannot learn XOR: add a hidden layer."
        ),
    )
    inputs = add_layer(d, LayerKind.INPUT, 2, labels=["a", "b"], x=0)
    out = add_layer(d, LayerKind.OUTPUT, 1, Activation.SIGMOID, name="output", x=360, labels=["out"])
    a, b = d.neurons_of(inputs.id)
    (y,) = d.neurons_of(out.id)
    d.connections += [Connection(a.id, y.id, 0.3), Connection(b.id, y.id, -0.2)]
    d.dataset = DatasetSpec(source="logic", name="XOR")
    d.training = TrainingSettings(
        learning_rate=0.5,
        batch_size=4,
        optimizer=Optimizer.MOMENTUM,
        momentum=0.9,
        loss=Loss.BINARY_CROSS_ENTROPY,
        init=Init.XAVIER,
        epochs=300,
        seed=1,
    )
    return d


def descent_bowl() -> Design:
    """One linear neuron fitting AND with squared error: its loss over the two
    weights is a smooth bowl, the clearest picture of gradient descent."""
    d = Design(
        name="A bowl to roll down",
        description=(
            "One linear neuron fitting the AND gate (targets −1 and +1) with squared error. Over its two "
            "weights the loss is a bowl: gradient descent rolls down it, or, with too large a learning "
            "rate, jumps from side to side and out."
        ),
    )
    inputs = add_layer(d, LayerKind.INPUT, 2, labels=["a", "b"], x=0)
    out = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR, name="output", x=220, labels=["out"])
    a, b = d.neurons_of(inputs.id)
    (y,) = d.neurons_of(out.id)
    y.bias = -0.5
    d.connections += [Connection(a.id, y.id, -1.5), Connection(b.id, y.id, 2.0)]
    d.dataset = DatasetSpec(source="logic", name="AND")
    d.training = TrainingSettings(learning_rate=0.5, batch_size=4, loss=Loss.MSE, epochs=100, seed=1)
    return d


def spiral_shallow() -> Design:
    """The spiral with one hidden layer of eight: compare with example:spiral-deep."""
    d = layered([2, 8, 1], Activation.TANH, Activation.TANH, input_labels=["x1", "x2"])
    d.name = "A shallow network for the spiral"
    d.description = (
        "One hidden layer of eight tanh neurons on the two spirals, trained like the deeper example "
        "(Adam, learning rate 0.01). Its curve flattens out well above the deep network's."
    )
    d.dataset = DatasetSpec(source="playground", name="spiral", noise=0.0, train_ratio=0.5, seed=1)
    d.training = TrainingSettings(
        learning_rate=0.01, batch_size=10, optimizer=Optimizer.ADAM, init=Init.XAVIER, epochs=500, seed=1
    )
    initialize(d, np.random.default_rng(1))
    return d


def perceptron_or() -> Design:
    """The perceptron example's network, on OR."""
    d = layered([2, 1], output=Activation.STEP, input_labels=["a", "b"])
    d.name = "A perceptron learns OR"
    d.description = "A single step neuron trained with the perceptron rule on the OR gate."
    d.layers[-1].name = "output"
    d.neurons[-1].label = "OR"
    d.dataset = DatasetSpec(source="logic", name="OR")
    d.training = TrainingSettings(
        rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1, epochs=30, seed=3
    )
    initialize(d, np.random.default_rng(9), Init.UNIFORM)  # starts wrong: it has something to learn
    d.neurons[-1].bias = 0.0
    return d


def continual_reber_no_forget() -> Design:
    """The continual embedded Reber LSTM of the examples with its forget gate
    taken out: a cell can then only add to its state, never let go of it."""
    import nnsim

    d = nnsim.example("continual-reber-lstm")
    d.name = "Continual Reber, without a forget gate"
    d.description = (
        "The continual embedded Reber network with its LSTM's forget gate removed: each cell's state can only "
        "grow along the endless stream, so its memory fills up and stays full. Compare it with "
        "example:continual-reber-lstm."
    )
    lstm = next(layer for layer in d.layers if layer.type == "lstm")
    lstm.options["forget_gate"] = False
    lstm.arrays = {}  # three gate blocks instead of four: drawn again
    initialize(d, np.random.default_rng(1))
    return d


DESIGNS = {
    "perceptron-or": perceptron_or,
    "xor-no-hidden": xor_no_hidden,
    "descent-bowl": descent_bowl,
    "spiral-shallow": spiral_shallow,
    "continual-reber-no-forget": continual_reber_no_forget,
}


def main() -> None:
    for name, build in DESIGNS.items():
        save(build(), HERE / f"{name}.nnsim")
        print(f"wrote {name}.nnsim")


if __name__ == "__main__":
    main()
