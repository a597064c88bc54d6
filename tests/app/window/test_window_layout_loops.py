"""No layout feedback loop, in the window layout a user can reach: every
panel open and docked together under the canvas at 1366x768, saved at quit,
restored at the next start, then Blank design and three parts added by
double-click. Each run is a child process whose timeout is the watchdog: a
loop fails the test instead of hanging the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("crowded_layout_run.py")
TIMEOUT = 120  # s; a run takes a few seconds
MOST_RESIZES = 60  # per widget while three parts are added; a loop makes thousands


def _run(step: str, env: dict, *args: str) -> dict:
    try:
        proc = subprocess.run([sys.executable, str(SCRIPT), step, *args], env=env, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"'{step}' did not finish in {TIMEOUT} s: the window stopped responding")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("workspace", ["learn", "train"])
def test_a_crowded_layout_restored_at_start_does_not_spin(tmp_path, workspace):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNSIM_CONFIG_DIR=str(tmp_path / "config"),
               NNSIM_DATA_DIR=str(tmp_path / "data"))
    assert _run("save", env, workspace) == {"saved": True}
    result = _run("load", env)
    assert result["layers"] == 3
    busy = {name: n for name, n in result["resizes"].items() if n > MOST_RESIZES}
    assert not busy, f"resized again and again: {busy}"
