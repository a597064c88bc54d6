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
from nnsim.design.gan import gan_design, initialize_gan_lab
from nnsim.engine.adversarial import GanSettings, PlayerSettings
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


def gan_points(name: str, title: str, generator, discriminator, lr_d: float, lr_g: float, k: int, epochs: int,
               what: str) -> Design:
    """A GAN on one of GAN Lab's distributions with its tuned sizes and
    rates (an epoch is 80 rounds: 12,000 points in batches of 150)."""
    settings = GanSettings(discriminator=PlayerSettings(Optimizer.SGD, lr_d, k),
                           generator=PlayerSettings(Optimizer.SGD, lr_g, 1))
    d = gan_design(2, 2, generator, discriminator, name=title, settings=settings,
                   dataset=DatasetSpec(source="distribution", name=name, seed=1))
    d.description = (
        f"A generative adversarial network learns to make points like {what}: the generator turns 2-D noise "
        "into points, the discriminator tells them from real ones, and each learns from the other. Watch the "
        "discriminator's verdict (the heatmap) and the arrows that show where each generated point is pushed."
    )
    d.training.epochs = epochs
    d.training.seed = 1
    d.training.init = Init.HE
    initialize_gan_lab(d, np.random.default_rng(1))
    return d


def gan_ring() -> Design:
    return gan_points("ring", "GAN: a ring", (10, 10), (9, 9, 9), 0.1, 0.03, 3, 25, "those of a ring")


def gan_gaussians() -> Design:
    return gan_points("gaussians", "GAN: two Gaussians", (8, 8), (8, 8), 0.1, 0.03, 2, 25, "two Gaussian clouds")


def gan_line() -> Design:
    return gan_points("line", "GAN: a line", (5, 5), (6, 6), 0.03, 0.01, 2, 20, "a short line")


def gan_digits() -> Design:
    """A GAN past GAN Lab's plane: 8×8 handwritten digits from 8 noise numbers."""
    settings = GanSettings(discriminator=PlayerSettings(Optimizer.SGD, 0.1, 1),
                           generator=PlayerSettings(Optimizer.SGD, 0.1, 1))
    d = gan_design(8, 64, (32,), (32,), name="GAN: tiny digits", output=Activation.SIGMOID, settings=settings,
                   dataset=DatasetSpec(source="digits", train_ratio=1.0, seed=1))
    d.description = (
        "A generative adversarial network on 8×8 handwritten digits: the generator turns 8 noise numbers into "
        "64 pixels, the discriminator scores images as real or fake. The GAN panel shows generated images with "
        "the discriminator's score on each."
    )
    d.training.batch_size = 64
    d.training.epochs = 60
    d.training.seed = 1
    d.training.init = Init.HE
    initialize(d, np.random.default_rng(1))
    return d


EXAMPLES = {
    "article-neuron": article_neuron,
    "perceptron-and": perceptron_and,
    "perceptron-xor": perceptron_xor,
    "xor-mlp": xor_mlp,
    "circle": circle,
    "spiral-deep": spiral_deep,
    "iris": iris,
    "gan-ring": gan_ring,
    "gan-gaussians": gan_gaussians,
    "gan-line": gan_line,
    "gan-digits": gan_digits,
}


def main() -> None:
    for name, build in EXAMPLES.items():
        save(build(), HERE / f"{name}.nnsim")
        print(f"wrote {name}.nnsim")


if __name__ == "__main__":
    main()
