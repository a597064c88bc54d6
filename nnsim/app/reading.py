"""Reading a large design file without freezing the window.

A design of 180,000 connections is a 17 MB file that takes seconds to read
and check. Files that large are read on a background thread while the
window keeps drawing and answering; after a moment a dialog says what is
being read and offers Cancel. A cancelled read leaves everything as it was
(the thread finishes on its own and its result is dropped). Small files are
read at once, as before.

Reading builds about a million small objects. Python's garbage collector
walks every object it tracks in each full collection, holding the
interpreter for a quarter of a second or more at this size, and such a
read would set off several of them: the window would stop answering for
each. So the collector waits while a large file is read, and what the read
made (the design, which has no reference cycles) is set aside from its
walks afterwards (``gc.freeze``), so the collections that come later in the
window do not walk it either. A closing window gives it back (``thaw``).
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from nnsim.design.model import Design

BACKGROUND_BYTES = 1_000_000  # files from this size are read on a thread
SHOW_AFTER_MS = 250  # the dialog appears only for a read that takes longer
POLL_MS = 20


def thaw() -> None:
    """Give back to the collector what reads set aside (the window closes:
    whatever it leaves in reference cycles must be found and freed)."""
    gc.unfreeze()


class Cancelled(Exception):
    """The user cancelled the read."""


def read_design(path: str | os.PathLike, load, parent: QWidget | None = None, then=None) -> Design:
    """``load(path)`` (raising what it raises), on a thread for a large file,
    with a progress dialog that can cancel (raises Cancelled). ``then(design)``
    runs on the same thread after a good read (work to do before the design
    is shown, such as compiling it)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0  # ``load`` says what is wrong
    if size < BACKGROUND_BYTES:
        return load(path)
    result: dict = {}

    def work() -> None:
        try:
            design = load(path)
            if then is not None:
                then(design)
            result["design"] = design
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread as it is
            result["error"] = e

    dialog = QProgressDialog(f"Reading {Path(path).name} ({size / 1e6:.0f} MB)…", "Cancel", 0, 0, parent)
    dialog.setObjectName("reading_progress")
    dialog.setWindowTitle("Opening")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(SHOW_AFTER_MS)  # Qt would show it itself after this long too
    dialog.hide()  # shown only if the read takes a while
    loop = QEventLoop()
    thread = threading.Thread(target=work, name="nnsim-read", daemon=True)
    cancelled = []
    dialog.canceled.connect(lambda: (cancelled.append(True), loop.quit()))
    poll = QTimer()
    poll.setInterval(POLL_MS)
    poll.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    show = QTimer()
    show.setSingleShot(True)
    show.setInterval(SHOW_AFTER_MS)
    show.timeout.connect(dialog.show)
    collecting = gc.isenabled()
    gc.disable()
    thread.start()
    poll.start()
    show.start()
    try:
        loop.exec()
    finally:
        poll.stop()
        show.stop()
        dialog.hide()
        dialog.deleteLater()
        if not thread.is_alive():
            gc.freeze()  # what the read made, set aside from later collections
        if collecting:
            gc.enable()
    if cancelled:
        raise Cancelled
    if "error" in result:
        raise result["error"]
    return result["design"]
