"""One sample's numbers in the design's terms, and the arithmetic written out.

``trace_sample`` maps the engine's per-layer arrays back onto the neurons and
connections the user drew; ``arithmetic`` writes a neuron's computation the way
the article does: ``0.5×0.5 + 0.6×0.7 + 0 = 0.67; step at 0.5 gives 1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.design.compile import Compiled
from nnsim.design.model import Activation, Design, LayerKind
from nnsim.design.names import NeuronNames
from nnsim.engine.inspect import Inspection


@dataclass
class Term:
    """One input of a neuron: the source's output times the weight."""

    source: int
    value: float  # the source neuron's output a
    weight: float


@dataclass
class NeuronStep:
    id: int
    name: str
    kind: LayerKind
    activation: Activation
    threshold: float
    terms: list[Term] = field(default_factory=list)
    bias: float = 0.0
    z: float | None = None  # None for input neurons
    a: float = 0.0
    delta: float | None = None  # ∂L/∂z, when a target was given
    bias_change: float | None = None


@dataclass
class ConnectionStep:
    source: int
    target: int
    weight: float
    gradient: float | None  # ∂L/∂w = a_source · δ_target, the true one even when frozen
    change: float | None  # what the optimizer would add (0 when frozen)
    frozen: bool = False  # the gradient is not applied: training never changes this weight


@dataclass
class SampleTrace:
    inputs: list[float]
    outputs: list[float]
    target: list[float] | None
    loss: float | None
    neurons: list[NeuronStep]  # in the order they are computed
    connections: list[ConnectionStep]  # in design order

    def neuron(self, neuron_id: int) -> NeuronStep:
        return next(n for n in self.neurons if n.id == neuron_id)


def trace_sample(design: Design, compiled: Compiled, ins: Inspection) -> SampleTrace:
    """Spread an engine Inspection over the design's neurons and connections."""
    net = compiled.network
    by_target: dict[int, list[Term]] = {}
    weights = compiled.connection_weights()
    conns: list[ConnectionStep] = []
    for k, c in enumerate(design.connections):
        li_s, col_s = compiled.neuron_pos[c.source]
        b, r, col = compiled.conn_block[k], compiled.conn_row[k], compiled.conn_col[k]
        w = float(weights[k])
        by_target.setdefault(c.target, []).append(Term(c.source, float(ins.a[li_s][col_s]), w))
        grad = None if ins.dW is None else float(ins.dW[b][r, col])
        change = None if ins.change_W is None else float(ins.change_W[b][r, col])
        conns.append(ConnectionStep(c.source, c.target, w, grad, change, c.frozen))
    steps: list[NeuronStep] = []
    names = NeuronNames(design)
    for op in net.layers:
        for nid in compiled.neuron_ids(op.index):
            n = design.neuron(nid)
            _, col = compiled.neuron_pos[nid]
            kind = design.layer(n.layer).kind
            step = NeuronStep(
                id=nid,
                name=names(nid),
                kind=kind,
                activation=design.activation_of(n),
                threshold=n.threshold,
                terms=by_target.get(nid, []),
                bias=0.0 if op.b is None else float(op.b[col]),
                z=None if ins.z[op.index] is None else float(ins.z[op.index][col]),
                a=float(ins.a[op.index][col]),
            )
            if ins.delta is not None and ins.delta[op.index] is not None:
                step.delta = float(ins.delta[op.index][col])
            if ins.change_b is not None and ins.change_b[op.index] is not None:
                step.bias_change = float(ins.change_b[op.index][col])
            steps.append(step)
    return SampleTrace(
        inputs=[float(v) for v in ins.x],
        outputs=[float(v) for v in ins.output],
        target=None if ins.target is None else [float(v) for v in ins.target],
        loss=ins.loss,
        neurons=steps,
        connections=conns,
    )


def fmt(value: float, digits: int = 4) -> str:
    """A number as a person writes it: 0.67, not 0.6699999999999999."""
    if value is None or not np.isfinite(value):
        return str(value)
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    if text in ("-0", "-0.0"):
        text = "0"
    return text.replace("-", "−")


def factor(value: float) -> str:
    """A factor in a product: negative numbers in brackets."""
    text = fmt(value)
    return f"({text})" if text.startswith("−") else text


def count(n: int, word: str, plural: str | None = None) -> str:
    """A number with its noun: '1 epoch', '0 epochs', '2 biases' (``plural``
    when adding an s will not do)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


#: How the words name each activation function.
ACTIVATION_NAMES = {
    Activation.STEP: "step",
    Activation.SIGN: "sign",
    Activation.LINEAR: "linear",
    Activation.SIGMOID: "sigmoid",
    Activation.TANH: "tanh",
    Activation.RELU: "ReLU",
    Activation.LEAKY_RELU: "leaky ReLU",
    Activation.SOFTMAX: "softmax",
}


def activation_words(step: NeuronStep) -> str:
    a, kind = fmt(step.a), step.activation
    if kind == Activation.STEP:
        return f"step at {fmt(step.threshold)} gives {a}"
    if kind == Activation.SIGN:
        return f"sign at {fmt(step.threshold)} gives {a}"
    if kind == Activation.SOFTMAX:
        return f"softmax over the layer gives {a}"
    return f"{ACTIVATION_NAMES[kind]} gives {a}"


def weighted_sum(step: NeuronStep, limit: int | None = None, bracket_values: bool = False) -> str:
    """``0.5×0.5 + 0.6×0.7 + 0 = 0.67``

    With ``limit``, at most that many terms are written: past it, the last
    one shown says how many more there are (``… (5 more)``). With
    ``bracket_values``, negative input values are bracketed like the weights.
    """
    value = factor if bracket_values else fmt
    parts = [f"{value(t.value)}×{factor(t.weight)}" for t in step.terms]
    if limit is not None and len(parts) > limit:
        more = len(parts) - (limit - 1)
        parts = parts[: limit - 1] + [f"… ({more} more)"]
    bias = fmt(step.bias)
    if not parts:
        text = bias
    elif bias.startswith("−"):
        text = " + ".join(parts) + f" − {bias[1:]}"
    else:
        text = " + ".join(parts) + f" + {bias}"
    return f"{text} = {fmt(step.z)}"


def arithmetic(step: NeuronStep) -> str:
    """The whole forward computation of one neuron in one line."""
    if step.z is None:
        return f"input = {fmt(step.a)}"
    return f"{weighted_sum(step)}; {activation_words(step)}"


def backward_words(step: NeuronStep) -> str:
    """The error term of a neuron, e.g. ``δ = 0.0123``."""
    if step.delta is None:
        return "no error flows back here"
    return f"δ = ∂L/∂z = {fmt(step.delta)}"


def format_trace(trace: SampleTrace, design: Design) -> str:
    """The text ``nnsim predict --trace`` prints."""
    lines = []
    for step in trace.neurons:
        lines.append(f"{step.name}: {arithmetic(step)}")
        if step.delta is not None:
            lines.append(f"    {backward_words(step)}")
    lines.append("output: " + ", ".join(fmt(v) for v in trace.outputs))
    if trace.loss is not None:
        lines.append(f"loss: {fmt(trace.loss)}")
    return "\n".join(lines)
