"""The training controller: the GUI thread's side of live training.

It composes three parts, each with one job:

* ``SessionKeeper`` (``keeper.py``) keeps the session (design + data +
  network + trainer) of the Document's design, builds it again carrying what
  training did, writes numbers-only edits into the live network, and keeps
  the history the views draw;
* ``DocumentSync`` (``sync.py``) keeps the Document and the session in step:
  trained numbers and history go into the Document as one undoable command
  when training pauses (and before a save), and an edit of the Document is
  sorted into settings only, numbers only or a new session;
* ``Transport`` (``transport.py``) plays, pauses and steps: the training
  thread, its worker and the jobs it runs.

The controller wires them to the Document and the views, says in words why
training stopped, and offers the views one place to ask (the properties and
signals below).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from nnsim.app.document import Document
from nnsim.app.training import prepared
from nnsim.app.training.frames import FrameScheduler
from nnsim.app.training.keeper import SessionKeeper
from nnsim.app.training.numbers import Keys, NumberMap, Numbers
from nnsim.app.training.pace import Pace, pace_by_key
from nnsim.app.training.probes import Probe
from nnsim.app.training.snapshot import Heavy, Measure, Snapshot
from nnsim.app.training.sync import NUMBERS, REPLACED, SETTINGS, UNCHANGED, DocumentSync
from nnsim.app.training.transport import EPOCHS, PLAY, REFRESH, STEPS, Transport
from nnsim.app.training.worker import BUDGET, DONE, FAILED, STOPPED, Outcome
from nnsim.data import DataError
from nnsim.design.build import initial_numbers
from nnsim.design.edits import all_numbers
from nnsim.design.model import Design, HistoryRecord, Loss
from nnsim.design.recipes import EditError
from nnsim.design.validate import DesignError
from nnsim.engine.program import DIVERGED, REACHED_TARGET, STALLED
from nnsim.session import Session


# A design replaced by one with this many connections or more gets its session
# a moment later (``_rebuild_later``), after the window has drawn it.
LATER_CONNECTIONS = 20_000
LATER_MS = 1  # a timer, not a queued call: the window's own timers and paints go first
PREPARING = "Preparing training for this design…"


class TrainingController(QObject):
    updated = Signal()  # a newer snapshot is there to draw
    state_changed = Signal()  # playing/paused, message, what can be done
    session_changed = Signal()  # a new session: layers, data points may differ
    history_reset = Signal()  # the history was replaced, not extended
    run_started = Signal()  # reset or restart: a new run begins (old curves fade)
    design_replaced = Signal()  # New, Open, Revert: earlier runs were of another design
    neuron_selected = Signal(int)  # the neuron to show large (-1: none)
    pace_changed = Signal()
    player_stepped = Signal(str)  # a GAN's generator or discriminator was asked to step alone
    sample_opened = Signal(str, int)  # a view asked the sample view to show this sample ('train'/'test', index)

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.keeper = SessionKeeper()
        self.sync = DocumentSync(document)
        self.transport = Transport(self)
        self.transport.snapshot_arrived.connect(self._on_snapshot)
        self.transport.job_ended.connect(self._on_job_finished)
        self.message = ""  # why training stopped, for the user
        self.message_kind = ""  # "error" | "warning" | "info"
        self.divergences: list[tuple[int, int]] = []  # (step, epoch) where training diverged
        self.selected_neuron = -1
        self._rng = np.random.default_rng()
        self._later: tuple | None = None  # (design, revision) whose session comes a moment later

        self.scheduler = FrameScheduler(self)  # when the views redraw
        self.transport.job_started.connect(self.scheduler.job_started)

        document.changed.connect(self._on_document_changed)
        document.path_changed.connect(self._on_document_changed)
        document.history_move_requested.connect(self._before_history_move)
        self._rebuild(keep_progress=False, history_changed=True)

    # -- life ----------------------------------------------------------------------------
    @Slot()
    def shutdown(self) -> None:
        """Stop training and the worker thread (idempotent)."""
        self.scheduler.stop()
        self.transport.shutdown()

    # -- what the views ask ---------------------------------------------------------------
    session: Session | None = property(lambda self: self.keeper.session)
    probe: Probe | None = property(lambda self: self.keeper.probe)
    numbers: NumberMap | None = property(lambda self: self.keeper.numbers)
    measure: Measure | None = property(lambda self: self.keeper.measure)
    session_id: int = property(lambda self: self.keeper.session_id)
    error: str = property(lambda self: self.keeper.error)
    latest: Snapshot | None = property(lambda self: self.keeper.latest)
    heavy: Heavy | None = property(lambda self: self.keeper.heavy)
    history: list[HistoryRecord] = property(lambda self: self.keeper.history)
    history_version: int = property(lambda self: self.keeper.history_version)
    initial: tuple[Keys, Numbers] | None = property(lambda self: self.keeper.initial)
    worker = property(lambda self: self.transport.worker)
    playing: bool = property(lambda self: self.transport.playing)
    pace: Pace = property(lambda self: self.transport.pace)
    paced: bool = property(lambda self: self.transport.paced, doc="Whether Play runs at a paced speed now.")
    step: int = property(lambda self: self.keeper.step)
    epoch: int = property(lambda self: self.keeper.epoch)

    @property
    def can_train(self) -> bool:
        return self.session is not None

    @property
    def can_restart(self) -> bool:
        return self.session is not None and self.initial is not None

    @property
    def steps_per_second(self) -> float:
        return self.latest.steps_per_second if self.latest is not None else 0.0

    @property
    def steps_per_epoch(self) -> int:
        return self.session.trainer.steps_per_epoch if self.session is not None else 0

    @property
    def frames(self) -> int:
        """Paced frames drawn so far."""
        return self.scheduler.frames

    @property
    def dataset(self):
        return self.session.dataset if self.session is not None else None

    def base_dir(self) -> Path | None:
        return self.document.path.parent if self.document.path else None

    def set_pace(self, key: str) -> None:
        """How fast Play trains (a key of ``pace.PACES``); takes effect at
        once, also while training."""
        if self.transport.set_pace(pace_by_key(key)):
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
                self.transport.run(REFRESH)

    def open_sample(self, which: str, index: int) -> None:
        """Show this sample in the sample view (brought in front)."""
        self.set_sample(which, index)
        self.sample_opened.emit(which, int(index))

    def add_heavy_view(self, refresh, every_frame: bool = False, parts=(), shown=None) -> None:
        """Register a view of the heavy measurements (maps, histograms...).
        ``refresh()`` returns whether it drew anything. At full speed such
        views take turns, one a frame; at a paced speed an ``every_frame``
        view (the canvas, the maps) draws every frame and the others (tables,
        histograms) about ten times a second (see ``frames``). ``parts``:
        the parts of a heavy snapshot it draws (``snapshot.MAPS``...), which
        the worker measures while training runs only as long as ``shown()``
        says the view is in sight."""
        self.scheduler.add(refresh, every_frame, parts, shown)

    # -- transport -----------------------------------------------------------------------
    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        if self.playing or self.session is None:
            return
        self.transport.stop()
        self.keeper.capture_initial()
        self._set_message("")
        self.transport.play()
        self.state_changed.emit()

    def pause(self) -> None:
        if not self.transport.pause():
            return
        self.sync_to_document()
        self.state_changed.emit()

    def step_batch(self) -> None:
        self._step(STEPS)

    def step_epoch(self) -> None:
        self._step(EPOCHS)

    def step_player(self, group: str, count: int = 1) -> None:
        """A GAN: ``count`` updates of the generator or the discriminator alone."""
        self._step(STEPS, group, count)
        self.player_stepped.emit(group)

    def _step(self, mode: str, player: str = "", count: int = 1) -> None:
        if self.session is None:
            return
        if self.playing:
            self.pause()
        self.transport.stop()
        self.keeper.capture_initial()
        self._set_message("")
        self.transport.step(mode, count, player)

    def reset_weights(self) -> None:
        """New random weights (the design's initialisation) and an empty
        history, as one undoable command; a new run begins."""
        if self.session is None and self.error:
            return
        was_playing = self.playing
        self.pause()
        self.sync_to_document()
        self._new_run("Reset weights", Numbers(*initial_numbers(self.document.design, self._rng)))
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
        self._new_run("Restart from the starting weights", self.sync.restart_numbers(self.keeper))
        if was_playing:
            self.play()

    def _new_run(self, text: str, numbers: Numbers) -> None:
        try:
            ops = self.sync.run_ops(numbers)
        except EditError as e:
            self._set_message(str(e), "error")
            return
        self._set_message("")  # what was said about the run before (budget spent, diverged) is over
        self.run_started.emit()
        self.sync.push(text, ops)
        self.divergences = []
        design = self.document.design
        same = self.keeper.numbers is not None and not self.sync.structural(design)  # the session's keys are these
        self.keeper.initial = (self.keeper.numbers.keys if same else Keys.of(design), numbers.copy())
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
        self.transport.stop()
        pushed = False
        try:
            pushed = self.sync.push_training(self.keeper, steps_merge)
        except EditError as e:  # not finite, or the design changed under us
            self._set_message(f"the trained weights could not be kept: {e}", "error")
        finally:
            if running and self.playing:
                self.transport.run(PLAY)
        return pushed

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
        if self.sync.pushing:
            return
        design = self.document.design
        if self._later == (design, self.document.revision):
            return  # its session is on its way (a new path after the new design, say)
        what, now = self.sync.classify(design, self.error)
        if what == UNCHANGED:
            return
        if what == REPLACED:  # New, Open, Revert
            self.transport.playing = False
            self.keeper.carry = None
            self.keeper.initial = None
            self.divergences = []
            self.design_replaced.emit()
            if len(design.connections) >= LATER_CONNECTIONS:
                self._rebuild_later(design, now)
            else:
                self._rebuild(keep_progress=False, history_changed=True, now=now)
            return
        if what == SETTINGS:
            # Training settings: the trainer reads them live. A different
            # loss scores the same network differently: measure it again.
            if not self.playing and self.session is not None and self.session.trainer.uses_loss \
                    and Loss(design.training.loss) != self.session.network.loss:
                self.transport.run(REFRESH)
            return
        if what == NUMBERS:
            self._numbers_edited(now)
            return
        structural = self.sync.structural(design)
        was_playing = self.playing
        history_changed = design.history is not self.sync.doc_history
        if not design.history and self.keeper.history and self.sync.data_changed(design):
            # Other data (or another task) with the history cleared: a new run.
            # The curves keep the old one faded; what was said about it is over.
            history_changed = True
            self.divergences = []
            self._set_message("")
            self.run_started.emit()
        self._rebuild(keep_progress=True, history_changed=history_changed, now=now)
        if was_playing and self.session is not None:
            if structural:
                self.transport.playing = False
                self._set_message("Training paused because the network changed. Press Play to go on.", "info")
            else:
                self.transport.playing = True
                self.transport.run(PLAY)
        self.state_changed.emit()

    def _numbers_edited(self, now: Numbers) -> None:
        """A weight typed in the inspector, an applied learn-mode update, an
        undo or redo of one: the live network takes the numbers (merged with
        what training did since the last sync); the session, the data and
        training's progress stay."""
        self.transport.stop()
        self.keeper.write_numbers(self.sync.edited_numbers(self.keeper, now))
        self.transport.run(PLAY if self.playing else REFRESH)
        self.state_changed.emit()

    # -- building the session ------------------------------------------------------------------
    def _rebuild_later(self, design: Design, now: Numbers) -> None:
        """Another large design: the old session goes now, the new one is
        built a moment later, once the window has drawn the design and
        answered (drawing it and building its session one after the other
        held the window for the sum of both). Meanwhile the views say so."""
        self.transport.stop()
        self.keeper.drop("", another_design=True, history=design.history)
        self.transport.attach(None, None, self.keeper.session_id)
        self.message, self.message_kind = PREPARING, "info"
        self._later = (design, self.document.revision)
        self.session_changed.emit()
        self.history_reset.emit()
        self.state_changed.emit()
        QTimer.singleShot(LATER_MS, self, lambda: self._build_later(design, now))

    def _build_later(self, design: Design, now: Numbers) -> None:
        if self._later != (design, self.document.revision) or self.document.design is not design:
            return  # the design changed meanwhile, and that change built its session
        self._later = None
        if self.message == PREPARING:
            self.message, self.message_kind = "", ""
        self._rebuild(keep_progress=False, history_changed=True, now=now)

    @property
    def preparing(self) -> bool:
        """A session is on its way (``_rebuild_later``)."""
        return self._later is not None

    def _rebuild(self, keep_progress: bool, history_changed: bool, now: Numbers | None = None) -> None:
        """Build the session from the Document's design. With
        ``keep_progress`` the trained numbers (and unsynced history) carry
        over to what the user did not change."""
        self._later = None  # a session on its way is superseded
        self.transport.stop()
        design = self.document.design
        now = all_numbers(design) if now is None else now
        keeper = self.keeper
        carry = keeper.carry
        if keep_progress and keeper.session is not None:
            carry = self.sync.progress(keeper, history_changed)
        if not keep_progress:
            carry = None
        numbers = self.sync.numbers_for(design, now, carry)
        had_error = bool(keeper.error)
        same = not had_error and self.sync.design is design and self.sync.same_network(design, keeper.session)
        ready = None if same else prepared.take(design)
        if ready is not None:
            self.sync.known_keys(design, ready.keys)
        try:
            keeper.build(design, numbers, carry, self.base_dir(), same_network=same,
                         compiled=None if ready is None else ready.compiled,
                         parameter_map=None if ready is None else ready.parameter_map, own=numbers is now)
        except (DesignError, DataError, EditError, ValueError) as e:
            self._cannot_train(design, now, e, keep_progress, carry)
            return
        self.transport.attach(keeper.session, keeper.measure, keeper.session_id)
        self.sync.after_build(keeper, design, numbers, now, carry)
        if had_error:
            self._set_message("")  # the design trains again
        self.session_changed.emit()
        self.history_reset.emit()
        self.state_changed.emit()
        self.transport.run(REFRESH)

    def _cannot_train(self, design: Design, now: Numbers, e: Exception, keep_progress: bool, carry) -> None:
        keeper = self.keeper
        before = (keeper.session is not None, keeper.error)
        if not design.neurons:  # a blank design: nothing is wrong yet
            error, kind = "Nothing to train yet: add input and output neurons and connect them.", "info"
        else:
            error, kind = _capitalised(str(e)), "error"
        keeper.drop(error, another_design=not keep_progress, history=design.history)
        keeper.carry = carry if keep_progress else None  # what training did, for when the design works again
        self.transport.attach(None, None, keeper.session_id)
        self.transport.playing = False
        self._set_message(error, kind)
        self.sync.built_from(design, now)
        if not keep_progress:  # another design: the views must not show the old one's
            self.session_changed.emit()
            self.history_reset.emit()
            self.state_changed.emit()
        elif before != (False, keeper.error):
            # The network went away, or why it cannot train changed: the
            # views say why now (the curves and counters stay, for when
            # the design works again).
            self.session_changed.emit()
            self.state_changed.emit()

    # -- the worker -------------------------------------------------------------------------
    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        if self.keeper.current(snap):
            self._take(snap)

    def _take(self, snap: Snapshot) -> None:
        self.keeper.take(snap)
        self.scheduler.arrived(snap.paced and snap.job_id == self.transport.job_id and self.playing)

    @Slot(object)
    def _on_job_finished(self, outcome: Outcome) -> None:
        if outcome.job.session_id != self.session_id:
            return
        if outcome.snapshot is not None:
            self._take(outcome.snapshot)
        mode, reason = outcome.job.mode, outcome.reason
        if outcome.job.id != self.transport.job_id or mode == REFRESH or reason == STOPPED:
            return  # superseded, or stopped on our request (handled there)
        if mode in (STEPS, EPOCHS) and reason == DONE:
            self.sync_to_document(steps_merge=mode == STEPS)
            self.state_changed.emit()
            return
        # The run ended by itself: diverged, target reached, budget spent...
        self.transport.playing = False
        self._tell_outcome(outcome)
        self.sync_to_document()
        self.state_changed.emit()

    def _tell_outcome(self, outcome: Outcome) -> None:
        reason, text = outcome.reason, _sentence(outcome.message)
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

    def _set_message(self, text: str, kind: str = "info") -> None:
        text = _capitalised(text)  # engine messages start in lower case
        self.message, self.message_kind = text, kind if text else ""
        self.state_changed.emit()


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
