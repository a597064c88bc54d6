"""The functions behind ``import nnsim`` (see the package docstring)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnsim.design.compile import compile_design
from nnsim.design.model import Design
from nnsim.engine.inspect import inspect_sample
from nnsim.engine.optimizers import make_optimizer
from nnsim.explain import SampleTrace, trace_sample
from nnsim.io import load as _load
from nnsim.io import save as _save
from nnsim.resources import example_path
from nnsim.session import Session, Summary


def load(path: str | Path) -> Design:
    """Read a .nnsim file (raises FormatError with a one-line reason)."""
    return _load(path)


def save(design: Design, path: str | Path, include_history: bool = True, include_state: bool = True) -> None:
    """Write a .nnsim file atomically (with the training state, so that
    training continues exactly, unless ``include_state`` is False)."""
    _save(design, path, include_history, include_state)


def example(name: str) -> Design:
    """One of the shipped examples by name, e.g. ``example("xor-mlp")``."""
    return _load(example_path(name))


def train(
    design: Design,
    epochs: int | None = None,
    seed: int | None = None,
    base_dir: str | Path | None = None,
    callback=None,
) -> Summary:
    """Train the design on its data set, in place (weights, biases and history
    are updated). ``seed`` (default: the design's) drives the batch order;
    ``base_dir`` is where a relative CSV path is looked up."""
    return Session(design, base_dir=base_dir, seed=seed).train(epochs, callback)


def predict(design: Design, inputs) -> np.ndarray:
    """Outputs for one input vector (returns shape (n_outputs,)) or a batch
    (shape (n, n_outputs))."""
    x = np.asarray(inputs, dtype=np.float64)
    net = compile_design(design).network
    if x.ndim == 1:
        return net.predict(x[None, :])[0].copy()
    return net.predict(x)


def parameters(design: Design) -> dict[str, np.ndarray]:
    """Every named parameter array of the design, as copies, in the order
    the engine keeps them: ``"layer:1->layer:3/weight"`` (source neurons ×
    target neurons, 0 where no connection is drawn), ``"layer:3/bias"``...
    See docs/parameters.md for the names and shapes of every layer type."""
    return compile_design(design).network.parameters.as_dict()


def gradients(design: Design, inputs, targets) -> tuple[float, dict[str, np.ndarray]]:
    """The loss of a batch and the gradient of the loss with respect to every
    named parameter array (the mean over the batch, as training uses), without
    changing anything. ``inputs`` is (n, n_inputs) or one sample; ``targets``
    the wanted output values, (n, n_outputs) or one sample. Sequences:
    ``inputs`` (n, T, n_inputs) and ``targets`` per step (n, T, n_outputs,
    NaN where a step has none) or for the last step (n, n_outputs); the
    gradient is then summed through time (backpropagation through time).
    Penalties (L1/L2) are not included: they are not part of the data's loss."""
    net = compile_design(design).network
    x = np.asarray(inputs, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    x = x.reshape(1, -1) if x.ndim == 1 else x
    y = y.reshape(1, -1) if y.ndim == 1 else y
    if x.ndim not in (2, 3) or x.shape[-1] != net.n_inputs:
        raise ValueError(f"inputs: the design has {net.n_inputs} inputs; an array of shape {np.shape(inputs)} was given")
    if x.ndim == 3 and y.shape in ((len(x), x.shape[1], net.n_outputs), (len(x), net.n_outputs)):
        pass
    elif x.ndim == 3 or y.shape != (len(x), net.n_outputs):
        raise ValueError(
            f"targets: {len(x)} sample(s) of {net.n_outputs} output(s) were needed; "
            f"an array of shape {np.shape(targets)} was given"
        )
    with np.errstate(all="ignore"):
        g = net.loss_and_grads(x, y)
    return float(g.loss), g.params.as_dict()


def inspect(design: Design, inputs, target=None) -> SampleTrace:
    """Every neuron's z and a for one input; with ``target`` (the wanted
    output values) also each δ, each connection's gradient and the change the
    design's optimizer, learning rate and regularisation would make on a first
    step (an optimizer with no history yet). A frozen connection shows its
    true gradient, ``frozen=True`` and a change of 0: training never moves it."""
    compiled = compile_design(design)
    net = compiled.network
    x = np.asarray(inputs, dtype=np.float64)
    if x.shape != (net.n_inputs,):
        raise ValueError(f"the design has {net.n_inputs} inputs; {x.size} values were given")
    optimizer = make_optimizer(net.parameters, design.training)
    ins = inspect_sample(net, x, target, optimizer, design.training)
    return trace_sample(design, compiled, ins)
