"""A view of plots in a dock shorter than it needs: the view scrolls there,
whole, and its plot comes before the settings above it, so the plot is what
shows (the cost curves' dock at 250% text on a 1366x768 screen showed four
rows of settings and no curve). With room the view takes the whole dock, its
settings on top, as without a scroll area; the arrangement changes no size
the view asks for, so it cannot feed back into the dock's size."""

from __future__ import annotations

import pytest
from training_testkit import training_window

import nnsim


@pytest.fixture
def circle(qtbot):
    window, ui = training_window(qtbot, nnsim.example("circle"))
    yield window, ui
    ui.shutdown()


def _order(view, top, plot) -> list:
    lay = view.layout()
    return sorted((top, plot), key=lay.indexOf)


@pytest.mark.parametrize("name, view, top, plot", [
    ("training_cost_dock", "cost", "controls", "graphics"),
    ("training_output_dock", "output", "controls", "stack"),
])
def test_a_plot_comes_first_in_a_short_dock_and_goes_back_with_room(qtbot, circle, name, view, top, plot):
    window, ui = circle
    dock = ui.docks[name]
    view = getattr(ui, view)
    top, plot = getattr(view, top), getattr(view, plot)
    area = dock.widget()
    holder = area.widget()
    dock.setFloating(True)
    dock.show()
    dock.resize(500, 700)
    qtbot.waitUntil(lambda: area.viewport().height() > 600, timeout=3000)
    qtbot.wait(50)
    assert _order(view, top, plot) == [top, plot]
    assert holder.height() == area.viewport().height() and view.height() == holder.height()  # the whole dock
    asked = (view.minimumSizeHint(), view.sizeHint())
    roomy_least = holder.minimumSizeHint().height()

    dock.resize(500, 60)  # as short as the dock goes: shorter than the view by more than the hysteresis
    qtbot.waitUntil(lambda: _order(view, top, plot) == [plot, top], timeout=3000)
    assert holder.height() > area.viewport().height() and area.verticalScrollBar().isVisible()  # it scrolls
    assert view.height() >= view.layout().totalMinimumHeightForWidth(view.width())  # whole, nothing squeezed
    assert plot.geometry().top() < top.geometry().top()
    assert (view.minimumSizeHint(), view.sizeHint()) == asked  # the same parts in another order
    assert not area.horizontalScrollBar().isVisible()

    dock.resize(500, 700)
    qtbot.waitUntil(lambda: _order(view, top, plot) == [top, plot], timeout=3000)
    qtbot.waitUntil(lambda: holder.height() == area.viewport().height(), timeout=3000)
    assert holder.minimumSizeHint().height() == roomy_least
