"""Mini-batch training by backpropagation, with divergence caught and
training that goes nowhere noticed (``nnsim.engine.stall``).

The trainer owns the optimizer state, the position in the current epoch and
the history. It runs a given number of steps or epochs and can be called again
to continue, so a GUI worker can run it in chunks. Every random draw (batch
order) comes from the ``np.random.Generator`` it is given: the same seed and
the same starting weights give bit-identical results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnsim.engine.vocab import MAX_EPOCHS, MAX_STEPS, HistoryRecord, Regularization, TrainingSettings
from nnsim.engine.network import Network
from nnsim.engine.optimizers import make_optimizer
from nnsim.engine.stall import SATURATED_SHARE, STALL_EPOCHS, ProgressWatch, saturated_share, stall_message
from nnsim.engine.targets import TargetCoding

READY = "ready"
DIVERGED = "diverged"
REACHED_TARGET = "reached_target"
STALLED = "stalled"  # the loss stopped improving with the neurons saturated
AT_LIMIT = "at_limit"  # the epoch or step count reached what a design file records


@dataclass
class TrainingData:
    """Encoded arrays for training: inputs (n, n_inputs), targets
    (n, n_outputs) and, for classification, class labels (n,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    labels_train: np.ndarray | None
    labels_test: np.ndarray | None
    coding: TargetCoding

    def astype(self, dtype) -> TrainingData:
        return TrainingData(
            self.x_train.astype(dtype),
            self.y_train.astype(dtype),
            self.x_test.astype(dtype),
            self.y_test.astype(dtype),
            self.labels_train,
            self.labels_test,
            self.coding,
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


class EpochRunner:
    """What both trainers share: the state they start from, running whole
    epochs and resuming. A trainer provides ``train_steps`` and
    ``steps_left_in_epoch``."""

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


class Trainer(EpochRunner):
    """Backpropagation with mini-batch gradient descent on a compiled network."""

    def __init__(self, network: Network, settings: TrainingSettings, data: TrainingData, rng: np.random.Generator):
        super().__init__(network, settings, data)
        self.rng = rng
        self.optimizer = make_optimizer(network.parameters, settings)
        self._xs = self._ys = None
        self._grads = network.parameters.like()
        self._progress = ProgressWatch()

    # -- running ---------------------------------------------------------------
    def train_steps(self, n: int, evaluate: bool = True) -> int:
        """Run up to ``n`` mini-batch steps; returns how many ran. Stops early
        when training diverges or reaches the target loss."""
        with np.errstate(all="ignore"):  # overflow is caught below as divergence
            return self._run(n, evaluate)

    def _run(self, n, evaluate) -> int:
        net, opt = self.net, self.optimizer
        params, grads = net.parameters, self._grads
        n_train = len(self.data.x_train)
        done = 0
        while done < n and self.status == READY:
            if (self.epoch >= MAX_EPOCHS or self.step_count >= MAX_STEPS) and self.at_limit():
                break
            if self._xs is None:
                order = self.rng.permutation(n_train)
                self._xs = self.data.x_train[order]
                self._ys = self.data.y_train[order]
                self._pos = 0
            b = max(1, int(self.settings.batch_size))
            x = self._xs[self._pos : self._pos + b]
            y = self._ys[self._pos : self._pos + b]
            loss = net.train_grads(x, y, self._grads)
            self.last_loss = loss
            if not math.isfinite(loss):
                self._diverged(f"the loss became {loss}")
                break
            add_regularization(net, self.settings, self._grads)
            if net.train_mask is not None:
                grads.flat *= net.train_mask  # frozen connections keep their weights
            opt.apply(params, grads)
            self.step_count += 1
            done += 1
            self._pos += b
            if self._pos >= n_train:
                self._end_epoch(evaluate)
        return done

    def steps_left_in_epoch(self) -> int:
        b = max(1, int(self.settings.batch_size))
        pos = self._pos if self._xs is not None else 0
        return max(1, math.ceil((len(self.data.x_train) - pos) / b))

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.data.x_train) / max(1, int(self.settings.batch_size)))

    def _end_epoch(self, evaluate: bool) -> None:
        self.epoch += 1
        self._xs = None
        if not self.net.all_finite():
            self._diverged("a weight became infinite or not a number", epoch_done=True)
            return
        if evaluate:
            rec = self.evaluate()
            self.history.append(rec)
            if not math.isfinite(rec.train_loss):
                self._diverged(f"the training loss became {rec.train_loss}", epoch_done=True)
                return
        # Only weights whose loss is finite are good to go back to.
        self._keep_good()
        if evaluate:
            target = self.settings.target_loss
            if target is not None and rec.train_loss <= target:
                self.status = REACHED_TARGET
                self.message = f"reached the target loss {target:g} at epoch {self.epoch}"
            else:
                self._check_progress(rec)

    def _check_progress(self, rec: HistoryRecord) -> None:
        """Stop as stalled when the loss has not improved for STALL_EPOCHS and
        nearly every neuron is saturated (not when every sample is right)."""
        flat = self._progress.stalled_for(self.epoch, rec.train_loss)
        if flat < STALL_EPOCHS or rec.train_accuracy == 1.0:
            return
        share = saturated_share(self.net, self.data.x_train)
        if share >= SATURATED_SHARE:
            self.status = STALLED
            self.message = stall_message(self.epoch, flat, self._progress.best, share, self.settings.learning_rate)

    def resume(self) -> None:
        super().resume()
        self._progress.reset()  # settings may have changed: watch afresh

    def _diverged(self, what: str, epoch_done: bool = False) -> None:
        """Stop, and put back the last weights that were finite. ``epoch_done``:
        found at the end of an epoch, after its last step was counted."""
        step, epoch = (self.step_count, self.epoch) if epoch_done else (self.step_count + 1, self.epoch + 1)
        self._restore_good(what, step, epoch)
        self.optimizer.reset()
        self._xs = None

    # -- measuring -------------------------------------------------------------
    def evaluate(self) -> HistoryRecord:
        """Loss and accuracy over the whole training and test sets."""
        d, net = self.data, self.net
        with np.errstate(all="ignore"):
            trace = net.forward(d.x_train)
            out_train = net.outputs(trace)
            train_loss = net.loss_of(trace, d.y_train)
            test_loss = test_acc = None
            if len(d.x_test):
                trace = net.forward(d.x_test)
                test_loss = net.loss_of(trace, d.y_test)
                test_acc = d.coding.accuracy(net.outputs(trace), d.labels_test)
        return HistoryRecord(
            epoch=self.epoch,
            step=self.step_count,
            train_loss=train_loss,
            test_loss=test_loss,
            train_accuracy=d.coding.accuracy(out_train, d.labels_train),
            test_accuracy=test_acc,
        )
