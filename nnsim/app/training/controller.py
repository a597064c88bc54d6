"""The training controller: the GUI thread's side of live training.

It owns the session (design + data + network + trainer) built from the
Document's design, hands it to the worker thread, receives snapshots and
keeps the history the views draw. It follows the Document: training settings
are read live by the trainer (the session shares the design's
``TrainingSettings`` object); a changed data set, network or numbers makes it
build the session again, carrying over what training did meanwhile to every
connection and neuron the user did not touch.

What the canvas shows is what Save writes: when training pauses (and before
a save, ``sync_to_document``) the trained numbers and history go into the
Document as one undoable command, "Train epochs a–b".
"""

from __future__ import annotations

import atexit
import dataclasses
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication

from nnsim.app.document import Document
from nnsim.app.training.commands import TrainCommand
from nnsim.app.training.frames import FrameScheduler
from nnsim.app.training.numbers import Keys, NumberMap, compile_key, members_key, merge, remap
from nnsim.app.training.pace import DEFAULT_PACE, Pace, pace_by_key
from nnsim.app.training.probes import Probe
from nnsim.app.training.snapshot import Heavy, Measure, Snapshot
from nnsim.app.training.worker import (
    BUDGET,
    DONE,
    EPOCHS,
    FAILED,
    PLAY,
    REFRESH,
    STEPS,
    STOPPED,
    Job,
    Outcome,
    TrainingWorker,
)
from nnsim.data import DataError
from nnsim.design import recipes
from nnsim.design.build import initialize
from nnsim.design.edits import numbers_of, set_fields
from nnsim.design.model import Design, HistoryRecord, Loss
from nnsim.design.recipes import EditError
from nnsim.design.validate import DesignError
from nnsim.engine.program import DIVERGED, READY, REACHED_TARGET, STALLED
from nnsim.session import Session

# While the worker runs pure-Python training steps it holds the GIL; the GUI
# thread needs it for every Python paint() and slot. With CPython's default
# 5 ms switch interval each of those can wait 5 ms (a frame of 20 Python
# calls: 100 ms). 0.5 ms keeps frames smooth (measured: longest stall
# 245-540 ms -> 30-45 ms) at no clear cost in training speed. Process-wide
# while a controller lives; the worker also steps aside (worker._give_way).
SWITCH_INTERVAL = 0.0005


class TrainingController(QObject):
    updated = Signal()  # a newer snapshot is there to draw
    state_changed = Signal()  # playing/paused, message, what can be done
    session_changed = Signal()  # a new session: layers, data points may differ
    history_reset = Signal()  # the history was replaced, not extended
    run_started = Signal()  # reset or restart: a new run begins (old curves fade)
    design_replaced = Signal()  # New, Open, Revert: earlier runs were of another design
    neuron_selected = Signal(int)  # the neuron to show large (-1: none)
    pace_changed = Signal()

    _job_requested = Signal(object)

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.session: Session | None = None
        self.probe: Probe | None = None
        self.numbers: NumberMap | None = None
        self.measure: Measure | None = None
        self.session_id = 0
        self.playing = False
        self.error = ""  # why no session can be built ('' when one is)
        self.message = ""  # why training stopped, for the user
        self.message_kind = ""  # "error" | "warning" | "info"
        self.latest: Snapshot | None = None
        self.heavy: Heavy | None = None
        self.history: list[HistoryRecord] = []  # what the curves draw
        self.history_version = 0  # bumped when history is replaced rather than extended
        self.divergences: list[tuple[int, int]] = []  # (step, epoch) where training diverged
        self.selected_neuron = -1
        self.initial: tuple[Keys, tuple[np.ndarray, np.ndarray]] | None = None
        self._rng = np.random.default_rng()
        self._job_id = 0
        self._pushing = False
        self.pace: Pace = pace_by_key(DEFAULT_PACE)
        self._carry = None  # progress kept while the design cannot be trained
        self._design: Design | None = None
        self._path = document.path

        self.thread = QThread()
        self.thread.setObjectName("nnsim-training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self._job_requested.connect(self.worker.run_job)
        self.worker.snapshot_ready.connect(self._on_snapshot)
        self.worker.job_finished.connect(self._on_job_finished)
        self.thread.start()
        _LIVE.append((self.thread, self.worker))  # stopped at exit even if never shut down
        self._switch_interval = _SWITCH_BEFORE[0] if len(_LIVE) > 1 else sys.getswitchinterval()
        _SWITCH_BEFORE[0] = self._switch_interval
        sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

        self.scheduler = FrameScheduler(self)  # when the views redraw

        document.changed.connect(self._on_document_changed)
        document.path_changed.connect(self._on_document_changed)
        document.history_move_requested.connect(self._before_history_move)
        self._rebuild(keep_progress=False, history_changed=True)

    # -- life ----------------------------------------------------------------------------
    @Slot()
    def shutdown(self) -> None:
        """Stop training and the worker thread (idempotent)."""
        if not self.thread.isRunning():
            return
        self.playing = False
        self.scheduler.stop()
        self.worker.stop_and_wait(10.0)
        self.thread.quit()
        self.thread.wait(10_000)
        _forget(self.thread)
        if not _LIVE:  # the last training thread: back to Python's own
            sys.setswitchinterval(self._switch_interval)

    # -- what the views ask ---------------------------------------------------------------
    @property
    def can_train(self) -> bool:
        return self.session is not None

    @property
    def can_restart(self) -> bool:
        return self.session is not None and self.initial is not None

    @property
    def step(self) -> int:
        if self.latest is not None and self.latest.session_id == self.session_id:
            return self.latest.step
        return self.session.trainer.step_count if self.session is not None else 0

    @property
    def epoch(self) -> int:
        if self.latest is not None and self.latest.session_id == self.session_id:
            return self.latest.epoch
        return self.session.trainer.epoch if self.session is not None else 0

    @property
    def steps_per_second(self) -> float:
        return self.latest.steps_per_second if self.latest is not None else 0.0

    @property
    def steps_per_epoch(self) -> int:
        return self.session.trainer.steps_per_epoch if self.session is not None else 0

    def set_pace(self, key: str) -> None:
        """How fast Play trains (a key of ``pace.PACES``); takes effect at
        once, also while training."""
        pace = pace_by_key(key)
        if pace == self.pace:
            return
        old, self.pace = self.pace, pace
        self.worker.pace = pace
        if self.playing and old.paced != pace.paced:
            # Paced -> full speed: the worker may be waiting for its next
            # frame; full speed -> paced: its first paced frame needs no wait.
            self.worker.grant_frame()
        self.pace_changed.emit()

    def select_neuron(self, neuron_id: int) -> None:
        if neuron_id != self.selected_neuron:
            self.selected_neuron = neuron_id
            self.neuron_selected.emit(neuron_id)

    def set_sample(self, which: str, index: int) -> None:
        """Which sample the sample view follows ('train' or 'test', index)."""
        if self.measure is not None:
            self.measure.sample_request = (which, int(index))
            if not self.playing:
                self._start(REFRESH)

    # -- transport -----------------------------------------------------------------------
    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        if self.playing or self.session is None:
            return
        self._stop_worker()
        trainer = self.session.trainer
        if trainer.status != READY:
            trainer.resume()
        self._capture_initial()
        self.playing = True
        self._set_message("")
        self._start(PLAY)
        self.state_changed.emit()

    def pause(self) -> None:
        if not self.playing:
            return
        self.playing = False
        self._stop_worker()
        self.sync_to_document()
        self.state_changed.emit()

    def step_batch(self) -> None:
        self._step(STEPS, 1)

    def step_epoch(self) -> None:
        self._step(EPOCHS, 1)

    def _step(self, mode: str, count: int) -> None:
        if self.session is None:
            return
        if self.playing:
            self.pause()
        self._stop_worker()
        trainer = self.session.trainer
        if trainer.status != READY:
            trainer.resume()
        self._capture_initial()
        self._set_message("")
        self._start(mode, count)

    def reset_weights(self) -> None:
        """New random weights (the design's initialisation) and an empty
        history, as one undoable command; a new run begins."""
        if self.session is None and self.error:
            return
        was_playing = self.playing
        self.pause()
        self.sync_to_document()
        design = self.document.design
        fresh = design.copy()
        initialize(fresh, self._rng)
        w, b = numbers_of(fresh)
        self._push_run("Reset weights", w, b)
        if was_playing:
            self.play()

    def restart(self) -> None:
        """Back to the weights this run started from, history cleared: with
        the same batch order the run repeats exactly."""
        if self.initial is None:
            return
        was_playing = self.playing
        self.pause()
        self.sync_to_document()
        design = self.document.design
        keys, values = self.initial
        w, b = remap(keys, values, Keys.of(design), numbers_of(design))
        self._push_run("Restart from the starting weights", w, b)
        if was_playing:
            self.play()

    def _push_run(self, text: str, w: np.ndarray, b: np.ndarray) -> None:
        design = self.document.design
        try:
            ops = recipes.set_numbers(design, w, b)
        except EditError as e:
            self._set_message(str(e), "error")
            return
        ops += set_fields(("design", None), design, history=[])
        self._set_message("")  # what was said about the run before (budget spent, diverged) is over
        self.run_started.emit()
        self._pushing = True
        try:
            self.document.push(text, ops)
        finally:
            self._pushing = False
        self.divergences = []
        self.initial = (Keys.of(design), (np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)))
        self._rebuild(keep_progress=False, history_changed=True)

    # -- the document --------------------------------------------------------------------
    def sync_to_document(self, steps_merge: bool = False) -> bool:
        """Write the trained numbers and history into the Document as one
        undoable command (nothing if training changed nothing since the last
        sync). Training that is running goes on afterwards. Returns whether a
        command was pushed."""
        if self.session is None:
            return False
        running = self.playing
        self._stop_worker()
        pushed = False
        try:
            pushed = self._sync(steps_merge)
        finally:
            if running and self.playing:
                self._start(PLAY)
        return pushed

    def _sync(self, steps_merge: bool) -> bool:
        trainer = self.session.trainer
        self._reconcile()
        if trainer.step_count == self._synced_step and not self._dirty:
            return False
        design = self.document.design
        w, b = self.numbers.read()
        try:
            ops = recipes.set_numbers(design, w, b)
        except EditError as e:  # not finite, or the design changed under us
            self._set_message(f"the trained weights could not be kept: {e}", "error")
            return False
        ops += set_fields(("design", None), design, history=list(self.history))
        steps = trainer.step_count - self._synced_step
        first, last = self._synced_epoch + 1, trainer.epoch
        if steps_merge:
            text = f"Train {steps} step" + ("s" if steps != 1 else "")
        elif last >= first:
            text = f"Train epoch {last}" if last == first else f"Train epochs {first}–{last}"
        else:
            text = f"Train {steps} steps"
        self._pushing = True
        try:
            self.document.undo_stack.push(TrainCommand(self.document, text, ops, steps, mergeable=steps_merge))
        finally:
            self._pushing = False
        self._mark_synced()
        return True

    def _mark_synced(self) -> None:
        design = self.document.design
        trainer = self.session.trainer
        self._synced_numbers = numbers_of(design)
        self._doc_history = design.history
        self._synced_step = trainer.step_count
        self._synced_epoch = trainer.epoch
        self._dirty = False

    @Slot()
    def _before_history_move(self) -> None:
        """Undo, redo or a jump in the history is coming: training stops and
        what it reached becomes its own step first, so an undo takes back
        the training since the last step (and redo brings it back) rather
        than losing it."""
        if self.playing:
            self.pause()
            self._set_message("Paused: the training so far is a step in the history now. "
                              "Press Play to train on from here.", "info")
        else:
            self.sync_to_document()

    @Slot()
    def _on_document_changed(self) -> None:
        if self._pushing:
            return
        design = self.document.design
        if design is not self._design:  # New, Open, Revert
            self.playing = False
            self._carry = None
            self.initial = None
            self.divergences = []
            self.design_replaced.emit()
            self._rebuild(keep_progress=False, history_changed=True)
            return
        history_changed = design.history is not self._doc_history
        now = numbers_of(design)
        same_numbers = all(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(now, self._synced_numbers))
        if (
            not self.error  # a design that cannot train is retried after every edit
            and same_numbers
            and not history_changed
            and design.dataset == self._dataset
            and self.document.path == self._path
            and compile_key(design) == self._compile_key
        ):
            # Training settings: the trainer reads them live. A different
            # loss scores the same network differently: measure it again.
            if not self.playing and self.session is not None and self.session.trainer.uses_loss \
                    and Loss(design.training.loss) != self.session.network.loss:
                self._start(REFRESH)
            return
        structural = members_key(design) != self._members_key
        was_playing = self.playing
        self._rebuild(keep_progress=True, history_changed=history_changed, now=now)
        if was_playing and self.session is not None:
            if structural:
                self.playing = False
                self._set_message("Training paused because the network changed. Press Play to go on.", "info")
            else:
                self.playing = True
                self._start(PLAY)
        self.state_changed.emit()

    # -- building the session ------------------------------------------------------------------
    def _rebuild(self, keep_progress: bool, history_changed: bool, now=None) -> None:
        """Build the session from the Document's design. With
        ``keep_progress`` the trained numbers (and unsynced history) carry
        over to what the user did not change."""
        self._stop_worker()
        design = self.document.design
        now = numbers_of(design) if now is None else now
        numbers = now
        pending: list[HistoryRecord] = []
        counters = None
        carry = self._carry
        if keep_progress and self.session is not None:
            self._reconcile()
            trainer = self.session.trainer
            carry = (self.numbers.keys, self.numbers.read(), self._synced_numbers,
                     self.history[len(self._doc_history):] if not history_changed else [],
                     (trainer.step_count, trainer.epoch) if not history_changed else None,
                     trainer.step_count != self._synced_step or self._dirty)
        if keep_progress and carry is not None:
            old_keys, trained, synced, pending, counters, dirty = carry
            if dirty:
                numbers = merge(old_keys, trained, synced, Keys.of(design), now)
        self._carry = None
        base_dir = self.document.path.parent if self.document.path else None
        history = list(design.history) + list(pending)
        try:
            trainee = dataclasses.replace(
                design,
                connections=[dataclasses.replace(c, weight=w) for c, w in zip(design.connections, numbers[0].tolist())],
                neurons=[dataclasses.replace(n, bias=b) for n, b in zip(design.neurons, numbers[1].tolist())],
                history=history,
            )  # shares design.training: the trainer reads settings live
            session = Session(trainee, base_dir=base_dir)
            probe = Probe(session, trainee)
            number_map = NumberMap(session, trainee)
        except (DesignError, DataError, EditError, ValueError) as e:
            if keep_progress and self.session is not None:
                self._carry = carry  # keep what training did for when the design works again
            before = (self.session is not None, self.error)
            self.session = self.probe = self.numbers = self.measure = None
            self.worker.session = self.worker.measure = None
            self.playing = False
            if not design.neurons:  # a blank design: nothing is wrong yet
                self.error = "Nothing to train yet: add input and output neurons and connect them."
                self._set_message(self.error, "info")
            else:
                self.error = _capitalised(str(e))
                self._set_message(self.error, "error")
            self._after_rebuild(design, now)
            if not keep_progress:  # another design: the views must not show the old one's
                self.session_id += 1  # snapshots still on their way are of the old one
                self.latest = self.heavy = None
                self.history = list(design.history)
                self.history_version += 1
                self.session_changed.emit()
                self.history_reset.emit()
                self.state_changed.emit()
            elif before != (False, self.error):
                # The network went away, or why it cannot train changed: the
                # views say why now (the curves and counters stay, for when
                # the design works again).
                self.heavy = None
                self.session_changed.emit()
                self.state_changed.emit()
            return
        trainer = session.trainer
        trainer.history = list(pending)
        if counters is not None:
            trainer.step_count, trainer.epoch = counters
        self.session_id += 1
        self.session, self.probe, self.numbers = session, probe, number_map
        self.measure = Measure(self.session_id, probe, number_map)
        self.measure.sent = len(pending)
        if self.worker.measure is not None:
            self.measure.sample_request = self.worker.measure.sample_request
        self.worker.session, self.worker.measure, self.worker.session_id = session, self.measure, self.session_id
        if self.error:
            self.error = ""
            self._set_message("")
        self.history = history
        self._history_base = len(design.history)  # history[base:] mirrors trainer.history
        self._after_rebuild(design, now)
        self._synced_step = trainer.step_count
        self._synced_epoch = design.history[-1].epoch if design.history else 0
        self._dirty = bool(pending) or counters is not None and counters[0] != (
            design.history[-1].step if design.history else 0) or any(
            not np.array_equal(a, b) for a, b in zip(numbers, now))
        self.latest = self.heavy = None
        self._capture_initial()
        self.session_changed.emit()
        self.history_version += 1
        self.history_reset.emit()
        self.state_changed.emit()
        self._start(REFRESH)

    def _after_rebuild(self, design: Design, now) -> None:
        self._design = design
        self._doc_history = design.history
        self._synced_numbers = now
        self._compile_key = compile_key(design)
        self._members_key = members_key(design)
        self._dataset = dataclasses.replace(design.dataset, targets=list(design.dataset.targets))
        self._path = self.document.path

    def _capture_initial(self) -> None:
        """Remember the starting weights of a run that has not begun."""
        if self.session is None:
            return
        trainer = self.session.trainer
        if trainer.step_count == 0 and not self.history:
            self.initial = (self.numbers.keys, self.numbers.read())

    # -- the worker -------------------------------------------------------------------------
    def _stop_worker(self) -> None:
        if not self.worker.stop_and_wait(10.0):  # pragma: no cover - a step that takes > 10 s
            raise RuntimeError("the training thread did not stop")

    def _start(self, mode: str, count: int = 0) -> None:
        if self.session is None or not self.thread.isRunning():
            return
        self._stop_worker()
        self._job_id += 1
        self.scheduler.job_started()
        job = Job(self._job_id, self.session_id, mode, count, self.session.trainer.epoch)
        self.worker.begin_job()
        self._job_requested.emit(job)

    def _reconcile(self) -> None:
        """With the worker idle: make ``history`` match the trainer exactly."""
        if self.session is None:
            return
        records = self.session.trainer.history
        self.history[self._history_base :] = records
        self.measure.sent = len(records)

    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        self.worker.acked = True
        if snap.session_id == self.session_id:
            self._take(snap)

    def _take(self, snap: Snapshot) -> None:
        at = self._history_base + snap.history_start
        if at <= len(self.history):
            self.history[at:] = snap.records
        self.latest = snap
        if snap.heavy is not None:
            self.heavy = snap.heavy
        self.scheduler.arrived(snap.paced and snap.job_id == self._job_id and self.playing)

    @Slot(object)
    def _on_job_finished(self, outcome: Outcome) -> None:
        if outcome.job.session_id != self.session_id:
            return
        if outcome.snapshot is not None:
            self._take(outcome.snapshot)
        mode, reason = outcome.job.mode, outcome.reason
        if outcome.job.id != self._job_id or mode == REFRESH or reason == STOPPED:
            return  # superseded, or stopped on our request (handled there)
        if mode in (STEPS, EPOCHS) and reason == DONE:
            self.sync_to_document(steps_merge=mode == STEPS)
            self.state_changed.emit()
            return
        # The run ended by itself: diverged, target reached, budget spent...
        self.playing = False
        text = _sentence(outcome.message)
        if reason == DIVERGED:
            snap = outcome.snapshot
            if snap is not None:
                self.divergences.append((snap.step, snap.epoch))
            self._set_message(text, "error")
        elif reason == REACHED_TARGET:
            self._set_message(f"{text} Untick 'Stop at loss' or lower it to go on.", "info")
        elif reason == STALLED:
            self._set_message(text, "warning")
        elif reason == BUDGET:
            budget = self.document.design.training.epochs
            self._set_message(f"Paused: {text[:-1].lower()}. Press Play to train {budget:,} more, "
                              "or untick 'Stop after' to train until you pause.", "info")
        elif reason == FAILED:
            self._set_message(text, "error")
        else:
            self._set_message(text, "info")
        self.sync_to_document()
        self.state_changed.emit()

    def _set_message(self, text: str, kind: str = "info") -> None:
        text = _capitalised(text)  # engine messages start in lower case
        self.message, self.message_kind = text, kind if text else ""
        self.state_changed.emit()

    def add_heavy_view(self, refresh, every_frame: bool = False) -> None:
        """Register a view of the heavy measurements (maps, histograms...).
        ``refresh()`` returns whether it drew anything. At full speed such
        views take turns, one a frame; at a paced speed an ``every_frame``
        view (the canvas, the maps) draws every frame and the others (tables,
        histograms) about ten times a second (see ``frames``)."""
        self.scheduler.add(refresh, every_frame)

    @property
    def frames(self) -> int:
        """Paced frames drawn so far."""
        return self.scheduler.frames

    @property
    def paced(self) -> bool:
        """Whether Play runs at a paced speed right now."""
        return self.playing and self.pace.paced

    # -- for the views -----------------------------------------------------------------------
    @property
    def dataset(self):
        return self.session.dataset if self.session is not None else None

    def base_dir(self) -> Path | None:
        return self.document.path.parent if self.document.path else None


# Worker threads still running: a QThread destroyed while it runs aborts the
# process, so the last of them are stopped when Python exits.
_LIVE: list[tuple[QThread, TrainingWorker]] = []
_SWITCH_BEFORE = [0.005]  # Python's switch interval before the first controller


def _forget(thread: QThread) -> None:
    _LIVE[:] = [(t, w) for t, w in _LIVE if t is not thread]


@atexit.register
def _stop_all() -> None:
    for thread, worker in list(_LIVE):
        try:
            worker.stop_and_wait(5.0)
            thread.quit()
            thread.wait(5_000)
        except RuntimeError:  # already deleted by Qt
            pass
    _LIVE.clear()


def _capitalised(text: str) -> str:
    """The text with a capital first letter, unless it starts with a file
    name or path (``data.csv: no such file``), which must stay as it is."""
    first = text.split(":", 1)[0].split(" ", 1)[0]
    if not text or any(ch in first for ch in "./\\"):
        return text
    return text[0].upper() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith(".") else text + "."


__all__ = ["TrainingController"]
