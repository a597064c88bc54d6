"""Moving the keyboard from panel to panel, and seeing where it is.

F6 (Shift+F6 back) gives the keyboard to the next panel in view, left to
right and top to bottom, the canvas among them; the panel that has the
keyboard wears a frame (the canvas draws its own). Tab moves within and
across panels as Qt's focus chain does.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from nnsim.app.canvas.view import FocusFrame


def _dock_of(widget: QWidget | None) -> QDockWidget | None:
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget


def _takes_keys(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled() and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def first_focusable(panel: QWidget) -> QWidget | None:
    """The first widget of ``panel`` in the Tab order that takes the keyboard."""
    if _takes_keys(panel):
        return panel
    w = panel.nextInFocusChain()
    seen = set()
    while w is not None and id(w) not in seen:
        seen.add(id(w))
        if panel.isAncestorOf(w) and _takes_keys(w):
            return w
        w = w.nextInFocusChain()
    return None


class PanelFocus(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.frame = FocusFrame(window)
        self._dock: QDockWidget | None = None
        self.next_panel = self._action("next_panel", "Ne&xt Panel", Qt.Key.Key_F6, 1)
        self.previous_panel = self._action("previous_panel", "Pre&vious Panel", "Shift+F6", -1)
        menu = window.menus["view"]
        menu.addSeparator()
        menu.addActions([self.next_panel, self.previous_panel])
        window.add_shortcuts([self.next_panel, self.previous_panel])
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _action(self, name: str, text: str, key, step: int) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip("Give the keyboard to the next panel in view (F6), or the one before (Shift+F6)")
        action.triggered.connect(lambda: self.move(step))
        return action

    # -- the panels in view ----------------------------------------------------------------
    def panels(self) -> list[QWidget]:
        """The canvas (or the welcome page) and every dock in view (the front
        tab of a tabbed group), left to right, top to bottom."""
        w = self.window
        found = [w.central.currentWidget()]
        for dock in w.findChildren(QDockWidget):
            if dock.isVisible() and not dock.visibleRegion().isEmpty() and dock.widget() is not None:
                found.append(dock)
        return sorted(found, key=lambda p: (p.mapToGlobal(QPoint(0, 0)).x(), p.mapToGlobal(QPoint(0, 0)).y()))

    def current(self) -> QWidget | None:
        focus = QApplication.focusWidget()
        for panel in self.panels():
            if focus is not None and (panel is focus or panel.isAncestorOf(focus)):
                return panel
        return None

    def move(self, step: int) -> None:
        panels = self.panels()
        if not panels:
            return
        here = self.current()
        k = panels.index(here) if here in panels else (-1 if step > 0 else 0)
        for i in range(1, len(panels) + 1):
            target = first_focusable(panels[(k + step * i) % len(panels)])
            if target is not None:
                target.setFocus(Qt.FocusReason.TabFocusReason)
                return

    # -- the frame -------------------------------------------------------------------------
    def _focus_changed(self, _old, new) -> None:
        dock = _dock_of(new)
        if dock is not None and (dock.isFloating() or dock.parentWidget() is not self.window):
            dock = None  # a window of its own: its title bar says it has the keyboard
        if dock is self._dock:
            return
        if self._dock is not None:
            self._dock.removeEventFilter(self)
        self._dock = dock
        if dock is None:
            self.frame.hide()
            return
        dock.installEventFilter(self)
        self._place()
        self.frame.show()
        self.frame.raise_()

    def _place(self) -> None:
        inner = self._dock.widget() if self._dock is not None else None
        if inner is not None:
            self.frame.setGeometry(QRect(inner.mapTo(self.window, QPoint(0, 0)), inner.size()))
            self.frame.raise_()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self._dock and event.type() == QEvent.Type.Hide:
            self.frame.hide()
        elif obj is self._dock and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False


def install_panel_focus(window) -> PanelFocus:
    """F6 between panels, and a frame round the one with the keyboard."""
    return PanelFocus(window)
