"""Following one lesson: which step is showing, what happened since it began,
and whether its check has been met. No Qt; the lessons panel drives it.

A step that has been completed stays completed (undoing an edit afterwards
does not take the tick away); a step without a check counts as completed as
soon as it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnsim.design.model import Design
from nnsim.lessons.checks import Context
from nnsim.lessons.events import Event
from nnsim.lessons.model import Lesson, Step


@dataclass
class StepStatus:
    done: bool
    items: list[tuple[str, bool]]  # the checklist: (words, met now or before)


class LessonRun:
    """A learner's way through one lesson."""

    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self.index = 0
        self.events: list[Event] = []
        self.start: Design | None = None
        self.completed: set[int] = set()
        self._ticked: set[int] = set()  # checklist items met during this visit

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def is_last(self) -> bool:
        return self.index == len(self.lesson.steps) - 1

    @property
    def finished(self) -> bool:
        return len(self.completed) == len(self.lesson.steps)

    def begin(self, index: int, design: Design) -> None:
        """Show step ``index``: its events start afresh and ``design`` is the
        design it starts from."""
        if not 0 <= index < len(self.lesson.steps):
            raise IndexError(f"lesson '{self.lesson.id}' has no step {index + 1}")
        self.index = index
        self.events = []
        self._ticked = set()
        self.start = design.copy()
        if self.step.check is None:
            self.completed.add(index)

    MAX_EVENTS = 5000  # a long training run reports every epoch; keep the newest

    def record(self, event: Event) -> None:
        self.events.append(event)
        if len(self.events) > self.MAX_EVENTS:
            del self.events[: len(self.events) - self.MAX_EVENTS]

    def evaluate(self, design: Design) -> StepStatus:
        """Check the current step against the design now and the events so far."""
        check = self.step.check
        if check is None:
            return StepStatus(True, [])
        ctx = Context(design, self.events, self.start)
        items = []
        for i, part in enumerate(check.items()):
            if i not in self._ticked and part.evaluate(ctx):
                self._ticked.add(i)
            items.append((part.describe(), i in self._ticked))
        met = self.index in self.completed or all(ok for _, ok in items)
        if met:
            self.completed.add(self.index)
            items = [(text, True) for text, _ in items]
        return StepStatus(met, items)
