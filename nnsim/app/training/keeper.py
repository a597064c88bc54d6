"""Keeping the training session of the Document's design.

The keeper builds the session (data, network, trainer) from a design and
the numbers to start from, builds it again when the design changes (the
controller says what training reached meanwhile: ``Progress``), writes
numbers-only edits into the live network without building anything, and
keeps the history the curves draw in step with the trainer's. It touches
the session only while the worker is idle (see ``transport``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from nnsim.app.training.gan_probe import GanProbe
from nnsim.app.training.numbers import Keys, NumberMap, Numbers
from nnsim.app.training.probes import Probe
from nnsim.app.training.snapshot import Heavy, Measure, Snapshot
from nnsim.design.gan import is_gan
from nnsim.design.compile import Compiled
from nnsim.design.model import ArrayValue, Design, HistoryRecord
from nnsim.design.parameters import ParameterMap, is_link_key
from nnsim.session import Session


@dataclass
class Progress:
    """What training did that the Document does not hold yet: the trained
    numbers (``keys`` order), the Document's numbers they started from
    (``synced``), history records not in the Document, the step and epoch
    counters (None: start from the Document's history), and whether any of
    it differs from the Document."""

    keys: Keys
    trained: Numbers
    synced: Numbers
    pending: list[HistoryRecord]
    counters: tuple[int, int] | None
    dirty: bool


def trainee(design: Design, numbers: Numbers, history: list[HistoryRecord], own: bool = False) -> Design:
    """The design with these numbers and this history, sharing its training
    settings (the trainer reads them live) and touching nothing of it.
    ``own``: the numbers were just read from the design (its connections and
    neurons are shared without comparing each)."""
    arrays: dict[int, dict] = {}
    links: dict[tuple[int, int], ArrayValue] = {}
    for key, values in numbers.arrays.items():
        if is_link_key(key):
            links[key[1:]] = ArrayValue(values)
        else:
            arrays.setdefault(key[0], {})[key[1]] = ArrayValue(values)
    return dataclasses.replace(
        design,
        links=[dataclasses.replace(k, weights=links[(k.source, k.target)]) if (k.source, k.target) in links
               else k for k in design.links],
        layers=[dataclasses.replace(layer, arrays={**layer.arrays, **arrays[layer.id]}) if layer.id in arrays
                else layer for layer in design.layers],
        connections=list(design.connections) if own else _with(design.connections, "weight", numbers.weights),
        neurons=list(design.neurons) if own else _with(design.neurons, "bias", numbers.biases),
        history=history,
    )


def _with(records: list, field: str, values: np.ndarray) -> list:
    """The records with ``field`` set to ``values``: a record whose value is
    already that one is shared, not copied (opening or undoing on a large
    design, the numbers are mostly the Document's own; copying 180,000
    connections took seconds). The session only reads its design's records.
    The values are compared as arrays (one by one they took 0.05 s)."""
    values = np.asarray(values, dtype=np.float64)
    now = np.fromiter(map(attrgetter(field), records), dtype=np.float64, count=len(records))
    out = list(records)
    for k in np.flatnonzero(~(now == values)).tolist():  # NaN differs from itself, as ``==`` says
        out[k] = dataclasses.replace(records[k], **{field: float(values[k])})
    return out


class SessionKeeper:
    """The session, what the views read of it, and its history."""

    def __init__(self):
        self.session: Session | None = None
        self.probe: Probe | None = None
        self.numbers: NumberMap | None = None
        self.measure: Measure | None = None
        self.session_id = 0  # bumped for every session: older snapshots are stale
        self.error = ""  # why no session can be built ('' when one is)
        self.latest: Snapshot | None = None
        self.heavy: Heavy | None = None
        self.history: list[HistoryRecord] = []  # what the curves draw
        self.history_base = 0  # history[base:] mirrors the trainer's history
        self.history_version = 0  # bumped when history is replaced rather than extended
        self.initial: tuple[Keys, Numbers] | None = None  # the numbers a run that has not begun starts from
        self.carry: Progress | None = None  # progress kept while the design cannot be trained

    # -- building -------------------------------------------------------------------------
    def build(self, design: Design, numbers: Numbers, progress: Progress | None, base_dir,
              same_network: bool = False, compiled: Compiled | None = None,
              parameter_map: ParameterMap | None = None, own: bool = False) -> None:
        """A new session of ``design`` starting from ``numbers``, with the
        progress carried (raises DesignError, DataError, EditError or
        ValueError, changing nothing, when the design cannot be trained).
        ``same_network``: the design compiles to the network the session
        has now (the caller compared ``compile_key``s): it is reused with
        the new numbers written in, not checked and compiled again (an undo
        of training on a large design otherwise compiles 180,000 connections).
        ``compiled``: a compilation of this design made elsewhere (on the
        thread that read it), used the same way, and ``parameter_map`` the
        design's map made there too. ``own``: ``numbers`` were just read
        from ``design``."""
        pending = list(progress.pending) if progress is not None else []
        counters = progress.counters if progress is not None else None
        history = list(design.history) + pending
        design_now = trainee(design, numbers, history, own)
        same_network = same_network and self.session is not None and not is_gan(design_now)  # a GAN compiles anew
        reused = self.session.compiled if same_network else compiled
        session = Session(design_now, base_dir=base_dir, compiled=reused)
        probe = GanProbe(session, design_now) if is_gan(design_now) else Probe(session, design_now)
        if same_network and self.numbers is not None:
            number_map = self.numbers.renewed(numbers)
        else:
            from_reading = compiled is not None and reused is compiled  # made with that compilation
            number_map = NumberMap(session, design_now, parameter_map if from_reading else None, numbers)
        if reused is not None:
            number_map.write(numbers)  # last: nothing after it can fail and leave the old session changed
        trainer = session.trainer
        trainer.history = list(pending)
        if counters is not None:
            trainer.step_count, trainer.epoch = counters
        self.session_id += 1
        self.session, self.probe, self.numbers = session, probe, number_map
        self.measure = Measure(self.session_id, probe, number_map)
        self.measure.sent = len(pending)
        self.error = ""
        self.carry = None
        self.history = history
        self.history_base = len(design.history)
        self.history_version += 1
        self.latest = self.heavy = None
        self.capture_initial()

    def drop(self, error: str, another_design: bool, history: list[HistoryRecord]) -> None:
        """No session: the design cannot be trained (``error`` says why).
        For ``another_design`` the views forget the old one's snapshots and
        curves (``history``: the new design's); otherwise the curves and
        counters stay for when the design works again."""
        self.session = self.probe = self.numbers = self.measure = None
        self.error = error
        if another_design:
            self.session_id += 1  # snapshots still on their way are of the old design
            self.latest = self.heavy = None
            self.history = list(history)
            self.history_version += 1
        else:
            self.heavy = None

    def progress(self, synced: Numbers, synced_step: int, dirty: bool, doc_history: list[HistoryRecord],
                 history_changed: bool) -> Progress:
        """What training reached that the Document does not hold (the
        worker must be idle)."""
        self.reconcile()
        trainer = self.session.trainer
        return Progress(
            self.numbers.keys, self.numbers.read(), synced,
            self.history[len(doc_history):] if not history_changed else [],
            (trainer.step_count, trainer.epoch) if not history_changed else None,
            trainer.step_count != synced_step or dirty,
        )

    # -- numbers-only edits -------------------------------------------------------------
    def write_numbers(self, numbers: Numbers) -> None:
        """A numbers-only edit (a typed weight, an applied learn-mode update,
        an undo of one): the live network takes the numbers; nothing is
        built again (the worker must be idle)."""
        self.numbers.write(numbers)
        self.session.trainer.params_edited()
        self.capture_initial()

    def capture_initial(self) -> None:
        """Remember the starting numbers of a run that has not begun."""
        if self.session is None:
            return
        if self.session.trainer.step_count == 0 and not self.history:
            self.initial = (self.numbers.keys, self.numbers.read())

    # -- history and snapshots ------------------------------------------------------------
    def reconcile(self) -> None:
        """With the worker idle: make ``history`` match the trainer exactly."""
        if self.session is None:
            return
        records = self.session.trainer.history
        self.history[self.history_base:] = records
        self.measure.sent = len(records)

    def take(self, snap: Snapshot) -> None:
        """A snapshot of this session: its new history records, and the
        numbers and measurements the views draw."""
        at = self.history_base + snap.history_start
        if at <= len(self.history):
            self.history[at:] = snap.records
        self.latest = snap
        if snap.heavy is not None:
            self.heavy = snap.heavy

    def current(self, snap: Snapshot | None) -> bool:
        return snap is not None and snap.session_id == self.session_id

    @property
    def step(self) -> int:
        if self.current(self.latest):
            return self.latest.step
        return self.session.trainer.step_count if self.session is not None else 0

    @property
    def epoch(self) -> int:
        if self.current(self.latest):
            return self.latest.epoch
        return self.session.trainer.epoch if self.session is not None else 0


__all__ = ["Progress", "SessionKeeper", "trainee"]
