"""Switching from full speed to a paced speed while Play runs: the first
paced frame comes at once, and the next one only when the window has drawn
it, even if a frame was granted while the worker ran flat out (the window
would otherwise receive two frames for one draw and skip a step)."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt

import nnsim
from nnsim.app.training.pace import pace_by_key
from nnsim.app.training.transport import Transport
from nnsim.app.training.worker import PLAY, Job, TrainingWorker
from nnsim.session import Session


class Snap:
    def __init__(self, step, paced):
        self.step, self.paced = step, paced


class Measure:
    """Records the step of every snapshot instead of measuring views."""

    def __init__(self, session):
        self.session = session

    def snapshot(self, job_id, rate, heavy, final, running, paced=False):
        return Snap(self.session.trainer.step_count, paced)


def _worker(pace: str):
    session = Session(nnsim.example("xor-mlp"))
    worker = TrainingWorker()
    worker.session, worker.measure, worker.session_id = session, Measure(session), 1
    worker.pace = pace_by_key(pace)
    frames: list[Snap] = []
    # Received in the worker's thread: this test has no event loop running.
    worker.snapshot_ready.connect(lambda s: frames.append(s) if s.paced else None, Qt.ConnectionType.DirectConnection)
    return worker, frames


def _wait(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.002)


def test_switching_to_a_paced_speed_lets_one_frame_through_however_slow_the_window_is(qapp, monkeypatch):
    """The window's thread may be held up at any moment (here: inside any
    grant it gives); the worker must still send one frame per draw."""
    session = Session(nnsim.example("xor-mlp"))
    transport = Transport()
    frames: list = []
    transport.worker.snapshot_ready.connect(
        lambda s: frames.append(s.step) if s.paced else None, Qt.ConnectionType.DirectConnection)
    try:
        transport.attach(session, Measure(session), 1)
        transport.set_pace(pace_by_key("fastest"))
        assert transport.play()
        _wait(lambda: session.trainer.step_count > 50)
        grant = transport.worker.grant_frame

        def slow_grant():
            time.sleep(0.2)  # the window's thread is descheduled
            grant()

        monkeypatch.setattr(transport.worker, "grant_frame", slow_grant)
        transport.set_pace(pace_by_key("step"))
        _wait(lambda: len(frames) >= 1)  # the first paced frame needs no grant
        time.sleep(0.4)
        assert len(frames) == 1  # the next one waits until the window drew this one
        for k in range(5):  # the window draws each frame and grants the next: one step each
            grant()
            _wait(lambda: len(frames) >= k + 2)
        assert [b - a for a, b in zip(frames, frames[1:])] == [1] * 5
    finally:
        transport.playing = False
        transport.shutdown()


def test_a_paced_job_starts_at_once_and_waits_for_each_frame(qapp):
    worker, frames = _worker("epoch")
    worker.begin_job()
    thread = threading.Thread(target=worker.run_job, args=(Job(1, 1, PLAY),))
    thread.start()
    try:
        _wait(lambda: len(frames) >= 1)
        time.sleep(0.2)
        assert len(frames) == 1
        per_epoch = worker.session.trainer.steps_per_epoch
        assert frames[0].step == per_epoch
        worker.grant_frame()
        _wait(lambda: len(frames) >= 2)
        assert frames[1].step == 2 * per_epoch
    finally:
        worker.stop_and_wait()
        thread.join(10)
