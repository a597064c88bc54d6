"""Test-wide setup.

Qt must run without a screen: QT_QPA_PLATFORM is set here, before any test
module imports PySide6 or pyqtgraph (a value set by the caller, e.g.
``xcb`` under Xvfb, is kept).
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


_EXIT_STATUS = {"code": 0}


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS["code"] = int(exitstatus)


def pytest_unconfigure(config):
    """End the test process with pytest's own status once it has reported
    everything. Left to the interpreter, the teardown of Qt and pyqtgraph
    objects at exit has crashed (a segmentation fault after every test had
    passed); what the tests found is already said, so nothing is lost.
    Not under mutation testing: mutmut runs pytest inside its own process,
    which must go on after the tests (``MUTANT_UNDER_TEST`` is its mark)."""
    import os
    import sys

    if "PySide6" in sys.modules and "MUTANT_UNDER_TEST" not in os.environ:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS["code"])
