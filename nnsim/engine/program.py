"""Training programs: one interface for every learning rule.

``TrainingProgram`` is what the session, the command line and the window's
worker use, whatever the rule: backpropagation (``nnsim.engine.trainer``),
the perceptron rule (``nnsim.engine.perceptron``), and two-player programs
later. ``nnsim.engine.programs`` maps each learning rule to its program.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from nnsim.engine.network import Network
from nnsim.engine.targets import TargetCoding
from nnsim.engine.vocab import MAX_EPOCHS, MAX_STEPS, HistoryRecord, Regularization, TrainingSettings

READY = "ready"
DIVERGED = "diverged"
REACHED_TARGET = "reached_target"
STALLED = "stalled"  # the loss stopped improving with the neurons saturated
AT_LIMIT = "at_limit"  # the epoch or step count reached what a design file records


def epoch_seed(rng) -> int:
    """The seed epoch orders derive from: ``rng`` itself when it is a seed
    (an int), else one number drawn from the generator."""
    if isinstance(rng, (int, np.integer)):
        return int(rng)
    return int((rng if rng is not None else np.random.default_rng()).integers(2**63))


def epoch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The order of the ``n`` training samples in epoch ``epoch`` (0 first):
    a function of the seed and the epoch's number only, so training that is
    stopped, saved and continued sees the batches of one uninterrupted run."""
    return np.random.default_rng([int(seed) % 2**63, int(epoch)]).permutation(n)


@dataclass
class TrainingData:
    """Encoded arrays for training: inputs (n, n_inputs), targets
    (n, n_outputs) and, for classification, class labels (n,). Sequences:
    inputs (n, T, n_inputs), targets (n, T, n_outputs) per step (NaN: no
    target) or (n, n_outputs) at the last step, labels (n, T) (−1: none) or
    (n,). ``stream``: the rows are consecutive pieces of one stream, to be
    read in order with the state carried from each to the next."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    labels_train: np.ndarray | None
    labels_test: np.ndarray | None
    coding: TargetCoding
    stream: bool = False

    def astype(self, dtype) -> TrainingData:
        return dataclasses.replace(
            self,
            x_train=self.x_train.astype(dtype),
            y_train=self.y_train.astype(dtype),
            x_test=self.x_test.astype(dtype),
            y_test=self.y_test.astype(dtype),
        )


def regularization_grad(kind: Regularization, rate: float, W: np.ndarray) -> np.ndarray | None:
    """Gradient of the penalty: L1 rate·Σ|w| gives rate·sign(w); L2 rate·½Σw²
    gives rate·w."""
    kind = Regularization(kind)
    if kind == Regularization.L1 and rate:
        return rate * np.sign(W)
    if kind == Regularization.L2 and rate:
        return rate * W
    return None


def add_regularization(net: Network, settings: TrainingSettings, grads) -> None:
    """Add the penalty's gradient to ``grads`` (a store of the network's
    layout): on the weights only, never on biases, and never on entries that
    do not train. The trainer and the learn mode's preview both use this."""
    rate = settings.regularization_rate
    span = net.weight_span
    if not rate or settings.regularization == Regularization.NONE or span.stop == span.start:
        return
    r = regularization_grad(settings.regularization, settings.regularization_rate, net.parameters.flat[span])
    if r is None:
        return
    if net.train_mask is not None:
        r *= net.train_mask[span]
    grads.flat[span] += r


class TrainingProgram:
    """The interface every learning rule's trainer offers, and what they
    share: the state they start from, running whole epochs, resuming, the
    history, and divergence put right.

    A program provides ``train_steps(n, evaluate)``, ``steps_left_in_epoch()``,
    ``steps_per_epoch`` and ``evaluate()``; it names the ``optimizers`` it
    holds (none for the perceptron rule), follows settings changed while
    it trains in ``apply_settings()`` and numbers set from outside in
    ``params_edited()``. ``uses_loss`` says whether the loss
    setting shapes its arithmetic (the window measures a changed loss again
    only then). ``problem(network)`` says why a network cannot be trained by
    it (None if it can)."""

    uses_loss: bool = True

    @staticmethod
    def problem(network: Network) -> str | None:
        return None

    def __init__(self, network: Network, settings: TrainingSettings, data: TrainingData):
        """The state both trainers start from: nothing trained yet."""
        self.net = network
        self.settings = settings  # read live: a changed rate applies at the next step
        self.data = data.astype(network.dtype)
        self.step_count = 0
        self.epoch = 0
        self.history: list[HistoryRecord] = []
        self.status = READY
        self.message = ""
        self.last_loss = math.nan
        self._pos = 0
        self._good = network.copy_params()  # the last weights known to be finite
        self._good_epoch = 0

    def train_epochs(self, n: int, evaluate: bool = True, callback=None) -> int:
        """Run ``n`` whole epochs (finishing the current one first counts as
        one); ``callback(trainer)`` after each. Returns epochs completed."""
        target = self.epoch + n
        while self.epoch < target and self.status == READY:
            self.train_steps(self.steps_left_in_epoch(), evaluate)
            if callback is not None:
                callback(self)
        return n - (target - self.epoch)

    def at_limit(self) -> bool:
        """Whether the next step would count past what a design's history can
        record (MAX_EPOCHS epochs, MAX_STEPS steps); if so, training stops
        there, so that the result can always be saved."""
        if self.epoch < MAX_EPOCHS and self.step_count < MAX_STEPS:
            return False
        what = f"epoch {self.epoch:,}" if self.epoch >= MAX_EPOCHS else f"step {self.step_count:,}"
        self.status = AT_LIMIT
        self.message = (
            f"stopped at {what}, the most a design's history can count; clear the history "
            "(Reset, or --reinit on the command line) to train on"
        )
        return True

    def resume(self) -> None:
        """Allow training again after it stopped (e.g. after the user lowered
        the learning rate or the target)."""
        self.status = READY
        self.message = ""

    @property
    def optimizers(self) -> list:
        """The optimizers the program holds (their state is its memory)."""
        return []

    def apply_settings(self) -> None:
        """Follow settings changed while training (between steps)."""

    def params_edited(self) -> None:
        """The network's numbers were set from outside between steps (a
        weight typed in the window): training goes on from them, and
        divergence comes back to them."""
        self._keep_good()

    # -- what each program provides ------------------------------------------------------
    def train_steps(self, n: int, evaluate: bool = True) -> int:
        raise NotImplementedError

    def steps_left_in_epoch(self) -> int:
        raise NotImplementedError

    @property
    def steps_per_epoch(self) -> int:
        raise NotImplementedError

    def evaluate(self) -> HistoryRecord:
        raise NotImplementedError

    def continue_from(self, epoch: int, step: int) -> None:
        """Count on from a history that ends at ``epoch`` and ``step`` (the
        weights now are that epoch's, so divergence would come back to them)."""
        self.epoch, self.step_count = epoch, step
        self._good_epoch = epoch

    @property
    def good_epoch(self) -> int:
        """The epoch whose weights divergence puts back (the last finite ones)."""
        return self._good_epoch

    def _keep_good(self) -> None:
        """Remember the current weights as the ones to go back to."""
        self._good = self.net.copy_params()
        self._good_epoch = self.epoch

    def _restore_good(self, what: str, step: int, epoch: int) -> None:
        """Stop as diverged, with the last finite weights put back."""
        self.net.set_params(self._good)
        self.status = DIVERGED
        self.message = (
            f"training diverged at step {step} (epoch {epoch}): {what}; "
            f"the weights were restored to those after epoch {self._good_epoch}. "
            f"Try a smaller learning rate than {self.settings.learning_rate:g}."
        )
