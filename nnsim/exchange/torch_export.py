"""A design as a standalone PyTorch module.

``write_pytorch(design, "net.py")`` writes these files:

- ``net.py``: an ``nn.Module`` (``Net``) with one attribute per drawn layer
  or bundle of connections, in the order nnsim computes them; ``load_model()``
  returns it with the design's weights; a training loop with the design's
  optimizer, learning rate, loss, batch size, seed, L1/L2 penalty and
  clipping, which runs under ``torchrun --nproc_per_node N`` with
  DistributedDataParallel (gloo on CPUs, NCCL on GPUs), each process taking
  its share of every batch.
- ``net.npz``: the weights (and the masks of connections drawn and
  trainable), by the module's ``state_dict`` names. NumPy's format: no pickle.
- ``net-data.npz``: the training and test data as nnsim prepares them
  (targets in the network's coding), when the design's data can be loaded.
- ``net-optimizer.npz``: where nnsim's training stopped (the optimizer's
  memory, by moment and array, and the place in the epoch), when the design
  holds a training state: the loop goes on from there as nnsim would.

Connections not drawn stay 0 and frozen ones do not train (``MaskedLinear``);
a frozen convolution's arrays do not require gradients. The module computes
in float64 like nnsim (``--float32`` for speed). PyTorch's recurrent layers
have two biases: nnsim's one goes to ``bias_ih_l0`` and ``bias_hh_l0``
stays 0 and does not train (the GRU's candidate part of it is nnsim's b_nh).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pprint import pformat
from pathlib import Path

import numpy as np

from nnsim.design.compile import compile_design
from nnsim.design.model import Design, LearningRule
from nnsim.engine.losses import FUSED
from nnsim.engine.ops.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.gru import GRU
from nnsim.engine.vocab import Activation, Optimizer
from nnsim.exchange import ExportError
from nnsim.exchange.common import common_refusal, layer_name, unique_identifiers
from nnsim.exchange.torch_template import RUNTIME

TAKEN = {"x", "self", "sums", "before", "t", "steps", "values", "torch", "nn", "F", "np", "z", "pairs"}
OPTIMIZERS = {Optimizer.SGD, Optimizer.MOMENTUM, Optimizer.ADAM}

EXPRESSIONS = {
    Activation.LINEAR: "{z}",
    Activation.SIGMOID: "torch.sigmoid({z})",
    Activation.TANH: "torch.tanh({z})",
    Activation.RELU: "torch.relu({z})",
    Activation.LEAKY_RELU: "F.leaky_relu({z}, 0.01)",
    Activation.SOFTMAX: "torch.softmax({z}, dim=-1)",
    Activation.STEP: "step({z}, self.{thr})",
    Activation.SIGN: "sign({z}, self.{thr})",
}


class _Module:
    """The generated class's lines and its state dict."""

    def __init__(self):
        self.init: list[str] = []
        self.body: list[str] = []
        self.state: dict[str, np.ndarray] = {}
        self.penalized: list[str] = []
        # For each trainable array of the module: how to make it from nnsim's
        # arrays by name (weights, or the optimizer's moments alike).
        self.sources: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {}


def _refusal(design: Design, net) -> str | None:
    """What in the design the PyTorch module cannot express, or None."""
    problem = common_refusal(design, net, "PyTorch")
    if problem:
        return problem
    for n in net.layers:
        if isinstance(n.op, Dense) and not n.op.W:
            return f"layer '{layer_name(design, n)}': nothing is connected into it"
    if design.training.rule == LearningRule.BACKPROP and design.training.optimizer not in OPTIMIZERS:
        return f"the optimizer {design.training.optimizer.value} has no counterpart in torch.optim here"
    return None


def module_source(design: Design, weights_name: str, data_name: str | None, memory_name: str | None = None,
                  note: str = "") -> tuple[str, dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """The module's text, its weights by state-dict name, and the
    optimizer's memory from the design's training state (None without one).
    ``note``: a paragraph added to the module's docstring."""
    compiled = compile_design(design, dtype=np.float64)
    net = compiled.network
    problem = _refusal(design, net)
    if problem:
        raise ExportError(problem)
    names = unique_identifiers([layer_name(design, n) for n in net.layers], lower=True, taken=TAKEN)
    m = _Module()
    for n in net.layers:
        _emit(m, design, net, n, names)
    memory = _memory(design, net, m)
    text = _assemble(design, net, names, m, weights_name, data_name, memory_name if memory is not None else None,
                     memory, note)
    return text, m.state, memory


def _memory(design: Design, net, m: _Module) -> dict[str, np.ndarray] | None:
    """The optimizer's memory for the module's arrays, by ``moment/name``,
    with Adam's step count ``t`` and the place in the epoch ``position``."""
    from nnsim.session import restorable

    state = restorable(design, net)
    if state is None or state["optimizer"] != design.training.optimizer.value:
        return None
    layout = net.layout
    out: dict[str, np.ndarray] = {"t": np.array(state["t"]), "position": np.array(state["position"])}
    for moment, flat in state["arrays"].items():
        arrays = {name: flat[layout.slices[name]].reshape(layout.shapes[name]) for name in layout.names}
        for name, make in m.sources.items():
            out[f"{moment}/{name}"] = np.asarray(make(arrays), dtype=np.float64).copy()
    return out


def _emit(m: _Module, design: Design, net, n, names: list[str]) -> None:
    v = names[n.index]
    op = n.op
    label = design.layer(int(n.key.split(":")[1])).name
    if op is None:
        cols = n.columns
        shape = tuple(n.shape) if n.shape and len(n.shape) > 1 else None
        reshape = f".reshape(-1, {', '.join(map(str, shape))})" if shape else ""
        m.body.append(f"{v} = x[..., {cols.start}:{cols.stop}]{reshape}  # {label}: input")
        return
    src = [names[s] for s in n.sources]
    if isinstance(op, Dense):
        terms = []
        for k, (s, d, blk) in enumerate(zip(n.sources, n.delays, n.inputs)):
            attr = f"{v}_from_{names[s]}" + ("_before" if d else "")
            W = np.asarray(blk.W)
            masked = blk.mask is not None or (blk.grad_mask is not None and blk.grad_mask.any())
            cls = "MaskedLinear" if masked else "nn.Linear"
            m.init.append(f"self.{attr} = {cls}({W.shape[0]}, {W.shape[1]}, bias={k == 0})")
            m.state[f"{attr}.weight"] = W.T.copy()
            m.penalized.append(f"{attr}.weight")
            m.sources[f"{attr}.weight"] = lambda a, name=blk.name: a[name].T
            if k == 0:
                m.state[f"{attr}.bias"] = np.asarray(op.b).copy()
                m.sources[f"{attr}.bias"] = lambda a, name=op.bias_name: a[name]
            if masked:
                drawn = np.ones(W.shape) if blk.mask is None else blk.mask.astype(np.float64)
                trains = drawn if blk.grad_mask is None else blk.grad_mask * drawn
                m.state[f"{attr}.drawn"], m.state[f"{attr}.trains"] = drawn.T.copy(), trains.T.copy()
            elif blk.grad_mask is not None:  # a frozen link: none of its weights train
                m.init.append(f"self.{attr}.weight.requires_grad_(False)")
            x = f'before["{names[s]}"]' if d else names[s]
            if len(net.layers[s].shape or ()) > 1:
                x += ".flatten(1)"
            terms.append(f"self.{attr}({x})")
        z = f"{v}_sum"
        m.body.append(f"{z} = {' + '.join(terms)}  # {label}: dense, {op.size} neurons")
        m.body.append(f"{v} = {_activation(m, v, op.act, z)}")
    elif isinstance(op, Conv2D):
        C = op.plan.in_shape[0]
        top, bottom, left, right = op.plan.pads
        even = top == bottom and left == right
        pad = f", padding=({top}, {left})" if even and (top or left) else ""
        m.init.append(f"self.{v} = nn.Conv2d({C}, {op.filters}, {tuple(op.plan.kernel)}, "
                      f"stride={tuple(op.plan.stride)}{pad})")
        m.state[f"{v}.weight"], m.state[f"{v}.bias"] = np.asarray(op.K).copy(), np.asarray(op.b).copy()
        m.penalized.append(f"{v}.weight")
        m.sources[f"{v}.weight"] = lambda a, name=op.kernel_name: a[name]
        m.sources[f"{v}.bias"] = lambda a, name=op.bias_name: a[name]
        if n.frozen:
            m.init.append(f"self.{v}.requires_grad_(False)  # frozen")
        x = src[0] if even else f"F.pad({src[0]}, ({left}, {right}, {top}, {bottom}))"
        z = f"{v}_sum"
        m.body.append(f"{z} = self.{v}({x})  # {label}: convolution")
        m.body.append(f"{v} = {_activation(m, v, op.act, z)}")
    elif isinstance(op, MaxPool2D | AvgPool2D):
        kind = "MaxPool2d" if isinstance(op, MaxPool2D) else "AvgPool2d"
        m.init.append(f"self.{v} = nn.{kind}({tuple(op.plan.kernel)}, stride={tuple(op.plan.stride)})")
        m.body.append(f"{v} = self.{v}({src[0]})  # {label}")
    elif isinstance(op, Flatten):
        m.body.append(f"{v} = {src[0]}.flatten(1)  # {label}")
    else:
        kind = {"lstm": "LSTM", "gru": "GRU"}.get(op.type, "RNN")
        m.init.append(f"self.{v} = nn.{kind}({op.in_size}, {op.size}, batch_first=True)")
        arrays = {op.weight_name: op.W, op.bias_name: op.b}
        if isinstance(op, GRU):
            arrays[op.recurrent_bias_name] = op.b_nh
        for k, a in op.to_torch(arrays).items():
            m.state[f"{v}.{k}"] = np.asarray(a, dtype=np.float64).copy()
            m.sources[f"{v}.{k}"] = lambda a, op=op, k=k: op.to_torch(a)[k]
        m.penalized += [f"{v}.weight_ih_l0", f"{v}.weight_hh_l0"]
        if isinstance(op, GRU):  # only the candidate's part of the second bias is nnsim's (b_nh)
            m.init.append(f'self.register_buffer("{v}_recurrent_bias_trains", torch.ones({3 * op.size}))')
            m.init.append(f"self.{v}.bias_hh_l0.register_hook(lambda g: g * self.{v}_recurrent_bias_trains)")
            m.state[f"{v}_recurrent_bias_trains"] = np.concatenate([np.zeros(2 * op.size), np.ones(op.size)])
        else:
            m.init.append(f"self.{v}.bias_hh_l0.requires_grad_(False)  # nnsim has one bias: bias_ih_l0")
        m.body.append(f"{v}, _ = self.{v}({src[0]})  # {label}: {op.type}, {op.size} cells")


def _activation(m: _Module, v: str, act, z: str) -> str:
    thr_name = f"{v}_threshold"
    kinds = list(act.kinds)
    needs_thr = not act.uniform or kinds[0] in (Activation.STEP, Activation.SIGN)
    if needs_thr:
        thr = np.asarray(act.thr, dtype=np.float64)
        m.init.append(f'self.register_buffer("{thr_name}", torch.zeros({thr.size}))')
        m.state[thr_name] = thr.copy()
    if act.uniform:
        return EXPRESSIONS[kinds[0]].format(z=z, thr=thr_name)
    return f"per_neuron({z}, {[k.value for k in kinds]!r}, self.{thr_name})"


def _assemble(design: Design, net, names, m: _Module, weights_name: str, data_name: str | None,
              memory_name: str | None, memory, note: str = "") -> str:
    from nnsim import __version__

    s = design.training
    outs = net.output_layers
    delayed = sorted({src for n in net.layers for src, d in zip(n.sources, n.delays) if d})
    settings = {
        "rule": s.rule.value, "optimizer": s.optimizer.value, "learning_rate": s.learning_rate,
        "momentum": s.momentum, "beta1": s.beta1, "beta2": s.beta2, "epsilon": s.epsilon,
        "batch_size": s.batch_size, "epochs": s.epochs, "seed": s.seed,
        "regularization": s.regularization.value, "regularization_rate": s.regularization_rate,
        "gradient_clip": s.gradient_clip,
    }
    first_epoch = design.history[-1].epoch if design.history else 0
    if memory is not None:
        first_epoch = design.training_state.epoch
    fused = all(n.act is not None and n.act.uniform and (s.loss, n.act.kinds[0]) in FUSED for n in outs)
    title = design.name.replace('"', "'").splitlines()[0] if design.name else "Untitled"
    lines = [
        f'"""{title}: a network drawn in nnsim {__version__}, as a PyTorch module.',
        "",
        "    python THIS.py [--epochs N] [--device cuda]      train it (weights written beside)",
        "    torchrun --nproc_per_node 2 THIS.py              ... in two processes (DistributedDataParallel)",
        "",
        "In Python: ``load_model()`` gives the network with nnsim's weights; ``load_data()``",
        "the data it was trained on; ``train(model, x, y)`` trains it as nnsim does.",
        "Inputs are nnsim's input columns, (N, values) or for sequences (N, T, values).",
    ]
    if note:
        lines += ["", *textwrap.wrap(note, 90), ""]
    if s.bptt_steps:
        lines.append("Sequences are trained whole here (nnsim cut them into chunks of "
                     f"{s.bptt_steps} steps for truncated backpropagation).")
    if s.rule != LearningRule.BACKPROP:
        lines.append(f"nnsim trains this design by the {s.rule.value} rule, which has no PyTorch optimizer: "
                     "the training loop here uses gradient descent.")
    lines += ['"""', "", "from pathlib import Path", "", "import numpy as np", "import torch",
              "import torch.nn.functional as F", "from torch import nn", "",
              f'WEIGHTS = Path(__file__).with_name("{weights_name}")',
              f'DATA = Path(__file__).with_name("{data_name}")' if data_name else "DATA = None  # not exported",
              (f'MEMORY = Path(__file__).with_name("{memory_name}")  # the optimizer\'s memory where nnsim stopped'
               if memory_name else "MEMORY = None  # nnsim had not trained it: the optimizer starts afresh"),
              "DTYPE = torch.float64  # nnsim's precision; float32 is faster, on GPUs above all",
              f"SETTINGS = {pformat(settings, width=100, sort_dicts=False)}",
              f"FIRST_EPOCH = {first_epoch}  # epochs nnsim had trained: training goes on from there",
              f'LOSS = "{s.loss.value}"',
              f"FUSED = {fused}  # the loss is computed from the output layer's weighted sums",
              f"OUTPUT_COLUMNS = {[(n.columns.start, n.columns.stop) for n in outs]!r}  # of the targets, per output layer",
              "# The weights L1/L2 regularisation applies to.",
              f"PENALIZED = {pformat(m.penalized, width=100)}",
              "", "", "class Net(nn.Module):",
              f'    """The layers of {title}, in the order nnsim computes them."""', "",
              "    def __init__(self):", "        super().__init__()"]
    lines += [f"        {line}" for line in m.init] or ["        pass"]
    lines += ["", "    def layers(self, x, before=None):",
              '        """Every layer\'s output (and the output layers\' weighted sums) by name'
              + ('; ``before``: the outputs of the step before, for the drawn loops."""' if delayed else '."""')]
    lines += [f"        {line}" for line in m.body]
    keep = [names[n.index] for n in net.layers if n.op is not None or n in outs]
    keep += [f"{names[n.index]}_sum" for n in outs if isinstance(n.op, Dense | Conv2D)]
    lines.append("        return {" + ", ".join(f'"{k}": {k}' for k in dict.fromkeys(keep)) + "}")
    lines += ["", "    def forward(self, x, sums=False):",
              '        """The outputs (N, outputs), or (N, T, outputs) for sequences; with ``sums``',
              '        a (weighted sums, outputs) pair per output layer, for the loss."""']
    pairs = ", ".join(f'(v["{names[n.index]}{"_sum" if isinstance(n.op, Dense | Conv2D) else ""}"], '
                      f'v["{names[n.index]}"])' for n in outs)
    if delayed:
        zeros = ", ".join(f'"{names[d]}": x.new_zeros(len(x), {net.layers[d].size})' for d in delayed)
        lines += [f"        before = {{{zeros}}}",
                  "        steps = []",
                  "        for t in range(x.shape[1]):  # the drawn loops carry each step to the next",
                  "            values = self.layers(x[:, t], before)",
                  "            before = {k: values[k] for k in before}",
                  "            steps.append(values)",
                  "        v = {k: torch.stack([s[k] for s in steps], dim=1) for k in steps[0]}"]
    else:
        lines.append("        v = self.layers(x)")
    lines += [f"        pairs = [{pairs}]",
              "        if sums:", "            return pairs",
              "        return pairs[0][1] if len(pairs) == 1 else torch.cat([a for _, a in pairs], dim=-1)"]
    return "\n".join(lines) + "\n" + RUNTIME


def write_pytorch(design: Design, path, base_dir=None, note: str = "") -> list[Path]:
    """Write the module at ``path`` (a .py file) with its weights and data
    beside it; the files written. ``note``: a paragraph for its docstring."""
    path = Path(path)
    if path.suffix != ".py":
        path = path.with_name(path.name + ".py")
    weights = path.with_suffix(".npz")
    data_path = path.with_name(f"{path.stem}-data.npz")
    memory_path = path.with_name(f"{path.stem}-optimizer.npz")
    data = _data(design, base_dir)
    source, state, memory = module_source(design, weights.name, data_path.name if data is not None else None,
                                          memory_path.name, note)
    written = [path, weights]
    path.write_text(source, encoding="utf-8")
    np.savez(weights, **state)
    if memory is not None:
        np.savez(memory_path, **memory)
        written.append(memory_path)
    if data is not None:
        np.savez(data_path, **data)
        written.append(data_path)
    return written


def _data(design: Design, base_dir) -> dict[str, np.ndarray] | None:
    """The training and test arrays nnsim trains on (None where the design's
    data cannot be loaded: the module is written without them)."""
    from nnsim.data import DataError
    from nnsim.design.validate import DesignError
    from nnsim.session import Session

    try:
        d = Session(design, base_dir=base_dir).data
    except (DataError, DesignError, OSError):
        return None
    return {"x_train": d.x_train, "y_train": d.y_train, "x_test": d.x_test, "y_test": d.y_test}
