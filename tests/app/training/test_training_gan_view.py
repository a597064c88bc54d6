"""A GAN in the window: open gan-ring, press play and see the heatmap and
the generated points change; step the discriminator alone (the generator
stays as it was) and the generator alone; draw a distribution with the mouse
and undo it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from training_testkit import WAIT, training_window

import nnsim
from nnsim.design.gan import compile_gan
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR


@pytest.fixture
def ring(qtbot):
    design = nnsim.example("gan-ring")
    design.training.epochs = 1_000_000
    window, ui = training_window(qtbot, design)
    dock = ui.docks["training_gan_dock"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: ui.gan.isVisible() and ui.gan._heavy is not None, timeout=WAIT)
    yield window, ui
    ui.shutdown()


def frame_of(ui):
    return ui.gan._heavy.gan


def players_numbers(design):
    p = compile_gan(design).players
    return p.generator.copy_params(), p.discriminator.copy_params()


def test_the_gan_dock_is_shown_for_a_gan_and_draws_the_contest(ring):
    window, ui = ring
    frame = frame_of(ui)
    assert frame.verdict.shape == (40, 40) and frame.arrows.shape == frame.fake.shape
    img = ui.gan.image.image
    assert img is not None and img.shape == (40, 40)
    assert len(ui.gan.real_points.data) == 450 and len(ui.gan.fake_points.data) == 150
    xs, ys = ui.gan.arrows.getData()
    assert len(xs) == 2 * 150


def test_play_changes_the_heatmap_and_the_generated_points(qtbot, ring):
    window, ui = ring
    before = frame_of(ui)
    verdict0, fake0 = before.verdict.copy(), before.fake.copy()
    qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(ui.controller.history) >= 3 and ui.gan._heavy is not None
                    and frame_of(ui) is not before, timeout=WAIT)
    qtbot.mouseClick(ui.panel.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not ui.controller.playing, timeout=WAIT)
    after = frame_of(ui)
    assert not np.allclose(after.verdict, verdict0)
    assert not np.allclose(after.fake, fake0)
    qtbot.waitUntil(lambda: len(ui.gan.d_curve.getData()[0]) >= 3, timeout=WAIT)  # both losses drawn
    assert np.isfinite(ui.gan.d_curve.getData()[1]).all() and np.isfinite(ui.gan.g_curve.getData()[1]).all()


def test_step_discriminator_moves_only_the_discriminator(qtbot, ring):
    window, ui = ring
    doc = window.document
    g0, d0 = players_numbers(doc.design)
    qtbot.mouseClick(ui.gan.step_d, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not np.array_equal(players_numbers(doc.design)[1], d0), timeout=WAIT)
    g1, d1 = players_numbers(doc.design)
    assert np.array_equal(g1, g0)
    assert doc.undo_stack.undoText().startswith("Train 1 step")
    qtbot.mouseClick(ui.gan.step_g, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not np.array_equal(players_numbers(doc.design)[0], g0), timeout=WAIT)
    assert np.array_equal(players_numbers(doc.design)[1], d1)
    trainer = ui.controller.session.trainer
    assert trainer.updates[DISCRIMINATOR] == 1 and trainer.updates[GENERATOR] == 1


def test_draw_a_distribution_with_the_mouse_and_undo_it(qtbot, ring):
    window, ui = ring
    doc = window.document
    before = doc.design.dataset
    qtbot.mouseClick(ui.gan.draw_button, Qt.MouseButton.LeftButton)
    assert ui.gan.draw_button.isChecked()
    plot = ui.gan.plot_widget
    vb = ui.gan.plot.getViewBox()

    def at(x, y) -> QPoint:  # a point of the plane, in the viewport's pixels
        return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))

    QTest.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(0.2, 0.2))
    for k in range(1, 11):
        QTest.mouseMove(plot.viewport(), at(0.2 + 0.05 * k, 0.2 + 0.03 * k))
    QTest.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(0.7, 0.5))
    spec = doc.design.dataset
    assert spec.source == "distribution" and spec.name == "drawn"
    pts = np.array(spec.drawn)
    assert len(pts) >= 5
    assert np.allclose(pts[0], (0.2, 0.2), atol=0.03) and np.allclose(pts[-1], (0.7, 0.5), atol=0.03)
    # The session is rebuilt on the drawn data: the real points shown are the drawing's.
    qtbot.waitUntil(lambda: ui.controller.session is not None
                    and ui.controller.session.dataset.name == "Drawn by hand", timeout=WAIT)
    doc.undo()
    assert doc.design.dataset == before


def test_each_players_settings_are_edited_undoably_and_the_running_session_follows(qtbot, ring):
    window, ui = ring
    doc = window.document
    row = ui.gan.settings_row
    steps = row.fields[(DISCRIMINATOR, "steps")]
    assert steps.value() == 3
    steps.setFocus()
    QTest.keyClick(steps, Qt.Key.Key_Up)
    assert doc.design.gan.discriminator.steps == 4
    session = ui.controller.session
    assert session.compiled.players.settings.discriminator.steps == 4  # read live by the program
    rate = row.fields[(GENERATOR, "learning_rate")]
    rate.setCurrentIndex(rate.findData(0.1))
    rate.activated.emit(rate.currentIndex())
    assert doc.design.gan.generator.learning_rate == 0.1
    assert session.trainer.optimizers[0].settings.learning_rate == 0.1
    qtbot.mouseClick(row.smooth, Qt.MouseButton.LeftButton)
    assert doc.design.gan.real_label == 0.9 and session.compiled.players.settings.real_label == 0.9
    doc.undo()
    assert doc.design.gan.real_label == 1.0 and not row.smooth.isChecked()
    doc.undo()
    assert doc.design.gan.generator.learning_rate == 0.03 and rate.currentData() == 0.03
    doc.undo()
    assert doc.design.gan.discriminator.steps == 3 and steps.value() == 3
    assert ui.controller.session.compiled.players.settings.discriminator.steps == 3


def test_a_slow_round_walks_its_stages_lighting_the_network_at_work(qtbot):
    from nnsim.app.canvas import CanvasScene
    from nnsim.app.document import Document
    from nnsim.app.host import PlainWindow
    from nnsim.app.training import install_training

    design = nnsim.example("gan-ring")
    doc = Document(design)
    scene = CanvasScene(doc)
    window = PlainWindow(doc, scene)
    qtbot.addWidget(window)
    ui = install_training(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitUntil(lambda: ui.controller.heavy is not None, timeout=WAIT)
    try:
        ui.docks["training_gan_dock"].show()
        gan = ui.gan
        gan.round.timer.setInterval(150)
        frames = scene.group_frames.items
        seen = []
        gan.round.stage_changed.connect(
            lambda i, text: seen.append((i, frames[GENERATOR].lit, frames[DISCRIMINATOR].lit, gan.stage.text())))
        qtbot.mouseClick(gan.slow, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not gan.slow.isChecked(), timeout=WAIT)
        qtbot.waitUntil(lambda: ui.controller.session.trainer.updates[GENERATOR] == 1, timeout=WAIT)
        stages = [s for s in seen if s[0] >= 0]
        assert [s[0] for s in stages] == list(range(7)) and seen[-1][0] == -1
        assert stages[1][1:3] == (True, False)  # the generator makes fakes
        assert stages[2][1:3] == (False, True)  # the discriminator judges them
        assert "updates its weights (3 step(s))" in stages[4][3]
        assert not frames[GENERATOR].lit and not frames[DISCRIMINATOR].lit  # all back to rest
        trainer = ui.controller.session.trainer
        assert trainer.updates == {DISCRIMINATOR: 3, GENERATOR: 1}
        assert not gan.stage.isVisible()
    finally:
        ui.shutdown()


def test_choose_another_distribution_and_undo(qtbot, ring):
    window, ui = ring
    doc = window.document
    box = ui.gan.settings_row.data
    assert box.currentData() == "ring"
    box.setCurrentIndex(box.findData("disjoint"))
    box.activated.emit(box.currentIndex())
    assert doc.design.dataset.source == "distribution" and doc.design.dataset.name == "disjoint"
    qtbot.waitUntil(lambda: ui.controller.session is not None
                    and ui.controller.session.dataset.name == "Three disjoint blobs", timeout=WAIT)
    centres = np.array([(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)])

    def blobs_shown():  # the real points the view draws are the three blobs'
        x, y = ui.gan.real_points.getData()
        pts = np.column_stack([x, y])
        return len(pts) and (np.sqrt(((pts[:, None] - centres[None]) ** 2).sum(-1)).min(1) < 0.15).all()

    qtbot.waitUntil(blobs_shown, timeout=WAIT)
    doc.undo()
    assert doc.design.dataset.name == "ring" and box.currentData() == "ring"
