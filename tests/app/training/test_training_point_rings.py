"""The rings around the data points on the output map stand out on every
background the map can show, and the legend says what is drawn."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import nnsim
from nnsim.app.training.colors import BACKGROUND_LUT, LUT, classes_rgba
from training_testkit import WAIT, training_window


def _luminance(rgb) -> float:
    c = np.asarray(rgb[:3], dtype=float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])


def _contrast(a, b) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _backgrounds():
    """Every colour behind the points: the regression scale (faded and not) and
    each class colour from unsure to sure."""
    classes = classes_rgba(np.array([k + s for k in range(10) for s in np.linspace(0, 0.999, 25)]))
    return list(BACKGROUND_LUT) + list(LUT) + list(classes)


def _ring(points):
    pen = points.opts["pen"]
    return pen.color().getRgb()[:3], pen.widthF()


def test_rings_stand_out_and_the_legend_names_them(qtbot):
    _window, ui = training_window(qtbot, nnsim.example("circle"))
    try:
        ui.docks["training_output_dock"].raise_()
        output = ui.output
        qtbot.waitUntil(lambda: output.legend.text() != "", timeout=WAIT)
        (train_rgb, train_w), (test_rgb, test_w) = _ring(output.train_points), _ring(output.test_points)
        for rgb in (train_rgb, test_rgb):
            assert min(_contrast(rgb, bg) for bg in _backgrounds()) >= 3.0  # WCAG for graphics
        assert test_w >= 1.5 * train_w >= 1.0  # thick versus thin, both visible
        assert "thin dark rings: training points" in output.legend.text().lower()
        assert "thick black rings: test points." not in output.legend.text()
        QTest.mouseClick(output.show_test, Qt.MouseButton.LeftButton)
        assert output.show_test.isChecked() and output.test_points.isVisible()
        assert "thick black rings: test points." in output.legend.text()
        assert "white" not in output.legend.text().lower()
    finally:
        ui.shutdown()
