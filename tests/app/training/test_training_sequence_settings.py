"""The training settings of sequences: how far back through time a step goes
and gradient clipping, shown for sequence data only, each change one undo
step."""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec
from training_testkit import lstm_design, training_window

import numpy as np


def test_through_time_and_clipping_for_sequences_only(qtbot):
    gc.collect()
    window, ui = training_window(qtbot, lstm_design())
    panel = ui.panel
    panel.tabs.setCurrentIndex(1)
    form = panel._settings_form
    assert form.isRowVisible(panel.bptt) and form.isRowVisible(panel.clip)
    assert panel.bptt.value() == 20
    doc = window.document
    panel.bptt.setFocus()
    panel.bptt.selectAll()
    QTest.keyClicks(panel.bptt, "35")
    QTest.keyClick(panel.bptt, Qt.Key_Enter)
    assert doc.design.training.bptt_steps == 35
    panel.clip.setFocus()
    panel.clip.selectAll()
    QTest.keyClicks(panel.clip, "5")
    QTest.keyClick(panel.clip, Qt.Key_Enter)
    assert doc.design.training.gradient_clip == 5.0
    doc.undo()
    assert doc.design.training.gradient_clip == 0.0 and panel.clip.text() == "off"
    # Separate samples: the rows go.
    plain = layered([2, 3, 1], output=Activation.SIGMOID)
    plain.dataset = DatasetSpec("playground", "xor")
    initialize(plain, np.random.default_rng(0))
    doc.replace(plain)
    assert not form.isRowVisible(panel.bptt) and not form.isRowVisible(panel.clip)
