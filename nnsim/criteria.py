"""What each shipped sequence example claims, as a measure and a bar.

An example's description promises something ("passes 95% of the test
sequences", "stays near chance"); a ``Criterion`` is that promise in numbers:
a measure of a trained session and the bar it must clear (``at_least``) or
stay under (``at_most``). The tests train each example for a budget of epochs
and check its criterion; ``benchmarks/`` time how long each takes to meet it.
No Qt here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from nnsim.data.reber import legal_share, remembered_share
from nnsim.engine import streams
from nnsim.session import Session


def _test_part(session: Session):
    """(inputs, legal table, mask) of the test part; a stream as one sequence."""
    ds = session.dataset
    x, legal, mask = ds.x_test, ds.extras["legal_test"], ds.mask_test
    if ds.stream:
        x, legal, mask = streams.whole(x), streams.whole(legal), streams.whole(mask)
    return x, legal, mask


def test_accuracy(session: Session) -> float:
    """The share of test targets (steps or sequences) classified right."""
    return float(session.trainer.evaluate().test_accuracy)


def test_loss(session: Session) -> float:
    return float(session.trainer.evaluate().test_loss)


def train_loss(session: Session) -> float:
    return float(session.trainer.evaluate().train_loss)


def legal_steps(session: Session) -> float:
    """Reber grammars: the share of test steps whose most likely next symbol is legal."""
    x, legal, mask = _test_part(session)
    with np.errstate(all="ignore"):
        return legal_share(session.network.predict(x), legal, mask)


def remembered(session: Session) -> float:
    """Embedded Reber grammars: the share of the test steps that need the
    remembered T or P (after an inner string's E) predicted right; chance ½."""
    x, legal, mask = _test_part(session)
    with np.errstate(all="ignore"):
        return remembered_share(session.network.predict(x), legal, mask)


@dataclass(frozen=True)
class Criterion:
    """``measure`` of a trained session, which must be ≥ ``at_least`` or ≤
    ``at_most`` (one of them is set); ``what`` names the measure. ``failure``:
    the claim is that the example does not learn (its measure stays on the
    wrong side of a bar it would cross if it learned)."""

    what: str
    measure: Callable[[Session], float]
    at_least: float | None = None
    at_most: float | None = None
    failure: bool = False

    def met(self, value: float) -> bool:
        if self.at_least is not None:
            return value >= self.at_least
        return value <= self.at_most

    def __str__(self) -> str:
        bar = f"≥ {self.at_least:g}" if self.at_least is not None else f"≤ {self.at_most:g}"
        return f"{self.what} {bar}"


#: The claim of each shipped sequence example. Those that show a failure
#: (``at_most``) hold at the budget their successful twin needs.
CRITERIA: dict[str, Criterion] = {
    "temporal-xor-rnn": Criterion("test accuracy", test_accuracy, at_least=0.95),
    "temporal-xor-mlp": Criterion("test accuracy", test_accuracy, at_most=0.6, failure=True),
    "sine-rnn": Criterion("test loss", test_loss, at_most=0.002),
    "reber-rnn": Criterion("legal next symbols", legal_steps, at_least=1.0),
    "char-rnn": Criterion("training loss per character", train_loss, at_most=2.4),
    "temporal-order-lstm": Criterion("test accuracy", test_accuracy, at_least=0.95),
    "temporal-order-rnn": Criterion("test accuracy", test_accuracy, at_most=0.45, failure=True),
    "adding-lstm": Criterion("test loss (half the mean squared error)", test_loss, at_most=0.02),
    "reber-lstm": Criterion("legal next symbols", legal_steps, at_least=1.0),
    "continual-reber-lstm": Criterion("remembered T or P", remembered, at_least=0.95),
}


@dataclass
class Reached:
    """How training went until a criterion was met (or the time ran out)."""

    met: bool
    value: float
    epochs: int
    steps: int
    seconds: float


def time_to_criterion(session: Session, criterion: Criterion, seconds: float = 30.0,
                      max_epochs: int | None = None) -> Reached:
    """Train ``session`` an epoch at a time until ``criterion`` is met, or
    ``seconds`` of training (measuring included) or ``max_epochs`` have
    passed; a failure's criterion is checked when the time runs out."""
    start = time.perf_counter()
    trainer = session.trainer
    value = criterion.measure(session)
    while criterion.failure or not criterion.met(value):
        if time.perf_counter() - start >= seconds or (max_epochs is not None and trainer.epoch >= max_epochs):
            break
        trainer.train_epochs(1, evaluate=False)
        value = criterion.measure(session)
        if trainer.status != "ready":
            break
    return Reached(criterion.met(value), value, trainer.epoch, trainer.step_count, time.perf_counter() - start)
