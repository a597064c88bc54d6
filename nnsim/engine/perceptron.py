"""The perceptron learning rule, as the article tells it.

For a single layer of step (or sign) neurons, one sample at a time:

    output = step(w·x + b);  error = target − output
    w ← w + rate × error × x;  b ← b + rate × error

Samples are taken in their fixed order, epoch after epoch. The state at the
start of an epoch then decides everything that follows, so when the weights
at the end of an epoch equal those at the end of an earlier one, the updates
will cycle forever: the data is not linearly separable (as XOR is not).

A rate so large that a weight overflows to ±inf (or NaN) is divergence, as in
backpropagation: the weights after the last whole epoch are put back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.engine.vocab import Activation, HistoryRecord, TrainingSettings
from nnsim.engine.network import Network
from nnsim.engine.program import READY, TrainingData, TrainingProgram

CONVERGED = "converged"
NOT_SEPARABLE = "not_separable"

PERCEPTRON_ACTIVATIONS = {Activation.STEP, Activation.SIGN}


def perceptron_problem(net: Network) -> str | None:
    """Why the perceptron rule cannot train this network (None if it can)."""
    for op in net.layers:
        if op.kind == "hidden":
            return "the perceptron rule trains a single layer: this design has hidden neurons (use backpropagation)"
        if op.kind == "output" and not set(op.act.kinds) <= PERCEPTRON_ACTIVATIONS:
            return "the perceptron rule needs step or sign output neurons"
    return None


@dataclass
class PerceptronUpdate:
    """What one sample did: its index, output, target and the error."""

    sample: int
    output: np.ndarray  # (n_outputs,)
    target: np.ndarray  # (n_outputs,)
    error: np.ndarray  # (n_outputs,)


class PerceptronTrainer(TrainingProgram):
    """The perceptron rule (see the module docstring): no loss, no optimizer."""

    uses_loss = False
    problem = staticmethod(lambda network: perceptron_problem(network))

    def __init__(self, network: Network, settings: TrainingSettings, data: TrainingData, rng=None):
        problem = perceptron_problem(network)
        if problem:
            raise ValueError(problem)
        super().__init__(network, settings, data)
        self.last_update: PerceptronUpdate | None = None
        self._mistakes = 0
        self._seen: dict[bytes, int] = {self._state_key(): 0}

    @property
    def steps_per_epoch(self) -> int:
        return len(self.data.x_train)

    def steps_left_in_epoch(self) -> int:
        return len(self.data.x_train) - self._pos

    def _state_key(self) -> bytes:
        # Rounded so that float noise in repeated additions cannot hide a cycle;
        # numbers too large to have decimals are kept as they are (rounding
        # them would overflow, and every huge weight would look the same).
        values = self.net.parameters.flat.copy()
        small = np.abs(values) < 1e15
        values[small] = np.round(values[small], 9)
        return values.tobytes()

    def train_steps(self, n: int, evaluate: bool = True) -> int:
        done = 0
        while done < n and self.status == READY:
            if self.at_limit():
                break
            self.step_one()
            done += 1
            if self.status == READY and self._pos >= len(self.data.x_train):
                self._end_epoch(evaluate)
        return done

    def step_one(self) -> PerceptronUpdate:
        """Apply the rule to the next sample (a step that makes a weight
        overflow stops training as diverged, the last finite weights back)."""
        i = self._pos
        x = self.data.x_train[i : i + 1]
        y = self.data.y_train[i]
        with np.errstate(all="ignore"):  # overflow is caught below as divergence
            trace = self.net.forward(x)
            out = self.net.outputs(trace)[0]
            err = y - out
            rate = self.settings.learning_rate
            for op in self.net.output_layers:
                e = err[op.columns]
                for blk in op.inputs:
                    change = rate * np.outer(trace.a[blk.src][0], e)
                    if blk.grad_mask is not None:  # 0 where a connection is frozen or not drawn
                        change *= blk.grad_mask
                    blk.W += change
                b = op.b
                b += rate * e
        if np.any(err != 0):
            self._mistakes += 1
        self.last_loss = 0.5 * float(err @ err)
        self.last_update = PerceptronUpdate(i, out.copy(), y.copy(), err.copy())
        self._pos += 1
        self.step_count += 1
        if not self.net.all_finite():
            self._restore_good("a weight became infinite or not a number", self.step_count, self.epoch + 1)
            self._pos = 0
        return self.last_update

    def _end_epoch(self, evaluate: bool) -> None:
        self.epoch += 1
        self._pos = 0
        self._keep_good()
        if evaluate:
            self.history.append(self.evaluate())
        if self._mistakes == 0:
            self.status = CONVERGED
            self.message = f"converged: epoch {self.epoch} classified every training sample correctly"
        else:
            key = self._state_key()
            if key in self._seen:
                self.status = NOT_SEPARABLE
                self.message = (
                    f"the weights after epoch {self.epoch} are the same as after epoch {self._seen[key]}: "
                    "the updates go round in a cycle and will never settle, because no straight line "
                    "separates the classes (the data is not linearly separable); a hidden layer can solve it"
                )
            self._seen[key] = self.epoch
        self._mistakes = 0

    def evaluate(self) -> HistoryRecord:
        d, net = self.data, self.net
        with np.errstate(all="ignore"):  # huge weights: step outputs stay 0 or 1 whatever z is
            out = net.predict(d.x_train)
            out_test = net.predict(d.x_test) if len(d.x_test) else None
        diff = out - d.y_train
        test_loss = test_acc = None
        if out_test is not None:
            dt = out_test - d.y_test
            test_loss = 0.5 * float(np.sum(dt * dt)) / len(dt)
            test_acc = d.coding.accuracy(out_test, d.labels_test)
        return HistoryRecord(
            epoch=self.epoch,
            step=self.step_count,
            train_loss=0.5 * float(np.sum(diff * diff)) / len(diff),
            test_loss=test_loss,
            train_accuracy=d.coding.accuracy(out, d.labels_train),
            test_accuracy=test_acc,
        )
