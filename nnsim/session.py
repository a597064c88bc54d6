"""A design made ready to run: data loaded, network compiled, a trainer made.

This is the seam the command line, the Python API and the window's training
worker all use. No Qt here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnsim.data import CLASSIFICATION, REGRESSION, Dataset, load_dataset
from nnsim.data.sequences import SequenceDataset
from nnsim.design.compile import Compiled, compile_design
from nnsim.design.gan import compile_gan, is_gan
from nnsim.design.model import Activation, ArrayValue, Design, Loss, Optimizer, TrainingState
from nnsim.design.settings import settings_problem
from nnsim.design.validate import DesignError
from nnsim.engine.adversarial import GROUPS
from nnsim.engine.inspect import Inspection, inspect_sample
from nnsim.engine.network import Network
from nnsim.engine.program import DIVERGED, READY, TrainingData, TrainingProgram
from nnsim.engine.programs import make_program, program_problem
from nnsim.engine.targets import TargetCoding
from nnsim.text import quote

COMPLETED = "completed"  # the epoch budget ran out with nothing else to report


def coding_for(dataset: Dataset, net: Network, design: Design) -> TargetCoding:
    """How this data set's targets map onto this network's outputs; raises
    DesignError when they do not fit."""
    what = f"the data set {quote(dataset.name)}"
    if dataset.n_features != net.n_inputs:
        raise DesignError(
            f"{what} has {dataset.n_features} input feature(s) but the design has {net.n_inputs} input neuron(s)"
        )
    n_out = net.n_outputs
    if dataset.task == CLASSIFICATION:
        k = dataset.n_classes
        allowed = (1, 2) if k == 2 else (k,)
        if n_out not in allowed:
            need = "1 or 2 output neurons" if k == 2 else f"{k} output neurons, one per class"
            raise DesignError(f"{what} has {k} classes, so the design needs {need} (it has {n_out})")
    elif n_out != dataset.n_targets:
        raise DesignError(f"{what} has {dataset.n_targets} target(s) but the design has {n_out} output neuron(s)")
    kinds = {k for op in net.output_layers for k in op.act.kinds}
    loss = design.training.loss
    if loss == Loss.BINARY_CROSS_ENTROPY and kinds != {Activation.SIGMOID}:
        raise DesignError("binary cross-entropy needs sigmoid output neurons: change the loss or the output activation")
    if loss == Loss.SOFTMAX_CROSS_ENTROPY and kinds != {Activation.SOFTMAX}:
        raise DesignError("softmax cross-entropy needs a softmax output layer: change the loss or the output activation")
    for op in net.output_layers:
        if op.size == 1 and op.act.kinds == [Activation.SOFTMAX]:
            raise DesignError(
                "a softmax layer of one neuron always outputs 1: use a sigmoid output, or one softmax neuron per class"
            )
    lows, highs = zip(*(op.act.output_range() for op in net.output_layers))
    return TargetCoding(dataset.task, n_out, min(lows), max(highs))


def sequence_data(ds: SequenceDataset, coding: TargetCoding) -> TrainingData:
    """A sequence data set's arrays for training: targets in the network's
    own coding (±1 for tanh outputs...), NaN (regression) or label −1
    (classes) where a step's target does not count."""

    def part(x, y, mask):
        if ds.task == CLASSIFICATION:
            labels = ds.classes(y)
            if mask is not None and labels.ndim == 2:
                labels = np.where(mask, labels, -1)
            return x, coding.encode(labels), labels
        y = np.array(y, dtype=np.float64)
        if mask is not None and y.ndim == 3:
            y[~mask] = np.nan
        return x, y, None

    x_train, y_train, labels_train = part(ds.x_train, ds.y_train, ds.mask_train)
    x_test, y_test, labels_test = part(ds.x_test, ds.y_test, ds.mask_test)
    return TrainingData(x_train, y_train, x_test, y_test, labels_train, labels_test, coding, stream=ds.stream)


def restorable(design: Design, net: Network) -> dict | None:
    """The design's training state for the trainer of ``net`` (flat
    vectors), or None when there is none or it does not fit: the network's
    arrays have other names or shapes, or the history was cleared or changed
    since."""
    st = design.training_state
    if st is None:
        return None
    if design.history and design.history[-1].epoch != st.epoch:
        return None
    layout = net.layout
    flats = {}
    for moment, by_name in st.arrays.items():
        if set(by_name) != set(layout.names) or any(by_name[k].shape != layout.shapes[k] for k in layout.names):
            return None
        flat = np.empty(layout.size, dtype=net.dtype)
        for name in layout.names:
            flat[layout.slices[name]] = by_name[name].values.ravel()
        flats[moment] = flat
    return {"epoch": st.epoch, "step": st.step, "position": st.position, "optimizer": Optimizer(st.optimizer).value,
            "t": st.t, "arrays": flats}


@dataclass
class Summary:
    """What a training run reached, as ``nnsim train --json`` prints it.
    ``losses``: a program's further measurements (a GAN's
    ``discriminator_loss``, ``generator_loss``, ``js_divergence``...),
    printed beside the others."""

    epochs: int
    steps: int
    train_loss: float | None
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    seconds: float
    status: str
    message: str
    losses: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "losses"}
        out.update(self.losses)
        return out


class Session:
    """Design + data + compiled network + trainer.

    Training changes the compiled network; ``write_back`` copies weights,
    biases and history into the design.
    """

    def __init__(
        self,
        design: Design,
        base_dir: str | Path | None = None,
        seed: int | None = None,
        dtype=np.float64,
        dataset: Dataset | None = None,
        compiled: Compiled | None = None,
    ):
        self.design = design
        problem = settings_problem(design.training, design.dataset, design.gan)
        if problem:  # the file reader refuses these; a design changed in code is checked here
            raise DesignError(problem)
        self.dataset = dataset if dataset is not None else load_dataset(design.dataset, base_dir)
        self.seed = design.training.seed if seed is None else seed
        if is_gan(design):
            self._start_gan(dtype)
            return
        # ``compiled``: the caller's compilation of this very structure (same
        # ``compile_key``), reused as it is; the caller writes the numbers into it.
        self.compiled: Compiled = compiled if compiled is not None else compile_design(design, dtype)
        net = self.compiled.network
        self.coding = coding_for(self.dataset, net, design)
        ds = self.dataset
        if isinstance(ds, SequenceDataset):
            self.data = sequence_data(ds, self.coding)
        else:
            if net.recurrent or any(n.op is not None and n.op.stateful for n in net.layers):
                raise DesignError(f"the design has a loop or a recurrent layer, which reads sequences; "
                                  f"the data set {quote(ds.name)} holds separate samples: choose sequence data")
            is_class = ds.task == CLASSIFICATION
            self.data = TrainingData(
                x_train=ds.x_train,
                y_train=self.coding.encode(ds.y_train),
                x_test=ds.x_test,
                y_test=self.coding.encode(ds.y_test),
                labels_train=ds.y_train if is_class else None,
                labels_test=ds.y_test if is_class else None,
                coding=self.coding,
            )
        self._start(net)

    def _start(self, net) -> None:
        """The program of the design's learning rule, continuing its history
        (and its optimizer's memory, where the design saved one that fits)."""
        design = self.design
        problem = program_problem(design.training.rule, net)
        if problem:
            raise DesignError(problem)
        self.trainer: TrainingProgram = make_program(net, design.training, self.data, int(self.seed))
        # Continue the design's history where it left off, with the
        # optimizer's memory and the place in the epoch when they were saved.
        self._history_before = list(design.history)
        if design.history:
            self.trainer.continue_from(design.history[-1].epoch, design.history[-1].step)
        state = restorable(design, net)
        if state is not None and hasattr(self.trainer, "restore"):
            self.trainer.restore(state)

    def _start_gan(self, dtype) -> None:
        """A GAN: both groups compiled; the data's samples are the real ones
        (no targets, no test part)."""
        self.compiled = compile_gan(self.design, dtype)
        players = self.compiled.players
        ds = self.dataset
        if ds.n_features != players.data_dims:
            raise DesignError(f"the data set {quote(ds.name)} has {ds.n_features} number(s) per sample but the "
                              f"generator makes {players.data_dims}: they must match")
        x = np.asarray(ds.x_train, dtype=np.float64)
        self.coding = TargetCoding(REGRESSION, 0)
        none = np.empty((len(x), 0))
        self.data = TrainingData(x, none, x[:0], none[:0], None, None, self.coding)
        self._start(players)

    @property
    def network(self) -> Network:
        return self.compiled.network

    def train(self, epochs: int | None = None, callback=None) -> Summary:
        """Train for ``epochs`` (default: the design's budget), then write the
        results back into the design."""
        epochs = self.design.training.epochs if epochs is None else epochs
        start = time.perf_counter()
        first_epoch = self.trainer.epoch
        self.trainer.train_epochs(epochs, evaluate=True, callback=callback)
        seconds = time.perf_counter() - start
        self.write_back()
        rec = self.trainer.evaluate()
        return Summary(
            epochs=self.trainer.epoch - first_epoch,
            steps=self.trainer.step_count,
            train_loss=rec.train_loss,
            test_loss=rec.test_loss,
            train_accuracy=rec.train_accuracy,
            test_accuracy=rec.test_accuracy,
            seconds=seconds,
            status=COMPLETED if self.trainer.status == READY else self.trainer.status,
            message=self.trainer.message,
            losses={f"{k}_loss" if k in GROUPS else k: v for k, v in rec.losses.items()},
        )

    @property
    def diverged(self) -> bool:
        return self.trainer.status == DIVERGED

    def write_back(self) -> None:
        self.compiled.write_back(self.design)
        self.design.history = self._history_before + list(self.trainer.history)
        self.design.training_state = self.training_state()

    def training_state(self) -> TrainingState | None:
        """The trainer's state as a design keeps it (None where the program
        has none to keep)."""
        state = self.trainer.state() if hasattr(self.trainer, "state") else None
        if state is None:
            return None
        layout = self.network.layout
        arrays = {moment: {name: ArrayValue(flat[layout.slices[name]].reshape(layout.shapes[name]))
                           for name in layout.names}
                  for moment, flat in state["arrays"].items()}
        return TrainingState(epoch=state["epoch"], step=state["step"], position=state["position"],
                             optimizer=Optimizer(state["optimizer"]), t=state["t"], arrays=arrays)

    def inspect(self, x, target=None) -> Inspection:
        """Forward and (with a target) backward numbers for one sample; the
        target is given as the network's output values."""
        optimizers = self.trainer.optimizers
        return inspect_sample(self.network, x, target, optimizers[0] if optimizers else None, self.design.training)

    def follow_settings(self) -> str:
        """Apply settings changed while training, between steps: the
        program's own (another optimizer) and a changed loss, which must
        still fit the outputs. Returns a problem to stop with, or ''."""
        self.trainer.apply_settings()
        net, loss = self.network, Loss(self.design.training.loss)
        if self.trainer.uses_loss and loss != net.loss:
            try:
                coding_for(self.dataset, net, self.design)
            except DesignError as e:
                return str(e)
            net.set_loss(loss)
        return ""
