"""Saving a trained design where the user asked, or somewhere else rather
than losing it.

``nnsim train --save OUT`` checks OUT before training (a missing folder, a
folder given as the file, a folder it cannot write in) so that a long run is
not wasted; if saving still fails afterwards, the design is saved beside the
design file under a new name, or failing that in the current folder, the
home folder or the temporary folder, and the caller says where.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nnsim.design.model import Design
from nnsim.text import path_text


def save_problem(out: str | os.PathLike) -> str | None:
    """Why a design cannot be saved at ``out`` (None if it looks possible)."""
    out = Path(out)
    shown = path_text(out)
    if "\0" in str(out):
        return f"{shown}: a file name cannot hold a NUL character"
    folder = out.parent
    try:
        if out.is_dir():
            return f"{shown} is a folder: give the name of the file to write, e.g. {path_text(out / 'trained.nnsim')}"
        if not folder.exists():
            return f"{shown}: the folder {path_text(folder)} does not exist"
        if not folder.is_dir():
            return f"{shown}: {path_text(folder)} is not a folder"
    except OSError as e:  # a name too long, say
        return f"{shown}: cannot be written ({e.strerror})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{shown}: the folder {path_text(folder)} is read-only to you"
    return None


def _why(e: OSError) -> str:
    return e.strerror or type(e).__name__


def fallback_places(design_path: Path | None) -> list[Path]:
    """Folders to try, in order, when the asked-for place fails."""
    places = []
    if design_path is not None:
        places.append(Path(design_path).resolve().parent)
    places += [Path.cwd(), Path.home(), Path(tempfile.gettempdir())]
    return list(dict.fromkeys(places))


def _free_name(folder: Path, stem: str) -> Path:
    """``stem-trained.nnsim`` in ``folder``, or -2, -3 ... : never an existing file."""
    for k in range(1, 1000):
        candidate = folder / (f"{stem}-trained.nnsim" if k == 1 else f"{stem}-trained-{k}.nnsim")
        if not candidate.exists():
            return candidate
    return folder / f"{stem}-trained-{os.getpid()}.nnsim"


def save_or_keep(
    design: Design, out, design_path: Path | None, save, beside: bool = True
) -> tuple[Path | None, str | None]:
    """Save ``design`` at ``out`` with ``save(design, path)``. Returns (where it
    was saved, None) or, when ``out`` failed, (where it was kept instead,
    the reason) — the place is None only if no place at all could be written.
    The first place tried is the design file's folder, unless not ``beside``."""
    try:
        save(design, out)
        return Path(out), None
    except OSError as e:
        reason = _why(e)
    stem = Path(design_path).stem if design_path is not None else "design"
    for folder in fallback_places(design_path if beside else None):
        try:
            target = _free_name(folder, stem[:100])
            save(design, target)
            return target, reason
        except OSError:
            continue
    return None, reason
