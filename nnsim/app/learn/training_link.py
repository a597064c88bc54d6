"""Lessons listen to live training: the training controller's progress becomes
learn events (``training``, ``diverged``, ``perceptron_finished``).

Works with ``nnsim.app.training.TrainingController``: it reads the
controller's ``updated`` and ``state_changed`` signals, its ``history``,
``latest`` snapshot, ``divergences``, ``playing``, ``epoch`` and ``session``.
Nothing here changes training.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from nnsim.app.learn.hub import LearnHub

PERCEPTRON_END = ("converged", "not_separable")


class TrainingLink(QObject):
    def __init__(self, hub: LearnHub, controller, parent: QObject | None = None):
        super().__init__(parent if parent is not None else hub)
        self.hub = hub
        self.controller = controller
        self._last_epoch = None
        self._divergences = len(controller.divergences)
        self._last_status = None
        controller.updated.connect(self._progress)
        controller.state_changed.connect(self._state)
        controller.player_stepped.connect(self._player_stepped)

    def _record(self, status: str) -> None:
        c = self.controller
        rec = c.history[-1] if c.history else None
        self.hub.record(
            "training",
            status=status,
            epoch=int(rec.epoch) if rec is not None else int(c.epoch),
            loss=None if rec is None else float(rec.train_loss),
            test_loss=None if rec is None or rec.test_loss is None else float(rec.test_loss),
            accuracy=None if rec is None or rec.train_accuracy is None else float(rec.train_accuracy),
            test_accuracy=None if rec is None or rec.test_accuracy is None else float(rec.test_accuracy),
            source="training",
            js=None if rec is None or "js_divergence" not in rec.losses else float(rec.losses["js_divergence"]),
        )

    def _player_stepped(self, player: str) -> None:
        self.hub.record("gan_step", player=player)

    def _progress(self) -> None:
        history = self.controller.history
        epoch = history[-1].epoch if history else None
        if epoch is not None and epoch != self._last_epoch:
            self._last_epoch = epoch
            self._record("running" if self.controller.playing else "paused")

    def _state(self) -> None:
        c = self.controller
        if len(c.divergences) > self._divergences:
            self._divergences = len(c.divergences)
            rate = float(self.hub.document.design.training.learning_rate)
            self._record("diverged")
            self.hub.record("diverged", source="training", learning_rate=rate, loss=None)
        latest = c.latest
        status = latest.status if latest is not None else None
        if status != self._last_status:
            self._last_status = status
            if status in PERCEPTRON_END:
                data = c.session.dataset.name if c.session is not None else ""
                self._record(status)
                self.hub.record("perceptron_finished", status=status, epochs=int(latest.epoch), data=data)
        if not c.playing:
            self._progress()
