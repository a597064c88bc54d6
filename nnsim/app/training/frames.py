"""When the training views redraw: the GUI side of the frames.

At full speed a timer ticks about 30 times a second; each tick announces a
newer snapshot (``updated``) and gives one heavy view (maps, histograms...)
its turn, round robin, so that their redraws spread over frames.

At a paced speed each frame is drawn when its snapshot arrives (at most 60 a
second): the worker is granted the next frame first, then the counters and
curves, the canvas and the maps draw from this one snapshot; the histograms
and tables take turns about ten times a second (drawing them every frame
cost a third of a frame). The worker trains the next frame meanwhile and
waits for the one after, so it never runs ahead of what is shown.

The worker measures only what will be drawn (``Measure.wanted``): the parts
of the views in sight, and at a paced speed those of the histograms and
tables only for the frames in which they take their turn.
"""

from __future__ import annotations

import time

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Slot

from nnsim.app.training.snapshot import EVERY_PART

FRAME_MS = 33  # at full speed, views redraw at most ~30 times a second
PACED_FRAME = 1 / 60  # s; at a paced speed frames come at most this often (TensorFlow Playground's 60 a second)
OTHERS_INTERVAL = 0.1  # s; at a paced speed, how often the views that need not follow every frame take a turn
FRAME_HOLD = 0.004  # s the worker pauses after a frame that redrew something


@dataclass(eq=False)
class HeavyViewEntry:
    refresh: Callable[[], bool]  # draws the newest heavy snapshot; whether it drew anything
    every_frame: bool
    parts: frozenset[str]  # the parts of a heavy snapshot it draws (``snapshot.MAPS``...)
    shown: Callable[[], bool] | None  # whether it is in sight (None: always)

    def in_sight(self) -> bool:
        try:
            return self.shown is None or bool(self.shown())
        except RuntimeError:  # its C++ side is gone
            return False


class FrameScheduler(QObject):
    """Draws the training controller's snapshots: announces them
    (``controller.updated``) and calls the heavy views' ``refresh``."""

    def __init__(self, controller):
        super().__init__(controller)
        self.controller = controller
        self.views: list = []  # refresh() callables, returning whether they drew
        self.every_frame: set[int] = set()  # ids of the views drawn in every paced frame
        self.entries: list[HeavyViewEntry] = []  # what each view draws and whether it is in sight
        self._asked_others = True  # the frame being trained measures the other views' parts
        self.frames = 0  # paced frames drawn
        self.frame_hold = FRAME_HOLD
        self._fresh = False  # a snapshot to announce at the next tick
        self._pending = False  # a paced frame arrived and waits to be drawn
        self._paced_at = 0.0  # when the last paced frame was drawn
        self._others_at = 0.0  # when a paced frame last gave another view its turn
        self._turn = 0
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._paced_timer = QTimer(self)
        self._paced_timer.setSingleShot(True)
        self._paced_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._paced_timer.timeout.connect(self._paced_frame)

    def add(self, refresh, every_frame: bool = False, parts=(), shown=None) -> None:
        """``parts``: what it draws of a heavy snapshot (None: every part);
        ``shown()``: whether it is in sight now (None: always)."""
        self.views.append(refresh)
        if every_frame:
            self.every_frame.add(id(refresh))
        self.entries.append(HeavyViewEntry(refresh, every_frame, EVERY_PART if parts is None else frozenset(parts),
                                           shown))

    def wanted(self, others: bool = True) -> frozenset[str]:
        """The parts of a heavy snapshot that the views in sight draw; with
        ``others`` False only those of the views drawn every paced frame."""
        parts: set[str] = set()
        for entry in self.entries:
            if entry.parts and (others or entry.every_frame) and not entry.parts <= parts and entry.in_sight():
                parts |= entry.parts
        return frozenset(parts)

    def _ask(self, others: bool = True) -> None:
        """Tell the worker what to measure in its next heavy snapshot."""
        measure = self.controller.measure
        if measure is not None:
            measure.wanted = self.wanted(others)
        self._asked_others = others

    def stop(self) -> None:
        self.timer.stop()
        self._paced_timer.stop()

    # -- what arrives ---------------------------------------------------------------------
    def job_started(self) -> None:
        self._pending = False  # a frame of the job before is not one of this job's

    def arrived(self, paced_frame: bool) -> None:
        """A snapshot was taken. ``paced_frame``: one frame of the running
        paced job, which waits until it is drawn."""
        if not paced_frame:
            self._fresh = True
            return
        self._pending = True
        wait = self._paced_at + PACED_FRAME - time.perf_counter()
        if wait <= 0.001:
            self._paced_frame()
        elif not self._paced_timer.isActive():
            self._paced_timer.start(max(1, int(wait * 1000)))

    # -- drawing ------------------------------------------------------------------------
    @Slot()
    def _paced_frame(self) -> None:
        c = self.controller
        if not self._pending or not c.playing:
            return
        self._pending = False
        self._fresh = False
        now = self._paced_at = time.perf_counter()
        # The histograms and tables are measured for the frames in which they
        # take their turn: the next one if a turn falls due by then, or if
        # this one's turn finds nothing of theirs to draw.
        turn_now = now - self._others_at >= OTHERS_INTERVAL
        due_next = now + PACED_FRAME - 0.002 - self._others_at >= OTHERS_INTERVAL  # frames come at most 1 ms early
        self._ask(others=(turn_now and not self._asked_others) or (due_next and not turn_now))
        c.worker.grant_frame()
        c.updated.emit()
        for view in [v for v in self.views if id(v) in self.every_frame]:
            try:
                view()
            except RuntimeError:  # the view's C++ side is gone
                self._drop(view)
        if now - self._others_at >= OTHERS_INTERVAL:
            if self._take_turn([v for v in self.views if id(v) not in self.every_frame]):
                self._others_at = now
        self.frames += 1
        self._hold_worker()

    @Slot()
    def _tick(self) -> None:
        c = self.controller
        if c.paced:
            return  # each paced frame draws itself
        self._ask()
        drew = False
        if self._fresh:
            self._fresh = False
            c.updated.emit()
            drew = True
        if self._take_turn(self.views):
            drew = True
        if drew and c.playing:
            self._hold_worker()

    def _hold_worker(self) -> None:
        # The repaint that follows runs Python paint code; the worker steps
        # aside for a moment so that it need not fight for the GIL.
        self.controller.worker.hold_until = time.perf_counter() + self.frame_hold

    def _take_turn(self, views: list) -> bool:
        """Give the next of ``views`` that has something to draw its turn."""
        for k in range(len(views)):
            view = views[(self._turn + k) % len(views)]
            try:
                did = view()
            except RuntimeError:  # the view's C++ side is gone
                self._drop(view)
                return False
            if did:
                self._turn += k + 1
                return True
        return False

    def _drop(self, view) -> None:
        self.views.remove(view)
        self.every_frame.discard(id(view))
        self.entries = [e for e in self.entries if e.refresh is not view]
