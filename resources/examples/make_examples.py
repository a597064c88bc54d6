"""Writes the example designs in this folder.

    python resources/examples/make_examples.py

Each example is built in code, given seeded random starting weights, and
saved untrained: opening one shows a network ready to learn. The tests
(tests/test_examples.py) check that each does what its description says.
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


def article_neuron() -> Design:
    d = Design(
        name="The article's neuron",
        description=(
            "One neuron as the article computes it: inputs 0.5 and 0.6, weights 0.5 and 0.7, "
            "bias 0, a step at 0.5. The weighted sum is 0.67, above the threshold, so it fires.\n"
            "Try: nnsim predict article-neuron 0.5 0.6 --trace"
        ),
    )
    inputs = add_layer(d, LayerKind.INPUT, 2, labels=["x1", "x2"], x=0)
    out = add_layer(d, LayerKind.OUTPUT, 1, Activation.STEP, x=220, labels=["fires?"])
    x1, x2 = d.neurons_of(inputs.id)
    (y,) = d.neurons_of(out.id)
    y.threshold = 0.5
    y.bias = 0.0
    d.connections += [Connection(x1.id, y.id, 0.5), Connection(x2.id, y.id, 0.7)]
    d.dataset = DatasetSpec(source="logic", name="AND")
    d.training = TrainingSettings(rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1, epochs=20)
    return d


def perceptron(gate: str, epochs: int) -> Design:
    d = layered([2, 1], output=Activation.STEP, input_labels=["a", "b"])
    d.layers[-1].name = "output"
    d.neurons[-1].label = gate
    d.dataset = DatasetSpec(source="logic", name=gate)
    d.training = TrainingSettings(
        rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1, epochs=epochs, seed=3
    )
    initialize(d, np.random.default_rng(3), Init.UNIFORM)
    d.neurons[-1].bias = 0.0
    return d


def perceptron_and() -> Design:
    d = perceptron("AND", 30)
    d.name = "A perceptron learns AND"
    d.description = (
        "A single step neuron trained with the perceptron rule: after each sample, "
        "weight += rate × error × input. AND is linearly separable, so it settles within a few epochs."
    )
    return d


def perceptron_xor() -> Design:
    d = perceptron("XOR", 50)
    d.name = "A perceptron fails on XOR"
    d.description = (
        "The same perceptron on XOR. No straight line separates XOR's classes, "
        "so the updates go round in a cycle and never settle."
    )
    return d


def xor_mlp() -> Design:
    d = layered([2, 3, 1], Activation.TANH, Activation.SIGMOID, input_labels=["a", "b"])
    d.name = "A hidden layer solves XOR"
    d.description = (
        "Three tanh neurons between the inputs and a sigmoid output, trained by backpropagation: "
        "the hidden layer bends the decision boundary so XOR becomes solvable."
    )
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
    initialize(d, np.random.default_rng(1))
    return d


def circle() -> Design:
    d = layered([2, 4, 2, 1], Activation.TANH, Activation.TANH, input_labels=["x1", "x2"])
    d.name = "Circle classifier"
    d.description = (
        "TensorFlow Playground's circle data with its default network (hidden layers of 4 and 2 tanh "
        "neurons, learning rate 0.03, batch 10)."
    )
    d.dataset = DatasetSpec(source="playground", name="circle", noise=0.0, train_ratio=0.5, seed=1)
    d.training = TrainingSettings(learning_rate=0.03, batch_size=10, epochs=200, seed=1)
    initialize(d, np.random.default_rng(1))
    return d


def spiral_deep() -> Design:
    d = layered([2, 8, 8, 8, 1], Activation.TANH, Activation.TANH, input_labels=["x1", "x2"])
    d.name = "Deeper tanh network for the spiral"
    d.description = (
        "Two interleaved spirals need a curly boundary: three hidden layers of eight tanh neurons, "
        "trained with Adam."
    )
    d.dataset = DatasetSpec(source="playground", name="spiral", noise=0.0, train_ratio=0.5, seed=1)
    d.training = TrainingSettings(
        learning_rate=0.01, batch_size=10, optimizer=Optimizer.ADAM, init=Init.XAVIER, epochs=500, seed=1
    )
    initialize(d, np.random.default_rng(1))
    return d


def iris() -> Design:
    d = layered(
        [4, 8, 3],
        Activation.TANH,
        Activation.SOFTMAX,
        input_labels=["sepal length", "sepal width", "petal length", "petal width"],
    )
    for n, label in zip(d.neurons_of(d.layers[-1].id), ["setosa", "versicolor", "virginica"]):
        n.label = label
    d.name = "Iris classifier"
    d.description = (
        "Fisher's 150 iris flowers: four measurements in, three species out through a softmax layer, "
        "trained with softmax cross-entropy."
    )
    d.dataset = DatasetSpec(source="iris", train_ratio=0.7, seed=1, normalize=True)
    d.training = TrainingSettings(
        learning_rate=0.01,
        batch_size=10,
        optimizer=Optimizer.ADAM,
        loss=Loss.SOFTMAX_CROSS_ENTROPY,
        init=Init.XAVIER,
        epochs=100,
        seed=1,
    )
    initialize(d, np.random.default_rng(1))
    return d


def _image_network(d: Design, image_shape, convs, pool: int, classes: int, labels=None) -> dict:
    """image -> convolutions -> pooling -> flatten -> softmax output, laid
    out left to right; returns the layers by role."""
    from nnsim.design.build import add_block, link

    c, h, w = image_shape
    image = add_block(d, "image", LayerKind.INPUT, name="image", channels=c, height=h, width=w)
    layers = [image]
    for i, options in enumerate(convs):
        layers.append(add_block(d, "conv", activation=Activation.RELU, name=f"conv {i + 1}" if len(convs) > 1
                                else "conv", **options))
    if pool:
        layers.append(add_block(d, "maxpool", activation=Activation.LINEAR, name="max pool", pool=pool))
    layers.append(add_block(d, "flatten", activation=Activation.LINEAR, name="flatten"))
    for i, layer in enumerate(layers):
        layer.x, layer.y = 230.0 * i, 0.0
    out = add_layer(d, LayerKind.OUTPUT, classes, Activation.SOFTMAX, name="output", x=230.0 * len(layers) - 20,
                    labels=labels)
    for a, b in zip(layers, [*layers[1:], out]):
        link(d, a.id, b.id)
    return {"image": image, "convs": layers[1:1 + len(convs)], "output": out}


def digits_cnn() -> Design:
    d = Design(
        name="Digits CNN",
        description=(
            "A small convolutional network reads 8×8 handwritten digits: 8 kernels of 3×3 (padding \"same\", "
            "ReLU) make 8 feature maps, 2×2 max pooling halves them, a flatten lays them out for a softmax "
            "layer of 10 digits. Train it and watch the kernels turn into stroke detectors; it reaches about "
            "97% on the test digits.\n"
            "Try: nnsim train digits-cnn --json"
        ),
    )
    _image_network(d, (1, 8, 8), [dict(filters=8, kernel=3, padding="same")], 2, 10,
                   labels=[str(k) for k in range(10)])
    d.dataset = DatasetSpec(source="digits", train_ratio=0.8, seed=0)
    d.training = TrainingSettings(learning_rate=0.01, batch_size=32, optimizer=Optimizer.ADAM,
                                  loss=Loss.SOFTMAX_CROSS_ENTROPY, init=Init.HE, epochs=15, seed=0)
    initialize(d, np.random.default_rng(0))
    return d


def shapes_cnn() -> Design:
    d = Design(
        name="Shapes CNN",
        description=(
            "Bars, diagonals, plus signs and hollow squares drawn at random places in 10×10 noisy images. "
            "Six 3×3 kernels learn to find the strokes wherever they are; pooling keeps the strongest answers "
            "and a softmax layer names the shape."
        ),
    )
    _image_network(d, (1, 10, 10), [dict(filters=6, kernel=3, padding="same")], 2, 5,
                   labels=["horizontal", "vertical", "diagonal", "plus", "square"])
    d.dataset = DatasetSpec(source="shapes", train_ratio=0.8, seed=0, noise=0.1)
    d.training = TrainingSettings(learning_rate=0.01, batch_size=25, optimizer=Optimizer.ADAM,
                                  loss=Loss.SOFTMAX_CROSS_ENTROPY, init=Init.HE, epochs=30, seed=0)
    initialize(d, np.random.default_rng(0))
    return d


SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]
SOBEL_Y = [[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]]
DIAGONAL = [[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0], [-2.0, -1.0, 0.0]]
BLUR = [[1 / 9] * 3] * 3


def edge_kernels() -> Design:
    from nnsim.design.model import ArrayValue

    d = Design(
        name="Edge kernels",
        description=(
            "Kernels set by hand, no training needed: Sobel kernels that answer to vertical and horizontal "
            "edges, a diagonal one and a blur, frozen so training leaves them alone. Pick a digit and look at "
            "the four feature maps: each lights up where its edge is. Only the softmax layer after them learns."
        ),
    )
    parts = _image_network(d, (1, 8, 8), [dict(filters=4, kernel=3, padding="same", frozen=True)], 2, 10,
                           labels=[str(k) for k in range(10)])
    d.dataset = DatasetSpec(source="digits", train_ratio=0.8, seed=0)
    d.training = TrainingSettings(learning_rate=0.01, batch_size=32, optimizer=Optimizer.ADAM,
                                  loss=Loss.SOFTMAX_CROSS_ENTROPY, init=Init.HE, epochs=10, seed=0)
    initialize(d, np.random.default_rng(0))
    conv = parts["convs"][0]
    conv.activation = Activation.LINEAR  # the kernels' answers as they are, signed
    conv.arrays = {"kernel": ArrayValue(np.array([SOBEL_X, SOBEL_Y, DIAGONAL, BLUR])[:, None]),
                   "bias": ArrayValue(np.zeros(4))}
    return d


EXAMPLES = {
    "article-neuron": article_neuron,
    "perceptron-and": perceptron_and,
    "perceptron-xor": perceptron_xor,
    "xor-mlp": xor_mlp,
    "circle": circle,
    "spiral-deep": spiral_deep,
    "iris": iris,
    "digits-cnn": digits_cnn,
    "shapes-cnn": shapes_cnn,
    "edge-kernels": edge_kernels,
}


def main() -> None:
    for name, build in EXAMPLES.items():
        save(build(), HERE / f"{name}.nnsim")
        print(f"wrote {name}.nnsim")


if __name__ == "__main__":
    main()
