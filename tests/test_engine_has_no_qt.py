"""The headless parts of nnsim never import Qt.

Every module of the subpackages below (found with pkgutil.walk_packages) is
imported in a fresh interpreter; afterwards no PySide6, shiboken6 or pyqtgraph
module may be loaded. A subpackage that does not exist yet is skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

HEADLESS_PACKAGES = ["nnsim.engine", "nnsim.design", "nnsim.io", "nnsim.data", "nnsim.lessons"]
# Single modules that must stay free of Qt too (the CLI loads the app lazily;
# the package itself is imported as every one's parent).
HEADLESS_MODULES = ["nnsim.session", "nnsim.explain", "nnsim.api", "nnsim.cli", "nnsim.resources"]
QT_ROOTS = ["PySide6", "shiboken6", "pyqtgraph"]

_PROBE = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    packages, qt_roots = json.loads(sys.argv[1])

    def qt_modules():
        return {m for m in sys.modules if m.split(".")[0] in qt_roots}

    imported, culprits = [], {}

    def load(name):
        before = qt_modules()
        importlib.import_module(name)
        imported.append(name)
        new = qt_modules() - before
        if new:
            culprits[name] = sorted(new)[:5]

    def walk_error(name):
        raise  # re-raise the import error pkgutil caught

    for package in packages:
        try:
            load(package)
        except ModuleNotFoundError as exc:
            if exc.name == package:
                continue  # this subpackage does not exist (yet)
            raise
        path = getattr(sys.modules[package], "__path__", None)
        if path is None:
            continue  # a plain module
        for info in pkgutil.walk_packages(path, package + ".", onerror=walk_error):
            if info.name not in sys.modules:
                load(info.name)
            elif info.name not in imported:
                imported.append(info.name)

    print(json.dumps({"imported": imported, "culprits": culprits,
                      "qt": sorted(qt_modules())}))
    """
)


def _probe(packages, *, pythonpath=None):
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([pythonpath, env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps([packages, QT_ROOTS])],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, f"importing {packages} failed:\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_headless_packages_do_not_import_qt():
    result = _probe(HEADLESS_PACKAGES + HEADLESS_MODULES)
    assert "nnsim.engine" in result["imported"]
    assert not result["qt"], (
        "headless nnsim modules imported Qt/pyqtgraph; first importer(s): "
        f"{result['culprits']} (all Qt modules loaded: {result['qt'][:10]})"
    )


def test_probe_catches_a_qt_import(tmp_path):
    """The check itself works: a nested module importing PySide6 is found."""
    pkg = tmp_path / "fakeheadless"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "plain.py").write_text("import json\n")
    (pkg / "sub" / "sneaky.py").write_text("import PySide6\n")

    result = _probe(["fakeheadless", "fakeheadless_missing"], pythonpath=str(tmp_path))
    assert "fakeheadless.sub.plain" in result["imported"]
    assert "PySide6" in result["qt"]
    assert list(result["culprits"]) == ["fakeheadless.sub.sneaky"]
