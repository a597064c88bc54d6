"""The engine's words: activation functions, losses, optimizers,
regularisation, initialisation, learning rules, the training settings and the
history record.

They live here, at the bottom of nnsim, so that the engine depends on nothing
but NumPy; the design model (``nnsim.design.model``) re-exports them for the
document, the file format and the window.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Activation(str, enum.Enum):
    """Activation functions a neuron can use."""

    STEP = "step"
    SIGN = "sign"
    LINEAR = "linear"
    SIGMOID = "sigmoid"
    TANH = "tanh"
    RELU = "relu"
    LEAKY_RELU = "leaky_relu"
    SOFTMAX = "softmax"


class Loss(str, enum.Enum):
    MSE = "mse"
    BINARY_CROSS_ENTROPY = "binary_cross_entropy"
    SOFTMAX_CROSS_ENTROPY = "softmax_cross_entropy"


class Optimizer(str, enum.Enum):
    SGD = "sgd"
    MOMENTUM = "momentum"
    ADAM = "adam"
    ADAGRAD = "adagrad"


class Regularization(str, enum.Enum):
    NONE = "none"
    L1 = "l1"
    L2 = "l2"


class Init(str, enum.Enum):
    UNIFORM = "uniform"  # U(-0.5, 0.5), as TensorFlow Playground
    XAVIER = "xavier"  # Glorot uniform
    HE = "he"  # He normal


class LearningRule(str, enum.Enum):
    BACKPROP = "backprop"
    PERCEPTRON = "perceptron"
    ADVERSARIAL = "adversarial"  # a GAN: a generator and a discriminator trained against each other


# The largest epoch and step counts a training history records (a design file
# holds them as whole numbers up to these); training stops there.
MAX_EPOCHS = 1_000_000_000
MAX_STEPS = 2**63 - 1


@dataclass
class TrainingSettings:
    """How a network is trained. Trainers read it live: a rate changed while
    training applies at the next step."""

    rule: LearningRule = LearningRule.BACKPROP
    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: Optimizer = Optimizer.SGD
    momentum: float = 0.9  # for the momentum optimizer
    beta1: float = 0.9  # Adam
    beta2: float = 0.999  # Adam
    epsilon: float = 1e-8  # Adam, Adagrad
    loss: Loss = Loss.MSE
    regularization: Regularization = Regularization.NONE
    regularization_rate: float = 0.0
    init: Init = Init.UNIFORM
    epochs: int = 100  # the budget when stop_after_epochs, and `nnsim train`'s default
    seed: int = 0
    target_loss: float | None = None
    stop_after_epochs: bool = False  # the window's Play stops after `epochs` (else it runs until paused)
    bptt_steps: int = 0  # sequences: backpropagate through at most this many steps per chunk (0: all)
    gradient_clip: float = 0.0  # each gradient entry limited to ±this (0: no clipping)


@dataclass
class HistoryRecord:
    """Loss and accuracy measured at the end of one epoch. ``losses`` holds
    further named loss series of training programs that report more than one
    (empty for backpropagation and the perceptron rule)."""

    epoch: int
    step: int
    train_loss: float
    test_loss: float | None = None
    train_accuracy: float | None = None
    test_accuracy: float | None = None
    losses: dict[str, float] = field(default_factory=dict)
