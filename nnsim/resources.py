"""Finding the files shipped in ``resources/`` (example designs, data sets).

In the source tree they sit at the top level (``resources/``); an installed
wheel carries them inside the package as ``nnsim/resources/`` (see
``[tool.hatch.build]`` in pyproject.toml). Both are looked for, installed first.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The directory holding ``examples/`` and ``datasets/``."""
    for candidate in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "examples").is_dir():
            return candidate
    raise FileNotFoundError(
        "nnsim's resources are missing: neither nnsim/resources nor ../resources exists"
    )


def resource_path(*parts: str) -> Path:
    """Path of a shipped file, e.g. ``resource_path("datasets", "iris.csv")``."""
    return resources_dir().joinpath(*parts)


def examples_dir() -> Path:
    return resource_path("examples")


def example_path(name: str) -> Path:
    """An example design by file name, with or without the ``.nnsim`` suffix."""
    if not name.endswith(".nnsim"):
        name += ".nnsim"
    return examples_dir() / name
