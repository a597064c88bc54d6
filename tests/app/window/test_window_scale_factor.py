"""With QT_SCALE_FACTOR=1.5 (a high-density screen, or a teacher asking Qt
for everything larger) the network is fitted into the canvas's room as at
1.0, so it is drawn larger on the screen, not smaller. It used to be fitted
into the size the canvas had for a moment while the docks took theirs, and
kept that zoom: a quarter of its size in the Train workspace. And in a
window too small for the side columns' usual widths, they take about their
share, so the canvas keeps room.

Each run is a child process: Qt reads the scale factor and the screen once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("scaled_screen_run.py")
TIMEOUT = 120  # s; a run takes a few seconds
SCREEN = {"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def _run(folder: Path, scale: str, workspace: str) -> dict:
    screen = folder / "screen.json"
    screen.write_text(json.dumps(SCREEN))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", QT_SCALE_FACTOR=scale,
               NNSIM_CONFIG_DIR=str(folder / f"config{scale}"), NNSIM_DATA_DIR=str(folder / f"data{scale}"))
    proc = subprocess.run([sys.executable, str(SCRIPT), workspace], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A run per scale and workspace, each a fresh window in its own process,
    made once and read by every test of this module."""
    made: dict[tuple[str, str], dict] = {}

    def run(workspace: str) -> tuple[dict, dict]:
        for scale in ("1", "1.5"):
            if (scale, workspace) not in made:
                made[scale, workspace] = _run(tmp_path_factory.mktemp(f"{workspace}{scale}"), scale, workspace)
        return made["1", workspace], made["1.5", workspace]

    return run


@pytest.mark.parametrize("workspace", ["build", "train", "learn"])
def test_the_canvas_is_fitted_at_scale_factor_one_and_a_half(runs, workspace):
    plain, scaled = runs(workspace)
    assert plain["dpr"] == 1.0 and scaled["dpr"] == 1.5
    for run in (plain, scaled):  # all of the network in view, as large as fits
        assert run["contained"] and run["fills"] > 0.75, run
    # The screen is a third smaller in logical pixels, the docks' text half as
    # large again: the canvas has less room, yet a neuron stays more than half
    # as large in screen pixels (it was 34% of its size at 1.0 in Train, 50% in
    # Learn with the side columns at their widths for a large window).
    assert scaled["zoom"] * scaled["dpr"] > 0.6 * plain["zoom"] * plain["dpr"], (plain, scaled)
    # The side columns take the width their panels need: none scrolls sideways.
    assert scaled["sideways"] == [] and plain["sideways"] == [], (plain, scaled)


@pytest.mark.parametrize("workspace", ["train", "learn"])
def test_train_and_learn_are_usable_at_scale_factor_one_and_a_half(runs, workspace):
    """At 1.5 a 1366x768 screen is 910x512 logical pixels: the docks crowded
    the canvas into a strip and cut the step-through's buttons off. There,
    Train puts the cost curves under the data's views, so the canvas keeps the
    window's height, and Learn puts the lesson behind Training, so the learn
    tools get the width; at 1.0 nothing changes."""
    plain, scaled = runs(workspace)
    assert not plain["compact"] and scaled["compact"]
    for run in (plain, scaled):
        assert run["window"][0] <= run["screen"][0] and run["window"][1] <= run["screen"][1], run
    if workspace == "train":
        assert scaled["viewport"][1] > 0.6 * scaled["window"][1], scaled  # the canvas's height
    else:
        assert scaled["step_dock_width"] > 0.6 * scaled["window"][0], scaled  # the learn tools' room
        assert scaled["step_next_whole"] and plain["step_next_whole"], (plain, scaled)
        # Its input and wanted-output boxes fold into fewer columns: nothing scrolls sideways.
        assert not scaled["step_sideways"] and not plain["step_sideways"], (plain, scaled)
