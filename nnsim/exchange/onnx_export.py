"""A design as an ONNX model that computes what nnsim computes.

The design is compiled as for training (``nnsim.design.compile``) and each
layer becomes a few ONNX operators, in the network's topological order:

- a dense layer: one ``MatMul`` per layer feeding it (undrawn connections are
  zeros in its weight matrix: masks stay masks), summed, plus its biases
  (``Add``), then its activation. Where its neurons differ, each group of
  columns (``Gather``) goes through its own function and a last ``Gather``
  puts the columns back in order. Step and sign compare with each neuron's
  threshold (``Greater``); softmax is ``Softmax`` over the last axis; leaky
  ReLU has slope 0.01.
- convolution (``Conv``: padding as nnsim computes it for "same"), max and
  average pooling (no padding, leftover rows dropped, as ``ceil_mode=0``),
  flattening (``Flatten``: channel, row, column, as nnsim does).
- LSTM, GRU and plain recurrent layers: ONNX's ``LSTM``, ``GRU``
  (``linear_before_reset=1``) and ``RNN`` with the gate blocks re-ordered
  (``onnx_blocks`` of each operation) and transposed between batch-first
  and time-first.
- a design with drawn loops (connections that carry the step before): the
  whole network's step is the body of a ``Scan`` over time, whose carried
  state is the output of every layer read one step late (zeros first).

Inputs and outputs are named after the design's input and output layers, with
shapes: "N" samples by the layer's values, an image input (N, C, H, W), a
sequence (N, T, values). The numbers are float32 (what every runtime runs) or
float64 (``dtype``): float64 matches nnsim to rounding; onnxruntime implements
some operators (Conv, AveragePool, the recurrent ones) only in float32.
"""

from __future__ import annotations

import re

import numpy as np

from nnsim.design.compile import compile_design
from nnsim.design.layer_types import RECURRENT_TYPES
from nnsim.design.model import Design, LayerKind
from nnsim.engine.activations import LEAKY_SLOPE
from nnsim.engine.ops.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.recurrent import Recurrent
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.vocab import Activation
from nnsim.exchange import ExportError, require_onnx
from nnsim.exchange.common import common_refusal, layer_name, unique_identifiers

OPSET = 17


class _Graph:
    """Nodes of one graph (the model's, or a Scan body's) and the model's
    initializers, with names made unique across both."""

    def __init__(self, onnx, dtype, inits: list | None = None, counter: list | None = None):
        self.onnx = onnx
        self.dtype = np.dtype(dtype)
        self.elem = onnx.helper.np_dtype_to_tensor_dtype(self.dtype)
        self.nodes: list = []
        self.inits = [] if inits is None else inits
        self._counter = [0] if counter is None else counter

    def body(self) -> _Graph:
        """A graph for a subgraph: its own nodes, the same initializers."""
        return _Graph(self.onnx, self.dtype, self.inits, self._counter)

    def fresh(self, hint: str) -> str:
        self._counter[0] += 1
        return f"{re.sub(r'[^A-Za-z0-9_]+', '_', hint)}_{self._counter[0]}"

    def const(self, hint: str, array, dtype=None) -> str:
        name = self.fresh(hint)
        a = np.asarray(array, dtype=self.dtype if dtype is None else dtype)
        self.inits.append(self.onnx.numpy_helper.from_array(a, name))
        return name

    def op(self, op_type: str, inputs: list[str], hint: str, outputs: int = 1, **attrs):
        names = [self.fresh(f"{hint}_{op_type}") for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, names, name=self.fresh(op_type), **attrs))
        return names[0] if outputs == 1 else names


def _shape(node) -> tuple[int, ...]:
    return tuple(node.shape) if node.shape else (node.size,)


def _refusal(design: Design, net) -> str | None:
    """What in the design ONNX cannot express, or None."""
    problem = common_refusal(design, net, "ONNX")
    if problem:
        return problem
    stateful = [n for n in net.layers if n.op is not None and n.op.stateful]
    for n in net.layers:
        if n.op is not None and not isinstance(n.op, Dense | Conv2D | MaxPool2D | AvgPool2D | Flatten | Recurrent):
            return f"layer '{layer_name(design, n)}': its type ({n.op.type}) has no ONNX counterpart here"
    if stateful or net.recurrent:
        for n in net.layers:
            if len(_shape(n)) > 1:
                return f"layer '{layer_name(design, n)}': images in a network over sequences cannot be exported"
    return None


def to_onnx(design: Design, dtype=np.float32):
    """The design as an ``onnx.ModelProto`` (checked with onnx's full
    checker). Raises ExportError naming what cannot be expressed (and
    DesignError for a design that cannot run at all)."""
    onnx = require_onnx()
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ExportError(f"ONNX export writes float32 or float64 numbers, not {dtype}")
    compiled = compile_design(design, dtype=np.float64)
    net = compiled.network
    problem = _refusal(design, net)
    if problem:
        raise ExportError(problem)
    helper = onnx.helper
    g = _Graph(onnx, dtype)
    sequences = net.recurrent or any(n.op is not None and n.op.stateful for n in net.layers)
    lead = ["N", "T"] if sequences else ["N"]
    in_names = unique_identifiers([layer_name(design, n) for n in net.input_layers])
    out_names = unique_identifiers([layer_name(design, n) for n in net.output_layers])
    out_names = [n if n not in in_names else n + "_out" for n in out_names]
    inputs = [helper.make_tensor_value_info(name, g.elem, lead + list(_shape(n)))
              for name, n in zip(in_names, net.input_layers)]
    outputs = [helper.make_tensor_value_info(name, g.elem, lead + [n.size])
               for name, n in zip(out_names, net.output_layers)]
    tensors: dict[int, str] = {n.index: name for n, name in zip(net.input_layers, in_names)}
    if net.recurrent:
        _scan(g, design, net, tensors, in_names, out_names)
    else:
        _emit_all(g, design, net, tensors)
        for n, name in zip(net.output_layers, out_names):
            g.nodes.append(helper.make_node("Identity", [tensors[n.index]], [name], name=g.fresh("output")))
    graph = helper.make_graph(g.nodes, unique_identifiers([design.name])[0], inputs, outputs, initializer=g.inits,
                              doc_string=f"{design.name}: exported from nnsim")
    from nnsim import __version__

    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="nnsim",
                              producer_version=__version__)
    model.ir_version = min(model.ir_version, 8)  # what onnxruntime releases of the last years read
    onnx.checker.check_model(model, full_check=True)
    return model


def save_onnx(design: Design, path, dtype=np.float32) -> None:
    model = to_onnx(design, dtype)
    require_onnx().save(model, str(path))


# -- the layers -------------------------------------------------------------------------------
def _emit_all(g: _Graph, design: Design, net, tensors: dict[int, str], delayed: dict[int, str] | None = None):
    """Every non-input node's output into ``tensors`` (``delayed``: for a
    Scan body, the tensors of the step before by node)."""
    first_input = net.input_layers[0]
    for n in net.layers:
        if n.op is None:
            continue
        hint = n.key.replace(":", "")
        xs = [tensors[s] if not d else delayed[s] for s, d in zip(n.sources, n.delays)]
        shapes = [_shape(net.layers[s]) for s in n.sources]
        op = n.op
        if isinstance(op, Dense):
            out = _dense(g, hint, n, op, xs, shapes, net, (tensors[first_input.index], _shape(first_input)))
        elif isinstance(op, Conv2D):
            x = _as_image(g, hint, xs[0], shapes[0], op.plan.in_shape)
            top, bottom, left, right = op.plan.pads
            z = g.op("Conv", [x, g.const(f"{hint}_kernel", op.K), g.const(f"{hint}_bias", op.b)], hint,
                     kernel_shape=list(op.plan.kernel), strides=list(op.plan.stride),
                     pads=[top, left, bottom, right])
            out = _activation(g, hint, z, op.act)
        elif isinstance(op, MaxPool2D | AvgPool2D):
            x = _as_image(g, hint, xs[0], shapes[0], op.plan.in_shape)
            kind = "MaxPool" if isinstance(op, MaxPool2D) else "AveragePool"
            out = g.op(kind, [x], hint, kernel_shape=list(op.plan.kernel), strides=list(op.plan.stride))
        elif isinstance(op, Flatten):
            out = g.op("Flatten", [_as_image(g, hint, xs[0], shapes[0], op.in_shapes[0])], hint, axis=1)
        else:
            out = _recurrent(g, hint, op, xs[0])
        tensors[n.index] = out


def _as_image(g: _Graph, hint: str, x: str, shape, want) -> str:
    if tuple(shape) == tuple(want):
        return x
    return g.op("Reshape", [x, g.const(f"{hint}_shape", [-1, *want], np.int64)], hint)


def _dense(g: _Graph, hint: str, node, op: Dense, xs, shapes, net, first_input) -> str:
    z = None
    for x, shape, W in zip(xs, shapes, op.W):
        if len(shape) > 1:
            x = g.op("Flatten", [x], hint, axis=1)
        t = g.op("MatMul", [x, g.const(f"{hint}_weight", W)], hint)
        z = t if z is None else g.op("Add", [z, t], hint)
    if z is None:  # nothing drawn into it: its biases alone, for every sample
        x, shape = first_input
        if len(shape) > 1:
            x = g.op("Flatten", [x], hint, axis=1)
        z = g.op("MatMul", [x, g.const(f"{hint}_nothing", np.zeros((int(np.prod(shape)), op.size)))], hint)
    z = g.op("Add", [z, g.const(f"{hint}_bias", op.b)], hint)
    return _activation(g, hint, z, op.act)


def _function(g: _Graph, hint: str, kind: Activation, z: str, thr) -> str:
    if kind == Activation.LINEAR:
        return z
    if kind == Activation.STEP:
        return g.op("Cast", [g.op("Greater", [z, g.const(f"{hint}_threshold", thr)], hint)], hint, to=g.elem)
    if kind == Activation.SIGN:
        above = g.op("Greater", [z, g.const(f"{hint}_threshold", thr)], hint)
        return g.op("Where", [above, g.const(f"{hint}_one", 1.0), g.const(f"{hint}_minus_one", -1.0)], hint)
    if kind == Activation.LEAKY_RELU:
        return g.op("LeakyRelu", [z], hint, alpha=LEAKY_SLOPE)
    if kind == Activation.SOFTMAX:
        return g.op("Softmax", [z], hint, axis=-1)
    return g.op({Activation.SIGMOID: "Sigmoid", Activation.TANH: "Tanh", Activation.RELU: "Relu"}[kind], [z], hint)


def _activation(g: _Graph, hint: str, z: str, act) -> str:
    thr = np.asarray(act.thr, dtype=np.float64)
    if act.uniform:
        if act.kinds[0] in (Activation.STEP, Activation.SIGN) and thr.size > 1 and np.all(thr == thr[0]):
            thr = thr[:1]
        return _function(g, hint, act.kinds[0], z, thr)
    parts, order = [], []
    for kind, cols in act.groups:
        part = g.op("Gather", [z, g.const(f"{hint}_columns", cols, np.int64)], hint, axis=-1)
        parts.append(_function(g, hint, kind, part, thr[cols]))
        order.extend(cols.tolist())
    joined = g.op("Concat", parts, hint, axis=-1)
    back = np.argsort(np.array(order))  # column j of the layer is column back[j] of the joined groups
    return g.op("Gather", [joined, g.const(f"{hint}_order", back, np.int64)], hint, axis=-1)


def _recurrent(g: _Graph, hint: str, op: Recurrent, x: str) -> str:
    """A recurrent block over whole batch-first sequences (N, T, in)."""
    H = op.size
    order = [op.block_names.index(name) for name in op.onnx_blocks]
    W = np.asarray(op.W)
    w = op._blocks_from(W[H:].T, order)[None]
    r = op._blocks_from(W[:H].T, order)[None]
    b = op._blocks_from(op.b, order)
    if isinstance(op, GRU):
        recurrent_bias = np.concatenate([np.zeros(2 * H), op.b_nh])
        kind, attrs = "GRU", {"linear_before_reset": 1}
    else:
        recurrent_bias = np.zeros_like(b)
        kind, attrs = ("LSTM", {}) if isinstance(op, LSTM) else ("RNN", {"activations": ["Tanh"]})
    assert isinstance(op, LSTM | GRU | SimpleRNN)
    bias = np.concatenate([b, recurrent_bias])[None]
    time_first = g.op("Transpose", [x], hint, perm=[1, 0, 2])
    ys = g.op(kind, [time_first, g.const(f"{hint}_W", w), g.const(f"{hint}_R", r), g.const(f"{hint}_B", bias)],
              hint, hidden_size=H, **attrs)
    y = g.op("Squeeze", [ys, g.const(f"{hint}_direction_axis", [1], np.int64)], hint)
    return g.op("Transpose", [y], hint, perm=[1, 0, 2])


# -- drawn loops: the network's step as a Scan body ----------------------------------------------
def _scan(g: _Graph, design: Design, net, tensors, in_names: list[str], out_names: list[str]) -> None:
    onnx = g.onnx
    helper = onnx.helper
    delayed_nodes = sorted({s for n in net.layers for s, d in zip(n.sources, n.delays) if d})
    body = g.body()
    state_in = {s: body.fresh(f"before_{net.layers[s].key}") for s in delayed_nodes}
    step_in = [body.fresh(f"{name}_t") for name in in_names]
    step_tensors = {n.index: name for n, name in zip(net.input_layers, step_in)}
    _emit_all(body, design, net, step_tensors, delayed=state_in)
    state_out = [body.fresh(f"after_{net.layers[s].key}") for s in delayed_nodes]
    step_out = [body.fresh(f"{name}_t") for name in out_names]
    for s, name in zip(delayed_nodes, state_out):
        body.nodes.append(helper.make_node("Identity", [step_tensors[s]], [name], name=body.fresh("state")))
    for n, name in zip(net.output_layers, step_out):
        body.nodes.append(helper.make_node("Identity", [step_tensors[n.index]], [name], name=body.fresh("out")))

    def info(name, size):
        return helper.make_tensor_value_info(name, g.elem, ["N", size])

    body_graph = helper.make_graph(
        body.nodes, "step",
        [info(state_in[s], net.layers[s].size) for s in delayed_nodes]
        + [info(name, n.size) for name, n in zip(step_in, net.input_layers)],
        [info(name, net.layers[s].size) for s, name in zip(delayed_nodes, state_out)]
        + [info(name, n.size) for name, n in zip(step_out, net.output_layers)])
    # Zeros (N, size) before the first step, N read from the first input.
    batch = g.op("Slice", [g.op("Shape", [in_names[0]], "batch"), g.const("zero", [0], np.int64),
                           g.const("one", [1], np.int64)], "batch")
    zero = helper.make_tensor("zero_value", g.elem, [1], [0.0])
    initial = [g.op("ConstantOfShape", [g.op("Concat", [batch, g.const("size", [net.layers[s].size], np.int64)],
                                             "state", axis=0)], "state", value=zero) for s in delayed_nodes]
    # Scanned time-first (axis 0: what every runtime implements), batch-first outside.
    time_first = [g.op("Transpose", [name], "time_first", perm=[1, 0, 2]) for name in in_names]
    scanned = [g.fresh(f"{name}_time_first") for name in out_names]
    g.nodes.append(helper.make_node(
        "Scan", initial + time_first, [g.fresh("final") for _ in delayed_nodes] + scanned,
        name=g.fresh("Scan"), body=body_graph, num_scan_inputs=len(in_names)))
    for t, name in zip(scanned, out_names):
        g.nodes.append(helper.make_node("Transpose", [t], [name], name=g.fresh("Transpose"), perm=[1, 0, 2]))


def is_sequence_model(design: Design) -> bool:
    """Whether the exported model reads sequences (N, T, values)."""
    return (any(c.delay for c in design.connections)
            or any(layer.type in RECURRENT_TYPES for layer in design.layers if layer.kind != LayerKind.INPUT))
