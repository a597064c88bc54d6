"""A save killed just before its rename, in a forked copy of this process
(so the code under test is the code this process runs): the temporary it
leaves is named for the file and the process, and the next save clears it."""

from __future__ import annotations

import os
import re
import stat

import pytest

from nnsim.design.build import layered
from nnsim.io import files, load, save


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a copy of the process that dies half-way")
def test_a_killed_save_leaves_a_temporary_named_for_it_which_the_next_save_clears(tmp_path):
    target = tmp_path / "net.nnsim"
    pid = os.fork()
    if pid == 0:  # the child: dies where the rename would be
        try:
            files.os.replace = lambda a, b: os._exit(9)
            files.save(layered([2, 1]), target)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    (left,) = [p.name for p in tmp_path.iterdir()]
    assert re.fullmatch(rf"\.net\.nnsim\.{pid}\.[a-z0-9_]{{8}}\.tmp", left)
    assert (tmp_path / left).read_text(encoding="utf-8") == files.dumps(layered([2, 1]))
    save(layered([2, 2, 1]), target)
    assert [p.name for p in tmp_path.iterdir()] == ["net.nnsim"]
    assert len(load(target).layers) == 3


def test_a_new_file_gets_the_permissions_the_umask_leaves(tmp_path):
    old = os.umask(0o022)
    try:
        save(layered([2, 1]), tmp_path / "new.nnsim")
    finally:
        os.umask(old)
    assert (tmp_path / "new.nnsim").stat().st_mode & 0o777 == 0o644


def test_a_temporary_a_day_old_goes_even_if_its_process_runs_and_a_link_never_goes(tmp_path):
    day_old = tmp_path / f".net.nnsim.{os.getppid()}.abcd1234.tmp"  # a running process's, 24.5 hours old
    old_file = tmp_path / "kept.txt"
    link = tmp_path / ".net.nnsim.linklink.tmp"
    for p in (day_old, old_file):
        p.write_text("half a design")
        t = os.path.getmtime(p) - 24.5 * files.STALE_SECONDS
        os.utime(p, (t, t))
    link.symlink_to(old_file)
    save(layered([2, 1]), tmp_path / "net.nnsim")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".net.nnsim.linklink.tmp", "kept.txt", "net.nnsim"]


def test_a_save_keeps_the_optimizer_s_memory_unless_told_not_to(tmp_path):
    import nnsim
    from nnsim.design.model import Optimizer

    d = nnsim.example("xor-mlp")
    d.training.optimizer = Optimizer.ADAM
    nnsim.train(d, epochs=2, seed=0)
    assert d.training_state is not None
    save(d, tmp_path / "kept.nnsim")
    save(d, tmp_path / "afresh.nnsim", include_state=False)
    assert load(tmp_path / "kept.nnsim").training_state == d.training_state
    assert load(tmp_path / "afresh.nnsim").training_state is None


@pytest.mark.skipif(os.name != "posix", reason="file permissions from the umask")
def test_without_proc_a_new_file_still_follows_the_umask_and_leaves_it_as_it_was(tmp_path, monkeypatch):
    real_open = open

    def no_proc(path, *args, **kwargs):
        if str(path).startswith("/proc/"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", no_proc, raising=False)
    old = os.umask(0o027)
    try:
        save(layered([2, 1]), tmp_path / "a.nnsim")
        now = os.umask(0o027)
    finally:
        os.umask(old)
    assert now == 0o027
    assert stat.S_IMODE((tmp_path / "a.nnsim").stat().st_mode) == 0o640
