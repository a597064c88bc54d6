"""New, Open, Save, Revert, the unsaved-changes prompt, and autosave with recovery.

``FileManager`` does what the File menu asks. Every question it puts to the
user is one small method (``ask_unsaved``, ``ask_open_path``, ``show_error``…),
so tests replace that method instead of clicking a modal dialog.

``Autosaver`` writes the design every minute while it has unsaved changes, to
``autosave-<session>.nnsim`` in the data folder (``settings.data_dir()``), with a
JSON note naming the file it belongs to. A lock file marks the session as
alive; at the next start an autosave whose lock is free is an orphan from a run
that did not close cleanly, and is offered for recovery.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QMessageBox, QWidget

from nnsim.app.document import Document
from nnsim.app.picture_menu import ExportImageDialog, ask_printer
from nnsim.app.pictures import KINDS, PictureOptions, copy_picture, print_picture, write_picture
from nnsim.app.reading import Cancelled, read_design, thaw
from nnsim.app.settings import RecentFiles, data_dir
from nnsim.data.base import DataError
from nnsim.data.csv_file import file_text
from nnsim.design.edits import Index, set_fields
from nnsim.design.model import Design
from nnsim.design.validate import DesignError
from nnsim.exchange import ExportError, export
from nnsim.io import FormatError, load, save
from nnsim.resources import examples_dir, resources_dir

AUTOSAVE_INTERVAL_MS = 60_000
FILE_FILTER = "nnsim designs (*.nnsim);;All files (*)"
OPEN_FILTER = ("nnsim designs and ONNX models (*.nnsim *.onnx);;nnsim designs (*.nnsim);;ONNX models (*.onnx);;"
               "All files (*)")

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
UNTITLED = Design().name  # a design nobody has named yet


def documents_dir() -> Path:
    """The user's documents folder, or their home folder when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def users_own(path: Path | None) -> bool:
    """A file the user keeps: not one of nnsim's shipped files, in a folder
    they can write to (so Save As may start beside it)."""
    if path is None:
        return False
    try:
        folder = Path(path).resolve().parent
        shipped = resources_dir().resolve()
    except (OSError, FileNotFoundError):
        return False
    if folder == shipped or shipped in folder.parents:
        return False
    return os.access(folder, os.W_OK)


def one_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# -- autosave ------------------------------------------------------------------------
@dataclass
class Orphan:
    """An autosave left behind by a run that did not close cleanly."""

    design_path: Path
    note_path: Path
    original: str | None  # the file it was a modified copy of, if any
    name: str
    saved_at: float

    def remove(self) -> None:
        for p in (self.design_path, self.note_path):
            try:
                p.unlink()
            except FileNotFoundError:
                pass

    @property
    def when(self) -> str:
        return datetime.fromtimestamp(self.saved_at).strftime("%Y-%m-%d %H:%M")


class Autosaver(QObject):
    """Periodic safety copies of one document's unsaved changes."""

    written = Signal(str)

    def __init__(self, document: Document, folder: Path | None = None, interval_ms: int = AUTOSAVE_INTERVAL_MS,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.folder = Path(folder) if folder else data_dir()
        self.session = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.design_path = self.folder / f"autosave-{self.session}.nnsim"
        self.note_path = self.folder / f"autosave-{self.session}.json"
        self._lock: QLockFile | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave_now)
        self.timer.start()
        document.undo_stack.cleanChanged.connect(self._clean_changed)

    def _clean_changed(self, clean: bool) -> None:
        if clean:
            self.discard()

    def _ensure_lock(self) -> None:
        if self._lock is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = QLockFile(str(self.folder / f"autosave-{self.session}.lock"))
            self._lock.setStaleLockTime(0)
            self._lock.tryLock(0)

    def autosave_now(self) -> bool:
        """Write the design if it has unsaved changes (else drop the old copy)."""
        if not self.document.modified:
            self.discard()
            return False
        try:
            self._ensure_lock()
            save(self.document.design, self.design_path)
            note = {
                "original": str(self.document.path) if self.document.path else None,
                "name": self.document.design.name,
                "saved_at": time.time(),
                "session": self.session,
            }
            self.note_path.write_text(json.dumps(note), encoding="utf-8")
        except (OSError, DesignError, ValueError):
            return False  # a safety copy that fails must never disturb the user
        self.written.emit(str(self.design_path))
        return True

    def discard(self) -> None:
        for p in (self.design_path, self.note_path):
            try:
                p.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass

    def shutdown(self) -> None:
        """A clean close: no copy left behind."""
        self.timer.stop()
        self.discard()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def detach(self) -> None:
        """Stop and release the lock but keep the copy, as a crash would."""
        self.timer.stop()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def orphans(self) -> list[Orphan]:
        """Autosaves of sessions that are no longer running, newest first."""
        found = []
        if not self.folder.is_dir():
            return found
        for note_path in self.folder.glob("autosave-*.json"):
            session = note_path.stem[len("autosave-"):]
            if session == self.session:
                continue
            design_path = note_path.with_suffix(".nnsim")
            lock = QLockFile(str(note_path.with_suffix(".lock")))
            lock.setStaleLockTime(0)
            if not lock.tryLock(0):
                continue  # that session is still running
            lock.unlock()
            try:
                note = json.loads(note_path.read_text(encoding="utf-8"))
                orphan = Orphan(design_path, note_path, note.get("original"), str(note.get("name", "")),
                                float(note.get("saved_at", 0.0)))
            except (OSError, ValueError, AttributeError, TypeError):
                orphan = Orphan(design_path, note_path, None, "", note_path.stat().st_mtime)
            if not design_path.exists():
                orphan.remove()
                continue
            found.append(orphan)
        found.sort(key=lambda o: o.saved_at, reverse=True)
        return found


# -- files ------------------------------------------------------------------------------
class FileManager(QObject):
    """The File menu's work for one window and its document."""

    message = Signal(str)  # for the status bar
    recent_changed = Signal()
    # Hooks for live training: bring the trained numbers into the Document
    # before a file is written, and stop before the window asks about closing.
    about_to_save = Signal()
    about_to_close = Signal()

    def __init__(self, document: Document, window: QWidget, recent: RecentFiles, autosaver: Autosaver):
        super().__init__(window)
        self.document = document
        self.window = window
        self.recent = recent
        self.autosaver = autosaver
        # The file name Save As proposes for an untitled design.
        self.suggested_name = "untitled.nnsim"
        # Work on the reading thread after a large file is read (live training
        # compiles the design there, the canvas makes its table): callables
        # taking the design.
        self.after_read: list = []
        self._include_state = True  # False while saving without the training state
        self._index: Index | None = None  # look-ups of the design last read on a thread

    # -- questions (tests replace these) ---------------------------------------------
    def ask_unsaved(self) -> str:
        """SAVE, DISCARD or CANCEL for the unsaved changes."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"Save the changes to “{self.display_name()}”?", parent=self.window)
        box.setInformativeText("Your changes are lost if you don't save them.")
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: SAVE, QMessageBox.StandardButton.Discard: DISCARD}.get(
            QMessageBox.StandardButton(answer), CANCEL)

    def ask_revert(self) -> bool:
        answer = QMessageBox.question(
            self.window, "Revert",
            f"Throw away the changes and reload “{self.display_name()}” from disk?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def ask_recover(self, orphan: Orphan) -> tuple[bool, bool]:
        """(recover the autosave, reset the window layout first)."""
        what = orphan.original or orphan.name or "an untitled design"
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved changes",
                          "nnsim did not close properly last time.", parent=self.window)
        box.setInformativeText(f"Recover the unsaved changes to “{what}” autosaved at {orphan.when}?")
        # If the window stopped responding, its layout may be why: start afresh unless told not to.
        reset = QCheckBox("Also reset the window layout (every panel back where it was at first start)")
        reset.setChecked(True)
        box.setCheckBox(reset)
        recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(recover)
        box.exec()
        return box.clickedButton() is recover, reset.isChecked()

    def ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open design", self._start_dir(), OPEN_FILTER)
        return path or None

    def ask_save_path(self) -> str | None:
        name = self.document.path.name if self.document.path else self.suggested_name
        start = str(self._save_dir() / name)
        path, _ = QFileDialog.getSaveFileName(self.window, "Save design as", start, FILE_FILTER)
        return path or None

    def ask_export_path(self, kind: str) -> str | None:
        stem = self.document.path.stem if self.document.path else Path(self.suggested_name).stem
        start = str(self._save_dir() / f"{stem}.{kind}")
        label = {**KINDS, "onnx": "ONNX model (*.onnx)", "py": "PyTorch module (*.py)"}[kind]
        title = {"py": "PyTorch"}.get(kind, kind.upper())
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export {title}", start, label)
        return path or None

    def show_error(self, text: str, detail: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "nnsim", text, parent=self.window)
        box.setInformativeText(detail)
        box.exec()

    # -- helpers -----------------------------------------------------------------------
    def display_name(self) -> str:
        if self.document.path:
            return self.document.path.name
        return self.document.design.name or "Untitled"

    def _start_dir(self) -> str:
        """Where Open starts: beside the open file, else the latest one opened."""
        if self.document.path:
            return str(self.document.path.parent)
        recent = self.recent.paths()
        if recent:
            return str(Path(recent[0]).parent)
        return str(documents_dir())

    def _save_dir(self) -> Path:
        """Where Save As and Export start: beside the open file when it is the
        user's own, else their documents folder (never the shipped examples',
        which an installed nnsim cannot write to)."""
        if users_own(self.document.path):
            return self.document.path.parent
        return documents_dir()

    def _load(self, path: str | os.PathLike) -> Design | None:
        """The design in the file (a large one is read on a thread, with a
        dialog that can cancel); None when it cannot be read or the user
        cancelled."""
        try:
            return read_design(path, load, self.window, then=self._after_read)
        except FormatError as e:
            self.show_error(f"Could not open {Path(path).name}", one_line(e))
            return None
        except Cancelled:
            self.message.emit(f"Did not open {Path(path).name}: cancelled")
            return None

    def _after_read(self, design: Design) -> None:
        """On the thread that read a large file: the design's look-ups by id
        (a pass over every connection), then ``after_read``."""
        index = Index(design)
        index.connection((0, 0))  # built on first use
        design.layer_sizes()
        self._index = index
        for work in self.after_read:
            work(design)

    def _replace(self, design: Design, path: Path | None) -> None:
        """Show the design just read, with its look-ups if they were made on the reading thread."""
        index, self._index = self._index, None
        self.document.replace(design, path, index=index)

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the design."""
        if not self.document.modified:
            return True
        answer = self.ask_unsaved()
        if answer == SAVE:
            return self.save()
        return answer == DISCARD

    # -- File menu -----------------------------------------------------------------------
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.suggested_name = "untitled.nnsim"
        self.document.replace(Design(), None)
        return True

    def open(self, path: str | os.PathLike | None = None) -> bool:
        """Open a design file (asks for one when ``path`` is None). A file that
        fails to load is reported and the current design stays."""
        if path is None:
            path = self.ask_open_path()
            if not path:
                return False
        if _is_example(Path(path)) or _copy_of_example(Path(path)):
            return self.open_example(path)
        if Path(path).suffix.lower() == ".onnx":
            return self.open_model(path)
        design = self._load(path)
        if design is None:
            if not Path(path).exists():
                self.recent.remove(path)
                self.recent_changed.emit()
            return False
        if not self.maybe_save():
            return False
        self._replace(design, Path(path).resolve())
        self._remember(path)
        self.message.emit(f"Opened {Path(path).name}")
        return True

    def open_example(self, path: str | os.PathLike) -> bool:
        """An example opens as an untitled copy, so the shipped file stays as it is."""
        design = self._load(path)
        if design is None or not self.maybe_save():
            return False
        self.suggested_name = Path(path).name
        self._replace(design, None)
        self.message.emit(f"Opened the example “{design.name}” as an untitled copy")
        return True

    def open_model(self, path: str | os.PathLike) -> bool:
        """An ONNX model opens as an untitled design (Save asks where to put
        its .nnsim file); one nnsim cannot draw is refused naming the node."""
        design = self._load(path)
        if design is None or not self.maybe_save():
            return False
        self.suggested_name = Path(path).stem + ".nnsim"
        self._replace(design, None)
        self._remember(path)
        self.message.emit(f"Opened the ONNX model {Path(path).name} as an untitled design")
        return True

    def save(self) -> bool:
        if self.document.path is None or _is_example(self.document.path):
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self, path: str | None = None) -> bool:
        path = path or self.ask_save_path()
        if not path:
            return False
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".nnsim")
        if _is_example(path):
            self.show_error("Cannot overwrite a shipped example", "Choose another name or folder.")
            return False
        # A design nobody named takes the file's name, saved with it (one undo step).
        named = self.document.design.name.strip() in ("", UNTITLED) and self.document.push(
            "Name the design after its file", set_fields(("design", None), self.document.design, name=path.stem))
        if not self._write(path):
            if named:
                self.document.undo_stack.undo()
            return False
        self.document.set_path(path.resolve())
        return True

    def save_without_state(self) -> bool:
        """Save, leaving out the training state (the optimizer's memory and
        the place in the epoch): opened again, training goes on afresh."""
        self._include_state = False
        try:
            return self.save()
        finally:
            self._include_state = True

    def save_with_data(self) -> bool:
        """Save As, with the CSV file's rows kept inside the design, so it
        opens and trains on a machine without the file. The design keeps
        them (one undo step) until another file is chosen."""
        spec = self.document.design.dataset
        if spec.source != "csv" or not spec.path.strip():
            self.show_error("No CSV data to keep in the design",
                            "This design trains on built-in data, which every nnsim has: Save is enough.")
            return False
        text = spec.csv_text
        if not text:
            stored = Path(spec.path)
            if not stored.is_absolute() and self.document.path is not None:
                stored = self.document.path.parent / stored
            try:
                text = file_text(stored)
            except DataError as e:
                self.show_error("Could not keep the data in the design", one_line(e))
                return False
        path = self.ask_save_path()
        if not path:
            return False
        kept = not spec.csv_text and self.document.push("Keep the data in the design", set_fields(
            ("design", None), self.document.design, dataset=dataclasses.replace(spec, csv_text=text)))
        if self.save_as(path):
            return True
        if kept:
            self.document.undo_stack.undo()
        return False

    def _write(self, path: Path) -> bool:
        self.about_to_save.emit()
        moved = self._data_beside(path)
        try:
            save(self.document.design, path, include_state=self._include_state)
        except (OSError, DesignError, ValueError) as e:
            if moved:
                self.document.undo_stack.undo()
            detail = f"{e.strerror}: {e.filename}" if isinstance(e, OSError) and e.strerror else one_line(e)
            self.show_error(f"Could not save {path.name}", detail)
            return False
        self.document.undo_stack.setClean()
        self.autosaver.discard()
        self._remember(path)
        self.message.emit(f"Saved {path.name}")
        return True

    def _data_beside(self, path: Path) -> bool:
        """A CSV file the design trains on is named relative to the folder
        the design is saved in (``../data/fruit.csv``), so the two can be
        handed on together; one undo step when the stored path changes."""
        spec = self.document.design.dataset
        if spec.source != "csv" or not spec.path.strip():
            return False
        stored = Path(spec.path)
        if not stored.is_absolute():
            if self.document.path is None:
                return False  # relative to nothing known: left as it is
            stored = self.document.path.parent / stored
        try:
            relative = os.path.relpath(stored.resolve(), Path(path).resolve().parent)
        except ValueError:  # another drive (Windows): only an absolute path can name it
            return False
        relative = Path(relative).as_posix()
        if relative == spec.path:
            return False
        return self.document.push("Name the data file relative to the design",
                                  set_fields(("design", None), self.document.design,
                                             dataset=dataclasses.replace(spec, path=relative)))

    def revert(self) -> bool:
        path = self.document.path
        if path is None:
            self.message.emit("Nothing to revert to: the design has never been saved")
            return False
        if self.document.modified and not self.ask_revert():
            return False
        design = self._load(path)
        if design is None:
            return False
        self._replace(design, path)
        self.message.emit(f"Reverted to the saved {path.name}")
        return True

    def export(self, write, kind: str) -> bool:
        """Ask where, then ``write(path)`` (the canvas's PNG or SVG export,
        or the design as an ONNX model or a PyTorch module: ``export_design``)."""
        path = self.ask_export_path(kind)
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            result = write(str(path))
        except (OSError, ExportError, DesignError) as e:
            self.show_error(f"Could not export {path.name}", one_line(e))
            return False
        if result is False:
            self.show_error(f"Could not export {path.name}", "The picture could not be written there.")
            return False
        names = [Path(p).name for p in result] if isinstance(result, list) else [path.name]
        self.message.emit(f"Exported {', '.join(names)}")
        return True

    def export_design(self, to: str) -> bool:
        """The design as an ONNX model (``to`` "onnx") or a PyTorch module
        ("pytorch"); what cannot be expressed, or a missing package, is
        shown in one line."""
        design = self.document.design
        base = self.document.path.parent if self.document.path else None
        return self.export(lambda path: export(design, to, path, base_dir=base), "onnx" if to == "onnx" else "py")

    # -- pictures (File > Export Image, Edit > Copy Image, File > Print) --------------
    picture_options = PictureOptions()  # the latest chosen, for the next export, copy or print

    def ask_export_options(self) -> PictureOptions | None:
        dialog = ExportImageDialog(self.picture_options, self.window)
        return dialog.options() if dialog.exec() == ExportImageDialog.Accepted else None

    def ask_printer(self):
        return ask_printer(self.window)

    def export_image(self, picture) -> bool:
        """Ask how (format, background, scale, style), then where, then write."""
        options = self.ask_export_options()
        if options is None:
            return False
        self.picture_options = options
        return self.export(lambda path: write_picture(picture, path, options), options.kind)

    def copy_image(self, picture) -> None:
        image = copy_picture(picture, self.picture_options)
        self.message.emit(f"Copied a picture of {image.width()}×{image.height()} pixels")

    def print_image(self, picture) -> bool:
        printer = self.ask_printer()
        if printer is None:
            return False
        if not print_picture(picture, printer, self.picture_options):
            self.show_error("Could not print", "The printer did not accept the page.")
            return False
        self.message.emit("Printed")
        return True

    def _remember(self, path) -> None:
        self.recent.add(path)
        self.recent_changed.emit()

    def clear_recent(self) -> None:
        self.recent.clear()
        self.recent_changed.emit()

    # -- closing and recovering ----------------------------------------------------------
    def close(self) -> bool:
        """Ask about unsaved changes; True when the window may close."""
        self.about_to_close.emit()
        if not self.maybe_save():
            return False
        self.autosaver.shutdown()
        thaw()  # what a large read set aside from the collector: what the window leaves in cycles is freed
        return True

    def recover_autosaves(self) -> bool:
        """Offer each orphaned autosave, newest first, until one is recovered,
        and to reset the window layout first (in case it was why nnsim
        stopped responding)."""
        layout_reset = False
        for orphan in self.autosaver.orphans():
            recover, reset = self.ask_recover(orphan)
            if reset and not layout_reset:  # before the design comes back into it
                layout_reset = True
                reset_layout = getattr(self.window, "reset_layout", None)
                if reset_layout is not None:
                    reset_layout()
            if not recover:
                orphan.remove()
                continue
            design = self._load(orphan.design_path)
            if design is None:
                orphan.remove()
                continue
            original = Path(orphan.original) if orphan.original else None
            self.document.replace(design, original)
            self.document.undo_stack.resetClean()  # recovered work is unsaved work
            self.autosaver.autosave_now()  # our own copy first, then drop the orphan
            orphan.remove()
            self.message.emit("Recovered the unsaved changes; save them to keep them")
            return True
        return False


def _is_example(path: Path) -> bool:
    try:
        return Path(path).resolve().parent == examples_dir().resolve()
    except (OSError, FileNotFoundError):
        return False


def _copy_of_example(path: Path) -> bool:
    """A byte-for-byte copy of a shipped example under its own name, such as
    the source tree's ``resources/examples`` when nnsim runs installed: it
    opens as an untitled copy too, so Save As does not start in that folder."""
    try:
        path = Path(path)
        shipped = examples_dir() / path.name
        return (shipped.is_file() and path.is_file() and shipped.stat().st_size == path.stat().st_size
                and shipped.read_bytes() == path.read_bytes())
    except OSError:
        return False
