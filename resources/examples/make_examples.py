"""Writes the example designs in this folder.

    python resources/examples/make_examples.py

Each example is built in code, given seeded random starting weights, and
saved untrained: opening one shows a network ready to learn. The tests
(tests/test_examples.py) check that each does what its description says.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnsim.design.build import add_block, add_layer, connect_all, initialize, layered, link
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


def gan_points(name: str, title: str, generator, discriminator, lr_d: float, lr_g: float, k: int, epochs: int,
               what: str, seed: int = 1) -> Design:
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
    d.training.seed = seed  # the draws of training (noise, the order of the real points)
    d.training.init = Init.HE
    initialize_gan_lab(d, np.random.default_rng(1))
    return d


def gan_ring() -> Design:
    return gan_points("ring", "GAN: a ring", (10, 10), (9, 9, 9), 0.1, 0.03, 3, 25, "those of a ring", seed=2)


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
    "digits-cnn": digits_cnn,
    "shapes-cnn": shapes_cnn,
    "edge-kernels": edge_kernels,
    "gan-ring": gan_ring,
    "gan-gaussians": gan_gaussians,
    "gan-line": gan_line,
    "gan-digits": gan_digits,
}


# -- sequences: recurrent networks and LSTMs --------------------------------------------------------------------

REBER = list("BTPSXVE")
ORDER_INPUTS = list("abcdXYBE")


def neuron_loop_net(n_in: int, hidden: int, n_out: int, output: Activation, loop: bool, inputs: list[str],
                    outputs: list[str]) -> Design:
    """Inputs, a hidden layer of tanh neurons (each reading every hidden neuron one step late when ``loop``:
    an Elman network) and outputs, drawn as neurons."""
    d = Design()
    i = add_layer(d, LayerKind.INPUT, n_in, labels=inputs)
    h = add_layer(d, LayerKind.HIDDEN, hidden, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, n_out, output, labels=outputs)
    connect_all(d, i.id, h.id)
    if loop:
        connect_all(d, h.id, h.id, delay=1)
    connect_all(d, h.id, o.id)
    return d


def block_net(kind: str, n_in: int, cells: int, n_out: int, output: Activation, inputs: list[str] | None = None,
              outputs: list[str] | None = None, **options) -> Design:
    """Inputs linked into a recurrent block (``rnn``, ``lstm``), linked into a dense output layer."""
    d = Design()
    i = add_layer(d, LayerKind.INPUT, n_in, labels=inputs)
    r = add_block(d, kind, name={"rnn": "RNN", "lstm": "LSTM"}[kind], cells=cells, **options)
    o = add_layer(d, LayerKind.OUTPUT, n_out, output, labels=outputs)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    return d


def sequence_training(seed: int = 1, **settings) -> TrainingSettings:
    return TrainingSettings(**{"optimizer": Optimizer.ADAM, "init": Init.XAVIER, "epochs": 20, "seed": seed,
                               **settings})


def temporal_xor(loop: bool) -> Design:
    d = neuron_loop_net(1, 6, 1, Activation.SIGMOID, loop, ["bit"], ["xor"])
    d.dataset = DatasetSpec(source="sequence", name="temporal_xor", seed=0)
    d.training = sequence_training(learning_rate=0.03, batch_size=10, loss=Loss.BINARY_CROSS_ENTROPY, bptt_steps=10)
    initialize(d, np.random.default_rng(1))
    return d


def temporal_xor_rnn() -> Design:
    d = temporal_xor(loop=True)
    d.name = "A loop gives memory: temporal XOR"
    d.description = (
        "A stream of random bits; each target is the current bit XOR the previous one. Six tanh neurons each "
        "read every hidden neuron's value of the step before (the loop, delay 1): that memory of the last bit "
        "is all the task needs, and the network passes 95% of steps right within a few epochs."
    )
    return d


def temporal_xor_mlp() -> Design:
    d = temporal_xor(loop=False)
    d.name = "No loop, no memory: temporal XOR"
    d.description = (
        "The temporal XOR network without its loop. It sees only the current bit, which says nothing about "
        "the XOR with the bit before: however long it trains, it stays near 50% (chance)."
    )
    return d


def sine_rnn() -> Design:
    d = neuron_loop_net(1, 6, 1, Activation.LINEAR, True, ["x(t)"], ["x(t+1)"])
    d.name = "Predicting a sine wave"
    d.description = (
        "Each step shows the current value of a sine wave; the target is the next value. From the value alone "
        "a network cannot tell rising from falling (without the loop its loss stays near 0.01); with the loop "
        "it remembers where the wave came from and its test loss falls below 0.002 within 100 epochs."
    )
    d.dataset = DatasetSpec(source="sequence", name="sine", seed=0)
    d.training = sequence_training(learning_rate=0.03, batch_size=8, loss=Loss.MSE, epochs=100)
    initialize(d, np.random.default_rng(1))
    return d


def reber_rnn() -> Design:
    d = block_net("rnn", 7, 12, 7, Activation.SOFTMAX, REBER, REBER)
    d.name = "Learning a grammar: Reber strings"
    d.description = (
        "Strings of the Reber grammar, one symbol per step; the target is the next symbol. Where two symbols may "
        "follow, no network can know which; a plain recurrent layer of 12 tanh cells learns which are legal, "
        "and its most likely next symbol is a legal one at every step of the test strings within 20 epochs."
    )
    d.dataset = DatasetSpec(source="sequence", name="reber", seed=0)
    d.training = sequence_training(learning_rate=0.01, batch_size=16, loss=Loss.SOFTMAX_CROSS_ENTROPY)
    initialize(d, np.random.default_rng(1))
    return d


def char_rnn() -> Design:
    from nnsim.data.char_text import char_text

    vocabulary = char_text().target_names
    v = len(vocabulary)
    d = block_net("rnn", v, 100, v, Activation.SOFTMAX)
    d.name = "A character model: writing like Alice"
    d.description = (
        "The classic minimal character model: one character in per step (one-hot over the 59 characters of "
        "chapter I of Alice's Adventures in Wonderland), 100 tanh cells, the next character out. It reads the "
        "text in chunks of 25 characters with the hidden state carried, trained with Adagrad at rate 0.1 and "
        "gradients clipped to ±5. Its loss per character falls from ln 59 = 4.1 to below 2.4 within 10 epochs, "
        "and samples drawn from it at a temperature turn from noise into word-like strings."
    )
    d.dataset = DatasetSpec(source="sequence", name="char_text")
    d.training = sequence_training(learning_rate=0.1, batch_size=1, optimizer=Optimizer.ADAGRAD,
                                   loss=Loss.SOFTMAX_CROSS_ENTROPY, gradient_clip=5.0)
    initialize(d, np.random.default_rng(1))
    return d


def temporal_order(kind: str, cells: int) -> Design:
    d = block_net(kind, 8, cells, 4, Activation.SOFTMAX, ORDER_INPUTS, ["XX", "XY", "YX", "YY"])
    d.dataset = DatasetSpec(source="sequence", name="temporal_order", seed=0, points=2000)
    d.training = sequence_training(learning_rate=0.01, batch_size=32, loss=Loss.SOFTMAX_CROSS_ENTROPY, epochs=10)
    initialize(d, np.random.default_rng(1))
    return d


def temporal_order_lstm() -> Design:
    d = temporal_order("lstm", 4)
    d.name = "Temporal order: the LSTM remembers"
    d.description = (
        "Sequences of 50 symbols, mostly distractors (a, b, c, d); two keys, X or Y, one among steps 3 to 12 and "
        "one among 25 to 40. At the end the network names their order: XX, XY, YX or YY. Four LSTM cells keep "
        "the keys in their cell state across the distractors and pass 95% of the test sequences within 10 epochs."
    )
    return d


def temporal_order_rnn() -> Design:
    d = temporal_order("rnn", 10)
    d.name = "Temporal order: the plain RNN forgets"
    d.description = (
        "The temporal order task with a plain recurrent layer of 10 tanh cells (about as many numbers as the "
        "four LSTM cells). The gradient from the answer fades over the dozens of steps back to the keys, so it "
        "stays near chance, 25%."
    )
    return d


def adding_lstm() -> Design:
    d = block_net("lstm", 2, 8, 1, Activation.LINEAR, ["value", "marker"], ["sum"])
    d.name = "The adding problem"
    d.description = (
        "100 steps of two inputs: a value in [-1, 1] and a marker that is 1 on exactly two steps. At the end the "
        "network answers the sum of the two marked values. Always answering 0 leaves a mean squared error of "
        "0.667; eight LSTM cells get it below 0.04 (a loss, half of that, below 0.02) within 20 epochs."
    )
    d.dataset = DatasetSpec(source="sequence", name="adding", seed=0, points=2000)
    d.training = sequence_training(learning_rate=0.01, batch_size=32, loss=Loss.MSE)
    initialize(d, np.random.default_rng(1))
    return d


def reber_lstm() -> Design:
    d = block_net("lstm", 7, 8, 7, Activation.SOFTMAX, REBER, REBER)
    d.name = "Embedded Reber: remembering T or P"
    d.description = (
        "Embedded Reber strings: B, then T or P, a Reber string, the same T or P again, E. Predicting that "
        "second T or P means remembering the first across the inner string. Eight LSTM cells learn it: their "
        "most likely next symbol is a legal one at every step of the test strings within 30 epochs."
    )
    d.dataset = DatasetSpec(source="sequence", name="embedded_reber", seed=0)
    d.training = sequence_training(learning_rate=0.01, batch_size=16, loss=Loss.SOFTMAX_CROSS_ENTROPY, epochs=30)
    initialize(d, np.random.default_rng(1))
    return d


def continual_reber_lstm() -> Design:
    d = block_net("lstm", 7, 8, 7, Activation.SOFTMAX, REBER, REBER)
    d.name = "Why forget? Continual embedded Reber"
    d.description = (
        "Embedded Reber strings one after the other in one endless stream, never reset. Eight LSTM cells with "
        "forget gates learn to let go of each finished string and predict the remembered T or P in 95% of the "
        "test strings within 40 epochs. Switch the forget gate off (the layer's settings) and train again: the "
        "cells have no way to clear their state and stay near chance (50%) on those steps."
    )
    d.dataset = DatasetSpec(source="sequence", name="continual_embedded_reber", seed=0, points=200)
    d.training = sequence_training(learning_rate=0.03, batch_size=5, loss=Loss.SOFTMAX_CROSS_ENTROPY, bptt_steps=50,
                                   epochs=40)
    initialize(d, np.random.default_rng(1))
    return d


EXAMPLES.update({
    "temporal-xor-rnn": temporal_xor_rnn,
    "temporal-xor-mlp": temporal_xor_mlp,
    "sine-rnn": sine_rnn,
    "reber-rnn": reber_rnn,
    "char-rnn": char_rnn,
    "temporal-order-lstm": temporal_order_lstm,
    "temporal-order-rnn": temporal_order_rnn,
    "adding-lstm": adding_lstm,
    "reber-lstm": reber_lstm,
    "continual-reber-lstm": continual_reber_lstm,
})


def main() -> None:
    for name, build in EXAMPLES.items():
        save(build(), HERE / f"{name}.nnsim")
        print(f"wrote {name}.nnsim")


if __name__ == "__main__":
    main()
