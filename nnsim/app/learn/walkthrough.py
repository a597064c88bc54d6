"""One sample, forward and backward, as a sequence of frames to step through.

No Qt here. ``build_walkthrough`` asks the engine for every number of one
sample (``inspect_sample``: weighted sums, outputs, error terms δ, gradients,
the optimizer's preview of the changes) and writes each step out in words and
arithmetic. Every number shown is one the engine computed; the arithmetic
around it (a derivative, a sum of weighted errors) is recomputed from engine
numbers the same way the engine does it, and the tests hold the two together.

Frames: the inputs; one frame per neuron in the order the network computes
them; with a target, the loss; then one frame per neuron backwards (its error
term δ, the gradient of each incoming weight and of its bias, and the change
gradient descent would make); finally the update.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.design.compile import Compiled, compile_design
from nnsim.design.model import Activation, Design, LayerKind, Loss, Optimizer, Regularization
from nnsim.design.validate import DesignError
from nnsim.engine.activations import BACKWARD
from nnsim.engine.inspect import Inspection, inspect_sample
from nnsim.engine.losses import GRAD
from nnsim.engine.optimizers import make_optimizer
from nnsim.explain import ConnectionStep, NeuronStep, SampleTrace, fmt, trace_sample, weighted_sum
from nnsim.explain import factor as _p  # a factor in a product: negative numbers in brackets

FORWARD, LOSS, BACKWARD_PHASE, UPDATE = "forward", "loss", "backward", "update"
INPUTS = "inputs"
MAX_TERMS_ON_CANVAS = 4


def _signed(value: float) -> str:
    """A change, always with its sign: +0.013, −0.2, 0."""
    text = fmt(value)
    return text if text.startswith("−") or text == "0" else "+" + text


@dataclass
class Frame:
    phase: str  # inputs | forward | loss | backward | update
    title: str  # one short sentence for the panel's heading
    lines: list[str]  # the arithmetic, in full, for the panel
    neuron: int | None = None  # the neuron in focus
    connections: list[tuple[int, int]] = field(default_factory=list)  # the connections in focus
    callouts: dict[int, list[str]] = field(default_factory=dict)  # neuron id -> lines drawn beside it
    conn_labels: dict[tuple[int, int], str] = field(default_factory=dict)  # connection -> label on it
    values: dict[int, float] = field(default_factory=dict)  # neuron outputs known so far
    focus: list[int] = field(default_factory=list)  # neurons to light up
    # How much each labelled connection matters (|gradient|): the canvas labels the top few.
    weights_of_interest: dict[tuple[int, int], float] = field(default_factory=dict)


@dataclass
class Walkthrough:
    design: Design
    compiled: Compiled
    inspection: Inspection
    trace: SampleTrace
    frames: list[Frame]
    derivatives: dict[int, float | None]  # neuron id -> f'(z) (None: softmax or input)
    back_sums: dict[int, float]  # hidden neuron id -> Σ w·δ of the neurons it feeds
    loss_grads: dict[int, float]  # output neuron id -> ∂L/∂a (where not fused)
    names: dict[int, str] = field(default_factory=dict)  # neuron id -> its name (nnsim.design.names)
    # Output neuron id -> its target: the target's columns follow the design's
    # order of output layers, which need not be the order they are computed in.
    wanted: dict[int, float] = field(default_factory=dict)
    # Where the data was standardised: each input's column name and its value
    # in the file (input order), shown beside the value the network takes.
    raw: list[tuple[str, float]] | None = None

    def step(self, neuron_id: int) -> NeuronStep:
        """The trace of one neuron (by id, without a search)."""
        if not hasattr(self, "_steps"):
            self._steps = {s.id: s for s in self.trace.neurons}
        return self._steps[neuron_id]

    def outgoing(self, neuron_id: int) -> list[ConnectionStep]:
        if not hasattr(self, "_out"):
            self._out: dict[int, list[ConnectionStep]] = {}
            for c in self.trace.connections:
                self._out.setdefault(c.source, []).append(c)
        return self._out.get(neuron_id, [])

    @property
    def has_backward(self) -> bool:
        return self.trace.target is not None

    def phase_index(self, i: int) -> tuple[str, int, int]:
        """(phase, position within the phase from 1, frames in that phase)."""
        phase = self.frames[i].phase
        group = FORWARD if phase in (INPUTS, FORWARD) else phase
        same = [k for k, f in enumerate(self.frames) if (FORWARD if f.phase in (INPUTS, FORWARD) else f.phase) == group]
        return group, same.index(i) + 1, len(same)

    def first_of(self, phase: str) -> int | None:
        return next((i for i, f in enumerate(self.frames) if f.phase == phase), None)

    def last_of(self, phase: str) -> int | None:
        found = [i for i, f in enumerate(self.frames) if f.phase == phase]
        return found[-1] if found else None

    def new_numbers(self) -> tuple[np.ndarray, np.ndarray]:
        """Every weight and bias after the update (design order)."""
        weights = np.array([c.weight for c in self.design.connections], dtype=np.float64)
        biases = np.array([n.bias for n in self.design.neurons], dtype=np.float64)
        for k, c in enumerate(self.trace.connections):
            if c.change is not None:
                weights[k] = c.weight + c.change
        index = {n.id: i for i, n in enumerate(self.design.neurons)}
        for step in self.trace.neurons:
            if step.bias_change is not None:
                biases[index[step.id]] = step.bias + step.bias_change
        return weights, biases


# -- building -------------------------------------------------------------------------------
class RunsOverTime(DesignError):
    """The design reads sequences: one sample's step-through does not apply
    (the step-through-time tool does)."""

    def __init__(self):
        super().__init__("the design has a loop or a recurrent layer, which runs over time steps: "
                         "step through a sequence with Learn → Step Through Time instead")


def build_walkthrough(design: Design, inputs, target=None, compiled: Compiled | None = None,
                      raw: list[tuple[str, float]] | None = None) -> Walkthrough:
    """Inspect one sample with the engine and lay it out as frames. ``target``
    is given as the network's output values (None: forward only). ``raw``:
    for a sample of standardised data, each input's column and value in the
    file. Raises DesignError when the design cannot run."""
    compiled = compiled or compile_design(design)
    net = compiled.network
    if net.recurrent or any(n.op is not None and n.op.stateful for n in net.layers):
        raise RunsOverTime()
    x = np.asarray(inputs, dtype=np.float64).reshape(-1)
    if x.shape != (net.n_inputs,):
        raise ValueError(f"the design has {net.n_inputs} inputs; {x.size} values were given")
    optimizer = make_optimizer(net.parameters, design.training)
    ins = inspect_sample(net, x, target, optimizer, design.training)
    trace = trace_sample(design, compiled, ins)
    w = Walkthrough(design, compiled, ins, trace, [], {}, {}, {})
    w.raw = list(raw) if raw is not None and len(raw) == net.n_inputs else None
    w.names = {step.id: step.name for step in trace.neurons}
    if trace.target is not None:
        for step in trace.neurons:
            if step.kind == LayerKind.OUTPUT:
                li, col = compiled.neuron_pos[step.id]
                w.wanted[step.id] = trace.target[net.layers[li].columns.start + col]
    _derivatives(w)
    w.frames = _forward_frames(w)
    if trace.target is not None:
        w.frames.append(_loss_frame(w))
        w.frames += _backward_frames(w)
        w.frames.append(_update_frame(w))
    return w


def _derivatives(w: Walkthrough) -> None:
    """f'(z) per neuron from its output, as the engine's backward computes it;
    Σ w·δ per hidden neuron; ∂L/∂a per output neuron."""
    trace, design = w.trace, w.design
    for step in trace.neurons:
        if step.z is None or step.activation == Activation.SOFTMAX:
            w.derivatives[step.id] = None
            continue
        a = np.array([[step.a]], dtype=np.float64)
        w.derivatives[step.id] = float(BACKWARD[step.activation](a, np.ones_like(a))[0, 0])
    deltas = {s.id: s.delta for s in trace.neurons}
    for c in trace.connections:
        d = deltas.get(c.target)
        if d is not None:
            w.back_sums[c.source] = w.back_sums.get(c.source, 0.0) + c.weight * d
    if trace.target is not None:
        outputs = [s for s in trace.neurons if s.kind == LayerKind.OUTPUT]
        loss_grad = GRAD[Loss(design.training.loss)]  # the engine's, for a batch of one sample
        for step in outputs:
            a, y = np.array([[step.a]], dtype=np.float64), np.array([[w.wanted[step.id]]], dtype=np.float64)
            w.loss_grads[step.id] = float(loss_grad(a, y)[0, 0])


def _raw_inputs(w: Walkthrough, inputs) -> dict[int, tuple[str, float]]:
    """Input neuron id -> (column, value in the file), where standardised."""
    if w.raw is None:
        return {}
    net = w.compiled.network
    out = {}
    for s in inputs:
        li, col = w.compiled.neuron_pos[s.id]
        column = net.layers[li].columns.start + col
        if 0 <= column < len(w.raw):
            out[s.id] = w.raw[column]
    return out


def activation_text(step: NeuronStep, short: bool = False) -> str:
    """How the activation turns z into a, in numbers."""
    z, a, kind = fmt(step.z), fmt(step.a), step.activation
    thr = fmt(step.threshold)
    if kind in (Activation.STEP, Activation.SIGN):
        name = "step" if kind == Activation.STEP else "sign"
        if short:
            return f"{name} at {thr} → {a}"
        above = step.z > step.threshold
        return f"{name}: {z} is {'above' if above else 'not above'} the threshold {thr}, so the output is {a}"
    if kind == Activation.LINEAR:
        return f"linear → {a}" if short else f"linear: the output is z itself, {a}"
    if kind == Activation.SIGMOID:
        return f"sigmoid → {a}" if short else f"sigmoid: 1 / (1 + e^−{_p(step.z)}) = {a}"
    if kind == Activation.TANH:
        return f"tanh → {a}" if short else f"tanh({z}) = {a}"
    if kind == Activation.RELU:
        return f"ReLU → {a}" if short else f"ReLU: max(0, {z}) = {a}"
    if kind == Activation.LEAKY_RELU:
        if short:
            return f"leaky ReLU → {a}"
        return f"leaky ReLU: {z} > 0, so {a}" if step.z > 0 else f"leaky ReLU: 0.01 × {_p(step.z)} = {a}"
    return f"softmax → {a}" if short else f"softmax over the layer: e^{_p(step.z)} / Σ e^z = {a}"


def _forward_frames(w: Walkthrough) -> list[Frame]:
    _design, trace = w.design, w.trace
    frames: list[Frame] = []
    values: dict[int, float] = {}
    callouts: dict[int, list[str]] = {}
    inputs = [s for s in trace.neurons if s.z is None]
    raw = _raw_inputs(w, inputs)
    for s in inputs:
        values[s.id] = s.a
        callouts[s.id] = [fmt(s.a)] + ([f"({raw[s.id][0]} {fmt(raw[s.id][1])})"] if s.id in raw else [])
    lines = [f"{w.names[s.id]} = {fmt(s.a)}" + (f"  ({raw[s.id][0]} {fmt(raw[s.id][1])} in the file, standardised)"
                                                if s.id in raw else "") for s in inputs]
    frames.append(
        Frame(
            INPUTS,
            "The sample goes in: each input neuron holds one of its numbers.",
            lines,
            None,
            [],
            dict(callouts),
            {},
            dict(values),
            [s.id for s in inputs],
        )
    )
    for s in trace.neurons:
        if s.z is None:
            continue
        values[s.id] = s.a
        conns = [(t.source, s.id) for t in s.terms]
        lines = [
            f"weighted sum: {weighted_sum(s, bracket_values=True)}"
            + ("" if s.terms else "  (no connections come in: only the bias)"),
            activation_text(s),
        ]
        if s.kind == LayerKind.OUTPUT:
            n_out = sum(1 for o in trace.neurons if o.kind == LayerKind.OUTPUT)
            which = "one of the network's outputs" if n_out > 1 else "the network's output"
            lines.append(f"this is {which}: {fmt(s.a)}")
        frame_callouts = {k: [v[-1]] if k != s.id else v for k, v in callouts.items()}
        frame_callouts[s.id] = [
            weighted_sum(s, MAX_TERMS_ON_CANVAS, bracket_values=True), activation_text(s, short=True)]
        frames.append(
            Frame(
                FORWARD,
                f"{w.names[s.id]} adds up its weighted inputs and its bias, then applies its activation.",
                lines,
                s.id,
                conns,
                frame_callouts,
                {},
                dict(values),
                [s.id],
            )
        )
        callouts[s.id] = [f"z = {fmt(s.z)}", f"a = {fmt(s.a)}"]
    return frames


def _loss_frame(w: Walkthrough) -> Frame:
    design, trace = w.design, w.trace
    outputs = [s for s in trace.neurons if s.kind == LayerKind.OUTPUT]
    loss = design.training.loss
    pairs = [(s, w.wanted[s.id]) for s in outputs]
    lines = ["wanted: " + ", ".join(f"{w.names[s.id]} = {fmt(y)}" for s, y in pairs)]
    lines.append("got: " + ", ".join(f"{w.names[s.id]} = {fmt(s.a)}" for s, _ in pairs))
    if loss == Loss.MSE:
        inner = " + ".join(f"({fmt(s.a)} − {fmt(y)})²".replace("− −", "+ ") for s, y in pairs)
        lines.append(f"loss (half the squared error) = ½ × [{inner}] = {fmt(trace.loss)}")
    elif loss == Loss.BINARY_CROSS_ENTROPY:
        parts = []
        for s, y in pairs:
            a = _probability(s)
            if y == 1:
                parts.append(f"−log({a})")
            elif y == 0:
                parts.append(f"−log(1 − {a})")
            else:
                parts.append(f"−[{fmt(y)}·log({a}) + {fmt(1 - y)}·log(1 − {a})]")
        lines.append(f"loss (cross-entropy) = {' + '.join(parts)} = {fmt(trace.loss)}")
    else:
        parts = [f"−log({_probability(s)})" if y == 1 else f"−{fmt(y)}·log({_probability(s)})" for s, y in pairs]
        parts = [part for part, (_, y) in zip(parts, pairs) if y != 0]
        lines.append(f"loss (cross-entropy) = {' + '.join(parts) or '0'} = {fmt(trace.loss)}")
    callouts = {s.id: [f"wanted {fmt(y)}, got {fmt(s.a)}"] for s, y in pairs}
    if pairs:
        callouts[pairs[0][0].id].append(f"loss {fmt(trace.loss)}")
    return Frame(
        LOSS,
        "How wrong is the output? The loss measures the distance from what we wanted.",
        lines,
        outputs[0].id if outputs else None,
        [],
        callouts,
        {},
        {s.id: s.a for s in trace.neurons},
        [s.id for s, _ in pairs],
    )


def _probability(s: NeuronStep) -> str:
    """An output inside a logarithm: its value, or, where it shows as 0 or 1
    (the engine takes the logarithm from z, exactly), σ(z) or softmax(z)."""
    text = fmt(s.a)
    if text not in ("0", "1"):
        return text
    return f"σ({fmt(s.z)})" if s.activation == Activation.SIGMOID else f"softmax({fmt(s.z)}, …)"


def _delta_lines(w: Walkthrough, s: NeuronStep) -> tuple[list[str], str]:
    """The words for a neuron's error term, and a short form for the canvas."""
    d = s.delta
    if d is None:
        return ["no error reaches this neuron: it does not lead to an output"], "no error"
    f1 = w.derivatives.get(s.id)
    kind = s.activation
    lines: list[str] = []
    if s.kind == LayerKind.OUTPUT:
        op = w.compiled.network.layers[w.compiled.neuron_pos[s.id][0]]
        y = w.wanted[s.id]
        total = float(sum(w.wanted[o] for o in w.compiled.neuron_ids(op.index))) if kind == Activation.SOFTMAX else 1.0
        if op.fused and abs(total - 1.0) < 1e-12:
            lines.append(
                f"for {'sigmoid' if kind == Activation.SIGMOID else 'softmax'} with cross-entropy the error term is "
                f"simply output − wanted: δ = {fmt(s.a)} − {_p(y)} = {fmt(d)}"
            )
        elif op.fused:
            lines.append(
                f"for softmax with cross-entropy the error term is output × (this layer's wanted values added up) "
                f"− wanted: δ = {fmt(s.a)} × {fmt(total)} − {_p(y)} = {fmt(d)}"
            )
        elif kind == Activation.SOFTMAX:
            lines.append(f"softmax ties the layer's outputs together: δ = a·(g − Σ g·a) = {fmt(d)}")
        else:
            g = w.loss_grads[s.id]
            what = {
                Loss.MSE: f"{fmt(s.a)} − {_p(y)}",
                Loss.BINARY_CROSS_ENTROPY: f"({fmt(s.a)} − {_p(y)}) / ({fmt(s.a)}·(1 − {fmt(s.a)}))",
                Loss.SOFTMAX_CROSS_ENTROPY: f"−{_p(y)} / {fmt(s.a)}",
            }[w.design.training.loss]
            lines.append(f"how the loss changes with the output: ∂L/∂a = {what} = {fmt(g)}")
            lines.append(_slope_line(s, f1))
            lines.append(f"error term δ = ∂L/∂a × slope = {_p(g)} × {_p(f1)} = {fmt(d)}")
    else:
        feeds = [c for c in w.outgoing(s.id) if w.step(c.target).delta is not None]
        terms = " + ".join(f"{_p(c.weight)}×{_p(w.step(c.target).delta)}" for c in feeds)
        total = w.back_sums.get(s.id, 0.0)
        names = ", ".join(w.names[c.target] for c in feeds)
        lines.append(f"error sent back from {names} (weight × their δ): {terms} = {fmt(total)}")
        if f1 is None:
            lines.append(f"softmax ties the layer's outputs together: δ = {fmt(d)}")
        else:
            lines.append(_slope_line(s, f1))
            lines.append(f"error term δ = {_p(total)} × {_p(f1)} = {fmt(d)}")
    if kind in (Activation.STEP, Activation.SIGN):
        lines.append(
            "the step is flat on both sides of its jump, so its slope is 0 and no error gets through: "
            "gradient descent cannot train step neurons (the perceptron rule can)"
        )
    return lines, f"δ = {fmt(d)}"


def _slope_line(s: NeuronStep, f1: float) -> str:
    a = fmt(s.a)
    kind = s.activation
    how = {
        Activation.SIGMOID: f"a·(1 − a) = {a}×(1 − {a})",
        Activation.TANH: f"1 − a² = 1 − {_p(s.a)}²",
        Activation.RELU: "1 where z > 0, else 0",
        Activation.LEAKY_RELU: "1 where z > 0, else 0.01",
        Activation.LINEAR: "1",
        Activation.STEP: "0 (flat)",
        Activation.SIGN: "0 (flat)",
    }.get(kind, "")
    return f"slope of the activation at this point: {how} = {fmt(f1)}"


def _change_words(w: Walkthrough) -> tuple[str, bool]:
    """How the update is made, and whether it is plain −rate × gradient."""
    s = w.design.training
    # Momentum starts from rest (the walk uses a fresh optimizer), so its first
    # step is exactly −rate × gradient, like plain gradient descent.
    plain = Optimizer(s.optimizer) in (Optimizer.SGD, Optimizer.MOMENTUM) and (
        Regularization(s.regularization) == Regularization.NONE or not s.regularization_rate
    )
    if plain:
        return f"−{fmt(s.learning_rate)} × gradient", True
    opt = {Optimizer.SGD: "gradient descent", Optimizer.MOMENTUM: "momentum", Optimizer.ADAM: "Adam",
           Optimizer.ADAGRAD: "Adagrad"}[
        Optimizer(s.optimizer)
    ]
    extra = "" if Regularization(s.regularization) == Regularization.NONE else f" with {s.regularization.value.upper()}"
    return f"what {opt}{extra} would do", False


def _backward_frames(w: Walkthrough) -> list[Frame]:
    design, trace = w.design, w.trace
    rate = design.training.learning_rate
    how, plain = _change_words(w)
    frames: list[Frame] = []
    values = {s.id: s.a for s in trace.neurons}
    badges: dict[int, list[str]] = {}
    incoming: dict[int, list[tuple[int, ConnectionStep]]] = {}
    for k, c in enumerate(trace.connections):
        incoming.setdefault(c.target, []).append((k, c))
    for s in reversed(trace.neurons):
        if s.z is None:
            continue
        lines, short = _delta_lines(w, s)
        labels: dict[tuple[int, int], str] = {}
        conns = []
        for _, c in incoming.get(s.id, []):
            pair = (c.source, c.target)
            conns.append(pair)
            src = w.step(c.source)
            grad = c.gradient if c.gradient is not None else 0.0
            change = c.change if c.change is not None else 0.0
            text = (
                f"weight {w.names[c.source]}→{w.names[s.id]}: gradient ∂L/∂w = input × δ = "
                f"{_p(src.a)} × {_p(s.delta or 0.0)} = {fmt(grad)}; "
            )
            if c.frozen:
                lines.append(text + f"not applied, because the connection is frozen: it stays {fmt(c.weight)}")
                labels[pair] = f"∂L/∂w {fmt(grad)}\nfrozen: not applied"
                continue
            if plain:
                text += f"change = −{fmt(rate)} × {_p(grad)} = {_signed(change)}"
            else:
                text += f"change ({how}) = {_signed(change)}"
            lines.append(text + f", so {fmt(c.weight)} would become {fmt(c.weight + change)}")
            labels[pair] = f"∂L/∂w {fmt(grad)}\nΔw {_signed(change)}"
        bias_change = s.bias_change if s.bias_change is not None else 0.0
        if s.delta is not None:
            bias_text = f"bias: gradient ∂L/∂b = δ = {fmt(s.delta)}; "
            if plain:
                bias_text += f"change = −{fmt(rate)} × {_p(s.delta)} = {_signed(bias_change)}"
            else:
                bias_text += f"change ({how}) = {_signed(bias_change)}"
            lines.append(bias_text + f", so {fmt(s.bias)} would become {fmt(s.bias + bias_change)}")
        callouts = {k: v for k, v in badges.items()}
        callouts[s.id] = [short, f"Δbias {_signed(bias_change)}"] if s.delta is not None else [short]
        interest = {(c.source, c.target): abs(c.gradient or 0.0) for _, c in incoming.get(s.id, [])}
        frames.append(
            Frame(
                BACKWARD_PHASE,
                f"Backwards through {w.names[s.id]}: its share of the error (δ), and what its weights should do.",
                lines,
                s.id,
                conns,
                callouts,
                labels,
                values,
                [s.id],
                interest,
            )
        )
        badges[s.id] = [short]
    return frames


def _update_frame(w: Walkthrough) -> Frame:
    changes = [c for c in w.trace.connections if c.change]
    bias_changes = [s for s in w.trace.neurons if s.bias_change]
    lines = [
        f"{len(changes)} weight(s) and {len(bias_changes)} bias(es) would change.",
        "Press “Apply the update” to make these changes (you can undo them), "
        "then see the loss for this sample again.",
    ]
    if changes:
        biggest = max(changes, key=lambda c: abs(c.change))
        lines.insert(
            1,
            f"the biggest change: weight {w.names[biggest.source]}→{w.names[biggest.target]} "
            f"by {_signed(biggest.change)}",
        )
    if Optimizer(w.design.training.optimizer) == Optimizer.MOMENTUM:
        lines.append(
            "This design trains with momentum, which also remembers earlier steps; starting from rest, "
            "its first step is exactly −rate × gradient, as shown."
        )
    return Frame(
        UPDATE,
        "Gradient descent: move every weight a small step against its gradient.",
        lines,
        None,
        [],
        {},
        {},
        {s.id: s.a for s in w.trace.neurons},
        [],
    )


def sample_loss(design: Design, inputs, target) -> float:
    """The loss of one sample with the design's current numbers."""
    compiled = compile_design(design)
    ins = inspect_sample(compiled.network, inputs, target)
    return float(ins.loss)
