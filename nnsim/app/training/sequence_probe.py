"""One sequence through a recurrent network, for the live sequence views.

Pure NumPy (no Qt), run in the training worker's thread like the other
probes: the chosen sequence's inputs, outputs and targets step by step; each
hidden layer's values over the steps (the hidden-state strip); an LSTM's
gates and cell state; the gradient through time (how much of the loss at
the sequence's last target reaches each earlier step); and, for the
character task, a text sample generated at a temperature.

The views show at most ``MAX_STEPS`` steps: a long stream (temporal XOR is
one stream of 2,000 bits) is shown from its start.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.data import CLASSIFICATION
from nnsim.data.char_text import sample as sample_index

MAX_STEPS = 60
SAMPLE_LENGTH = 120  # characters generated for the text view
TEMPERATURE = 0.8


@dataclass
class LayerSteps:
    """One hidden (or recurrent) layer over the steps of the shown sequence."""

    layer_id: int
    name: str
    type: str  # dense | lstm | gru | rnn
    neuron_ids: list[int]
    values: np.ndarray  # (T, size) outputs at each step
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # lstm: f, i, c_tilde, o, c, h (T, size)
    through_time: np.ndarray | None = None  # (T,) ‖∂L/∂output_t‖ for the loss at the last target
    looped: bool = False  # has a delayed connection onto itself or from a later layer
    start: dict[str, np.ndarray] = field(default_factory=dict)  # a recurrent block's state before step 0: h, c


@dataclass
class SequenceNumbers:
    which: str  # "train" | "test"
    index: int
    count: int  # sequences in that set
    x: np.ndarray  # (T, n_inputs)
    output: np.ndarray  # (T, n_outputs)
    target: np.ndarray  # (T, n_outputs), NaN where a step has no target
    feature_names: list[str]
    target_names: list[str]
    classification: bool
    layers: list[LayerSteps]
    loss_step: int  # the step whose loss the gradient through time starts from
    text: str | None = None  # the character task: a sample of generated text
    prompt: str = ""  # the character it started from

    @property
    def steps(self) -> int:
        return int(self.x.shape[0])


class SequenceProbe:
    """Measures one sequence of a session's data (see the module docstring)."""

    def __init__(self, session, layers):
        """``layers``: the ``LayerInfo`` list of the session's ``Probe``."""
        self.session = session
        self.layers = layers
        net = session.network
        looped = {s for n in net.layers for s, d in zip(n.sources, n.delays) if d}
        self.looped = looped
        self.hidden = [info for info in layers if info.kind == "hidden"]
        ds = session.dataset
        self.classification = ds.task == CLASSIFICATION
        self.feature_names = list(ds.feature_names)
        self.target_names = list(ds.target_names)
        self.is_text = getattr(ds, "name", "") == "Character text"
        self._rng = np.random.default_rng(0)
        # Set by the window (plain attributes: atomic): measure only for views in sight.
        self.wanted = True
        self.want_text = True

    def measure(self, which: str, index: int) -> SequenceNumbers | None:
        if not self.wanted:
            return None
        d = self.session.data
        x_all, y_all = (d.x_test, d.y_test) if which == "test" and len(d.x_test) else (d.x_train, d.y_train)
        which = "test" if x_all is d.x_test else "train"
        if not len(x_all) or x_all.ndim != 3:
            return None
        index = int(np.clip(index, 0, len(x_all) - 1))
        net = self.session.network
        x = np.asarray(x_all[index : index + 1, :MAX_STEPS], dtype=net.dtype)
        T = x.shape[1]
        y = np.asarray(y_all[index : index + 1], dtype=np.float64)
        target = np.full((T, net.n_outputs), np.nan)
        if y.ndim == 3:
            target[:] = y[0, :T]
        else:
            target[-1] = y[0] if T == x_all.shape[1] else np.nan
        with np.errstate(all="ignore"):
            trace = net.forward(x, keep_z=True)
            output = np.asarray(net.outputs(trace)[0], dtype=np.float64)
            layers = [self._layer(net, trace, info) for info in self.hidden]
            has = np.flatnonzero(np.isfinite(target).all(axis=1))
            loss_step = int(has[-1]) if len(has) else T - 1
            if len(has):
                self._through_time(net, x[:, : loss_step + 1], target[loss_step], layers)
        out = SequenceNumbers(which, index, len(x_all), np.array(x[0], dtype=np.float64), output, target,
                              self.feature_names, self.target_names, self.classification, layers, loss_step)
        if self.is_text and self.want_text:
            out.prompt, out.text = self._generate(net, x[0])
        return out

    def _layer(self, net, trace, info) -> LayerSteps:
        node = net.layers[info.index]
        values = np.array(trace.stacked(info.index)[0], dtype=np.float64)
        steps = LayerSteps(info.layer_id, info.name, getattr(node.op, "type", "dense") or "dense",
                           list(info.neuron_ids), values, looped=info.index in self.looped)
        op = node.op
        if op is not None and getattr(op, "stateful", False) and getattr(op, "last", None) is not None:
            steps.gates = {k: np.array(v[0], dtype=np.float64) for k, v in op.step_values(op.last).items()}
            steps.start = {k: np.array(v[0], dtype=np.float64) for k, v in zip(op.state_names, op.last.initial)}
        return steps

    def _through_time(self, net, x, y_last, layers: list[LayerSteps]) -> None:
        """The loss at one step only; the norm of its gradient reaching each
        hidden layer's output at every step before."""
        trace = net.forward(x, keep_z=True)
        grads = net.backward(trace, y_last[None, :], mask_frozen=False)
        norms = grads.through_time
        if norms is None:
            return
        T_full = x.shape[1]
        for steps, info in zip(layers, self.hidden):
            col = np.zeros(steps.values.shape[0])
            col[:T_full] = norms[:, info.index]
            steps.through_time = col

    def _generate(self, net, x0: np.ndarray) -> tuple[str, str]:
        """Characters drawn one after another, each fed back as the next
        input, starting from the sequence's first character."""
        names = self.feature_names
        first = int(np.argmax(x0[0]))
        state = None
        k, chars = first, []
        eye = np.eye(len(names), dtype=net.dtype)
        for _ in range(SAMPLE_LENGTH):
            trace = net.forward(eye[k][None, None, :], state=state)
            state = trace.state
            p = np.asarray(net.outputs(trace)[0, -1], dtype=np.float64)
            p = np.clip(p, 0.0, None)
            if not np.isfinite(p).all() or p.sum() <= 0:
                break
            k = sample_index(p / p.sum(), TEMPERATURE, self._rng)
            chars.append(names[k])
        return names[first], "".join(chars)


__all__ = ["LayerSteps", "SequenceNumbers", "SequenceProbe", "MAX_STEPS"]
