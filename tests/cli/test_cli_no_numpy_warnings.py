"""Overflow inside the network never reaches the terminal as NumPy
RuntimeWarnings: a saturated output is printed plainly with exit 0, and an
output that is not a finite number is one line on stderr with exit 2, never
printed as a result."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nnsim.design.build import layered
from nnsim.design.model import Activation
from nnsim.io import save


def run(*argv) -> subprocess.CompletedProcess:
    # -W default: show every warning once, as a user's Python does.
    return subprocess.run(
        [sys.executable, "-W", "default", "-m", "nnsim", *argv], capture_output=True, text=True, timeout=120
    )


def huge_weights(tmp_path, hidden: Activation, output: Activation):
    d = layered([2, 2, 2], hidden, output)
    for c in d.connections:
        c.weight = 1e308
    path = tmp_path / "huge.nnsim"
    save(d, path)
    return path


@pytest.mark.parametrize("trace", [[], ["--trace"]])
def test_a_saturated_output_prints_without_warnings(tmp_path, trace):
    done = run("predict", str(huge_weights(tmp_path, Activation.TANH, Activation.SIGMOID)), "1e300", "1e300", *trace)
    assert done.returncode == 0
    assert done.stderr == ""
    assert "1" in done.stdout


@pytest.mark.parametrize("trace", [[], ["--trace"]])
def test_an_output_that_overflows_is_one_line_not_a_result(tmp_path, trace):
    done = run("predict", str(huge_weights(tmp_path, Activation.LINEAR, Activation.LINEAR)), "1e300", "1e300", *trace)
    assert done.returncode == 3  # the numbers are not finite, as for diverged training
    assert len(done.stderr.strip().splitlines()) == 1 and "not finite numbers" in done.stderr
    assert "Warning" not in done.stderr
    assert done.stdout == ""  # not even with --trace: nothing is printed as a result
