"""Building designs in code: layers, "connect all", ready-made layered networks,
and weight initialisation from a seeded generator."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np

from nnsim.design.model import Activation, ArrayValue, Connection, Design, Init, Layer, LayerKind, Link, Neuron
from nnsim.engine.init import initial_bias, initial_weights

# Canvas layout used for designs built in code (the editor can rearrange).
COLUMN_SPACING = 160.0
ROW_SPACING = 60.0
MAX_ROWS = 24  # neurons in one column of a layer; a larger layer wraps into more columns


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
    """Positions of ``size`` neurons in a column at ``x`` centred on ``y``.
    A layer of more than ``MAX_ROWS`` neurons wraps into several columns
    (``MAX_ROWS`` high, the first at ``x``, filled top to bottom, left to
    right): a 300-neuron column would be 18,000 units high and a fitted
    view of it a sliver."""
    rows = min(size, MAX_ROWS)
    return [(float(x + ROW_SPACING * (i // rows)), float(y + ROW_SPACING * (i % rows - (rows - 1) / 2)))
            for i in range(size)]


def column_width(size: int) -> float:
    """How far right of its first column a layer of ``size`` neurons reaches."""
    return ROW_SPACING * ((max(size, 1) - 1) // MAX_ROWS)


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
    if x is None:  # right of the last layer, however wide its columns
        x = max(COLUMN_SPACING * len(design.layers),
                max((n.x for n in design.neurons), default=-COLUMN_SPACING) + COLUMN_SPACING)
    if kind == LayerKind.INPUT:
        activation = Activation.LINEAR
    layer, neurons = make_layer(design, kind, size, x, 0.0, activation, name, labels)
    design.layers.append(layer)
    design.neurons.extend(neurons)
    return layer


def _types():
    from nnsim.design.layer_types import TYPES  # built on the model, as this module is

    return TYPES


def add_block(
    design: Design,
    type_name: str,
    kind: LayerKind = LayerKind.HIDDEN,
    activation: Activation = Activation.RELU,
    name: str | None = None,
    x: float | None = None,
    **options,
) -> Layer:
    """Append a layer drawn as a block (``image``, ``conv``, ``maxpool``,
    ``avgpool``, ``flatten``, ``rnn``, ``lstm``, ``gru``) with its type's
    ``options``, placed at ``x`` (by default one column right of the last
    layer, as ``add_layer``); its arrays come with ``initialize`` once it is
    linked."""
    if x is None:
        x = COLUMN_SPACING * len(design.layers)
    layer = Layer(
        id=design.next_id(),
        name=name or (type_name if kind == LayerKind.HIDDEN else layer_name(design, kind)),
        kind=kind,
        activation=Activation.LINEAR if kind == LayerKind.INPUT else activation,
        type=type_name,
        options={**_types()[type_name].defaults(), **options},
        x=float(x),
    )
    design.layers.append(layer)
    return layer


def link(design: Design, source_layer: int, target_layer: int) -> Link:
    """Feed the whole output of one layer into another (into a dense layer
    with weights, drawn by ``initialize``)."""
    new = Link(source_layer, target_layer)
    design.links.append(new)
    return new


def connect_all(design: Design, source_layer: int, target_layer: int, weight: float = 0.0,
                delay: int = 0) -> list[Connection]:
    """Connect every neuron of one layer to every neuron of another (pairs
    already connected are left alone); ``delay`` 1 makes the connections
    recurrent (a layer may then connect to itself). Returns the new
    connections."""
    existing = {(c.source, c.target) for c in design.connections}
    new = [
        Connection(s.id, t.id, weight, delay=delay)
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
    w, b = _initial_weights_and_biases(design, rng, init)
    for c, value in zip(design.connections, w.tolist()):
        if not c.frozen:
            c.weight = value
    for neuron, value in zip(design.neurons, b.tolist()):
        neuron.bias = value
    initialize_arrays(design, rng, init)


def initial_numbers(design: Design, rng: np.random.Generator, init: Init | None = None):
    """The numbers ``initialize`` would give the design, with the same draws
    from ``rng``, leaving the design as it is: (weights, biases, layer
    arrays by (layer id, name)) in design order. Reset on a large design
    asks for these rather than copying 180,000 connections to initialise."""
    w, b = _initial_weights_and_biases(design, rng, init)
    # The arrays are drawn into copies of the layers and links (few), the rest shared.
    work = dataclasses.replace(design, layers=copy.deepcopy(list(design.layers)),
                               links=copy.deepcopy(list(design.links)))
    initialize_arrays(work, rng, init)
    arrays = {(layer.id, name): np.array(a.values) for layer in work.layers for name, a in layer.arrays.items()}
    return w, b, arrays


def _initial_weights_and_biases(design: Design, rng: np.random.Generator, init: Init | None):
    """New weights (frozen connections keep theirs) and biases (input
    neurons keep theirs), design order."""
    init = Init(init or design.training.init)
    index = {n.id: i for i, n in enumerate(design.neurons)}
    src = np.array([index[c.source] for c in design.connections], dtype=np.intp)
    dst = np.array([index[c.target] for c in design.connections], dtype=np.intp)
    fan_in = np.bincount(dst, minlength=len(index))[dst]
    fan_out = np.bincount(src, minlength=len(index))[src]
    w = np.asarray(initial_weights(init, fan_in, fan_out, rng), dtype=np.float64)
    frozen = np.fromiter((c.frozen for c in design.connections), dtype=bool, count=len(design.connections))
    if frozen.any():
        w = np.where(frozen, [c.weight for c in design.connections], w)
    inputs = {layer.id for layer in design.layers_of_kind(LayerKind.INPUT)}
    bias = initial_bias(init)
    b = np.array([n.bias if n.layer in inputs else bias for n in design.neurons], dtype=np.float64)
    return w, b


def _draw(rng: np.random.Generator, init: Init, shape, fan_in: int, fan_out: int) -> np.ndarray:
    """Weights of one array by the scheme's formula (``nnsim.engine.init``),
    every entry with the same fan-in and fan-out."""
    return initial_weights(init, np.full(shape, fan_in), np.full(shape, fan_out), rng)


def _recurrent_start(layer: Layer, specs, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A recurrent block's own starting numbers (its operation's: weights
    uniform in ±1/√cells as PyTorch's, biases 0, an LSTM's forget gate +1
    or its option)."""
    from nnsim.design.layer_types import options_of
    from nnsim.engine.ops.gru import GRU
    from nnsim.engine.ops.lstm import LSTM
    from nnsim.engine.ops.rnn import SimpleRNN

    o = options_of(layer)
    shapes = dict(specs)
    n_in = shapes["weight"][0] - o["cells"]
    if layer.type == "lstm":
        op = LSTM(n_in, o["cells"], "weight", "bias", o["forget_gate"], o["forget_bias"])
    elif layer.type == "gru":
        op = GRU(n_in, o["cells"], "weight", "bias", "recurrent_bias")
    else:
        op = SimpleRNN(n_in, o["cells"], "weight", "bias")
    if o["initial_state"] == "learned":
        op.learn_initial("initial")
    return op.init_arrays(rng)


RECURRENT_STARTS = {"lstm": _recurrent_start, "gru": _recurrent_start, "rnn": _recurrent_start}


def initialize_arrays(design: Design, rng: np.random.Generator, init: Init | None = None) -> None:
    """New starting numbers for the arrays of parametric layers and the
    weights of links into dense layers (frozen links keep theirs), drawn
    after the connections', layers and links in design order: a convolution's
    kernels with fan-in channels·k² and fan-out filters·k²; biases as the
    scheme's neurons get them. Arrays whose shape no longer fits are made
    anew; a layer whose input is not linked yet keeps none."""
    from nnsim.design.layer_types import TYPES  # builds on this module's neighbours
    from nnsim.design.shapes import layer_shapes

    init = Init(init or design.training.init)
    bias = initial_bias(init)
    shapes = layer_shapes(design)
    for layer in design.layers:
        kind = TYPES.get(layer.type)
        specs = kind.arrays(design, layer, shapes) if kind else []
        if not specs:
            layer.arrays = {}
            continue
        if layer.type in RECURRENT_STARTS:
            layer.arrays = {k: ArrayValue(v) for k, v in RECURRENT_STARTS[layer.type](layer, specs, rng).items()}
            continue
        arrays = {}
        for name, shape in specs:
            if name == "bias":
                arrays[name] = ArrayValue(np.full(shape, bias))
            else:
                receptive = int(np.prod(shape[1:]))  # (out, in, kh, kw): in·kh·kw
                arrays[name] = ArrayValue(_draw(rng, init, shape, receptive, shape[0] * int(np.prod(shape[2:]))))
        layer.arrays = arrays
    neurons = design.layer_sizes()
    for link in design.links:
        try:
            target = design.layer(link.target)
        except KeyError:
            continue
        if target.type != "dense" or link.frozen and link.weights is not None:
            continue
        n_in, n_out = shapes.size(link.source), neurons.get(link.target, 0)
        if n_in and n_out:
            link.weights = ArrayValue(_draw(rng, init, (n_in, n_out), n_in, n_out))
