"""A training view out of sight does no work for a new session (open, reset,
undo): on a large design its plots alone cost a tenth of a second each time.
It loads the session when it comes into sight."""

from __future__ import annotations

from nnsim.app.views.common import in_sight
from nnsim.resources import example_path

WAIT = 15_000


def _count_plots(view) -> list:
    """Counts the plots the histograms view makes from now on."""
    made = []
    real = view.graphics.addPlot
    view.graphics.addPlot = lambda *a, **k: made.append(1) or real(*a, **k)
    return made


def test_hidden_histograms_make_nothing_until_they_come_into_sight(make_window, qtbot):
    window, answers = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    ui, c = window.training, window.training.controller
    view = ui.histograms
    assert not in_sight(view)  # the Build workspace: the training views are put away
    made = _count_plots(view)
    assert window.files.open(example_path("xor-mlp"))
    assert c.session is not None
    c.reset_weights()
    window.document.undo()
    qtbot.wait(50)  # the first snapshots arrive and the views take their turns
    assert made == []
    dock = ui.docks["training_histograms_dock"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: in_sight(view), timeout=WAIT)
    layers = [info.layer_id for info in c.probe.mapped]
    qtbot.waitUntil(lambda: len(view.plots) == len(layers), timeout=WAIT)
    assert view._layers == layers and len(made) == len(layers)
    qtbot.waitUntil(lambda: view._heavy is not None, timeout=WAIT)  # and it draws the new session's numbers
