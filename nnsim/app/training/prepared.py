"""Compiling a design just read, on the reading thread.

A large file is read on a thread (``nnsim.app.reading``); the same thread
then compiles the design (checking it costs as much again), so the session
built when the design is shown starts from that compilation instead of
compiling on the window's thread. ``prepare`` runs on the thread; ``take``
gives the compilation once, for that very design object, if nothing changed
it since (the caller compares its revision). No Qt.
"""

from __future__ import annotations

import threading

from nnsim.design.compile import Compiled, compile_design
from nnsim.design.model import Design

_lock = threading.Lock()
_prepared: dict[int, tuple[Design, Compiled]] = {}  # id(design) -> (design, compilation); at most one


def prepare(design: Design) -> None:
    """Compile ``design`` for its first session (a design that cannot be
    compiled is left to the session, which says why)."""
    try:
        compiled = compile_design(design)
    except Exception:  # noqa: BLE001 - the window's own build reports the reason
        return
    with _lock:
        _prepared.clear()
        _prepared[id(design)] = (design, compiled)


def take(design: Design) -> Compiled | None:
    """The compilation prepared for this design object (once), else None."""
    with _lock:
        found = _prepared.pop(id(design), None)
        _prepared.clear()
    return found[1] if found is not None and found[0] is design else None
