"""Fixtures for the main-window tests.

Settings and autosaves go to a temporary folder (NNSIM_CONFIG_DIR,
NNSIM_DATA_DIR), so tests never read or write the user's real ones. Dialogs
are answered by replacing the FileManager's question methods (``answer``).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    config = tmp_path / "config"
    data = tmp_path / "data"
    monkeypatch.setenv("NNSIM_CONFIG_DIR", str(config))
    monkeypatch.setenv("NNSIM_DATA_DIR", str(data))
    return config, data


class Answers:
    """Records the questions a FileManager asks and gives set answers."""

    def __init__(self, files, monkeypatch):
        self.errors: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.unsaved = "cancel"
        self.open_path = None
        self.save_path = None
        self.export_path = None
        self.revert = True
        self.recover = True
        self.reset_layout = False  # the recovery question's "also reset the window layout"
        monkeypatch.setattr(files, "ask_unsaved", self._unsaved)
        monkeypatch.setattr(files, "ask_open_path", lambda: self._log("open", self.open_path))
        monkeypatch.setattr(files, "ask_save_path", lambda: self._log("save", self.save_path))
        monkeypatch.setattr(files, "ask_export_path", lambda kind: self._log("export", self.export_path))
        monkeypatch.setattr(files, "ask_revert", lambda: self._log("revert", self.revert))
        monkeypatch.setattr(files, "ask_recover",
                            lambda orphan: (self._log("recover", self.recover), self.reset_layout))
        monkeypatch.setattr(files, "show_error", lambda text, detail: self.errors.append((text, detail)))

    def _log(self, what, value):
        self.asked.append(what)
        return None if value is None else (str(value) if what in ("open", "save", "export") else value)

    def _unsaved(self):
        self.asked.append("unsaved")
        return self.unsaved


def _new_window(qtbot, path=None):
    from nnsim.app.main import create_main_window

    window = create_main_window(None)
    # Whatever a test leaves behind, closing at teardown must not ask anything.
    qtbot.addWidget(window, before_close_func=lambda w: w.document.undo_stack.setClean())
    return window


@pytest.fixture
def make_window(qtbot, monkeypatch):
    """A factory: make_window(path=None) -> (window, answers)."""

    def make(path=None):
        window = _new_window(qtbot)
        answers = Answers(window.files, monkeypatch)
        if path is not None:
            window.files.open(path)
        return window, answers

    return make


@pytest.fixture
def window(make_window):
    return make_window()[0]
