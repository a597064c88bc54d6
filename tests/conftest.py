"""Test-wide setup.

Qt must run without a screen: QT_QPA_PLATFORM is set here, before any test
module imports PySide6 or pyqtgraph (a value set by the caller, e.g.
``xcb`` under Xvfb, is kept).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
