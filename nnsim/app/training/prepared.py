"""Compiling a design just read, on the reading thread.

A large file is read on a thread (``nnsim.app.reading``); the same thread
then compiles the design (checking it costs as much again), maps its
records onto the network's named arrays (``ParameterMap``) and makes the
keys that tell later whether it must be compiled again, so the session
built when the design is shown starts from them instead of making each on
the window's thread (each is a pass over every connection). ``prepare``
runs on the thread; ``take`` gives what was prepared once, for that very
design object, if nothing changed it since (the caller compares its
revision). No Qt.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from nnsim.app.training.numbers import compile_key, members_key
from nnsim.design.compile import Compiled, compile_design
from nnsim.design.model import Design
from nnsim.design.parameters import ParameterMap


@dataclass
class Prepared:
    """What a session of one design starts from, made off the window's thread."""

    compiled: Compiled
    parameter_map: ParameterMap
    keys: tuple  # (compile_key, members_key)


_lock = threading.Lock()
_prepared: dict[int, tuple[Design, Prepared]] = {}  # id(design) -> (design, what was prepared); at most one


def prepare(design: Design) -> None:
    """Compile ``design`` for its first session (a design that cannot be
    compiled is left to the session, which says why)."""
    try:
        compiled = compile_design(design)
        ready = Prepared(compiled, ParameterMap(design), (compile_key(design), members_key(design)))
    except Exception:  # noqa: BLE001 - the window's own build reports the reason
        return
    with _lock:
        _prepared.clear()
        _prepared[id(design)] = (design, ready)


def take(design: Design) -> Prepared | None:
    """What was prepared for this design object (once), else None."""
    with _lock:
        found = _prepared.pop(id(design), None)
        _prepared.clear()
    return found[1] if found is not None and found[0] is design else None
