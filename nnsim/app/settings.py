"""Where the app keeps its preferences and its autosaves, and the recent-files list.

Both places can be redirected with environment variables, so tests (and
portable installs) never touch the user's real files:

* ``NNSIM_CONFIG_DIR`` — the folder of ``nnsim.ini`` (window layout, recent files);
* ``NNSIM_DATA_DIR`` — the folder of autosaves.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

APP_NAME = "nnsim"
ORG_NAME = "nnsim"
MAX_RECENT = 10

_RECENT_KEY = "files/recent"


def config_dir() -> Path:
    override = os.environ.get("NNSIM_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation))


def data_dir() -> Path:
    override = os.environ.get("NNSIM_DATA_DIR")
    if override:
        return Path(override)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def open_settings() -> QSettings:
    """The app's settings: an ini file in ``config_dir()``."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "nnsim.ini"), QSettings.Format.IniFormat)


class RecentFiles:
    """The most recently opened or saved designs, newest first, persisted."""

    def __init__(self, settings: QSettings, limit: int = MAX_RECENT):
        self.settings = settings
        self.limit = limit

    def paths(self) -> list[str]:
        value = self.settings.value(_RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone entry as a string
            value = [value]
        return [str(p) for p in (value or []) if p]

    def add(self, path: str | os.PathLike) -> None:
        path = str(Path(path).resolve())
        paths = [p for p in self.paths() if p != path]
        self._store([path] + paths)

    def remove(self, path: str | os.PathLike) -> None:
        self._store([p for p in self.paths() if p != str(path)])

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[str]) -> None:
        self.settings.setValue(_RECENT_KEY, paths[: self.limit])
        self.settings.sync()
