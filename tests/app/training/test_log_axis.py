"""A logarithmic axis labels 1, 2 and 5 times a power of ten, or fewer when
short, so its labels never pile up (pyqtgraph labels 1 to 9 in every decade)."""

from __future__ import annotations

import math

from PySide6.QtGui import QFontMetrics

from nnsim.app.views.common import LogAxis


def _labels(axis, lo, hi, size):
    levels = axis.logTickValues(math.log10(lo), math.log10(hi), size, [])
    return sorted(round(10 ** v, 6) for _, values in levels for v in values)


def test_labels_have_room(qapp):
    axis = LogAxis("left")
    line = 1.6 * QFontMetrics(axis.font()).height()  # the room a label needs
    two, three = math.log10(2), math.log10(3)  # the closest labels of 1-2-5 and of 1-3
    assert _labels(axis, 1, 10, line / two + 2) == [1, 2, 5, 10]
    assert _labels(axis, 1, 10, line / two - 2) == [1, 3, 10]
    assert _labels(axis, 1, 10, line / (1 - three) - 2) == [1, 10]
    assert _labels(axis, 1e-4, 1, 4 * line / 2 + 2) == [1e-4, 1e-2, 1]  # every other decade
    for size in (40, 80, 120, 200, 400, 800):  # never closer than that
        values = [math.log10(v) for v in _labels(axis, 0.01, 10, size)]
        assert min((b - a) * size / 3 for a, b in zip(values, values[1:])) >= line - 1e-9


def test_a_horizontal_axis_leaves_its_numbers_room_at_a_large_text_size(qapp):
    """The epochs under a narrow accuracy plot, in presentation's text: 20, 40,
    60 and 80 ran into one another ("2040608")."""
    from PySide6.QtGui import QFont

    from nnsim.app.views.common import RoomyAxis

    axis = RoomyAxis("bottom")
    font = QFont(axis.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    axis.setTickFont(font)
    width = QFontMetrics(font).horizontalAdvance("100")
    for size in (90, 120, 160, 250, 400):  # the plot's width in pixels, epochs 0 to 100
        major = sorted(axis.tickValues(0.0, 100.0, size)[0][1])
        assert len(major) >= 2
        assert min((b - a) * size / 100 for a, b in zip(major, major[1:])) > width, (size, major)
