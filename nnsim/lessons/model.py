"""Lessons as data: reading lesson files (TOML) into ``Lesson`` objects.

A lesson is a short sequence of steps; each step has words (Markdown), may
open a prepared design, may bring one learn tool forward, and may have a check
that notices when the learner has done what the step asks. The format is
described in docs/lessons.md. Everything is validated when the file is read,
so a typo in a lesson file is one clear error, not a step that never ends.
No Qt here.
"""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnsim.design.model import Design
from nnsim.lessons.checks import Check, LessonError, _valid_setting, parse_check

FORMAT_VERSION = 1

#: Learn tools a step may bring forward.
TOOLS = ("lessons", "step_through", "perceptron", "landscape", "activations", "compare", "time_steps", "rnn_lstm")

EXAMPLE_PREFIX = "example:"

_STEP_KEYS = {
    "title",
    "text",
    "design",
    "design_settings",
    "show",
    "check",
    "hint",
    "done",
    "inputs",
    "target",
    "sample",
    "landscape",
    "compare",
}
_LESSON_KEYS = {"format", "id", "title", "order", "summary", "next", "steps"}


@dataclass
class DesignRef:
    """Where a step's design comes from: a shipped example or a file next to
    the lesson, plus settings to change after loading it."""

    ref: str
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)

    def load(self) -> Design:
        from nnsim.io import load

        design = load(self.path)
        apply_settings(design, self.settings)
        return design


@dataclass
class Step:
    title: str
    text: str
    design: DesignRef | None = None
    show: str | None = None
    check: Check | None = None
    hint: str = ""
    done: str = ""
    inputs: list[float] | None = None  # preset for the step-through
    target: list[float] | None = None  # with inputs: the wanted output (None: forward only)
    sample: int | None = None  # preset training sample for the step-through
    landscape: list[tuple[str, str]] | None = None  # two parameters, see docs/lessons.md
    compare: dict[str, Any] | None = None  # {designs: [DesignRef, DesignRef], epochs: int}


@dataclass
class Lesson:
    id: str
    title: str
    summary: str
    order: float
    steps: list[Step]
    next: str | None = None
    path: Path | None = None


def apply_settings(design: Design, settings: dict[str, Any]) -> None:
    """Set ``training.*``, ``dataset.*``, ``name`` or ``description`` values,
    converting text to the setting's enum where it has one."""
    for name, value in settings.items():
        group, _, key = name.partition(".")
        obj, attr = (design, group) if not key else (getattr(design, group), key)
        current = getattr(obj, attr)
        if isinstance(current, enum.Enum):
            value = type(current)(value)
        elif isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        setattr(obj, attr, value)


def _text(table: dict, key: str, where: str, required: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LessonError(f"{where}: '{key}' must be {'non-empty ' if required else ''}text")
    return value.strip()


def _design_ref(ref: Any, settings: Any, base: Path, where: str) -> DesignRef:
    from nnsim.resources import example_path

    if not isinstance(ref, str) or not ref.strip():
        raise LessonError(f"{where}: 'design' must be 'example:NAME' or a .nnsim file next to the lesson")
    if ref.startswith(EXAMPLE_PREFIX):
        path = example_path(ref[len(EXAMPLE_PREFIX) :].strip())
    else:
        path = (base / ref).resolve()
    if not path.is_file():
        raise LessonError(f"{where}: the design '{ref}' does not exist ({path})")
    settings = settings if settings is not None else {}
    if not isinstance(settings, dict):
        raise LessonError(f"{where}: 'design_settings' must be a table")
    for name in settings:
        if not _valid_setting(name):
            raise LessonError(f"{where}: 'design_settings' cannot set '{name}'")
    design_ref = DesignRef(ref, path, dict(settings))
    try:
        design_ref.load()
    except (ValueError, TypeError, AttributeError, OSError) as e:
        raise LessonError(f"{where}: the design '{ref}' cannot be opened with these settings: {e}") from None
    return design_ref


def _numbers(value: Any, where: str, key: str) -> list[float]:
    if not isinstance(value, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise LessonError(f"{where}: '{key}' must be a list of numbers")
    return [float(v) for v in value]


def _parse_step(table: Any, base: Path, where: str) -> Step:
    if not isinstance(table, dict):
        raise LessonError(f"{where}: a step must be a table")
    unknown = set(table) - _STEP_KEYS
    if unknown:
        raise LessonError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if "design_settings" in table and "design" not in table:
        raise LessonError(f"{where}: 'design_settings' needs a 'design'")
    step = Step(title=_text(table, "title", where, True), text=_text(table, "text", where, True))
    if "design" in table:
        step.design = _design_ref(table["design"], table.get("design_settings"), base, where)
    show = table.get("show")
    if show is not None and show not in TOOLS:
        raise LessonError(f"{where}: 'show' must be one of {', '.join(TOOLS)}")
    step.show = show
    if "check" in table:
        step.check = parse_check(table["check"], f"{where}.check")
    step.hint = _text(table, "hint", where)
    step.done = _text(table, "done", where)
    if "inputs" in table:
        step.inputs = _numbers(table["inputs"], where, "inputs")
    if "target" in table:
        if "inputs" not in table:
            raise LessonError(f"{where}: 'target' needs 'inputs'")
        step.target = _numbers(table["target"], where, "target")
    if "inputs" in table and "sample" in table:
        raise LessonError(f"{where}: give 'inputs' or 'sample', not both")
    if "sample" in table:
        s = table["sample"]
        if isinstance(s, bool) or not isinstance(s, int) or s < 0:
            raise LessonError(f"{where}: 'sample' must be a whole number >= 0")
        step.sample = s
    if "landscape" in table:
        params = table["landscape"]
        ok = (
            isinstance(params, list)
            and len(params) == 2
            and all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, (str, int)) for x in p) for p in params)
        )
        if not ok:
            raise LessonError(
                f"{where}: 'landscape' must be two [source, target] pairs (or [\"bias\", neuron]) of labels or ids"
            )
        step.landscape = [tuple(p) for p in params]
    if "compare" in table:
        comp = table["compare"]
        if not isinstance(comp, dict) or not isinstance(comp.get("designs"), list) or len(comp["designs"]) != 2:
            raise LessonError(f"{where}: 'compare' needs 'designs', a list of two designs")
        epochs = comp.get("epochs", 200)
        if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 100_000:
            raise LessonError(f"{where}: 'compare.epochs' must be a whole number from 1 to 100000")
        step.compare = {
            "designs": [_design_ref(r, None, base, f"{where}.compare") for r in comp["designs"]],
            "epochs": epochs,
        }
    return step


def parse_lesson(data: dict, base: Path, source: str = "<lesson>") -> Lesson:
    """Build a Lesson from a parsed TOML table; ``base`` is the folder that
    relative design paths are taken from."""
    unknown = set(data) - _LESSON_KEYS
    if unknown:
        raise LessonError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}")
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise LessonError(f"{source}: lesson format {version!r} is not supported (this nnsim reads format 1)")
    lesson_id = _text(data, "id", source, True)
    title = _text(data, "title", source, True)
    order = data.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, (int, float)):
        raise LessonError(f"{source}: 'order' must be a number")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LessonError(f"{source}: a lesson needs at least one [[steps]] table")
    parsed = [_parse_step(s, base, f"{source}, step {i + 1}") for i, s in enumerate(steps)]
    nxt = data.get("next")
    if nxt is not None and not isinstance(nxt, str):
        raise LessonError(f"{source}: 'next' must be a lesson id")
    return Lesson(lesson_id, title, _text(data, "summary", source), float(order), parsed, nxt)


def load_lesson(path: str | Path) -> Lesson:
    """Read one lesson file; raises ``LessonError`` naming the file and place."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise LessonError(f"{path.name}: not valid TOML: {e}") from None
    except OSError as e:
        raise LessonError(f"{path.name}: cannot be read: {e.strerror or e}") from None
    lesson = parse_lesson(data, path.parent, path.name)
    lesson.path = path
    return lesson


def lessons_dir() -> Path:
    from nnsim.resources import resource_path

    return resource_path("lessons")


def load_lessons(folder: str | Path | None = None) -> list[Lesson]:
    """Every ``*.toml`` lesson in a folder (default: the shipped lessons),
    ordered by ``order`` then file name; ids must be unique and every
    ``next`` must name one of them."""
    folder = Path(folder) if folder is not None else lessons_dir()
    lessons = [load_lesson(p) for p in sorted(folder.glob("*.toml"))]
    lessons.sort(key=lambda lesson: (lesson.order, lesson.path.name if lesson.path else ""))
    ids: dict[str, Lesson] = {}
    for lesson in lessons:
        if lesson.id in ids:
            raise LessonError(f"{lesson.path.name}: the id '{lesson.id}' is used by {ids[lesson.id].path.name} too")
        ids[lesson.id] = lesson
    for lesson in lessons:
        if lesson.next is not None and lesson.next not in ids:
            raise LessonError(f"{lesson.path.name}: 'next' names no lesson: '{lesson.next}'")
    return lessons
