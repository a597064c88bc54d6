"""The shipped lessons load, follow the article's order, and open designs that
exist; a wrong lesson file is refused with one line naming the file and place;
docs/lessons.md describes every fact and event of the vocabulary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nnsim.lessons import EVENTS, TOOLS, LessonError, LessonRun, load_lesson, load_lessons
from nnsim.lessons.checks import CHANGED_WHAT, FACTS, EventCheck, AllOf, AnyOf, NotCheck
from nnsim.lessons.model import lessons_dir

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lessons.md"

ARTICLE_ORDER = [
    "one-neuron",
    "activation-functions",
    "perceptron-and",
    "perceptron-xor",
    "hidden-layer-xor",
    "backpropagation",
    "going-deeper",
    "kernel-finds-edges",
    "cnn-reads-digits",
    "loop-gives-memory",
    "gradients-fade",
    "gates-remember",
    "why-forget",
    "gan-game",
    "gan-cheats",
]


def test_the_lessons_follow_the_article():
    lessons = load_lessons()
    assert [lesson.id for lesson in lessons] == ARTICLE_ORDER
    for lesson, nxt in zip(lessons, lessons[1:]):
        assert lesson.next == nxt.id
    for lesson in lessons:
        assert lesson.summary and lesson.steps
        for step in lesson.steps:
            assert step.title and step.text
            assert step.show is None or step.show in TOOLS


def test_every_step_design_opens():
    for lesson in load_lessons():
        for step in lesson.steps:
            if step.design is not None:
                design = step.design.load()
                assert design.neurons
            if step.compare:
                assert len([ref.load() for ref in step.compare["designs"]]) == 2
    # The first step of every lesson opens a design, so a lesson never starts on a stranger's design.
    assert all(lesson.steps[0].design is not None for lesson in load_lessons())


def _events(check):
    if isinstance(check, EventCheck):
        yield check.name
    for part in getattr(check, "parts", []) or []:
        yield from _events(part)
    if isinstance(check, NotCheck):
        yield from _events(check.part)


def test_lessons_listen_for_the_events_the_issue_names():
    used = {name for lesson in load_lessons() for step in lesson.steps if step.check for name in _events(step.check)}
    for name in ("forward_done", "backward_done", "update_applied", "perceptron_finished", "training", "diverged",
                 "descent_step", "activation_shown", "compare_done"):
        assert name in used


def test_the_docs_describe_the_whole_vocabulary():
    text = DOCS.read_text(encoding="utf-8")
    for fact in FACTS:
        assert f"`{fact}`" in text, fact
    for event in EVENTS:
        assert f"`{event}`" in text, event
    for what in CHANGED_WHAT:
        assert f"`{what}`" in text, what
    for tool in TOOLS:
        assert f"`{tool}`" in text, tool


# -- refusing bad files ---------------------------------------------------------------------
GOOD = """
format = 1
id = "x"
title = "X"
summary = "s"

[[steps]]
title = "One"
text = "Do it."
design = "example:article-neuron"
check = { event = "forward_done" }
"""


def write(tmp_path: Path, text: str, name: str = "01-x.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_design_settings_are_applied(tmp_path):
    text = GOOD.replace(
        'check = {', 'design_settings = { "dataset.name" = "OR", "training.rule" = "perceptron", '
        '"training.learning_rate" = 1, name = "Mine" }\ncheck = {'
    )
    (step,) = load_lesson(write(tmp_path, text)).steps
    design = step.design.load()
    assert (design.dataset.name, design.training.rule.value, design.training.learning_rate, design.name) == (
        "OR", "perceptron", 1.0, "Mine")
    assert isinstance(design.training.learning_rate, float)


def test_a_good_file_loads(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD))
    assert lesson.id == "x" and len(lesson.steps) == 1


@pytest.mark.parametrize(
    "change, message",
    [
        (("format = 1", "format = 2"), "format 2 is not supported"),
        (('id = "x"', 'id = ""'), "'id' must be non-empty text"),
        (('title = "One"', 'titel = "One"'), "unknown key(s) titel"),
        (('"example:article-neuron"', '"example:no-such"'), "the design 'example:no-such' does not exist"),
        (('"example:article-neuron"', '"designs/missing.nnsim"'), "does not exist"),
        (('event = "forward_done"', 'event = "forwards"'), "unknown event 'forwards'"),
        (('text = "Do it."', 'text = ""'), "'text' must be non-empty text"),
        (('check = {', 'show = "canvas"\ncheck = {'), "'show' must be one of"),
        (('check = {', 'sample = -1\ncheck = {'), "'sample' must be a whole number"),
        (('check = {', 'target = [1]\ncheck = {'), "'target' needs 'inputs'"),
        (('check = {', 'landscape = [["a", "b"]]\ncheck = {'), "'landscape' must be two"),
        (('check = {', 'design_settings = { "training.speed" = 3 }\ncheck = {'), "cannot set 'training.speed'"),
        (('check = {', 'design_settings = { "training.rule" = "magic" }\ncheck = {'), "cannot be opened with these settings"),
        (('check = {', 'compare = { designs = ["example:xor-mlp"] }\ncheck = {'), "'compare' needs 'designs'"),
        (("[[steps]]", "[[steps]]\n[[steps]]"), "step 1: 'title' must be non-empty text"),
        (('title = "X"', 'title = "X'), "not valid TOML"),
    ],
)
def test_bad_files_are_refused_with_the_place(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert message in str(info.value)
    assert str(info.value).startswith("01-x.toml")


def test_ids_are_unique_and_next_must_exist(tmp_path):
    write(tmp_path, GOOD, "01-a.toml")
    write(tmp_path, GOOD, "02-b.toml")
    with pytest.raises(LessonError, match="the id 'x' is used by 01-a.toml too"):
        load_lessons(tmp_path)
    (tmp_path / "02-b.toml").unlink()
    write(tmp_path, GOOD.replace('summary = "s"', 'summary = "s"\nnext = "y"'), "01-a.toml")
    with pytest.raises(LessonError, match="'next' names no lesson: 'y'"):
        load_lessons(tmp_path)


def test_a_new_lesson_needs_no_code(tmp_path):
    """More lessons (CNN, RNN, ...) are files: drop one in a folder and it loads,
    with a design next to it."""
    design = lessons_dir() / "designs" / "descent-bowl.nnsim"
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "mine.nnsim").write_bytes(design.read_bytes())
    text = GOOD.replace('"example:article-neuron"', '"designs/mine.nnsim"').replace(
        'check = { event = "forward_done" }',
        'landscape = [["a", "out"], ["bias", "out"]]\n'
        'check = { all = [{ event = "descent_step", count = 3, say = "three steps" }, '
        '{ fact = "setting", name = "training.learning_rate", max = 1, say = "a small rate" }] }',
    )
    write(tmp_path, text)
    (lesson,) = load_lessons(tmp_path)
    step = lesson.steps[0]
    assert step.landscape == [("a", "out"), ("bias", "out")]
    assert [p.describe() for p in step.check.items()] == ["three steps", "a small rate"]
    assert isinstance(step.check, AllOf) and not isinstance(step.check, AnyOf)
    run = LessonRun(lesson)
    run.begin(0, step.design.load())
    assert run.evaluate(step.design.load()).done is False


def test_lessons_import_no_qt():
    code = (
        "import sys, nnsim.lessons as l; l.load_lessons(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
