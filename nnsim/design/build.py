"""Building designs in code: layers, "connect all", ready-made layered networks,
and weight initialisation from a seeded generator."""

from __future__ import annotations

import numpy as np

from nnsim.design.model import Activation, Connection, Design, Init, Layer, LayerKind, Neuron
from nnsim.engine.init import initial_bias, initial_weights

# Canvas layout used for designs built in code (the editor can rearrange).
COLUMN_SPACING = 160.0
ROW_SPACING = 60.0


def default_activation(kind: LayerKind) -> Activation:
    """A new layer's activation: inputs pass their value on; the others tanh."""
    return Activation.LINEAR if kind == LayerKind.INPUT else Activation.TANH


def layer_name(design: Design, kind: LayerKind) -> str:
    """The name a new layer of this kind gets: the first of "input",
    "input 2"… ("output"…; "hidden 1", "hidden 2"…) that no layer uses."""
    names = {layer.name for layer in design.layers}
    base = "hidden" if kind == LayerKind.HIDDEN else kind.value
    i = 1
    while f"{base} {i}" in names or (i == 1 and base in names and kind != LayerKind.HIDDEN):
        i += 1
    if kind != LayerKind.HIDDEN and i == 1:
        return base
    return f"{base} {i}"


def column_positions(size: int, x: float, y: float) -> list[tuple[float, float]]:
    """Positions of ``size`` neurons in a column centred on (x, y)."""
    return [(float(x), float(y + ROW_SPACING * (i - (size - 1) / 2))) for i in range(size)]


def make_layer(
    design: Design,
    kind: LayerKind,
    size: int,
    x: float,
    y: float = 0.0,
    activation: Activation | None = None,
    name: str | None = None,
    labels: list[str] | None = None,
    bias: float = 0.0,
) -> tuple[Layer, list[Neuron]]:
    """A new dense layer of ``size`` neurons in a column centred on (x, y),
    with fresh ids and the naming rule's name, not yet in the design (the
    one recipe behind ``add_layer`` here and the editor's
    ``nnsim.design.recipes.add_layer``). Input neurons get no bias."""
    layer = Layer(
        id=design.next_id(),
        name=name or layer_name(design, kind),
        kind=kind,
        activation=activation or default_activation(kind),
    )
    first = layer.id + 1  # the largest id in use, plus one: ask once, not once per neuron
    bias = 0.0 if kind == LayerKind.INPUT else float(bias)
    neurons = [
        Neuron(id=first + i, layer=layer.id, label=labels[i] if labels else "", bias=bias, x=px, y=py)
        for i, (px, py) in enumerate(column_positions(size, x, y))
    ]
    return layer, neurons


def add_layer(
    design: Design,
    kind: LayerKind,
    size: int,
    activation: Activation = Activation.TANH,
    name: str | None = None,
    x: float | None = None,
    labels: list[str] | None = None,
) -> Layer:
    """Append a layer of ``size`` neurons laid out in a column at ``x``
    (by default one column right of the last layer). Input layers are
    linear whatever ``activation`` says."""
    if x is None:
        x = COLUMN_SPACING * len(design.layers)
    if kind == LayerKind.INPUT:
        activation = Activation.LINEAR
    layer, neurons = make_layer(design, kind, size, x, 0.0, activation, name, labels)
    design.layers.append(layer)
    design.neurons.extend(neurons)
    return layer


def connect_all(design: Design, source_layer: int, target_layer: int, weight: float = 0.0) -> list[Connection]:
    """Connect every neuron of one layer to every neuron of another (pairs
    already connected are left alone). Returns the new connections."""
    existing = {(c.source, c.target) for c in design.connections}
    new = [
        Connection(s.id, t.id, weight)
        for s in design.neurons_of(source_layer)
        for t in design.neurons_of(target_layer)
        if (s.id, t.id) not in existing
    ]
    design.connections.extend(new)
    return new


def layered(
    sizes: list[int],
    hidden: Activation = Activation.TANH,
    output: Activation = Activation.TANH,
    name: str = "Untitled",
    input_labels: list[str] | None = None,
) -> Design:
    """A fully connected layered network, e.g. ``layered([2, 4, 2, 1])``,
    with all weights 0 (see ``initialize``)."""
    design = Design(name=name)
    prev = None
    for i, size in enumerate(sizes):
        if i == 0:
            kind, act = LayerKind.INPUT, Activation.LINEAR
        elif i == len(sizes) - 1:
            kind, act = LayerKind.OUTPUT, output
        else:
            kind, act = LayerKind.HIDDEN, hidden
        layer = add_layer(design, kind, size, act, labels=input_labels if i == 0 else None)
        if prev is not None:
            connect_all(design, prev.id, layer.id)
        prev = layer
    return design


def initialize(design: Design, rng: np.random.Generator, init: Init | None = None) -> None:
    """New random weights for every connection that is not frozen, and new
    biases, by the scheme's formula (``nnsim.engine.init``). Fan-in and
    fan-out count each neuron's own connections, so partly connected layers
    are scaled right. Draws happen in design order, so the same seed gives
    the same weights."""
    init = Init(init or design.training.init)
    index = {n.id: i for i, n in enumerate(design.neurons)}
    src = np.array([index[c.source] for c in design.connections], dtype=np.intp)
    dst = np.array([index[c.target] for c in design.connections], dtype=np.intp)
    fan_in = np.bincount(dst, minlength=len(index))[dst]
    fan_out = np.bincount(src, minlength=len(index))[src]
    w = initial_weights(init, fan_in, fan_out, rng)
    bias = initial_bias(init)
    for c, value in zip(design.connections, w.tolist()):
        if not c.frozen:
            c.weight = value
    inputs = {layer.id for layer in design.layers_of_kind(LayerKind.INPUT)}
    for neuron in design.neurons:
        if neuron.layer not in inputs:
            neuron.bias = bias
