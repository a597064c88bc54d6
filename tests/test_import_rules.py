"""Which package may import which (docs/architecture.md, "Layers of the code").

Read from the source with ``ast``, so an import inside a function counts as
much as one at the top of a module. The engine stands on the ground floor:
it imports NumPy, the standard library and itself only.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "nnsim"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (absolute names; relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def modules_under(package: str) -> list[Path]:
    return sorted((ROOT.parent / package.replace(".", "/")).rglob("*.py"))


def forbidden(package: str, allowed) -> list[str]:
    out = []
    for path in modules_under(package):
        for name in sorted(imports_of(path)):
            if not allowed(name):
                out.append(f"{module_name(path)} imports {name}")
    return out


STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_engine_imports_numpy_the_standard_library_and_itself_only():
    assert forbidden("nnsim.engine", lambda n: top(n) in STDLIB | {"numpy"} or n.startswith("nnsim.engine")) == []


@pytest.mark.parametrize("package", ["nnsim.engine", "nnsim.design", "nnsim.io", "nnsim.data", "nnsim.lessons"])
def test_nothing_outside_the_app_imports_qt(package):
    qt = {"PySide6", "shiboken6", "pyqtgraph"}
    assert forbidden(package, lambda n: top(n) not in qt) == []


def test_the_design_does_not_import_io_session_or_app():
    bad = ("nnsim.io", "nnsim.session", "nnsim.app", "nnsim.api", "nnsim.cli", "nnsim.explain", "nnsim.lessons")
    assert forbidden("nnsim.design", lambda n: not n.startswith(bad)) == []


def test_the_canvas_does_not_import_training():
    assert forbidden("nnsim.app.canvas", lambda n: not n.startswith("nnsim.app.training")) == []


def test_views_do_not_import_panels():
    assert forbidden("nnsim.app.views", lambda n: not n.startswith("nnsim.app.panels")) == []


def test_the_rules_see_imports_inside_functions_and_relative_ones():
    """The reader itself, on a module known to import lazily and relatively."""
    found = imports_of(ROOT / "cli.py")
    assert "nnsim.app.main" in found  # inside a function
    assert "nnsim.design.model" in imports_of(ROOT / "data" / "__init__.py")  # from ..design.model
