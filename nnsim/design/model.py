"""The design: what the user drew, as plain data.

A design holds layers, neurons (each in one layer, with a canvas position),
connections between individual neurons, the training settings and the choice of
data set. A layer has a role (``kind``: input, hidden, output) and a ``type``
(``nnsim.design.layer_types``: dense today) with the type's ``options``;
parametric types keep their numbers in ``arrays`` (read-only ``ArrayValue``s),
where dense layers keep theirs in connections and neurons. It knows nothing
about Qt; the engine compiles it (``nnsim.design.compile``) and the file format
reads and writes it (``nnsim.io``).

Ids are small positive integers, unique across layers and neurons of one design.

Look-ups by id (``Design.layer``, ``neuron``, ``neurons_of``, ``next_id``) take
constant time: the design keeps an index, built when first needed and built
again after any change that could make it wrong (an item added to or removed
from ``layers`` or ``neurons``, one of those lists replaced, or the ``id`` or
``layer`` of any layer or neuron set). Nothing of it is stored in files.
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnsim.engine.adversarial import GanSettings  # noqa: F401 - a GAN's settings, the engine's words too
from nnsim.engine.vocab import (  # noqa: F401 - the design's words are the engine's
    Activation,
    HistoryRecord,
    Init,
    LearningRule,
    Loss,
    Optimizer,
    Regularization,
    TrainingSettings,
)



class LayerKind(str, enum.Enum):
    """Where a layer sits in the network."""

    INPUT = "input"
    HIDDEN = "hidden"
    OUTPUT = "output"


# Counts every change to an ``id`` or a neuron's ``layer``, in any design: the
# indexes built before such a change are stale.
_key_edits = 0


def _note_key_edit() -> None:
    global _key_edits
    _key_edits += 1


class _Parts(list):
    """A design's list of layers, neurons or connections that counts its own
    changes, so that the design's index knows when to rebuild."""

    changes = 0

    def _changed(self) -> None:
        self.changes += 1

    def append(self, item):
        self._changed()
        super().append(item)

    def extend(self, items):
        self._changed()
        super().extend(items)

    def insert(self, i, item):
        self._changed()
        super().insert(i, item)

    def remove(self, item):
        self._changed()
        super().remove(item)

    def pop(self, *args):
        self._changed()
        return super().pop(*args)

    def clear(self):
        self._changed()
        super().clear()

    def sort(self, *args, **kwargs):
        self._changed()
        super().sort(*args, **kwargs)

    def reverse(self):
        self._changed()
        super().reverse()

    def __setitem__(self, i, value):
        self._changed()
        super().__setitem__(i, value)

    def __delitem__(self, i):
        self._changed()
        super().__delitem__(i)

    def __iadd__(self, items):
        self._changed()
        return super().__iadd__(items)

    def __imul__(self, n):
        self._changed()
        return super().__imul__(n)


_PART_LISTS = frozenset(("layers", "neurons", "connections", "links"))


class ArrayValue:
    """A read-only array of numbers kept in a design (a kernel, gate weights):
    compared by value, shared rather than copied (nothing can change it; an
    edit puts a new one in its place)."""

    __slots__ = ("values",)

    def __init__(self, values):
        a = np.array(values, dtype=np.float64)
        a.flags.writeable = False
        object.__setattr__(self, "values", a)

    def __setattr__(self, name, value):
        raise AttributeError("an ArrayValue cannot be changed; put a new one in its place")

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    def __eq__(self, other) -> bool:
        return isinstance(other, ArrayValue) and self.shape == other.shape and bool(
            np.array_equal(self.values, other.values))

    __hash__ = None

    def __repr__(self) -> str:
        return f"ArrayValue(shape={self.shape})"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return ArrayValue, (self.values,)


@dataclass
class Layer:
    """A group of neurons computed together; its ``activation`` is the default
    for neurons that do not set their own. ``type`` names its layer type
    (``nnsim.design.layer_types``), ``options`` that type's settings and
    ``arrays`` a parametric type's numbers; ``group`` names the network it
    belongs to in a design of several (empty: the only one). ``x`` and ``y``
    place a layer drawn as a block on the canvas (its centre); a layer of
    neurons is drawn where its neurons are."""

    id: int
    name: str
    kind: LayerKind
    activation: Activation = Activation.TANH
    type: str = "dense"
    options: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, ArrayValue] = field(default_factory=dict)
    group: str = ""
    x: float = 0.0
    y: float = 0.0

    def __setattr__(self, name, value):
        if name == "id":
            _note_key_edit()
        object.__setattr__(self, name, value)


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

    def __setattr__(self, name, value):
        if name == "id" or name == "layer":
            _note_key_edit()
        object.__setattr__(self, name, value)


@dataclass
class Connection:
    """A weighted link from ``source`` to ``target`` (neuron ids). A frozen
    connection keeps its weight during training. ``delay`` 0 carries the value
    of the same time step; 1 the value of the step before (a loop)."""

    source: int
    target: int
    weight: float = 0.0
    frozen: bool = False
    delay: int = 0  # time steps the value takes to arrive (1: a recurrent connection)


@dataclass
class Link:
    """The whole output of layer ``source`` feeding layer ``target`` in one
    piece: how layers drawn as blocks (an image, a convolution, pooling,
    flattening) are joined, where neurons are joined by connections. Into a
    dense layer a link is a full weight matrix, ``weights`` (values of the
    source × neurons of the target); into a block layer the target keeps its
    own numbers (a convolution's kernels) and ``weights`` is None. A frozen
    link keeps its weights during training."""

    source: int
    target: int
    weights: ArrayValue | None = None
    frozen: bool = False


@dataclass
class DatasetSpec:
    """Which data the design trains on.

    ``source`` is one of ``playground`` (``name``: circle, xor, gauss, spiral,
    plane, multigauss), ``logic`` (``name``: AND, OR, NAND, NOR, XOR), ``iris``
    or ``csv`` (``path``, relative to the design file, and ``targets``: the
    target column names), ``distribution`` (points in the unit square for a
    GAN, ``name``: line, gaussians, ring, disjoint, or drawn: the points of
    ``drawn`` with a little noise). A CSV file's text may travel inside the design
    (``csv_text``); then ``path`` only names it. ``task`` is ``classification`` or ``regression`` and
    matters for CSV files; the other sources know their own. ``scale_targets``
    standardises a CSV file's regression targets (predictions are shown in the
    file's units again). With ``window`` > 0 a CSV file is a time series cut
    into windows for a recurrent network (``nnsim.data.windows``).
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
    drawn: list[tuple[float, float]] = field(default_factory=list)  # source "distribution", name "drawn"
    scale_targets: bool = False  # csv regression: the network learns standardised targets
    # csv as a time series (rows in time order) for a recurrent network: windows
    # of ``window`` rows (0: the rows are separate samples), targets ``horizon``
    # rows ahead, at every step or the last; ``inputs``: the input columns
    # (none named: every column that is not a target).
    window: int = 0
    horizon: int = 0
    inputs: list[str] = field(default_factory=list)
    targets_at: str = "every_step"
    # The CSV file's text kept in the design (File > Save with data); "" reads ``path``.
    csv_text: str = ""


#: An image input's size where its options do not say (the image layer type's defaults).
IMAGE_DEFAULTS = {"channels": 1, "height": 8, "width": 8}


@dataclass
class TrainingState:
    """Where training stood when the design was saved, so that training
    continues as if it had never stopped: the epoch and step counted, the
    samples of that epoch already trained (``position``), and the
    optimizer's memory: its kind, Adam's step count ``t`` and its vectors
    (momentum's velocities ``v``, Adam's moments ``m`` and ``v``), each by
    moment and then by the network's parameter name."""

    epoch: int = 0
    step: int = 0
    position: int = 0
    optimizer: Optimizer = Optimizer.SGD
    t: int = 0
    arrays: dict[str, dict[str, ArrayValue]] = field(default_factory=dict)


@dataclass
class Design:
    name: str = "Untitled"
    description: str = ""
    layers: list[Layer] = field(default_factory=list)
    neurons: list[Neuron] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    training: TrainingSettings = field(default_factory=TrainingSettings)
    dataset: DatasetSpec = field(default_factory=DatasetSpec)
    history: list[HistoryRecord] = field(default_factory=list)
    # A GAN's own settings (learning rule "adversarial"; None: the defaults).
    gan: GanSettings | None = None
    training_state: TrainingState | None = None  # saved with the weights (None: start afresh)

    def __setattr__(self, name, value):
        if name in _PART_LISTS and type(value) is not _Parts:
            value = _Parts(value)
        object.__setattr__(self, name, value)

    def __getstate__(self):
        # Copies (copy.copy, copy.deepcopy) build their own index.
        state = dict(self.__dict__)
        state.pop("_index", None)
        return state

    # -- look-ups -------------------------------------------------------------
    def _lookup(self) -> _Index:
        index = self.__dict__.get("_index")
        if index is None or not index.fits(self):
            index = _Index(self)
            object.__setattr__(self, "_index", index)
        return index

    def layer(self, layer_id: int) -> Layer:
        try:
            return self._lookup().layers[layer_id]
        except (KeyError, TypeError):
            raise KeyError(f"no layer {layer_id}") from None

    def neuron(self, neuron_id: int) -> Neuron:
        try:
            return self._lookup().neurons[neuron_id]
        except (KeyError, TypeError):
            raise KeyError(f"no neuron {neuron_id}") from None

    def neurons_of(self, layer_id: int) -> list[Neuron]:
        """The neurons of a layer, in design order (their order in the layer)."""
        try:
            return list(self._lookup().members.get(layer_id, ()))
        except TypeError:  # an unhashable id
            return []

    def layer_sizes(self) -> dict[int, int]:
        """Layer id -> number of neurons, for every layer."""
        members = self._lookup().members
        return {layer.id: len(members.get(layer.id, ())) for layer in self.layers}

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
        return self._lookup().max_id + 1

    @property
    def input_size(self) -> int:
        """Numbers per sample the input layers read: their neurons, or an
        image input's pixels."""
        members = self._lookup().members
        total = 0
        for layer in self.layers_of_kind(LayerKind.INPUT):
            if layer.type == "image":
                o = {**IMAGE_DEFAULTS, **layer.options}
                total += o["channels"] * o["height"] * o["width"]
            else:
                total += len(members.get(layer.id, ()))
        return total

    @property
    def output_size(self) -> int:
        members = self._lookup().members
        return sum(len(members.get(layer.id, ())) for layer in self.layers_of_kind(LayerKind.OUTPUT))

    def copy(self) -> Design:
        """A deep copy. Connections hold only numbers and flags, so each is
        copied field for field (a generic deep copy of a large design's
        connections took seconds); everything else is deep-copied."""
        conns = self.connections
        copied = _Parts(_copy_record(c) for c in conns)
        return copy.deepcopy(self, {id(conns): copied})


def _copy_record(record):
    """A copy of a record whose fields are all immutable (a Connection)."""
    twin = object.__new__(type(record))
    twin.__dict__.update(record.__dict__)
    return twin


class _Index:
    """Id -> layer, id -> neuron and layer id -> its neurons for one state of a
    design; ``fits`` says whether the design is still in that state."""

    def __init__(self, design: Design):
        self.layers_list, self.neurons_list = design.layers, design.neurons
        self.stamp = self._stamp(design)
        # Where an id is used twice (a design the checks refuse), the first wins,
        # as a search of the list would find it.
        self.layers = {layer.id: layer for layer in reversed(design.layers)}
        self.neurons = {n.id: n for n in reversed(design.neurons)}
        self.members: dict[int, list[Neuron]] = {}
        for n in design.neurons:
            group = self.members.get(n.layer)
            if group is None:
                self.members[n.layer] = [n]
            else:
                group.append(n)
        ids = [i for i in (*self.layers, *self.neurons) if isinstance(i, int)]
        self.max_id = max(ids, default=0)

    @staticmethod
    def _stamp(design: Design) -> tuple[int, int, int]:
        return design.layers.changes, design.neurons.changes, _key_edits

    def fits(self, design: Design) -> bool:
        return (
            design.layers is self.layers_list
            and design.neurons is self.neurons_list
            and self._stamp(design) == self.stamp
        )
