"""One GAN round in slow motion: its stages one after another (as GAN Lab's
slow motion, 1.25 s each), each named under the plane with the network at
work lit on the canvas; the two updates are real training steps (undoable).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR

STAGE_MS = 1250

# (what happens, the network at work, the update made at this stage)
STAGES = (
    ("1 · Sample: a batch of real points, and a batch of noise for the generator", None, None),
    ("2 · The generator turns each noise vector into a fake point", GENERATOR, None),
    ("3 · The discriminator judges real and fake points (the heatmap: its verdict everywhere)", DISCRIMINATOR,
     None),
    ("4 · Its loss: real points called fake and fake points called real; the gradients flow back through it",
     DISCRIMINATOR, None),
    ("5 · The discriminator updates its weights ({k} step(s)): the heatmap changes", DISCRIMINATOR, DISCRIMINATOR),
    ("6 · The generator's loss: how fake the discriminator finds its points; its gradient comes back through the "
     "unchanged discriminator (the arrows)", GENERATOR, None),
    ("7 · The generator updates its weights ({g} step(s)): its points move along the arrows", GENERATOR, GENERATOR),
)


class SlowRound(QObject):
    """Walks through STAGES on a timer; ``highlight(group | None)`` lights
    the network at work (the canvas's group frames)."""

    stage_changed = Signal(int, str)  # index (-1: finished), text
    finished = Signal()

    def __init__(self, controller, highlight=None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.highlight = highlight
        self.index = -1
        self.timer = QTimer(self)
        self.timer.setInterval(STAGE_MS)
        self.timer.timeout.connect(self._next)

    @property
    def running(self) -> bool:
        return self.index >= 0

    def start(self) -> None:
        if self.controller.session is None:
            return
        self.controller.pause()
        self.index = -1
        self._next()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.index = -1
        if self.highlight is not None:
            self.highlight(None)
        self.stage_changed.emit(-1, "")

    @Slot()
    def _next(self) -> None:
        self.index += 1
        if self.index >= len(STAGES):
            self.stop()
            self.finished.emit()
            return
        text, group, update = STAGES[self.index]
        gan = self.controller.document.design.gan
        k = gan.discriminator.steps if gan is not None else 1
        g = gan.generator.steps if gan is not None else 1
        if self.highlight is not None:
            self.highlight(group)
        if update is not None and (k if update == DISCRIMINATOR else g) > 0:
            self.controller.step_player(update, k if update == DISCRIMINATOR else g)
        self.stage_changed.emit(self.index, text.format(k=k, g=g))
