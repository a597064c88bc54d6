"""Saving is atomic: the new text goes to a temporary file in the same folder,
is flushed to disk, and only then renamed over the old file. Whatever fails
on the way leaves the old file as it was and no temporary file behind."""

from __future__ import annotations

import math
import os
import stat
import sys

import pytest

import nnsim.io.files as files
from nnsim.design.build import layered
from nnsim.design.model import HistoryRecord
from nnsim.design.validate import DesignError
from nnsim.io import dumps, load, save

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def design(weight: float = 0.5):
    d = layered([2, 3, 1], name="saved")
    for c in d.connections:
        c.weight = weight
    return d


@pytest.fixture
def old_file(tmp_path):
    path = tmp_path / "net.nnsim"
    save(design(0.25), path)
    return path


def only(path):
    """The folder holds this file and nothing else (no temporary files)."""
    assert sorted(os.listdir(path.parent)) == [path.name]


class Boom(Exception):
    pass


def test_save_writes_the_text_and_nothing_else(tmp_path):
    path = tmp_path / "new.nnsim"
    d = design()
    save(d, path)
    assert path.read_text(encoding="utf-8") == dumps(d)
    assert load(path) == d
    only(path)


@pytest.mark.parametrize("failure", [Boom, OSError, KeyboardInterrupt])
def test_replace_failing_keeps_the_old_file(old_file, monkeypatch, failure):
    before = old_file.read_bytes()
    seen = []

    def failing_replace(src, dst):
        seen.append(src)
        assert os.path.exists(src)  # the temporary file is there, complete
        raise failure("disk on fire")

    monkeypatch.setattr(files.os, "replace", failing_replace)
    with pytest.raises(failure):
        save(design(0.75), old_file)
    assert seen, "save did not go through os.replace"
    assert old_file.read_bytes() == before
    only(old_file)


@pytest.mark.parametrize("step", ["fsync", "chmod", "fdopen"])
def test_any_step_failing_keeps_the_old_file(old_file, monkeypatch, step):
    before = old_file.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, step, fail)
    with pytest.raises(OSError):
        save(design(0.75), old_file)
    assert old_file.read_bytes() == before
    only(old_file)


def test_writing_failing_midway_keeps_the_old_file(old_file, monkeypatch):
    before = old_file.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, text):
            self.f.write(text[: len(text) // 2])
            self.f.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    with pytest.raises(OSError):
        save(design(0.75), old_file)
    assert old_file.read_bytes() == before
    only(old_file)


def test_text_is_on_disk_before_the_rename(tmp_path, monkeypatch):
    """fsync of the complete temporary file happens before os.replace, and the
    temporary file is in the target's folder (so the rename is atomic)."""
    path = tmp_path / "net.nnsim"
    d = design()
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):
            events.append(("fsync", st.st_ino, st.st_size))
        return real_fsync(fd)

    def replace(src, dst):
        st = os.stat(src)
        assert os.path.dirname(os.path.abspath(src)) == str(tmp_path)
        with open(src, encoding="utf-8") as f:
            assert f.read() == dumps(d)  # complete when renamed
        events.append(("replace", st.st_ino, st.st_size))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    save(d, path)
    names = [e[0] for e in events]
    assert names == ["fsync", "replace"], events
    (_, ino_synced, size_synced), (_, ino_renamed, size_renamed) = events
    assert ino_synced == ino_renamed and size_synced == size_renamed == len(dumps(d).encode("utf-8"))
    assert load(path) == d


def _renumber_layer(d, old: int, new: int) -> None:
    for n in d.neurons_of(old):
        n.layer = new
    d.layer(old).id = new


@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda d: setattr(d.connections[2], "weight", math.nan), "weight is nan"),
        (lambda d: setattr(d.connections[0], "weight", math.inf), "weight is inf"),
        (lambda d: setattr(d.neurons[3], "bias", -math.inf), "bias is -inf"),
        (lambda d: setattr(d.neurons[0], "x", math.nan), "x is nan"),
        (lambda d: setattr(d.training, "learning_rate", math.nan), "training.learning_rate"),
        (lambda d: setattr(d.training, "target_loss", math.inf), "training.target_loss"),
        (lambda d: setattr(d.dataset, "noise", math.nan), "dataset.noise"),
        (lambda d: setattr(d.dataset, "train_ratio", math.inf), "dataset.train_ratio"),
        # Values the loader would refuse are not written either.
        (lambda d: setattr(d.training, "learning_rate", 0.0), "training.learning_rate"),
        (lambda d: setattr(d.training, "batch_size", 0), "training.batch_size"),
        (lambda d: _renumber_layer(d, 1, 0), "layers[0].id"),
        (lambda d: setattr(d.neurons[0], "label", "\ud800"), "neurons[0].label"),
        (lambda d: setattr(d.dataset, "targets", ["a", 3]), "dataset.targets[1]"),
    ],
)
def test_invalid_design_is_not_saved(old_file, spoil, message):
    before = old_file.read_bytes()
    d = design()
    spoil(d)
    with pytest.raises(DesignError) as e:
        save(d, old_file)
    assert message in str(e.value) and "\n" not in str(e.value)
    assert old_file.read_bytes() == before
    only(old_file)


def test_history_values_that_are_not_finite():
    """A diverged epoch (training loss not finite) is dropped; a test loss
    that overflowed while the training loss did not is written as null."""
    d = design()
    d.history = [
        HistoryRecord(1, 10, 0.5, 0.6, 0.5, 0.5),
        HistoryRecord(2, 20, 0.25, math.inf, 0.75, math.nan),
        HistoryRecord(3, 30, math.nan, math.nan),
    ]
    back = files.loads(dumps(d))
    assert back.history == [HistoryRecord(1, 10, 0.5, 0.6, 0.5, 0.5), HistoryRecord(2, 20, 0.25, None, 0.75, None)]


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o644, 0o664])
def test_mode_is_kept_when_overwriting(old_file, mode):
    os.chmod(old_file, mode)
    save(design(0.75), old_file)
    assert stat.S_IMODE(old_file.stat().st_mode) == mode
    assert load(old_file) == design(0.75)


@posix_only
def test_new_file_gets_the_usual_mode(tmp_path):
    mask = os.umask(0o027)
    try:
        save(design(), tmp_path / "a.nnsim")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "a.nnsim").stat().st_mode) == 0o640


@posix_only
def test_saving_through_a_symlink_replaces_its_target(tmp_path):
    real = tmp_path / "real.nnsim"
    link = tmp_path / "link.nnsim"
    save(design(0.25), real)
    link.symlink_to(real)
    save(design(0.75), link)
    assert link.is_symlink()
    assert load(real) == design(0.75)
    assert sorted(os.listdir(tmp_path)) == ["link.nnsim", "real.nnsim"]


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        save(design(), tmp_path / "no" / "such" / "folder.nnsim")
    assert os.listdir(tmp_path) == []


def test_saving_onto_a_folder_fails_cleanly(tmp_path):
    target = tmp_path / "dir.nnsim"
    target.mkdir()
    (target / "keep").write_text("x")
    with pytest.raises(OSError):
        save(design(), target)
    assert (target / "keep").read_text() == "x"
    assert sorted(os.listdir(tmp_path)) == ["dir.nnsim"]
