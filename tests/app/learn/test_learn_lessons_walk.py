"""Each lesson walked as a learner would, in the real window: menus, buttons,
typing, clicks and drops on the canvas, the Training panel's Play. Each step
must notice that it is done, and the lesson must end offering the next one."""

from __future__ import annotations

import pytest
from learn_testkit import click, type_into
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnsim.design.model import Activation, LayerKind


# -- helpers --------------------------------------------------------------------------------
class Walk:
    def __init__(self, window, mode, qtbot):
        self.window, self.mode, self.qtbot = window, mode, qtbot
        self.panel = mode.lessons
        self.document = window.document

    def open_from_menu(self, lesson_id: str) -> None:
        self.mode.actions["lessons"].trigger()
        assert self.mode.docks["lessons"].isVisible()
        chooser = self.panel.chooser
        index = [lesson.id for lesson in self.panel.lessons].index(lesson_id)
        chooser.setFocus()
        chooser.setCurrentIndex(index)
        chooser.activated.emit(index)  # what choosing the item in the list does
        assert self.panel.run.lesson.id == lesson_id and self.panel.run.index == 0

    def done(self) -> bool:
        return self.panel.status is not None and self.panel.status.done

    def wait_done(self, timeout=20_000) -> None:
        self.qtbot.waitUntil(self.done, timeout=timeout)
        assert self.panel.done_box.isVisible() == (self.panel.run.step.check is not None)
        assert self.panel.next_button.text() == "Next ▶" or self.panel.run.is_last

    def next_step(self) -> None:
        assert self.done()
        click(self.panel.next_button)

    def finished(self) -> None:
        assert self.panel.run.finished
        assert self.panel.run.lesson.id in self.panel.completed_lessons
        nxt = self.panel.run.lesson.next
        if nxt:
            assert self.panel.next_lesson_button.isVisible()

    def tool(self, name):
        dock = self.mode.docks[name]
        self.qtbot.waitUntil(dock.isVisible, timeout=2000)
        return self.mode.panels[name]

    def train_until_done(self, timeout=60_000) -> None:
        panel = self.window.training.panel if hasattr(self.window.training, "panel") else None
        play = panel.play_button if panel is not None else None
        assert play is not None, "the Training panel's Play button"
        play.setFocus()
        QTest.mouseClick(play, Qt.MouseButton.LeftButton)
        try:
            self.wait_done(timeout)
        finally:
            controller = getattr(self.window.training, "controller", self.window.training)
            if controller.playing:
                controller.pause()


def click_connection(window, source: int, target: int) -> None:
    """Click the middle of a connection on the canvas."""
    d = window.document.design
    s, t = d.neuron(source), d.neuron(target)
    view = window.canvas
    point = view.mapFromScene(QPointF((s.x + t.x) / 2, (s.y + t.y) / 2))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def drop_part(window, mime, scene_pos: QPointF) -> None:
    """Drop a palette part on the canvas at a scene position (the events a real
    drag ends with)."""
    view = window.canvas
    vp = view.viewport()
    pos = QPointF(view.mapFromScene(scene_pos))
    actions = Qt.DropAction.CopyAction
    for event in (
        QDragEnterEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
        QDragMoveEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
        QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
    ):
        QApplication.sendEvent(vp, event)


@pytest.fixture
def walk(learn_window, qtbot):
    window, mode = learn_window
    return Walk(window, mode, qtbot)


# -- the lessons ----------------------------------------------------------------------------
def test_lesson_1_one_neuron(walk, qtbot):
    walk.open_from_menu("one-neuron")
    assert walk.document.design.name == "The article's neuron"
    steps = walk.tool("step_through")
    assert steps.inputs() == [0.5, 0.6] and steps.target() is None
    assert not walk.done() and walk.panel.next_button.text() == "Skip ▶"
    click(steps.next_button)
    walk.wait_done()
    assert "0.67" in walk.panel.done_box.text()
    walk.next_step()

    # Step 2: type other inputs.
    type_into(steps.input_spins[0], "0.2")
    assert not walk.done()
    type_into(steps.input_spins[1], "0.3")
    walk.wait_done()
    walk.next_step()

    # Step 3: the inputs are back at 0.5 and 0.6; lower x2's weight in the inspector.
    assert steps.inputs() == [0.5, 0.6]
    click_connection(walk.window, 3, 5)
    qtbot.waitUntil(lambda: walk.window.selection[2] == [(3, 5)], timeout=2000)
    type_into(walk.window.inspector.weight, "0.3")
    assert walk.document.design.connection(3, 5).weight == 0.3
    walk.wait_done()
    walk.finished()
    assert walk.panel.next_lesson_button.text() == "Next lesson: Activation functions ▶"


def test_lesson_2_activation_functions(walk, qtbot):
    walk.open_from_menu("activation-functions")
    acts = walk.tool("activations")
    for kind in (Activation.STEP, Activation.SIGMOID, Activation.TANH):
        click(acts.tiles[kind])
    assert not walk.done()
    click(acts.tiles[Activation.RELU])
    walk.wait_done()
    walk.next_step()

    click(acts.tiles[Activation.SIGMOID])
    click(acts.use_button)
    d = walk.document.design
    assert d.activation_of(d.neuron(5)) == Activation.SIGMOID
    assert [ok for _, ok in walk.panel.status.items] == [True, False]
    walk.mode.actions["step_through"].trigger()
    steps = walk.tool("step_through")
    while not steps.at_end():
        click(steps.next_button)
    walk.wait_done()
    walk.next_step()
    walk.wait_done()  # a reading step
    walk.finished()


def test_lessons_3_and_4_the_perceptron(walk, qtbot):
    walk.open_from_menu("perceptron-and")
    perceptron = walk.tool("perceptron")
    perceptron.timer.setInterval(5)
    click(perceptron.one_button)
    click(perceptron.run_button)
    walk.wait_done()
    walk.next_step()
    assert walk.document.design.dataset.name == "OR"
    click(perceptron.run_button)
    walk.wait_done()
    walk.finished()

    click(walk.panel.next_lesson_button)
    assert walk.panel.run.lesson.id == "perceptron-xor"
    click(perceptron.run_button)
    walk.wait_done()
    assert "not linearly separable" in perceptron.status_box.text()
    walk.next_step()
    walk.wait_done()
    walk.finished()
    # The perceptron panel's own offer opens the next lesson.
    click(perceptron.next_lesson_button)
    assert walk.panel.run.lesson.id == "hidden-layer-xor"


def test_lesson_5_a_hidden_layer_solves_xor(walk, qtbot):
    walk.open_from_menu("hidden-layer-xor")
    window = walk.window
    design = walk.document.design
    assert not design.layers_of_kind(LayerKind.HIDDEN)
    # Drop a hidden layer of 3 from the palette between the inputs and the output.
    window.palette.size_box.setValue(3)
    mime = window.palette.layer_parts["hidden"].mime_data()
    drop_part(window, mime, QPointF(180, 0))
    assert [len(design.neurons_of(layer.id)) for layer in design.layers_of_kind(LayerKind.HIDDEN)] == [3]
    assert not walk.done()
    window.canvas.setFocus()
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # Edit ▸ Connect Layers
    walk.wait_done()
    walk.next_step()
    walk.train_until_done()
    walk.finished()


def test_lesson_6_backpropagation(walk, qtbot):
    walk.open_from_menu("backpropagation")
    steps = walk.tool("step_through")
    assert steps.sample == 1 and steps.inputs() == [0.0, 1.0]
    while not steps.at_end():
        click(steps.next_button)
    walk.wait_done()
    walk.next_step()
    click(steps.apply_button)
    walk.wait_done()
    walk.next_step()

    landscape = walk.tool("landscape")
    px, py = landscape.current_params()
    assert (px.name, py.name) == ("weight “a” → “out”", "weight “b” → “out”")
    for _ in range(10):
        click(landscape.step_button)
    walk.wait_done()
    walk.next_step()
    click(landscape.redraw_button)
    type_into(landscape.rate, "3.5")
    landscape.timer.setInterval(5)
    click(landscape.run_button)
    walk.wait_done()
    walk.finished()


def test_lesson_7_going_deeper(walk, qtbot):
    walk.open_from_menu("going-deeper")
    compare = walk.tool("compare")
    assert compare.epochs.value() == 300
    click(compare.train_button)
    walk.wait_done(timeout=60_000)
    losses = walk.panel.run.events[-1].data["losses"]
    assert losses[1] < losses[0]  # the deep one learned more
    walk.next_step()
    assert walk.document.design.name == "Deeper tanh network for the spiral"
    walk.train_until_done(timeout=120_000)
    walk.next_step()
    walk.wait_done()
    walk.finished()
    assert "A kernel finds edges" in walk.panel.next_lesson_button.full_text()


def _select_conv(walk):
    conv = next(layer.id for layer in walk.document.design.layers if layer.type == "conv")
    walk.window.scene.select(layers=[conv])
    return conv, walk.window.inspector.stack.currentWidget()


def test_lesson_8_a_kernel_finds_edges(walk, qtbot):
    walk.open_from_menu("kernel-finds-edges")
    assert walk.document.design.name == "Edge kernels"
    walk.train_until_done()
    walk.next_step()
    conv, page = _select_conv(walk)
    page.kernels.preset.setCurrentText("Sharpen")
    page.kernels.preset.activated.emit(page.kernels.preset.currentIndex())
    assert walk.document.design.layer(conv).arrays["kernel"].values[0, 0, 1, 1] == 5
    walk.wait_done()
    walk.finished()


def test_lesson_9_a_cnn_reads_digits(walk, qtbot):
    walk.open_from_menu("cnn-reads-digits")
    assert walk.document.design.name == "Digits CNN"
    walk.train_until_done(timeout=120_000)
    walk.next_step()
    conv, page = _select_conv(walk)
    filters = page.fields["filters"]
    filters.setFocus()
    filters.selectAll()
    QTest.keyClicks(filters, "2")
    QTest.keyClick(filters, Qt.Key.Key_Return)
    assert walk.document.design.layer(conv).options["filters"] == 2
    walk.wait_done()
    walk.finished()
    assert "A loop gives memory" in walk.panel.next_lesson_button.full_text()


def test_lesson_10_a_loop_gives_memory(walk, qtbot):
    import gc

    gc.collect()  # earlier tests' Qt objects go here, not in the training thread
    walk.open_from_menu("loop-gives-memory")
    assert walk.document.design.name == "No loop, no memory: temporal XOR"
    walk.train_until_done(timeout=120_000)  # three epochs: it stays near chance
    walk.next_step()
    # Alt-drag inside the hidden layer's frame: a loop onto itself.
    hidden = walk.document.design.layers_of_kind(LayerKind.HIDDEN)[0]
    frame = walk.window.scene.layer_items[hidden.id].scene_frame()
    view = walk.window.canvas
    start = view.mapFromScene(QPointF(frame.left() + 4, frame.center().y() - 10))
    end = view.mapFromScene(QPointF(frame.left() + 4, frame.center().y() + 30))
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, start)
    for k in range(1, 7):
        QTest.mouseMove(view.viewport(), start + (end - start) * (k / 6))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, end)
    walk.wait_done()
    walk.next_step()
    walk.train_until_done(timeout=180_000)  # with the loop: 95% of the steps right
    walk.next_step()
    steps = walk.tool("time_steps")
    steps.setFocus()
    for _ in range(steps.walk.steps):
        QTest.keyClick(steps, Qt.Key.Key_Right)
    walk.wait_done()
    walk.finished()


def test_lesson_14_two_networks_play_a_game(walk, qtbot):
    walk.open_from_menu("gan-game")
    assert walk.document.design.name == "GAN: a ring"
    gan = walk.window.training.gan
    qtbot.waitUntil(gan.isVisible, timeout=5000)  # the GAN panel comes with a GAN, in the learn workspace too
    walk.train_until_done(timeout=60_000)
    walk.next_step()
    click(gan.step_d)
    qtbot.waitUntil(lambda: not walk.window.training.controller.session.trainer.updates["discriminator"] == 0
                    or walk.done(), timeout=10_000)
    click(gan.step_g)
    walk.wait_done()
    walk.next_step()
    walk.train_until_done(timeout=120_000)
    assert walk.panel.run.events[-1].data["js"] < 0.5
    walk.finished()


def test_skipping_a_step_and_going_back(walk, qtbot):
    walk.open_from_menu("one-neuron")
    assert walk.panel.next_button.text() == "Skip ▶"
    click(walk.panel.next_button)
    assert walk.panel.run.index == 1
    click(walk.panel.back_button)
    assert walk.panel.run.index == 0
    click(walk.panel.hint_button)
    assert "Step through a sample" in walk.panel.hint_box.text()
    # An edit of the lesson's own design is not questioned when the step is restarted.
    walk.document.set_connection((2, 5), weight=0.1)
    click(walk.panel.reopen_button)
    assert walk.document.design.connection(2, 5).weight == 0.5
