"""The welcome page and the Examples menu list the shipped examples in every
window; each file is read once while it stays the same, and read again when
it changes."""

from __future__ import annotations

import shutil

import nnsim.app.panels.welcome as welcome
from nnsim.io import load as real_load
from nnsim.resources import example_path


def test_each_example_is_read_once_until_it_changes(tmp_path, monkeypatch, qapp):
    for name in ("xor-mlp", "circle"):
        shutil.copy(example_path(name), tmp_path / f"{name}.nnsim")
    monkeypatch.setattr(welcome, "examples_dir", lambda: tmp_path)
    reads = []
    monkeypatch.setattr(welcome, "load", lambda path: reads.append(path.name) or real_load(path))
    first = welcome.shipped_examples()
    again = welcome.shipped_examples()
    assert [e.path.name for e in first] == ["circle.nnsim", "xor-mlp.nnsim"]
    assert [e.name for e in again] == [e.name for e in first]
    assert sorted(reads) == ["circle.nnsim", "xor-mlp.nnsim"]  # once each

    changed = tmp_path / "xor-mlp.nnsim"
    text = changed.read_text(encoding="utf-8")
    old_name = first[1].name
    changed.write_text(text.replace(f'"name": "{old_name}"', '"name": "XOR, renamed for a class"', 1),
                       encoding="utf-8")
    (tmp_path / "broken.nnsim").write_text("{ not json", encoding="utf-8")
    reads.clear()
    names = [e.name for e in welcome.shipped_examples()]
    assert names == [first[0].name, "XOR, renamed for a class"]  # the broken one is left out
    assert sorted(reads) == ["broken.nnsim", "xor-mlp.nnsim"]


def test_the_shipped_lessons_are_read_once_until_one_changes(tmp_path, monkeypatch, qapp):
    import pytest

    import nnsim.app.learn.lessons_panel as panel
    from nnsim.lessons import LessonError
    from nnsim.lessons.model import lessons_dir

    folder = tmp_path / "lessons"
    shutil.copytree(lessons_dir(), folder)
    monkeypatch.setattr(panel, "lessons_dir", lambda: folder)
    monkeypatch.setattr(panel, "_SHIPPED", [None, None])
    reads = []
    real = panel.load_lessons
    monkeypatch.setattr(panel, "load_lessons", lambda f: reads.append(f) or real(f))
    first = panel.shipped_lessons()
    assert panel.shipped_lessons() is first and len(reads) == 1
    one = sorted(folder.glob("*.toml"))[0]
    text = one.read_text(encoding="utf-8")
    title = next(lesson.title for lesson in first if lesson.path.name == one.name)
    one.write_text(text.replace(f'title = "{title}"', 'title = "Our own first lesson"', 1), encoding="utf-8")
    again = panel.shipped_lessons()
    assert len(reads) == 2 and "Our own first lesson" in [lesson.title for lesson in again]
    one.write_text(text + "\n[[broken\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(LessonError, match=one.name):
            panel.shipped_lessons()
    assert len(reads) == 3
