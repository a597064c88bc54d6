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
from nnsim.recurrent import ThroughTime, TextSampler, as_batch_of_sequences, reads_sequences
from nnsim.recurrent import gradient_through_time as _through_time
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


def _image_rows(design: Design, x: np.ndarray) -> np.ndarray:
    """An image input's samples as rows: one image of the input layer's shape
    (channels, height, width) — or (height, width) for one channel — or a
    batch of them, flattened channel by channel, row by row. Anything else
    (rows of pixel values already) is returned as it is."""
    from nnsim.design.layer_types import options_of

    images = [layer for layer in design.layers if layer.type == "image"]
    if len(images) != 1 or x.ndim < 2:
        return x
    o = options_of(images[0])
    shape = (o["channels"], o["height"], o["width"])
    size = shape[0] * shape[1] * shape[2]
    if x.shape[-1] == size and x.ndim == 2:
        return x  # rows already
    for image_shape in (shape, shape[1:] if shape[0] == 1 else None):
        if image_shape is None:
            continue
        k = len(image_shape)
        if x.shape[-k:] == image_shape and x.ndim in (k, k + 1):
            return x.reshape(size) if x.ndim == k else x.reshape(len(x), size)
    raise ValueError(f"inputs: the image input takes {shape[0]} × {shape[1]} × {shape[2]} pixels "
                     f"(channels × height × width); an array of shape {x.shape} was given")


def generate(design: Design, n: int, seed: int = 0) -> np.ndarray:
    """``n`` samples (n, data dims) made by a GAN design's generator from
    noise of its kind drawn with ``seed``; nothing changes."""
    from nnsim.design.gan import compile_gan
    from nnsim.engine.adversarial import sample_noise

    if int(n) < 0:
        raise ValueError(f"n must not be negative ({n} was given)")
    players = compile_gan(design).players
    noise = sample_noise(players.settings.noise, int(n), players.noise_dims, np.random.default_rng(seed))
    return players.generate(noise)


def predict(design: Design, inputs) -> np.ndarray:
    """Outputs for one input vector (returns shape (n_outputs,)) or a batch
    (shape (n, n_outputs)). A design that reads sequences (a loop or a
    recurrent layer) takes one sequence (time, n_inputs) and returns the
    outputs at every step (time, n_outputs), or a batch of sequences (n,
    time, n_inputs) giving (n, time, n_outputs); each starts from a zero
    state. A design with an image input also takes one image of its input
    layer's shape (channels, height, width), or (height, width) for one
    channel, or a batch of such images. For a GAN, the discriminator's
    verdict on samples (the probability each is real); ``generate`` makes
    samples."""
    x = np.asarray(inputs, dtype=np.float64)
    if design.training.rule == "adversarial":
        from nnsim.design.gan import compile_gan

        net = compile_gan(design).players.discriminator
    else:
        x = _image_rows(design, x)
        net = compile_design(design).network
    if reads_sequences(net) and x.ndim != 3:
        seqs, _ = as_batch_of_sequences(net, x)
        with np.errstate(all="ignore"):
            out = net.predict(seqs)[0]
        return out[-1].copy() if x.ndim == 1 else out
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
    NaN where a step has none) or for the last step (n, n_outputs), or one
    sequence (time, n_inputs) with its targets (time, n_outputs) or
    (n_outputs,); the gradient is then summed through time (backpropagation
    through time), recurrent weights and delayed connections
    (``…@1/weight``) among them.
    Penalties (L1/L2) are not included: they are not part of the data's loss."""
    net = compile_design(design).network
    x = np.asarray(inputs, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    if reads_sequences(net) and x.ndim == 2:  # one sequence (time, n_inputs)
        x = x[None]
        y = y[None] if y.ndim in (1, 2) else y
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
    if reads_sequences(net):
        raise ValueError("the design reads sequences (it has a loop or a recurrent layer); inspect takes one sample "
                         "of a design without them")
    x = np.asarray(inputs, dtype=np.float64)
    if x.shape != (net.n_inputs,):
        raise ValueError(f"the design has {net.n_inputs} inputs; {x.size} values were given")
    optimizer = make_optimizer(net.parameters, design.training)
    ins = inspect_sample(net, x, target, optimizer, design.training)
    return trace_sample(design, compiled, ins)


def sample_text(design: Design, n: int = 200, temperature: float = 1.0, prime: str = "", seed: int = 0) -> str:
    """``n`` characters drawn from a character model (a design trained on the
    ``char_text`` data: one input and one output per character) after the
    text ``prime``, at ``temperature`` (0: always the most likely character;
    1: as the model gives them; larger: wilder). ``seed`` drives the draws."""
    from nnsim.data import load_dataset

    vocabulary = load_dataset(design.dataset).target_names
    return TextSampler(compile_design(design).network, vocabulary).sample(n, temperature, prime, seed)


def gradient_through_time(design: Design, inputs, targets) -> ThroughTime:
    """How much of the loss's gradient at the last step with a target
    reaches each earlier step, per layer that carries a state (a loop or a
    recurrent block): ``result.shares[layer id][k]``, k steps back (1 at
    k = 0). ``inputs`` is one sequence (time, n_inputs); ``targets`` per step
    (time, n_outputs; NaN: none) or for the last step (n_outputs,)."""
    return _through_time(compile_design(design), inputs, targets)
