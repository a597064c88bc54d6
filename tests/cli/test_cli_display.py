"""`nnsim` without a display says so in one line and exits 2, before Qt starts
(Qt itself aborts with exit 134 and a misleading message about xcb-cursor0);
`nnsim --help` says that `nnsim [DESIGN]` opens the window."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nnsim import cli
from nnsim.display import display_problem


def no_qt(*_args, **_kwargs):
    raise AssertionError("Qt was started")


@pytest.fixture
def headless(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    import nnsim.app.main

    monkeypatch.setattr(nnsim.app.main, "run_app", no_qt)


@pytest.mark.parametrize("argv", [[], ["xor-mlp"]])
def test_no_display_is_one_line_and_exit_2(headless, capsys, argv):
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert "no display found" in err and "nnsim train" in err


def test_no_display_from_a_real_process_is_not_an_abort():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "nnsim"], env=env, capture_output=True, text=True, timeout=120)
    if sys.platform.startswith("linux"):
        assert done.returncode == 2, done.stderr[-300:]
        assert len(done.stderr.strip().splitlines()) == 1 and "no display found" in done.stderr


def test_the_checks_the_environment_allows():
    found = lambda name: "/lib/libxcb-cursor.so.0"  # noqa: E731
    missing = lambda name: None  # noqa: E731
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", missing) is None
    assert display_problem({"DISPLAY": ":0"}, "linux", found) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", missing) is None
    assert "libxcb-cursor0" in display_problem({"DISPLAY": ":0"}, "linux", missing)
    assert "DISPLAY is not set" in display_problem({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "w"}, "linux", found)
    wayland_asked = {"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}
    assert "WAYLAND_DISPLAY is not set" in display_problem(wayland_asked, "linux", found)
    assert display_problem({}, "win32", missing) is None
    assert display_problem({}, "darwin", missing) is None


def test_a_display_starts_the_window(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    import nnsim.app.main

    opened = []
    monkeypatch.setattr(nnsim.app.main, "run_app", lambda path=None, reset_layout=False: opened.append(path) or 0)
    assert cli.main(["xor-mlp"]) == 0 and opened and opened[0].endswith("xor-mlp.nnsim")


def test_help_says_how_to_open_the_window(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "nnsim [DESIGN]" in out and "opens the window" in out
