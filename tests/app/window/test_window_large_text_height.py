"""At the largest text size (a teacher presenting on a 1366x768 projector)
the Train workspace keeps the window within the screen. Its right column
holds two groups of views (the data's views above, the cost curves under
them); each view asked for its least height, so the column asked for more
than the screen's height and the window grew past it (to 904-941 pixels).
Now a view that is taller than its dock scrolls there, whole (nothing
squeezed, nothing scrolling sideways), and takes the whole dock when there is
room; in a short dock the cost curves come before their settings.

Each run is a child process: Qt reads the offscreen screen's size once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("large_text_run.py")
TIMEOUT = 120  # s; a run takes a few seconds
SCREEN = {"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1366, "height": 768,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def _run(folder: Path, example: str, size: float) -> dict:
    screen = folder / "screen.json"
    screen.write_text(json.dumps(SCREEN))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}",
               NNSIM_CONFIG_DIR=str(folder / "config"), NNSIM_DATA_DIR=str(folder / "data"))
    env.pop("QT_SCALE_FACTOR", None)
    proc = subprocess.run([sys.executable, str(SCRIPT), example, str(size)], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("example", ["circle", "sine-rnn", "reber-lstm"])  # maps, sequences, an LSTM's views
def test_train_at_the_largest_text_size_keeps_the_window_on_the_screen(tmp_path, example):
    run = _run(tmp_path, example, 2.5)
    assert run["workspace"] == "train" and run["available"] == 768, run
    assert run["frame"] <= run["available"], run
    assert run["squeezed"] == [], run  # a view shorter than its dock scrolls; its text is not cut off
    assert run["sideways"] == [], run  # a dock keeps the width its view needs, a scroll bar's too
    # The cost curves come first in their short dock, their settings a scroll away.
    assert run["cost_curves_shown"], run
