"""Starting the desktop app: ``run_app`` (used by ``nnsim [DESIGN]``) and
``create_main_window`` (used by tests and by ``run_app``)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from nnsim.app.icons import icon
from nnsim.app.settings import APP_NAME, ORG_NAME


def application() -> QApplication:
    """The QApplication, created once, named for QSettings and the window manager."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setDesktopFileName(APP_NAME)
    logo: QIcon = icon("nnsim")
    if not logo.isNull():
        app.setWindowIcon(logo)
    return app


def create_main_window(path: str | None = None, settings=None, reset_layout: bool = False):
    """A main window, with ``path`` opened in it (a failed load is reported
    and leaves the window empty). Not shown; no recovery offer.
    ``reset_layout``: the first-start layout, whatever was remembered."""
    application()
    from nnsim.app.main_window import MainWindow

    window = MainWindow(settings=settings, reset_layout=reset_layout)
    if path:
        window.files.open(path)
    return window


def run_app(path: str | None = None, reset_layout: bool = False) -> int:
    """Open the window (and ``path``), offer to recover an autosave left by a
    crash, and run until the window closes. Returns the exit status.
    ``reset_layout``: start with the default window layout (``nnsim --reset-layout``)."""
    app = application()
    window = create_main_window(None, reset_layout=reset_layout)
    window.show()

    def start() -> None:
        if path:
            window.files.open(path)
        window.files.recover_autosaves()

    QTimer.singleShot(0, start)  # dialogs appear over the visible window
    return app.exec()
