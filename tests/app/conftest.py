"""Every window test ends with a garbage collection, after pytest-qt has
closed its widgets: the Qt objects a test leaves in reference cycles are
freed there, in the main thread, between tests, rather than whenever a later
allocation happens to start a collection (inside a paint event of the next
test's plots, or in its training thread), which has crashed the process."""

import gc

import pytest


@pytest.fixture(autouse=True)
def _collect_after_each_test():
    yield
    gc.collect()
