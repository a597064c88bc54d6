"""The toolbar's icons: small SVG files in ``resources/icons/``.

``icon(name)`` falls back to an empty icon when a file is missing (the
action still shows its text), so a broken install never stops the window.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

from nnsim.resources import resource_path


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    try:
        path = resource_path("icons", f"{name}.svg")
    except FileNotFoundError:
        return QIcon()
    return QIcon(str(path)) if path.exists() else QIcon()
