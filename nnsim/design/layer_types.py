"""Layer types: what kinds of layer a design can hold, as data.

A layer has a role (``Layer.kind``: input, hidden, output) and a type. Each
type is one row of ``TYPES``: its name (as the file stores it), its options
(the type's settings, with defaults and ranges, read and checked the same way
everywhere), the parameter arrays it keeps in the design (parametric types),
the roles it may take, and its own structural check.

The other places a type needs a row, each a table keyed by the type's name:
the compile step (``nnsim.design.compile.NODE_BUILDERS``), the canvas item
(``nnsim.app.canvas.layer_items.LAYER_ITEMS``) and the inspector page
(``nnsim.app.panels.inspector`` ``LAYER_PAGES``). docs/architecture.md,
"Adding a network kind", walks through them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nnsim.design.model import IMAGE_DEFAULTS, Activation, Design, Layer, LayerKind
from nnsim.engine.ops.shapes import PADDINGS
from nnsim.text import quote

# The most numbers one array of a layer may hold (read from a file or made).
MAX_ARRAY_SIZE = 10_000_000


@dataclass(frozen=True)
class Option:
    """One setting of a layer type: a whole number, a number or a choice."""

    name: str
    label: str
    kind: type  # int, float, str or bool
    default: Any
    choices: tuple[str, ...] = ()
    low: float = -math.inf
    high: float = math.inf
    # Written to files only when not the default: an option added after files were
    # written without it, so that they read, and are written again, as they were.
    quiet: bool = False

    def problem(self, value) -> str | None:
        """Why ``value`` is not allowed for this option (None if it is)."""
        if self.kind is str:
            if not isinstance(value, str) or value not in self.choices:
                return f"{quote(str(value))} is not one of {', '.join(self.choices)}"
            return None
        if self.kind is bool:
            return None if isinstance(value, bool) else f"expected true or false, found {type(value).__name__}"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number, found {type(value).__name__}"
        if self.kind is int and not float(value).is_integer():
            return f"{value} is not a whole number"
        if not math.isfinite(value):
            return f"{value} is not a finite number"
        if not self.low <= value <= self.high:
            return f"{value:g} is outside {self.low:g}..{self.high:g}"
        return None


Shape = tuple[int, ...]


@dataclass
class Shapes:
    """Every layer's output shape (layers whose shape cannot be known are
    missing) and, for layers whose settings do not fit, the reason."""

    of: dict[int, Shape] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    inputs: dict[int, list[int]] = field(default_factory=dict)  # block layer id -> the layers linked into it

    def size(self, layer_id: int) -> int:
        """Numbers per sample (0 where unknown)."""
        shape = self.of.get(layer_id)
        return math.prod(shape) if shape else 0


def _no_arrays(design: Design, layer: Layer, shapes: Shapes) -> list[tuple[str, tuple[int, ...]]]:
    return []


def _no_problem(design: Design, layer: Layer, shapes: Shapes) -> str | None:
    return None


@dataclass(frozen=True)
class LayerType:
    """One kind of layer (see the module docstring)."""

    name: str
    title: str  # for people: "Dense layer"
    description: str
    drawn: str = "neurons"  # "neurons": a column of neurons joined by connections; "block": one item
    options: tuple[Option, ...] = ()
    roles: frozenset[LayerKind] = frozenset(LayerKind)
    # The names of the parameter arrays a layer of this type keeps in
    # ``Layer.arrays``, and their shapes for the layer as it is (its options
    # and its input's shape; [] while that shape is not known).
    array_names: tuple[str, ...] = ()
    arrays: Callable[[Design, Layer, Shapes], list[tuple[str, tuple[int, ...]]]] = _no_arrays
    # The type's own rules (beyond options and arrays), in one line, or None.
    check: Callable[[Design, Layer, Shapes], str | None] = _no_problem

    def defaults(self) -> dict[str, Any]:
        return {o.name: o.default for o in self.options}

    def written_options(self, options: dict[str, Any]) -> dict[str, Any]:
        """What a file holds of a layer's options: every option, its default
        where unset, except a quiet option at its default."""
        out = {**self.defaults(), **options}
        return {k: v for k, v in out.items() if not ((o := self.option(k)) is not None and o.quiet and v == o.default)}

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


DENSE = LayerType(
    name="dense",
    title="Dense layer",
    description="Neurons that each take a weighted sum of the neurons they are connected to, plus a bias, "
                "through an activation: the article's neuron, as many as you like.",
)


def _conv_arrays(design: Design, layer: Layer, shapes: Shapes):
    feeding = shapes.inputs.get(layer.id, [])
    in_shape = shapes.of.get(feeding[0]) if len(feeding) == 1 else None
    if in_shape is None or len(in_shape) != 3 or layer.id not in shapes.of:
        return []  # the shape problem says why
    o = options_of(layer)
    k = o["kernel"]
    return [("kernel", (o["filters"], in_shape[0], k, k)), ("bias", (o["filters"],))]


def _conv_check(design: Design, layer: Layer, shapes: Shapes) -> str | None:
    if Activation(layer.activation) == Activation.SOFTMAX:
        return "softmax normalises a column of neurons, not a map of pixels: choose another activation"
    return None


IMAGE = LayerType(
    name="image",
    title="Image input",
    description="An image of height × width pixels, with one channel (grey) or three (colour), as the input.",
    drawn="block",
    options=(Option("channels", "Channels", int, IMAGE_DEFAULTS["channels"], low=1, high=4),
             Option("height", "Height", int, IMAGE_DEFAULTS["height"], low=1, high=256),
             Option("width", "Width", int, IMAGE_DEFAULTS["width"], low=1, high=256)),
    roles=frozenset({LayerKind.INPUT}),
)

CONV = LayerType(
    name="conv",
    title="Convolution",
    description="Kernels (filters) that slide over the image; each position's output is the weighted sum "
                "of the pixels under the kernel plus a bias, through an activation: one feature map per kernel.",
    drawn="block",
    options=(Option("filters", "Filters", int, 8, low=1, high=256),
             Option("kernel", "Kernel size", int, 3, low=1, high=15),
             Option("stride", "Stride", int, 1, low=1, high=8),
             Option("padding", "Padding", str, "same", choices=PADDINGS),
             Option("frozen", "Frozen (training leaves the kernels alone)", bool, False)),
    roles=frozenset({LayerKind.HIDDEN}),
    array_names=("kernel", "bias"),
    arrays=_conv_arrays,
    check=_conv_check,
)

MAXPOOL = LayerType(
    name="maxpool",
    title="Max pooling",
    description="Keeps the largest value of each window of the feature maps: smaller maps, the strongest "
                "responses kept.",
    drawn="block",
    options=(Option("pool", "Window", int, 2, low=1, high=8),
             Option("stride", "Stride (0: the window)", int, 0, low=0, high=8)),
    roles=frozenset({LayerKind.HIDDEN}),
)

AVGPOOL = dataclasses.replace(
    MAXPOOL, name="avgpool", title="Average pooling",
    description="Averages each window of the feature maps: smaller, smoother maps.",
)

FLATTEN = LayerType(
    name="flatten",
    title="Flatten",
    description="Lays the feature maps out as one column of values (channel by channel, row by row), "
                "for dense layers to read.",
    drawn="block",
    roles=frozenset({LayerKind.HIDDEN}),
)

def _recurrent_arrays(design: Design, layer: Layer, shapes: Shapes):
    feeding = shapes.inputs.get(layer.id, [])
    in_shape = shapes.of.get(feeding[0]) if len(feeding) == 1 else None
    if in_shape is None or len(in_shape) != 1 or layer.id not in shapes.of:
        return []
    o = options_of(layer)
    cells, n_in = o["cells"], in_shape[0]
    blocks = {"lstm": 4 if o.get("forget_gate", True) else 3, "gru": 3, "rnn": 1}[layer.type]
    out = [("weight", (cells + n_in, blocks * cells)), ("bias", (blocks * cells,))]
    if o.get("initial_state") == "learned":  # row 0 the starting h, row 1 an LSTM's starting c
        out.append(("initial", (2 if layer.type == "lstm" else 1, cells)))
    if layer.type == "gru":
        out.append(("recurrent_bias", (cells,)))
    return out


_CELLS = Option("cells", "Cells", int, 8, low=1, high=512)
# Where each sequence starts: from zeros, or from a state learned like the weights.
_INITIAL = Option("initial_state", "Initial state", str, "zeros", choices=("zeros", "learned"), quiet=True)

LSTM = LayerType(
    name="lstm",
    title="LSTM",
    description="Long short-term memory cells: at each time step, gates decide what the cell state forgets, "
                "what it takes in and what it shows; its loop is its own.",
    drawn="block",
    options=(_CELLS,
             Option("forget_gate", "Forget gate", bool, True),
             Option("forget_bias", "Forget gate's starting bias", float, 1.0, low=-10.0, high=10.0), _INITIAL),
    roles=frozenset({LayerKind.HIDDEN}),
    array_names=("weight", "bias", "initial"),
    arrays=_recurrent_arrays,
)

GRU = LayerType(
    name="gru",
    title="GRU",
    description="Gated recurrent units: an update gate and a reset gate decide how much of the state "
                "changes at each time step.",
    drawn="block",
    options=(_CELLS, _INITIAL),
    roles=frozenset({LayerKind.HIDDEN}),
    array_names=("weight", "bias", "initial", "recurrent_bias"),
    arrays=_recurrent_arrays,
)

RNN = LayerType(
    name="rnn",
    title="Recurrent layer",
    description="Plain recurrent (Elman) cells as one block: h = tanh(W·[h, x] + b) at each time step; "
                "the same as a dense tanh layer looped onto itself.",
    drawn="block",
    options=(_CELLS, _INITIAL),
    roles=frozenset({LayerKind.HIDDEN}),
    array_names=("weight", "bias", "initial"),
    arrays=_recurrent_arrays,
)

RECURRENT_TYPES = ("lstm", "gru", "rnn")

#: Every layer type, by the name files use.
TYPES: dict[str, LayerType] = {t.name: t for t in (DENSE, IMAGE, CONV, MAXPOOL, AVGPOOL, FLATTEN, LSTM, GRU, RNN)}


def layer_type(name: str) -> LayerType | None:
    return TYPES.get(name)


def check_layer_in(design: Design, layer: Layer, shapes: Shapes) -> str | None:
    """Why a layer's type, options or arrays are wrong (None if they are
    right), in one line naming the layer, given the design's layer shapes
    (``nnsim.design.shapes.check_layer`` works them out)."""
    where = f"layer {quote(layer.name)}" if layer.name else f"layer {layer.id}"
    kind = TYPES.get(layer.type)
    if kind is None:
        return f"{where}: unknown layer type {quote(str(layer.type))} (known: {', '.join(TYPES)})"
    if layer.kind not in kind.roles:
        return f"{where}: a {kind.title.lower()} cannot be an {layer.kind.value} layer"
    for name, value in layer.options.items():
        option = kind.option(name)
        if option is None:
            known = ", ".join(o.name for o in kind.options) or "none"
            return f"{where}: {kind.title.lower()}s have no option {quote(str(name))} (their options: {known})"
        problem = option.problem(value)
        if problem:
            return f"{where}: {option.label}: {problem}"
    problem = kind.check(design, layer, shapes)
    if problem:
        return f"{where}: {problem}"
    expected = dict(kind.arrays(design, layer, shapes))
    for name, array in layer.arrays.items():
        if name not in kind.array_names and name not in expected:
            return f"{where}: a {kind.title.lower()} keeps no array {quote(str(name))}"
        if name in expected and tuple(array.shape) != tuple(expected[name]):
            return f"{where}: array {quote(name)} has shape {tuple(array.shape)}, the layer needs {tuple(expected[name])}"
    missing = [name for name in expected if name not in layer.arrays]
    if missing:
        return f"{where}: array {quote(missing[0])} is missing"
    return None


def shape_problem(layer: Layer, shapes: Shapes) -> str | None:
    """Why a layer cannot be computed as it is (nothing linked into a block
    yet, a kernel too large for its input...), in one line naming it; a
    design may be saved so, but not trained."""
    problem = shapes.problems.get(layer.id)
    if problem is None:
        return None
    where = f"layer {quote(layer.name)}" if layer.name else f"layer {layer.id}"
    return f"{where}: {problem}"


def options_of(layer: Layer) -> dict[str, Any]:
    """The layer's options with the type's defaults for those it does not set."""
    kind = TYPES[layer.type]
    return {**kind.defaults(), **layer.options}
