"""One sequence through a recurrent network, written out step by step.

No Qt. ``walk_sequence(design, steps, index)`` runs the design on one
sequence of its data (the first ``steps`` steps) with the engine, forward
and back, and keeps what the step-through-time tool shows:

* forward, at each step, every neuron's weighted sum as its terms: the
  inputs of this step, and the values arriving over delayed (recurrent)
  connections from the step before;
* backward, the error term δ of each layer at each step, and the gradient of
  a recurrent weight as a sum over the steps, δ_j(t) · h_i(t−1), checked
  against the engine's own gradient;
* for an LSTM layer, one step of one cell with every gate's arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnsim.data import load_dataset
from nnsim.data.sequences import SequenceDataset
from nnsim.design.compile import compile_design
from nnsim.design.model import Design
from nnsim.design.validate import DesignError
from nnsim.explain import fmt
from nnsim.session import coding_for, sequence_data

MOST_TERMS = 8  # terms written out in a sum before "… and n more"


@dataclass
class Term:
    weight: float
    value: float
    source: str  # the neuron it comes from
    delayed: bool  # arrives from the step before


@dataclass
class NeuronStep:
    nid: int
    name: str
    layer: str
    terms: list[Term]
    bias: float
    z: float
    a: float
    activation: str


@dataclass
class RecurrentGradient:
    """∂L/∂w of one delayed connection, as a sum over the steps."""

    source: str
    target: str
    parts: list[float]  # δ_target(t) · value_source(t−1), t = 0..T−1
    deltas: list[float]
    values: list[float]  # the source's value at t−1 (0 before the first step)
    engine: float  # the engine's gradient of that weight


@dataclass
class LstmStep:
    layer: str
    cell: int
    step: int
    inputs: list[tuple[str, float]]  # [h(t−1), x(t)] with names
    gates: dict[str, tuple[list[tuple[float, float]], float, float, float]]  # name -> (terms, bias, sum, value)
    c_prev: float
    c: float
    h: float


@dataclass
class TimeWalk:
    steps: int
    x: np.ndarray  # (T, n_in)
    target: np.ndarray  # (T, n_out)
    forward: list[list[NeuronStep]]  # per step, the hidden and output neurons
    deltas: list[tuple[str, np.ndarray]]  # per layer (name, (T, size) δ)
    gradient: RecurrentGradient | None
    lstm: list[LstmStep] = field(default_factory=list)  # per step, cell 0 of the first LSTM layer
    loss: float = 0.0
    target_step: int | None = None  # the one target comes after the steps shown (at this step): no backward


def walk_sequence(design: Design, steps: int = 6, index: int = 0, base_dir: Path | None = None) -> TimeWalk:
    """Raises DesignError (or DataError) with a sentence when the design or
    its data cannot be walked through time."""
    dataset = load_dataset(design.dataset, base_dir)
    if not isinstance(dataset, SequenceDataset):
        raise DesignError("stepping through time needs sequence data: choose a sequence task under Training data")
    compiled = compile_design(design)
    net = compiled.network
    data = sequence_data(dataset, coding_for(dataset, net, design))
    index = int(np.clip(index, 0, len(data.x_train) - 1))
    x = np.asarray(data.x_train[index : index + 1, :steps], dtype=np.float64)
    T = x.shape[1]
    y = np.asarray(data.y_train[index : index + 1], dtype=np.float64)
    Y = y[:, :T] if y.ndim == 3 else y
    # A task with one target at its last step: the steps shown end before it, so
    # there is nothing to go back from (the forward steps and the gates still are).
    backward = y.ndim == 3 or T == data.x_train.shape[1]
    trace = net.forward(x, keep_z=True)
    grads = net.backward(trace, Y, mask_frozen=False) if backward else None
    names = design_names(design, compiled)
    target = np.full((T, net.n_outputs), np.nan)
    if Y.ndim == 3:
        target[:] = Y[0]
    elif backward:
        target[-1] = Y[0]
    walk = TimeWalk(T, x[0], target, [], [], None, loss=float(grads.loss) if backward else float("nan"))
    walk.target_step = None if backward else int(data.x_train.shape[1])
    for t in range(T):
        walk.forward.append(_forward_step(net, trace, t, names))
    walk.lstm = _lstm_steps(net, names)
    if not backward:
        return walk
    for node in net.layers:
        if node.op is not None and grads.delta[node.index] is not None and node.kind != "input":
            walk.deltas.append((names["layer"][node.index], np.array(grads.delta[node.index][0])))
    walk.gradient = _recurrent_gradient(net, trace, grads, names)
    return walk


def design_names(design: Design, compiled) -> dict:
    """Names for people: each node's layer name, each node's neuron names."""
    by_id = {layer.id: layer for layer in design.layers}
    layer_of = {i: by_id[lid].name for lid, i in compiled.layer_index.items()}
    neurons = {}
    from nnsim.design.names import neuron_names

    all_names = neuron_names(design)
    for lid, i in compiled.layer_index.items():
        ids = compiled.neuron_ids(i)
        neurons[i] = [(nid, all_names.get(nid, f"{by_id[lid].name} {k + 1}")) for k, nid in enumerate(ids)]
    return {"layer": layer_of, "neurons": neurons}


def _forward_step(net, trace, t: int, names) -> list[NeuronStep]:
    out = []
    a_now = trace.a[t]
    before = trace.a[t - 1] if t else None
    for node in net.layers:
        if node.op is None or getattr(node.op, "stateful", False) or not node.inputs:
            continue
        z = trace.z[t][node.index]
        kinds = node.act.kinds if node.act is not None else []
        for j, (nid, name) in enumerate(names["neurons"][node.index]):
            terms = []
            for blk in node.inputs:
                src = a_now[blk.src] if not blk.delay else (before[blk.src] if before is not None
                                                              else np.zeros_like(a_now[blk.src]))
                mask = getattr(blk, "mask", None)
                for k, (snid, sname) in enumerate(names["neurons"][blk.src] or
                                                  [(-1, f"{names['layer'][blk.src]} {k + 1}")
                                                   for k in range(src.shape[1])]):
                    if mask is not None and not mask[k, j]:
                        continue
                    terms.append(Term(float(blk.W[k, j]), float(src[0, k]), sname, bool(blk.delay)))
            b = float(node.b[j]) if node.b is not None else 0.0
            zj = float(z[0, j]) if z is not None else sum(tm.weight * tm.value for tm in terms) + b
            act = kinds[j].value if j < len(kinds) else ""
            out.append(NeuronStep(nid, name, names["layer"][node.index], terms, b, zj, float(a_now[node.index][0, j]),
                                  act))
    return out


def _recurrent_gradient(net, trace, grads, names) -> RecurrentGradient | None:
    """The first delayed connection into a node with δ: its gradient term by term."""
    T = trace.steps
    for node in net.layers:
        for blk in node.inputs:
            if not blk.delay or grads.delta[node.index] is None:
                continue
            delta = grads.delta[node.index][0]  # (T, size)
            mask = getattr(blk, "mask", None)
            pairs = [(k, j) for k in range(blk.W.shape[0]) for j in range(blk.W.shape[1])
                     if mask is None or mask[k, j]]
            if not pairs:
                continue
            k, j = pairs[0]
            values = [0.0] + [float(trace.a[t - 1][blk.src][0, k]) for t in range(1, T)]
            deltas = [float(delta[t, j]) for t in range(T)]
            parts = [d * v for d, v in zip(deltas, values)]
            engine = float(grads.params[blk.name][k, j])
            src_names = names["neurons"][blk.src]
            dst_names = names["neurons"][node.index]
            return RecurrentGradient(src_names[k][1], dst_names[j][1], parts, deltas, values, engine)
    return None


def _lstm_steps(net, names) -> list[LstmStep]:
    for node in net.layers:
        op = node.op
        if getattr(op, "type", "") != "lstm" or getattr(op, "last", None) is None:
            continue
        g = {k: np.asarray(v[0]) for k, v in op.step_values(op.last).items()}
        T, H = g["h"].shape
        x_in = np.asarray(op.last.x[0], dtype=np.float64)  # (T, n_in)
        W, b = np.asarray(op.W), np.asarray(op.b)
        src = node.sources[0]
        in_names = [n for _, n in names["neurons"].get(src, [])] or [f"x{k + 1}" for k in range(op.in_size)]
        out = []
        for t in range(T):
            start = op.last.initial  # zeros, or the layer's learned initial state
            h_prev = g["h"][t - 1] if t else np.asarray(start[0][0], dtype=np.float64)
            c_prev = float(g["c"][t - 1, 0]) if t else float(start[1][0, 0])
            xt = x_in[t]
            hx = np.concatenate([h_prev, xt])
            labels = [f"h{k + 1}(t−1)" for k in range(H)] + in_names[: op.in_size]
            gates = {}
            for name in op.block_names:
                col = op._cols[name].start  # cell 0
                z = float(hx @ W[:, col] + b[col])
                value = float(g[name][t, 0])
                gates[name] = ([(float(W[k, col]), float(hx[k])) for k in range(len(hx))], float(b[col]), z, value)
            out.append(LstmStep(names["layer"][node.index], 0, t, list(zip(labels, map(float, hx))), gates, c_prev,
                                float(g["c"][t, 0]), float(g["h"][t, 0])))
        return out
    return []


def sum_text(terms: list[Term], bias: float) -> str:
    """'0.5 × 1 + (−0.2) × 0.3⁽ᵗ⁻¹⁾ + … + b' — the delayed values marked."""
    parts = [f"{fmt(tm.weight, 3)} × {fmt(tm.value, 3)}{' (t−1)' if tm.delayed else ''}" for tm in terms[:MOST_TERMS]]
    if len(terms) > MOST_TERMS:
        parts.append(f"… {len(terms) - MOST_TERMS} more")
    return " + ".join(parts + [f"{fmt(bias, 3)} (bias)"])


__all__ = ["TimeWalk", "walk_sequence", "sum_text"]
