"""Opening another design, or a new one, leaves nothing of the old design in
the training views: no map, no curves, no histograms, no 'earlier runs'."""

from __future__ import annotations

from nnsim.app.views.common import in_sight
from nnsim.resources import example_path

WAIT = 15_000


def _bring_into_sight(window, qtbot, *views):
    """Show the docks of these views (a view out of sight loads a new session
    only when it comes into sight) and wait until they can be seen."""
    for view in views:
        dock = window.training.docks[next(k for k, d in window.training.docks.items() if d.isAncestorOf(view))]
        dock.show()
        dock.raise_()
    qtbot.waitUntil(lambda: all(in_sight(v) for v in views), timeout=WAIT)


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
    _bring_into_sight(window, qtbot, ui.output, ui.histograms)
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


def test_another_design_starts_the_cost_plot_at_its_own_scale(make_window, qtbot):
    window, answers = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    c, cost = window.training.controller, window.training.cost
    window.workspaces.switch("train")  # the cost plot in sight (out of sight it is not drawn)
    qtbot.waitUntil(lambda: in_sight(cost), timeout=WAIT)
    c.set_pace("fastest")
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 150, timeout=WAIT)
    c.pause()
    qtbot.waitUntil(lambda: cost.series.n == len(c.history), timeout=WAIT)
    assert cost.loss_plot.viewRange()[0][1] > 150
    answers.unsaved = "discard"
    assert window.files.open(example_path("xor-mlp"))
    qtbot.waitUntil(lambda: c.session is not None and cost.series.n == 0, timeout=WAIT)
    assert cost.loss_plot.viewRange()[0][1] < 15  # the first epochs, not the old run's 150


def test_new_design_forgets_the_last_snapshot(make_window, qtbot):
    window, answers = make_window(example_path("circle"))
    window.show()
    qtbot.waitExposed(window)
    _train_a_little(window, qtbot)
    c = window.training.controller
    assert c.latest is not None and c.heavy is not None
    answers.unsaved = "discard"
    assert window.files.new()
    assert c.latest is None and c.heavy is None
    qtbot.wait(100)  # a snapshot on its way belongs to the old design and is dropped
    assert c.latest is None and not window.scene._thumbnails


def test_the_empty_canvas_hint_comes_and_goes_with_the_neurons(make_window, qtbot):
    from nnsim.design.model import LayerKind

    window, _answers = make_window()
    window.show()
    window.show_canvas()
    qtbot.waitExposed(window)
    note = window.canvas._empty_note
    assert note.isVisible() and "empty network" in note.text()
    window.document.add_layer(LayerKind.INPUT, 2, 0.0, 0.0)
    assert not note.isVisible()
    window.acts.undo.trigger()
    assert note.isVisible()


def test_messages_keep_file_names_as_they_are():
    from nnsim.app.training.controller import _capitalised

    assert _capitalised("the design has no input neurons") == "The design has no input neurons"
    assert _capitalised("data.csv: no such file") == "data.csv: no such file"
    assert _capitalised("") == ""


def test_what_a_design_lacks_is_said_until_it_is_added(make_window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window, _answers = make_window()
    window.show()
    qtbot.waitExposed(window)
    c, ui = window.training.controller, window.training
    bar = window.statusBar()

    def add(part):  # a focused palette part adds itself on Space
        part.setFocus()
        QTest.keyClick(part, Qt.Key.Key_Space)

    palette = window.palette
    palette.size_box.setValue(2)  # XOR's two features
    _bring_into_sight(window, qtbot, ui.neurons)
    add(palette.layer_parts["input"])
    assert c.message == "The design has no output neurons"
    assert bar.currentMessage() == c.message
    # The views say what is wrong now, not what was wrong before.
    assert ui.neurons.mosaic.note == c.message
    _bring_into_sight(window, qtbot, ui.output)  # a view out of sight says it when it comes into sight
    assert ui.output.stack.currentWidget() is ui.output.note and ui.output.note.text() == c.message
    add(palette.neuron_parts["output"])
    assert c.session is not None and c.message == ""
    assert "no output neurons" not in bar.currentMessage()
    assert not ui.panel.banner.isVisible()
    assert ui.output.stack.currentWidget() is ui.output.plot_widget
    window.acts.undo.trigger()  # the same problem again is said again
    assert c.message == "The design has no output neurons" and bar.currentMessage() == c.message
