"""Opening another design, or a new one, leaves nothing of the old design in
the training views: no map, no curves, no histograms, no 'earlier runs'."""

from __future__ import annotations

from nnsim.resources import example_path

WAIT = 15_000


def _train_a_little(window, qtbot):
    c = window.training.controller
    qtbot.waitUntil(lambda: c.session is not None, timeout=WAIT)
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 5, timeout=WAIT)
    c.pause()
    qtbot.waitUntil(lambda: not c.playing and window.training.cost.series.n > 0, timeout=WAIT)


def test_new_design_clears_the_training_views(make_window, qtbot):
    window, answers = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    ui = window.training
    _train_a_little(window, qtbot)
    assert ui.output.stack.currentWidget() is ui.output.plot_widget
    assert ui.histograms.plots
    answers.unsaved = "discard"
    assert window.files.new()
    assert ui.controller.session is None
    assert ui.output.stack.currentWidget() is ui.output.note  # no map of the old design
    assert ui.cost.series.n == 0 and ui.cost.old_run_count == 0
    assert ui.histograms.plots == []
    # A blank design is nothing wrong: the panel says how to begin, not an error.
    assert ui.controller.message.startswith("Nothing to train yet") and ui.controller.message_kind == "info"


def test_another_design_does_not_keep_the_old_curves_as_earlier_runs(make_window, qtbot):
    window, answers = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    _train_a_little(window, qtbot)
    answers.unsaved = "discard"
    assert window.files.open(example_path("xor-mlp"))
    qtbot.waitUntil(lambda: window.training.controller.session is not None, timeout=WAIT)
    assert window.training.cost.old_run_count == 0
    assert window.training.cost.series.n == 0
