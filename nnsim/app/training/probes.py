"""What the live views show, measured from a session's current network.

Pure NumPy (no Qt), computed in the training worker's thread: every neuron's
output over the 2-D input plane (one forward pass of a grid gives all of
them at once), per-layer activation histograms, the confusion matrix and the
numbers of one chosen sample. The ``Probe`` is made in the GUI thread, where
the design may be read; afterwards it only touches the network and the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.data import CLASSIFICATION
from nnsim.design.model import Activation, Design
from nnsim.app.training.sequence_probe import SequenceProbe
from nnsim.session import Session

# Most pixels a grid pass may produce over all neurons (bounds memory and time
# for big networks; Playground-sized ones get the full 100 x 100 grid).
MAX_GRID_VALUES = 2_000_000
GRID = 100  # Playground draws its heatmaps on a 100 x 100 grid
HIST_BINS = 20
# Saturated: the outer 5% of tanh's or sigmoid's range at either end, where the
# gradient is under a fifth of its peak. With 20 bins that is exactly the first
# and the last bin, so the share in the note is the share in the red bars.
SATURATION = 0.05
HIST_SAMPLES = 1000
# Sequences: the histograms read at most this many sequences, of at most this many steps.
HIST_SEQUENCES = 20
HIST_STEPS = 200

# The value range each activation's heatmap colours span (fixed levels).
_UNIT = {Activation.SIGMOID, Activation.STEP, Activation.SOFTMAX}


def activation_levels(kind: Activation) -> tuple[float, float]:
    """Colour range of a neuron's output: [0, 1] for sigmoid-like outputs,
    [-1, 1] otherwise (as Playground, which clips what lies outside)."""
    return (0.0, 1.0) if Activation(kind) in _UNIT else (-1.0, 1.0)


@dataclass
class LayerInfo:
    """A compiled layer as the views name it."""

    index: int  # in network.layers
    layer_id: int  # design id
    name: str
    kind: str  # input | hidden | output
    neuron_ids: list[int]
    activations: list[Activation]  # per neuron (input layers: LINEAR)


@dataclass
class NeuronMaps:
    """Every hidden and output neuron's output over the input plane.

    ``values`` (n_neurons, res, res) float32, row r is x2 = ys[r] (ascending),
    column c is x1 = xs[c]; ``levels`` (n_neurons, 2) the fixed colour range
    of each; ``output`` (res, res) the decision value drawn by the output view
    (see ``OutputSpec``)."""

    neuron_ids: list[int]
    values: np.ndarray
    levels: np.ndarray
    extent: tuple[tuple[float, float], tuple[float, float]]
    output: np.ndarray | None


@dataclass
class LayerHistogram:
    layer_id: int
    name: str
    activation: str  # e.g. "tanh", or "mixed"
    edges: np.ndarray  # (bins + 1,)
    counts: np.ndarray  # (bins,)
    note: str  # "12% saturated", "30% of outputs 0 · 3 of 8 neurons dead"
    bad_fraction: float  # saturated (or, for ReLU, zero) share of the outputs, 0..1
    bad: np.ndarray  # (bins,) bool: the bins that hold those outputs (drawn red)


@dataclass
class SampleNumbers:
    """One sample through the network."""

    which: str  # "train" | "test"
    index: int
    count: int  # samples in that set
    x: np.ndarray  # (n_inputs,)
    label: str  # true class name or target values
    predicted: str
    layers: list[tuple[str, list[int], np.ndarray, np.ndarray | None]]  # (name, ids, a, z)
    # Where the data was standardised: the inputs (n_inputs,) and the outputs
    # (n_outputs,) in the file's units; None where they are the file's own.
    raw_x: np.ndarray | None = None
    raw_out: np.ndarray | None = None


@dataclass
class OutputSpec:
    """How the output view turns outputs into one decision value per point:
    ``mode`` "binary" (value in [low, high], middle = boundary), "classes"
    (argmax over k outputs, value = class index + confidence) or
    "regression" (first output, levels symmetric)."""

    mode: str
    low: float
    high: float
    n_classes: int


class Probe:
    """Measures a session's network for the views."""

    def __init__(self, session: Session, design: Design):
        self.session = session
        comp = session.compiled
        net = comp.network
        id_to_index = {lid: i for lid, i in comp.layer_index.items()}
        index_to_id = {i: lid for lid, i in id_to_index.items()}
        self.layers: list[LayerInfo] = []
        for op in net.layers:
            lid = index_to_id[op.index]
            layer = design.layer(lid)
            ids = comp.neuron_ids(op.index)
            acts = [Activation.LINEAR] * len(ids) if op.act is None else [Activation(k) for k in op.act.kinds]
            self.layers.append(LayerInfo(op.index, lid, layer.name, op.kind, ids, acts))
        ds = session.dataset
        self.is_classification = ds.task == CLASSIFICATION
        self.class_names = list(ds.target_names) if self.is_classification else []
        self.feature_names = list(ds.feature_names)
        coding = session.coding
        if not self.is_classification:
            y = np.concatenate([ds.y_train[:, :1], ds.y_test[:, :1]])  # (n, n_targets) each; the test set may be empty
            m = float(np.max(np.abs(y))) if y.size else 1.0
            self.output_spec = OutputSpec("regression", -max(m, 1e-9), max(m, 1e-9), 0)
        elif net.n_outputs == 1:
            self.output_spec = OutputSpec("binary", coding.low, coding.high, 2)
        else:
            self.output_spec = OutputSpec("classes", coding.low, coding.high, net.n_outputs)
        # Sequences (batch, T, features): the maps over an input plane mean nothing there.
        self.sequence = session.data.x_train.ndim == 3
        self.two_d = net.n_inputs == 2 and not self.sequence
        self.sequence_probe = SequenceProbe(session, self.layers) if self.sequence else None
        self.has_blocks = any(len(node.shape) == 3 for node in net.layers)  # image layers: maps to draw
        self.mapped = [info for info in self.layers if info.kind != "input"]
        self.mapped_ids = [nid for info in self.mapped for nid in info.neuron_ids]
        self.grid = None
        if self.two_d:
            self.extent = plane_extent(ds)
            n = max(1, len(self.mapped_ids))
            res = GRID if n * GRID * GRID <= MAX_GRID_VALUES else int(np.sqrt(MAX_GRID_VALUES / n))
            self.res = max(10, min(GRID, res))
            (x0, x1), (y0, y1) = self.extent
            xs = np.linspace(x0, x1, self.res)
            ys = np.linspace(y0, y1, self.res)
            gx, gy = np.meshgrid(xs, ys)  # (res, res): row = y
            self.grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(net.dtype)  # (res*res, 2)
            self.levels = np.array(
                [activation_levels(a) for info in self.mapped for a in info.activations], dtype=np.float32
            ).reshape(-1, 2)
        rng = np.random.default_rng(0)
        n_train = len(session.data.x_train)
        most = HIST_SEQUENCES if self.sequence else HIST_SAMPLES
        pick = np.sort(rng.choice(n_train, most, replace=False)) if n_train > most else slice(None)
        self.hist_x = session.data.x_train[pick].astype(net.dtype)
        if self.sequence:
            self.hist_x = self.hist_x[:, :HIST_STEPS]

    # -- maps ----------------------------------------------------------------------
    def gan_frame(self):
        """A GAN's own measurement (``GanProbe``); a single network has none."""
        return None

    def neuron_maps(self) -> NeuronMaps | None:
        if self.grid is None:
            return None
        net = self.session.network
        with np.errstate(all="ignore"):
            trace = net.forward(self.grid)
        res = self.res
        parts = [trace.a[info.index].T for info in self.mapped]  # each (size, res*res)
        # One neuron's map after another in memory (the parts are transposed: neurons innermost).
        values = np.concatenate(parts, axis=0).astype(np.float32, order="C").reshape(-1, res, res)
        out = self.decision_values(net.outputs(trace)).reshape(res, res).astype(np.float32)
        return NeuronMaps(list(self.mapped_ids), values, self.levels, self.extent, out)

    def decision_values(self, outputs: np.ndarray) -> np.ndarray:
        """One number per point for the output view (see ``OutputSpec``)."""
        spec = self.output_spec
        if spec.mode == "binary" or spec.mode == "regression":
            return outputs[:, 0]
        # k outputs: class index plus how sure the network is (0..1).
        order = np.argsort(outputs, axis=1)
        best = order[:, -1]
        top = np.take_along_axis(outputs, order[:, -1:], axis=1)[:, 0]
        second = np.take_along_axis(outputs, order[:, -2:-1], axis=1)[:, 0]
        span = max(spec.high - spec.low, 1e-9)
        sure = np.clip((top - second) / span, 0.0, 0.999)
        return best + sure

    # -- histograms --------------------------------------------------------------------
    def histograms(self) -> list[LayerHistogram]:
        net = self.session.network
        with np.errstate(all="ignore"):
            trace = net.forward(self.hist_x)
        out = []
        for info in self.mapped:
            a = np.asarray(net.node_outputs(trace, info.index), dtype=np.float64)  # (n, size); sequences: every step
            kinds = set(info.activations)
            kind = next(iter(kinds)) if len(kinds) == 1 else None
            finite = a[np.isfinite(a)]
            edges, values, bad = _bins(kind, finite)
            counts, _ = np.histogram(values, bins=edges)
            note, fraction = _health(a, kind, counts, bad)
            out.append(LayerHistogram(info.layer_id, info.name, kind.value if kind else "mixed", edges, counts,
                                      note, fraction, bad))
        return out

    # -- classification -------------------------------------------------------------------
    last_predictions: tuple[np.ndarray, np.ndarray, str] | None = None

    def confusion(self) -> tuple[np.ndarray, str] | None:
        """(k, k) counts, rows = true class, columns = predicted; and which set.
        For separate samples ``last_predictions`` keeps (true classes,
        predicted classes, which set) behind the counts."""
        if not self.is_classification:
            return None
        d = self.session.data
        x, labels, which = (d.x_test, d.labels_test, "test") if len(d.x_test) else (d.x_train, d.labels_train, "training")
        if labels is None or not len(x):
            return None
        with np.errstate(all="ignore"):
            out = self.session.network.predict(x)
        samples = out.ndim == 2  # one prediction per sample, which the sample view can open
        if out.ndim == 3:  # sequences: the steps that have a class (or the last step)
            if labels.ndim == 2:
                keep = labels >= 0
                out, labels = out[keep], labels[keep]
            else:
                out = out[:, -1]
        pred = d.coding.decode(out)
        k = len(self.class_names)
        pred = np.clip(pred, 0, k - 1).astype(np.intp)
        m = np.zeros((k, k), dtype=np.int64)
        np.add.at(m, (labels.astype(np.intp), pred), 1)
        self.last_predictions = (labels.astype(np.intp).copy(), pred.copy(), which) if samples else None
        return m, which

    def sample(self, which: str, index: int) -> SampleNumbers | None:
        d = self.session.data
        x_all = d.x_test if which == "test" and len(d.x_test) else d.x_train
        which = "test" if x_all is d.x_test else "train"
        if not len(x_all) or self.sequence:  # a sequence's numbers: ``nnsim.app.training.sequence_probe``
            return None
        index = int(np.clip(index, 0, len(x_all) - 1))
        net = self.session.network
        with np.errstate(all="ignore"):
            trace = net.forward(x_all[index : index + 1], keep_z=True)
            out = net.outputs(trace)[0]
        labels = d.labels_test if which == "test" else d.labels_train
        y = d.y_test if which == "test" else d.y_train
        if self.is_classification and labels is not None:
            true = self.class_names[int(labels[index])]
            pred_i = int(d.coding.decode(out[None, :])[0])
            predicted = self.class_names[pred_i] if pred_i < len(self.class_names) else str(pred_i)
        else:
            ds = self.session.dataset
            true = ", ".join(_value(v) for v in ds.raw_targets(y[index]))
            predicted = ", ".join(_value(v) for v in ds.raw_targets(out))
        layers = []
        for info in self.layers:
            a = np.array(trace.a[info.index][0], dtype=np.float64)
            z = None if trace.z[info.index] is None else np.array(trace.z[info.index][0], dtype=np.float64)
            layers.append((info.name, list(info.neuron_ids), a, z))
        ds = self.session.dataset
        x_scaling, y_scaling = getattr(ds, "x_scaling", None), getattr(ds, "y_scaling", None)
        raw_x = ds.raw_inputs(x_all[index]) if x_scaling is not None else None
        raw_out = ds.raw_targets(out) if y_scaling is not None and not self.is_classification else None
        return SampleNumbers(which, index, len(x_all), np.array(x_all[index], dtype=np.float64), true, predicted,
                             layers, raw_x, raw_out)


def _value(v: float) -> str:
    """A target or prediction: 3 significant digits, large values in full
    with their thousands grouped (352,100 rather than 3.52e+05)."""
    v = float(v)
    return f"{v:,.0f}" if np.isfinite(v) and 1000 <= abs(v) < 1e15 else f"{v:.3g}"


def _bins(kind: Activation | None, finite: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bin edges, the values to count in them, and which bins are bad. Bad
    values fill whole bins, so counting bins counts exactly the bad values."""
    bad = np.zeros(HIST_BINS, dtype=bool)
    if kind in (Activation.SIGMOID, Activation.TANH):
        lo, hi = activation_levels(kind)
        k = round(SATURATION * HIST_BINS)
        bad[:k] = bad[-k:] = True
        return np.linspace(lo, hi, HIST_BINS + 1), np.clip(finite, lo, hi), bad
    if kind == Activation.RELU:
        # The first bin holds exactly the outputs at 0 (no gradient), left of 0.
        hi = max(1.0, float(np.percentile(finite, 99))) if finite.size else 1.0
        width = hi / (HIST_BINS - 1)
        edges = np.concatenate([[-width], np.linspace(0.0, hi, HIST_BINS)])
        bad[0] = True
        return edges, np.where(finite <= 0, -width / 2, np.minimum(finite, hi)), bad
    if kind is not None and kind in _UNIT:
        lo, hi = 0.0, 1.0
    elif kind == Activation.SIGN:
        lo, hi = -1.0, 1.0
    else:
        m = max(float(np.percentile(np.abs(finite), 99)) if finite.size else 1.0, 1.0)
        lo, hi = -m, m
    return np.linspace(lo, hi, HIST_BINS + 1), np.clip(finite, lo, hi), bad


def _percent(fraction: float) -> str:
    """A share as the note says it: never "0%" for a bar that is there."""
    return "<1%" if 0 < fraction < 0.005 else f"{fraction:.0%}"


def _health(a: np.ndarray, kind: Activation | None, counts: np.ndarray, bad: np.ndarray) -> tuple[str, float]:
    """A one-line note on saturated (sigmoid, tanh) or zero and dead (ReLU)
    outputs, and their share: the share of the counts in the bad bins."""
    total = int(counts.sum())
    if total == 0 or not bad.any():
        return "", 0.0
    fraction = float(counts[bad].sum()) / total
    if kind == Activation.RELU:
        dead = int(np.sum(np.all(~(a > 0), axis=0)))
        note = f"{_percent(fraction)} of outputs 0"
        return note + (f" · {dead} of {a.shape[1]} neurons dead (never positive)" if dead else ""), fraction
    return f"{_percent(fraction)} saturated", fraction


def plane_extent(dataset) -> tuple[tuple[float, float], tuple[float, float]]:
    """The input plane to draw 2-D maps over: the data set's own range
    (Playground's [-6, 6]^2), or its points' range with a margin."""
    if dataset.input_range is not None:
        (a, b), (c, d) = dataset.input_range
        return (float(a), float(b)), (float(c), float(d))
    x = np.concatenate([dataset.x_train, dataset.x_test])
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = np.maximum((hi - lo) * 0.1, 0.5)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))
