"""Mini-batch training by backpropagation, with divergence caught and
training that goes nowhere noticed (``nnsim.engine.stall``).

The trainer owns the optimizer state, the position in the current epoch and
the history. It runs a given number of steps or epochs and can be called again
to continue, so a GUI worker can run it in chunks. The order of the samples in
each epoch depends only on the seed and the epoch's number (``epoch_order``):
the same seed and the same starting weights give bit-identical results, and
``state()``/``restore()`` carry the optimizer's memory and the place in the
epoch, so training saved and continued equals training in one go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnsim.engine import streams
from nnsim.engine.network import Network
from nnsim.engine.optimizers import KINDS, make_optimizer
from nnsim.engine.program import (  # noqa: F401 - the statuses, for those who import them from here
    AT_LIMIT,
    DIVERGED,
    READY,
    REACHED_TARGET,
    STALLED,
    TrainingData,
    TrainingProgram,
    add_regularization,
    epoch_order,
    epoch_seed,
    regularization_grad,
)
from nnsim.engine.stall import SATURATED_SHARE, STALL_EPOCHS, ProgressWatch, saturated_share, stall_message
from nnsim.engine.vocab import HistoryRecord, Optimizer, TrainingSettings

class Trainer(TrainingProgram):
    """Backpropagation with mini-batch gradient descent on a compiled network."""

    def __init__(self, network: Network, settings: TrainingSettings, data: TrainingData,
                 rng: np.random.Generator | int):
        """``rng``: the seed of the epochs' orders (or a generator to draw one from)."""
        super().__init__(network, settings, data)
        self.seed = epoch_seed(rng)
        self.optimizer = make_optimizer(network.parameters, settings)
        self._xs = self._ys = None
        self._grads = network.parameters.like()
        self._progress = ProgressWatch()
        self._sequences = self.data.x_train.ndim == 3
        # A stream (per-step targets) is read in order, in lanes (``nnsim.engine.streams``).
        self._stream = self._sequences and self.data.stream and self.data.y_train.ndim == 3
        self._chunk = 0  # for sequences cut into chunks: the chunk of the current batch
        self._state: dict | None = None  # ... and the outputs the next chunk starts from

    # -- running ---------------------------------------------------------------
    def train_steps(self, n: int, evaluate: bool = True) -> int:
        """Run up to ``n`` mini-batch steps; returns how many ran. Stops early
        when training diverges or reaches the target loss."""
        with np.errstate(all="ignore"):  # overflow is caught below as divergence
            if self._stream:
                return self._run_stream(n, evaluate)
            return self._run_sequences(n, evaluate) if self._sequences else self._run(n, evaluate)

    def _chunks(self) -> tuple[int, int]:
        """(chunks per batch of sequences, steps of time per chunk)."""
        T = self.data.x_train.shape[1]
        k = int(self.settings.bptt_steps)
        return (math.ceil(T / k), k) if 0 < k < T else (1, T)

    def _run(self, n, evaluate) -> int:
        net, opt = self.net, self.optimizer
        params, grads = net.parameters, self._grads
        n_train = len(self.data.x_train)
        done = 0
        while done < n and self.status == READY:
            if self.at_limit():
                break
            x, y, b = self._next_batch()
            loss = net.train_grads(x, y, self._grads)
            self.last_loss = loss
            if not math.isfinite(loss):
                self._diverged(f"the loss became {loss}")
                break
            self._update(net, opt, params, grads)
            self.step_count += 1
            done += 1
            self._pos += b
            if self._pos >= n_train:
                self._end_epoch(evaluate)
        return done

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The next batch of this epoch's order (starting the epoch when
        none is under way) and the batch size it was cut with."""
        if self._xs is None:
            self._start_epoch()
        b = max(1, int(self.settings.batch_size))
        return self._xs[self._pos : self._pos + b], self._ys[self._pos : self._pos + b], b

    def _start_epoch(self, position: int = 0) -> None:
        order = epoch_order(self.seed, self.epoch, len(self.data.x_train))
        self._xs = self.data.x_train[order]
        self._ys = self.data.y_train[order]
        self._pos, self._chunk, self._state = position, 0, None

    # -- saving and continuing -------------------------------------------------
    def state(self) -> dict | None:
        """Where training stands, to continue exactly: the epoch, the step,
        the samples of this epoch already trained, and the optimizer's
        memory ({"kind", "t", "arrays": {moment: flat vector}}). None in the
        middle of a batch of sequences cut into chunks (the state carried
        between chunks is not kept)."""
        if self._chunk:
            return None
        memory = self.optimizer.state()
        return {"epoch": self.epoch, "step": self.step_count, "position": self._pos if self._xs is not None else 0,
                "optimizer": self.optimizer.kind.value, "t": int(memory.pop("t", 0)), "arrays": memory}

    def restore(self, state: dict) -> None:
        """Continue from ``state()`` (the network holds the weights it was
        taken with). The optimizer's memory is taken when it is of the kind
        now set and fits."""
        self.continue_from(int(state["epoch"]), int(state["step"]))
        position = int(state.get("position", 0))
        if 0 < position < len(self.data.x_train):
            self._start_epoch(position)
        arrays = state.get("arrays", {})
        if state.get("optimizer") == self.optimizer.kind.value:
            self.optimizer.load_state(arrays, int(state.get("t", 0)))

    def _update(self, net, opt, params, grads) -> None:
        """Penalty, clipping, frozen entries out, then the optimizer's step."""
        add_regularization(net, self.settings, grads)
        clip = self.settings.gradient_clip
        if clip:
            np.clip(grads.flat, -clip, clip, out=grads.flat)
        if net.train_mask is not None:
            grads.flat *= net.train_mask  # frozen connections keep their weights
        opt.apply(params, grads)

    def _chunk_step(self, x, y) -> bool:
        """One training step on a chunk of time steps, starting from the
        state the previous chunk left; False when the loss diverged."""
        net = self.net
        loss = net.train_grads(x, y, self._grads, state=self._state)
        self.last_loss = loss
        if not math.isfinite(loss):
            self._diverged(f"the loss became {loss}")
            return False
        self._update(net, self.optimizer, net.parameters, self._grads)
        self.step_count += 1
        self._chunk += 1
        self._state = net.last_state
        return True

    def _run_sequences(self, n, evaluate) -> int:
        """As ``_run``, for batches of sequences: each batch is cut into
        chunks of ``bptt_steps`` time steps (truncated backpropagation through
        time), one training step each, the state carried from chunk to
        chunk."""
        n_train = len(self.data.x_train)
        chunks, k = self._chunks()
        T = self.data.x_train.shape[1]
        done = 0
        while done < n and self.status == READY:
            if self.at_limit():
                break
            x, y, b = self._next_batch()
            if chunks > 1:
                t0, t1 = self._chunk * k, min(T, (self._chunk + 1) * k)
                x = x[:, t0:t1]
                y = y[:, t0:t1] if y.ndim == 3 else _last_step_targets(y, t1 - t0, t1 == T)
            if not self._chunk_step(x, y):
                break
            done += 1
            if self._chunk >= chunks:
                self._chunk, self._state = 0, None
                self._pos += b
                if self._pos >= n_train:
                    self._end_epoch(evaluate)
        return done

    def _stream_chunks(self) -> tuple[int, int]:
        """For a stream: (chunks per epoch, steps of time per chunk)."""
        rows, row_steps = self.data.x_train.shape[:2]
        if self._xs is not None:
            length = self._xs.shape[1]
        else:
            length = streams.lane_length(rows, row_steps, streams.lane_count(rows * row_steps,
                                                                             self.settings.batch_size))
        k = streams.chunk_steps(row_steps, self.settings.bptt_steps)
        return math.ceil(length / k), k

    def _run_stream(self, n, evaluate) -> int:
        """As ``_run_sequences``, for a stream: its lanes side by side
        (``nnsim.engine.streams``), in order, a chunk of time steps per
        training step, the state carried from each chunk to the next
        through the whole epoch."""
        done = 0
        while done < n and self.status == READY:
            if self.at_limit():
                break
            if self._xs is None:
                x, y = self.data.x_train, self.data.y_train
                count = streams.lane_count(x.shape[0] * x.shape[1], self.settings.batch_size)
                self._xs, self._ys = streams.lanes(x, y, count)
                self._pos, self._chunk, self._state = 0, 0, None
            chunks, k = self._stream_chunks()
            t0 = self._chunk * k
            x, y = self._xs[:, t0 : t0 + k], self._ys[:, t0 : t0 + k]
            if not self._chunk_step(x, y):
                break
            done += 1
            if self._chunk >= chunks:
                self._chunk, self._state = 0, None
                self._end_epoch(evaluate)
        return done

    def steps_left_in_epoch(self) -> int:
        if self._stream:
            return self._stream_chunks()[0] - (self._chunk if self._xs is not None else 0)
        b = max(1, int(self.settings.batch_size))
        pos = self._pos if self._xs is not None else 0
        batches = max(1, math.ceil((len(self.data.x_train) - pos) / b))
        if not self._sequences:
            return batches
        chunk = self._chunk if self._xs is not None else 0
        return batches * self._chunks()[0] - chunk

    @property
    def steps_per_epoch(self) -> int:
        if self._stream:
            return self._stream_chunks()[0]
        batches = math.ceil(len(self.data.x_train) / max(1, int(self.settings.batch_size)))
        return batches * (self._chunks()[0] if self._sequences else 1)

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

    @property
    def optimizers(self) -> list:
        return [self.optimizer]

    def apply_settings(self) -> None:
        """Another optimizer chosen while training: a fresh one of that kind
        (a changed rate or β needs nothing: optimizers read them live)."""
        if type(self.optimizer) is not KINDS[Optimizer(self.settings.optimizer)]:
            self.optimizer = make_optimizer(self.net.parameters, self.settings)

    def _diverged(self, what: str, epoch_done: bool = False) -> None:
        """Stop, and put back the last weights that were finite. ``epoch_done``:
        found at the end of an epoch, after its last step was counted."""
        step, epoch = (self.step_count, self.epoch) if epoch_done else (self.step_count + 1, self.epoch + 1)
        self._restore_good(what, step, epoch)
        self.optimizer.reset()
        self._xs = None

    # -- measuring -------------------------------------------------------------
    def evaluate(self) -> HistoryRecord:
        """Loss and accuracy over the whole training and test sets; a stream
        as the one long sequence it is, from a zero state."""
        d, net = self.data, self.net
        one = streams.whole if self._stream else (lambda a: a)
        with np.errstate(all="ignore"):
            trace = net.forward(one(d.x_train))
            out_train = net.outputs(trace)
            train_loss = net.loss_of(trace, one(d.y_train))
            test_loss = test_acc = None
            if len(d.x_test):
                trace = net.forward(one(d.x_test))
                test_loss = net.loss_of(trace, one(d.y_test))
                test_acc = d.coding.accuracy(net.outputs(trace), one(d.labels_test))
        return HistoryRecord(
            epoch=self.epoch,
            step=self.step_count,
            train_loss=train_loss,
            test_loss=test_loss,
            train_accuracy=d.coding.accuracy(out_train, one(d.labels_train)),
            test_accuracy=test_acc,
        )


def _last_step_targets(y: np.ndarray, steps: int, last: bool) -> np.ndarray:
    """One target per sequence (batch, outputs) as per-step targets of a
    chunk of ``steps`` steps: none (NaN), but at the last step of the last
    chunk."""
    out = np.full((len(y), steps, y.shape[1]), np.nan, dtype=y.dtype)
    if last:
        out[:, -1] = y
    return out
