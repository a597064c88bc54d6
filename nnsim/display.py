"""Whether the window can open here, asked before Qt starts.

Without a display, Qt aborts the process (exit 134) with a message about the
xcb platform plugin and libxcb-cursor0 that sends people looking in the wrong
place. ``display_problem`` finds the common cases first, so that ``nnsim``
can say in one line what is missing and what works without a display.
No Qt here.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

# Qt platforms that need no display server.
HEADLESS = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}

HEADLESS_COMMANDS = "'nnsim train', 'nnsim predict' and 'nnsim examples' work without one"


def display_problem(environ=None, platform: str | None = None, find_library=ctypes.util.find_library) -> str | None:
    """Why the window cannot open (None if it can, as far as can be told
    without starting Qt)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not (platform.startswith("linux") or "bsd" in platform):
        return None  # Windows and macOS have their own display
    requested = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if requested in HEADLESS:
        return None
    x11, wayland = bool(environ.get("DISPLAY")), bool(environ.get("WAYLAND_DISPLAY"))
    if requested.startswith("wayland"):
        if not wayland:
            return (
                f"nnsim: no display found (QT_QPA_PLATFORM is {requested} but WAYLAND_DISPLAY is not set); "
                f"{HEADLESS_COMMANDS}"
            )
        return None
    if requested == "xcb" and not x11:
        return f"nnsim: no display found (QT_QPA_PLATFORM is xcb but DISPLAY is not set); {HEADLESS_COMMANDS}"
    if not (x11 or wayland):
        return (
            "nnsim: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open; "
            f"{HEADLESS_COMMANDS}"
        )
    uses_xcb = requested == "xcb" or (not requested and not wayland)
    if uses_xcb and find_library("xcb-cursor") is None:
        return (
            "nnsim: the window needs the system library libxcb-cursor0, which is not installed "
            "(on Debian or Ubuntu: sudo apt-get install libxcb-cursor0, or run bash .ci/system-deps); "
            f"{HEADLESS_COMMANDS}"
        )
    return None
