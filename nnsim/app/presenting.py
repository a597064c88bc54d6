"""Showing nnsim to a class: a text size, full screen (F11) and a presentation mode.

View ▸ Text Size makes the whole window's text larger or smaller
(Ctrl+Alt+= and Ctrl+Alt+-, Ctrl+Alt+0 for the normal size), the docks'
titles, the plots' axes and the canvas's labels with it: names, layer
titles and numbers in the drawing grow (as far as the rows of neurons
allow, and the step-through's callouts as much); the zoom stays,
so the network keeps its place. Text that leaves the window short of room
gives Train and Learn their compact arrangements (``workspaces.COMPACT``);
larger text widens the side columns as far as their panels need
(``column_widths``).
The size is remembered between runs.
Presentation mode (Ctrl+Shift+P) is for a projector at the back of a room:
the text is half as large again, the canvas zooms by as much as far as the
whole network still fits, lines are twice as wide on the canvas and in the
plots (the plots' axes take the larger text), and the window goes full screen.
Leaving it puts the text size, the zoom, the lines and the window back as
they were. All of it is in View and works from the keyboard, also with the
menus out of sight.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QWidget

from nnsim.app import present_plots
from nnsim.app.canvas import style as S

SCALE = 1.5  # text and canvas in presentation mode
LINES = 2.0  # line widths in presentation mode
TEXT_SIZES = (0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5)
TEXT_SIZE_KEY = "view/text_size"
_BASE = "nnsim_base_point_size"  # the application's own text size, before any scaling


def _stored_size(settings) -> float:
    try:
        value = float(settings.value(TEXT_SIZE_KEY, 1.0))
    except (TypeError, ValueError):
        return 1.0
    return min(TEXT_SIZES, key=lambda s: abs(s - value))


class Presenting(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        if app.property(_BASE) is None:
            app.setProperty(_BASE, app.font().pointSizeF())
        self._base = float(app.property(_BASE))
        self._saved = None  # (zoom, was full screen, workspace) while presenting
        self.text_size = 1.0
        self._scale = 1.0  # the text size now applied (presentation included)
        self.full_screen = self._action("full_screen", "&Full Screen", Qt.Key.Key_F11,
                                        "Fill the screen with the window (F11 again to leave)", self._full, True)
        self.presentation = self._action("presentation_mode", "&Presentation Mode", "Ctrl+Shift+P",
                                         "Large text, wide lines and a larger network, full screen, for a projector",
                                         self._present, True)
        self.larger_text = self._action("larger_text", "&Larger Text", "Ctrl+Alt+=",
                                        "Make the text larger, the network with it", lambda: self.step_text(1))
        self.smaller_text = self._action("smaller_text", "&Smaller Text", "Ctrl+Alt+-",
                                         "Make the text smaller, the network with it", lambda: self.step_text(-1))
        self.normal_text = self._action("normal_text", "&Normal Text Size", "Ctrl+Alt+0",
                                        "The text at its usual size", lambda: self.set_text_size(1.0))
        menu = window.menus["view"]
        menu.addSeparator()
        sizes = QMenu("&Text Size", window)
        sizes.setObjectName("text_size_menu")
        sizes.addActions([self.larger_text, self.smaller_text, self.normal_text])
        menu.addMenu(sizes)
        menu.addActions([self.full_screen, self.presentation])
        window.add_shortcuts([self.full_screen, self.presentation, self.larger_text, self.smaller_text,
                              self.normal_text])
        self.set_text_size(_stored_size(window.settings), store=False)

    def _action(self, name: str, text: str, key, tip: str, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setCheckable(checkable)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        (action.toggled if checkable else action.triggered).connect(slot)
        return action

    @property
    def presenting(self) -> bool:
        return self._saved is not None

    @property
    def scale(self) -> float:
        """How much larger than usual the text is drawn now."""
        return self._scale

    # -- text size ---------------------------------------------------------------------
    def step_text(self, direction: int) -> None:
        k = min(range(len(TEXT_SIZES)), key=lambda i: abs(TEXT_SIZES[i] - self.text_size))
        self.set_text_size(TEXT_SIZES[max(0, min(len(TEXT_SIZES) - 1, k + direction))])

    def set_text_size(self, size: float, store: bool = True) -> None:
        """The text size setting (1 is usual); the canvas zooms by as much."""
        self.text_size = size
        if store:
            self.window.settings.setValue(TEXT_SIZE_KEY, size)
        self._apply(size * (SCALE if self.presenting else 1.0))
        self.smaller_text.setEnabled(size > TEXT_SIZES[0])
        self.larger_text.setEnabled(size < TEXT_SIZES[-1])
        if store:
            self.window.show_message(f"Text size {round(size * 100)}%")

    def _apply(self, scale: float) -> None:
        ratio, self._scale = scale / self._scale, scale
        app = QApplication.instance()
        font = app.font()
        font.setPointSizeF(self._base * scale)
        app.setFont(font)
        for dock in self.window.findChildren(QDockWidget):
            # A dock whose font is the application's draws its title in the
            # platform's dock title font, which never changes; one with a font
            # of its own draws the title in that. The style strategy makes it
            # its own while it looks the same.
            own = QFont(font)
            own.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
            dock.setFont(own)
        if ratio != 1.0:
            for widget in self.window.findChildren(QWidget):
                if isinstance(widget, QDockWidget):
                    continue
                if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont):  # text made larger or bold on purpose
                    own = widget.font()
                    if own.pointSizeF() > 0:
                        own.setPointSizeF(own.pointSizeF() * ratio)
                        widget.setFont(own)
                elif widget.styleSheet():  # a style sheet's widget keeps its font until polished again
                    widget.setStyleSheet(widget.styleSheet())
        present_plots.scale_axes(self.window, scale)
        S.set_text_scale(scale)
        self.window.scene.restyle_labels()
        # The labels grow in the drawing (above); fitting may magnify half as much
        # again only while presenting, where the network is drawn larger too.
        self.window.canvas.text_scale = SCALE if self.presenting else 1.0
        self.window.workspaces.refit()  # larger text may leave the window short of room
        self.window.workspaces.columns.fit_later()  # and the side columns' panels need more width

    # -- full screen and presentation ------------------------------------------------------
    def _full(self, on: bool) -> None:
        if on and not self.window.isFullScreen():
            self.window.showFullScreen()
        elif not on and self.window.isFullScreen():
            self.window.showNormal()

    def _present(self, on: bool) -> None:
        view = self.window.canvas
        if on and self._saved is None:
            self._saved = (view.zoom, self.window.isFullScreen(), self.window.workspaces.current)
            self._apply(self.text_size * SCALE)
            self._lines(LINES)
            self.full_screen.setChecked(True)
            QApplication.processEvents()  # the larger text and the full screen settle the canvas's size
            self.window.workspaces.refit()
            QApplication.processEvents()
            # Half as large again, but never larger than the whole network fits.
            wanted = self._saved[0] * SCALE
            view.fit_all()
            view.set_zoom(min(view.zoom, wanted))
        elif not on and self._saved is not None:
            zoom, was_full, workspace = self._saved
            self._saved = None
            self._apply(self.text_size)
            self._lines(1.0)
            self.full_screen.setChecked(was_full)
            if workspace == self.window.workspaces.current:
                view.set_zoom(zoom)
            else:  # another workspace, another room: the zoom from before would not fit
                view.fit_when_settled()

    def _lines(self, factor: float) -> None:
        S.set_line_scale(factor)
        self.window.scene.update()
        present_plots.scale_lines(self.window, factor)


def install_presenting(window) -> Presenting:
    """Text size, full screen and presentation mode in the window's View menu."""
    return Presenting(window)
