"""The Data tab offers what the chosen data source reads and nothing else:
the training share (not noise) for the digits, noise and a number of images
for the shapes, a number of training sequences and new sequences for a
sequence task; each control driven with the keyboard and the mouse reaches
the data set, and undo brings the control back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from training_testkit import training_window

import nnsim


def _shown(d) -> set[str]:
    rows = {name for name, widgets in d.rows.items() if all(w.isVisible() for w in widgets)}
    assert not {name for name, widgets in d.rows.items() if any(w.isVisible() for w in widgets)} - rows
    for name, widget in (("regenerate", d.regenerate), ("normalize", d.normalize)):
        if widget.isVisible():
            rows.add(name)
    return rows


def _choose(combo, text: str) -> None:
    """Pick an item of a combo box with the keyboard, as a user can."""
    combo.setFocus()
    target = combo.findText(text)
    assert target > 0
    while combo.currentIndex() < target:
        QTest.keyClick(combo, Qt.Key.Key_Down)
    while combo.currentIndex() > target:
        QTest.keyClick(combo, Qt.Key.Key_Up)


def _type(spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, text)
    QTest.keyClick(spin, Qt.Key.Key_Return)


def test_each_source_shows_the_controls_it_reads(qtbot):
    window, ui = training_window(qtbot, nnsim.example("digits-cnn"))
    d, doc = ui.panel.data, window.document
    assert _shown(d) == {"train_ratio", "regenerate"}  # no noise: the digits are what they are
    assert d.regenerate.text() == "New split" and d.images.currentData() == "digits"
    d.ratio.setFocus()
    QTest.keyClick(d.ratio, Qt.Key.Key_PageDown)
    assert doc.design.dataset.train_ratio == pytest.approx(0.7)
    seed = doc.design.dataset.seed
    QTest.mouseClick(d.regenerate, Qt.MouseButton.LeftButton)
    assert doc.design.dataset.seed != seed

    _choose(d.images, "shapes")
    assert doc.design.dataset.source == "shapes"
    assert _shown(d) == {"noise", "train_ratio", "points", "regenerate"}
    assert d.count_name.text() == "Images" and d.count.value() == 500 and d.regenerate.text() == "New images"
    d.noise.setFocus()
    QTest.keyClick(d.noise, Qt.Key.Key_PageUp)
    assert doc.design.dataset.noise == pytest.approx(0.1)
    _type(d.count, "300")
    assert doc.design.dataset.points == 300
    assert "300 images" in d.summary.text()
    doc.undo_stack.undo()
    assert doc.design.dataset.points is None and d.count.value() == 500

    _choose(d.sequences, "sine")
    assert doc.design.dataset.source == "sequence" and doc.design.dataset.name == "sine"
    assert _shown(d) == {"points", "regenerate"}  # the task has its own test part, and no noise
    assert d.count_name.text() == "Training sequences" and d.count.value() == 64
    assert d.regenerate.text() == "New sequences"
    _type(d.count, "32")
    assert doc.design.dataset.points == 32

    _choose(d.sequences, "char text")
    assert _shown(d) == set()  # a fixed text: nothing to draw again, no size to choose

    _choose(d.logic, "XOR")
    assert _shown(d) == set()

    QTest.mouseClick(d.iris, Qt.MouseButton.LeftButton)
    assert _shown(d) == {"train_ratio", "regenerate", "normalize"}
    QTest.mouseClick(d.thumbs["spiral"], Qt.MouseButton.LeftButton)
    assert _shown(d) == {"noise", "train_ratio", "regenerate"} and d.regenerate.text() == "New points"
