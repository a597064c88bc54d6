"""The Neurons panel's large map: square and in the data's own units, whatever
the dock's shape (a wide, short dock used to give a thin strip whose axis ran
from −50 to 50 for a −6…6 plane)."""

from __future__ import annotations

import pytest

import nnsim
from training_testkit import WAIT, training_window


@pytest.mark.parametrize("size", [(760, 300), (300, 700), (420, 420)])
def test_the_large_map_is_square_and_in_data_units(qtbot, size):
    from nnsim.app.views.neuron_maps import NeuronMapsView  # after the training package, which it is part of

    _window, ui = training_window(qtbot, nnsim.example("circle"))
    panel = NeuronMapsView(ui.controller)  # the Neurons dock's widget, in a panel of this shape
    try:
        panel.resize(*size)
        panel.show()
        qtbot.waitExposed(panel)
        detail = panel.detail
        ui.controller.select_neuron(ui.controller.probe.mapped_ids[0])
        qtbot.waitUntil(lambda: detail._heavy is not None, timeout=WAIT)
        box = detail.plot.getViewBox()
        rect = box.sceneBoundingRect()
        assert rect.height() >= 100  # a map, not a strip
        assert abs(rect.width() - rect.height()) <= 0.15 * rect.height()  # square, give or take the axes
        (x0, x1), (y0, y1) = ui.controller.probe.extent
        (vx0, vx1), (vy0, vy1) = box.viewRange()
        for lo, hi, v_lo, v_hi in ((x0, x1, vx0, vx1), (y0, y1, vy0, vy1)):
            span = hi - lo
            assert lo - 0.2 * span <= v_lo <= lo and hi <= v_hi <= hi + 0.2 * span
    finally:
        # The panel goes before the window and its controller do, so that no
        # paint of it comes after them (teardown processes events).
        panel.close()
        panel.deleteLater()
        qtbot.wait(1)
        ui.shutdown()
