"""How fast Play trains: the speed control's stops.

At a *paced* speed the worker trains one frame's worth (a step, an epoch, ten
epochs), measures every view once and waits until the window has drawn that
frame before it trains the next; so every frame shows the network as it is,
and learning is something to watch, as in TensorFlow Playground (one epoch per
animation frame). At full speed the worker trains flat out and the views
sample it (a few heavy measurements a second).

The pace is how the user likes to watch, not a property of the network: it
changes neither the weights nor the history's numbers, so it is kept in the
app's settings rather than in the design file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pace:
    key: str  # kept in the settings
    name: str  # shown beside the speed control
    steps: int = 0  # steps a frame
    epochs: int = 0  # epochs a frame (the rest of the current one counts as one)
    tip: str = ""

    @property
    def paced(self) -> bool:
        return bool(self.steps or self.epochs)

    def steps_in_frame(self, steps_left_in_epoch: int, steps_per_epoch: int) -> int:
        """How many steps the next frame trains (paced speeds only)."""
        if self.steps:
            return self.steps
        return steps_left_in_epoch + (self.epochs - 1) * steps_per_epoch


PACES: tuple[Pace, ...] = (
    Pace("step", "1 step a frame", steps=1, tip="One batch per frame: watch each update"),
    Pace("epoch", "1 epoch a frame", epochs=1,
         tip="Every training sample once per frame, as TensorFlow Playground does"),
    Pace("epochs10", "10 epochs a frame", epochs=10, tip="Ten epochs per frame"),
    Pace("fastest", "As fast as possible",
         tip="Train flat out; the views show a sample of the run (a few times a second)"),
)
DEFAULT_PACE = "epoch"
SETTINGS_KEY = "training/speed"


def pace_by_key(key) -> Pace:
    """The pace named ``key``; the default for anything else (a settings file
    from another version, say)."""
    for pace in PACES:
        if pace.key == key:
            return pace
    return pace_by_key(DEFAULT_PACE)


def pace_index(key) -> int:
    return PACES.index(pace_by_key(key))
