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
