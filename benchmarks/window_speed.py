"""What a user waits for on a large design: the whole window, not the canvas alone.

Builds two designs and saves them: layers [2, 333, 333, 333, 1] keeping
100,000 of their connections at random (1,002 neurons) and layers [2, 300,
300, 300, 1] (903 neurons, 180,900 connections), both on Playground's XOR. In one real MainWindow (1366x768, offscreen
unless QT_QPA_PLATFORM says otherwise, every panel as it starts) it measures:

  open        File → Open of the saved file until the design is drawn, the
              whole window has painted, its event loop has turned again and
              the design's training session is ready
  reset       the training panel's Reset (new weights, a new run)
  undo, redo  of a training run (one epoch, synced into the history)
  data        switching the data set (Playground circle ⇄ XOR)

For each action two figures (milliseconds):

  done    the action started -> its result painted and the window answering
  freeze  the longest the event loop did not turn meanwhile (a 10 ms
          heartbeat timer; what a user feels as a frozen window). A large
          file is read on a thread, so for Open the two differ.

Medians of ``--rounds`` rounds (default 3). The reference printed beside
them: ``nnsim.load`` of the same file, headless.

    python benchmarks/window_speed.py [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

import nnsim  # noqa: E402
from nnsim.app.main import application, create_main_window  # noqa: E402
from nnsim.design.build import initialize, layered  # noqa: E402

CASES = {
    "1,000 neurons, 100,000 connections": ([2, 333, 333, 333, 1], 100_000),
    "[2, 300, 300, 300, 1]: 903 neurons, 180,900 connections": ([2, 300, 300, 300, 1], None),
}
TARGET_MS = 1000.0


def make_design(sizes, keep):
    d = layered(sizes)
    initialize(d, np.random.default_rng(0))
    if keep is not None and keep < len(d.connections):
        rng = np.random.default_rng(1)
        chosen = np.sort(rng.choice(len(d.connections), keep, replace=False))
        d.connections = [d.connections[i] for i in chosen]
    d.dataset = nnsim.DatasetSpec("playground", "xor")
    return d


class Heartbeat:
    """A 10 ms timer; the longest gap between its ticks is the longest freeze."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.gap = 0.0
        self.timer.start()

    def _tick(self):
        now = time.perf_counter()
        self.gap = max(self.gap, now - self.last)
        self.last = now

    def reset(self):
        self.last = time.perf_counter()
        self.gap = 0.0


def measure(app, window, beat, action, until=None) -> tuple[float, float]:
    """(done, freeze) in ms for ``action()`` run from the event loop;
    ``until()``: what must hold besides (a session ready to train: a large
    design's is built a moment after it is drawn)."""
    out = {}

    def run():
        start = time.perf_counter()
        beat.reset()
        action()
        window.repaint()  # the result on screen, the whole window
        QTimer.singleShot(0, lambda: out.setdefault("end", time.perf_counter()))
        out["start"] = start

    QTimer.singleShot(0, run)
    while "end" not in out:
        app.processEvents()
    if until is not None and not until():
        while not until():
            app.processEvents()
        QTimer.singleShot(0, lambda: out.__setitem__("end", time.perf_counter()))
        end = out["end"]
        while out["end"] == end:
            app.processEvents()
    beat._tick()
    return 1000 * (out["end"] - out["start"]), 1000 * beat.gap


def settle(app, seconds=0.5):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def one_round(app, path: Path) -> dict[str, tuple[float, float]]:
    window = create_main_window(None)
    window.resize(1366, 768)
    window.show()
    settle(app, 0.3)
    beat = Heartbeat()
    c = window.training.controller
    got = {"open": measure(app, window, beat, lambda: window.files.open(path), until=lambda: c.session is not None)}
    settle(app)
    got["reset"] = measure(app, window, beat, c.reset_weights)
    settle(app)
    c.step_epoch()
    deadline = time.perf_counter() + 120
    while c.epoch < 1 and time.perf_counter() < deadline:
        app.processEvents()
    c.sync_to_document()
    settle(app)
    got["undo"] = measure(app, window, beat, window.document.undo)
    settle(app)
    got["redo"] = measure(app, window, beat, window.document.redo)
    settle(app)
    spec = window.document.design.dataset
    other = dataclasses.replace(spec, name="circle" if spec.name != "circle" else "xor")
    got["data"] = measure(app, window, beat, lambda: window.document.set_design(dataset=other))
    settle(app)
    beat.timer.stop()
    window.document.undo_stack.setClean()
    window.training.shutdown()
    window.close()
    window.deleteLater()
    settle(app, 0.2)
    return got


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    app = application()
    os.environ.setdefault("NNSIM_CONFIG_DIR", tempfile.mkdtemp(prefix="nnsim-bench-config-"))
    os.environ.setdefault("NNSIM_DATA_DIR", tempfile.mkdtemp(prefix="nnsim-bench-data-"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (sizes, keep) in CASES.items():
            path = Path(tmp) / "large.nnsim"
            nnsim.save(make_design(sizes, keep), path)
            t = time.perf_counter()
            nnsim.load(path)
            load_ms = 1000 * (time.perf_counter() - t)
            rounds = [one_round(app, path) for _ in range(args.rounds)]
            figures = {k: (statistics.median(r[k][0] for r in rounds), statistics.median(r[k][1] for r in rounds))
                       for k in rounds[0]}
            results[name] = {"nnsim.load": load_ms, "file MB": path.stat().st_size / 1e6, **{
                k: {"done": v[0], "freeze": v[1]} for k, v in figures.items()}}
            if not args.json:
                print(f"\n{name} ({path.stat().st_size / 1e6:.0f} MB file; nnsim.load alone {load_ms:.0f} ms)")
                print(f"  {'action':<8}{'done ms':>10}{'freeze ms':>12}")
                for k, (done, freeze) in figures.items():
                    flag = "" if freeze <= TARGET_MS else "   over 1 s"
                    print(f"  {k:<8}{done:>10.0f}{freeze:>12.0f}{flag}")
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
