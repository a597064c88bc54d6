"""The training worker: a QObject living in its own QThread.

It runs jobs (play, a number of steps, one epoch, or just a fresh snapshot)
on the session it is given. Play goes at the worker's ``pace``:

* paced (a step, an epoch or ten epochs a frame): it trains one frame's worth,
  emits a snapshot with every heavy measurement, and waits until the GUI took
  it (``grant_frame``) before training the next; so it never runs ahead of
  what the window shows;
* as fast as possible: it trains in chunks of a few milliseconds and emits
  snapshots throttled (~30/s light, ~10/s heavy), never more than one waiting
  for the GUI at a time.

Between frames or chunks it looks at the live training settings (an optimizer
or loss change takes effect there), checks whether the GUI asked it to stop,
and steps aside for the GUI (``_give_way``): with arrays this small NumPy
never releases the GIL, so without that a frame's Python paint calls would
each wait for the worker.

Ownership protocol: while a job runs, only the worker touches the session.
The GUI touches it only after ``stop_and_wait`` returned (the worker is idle);
it marks the worker busy (``begin_job``) before asking for a job.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from nnsim.app.training.pace import DEFAULT_PACE, Pace, pace_by_key
from nnsim.app.training.snapshot import Measure, Snapshot
from nnsim.engine.program import READY
from nnsim.session import Session

PLAY, STEPS, EPOCHS, REFRESH = "play", "steps", "epochs", "refresh"
FULL_HISTORY = 1000  # epochs of a session measured one by one before thinning
UNBOUNDED = 2**62  # steps left in a Play job without an epoch budget

# How the run ended, besides the trainer's own status.
STOPPED = "stopped"  # the GUI asked
BUDGET = "budget"  # the epoch budget is spent
DONE = "done"  # a step or epoch job finished
FAILED = "failed"  # a setting does not fit the network (message says why)


@dataclass
class Job:
    id: int
    session_id: int
    mode: str
    count: int = 0  # steps (STEPS) or epochs (EPOCHS)
    start_epoch: int = 0
    player: str = ""  # a GAN's steps of one player alone ("generator" or "discriminator")


@dataclass
class Outcome:
    """Why a job ended, with its final snapshot."""

    job: Job
    reason: str
    message: str
    snapshot: Snapshot | None


class TrainingWorker(QObject):
    snapshot_ready = Signal(object)  # Snapshot
    job_finished = Signal(object)  # Outcome

    def __init__(self):
        super().__init__()
        self.session: Session | None = None
        self.measure: Measure | None = None
        self.session_id = 0
        self.acked = True  # the GUI took the last snapshot (set from the GUI thread)
        self.snapshot_interval = 1 / 30
        self.heavy_interval = 1 / 10
        self.chunk_seconds = 0.002
        self.eval_interval = 1 / 50  # measure loss and accuracy at most this often (after FULL_HISTORY)
        self.heavy_enabled = True
        self.hold_until = 0.0  # set by the GUI thread (see ``_give_way``)
        self.pace: Pace = pace_by_key(DEFAULT_PACE)  # set by the GUI thread; read before each frame or chunk
        self._frame_go = threading.Event()  # at a paced speed: the window took the last frame
        self._per_step = 1e-4  # s, a running estimate
        self._last_eval = 0.0
        self.nap_every = 0.008  # s of training between naps
        self.nap = 0.0005  # s
        self._last_nap = 0.0
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._rate = RateMeter()

    # -- the GUI thread's side ---------------------------------------------------------
    def begin_job(self) -> None:
        """Called by the GUI thread just before it asks for a job."""
        self._stop.clear()
        self._idle.clear()
        self._frame_go.set()  # a paced job's first frame needs no wait

    def grant_frame(self) -> None:
        """At a paced speed: the window took the last frame; train the next."""
        self._frame_go.set()

    def stop_and_wait(self, timeout: float = 10.0) -> bool:
        """Ask the running job to stop and wait until the worker is idle."""
        self._stop.set()
        self._frame_go.set()  # a paced job waiting for its frame wakes up and stops
        return self._idle.wait(timeout)

    @property
    def idle(self) -> bool:
        return self._idle.is_set()

    # -- the worker thread -------------------------------------------------------------------
    @Slot(object)
    def run_job(self, job: Job) -> None:
        outcome = None
        try:
            outcome = self._run(job)
        except Exception as e:  # never leave the GUI waiting for a dead job
            outcome = Outcome(job, FAILED, f"training stopped: {type(e).__name__}: {e}", None)
            try:
                outcome.snapshot = self._snapshot(job, heavy=True, final=True, running=False)
            except Exception:  # noqa: BLE001 - the message above says enough
                pass
        finally:
            self._idle.set()
            if outcome is not None:
                self.job_finished.emit(outcome)

    def _run(self, job: Job) -> Outcome:
        session, measure = self.session, self.measure
        if session is None or measure is None or job.session_id != self.session_id:
            return Outcome(job, STOPPED, "", None)
        trainer = session.trainer
        if job.mode == REFRESH or self._stop.is_set():
            self._follow_settings(session)  # a changed loss is measured at once (Play says if it does not fit)
            return Outcome(job, STOPPED, "", self._snapshot(job, heavy=True, final=True, running=False))
        if job.player:  # a GAN: updates of one player (AdversarialProgram.train_player)
            self._follow_settings(session)
            trainer.train_player(job.player, job.count)
            reason = DONE if trainer.status == READY else trainer.status
            return Outcome(job, reason, trainer.message, self._snapshot(job, heavy=True, final=True, running=False))
        self._rate.start(trainer.step_count)
        last_snap = last_heavy = time.perf_counter()
        self._last_eval = 0.0
        self._per_step = 1e-4
        done = 0
        target_epoch = trainer.epoch + job.count if job.mode == EPOCHS else None
        reason, message = DONE, ""
        was_paced = False
        while True:
            pace = self.pace if job.mode == PLAY else None
            paced = pace is not None and pace.paced
            if paced and not self._await_frame(first=not was_paced):
                reason = STOPPED
                break
            was_paced = paced
            problem = self._follow_settings(session)
            if problem:
                reason, message = FAILED, problem
                break
            left = self._steps_left(job, trainer, done, target_epoch)
            if left is None:
                reason = BUDGET
                message = f"reached the epoch budget: {budget_end(job.start_epoch, trainer.settings.epochs)} epochs"
                break
            if left <= 0:
                break
            if paced:
                # One frame's worth, then every view measured once: the
                # window draws exactly this state before the next frame.
                n = min(left, pace.steps_in_frame(trainer.steps_left_in_epoch(), trainer.steps_per_epoch))
                while n > 0 and trainer.status == READY and not self._stop.is_set():
                    ran = self._advance(trainer, n, left)
                    done, n, left = done + ran, n - ran, left - ran
                    if not ran:
                        break
            else:
                done += self._advance(trainer, min(left, max(1, int(self.chunk_seconds / self._per_step))), left)
            if trainer.status != READY:
                reason, message = trainer.status, trainer.message
                break
            if self._stop.is_set():
                reason = STOPPED
                break
            if paced:
                self.acked = False
                self.snapshot_ready.emit(self._snapshot(job, heavy=True, final=False, running=True, paced=True))
                last_snap = last_heavy = time.perf_counter()
            else:
                self._give_way()
                t1 = time.perf_counter()
                if t1 - last_snap >= self.snapshot_interval and self.acked:
                    heavy = self.heavy_enabled and t1 - last_heavy >= self.heavy_interval
                    self.acked = False
                    self.snapshot_ready.emit(self._snapshot(job, heavy=heavy, final=False, running=True))
                    last_snap = time.perf_counter()
                    if heavy:
                        last_heavy = last_snap
            if job.mode == STEPS and done >= job.count:
                break
            if job.mode == EPOCHS and trainer.epoch >= target_epoch:
                break
        return Outcome(job, reason, message, self._snapshot(job, heavy=True, final=True, running=False))

    def _steps_left(self, job: Job, trainer, done: int, target_epoch: int | None) -> int | None:
        """Steps until the job is done (a large number when Play has no
        budget); None once the epoch budget is spent."""
        if job.mode == STEPS:
            return job.count - done
        if job.mode == EPOCHS:
            end = target_epoch
        elif trainer.settings.stop_after_epochs:
            end = budget_end(job.start_epoch, trainer.settings.epochs)
            if trainer.epoch >= end:
                return None
        else:
            return UNBOUNDED
        return trainer.steps_left_in_epoch() + max(0, end - trainer.epoch - 1) * trainer.steps_per_epoch

    def _advance(self, trainer, n: int, last: int) -> int:
        """Train up to ``n`` steps (``last``: steps left in the job), stopping
        at the end of an epoch, so that we choose whether that epoch is
        measured: every epoch of a run's first FULL_HISTORY, then at most ~50
        times a second (tiny epochs would otherwise spend their time measuring
        and fill the history), and always at the end of a job."""
        left = trainer.steps_left_in_epoch()
        evaluate = False
        if n >= left:
            n = left
            t = time.perf_counter()
            evaluate = n == last or t - self._last_eval >= self.eval_interval or len(trainer.history) < FULL_HISTORY
            if evaluate:
                self._last_eval = t
        t0 = time.perf_counter()
        ran = trainer.train_steps(n, evaluate=evaluate)
        t1 = time.perf_counter()
        if ran:
            self._per_step = 0.7 * self._per_step + 0.3 * (t1 - t0) / ran
        self._rate.add(trainer.step_count, t1)
        return ran

    def _await_frame(self, first: bool = False) -> bool:
        """At a paced speed: wait until the window has taken the last frame
        (``grant_frame``). False when asked to stop meanwhile.

        The ``first`` paced frame (of a job, or after full speed) waits for
        nothing, and spends any grant given before it: one given while the
        worker ran flat out would otherwise let a second frame through before
        the window drew the first, and the window would skip one."""
        if first:
            self._frame_go.set()
        while not self._frame_go.wait(0.05):
            if self._stop.is_set():
                return False
        self._frame_go.clear()
        if self._stop.is_set():
            return False
        self._give_way()
        return True

    def _give_way(self) -> None:
        """Between chunks, step aside while the GUI repaints a frame.

        Small arrays never make NumPy release the GIL, so a training loop
        holds it all the time, and the GUI thread needs it for every Python
        call of a paint (hundreds a frame), waiting up to a switch interval
        for each. After a frame that redrew something, the controller sets
        ``hold_until``; the worker sleeps (without the GIL) until then."""
        now = time.perf_counter()
        wait = self.hold_until - now
        if wait > 0:
            time.sleep(min(wait, 0.05))
        elif now - self._last_nap >= self.nap_every:
            # A short nap now and then: when other programs keep the second
            # core busy, the GUI thread would otherwise only run when the
            # scheduler takes the CPU away from this thread.
            time.sleep(self.nap)
        else:
            return
        self._last_nap = time.perf_counter()

    def _snapshot(self, job: Job, heavy: bool, final: bool, running: bool, paced: bool = False) -> Snapshot:
        return self.measure.snapshot(job.id, self._rate.value, heavy, final, running, paced)

    def _follow_settings(self, session: Session) -> str:
        """Apply an optimizer or loss change made while training (between
        chunks); returns a problem to stop with, or ''."""
        return session.follow_settings()


def budget_end(start_epoch: int, budget: int) -> int:
    """The epoch a play run stops at: the budget, or, once it is spent,
    another budget's worth from where the run started."""
    budget = max(1, int(budget))
    return budget if start_epoch < budget else start_epoch + budget


class RateMeter:
    """Steps per second over roughly the last second."""

    def __init__(self):
        self.value = 0.0
        self._marks: deque[tuple[float, int]] = deque()

    def start(self, steps: int) -> None:
        self._marks = deque([(time.perf_counter(), steps)])

    def add(self, steps: int, now: float) -> None:
        marks = self._marks
        if marks and now - marks[-1][0] < 0.01:
            return  # one mark per 10 ms is plenty
        marks.append((now, steps))
        while len(marks) > 2 and now - marks[1][0] >= 1.0:
            marks.popleft()
        t0, s0 = marks[0]
        if now - t0 > 0.05:
            self.value = (steps - s0) / (now - t0)
        if math.isnan(self.value):
            self.value = 0.0
