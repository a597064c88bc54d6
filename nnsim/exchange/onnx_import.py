"""An ONNX model as a design, for the models built of what nnsim has.

Read node by node in the graph's order, following what each tensor is:

- a layer's output (a graph input is an input layer: (N, values) of neurons,
  (N, C, H, W) an image, (N, T, values) sequences);
- a weighted sum still open: ``MatMul`` or ``Gemm`` by a weight initializer,
  several of them added (skip connections), plus a bias (``Add``); the
  activation that follows (``Relu``, ``Tanh``, ``Sigmoid``, ``Softmax`` over
  the last axis, ``LeakyRelu`` of slope 0.01) closes it as a dense layer, and
  so does a graph output or any other use (a linear layer);
- a convolution's sums (``Conv`` with nnsim's "valid" or "same" padding),
  closed by an activation the same way;
- ``MaxPool``, ``AveragePool`` (no padding), ``Flatten``, and ``LSTM``,
  ``GRU`` (``linear_before_reset=1``) and ``RNN`` (tanh) run forward over
  time-first sequences, with the ``Transpose`` and ``Squeeze`` around them
  that batch-first models need. ``Identity`` passes through.

Anything else is refused naming the node and its type. Dense layers become
neurons joined by connections (from an input or dense layer) or by a link
(from a block); every weight of a matrix is drawn, zeros too, so the design
computes what the model computes. Layers are laid out left to right.
"""

from __future__ import annotations

import numpy as np

from nnsim.design.build import add_block, add_layer
from nnsim.design.model import Activation, ArrayValue, Connection, Design, LayerKind, Link, Loss, TrainingSettings
from nnsim.engine.activations import LEAKY_SLOPE
from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.ops.shapes import conv2d_plan
from nnsim.exchange import ExportError, require_onnx

ACTIVATIONS = {"Relu": Activation.RELU, "Tanh": Activation.TANH, "Sigmoid": Activation.SIGMOID,
               "Softmax": Activation.SOFTMAX, "LeakyRelu": Activation.LEAKY_RELU}
RECURRENT = {"LSTM": ("lstm", LSTM), "GRU": ("gru", GRU), "RNN": ("rnn", SimpleRNN)}


class _Sum:
    """A weighted sum not yet closed: (source layer id, weights (n_src, n)) terms and a bias."""

    def __init__(self, terms, bias=None):
        self.terms = terms
        self.bias = bias

    @property
    def size(self) -> int:
        return self.terms[0][1].shape[1]


class _ConvSum:
    def __init__(self, source: int, kernel, bias, stride: int, padding: str):
        self.source, self.kernel, self.bias, self.stride, self.padding = source, kernel, bias, stride, padding


class _Importer:
    def __init__(self, model, name: str):
        onnx = require_onnx()
        self.helper, self.numpy_helper = onnx.helper, onnx.numpy_helper
        self.graph = model.graph
        self.design = Design(name=name)
        self.consts = {t.name: self.numpy_helper.to_array(t).astype(np.float64, copy=False)
                       if t.data_type in (1, 10, 11) else self.numpy_helper.to_array(t)
                       for t in self.graph.initializer}
        self.values: dict[str, object] = {}  # tensor -> layer id | _Sum | _ConvSum | ("time_first", id) | ...
        self.shapes: dict[int, tuple[int, ...]] = {}  # layer id -> per-sample shape
        self.sequences = False

    # -- helpers ---------------------------------------------------------------------------------------
    def refuse(self, node, why: str):
        raise ExportError(f"node '{node.name or node.output[0]}' ({node.op_type}): {why}")

    def attrs(self, node) -> dict:
        return {a.name: self.helper.get_attribute_value(a) for a in node.attribute}

    def const(self, node, name: str) -> np.ndarray:
        if name not in self.consts:
            self.refuse(node, f"its input '{name}' must be a constant (an initializer)")
        return self.consts[name]

    def layer_of(self, node, name: str) -> int:
        v = self.values.get(name)
        if isinstance(v, _Sum | _ConvSum):
            v = self.close(v, Activation.LINEAR)
            self.values[name] = v
        if not isinstance(v, int):
            self.refuse(node, f"its input '{name}' is not the output of a layer nnsim can draw")
        return v

    # -- reading ------------------------------------------------------------------------------------------
    def run(self) -> Design:
        for inp in self.graph.input:
            if inp.name in self.consts:
                continue
            dims = [d.dim_value if d.HasField("dim_value") else None for d in inp.type.tensor_type.shape.dim]
            self.add_input(inp.name, dims)
        for node in self.graph.node:
            handler = getattr(self, f"on_{node.op_type}", None)
            if handler is None:
                self.refuse(node, "nnsim has no layer that computes it")
            handler(node)
        for out in self.graph.output:
            lid = self.values.get(out.name)
            if isinstance(lid, _Sum | _ConvSum):
                lid = self.close(lid, Activation.LINEAR)
            layer = self.design.layer(lid) if isinstance(lid, int) else None
            if layer is None or layer.type != "dense" or layer.kind == LayerKind.INPUT:
                raise ExportError(f"output '{out.name}': nnsim's outputs are layers of neurons; this one is not")
            layer.kind = LayerKind.OUTPUT
        self.name_layers()
        self.choose_loss()
        return self.design

    def add_input(self, name: str, dims: list) -> None:
        known = dims[2:] if len(dims) == 3 else dims[1:]  # the batch (and time) may be named, not numbered
        if not dims or any(not d for d in known):
            raise ExportError(f"input '{name}': its sizes must be known (found {dims})")
        if len(dims) == 2:
            layer = add_layer(self.design, LayerKind.INPUT, dims[1], name=name)
            self.shapes[layer.id] = (dims[1],)
        elif len(dims) == 3:
            layer = add_layer(self.design, LayerKind.INPUT, dims[2], name=name)
            self.shapes[layer.id] = (dims[2],)
            self.sequences = True
        elif len(dims) == 4:
            layer = add_block(self.design, "image", LayerKind.INPUT, name=name, channels=dims[1], height=dims[2],
                              width=dims[3])
            self.shapes[layer.id] = tuple(dims[1:])
        else:
            raise ExportError(f"input '{name}': nnsim reads (N, values), (N, T, values) or (N, C, H, W), not {dims}")
        self.values[name] = layer.id

    def close(self, v, act: Activation) -> int:
        """Make the layer an open sum ends in."""
        if isinstance(v, _ConvSum):
            src = self.shapes[v.source]
            layer = add_block(self.design, "conv", activation=act, filters=v.kernel.shape[0],
                              kernel=v.kernel.shape[2], stride=v.stride, padding=v.padding)
            layer.arrays = {"kernel": ArrayValue(v.kernel), "bias": ArrayValue(v.bias)}
            self.design.links.append(Link(v.source, layer.id))
            plan, _ = conv2d_plan(src, v.kernel.shape[0], v.kernel.shape[2], v.stride, v.padding)
            self.shapes[layer.id] = plan.out_shape
            return layer.id
        layer = add_layer(self.design, LayerKind.HIDDEN, v.size, act)
        neurons = self.design.neurons_of(layer.id)
        bias = np.zeros(v.size) if v.bias is None else v.bias
        for n, b in zip(neurons, bias.tolist()):
            n.bias = b
        for src, W in v.terms:
            source = self.design.layer(src)
            if source.type == "dense":
                ins = self.design.neurons_of(src)
                self.design.connections.extend(
                    Connection(s.id, t.id, float(W[i, j])) for i, s in enumerate(ins) for j, t in enumerate(neurons))
            else:
                self.design.links.append(Link(src, layer.id, ArrayValue(W)))
        self.shapes[layer.id] = (v.size,)
        return layer.id

    def name_layers(self) -> None:
        hidden = [layer for layer in self.design.layers if layer.kind == LayerKind.HIDDEN]
        for k, layer in enumerate(hidden, 1):
            if layer.type == "dense":
                layer.name = f"hidden {k}"
        outputs = self.design.layers_of_kind(LayerKind.OUTPUT)
        for k, layer in enumerate(outputs, 1):
            layer.name = "output" if len(outputs) == 1 else f"output {k}"

    def choose_loss(self) -> None:
        kinds = {layer.activation for layer in self.design.layers_of_kind(LayerKind.OUTPUT)}
        loss = Loss.SOFTMAX_CROSS_ENTROPY if kinds == {Activation.SOFTMAX} else Loss.MSE
        self.design.training = TrainingSettings(loss=loss)

    # -- operators ------------------------------------------------------------------------------------
    def on_Identity(self, node):
        self.values[node.output[0]] = self.values.get(node.input[0])

    def _sum_source(self, node, name: str) -> tuple[int, tuple[int, ...]]:
        lid = self.layer_of(node, name)
        return lid, self.shapes[lid]

    def on_MatMul(self, node):
        lid, shape = self._sum_source(node, node.input[0])
        W = self.const(node, node.input[1])
        if W.ndim != 2 or len(shape) != 1 or W.shape[0] != shape[0]:
            self.refuse(node, "only a (values × neurons) weight matrix applied to a layer of values is a dense layer")
        self.values[node.output[0]] = _Sum([(lid, W)])

    def on_Gemm(self, node):
        a = self.attrs(node)
        if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
            self.refuse(node, "only transB, without transA, alpha or beta, is a dense layer")
        lid, shape = self._sum_source(node, node.input[0])
        W = self.const(node, node.input[1])
        W = W.T if a.get("transB", 0) else W
        if W.ndim != 2 or len(shape) != 1 or W.shape[0] != shape[0]:
            self.refuse(node, f"its weights {W.shape} do not fit its input {shape}")
        bias = None
        if len(node.input) > 2 and node.input[2]:
            c = self.const(node, node.input[2]).reshape(-1)
            if c.size not in (1, W.shape[1]):
                self.refuse(node, f"a bias of {c.size} numbers does not fit {W.shape[1]} neurons")
            bias = np.broadcast_to(c, (W.shape[1],)).astype(np.float64)
        self.values[node.output[0]] = _Sum([(lid, W)], bias)

    def on_Add(self, node):
        x, y = (self.values.get(name) for name in node.input[:2])
        if isinstance(y, _Sum) and not isinstance(x, _Sum):
            x, y = y, x
            names = node.input[1], node.input[0]
        else:
            names = node.input[0], node.input[1]
        if isinstance(x, _Sum) and isinstance(y, _Sum):
            bias = None if x.bias is None and y.bias is None else (
                (0 if x.bias is None else x.bias) + (0 if y.bias is None else y.bias))
            self.values[node.output[0]] = _Sum(x.terms + y.terms, bias)
            return
        if isinstance(x, _Sum) and names[1] in self.consts:
            b = self.consts[names[1]]
            if b.size not in (1, x.size) or b.ndim > 2:
                self.refuse(node, f"a bias of shape {b.shape} does not fit {x.size} neurons")
            bias = np.broadcast_to(b.reshape(-1), (x.size,)).astype(np.float64)
            self.values[node.output[0]] = _Sum(x.terms, bias if x.bias is None else x.bias + bias)
            return
        self.refuse(node, "nnsim adds only weighted sums and biases (inside a dense layer)")

    def _activation(self, node, act: Activation):
        v = self.values.get(node.input[0])
        if not isinstance(v, _Sum | _ConvSum):
            self.refuse(node, "nnsim applies activations inside dense and convolution layers, "
                              "after their weighted sums")
        if isinstance(v, _ConvSum) and act == Activation.SOFTMAX:
            self.refuse(node, "softmax cannot be the activation of an image layer")
        self.values[node.output[0]] = self.close(v, act)

    def on_Relu(self, node):
        self._activation(node, Activation.RELU)

    def on_Tanh(self, node):
        self._activation(node, Activation.TANH)

    def on_Sigmoid(self, node):
        self._activation(node, Activation.SIGMOID)

    def on_LeakyRelu(self, node):
        alpha = self.attrs(node).get("alpha", 0.01)
        if not np.isclose(alpha, LEAKY_SLOPE, rtol=1e-6, atol=0):
            self.refuse(node, f"slope {alpha:g}: nnsim's leaky ReLU has slope {LEAKY_SLOPE}")
        self._activation(node, Activation.LEAKY_RELU)

    def on_Softmax(self, node):
        v = self.values.get(node.input[0])
        axis = self.attrs(node).get("axis", -1)
        rank = 3 if self.sequences else 2
        if axis not in (-1, rank - 1) and isinstance(v, _Sum):
            self.refuse(node, f"softmax over axis {axis}: nnsim's runs over a layer's neurons (the last axis)")
        self._activation(node, Activation.SOFTMAX)

    def on_Conv(self, node):
        a = self.attrs(node)
        lid, shape = self._sum_source(node, node.input[0])
        K = self.const(node, node.input[1])
        bias = self.const(node, node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(K.shape[0])
        if len(shape) != 3 or K.ndim != 4 or K.shape[1] != shape[0]:
            self.refuse(node, f"kernels {K.shape} do not fit its input {shape}")
        if a.get("group", 1) != 1 or any(d != 1 for d in a.get("dilations", [1, 1])):
            self.refuse(node, "grouped or dilated convolutions are not nnsim's")
        if K.shape[2] != K.shape[3]:
            self.refuse(node, f"a {K.shape[2]}×{K.shape[3]} kernel: nnsim's kernels are square")
        strides = list(a.get("strides", [1, 1]))
        if strides[0] != strides[1]:
            self.refuse(node, f"strides {strides}: nnsim's stride is the same both ways")
        pads = list(a.get("pads", [0, 0, 0, 0]))
        if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            self.refuse(node, "auto_pad: give the pads")
        padding = None
        for choice in ("valid", "same"):
            plan, _ = conv2d_plan(shape, K.shape[0], K.shape[2], strides[0], choice)
            if plan is not None:
                top, bottom, left, right = plan.pads
                if [top, left, bottom, right] == pads:
                    padding = choice
                    break
        if padding is None:
            self.refuse(node, f"pads {pads}: nnsim pads none ('valid') or as 'same' does")
        self.values[node.output[0]] = _ConvSum(lid, K, bias, strides[0], padding)

    def _pool(self, node, kind: str):
        a = self.attrs(node)
        lid, shape = self._sum_source(node, node.input[0])
        k = list(a.get("kernel_shape", []))
        s = list(a.get("strides", k))
        if len(shape) != 3 or len(k) != 2 or k[0] != k[1] or s[0] != s[1]:
            self.refuse(node, "nnsim pools images with square windows and one stride")
        if any(a.get("pads", [0, 0, 0, 0])) or a.get("ceil_mode", 0) or any(d != 1 for d in a.get("dilations", [1, 1])):
            self.refuse(node, "padding, ceil_mode or dilations are not nnsim's pooling")
        layer = add_block(self.design, kind, pool=k[0], stride=0 if s[0] == k[0] else s[0])
        self.design.links.append(Link(lid, layer.id))
        self.shapes[layer.id] = (shape[0], (shape[1] - k[0]) // s[0] + 1, (shape[2] - k[0]) // s[0] + 1)
        self.values[node.output[0]] = layer.id

    def on_MaxPool(self, node):
        if len(node.output) > 1 and node.output[1]:
            self.refuse(node, "the indices output is not nnsim's")
        self._pool(node, "maxpool")

    def on_AveragePool(self, node):
        self._pool(node, "avgpool")

    def on_Flatten(self, node):
        lid, shape = self._sum_source(node, node.input[0])
        if self.attrs(node).get("axis", 1) != 1:
            self.refuse(node, "only axis 1 (each sample to one row) is nnsim's flatten")
        if len(shape) == 1:
            self.values[node.output[0]] = lid
            return
        layer = add_block(self.design, "flatten")
        self.design.links.append(Link(lid, layer.id))
        self.shapes[layer.id] = (int(np.prod(shape)),)
        self.values[node.output[0]] = layer.id

    def on_Transpose(self, node):
        v = self.values.get(node.input[0])
        if list(self.attrs(node).get("perm", [])) != [1, 0, 2]:
            self.refuse(node, "nnsim only swaps batch and time of sequences")
        if isinstance(v, tuple) and v[0] == "squeezed":
            self.values[node.output[0]] = v[1]
        elif self.sequences:
            self.values[node.output[0]] = ("time_first", self.layer_of(node, node.input[0]))
        else:
            self.refuse(node, "a transpose outside sequences")

    def on_Squeeze(self, node):
        v = self.values.get(node.input[0])
        axes = self.const(node, node.input[1]).tolist() if len(node.input) > 1 else self.attrs(node).get("axes")
        if not (isinstance(v, tuple) and v[0] == "recurrent" and list(axes) == [1]):
            self.refuse(node, "only the direction axis of a recurrent layer's output is squeezed")
        self.values[node.output[0]] = ("squeezed", v[1])

    def _recurrent(self, node):
        type_name, cls = RECURRENT[node.op_type]
        a = self.attrs(node)
        v = self.values.get(node.input[0])
        if not (isinstance(v, tuple) and v[0] == "time_first"):
            self.refuse(node, "its input must be sequences turned time-first (Transpose 1, 0, 2)")
        src = v[1]
        if a.get("direction", b"forward") not in (b"forward", "forward") or a.get("layout", 0) != 0:
            self.refuse(node, "only forward, time-first recurrent layers are nnsim's")
        extra = [name for name in node.input[4:] if name]
        if extra or any(k in a for k in ("clip", "activation_alpha", "activation_beta")):
            self.refuse(node, "sequence lengths, initial states, peepholes or clipping are not nnsim's")
        if a.get("activations") not in (None, [b"Tanh"], ["Tanh"]) and node.op_type == "RNN":
            self.refuse(node, "nnsim's plain recurrent layer uses tanh")
        if "activations" in a and node.op_type != "RNN":
            self.refuse(node, "other gate activations are not nnsim's")
        if node.op_type == "LSTM" and a.get("input_forget", 0):
            self.refuse(node, "input_forget is not nnsim's")
        if node.op_type == "GRU" and a.get("linear_before_reset", 0) != 1:
            self.refuse(node, "nnsim's GRU applies the reset after the recurrent product (linear_before_reset=1)")
        if any(o for o in node.output[1:]):
            self.refuse(node, "only its sequence of outputs (Y) is nnsim's")
        H = int(a["hidden_size"])
        W, R = self.const(node, node.input[1])[0], self.const(node, node.input[2])[0]
        blocks = W.shape[0] // H
        B = self.const(node, node.input[3])[0] if len(node.input) > 3 and node.input[3] else np.zeros(2 * blocks * H)
        n_in = self.shapes[src][0]
        op = cls(n_in, H, "weight", "bias", "recurrent_bias") if cls is GRU else cls(n_in, H, "weight", "bias")
        order = [op.onnx_blocks.index(name) for name in op.block_names]  # ours from ONNX's
        wb, rb = B[: blocks * H], B[blocks * H :]
        arrays = {"weight": np.concatenate([op._blocks_from(R, order).T, op._blocks_from(W, order).T], axis=0)}
        if cls is GRU:
            arrays["bias"] = op._blocks_from(wb + np.concatenate([rb[: 2 * H], np.zeros(H)]), order)
            arrays["recurrent_bias"] = rb[2 * H :].copy()
        else:
            arrays["bias"] = op._blocks_from(wb + rb, order)
        layer = add_block(self.design, type_name, cells=H)
        layer.arrays = {k: ArrayValue(v) for k, v in arrays.items()}
        self.design.links.append(Link(src, layer.id))
        self.shapes[layer.id] = (H,)
        self.values[node.output[0]] = ("recurrent", layer.id)

    on_LSTM = on_GRU = on_RNN = _recurrent


def from_onnx(model, name: str = "Imported model") -> Design:
    """A design from an ``onnx.ModelProto``; ExportError naming the first
    node nnsim cannot draw."""
    return _Importer(model, name).run()


def load_onnx(path) -> Design:
    """A design from an .onnx file."""
    from pathlib import Path

    onnx = require_onnx()
    path = Path(path)
    try:
        model = onnx.load(str(path))
    except OSError as e:
        raise ExportError(f"cannot be read ({e.strerror or e})") from None  # nnsim.io.load names the file
    except Exception as e:  # a file that is not a model: onnx's parser says DecodeError
        raise ExportError(f"not an ONNX model ({type(e).__name__})") from None
    design = from_onnx(model, path.stem)
    return design
