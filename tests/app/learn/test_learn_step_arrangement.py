"""The step-through panel stands its controls beside the story in a wide dock
and stacks them in a narrow one, without a layout feedback loop: the switch
waits until resizes settle, has hysteresis wider than a scroll bar, and the
panel asks its scroll area for the same width in both arrangements."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QBoxLayout

from nnsim.app.layout import scrolling
from nnsim.app.learn.step_panel import WIDE, StepThroughPanel
from nnsim.app.responsive import HYSTERESIS, choose_wide


def _wide(panel) -> bool:
    return panel.body.direction() == QBoxLayout.Direction.LeftToRight


class Resizes(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.count += 1
        return False


def test_the_switch_has_hysteresis():
    assert not choose_wide(WIDE - 1, False, WIDE)
    assert choose_wide(WIDE, False, WIDE)
    assert choose_wide(WIDE - HYSTERESIS, True, WIDE)  # once wide, it stays wide a while
    assert not choose_wide(WIDE - HYSTERESIS - 1, True, WIDE)
    assert HYSTERESIS > 20  # wider than any scroll bar


def test_the_panel_asks_for_the_same_width_in_both_arrangements(tool, qtbot):
    t = tool("xor-mlp")
    panel = StepThroughPanel(t.hub)
    t.show(panel)
    panel.resize(900, 400)
    qtbot.waitUntil(lambda: _wide(panel), timeout=2000)
    wide_min, wide_hint = panel.minimumSizeHint().width(), panel.sizeHint().width()
    panel.resize(400, 600)
    qtbot.waitUntil(lambda: not _wide(panel), timeout=2000)
    assert panel.minimumSizeHint().width() == wide_min
    assert panel.sizeHint().width() == wide_hint


def test_in_a_scroll_area_every_width_settles(tool, qtbot):
    """The dock's scroll area around the panel, at every width near the
    switch and heights around where a scroll bar comes or goes: a few resizes
    each, then quiet."""
    t = tool("xor-mlp")
    panel = StepThroughPanel(t.hub)
    scroll = t.show(scrolling(panel))
    resizes = Resizes(panel)
    low = panel.minimumSizeHint().height()
    for width in range(WIDE - HYSTERESIS - 24, WIDE + 24, 3):
        for height in (low - 40, low - 10, low + 10, low + 120):
            scroll.resize(width, height)
            qtbot.wait(5)
            before = resizes.count
            qtbot.wait(20)
            assert resizes.count == before, f"still resizing at {width}x{height}"


def test_an_elided_button_is_not_sized_by_its_text(qtbot):
    """The next lesson's button shortens its title to the width it has; its
    size hints never follow the text, so shortening cannot resize it."""
    from nnsim.app.responsive import ElidedButton

    b = ElidedButton("Next lesson: a title long enough to be shortened in a narrow dock ▶")
    qtbot.addWidget(b)
    hints = (b.sizeHint(), b.minimumSizeHint())
    b.resize(150, 30)
    b.show()
    qtbot.waitExposed(b)
    assert "…" in b.text() and b.fontMetrics().horizontalAdvance(b.text()) <= b.contentsRect().width()
    b.set_full_text("Next ▶")
    assert b.text() == "Next ▶"
    assert (b.sizeHint(), b.minimumSizeHint()) == hints


def test_the_input_boxes_fold_into_fewer_columns_in_a_narrow_dock(tool, qtbot):
    """Iris's four inputs and three wanted outputs: three to a row where the
    dock holds them, fewer where it does not; the panel's minimum width is
    that of one column, so a narrow dock (a large scale factor or text size)
    never scrolls sideways."""
    t = tool("iris")
    panel = StepThroughPanel(t.hub)
    scroll = t.show(scrolling(panel))
    inputs, targets = panel.inputs_widget, panel.targets_widget
    scroll.resize(1000, 500)
    qtbot.waitUntil(lambda: inputs.columns == 3 and targets.columns == 3, timeout=2000)
    three = panel.minimumSizeHint().width()
    narrow = three + scroll.verticalScrollBar().sizeHint().width() + 10  # the narrowest width without scrolling
    assert narrow < inputs.widest()  # too narrow for three boxes in a row
    scroll.resize(narrow, 700)
    qtbot.waitUntil(lambda: inputs.columns < 3 and targets.columns < 3, timeout=2000)
    assert panel.minimumSizeHint().width() == three  # one column's width in any arrangement
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible(), timeout=2000)
    assert panel.minimumSizeHint().width() <= scroll.viewport().width()
    row_of = {inputs.grid.getItemPosition(inputs.grid.indexOf(s))[0] for s in panel.input_spins}
    assert len(row_of) >= 2  # the boxes in more rows
    scroll.resize(1000, 500)
    qtbot.waitUntil(lambda: inputs.columns == 3 and targets.columns == 3, timeout=2000)
