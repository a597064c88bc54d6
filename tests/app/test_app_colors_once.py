"""The colours that mean negative / class 0 (orange) and positive / class 1
(blue) are written once, in ``nnsim.app.colors``: every view takes them
from there."""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "nnsim" / "app"
HOME = APP / "colors.py"
# The orange and the blue as hex or as RGB triples.
LITERALS = re.compile(r"f59322|0877bd|245,\s*147,\s*34|8,\s*119,\s*189", re.IGNORECASE)


def test_the_class_colours_are_defined_in_one_module():
    found = [f"{path.relative_to(APP.parent)}:{n}" for path in sorted(APP.rglob("*.py")) if path != HOME
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if LITERALS.search(line)]
    assert found == []
    assert LITERALS.search(HOME.read_text(encoding="utf-8"))
