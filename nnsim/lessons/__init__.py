"""Guided lessons as data files, and the checks that notice the learner's progress.

Pure Python (no Qt): ``load_lessons()`` reads the shipped lessons from
``resources/lessons``; a ``LessonRun`` follows one lesson step by step, fed
with ``Event``s by the app and evaluated against the current design. The file
format and the check vocabulary are described in docs/lessons.md.
"""

from nnsim.lessons.checks import Check, Context, LessonError, parse_check
from nnsim.lessons.events import EVENTS, Event
from nnsim.lessons.model import TOOLS, DesignRef, Lesson, Step, load_lesson, load_lessons, parse_lesson
from nnsim.lessons.run import LessonRun, StepStatus

__all__ = [
    "EVENTS",
    "TOOLS",
    "Check",
    "Context",
    "DesignRef",
    "Event",
    "Lesson",
    "LessonError",
    "LessonRun",
    "Step",
    "StepStatus",
    "load_lesson",
    "load_lessons",
    "parse_check",
    "parse_lesson",
]
