"""The Train menu's actions, shared by the menu, the toolbar and the
training panel's buttons (so all of them enable and relabel together)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle

from nnsim.app.training.controller import TrainingController


PLAY_KEY = "Space"


def is_play_key(event) -> bool:
    """Whether a key press is the play/pause key (Space, no modifier, not held)."""
    return (event.key() == Qt.Key.Key_Space and not event.isAutoRepeat()
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)


def _std_icon(which):
    app = QApplication.instance()
    return app.style().standardIcon(which) if app is not None else None


class TrainingActions(QObject):
    def __init__(self, controller: TrainingController, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        SP = QStyle.StandardPixmap
        self._play_icon = _std_icon(SP.SP_MediaPlay)
        self._pause_icon = _std_icon(SP.SP_MediaPause)

        def make(name, text, slot, key, icon, tip):
            action = QAction(text, self)
            action.setObjectName(name)
            if key:
                action.setShortcut(QKeySequence(key))
                # Space is shown in the menu but is no window-wide shortcut: a
                # focused button, text field or the canvas (tap to play, hold
                # to pan) gets it first; the window plays/pauses on a Space
                # nobody else took (see ``play_key``).
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut if key == PLAY_KEY
                                          else Qt.ShortcutContext.WindowShortcut)
            if icon is not None:
                action.setIcon(icon)
            shown = f"{tip} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})" if key else tip
            action.setToolTip(shown)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False: slot())
            return action

        c = controller
        self.play = make("train_play", "&Play", c.toggle, PLAY_KEY, self._play_icon, "Train until paused")
        self.step_batch = make("train_step_batch", "Step &Batch", c.step_batch, "Ctrl+.",
                               _std_icon(SP.SP_MediaSkipForward), "Train on one batch")
        self.step_epoch = make("train_step_epoch", "Step &Epoch", c.step_epoch, "Ctrl+Shift+.",
                               _std_icon(SP.SP_MediaSeekForward), "Train one epoch (every training sample once)")
        self.reset = make("train_reset", "&Reset Weights", c.reset_weights, "Ctrl+Shift+R",
                          _std_icon(SP.SP_BrowserReload), "Start again from new random weights")
        self.restart = make("train_restart", "Re&start Run", c.restart, "Ctrl+Alt+R",
                            _std_icon(SP.SP_MediaSkipBackward),
                            "Start again from the same starting weights (to compare settings fairly)")
        # Short labels for buttons (the menu shows the full text).
        for action, short in ((self.step_batch, "Step"), (self.step_epoch, "Epoch"), (self.reset, "Reset"),
                              (self.restart, "Restart")):
            action.setIconText(short)
        controller.state_changed.connect(self.refresh)
        self.refresh()

    def all(self) -> list[QAction]:
        return [self.play, self.step_batch, self.step_epoch, self.reset, self.restart]

    def refresh(self) -> None:
        c = self.controller
        if c.playing:
            self.play.setText("&Pause")
            self.play.setIconText("Pause")
            if self._pause_icon is not None:
                self.play.setIcon(self._pause_icon)
            self.play.setStatusTip("Pause training")
        else:
            self.play.setText("&Play")
            self.play.setIconText("Play")
            if self._play_icon is not None:
                self.play.setIcon(self._play_icon)
            self.play.setStatusTip("Train until paused")
        for a in (self.play, self.step_batch, self.step_epoch):
            a.setEnabled(c.can_train)
        self.reset.setEnabled(c.can_train)
        self.restart.setEnabled(c.can_restart)
        self.restart.setToolTip(
            "Start again from the same starting weights, to compare settings fairly"
            if c.can_restart
            else "The starting weights of this run are not known: Reset Weights starts a run you can restart"
        )
