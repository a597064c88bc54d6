"""`nnsim train --save` into a missing folder, onto a folder or into a folder it
cannot write: one line and exit 2, before any training; and if saving fails
after training, the trained design is kept beside the design file (or in
another safe place) and the line says where."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nnsim import cli, saving
from nnsim.io import load, save
from nnsim.resources import example_path


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def design_file(tmp_path) -> Path:
    path = tmp_path / "work" / "xor.nnsim"
    path.parent.mkdir()
    save(load(example_path("xor-mlp")), path)
    return path


def refused_before_training(capsys, design_file, out, words):
    code, stdout, err = run(capsys, "train", str(design_file), "--epochs", "3", "--save", str(out))
    assert code == cli.EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err
    assert stdout == ""  # nothing trained, nothing lost


def test_a_missing_folder_is_refused_before_training(capsys, design_file, tmp_path):
    refused_before_training(capsys, design_file, tmp_path / "nowhere" / "out.nnsim", "does not exist")


def test_a_folder_as_the_file_is_refused_before_training(capsys, design_file, tmp_path):
    refused_before_training(capsys, design_file, tmp_path, "is a folder")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_refused_before_training(capsys, design_file, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        refused_before_training(capsys, design_file, locked / "out.nnsim", "read-only")
    finally:
        locked.chmod(0o755)


def test_a_save_that_fails_after_training_keeps_the_result_beside_the_design(capsys, design_file, tmp_path):
    # A link into a folder that does not exist: the target looks fine until written.
    out = tmp_path / "out.nnsim"
    out.symlink_to(tmp_path / "gone" / "out.nnsim")
    code, stdout, err = run(capsys, "train", str(design_file), "--epochs", "3", "--save", str(out))
    kept = design_file.with_name("xor-trained.nnsim")
    assert code == cli.EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert f"cannot save to {out}" in err and f"saved to {kept}" in err
    assert len(load(kept).history) == len(load(design_file).history) + 3  # the trained result
    assert f"saved to {kept}" in stdout


def test_a_kept_result_never_overwrites_a_file(capsys, design_file, tmp_path):
    design_file.with_name("xor-trained.nnsim").write_text("mine")
    out = tmp_path / "out.nnsim"
    out.symlink_to(tmp_path / "gone" / "out.nnsim")
    code, _, err = run(capsys, "train", str(design_file), "--epochs", "1", "--save", str(out))
    assert code == cli.EXIT_BAD_INPUT
    assert design_file.with_name("xor-trained.nnsim").read_text() == "mine"
    assert "xor-trained-2.nnsim" in err and load(design_file.with_name("xor-trained-2.nnsim"))


def test_when_the_design_folder_fails_too_another_safe_place_is_used(tmp_path, monkeypatch, design_file):
    # The design's folder and the requested place refuse writes; the next place takes it.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    refusing = {design_file.parent.resolve(), (tmp_path / "gone").resolve()}

    def picky_save(design, path):
        if Path(path).resolve().parent in refusing:
            raise PermissionError(13, "Permission denied")
        save(design, path)

    saved, reason = saving.save_or_keep(load(design_file), tmp_path / "gone" / "x.nnsim", design_file, picky_save)
    assert reason == "Permission denied"
    assert saved == elsewhere.resolve() / "xor-trained.nnsim" and load(saved)


def test_a_shipped_example_is_never_written_into(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.nnsim"
    out.symlink_to(tmp_path / "gone" / "out.nnsim")
    before = sorted(p.name for p in example_path("xor-mlp").parent.iterdir())
    code, _, err = run(capsys, "train", "xor-mlp", "--epochs", "1", "--save", str(out))
    assert code == cli.EXIT_BAD_INPUT
    assert sorted(p.name for p in example_path("xor-mlp").parent.iterdir()) == before
    assert f"saved to {tmp_path.resolve() / 'xor-mlp-trained.nnsim'}" in err
