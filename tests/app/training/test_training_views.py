"""The training panel and the live views, both directions: a widget change
reaches the Document, a Document change (or undo) reaches the widget; and
what the views show after training."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Signal
from training_testkit import WAIT, training_window

import nnsim
from nnsim.app.training import install_training
from nnsim.design.model import DatasetSpec, Loss, Optimizer, Regularization
from nnsim.design.parameters import ParameterMap
from nnsim.design.names import neuron_name


class FakeScene(QObject):
    """The canvas scene's hooks, recorded (live weights in design order,
    read from the named arrays through the design's parameter map)."""

    selection_changed_ids = Signal(list, list, list)
    neuron_hovered = Signal(int)

    def __init__(self, design):
        super().__init__()
        self.map = ParameterMap(design)
        self.thumbnails = None
        self.weights = []

    def set_neuron_thumbnails(self, images):
        self.thumbnails = images

    def set_live_parameters(self, params):
        self.weights.append(None if params is None else self.map.weights(params))

    def highlight_group(self, group):
        pass




@pytest.fixture
def circle(qtbot):
    window, ui = training_window(qtbot, nnsim.example("circle"))
    yield window, ui
    ui.shutdown()


# -- the settings, both directions ---------------------------------------------------------
def test_settings_widgets_write_through_the_document(qtbot, circle):
    window, ui = circle
    p, doc = ui.panel, window.document
    p.batch_size.setValue(25)
    assert doc.design.training.batch_size == 25
    assert ui.controller.session.trainer.settings.batch_size == 25  # read live
    for combo, value, field in ((p.optimizer, Optimizer.ADAM, "optimizer"), (p.loss, Loss.MSE, "loss"),
                                (p.regularization, Regularization.L2, "regularization")):
        combo.setCurrentIndex(combo.findData(value))
        combo.activated.emit(combo.currentIndex())
        assert getattr(doc.design.training, field) == value
    assert p.reg_rate.isEnabled()
    p.reg_rate.setEditText("0.003")
    p.reg_rate.lineEdit().editingFinished.emit()
    assert doc.design.training.regularization_rate == pytest.approx(0.003)
    p.epochs.setValue(42)
    assert doc.design.training.epochs == 42
    p.use_target.setChecked(True)
    p.target.setValue(0.02)
    assert doc.design.training.target_loss == pytest.approx(0.02)
    p.use_target.setChecked(False)
    assert doc.design.training.target_loss is None
    p.learning_rate.setEditText("abc")  # not a number: refused, the old value comes back
    p.learning_rate.lineEdit().editingFinished.emit()
    assert doc.design.training.learning_rate == pytest.approx(0.03)
    assert p.learning_rate.currentText() == "0.03"


def test_settings_widgets_follow_the_document_and_undo(qtbot, circle):
    window, ui = circle
    p, doc = ui.panel, window.document
    doc.set_training(learning_rate=0.3, batch_size=7, optimizer=Optimizer.MOMENTUM)
    assert p.learning_rate.currentText() == "0.3"
    assert p.batch_size.value() == 7
    assert p.optimizer.currentData() == Optimizer.MOMENTUM
    doc.undo_stack.undo()
    assert p.learning_rate.currentText() == "0.03"
    assert p.batch_size.value() == 10
    assert p.optimizer.currentData() == Optimizer.SGD


def test_data_chooser(qtbot, circle, tmp_path):
    window, ui = circle
    d, doc = ui.panel.data, window.document
    d.thumbs["spiral"].click()
    assert doc.design.dataset.source == "playground" and doc.design.dataset.name == "spiral"
    assert d.thumbs["spiral"].isChecked() and not d.thumbs["circle"].isChecked()
    d.noise.setValue(20)
    d.ratio.setValue(70)
    assert doc.design.dataset.noise == pytest.approx(0.2)
    assert doc.design.dataset.train_ratio == pytest.approx(0.7)
    assert len(ui.controller.dataset.x_train) == 350
    seed = doc.design.dataset.seed
    d.regenerate.click()
    assert doc.design.dataset.seed != seed
    d.logic.setCurrentIndex(d.logic.findData("XOR"))
    d.logic.activated.emit(d.logic.currentIndex())
    assert doc.design.dataset.source == "logic" and doc.design.dataset.name == "XOR"
    assert not d.noise.isVisible() and not d.ratio.isVisible() and not d.regenerate.isVisible()
    # A CSV file: the path and the target columns come from two questions.
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n0,0,no\n1,1,yes\n0,1,no\n1,0,yes\n", encoding="utf-8")
    d.ask_csv_path = lambda: str(csv)
    asked = {}

    def targets(columns, path):
        asked["columns"] = columns
        return DatasetSpec("csv", path=str(csv), targets=["label"], task="classification", train_ratio=0.5)

    d.ask_csv_targets = targets
    d.csv.click()
    assert asked["columns"] == ["a", "b", "label"]
    assert doc.design.dataset.source == "csv" and doc.design.dataset.targets == ["label"]
    assert ui.controller.error == "" and ui.controller.dataset.n_features == 2
    doc.undo_stack.undo()
    assert doc.design.dataset.source == "logic"
    assert d.logic.currentData() == "XOR"


# -- the views --------------------------------------------------------------------------------
def test_views_after_training_a_two_input_set(qtbot):
    design = nnsim.example("circle")
    scene = FakeScene(design)
    window, ui = training_window(qtbot, design, scene)
    try:
        c = ui.controller
        window.document.set_training(epochs=1_000_000)
        c.play()
        # The canvas gets a thumbnail per hidden and output neuron, and the weights.
        qtbot.waitUntil(lambda: c.epoch > 30 and any(w is not None for w in scene.weights), timeout=WAIT)
        c.pause()
        qtbot.waitUntil(lambda: c.latest is not None and c.latest.final, timeout=WAIT)
        qtbot.waitUntil(lambda: scene.thumbnails is not None and scene.weights[-1] is None, timeout=WAIT)
        mapped = set(c.probe.mapped_ids)
        assert set(scene.thumbnails) == mapped
        live = [w for w in scene.weights if w is not None]
        assert live and len(live[-1]) == len(window.document.design.connections)
        assert scene.weights[-1] is None  # paused: the canvas shows the Document's numbers again
        # Selecting a neuron on the canvas shows it large.
        nid = sorted(mapped)[0]
        scene.selection_changed_ids.emit([nid], [], [])
        assert c.selected_neuron == nid
        ui.docks["training_neurons_dock"].raise_()
        qtbot.waitUntil(lambda: neuron_name(window.document.design, nid) in ui.neurons.detail.title.text(),
                        timeout=WAIT)
        # Clicking a tile of the mosaic selects that neuron.
        mosaic = ui.neurons.mosaic
        other = sorted(mapped)[-1]
        qtbot.waitUntil(lambda: other in mosaic._rects, timeout=WAIT)
        centre = mosaic._rects[other].center().toPoint()
        qtbot.mouseClick(mosaic, Qt.MouseButton.LeftButton, pos=centre)
        assert c.selected_neuron == other
        # The output map shows the decision as an image.
        ui.docks["training_output_dock"].raise_()
        qtbot.waitUntil(lambda: ui.output.image.image is not None and ui.output.image.image.shape[0] == 100,
                        timeout=WAIT)
        ui.output.show_test.setChecked(True)
        assert ui.output.test_points.isVisible()
        ui.output.discretize.setChecked(True)
        # Histograms per layer, with a health note.
        ui.docks["training_histograms_dock"].raise_()
        qtbot.waitUntil(lambda: ui.histograms._heavy is not None, timeout=WAIT)
        assert len(ui.histograms.bars) == 3
        # The cost curves: axis choice, log scale, hover readout.
        cost = ui.cost
        assert cost.series.n == len(c.history) > 0
        cost.log_scale.setChecked(True)
        cost.x_axis.setCurrentIndex(cost.x_axis.findData("step"))
        xs, _ys = cost.train_curve.getData()
        assert xs[-1] == c.history[-1].step
        assert "training loss" in cost.describe_near(float(xs[-1]))
    finally:
        ui.shutdown()


def test_views_for_data_with_four_inputs(qtbot):
    window, ui = training_window(qtbot, nnsim.example("iris"))
    try:
        c = ui.controller
        assert not c.probe.two_d
        ui.actions.step_epoch.trigger()
        qtbot.waitUntil(lambda: c.epoch == 1 and c.latest.final, timeout=WAIT)
        ui.docks["training_confusion_dock"].raise_()
        qtbot.waitUntil(lambda: ui.confusion.matrix.matrix is not None, timeout=WAIT)
        m = ui.confusion.matrix.matrix
        assert m.shape == (3, 3) and m.sum() == len(c.dataset.x_test)
        assert "right" in ui.confusion.title.text()
        ui.docks["training_sample_dock"].raise_()
        qtbot.waitUntil(lambda: ui.sample.table.columnCount() == 3, timeout=WAIT)
        ui.sample.which.setCurrentIndex(1)  # a test sample
        ui.sample.index.setValue(5)
        qtbot.waitUntil(lambda: "Test sample 5" in ui.sample.summary.text(), timeout=WAIT)
        assert c.heavy.sample.index == 4  # shown counting from 1, as people count
        np.testing.assert_allclose(c.heavy.sample.x, c.dataset.x_test[4])
        assert ui.sample.table.item(0, 2) is not None
        assert "4 inputs" in ui.output.note.text()
    finally:
        ui.shutdown()


def test_train_menu_and_toolbar(qtbot, circle):
    window, ui = circle
    texts = [a.text() for a in ui.menu.actions() if not a.isSeparator()]
    assert texts == ["&Play", "Step &Batch", "Step &Epoch", "Spee&d", "&Reset Weights", "Re&start Run"]
    assert ui.actions.play.shortcut().toString() == "Space"
    ui.actions.play.trigger()
    assert ui.controller.playing and ui.actions.play.text() == "&Pause"
    ui.actions.play.trigger()
    assert not ui.controller.playing and ui.actions.play.text() == "&Play"


def test_installs_into_the_main_window(qtbot, tmp_path):
    main_window = pytest.importorskip("nnsim.app.main_window")
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = main_window.MainWindow(settings=settings)
    qtbot.addWidget(window)
    ui = getattr(window, "training", None) or install_training(window)
    try:
        window.document.replace(nnsim.example("xor-mlp"))
        window.show()
        c = ui.controller
        qtbot.waitUntil(lambda: c.heavy is not None, timeout=WAIT)
        assert "training_dock" in ui.docks
        c.play()
        qtbot.waitUntil(lambda: c.epoch > 50, timeout=WAIT)
        # Save (while training) writes what training reached.
        path = tmp_path / "trained.nnsim"
        window.files.ask_save_path = lambda: str(path)
        assert window.files.save_as()
        c.pause()
        saved = nnsim.load(path)
        assert saved.history and saved.history[-1].epoch <= c.epoch
        w_saved = np.array([conn.weight for conn in saved.connections])
        assert not np.allclose(w_saved, [conn.weight for conn in nnsim.example("xor-mlp").connections])
        window.document.undo_stack.setClean()
    finally:
        ui.shutdown()


def test_bias_readouts_follow_training_live(qtbot, tmp_path):
    """While training runs the canvas shows the biases training has reached
    (as it shows the weights), though the design is not written yet; after a
    pause it shows the design's, which now hold the trained numbers."""
    main_window = pytest.importorskip("nnsim.app.main_window")
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = main_window.MainWindow(settings=settings)
    qtbot.addWidget(window)
    ui = window.training
    try:
        design = nnsim.example("xor-mlp")
        design.training.epochs = 1_000_000  # we pause by hand
        window.document.replace(design)
        window.show()
        c = ui.controller
        qtbot.waitUntil(lambda: c.heavy is not None, timeout=WAIT)
        design = window.document.design
        hidden = [n for n in design.neurons if design.layer(n.layer).kind.value == "hidden"][0]
        item = window.scene.neuron_items[hidden.id]
        before, start = item.readout, hidden.bias
        assert before.startswith("b ")
        c.play()
        qtbot.waitUntil(lambda: c.playing and item.readout != before, timeout=WAIT)
        assert window.document.design.neuron(hidden.id).bias == start  # not written yet
        c.pause()
        qtbot.waitUntil(lambda: not c.playing, timeout=WAIT)
        trained = window.document.design.neuron(hidden.id).bias
        assert trained != start
        from nnsim.app.canvas.style import format_number

        assert item.readout == f"b {format_number(trained)}"
    finally:
        ui.shutdown()
        window.document.undo_stack.setClean()


def test_settings_fit_the_narrowest_training_dock(qtbot, circle):
    """The 'Stop after N epochs' row (and every other) fits the Training dock
    at its narrowest: no horizontal scroll bar on the Settings page."""
    window, ui = circle
    panel = ui.panel
    panel.tabs.setCurrentIndex(1)
    dock = ui.docks["training_dock"]
    window.resizeDocks([dock], [1], Qt.Orientation.Horizontal)  # as narrow as it goes
    qtbot.waitUntil(lambda: dock.width() < 340, timeout=WAIT)
    qtbot.wait(50)
    scroll = panel.tabs.widget(1)
    assert not scroll.horizontalScrollBar().isVisible()
    assert panel.use_budget.isVisible() and panel.epochs.isVisible()
