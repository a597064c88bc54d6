"""Showing nnsim to a class: full screen (F11) and a presentation mode.

Presentation mode (Ctrl+Shift+P) is for a projector at the back of a room:
the whole window's text is half as large again, the canvas zooms by as much
(its labels and lines grow with the text) as far as the whole network still
fits, and the window goes full screen.
Leaving it puts the text size, the zoom and the window back as they were.
Both are in View and work from the keyboard, also with the menus out of sight.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

SCALE = 1.5  # text and canvas in presentation mode


class Presenting(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self._saved = None  # (font, zoom, was full screen) while presenting
        self.full_screen = QAction("&Full Screen", window)
        self.full_screen.setObjectName("full_screen")
        self.full_screen.setCheckable(True)
        self.full_screen.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.full_screen.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.full_screen.setToolTip("Fill the screen with the window (F11 again to leave)")
        self.full_screen.toggled.connect(self._full)
        self.presentation = QAction("&Presentation Mode", window)
        self.presentation.setObjectName("presentation_mode")
        self.presentation.setCheckable(True)
        self.presentation.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.presentation.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.presentation.setToolTip("Large text and a larger network, full screen, for a projector")
        self.presentation.toggled.connect(self._present)
        menu = window.menus["view"]
        menu.addSeparator()
        menu.addActions([self.full_screen, self.presentation])
        window.add_shortcuts([self.full_screen, self.presentation])

    @property
    def presenting(self) -> bool:
        return self._saved is not None

    def _full(self, on: bool) -> None:
        if on and not self.window.isFullScreen():
            self.window.showFullScreen()
        elif not on and self.window.isFullScreen():
            self.window.showNormal()

    def _present(self, on: bool) -> None:
        app = QApplication.instance()
        view = self.window.canvas
        if on and self._saved is None:
            font = app.font()
            self._saved = (font, view.zoom, self.window.isFullScreen())
            bigger = app.font()
            bigger.setPointSizeF(font.pointSizeF() * SCALE)
            app.setFont(bigger)
            self.full_screen.setChecked(True)
            QApplication.processEvents()  # the larger text and the full screen settle the canvas's size
            # Half as large again, but never larger than the whole network fits.
            wanted = view.zoom * SCALE
            view.fit_all()
            view.set_zoom(min(view.zoom, wanted))
        elif not on and self._saved is not None:
            font, zoom, was_full = self._saved
            self._saved = None
            app.setFont(font)
            view.set_zoom(zoom)
            self.full_screen.setChecked(was_full)


def install_presenting(window) -> Presenting:
    """Full screen and presentation mode in the window's View menu."""
    return Presenting(window)
