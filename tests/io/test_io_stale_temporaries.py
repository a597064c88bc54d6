"""A save killed half-way leaves its temporary file; the next save of the same
file removes such left-overs, and only those: stale by the process that wrote
them having ended, or by age; never another file, a link, or the temporary
file of a save still running."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from nnsim.design.build import layered
from nnsim.io import files, load, save

POSIX = os.name == "posix"


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def aged(path, seconds: float):
    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


@pytest.mark.skipif(not POSIX, reason="kills a child process half-way through a save")
def test_a_save_killed_half_way_is_cleaned_up_by_the_next(tmp_path):
    target = tmp_path / "net.nnsim"
    # A child saves and dies just before the rename, leaving its temporary file.
    code = (
        "import os, sys\n"
        "from nnsim.io import files\n"
        "from nnsim.design.build import layered\n"
        "files.os.replace = lambda a, b: os._exit(9)\n"
        "files.save(layered([2, 1]), sys.argv[1])\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(target)], timeout=120)
    assert done.returncode == 9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".net.nnsim.") and left[0].endswith(".tmp")
    save(layered([2, 2, 1]), target)
    assert [p.name for p in tmp_path.iterdir()] == ["net.nnsim"]
    assert len(load(target).layers) == 3


def test_only_stale_left_overs_of_this_file_are_removed(tmp_path):
    target = tmp_path / "net.nnsim"
    stale = []
    kept = []
    if POSIX:
        stale.append(tmp_path / f".net.nnsim.{dead_pid()}.abcd1234.tmp")  # its process ended
        kept.append(tmp_path / f".net.nnsim.{os.getppid()}.abcd1234.tmp")  # a running process: a save under way
    stale.append(tmp_path / ".net.nnsim.k2j4h5g6.tmp")  # an older nnsim's, two hours old
    kept.append(tmp_path / ".net.nnsim.zzzzzzzz.tmp")  # an older nnsim's, fresh: perhaps under way
    kept.append(tmp_path / ".other.nnsim.abcdefgh.tmp")  # another file's
    kept.append(tmp_path / "net.nnsim.abcdefgh.tmp")  # not hidden: not ours
    kept.append(tmp_path / ".net.nnsim.abcdefgh.tmp.bak")  # another name
    for p in stale + kept:
        p.write_text("half a design")
    aged(tmp_path / ".net.nnsim.k2j4h5g6.tmp", 2 * files.STALE_SECONDS)
    aged(tmp_path / ".other.nnsim.abcdefgh.tmp", 2 * files.STALE_SECONDS)
    link = tmp_path / ".net.nnsim.linklink.tmp"
    link.symlink_to(tmp_path / "net.nnsim.abcdefgh.tmp")
    kept.append(link)

    save(layered([2, 1]), target)

    for p in stale:
        assert not p.exists(), p.name
    for p in kept:
        assert p.is_symlink() or p.exists(), p.name
    assert load(target)


@pytest.mark.skipif(not POSIX, reason="tells running processes by their id")
def test_a_running_save_s_temporary_is_kept_for_a_day(tmp_path):
    hours = tmp_path / f".net.nnsim.{os.getppid()}.abcd1234.tmp"  # a long save still under way
    days = tmp_path / f".net.nnsim.{os.getppid()}.efgh5678.tmp"  # a process alive but the file two days old
    for p in (hours, days):
        p.write_text("half a design")
    aged(hours, 2 * files.STALE_SECONDS)
    aged(days, 48 * files.STALE_SECONDS)
    save(layered([2, 1]), tmp_path / "net.nnsim")
    assert hours.exists() and not days.exists()


@pytest.mark.skipif(not POSIX, reason="tells ended processes by their id")
def test_a_left_over_that_cannot_be_removed_does_not_stop_the_others(tmp_path, monkeypatch):
    pid = dead_pid()
    left = [tmp_path / f".net.nnsim.{pid}.{name}.tmp" for name in ("aaaaaaaa", "bbbbbbbb", "cccccccc")]
    for p in left:
        p.write_text("half a design")
    unlink, refused = os.unlink, []

    def unlink_but_the_first(path, *args, **kwargs):
        if not refused and os.path.basename(path).endswith(".tmp"):
            refused.append(os.path.basename(path))
            raise PermissionError(13, "Permission denied", path)
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink_but_the_first)
    save(layered([2, 1]), tmp_path / "net.nnsim")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["net.nnsim", *refused])
