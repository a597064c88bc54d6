"""The design: what the user drew, as plain data.

A design holds layers, neurons (each in one layer, with a canvas position),
connections between individual neurons, the training settings and the choice of
data set. It knows nothing about Qt or NumPy arrays; the engine compiles it
(``nnsim.design.compile``) and the file format reads and writes it
(``nnsim.io``).

Ids are small positive integers, unique across layers and neurons of one design.
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field


class LayerKind(str, enum.Enum):
    """Where a layer sits in the network."""

    INPUT = "input"
    HIDDEN = "hidden"
    OUTPUT = "output"


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


@dataclass
class Layer:
    """A group of neurons computed together; its ``activation`` is the default
    for neurons that do not set their own."""

    id: int
    name: str
    kind: LayerKind
    activation: Activation = Activation.TANH


@dataclass
class Neuron:
    """One neuron. ``activation`` None means "use the layer's". ``threshold`` is
    used by the step and sign activations: the neuron fires when its weighted
    sum plus bias exceeds it."""

    id: int
    layer: int
    label: str = ""
    bias: float = 0.0
    activation: Activation | None = None
    threshold: float = 0.0
    x: float = 0.0
    y: float = 0.0


@dataclass
class Connection:
    """A weighted link from ``source`` to ``target`` (neuron ids). A frozen
    connection keeps its weight during training."""

    source: int
    target: int
    weight: float = 0.0
    frozen: bool = False


@dataclass
class TrainingSettings:
    rule: LearningRule = LearningRule.BACKPROP
    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: Optimizer = Optimizer.SGD
    momentum: float = 0.9  # for the momentum optimizer
    beta1: float = 0.9  # Adam
    beta2: float = 0.999  # Adam
    epsilon: float = 1e-8  # Adam
    loss: Loss = Loss.MSE
    regularization: Regularization = Regularization.NONE
    regularization_rate: float = 0.0
    init: Init = Init.UNIFORM
    epochs: int = 100  # the budget when stop_after_epochs, and `nnsim train`'s default
    seed: int = 0
    target_loss: float | None = None
    stop_after_epochs: bool = False  # the window's Play stops after `epochs` (else it runs until paused)


@dataclass
class DatasetSpec:
    """Which data the design trains on.

    ``source`` is one of ``playground`` (``name``: circle, xor, gauss, spiral,
    plane, multigauss), ``logic`` (``name``: AND, OR, NAND, NOR, XOR), ``iris``
    or ``csv`` (``path``, relative to the design file, and ``targets``: the
    target column names). ``task`` is ``classification`` or ``regression`` and
    matters for CSV files; the other sources know their own.
    """

    source: str = "playground"
    name: str = "xor"
    noise: float = 0.0
    train_ratio: float = 0.5
    seed: int = 0
    points: int | None = None  # None: the source's default size
    path: str = ""
    targets: list[str] = field(default_factory=list)
    task: str = "classification"
    normalize: bool = False


@dataclass
class HistoryRecord:
    """Loss and accuracy measured at the end of one epoch."""

    epoch: int
    step: int
    train_loss: float
    test_loss: float | None = None
    train_accuracy: float | None = None
    test_accuracy: float | None = None


@dataclass
class Design:
    name: str = "Untitled"
    description: str = ""
    layers: list[Layer] = field(default_factory=list)
    neurons: list[Neuron] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    training: TrainingSettings = field(default_factory=TrainingSettings)
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    history: list[HistoryRecord] = field(default_factory=list)

    # -- look-ups -------------------------------------------------------------
    def layer(self, layer_id: int) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(f"no layer {layer_id}")

    def neuron(self, neuron_id: int) -> Neuron:
        for neuron in self.neurons:
            if neuron.id == neuron_id:
                return neuron
        raise KeyError(f"no neuron {neuron_id}")

    def neurons_of(self, layer_id: int) -> list[Neuron]:
        """The neurons of a layer, in design order (their order in the layer)."""
        return [n for n in self.neurons if n.layer == layer_id]

    def layers_of_kind(self, kind: LayerKind) -> list[Layer]:
        return [layer for layer in self.layers if layer.kind == kind]

    def connection(self, source: int, target: int) -> Connection | None:
        for c in self.connections:
            if c.source == source and c.target == target:
                return c
        return None

    def activation_of(self, neuron: Neuron) -> Activation:
        return neuron.activation or self.layer(neuron.layer).activation

    def next_id(self) -> int:
        ids = [layer.id for layer in self.layers] + [n.id for n in self.neurons]
        return max(ids, default=0) + 1

    def describe_neuron(self, neuron_id: int) -> str:
        """A short human name for messages: the label or 'neuron 7 (hidden 1)'."""
        try:
            n = self.neuron(neuron_id)
        except KeyError:
            return f"neuron {neuron_id}"
        try:
            layer_name = self.layer(n.layer).name
        except KeyError:
            layer_name = f"layer {n.layer}"
        return f"'{n.label}'" if n.label else f"neuron {n.id} ({layer_name})"

    @property
    def input_size(self) -> int:
        return sum(len(self.neurons_of(layer.id)) for layer in self.layers_of_kind(LayerKind.INPUT))

    @property
    def output_size(self) -> int:
        return sum(len(self.neurons_of(layer.id)) for layer in self.layers_of_kind(LayerKind.OUTPUT))

    def copy(self) -> Design:
        return copy.deepcopy(self)
