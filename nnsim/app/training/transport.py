"""Play, pause and step: the training thread, its worker and the jobs it runs.

The worker lives in its own QThread. While a job runs it alone touches the
session; the GUI thread touches the session only after ``stop`` returned
(the worker is idle). ``run`` starts a job (play, some steps, an epoch, or
a fresh snapshot); snapshots and the job's outcome come back as signals in
the GUI thread. The controller (``controller.py``) decides what a finished
job means for the Document and the user.
"""

from __future__ import annotations

import atexit
import sys

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication

from nnsim.app.training.pace import DEFAULT_PACE, Pace, pace_by_key
from nnsim.app.training.snapshot import Measure
from nnsim.app.training.worker import EPOCHS, PLAY, REFRESH, STEPS, Job, TrainingWorker
from nnsim.engine.program import READY
from nnsim.session import Session

__all__ = ["EPOCHS", "PLAY", "REFRESH", "STEPS", "Transport"]

# While the worker runs pure-Python training steps it holds the GIL; the GUI
# thread needs it for every Python paint() and slot. With CPython's default
# 5 ms switch interval each of those can wait 5 ms (a frame of 20 Python
# calls: 100 ms). 0.5 ms keeps frames smooth (measured: longest stall
# 245-540 ms -> 30-45 ms) at no clear cost in training speed. Process-wide
# while a transport lives; the worker also steps aside (worker._give_way).
SWITCH_INTERVAL = 0.0005


class Transport(QObject):
    """The training thread and the jobs it runs; whether Play is on."""

    snapshot_arrived = Signal(object)  # Snapshot, in the GUI thread
    job_ended = Signal(object)  # Outcome, in the GUI thread
    job_started = Signal()  # a job was asked for (frames of an older job are stale)

    _job_requested = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.playing = False
        self.pace: Pace = pace_by_key(DEFAULT_PACE)
        self.job_id = 0
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

    # -- the session the worker trains -----------------------------------------------------
    def attach(self, session: Session | None, measure: Measure | None, session_id: int) -> None:
        """The session jobs run on from now (the worker must be idle). The
        sample the sample view follows carries over to a new session."""
        old = self.worker.measure
        if measure is not None and old is not None:
            measure.sample_request = old.sample_request
        self.worker.session, self.worker.measure, self.worker.session_id = session, measure, session_id

    # -- jobs ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the running job and wait until the worker is idle."""
        if not self.worker.stop_and_wait(10.0):  # pragma: no cover - a step that takes > 10 s
            raise RuntimeError("the training thread did not stop")

    def run(self, mode: str, count: int = 0, player: str = "") -> None:
        """Start a job (PLAY, STEPS, EPOCHS or REFRESH) on the attached session
        (``player``: a GAN's steps of that player alone)."""
        session = self.worker.session
        if session is None or not self.thread.isRunning():
            return
        self.stop()
        self.job_id += 1
        self.job_started.emit()
        job = Job(self.job_id, self.worker.session_id, mode, count, session.trainer.epoch, player)
        self.worker.begin_job()
        self._job_requested.emit(job)

    def play(self) -> bool:
        """Train until paused (or the run ends by itself). False if already playing."""
        if self.playing or self.worker.session is None:
            return False
        self.stop()
        self._ready()
        self.playing = True
        self.run(PLAY)
        return True

    def pause(self) -> bool:
        """Stop playing (the worker is idle afterwards). False if not playing."""
        if not self.playing:
            return False
        self.playing = False
        self.stop()
        return True

    def step(self, mode: str, count: int = 1, player: str = "") -> None:
        """Train ``count`` steps (STEPS) or epochs (EPOCHS), then stop
        (``player``: a GAN's steps of that player alone)."""
        self.stop()
        self._ready()
        self.run(mode, count, player)

    def _ready(self) -> None:
        trainer = self.worker.session.trainer
        if trainer.status != READY:
            trainer.resume()

    # -- speed ------------------------------------------------------------------------------
    def set_pace(self, pace: Pace) -> bool:
        """How fast Play trains; takes effect at once. False if unchanged."""
        if pace == self.pace:
            return False
        old, self.pace = self.pace, pace
        self.worker.pace = pace
        if self.playing and old.paced and not pace.paced:
            # The worker may be waiting for its next frame. (Full speed ->
            # paced needs nothing: the worker's first paced frame never waits.)
            self.worker.grant_frame()
        return True

    @property
    def paced(self) -> bool:
        """Whether Play runs at a paced speed right now."""
        return self.playing and self.pace.paced

    # -- from the worker ------------------------------------------------------------------
    @Slot(object)
    def _on_snapshot(self, snap) -> None:
        self.worker.acked = True
        self.snapshot_arrived.emit(snap)

    @Slot(object)
    def _on_job_finished(self, outcome) -> None:
        self.job_ended.emit(outcome)

    # -- life ----------------------------------------------------------------------------
    @Slot()
    def shutdown(self) -> None:
        """Stop training and the worker thread (idempotent)."""
        if not self.thread.isRunning():
            return
        self.playing = False
        self.worker.stop_and_wait(10.0)
        self.thread.quit()
        self.thread.wait(10_000)
        _forget(self.thread)
        if not _LIVE:  # the last training thread: back to Python's own
            sys.setswitchinterval(self._switch_interval)


# Worker threads still running: a QThread destroyed while it runs aborts the
# process, so the last of them are stopped when Python exits.
_LIVE: list[tuple[QThread, TrainingWorker]] = []
_SWITCH_BEFORE = [0.005]  # Python's switch interval before the first transport


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
