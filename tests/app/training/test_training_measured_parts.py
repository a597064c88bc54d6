"""While training runs, the worker measures only what the views in sight will
draw: a hidden view's part of a snapshot is not computed at all, and at a
paced speed the histograms (which take their turn about ten times a second)
are measured only for the frames that draw them. The snapshot a run ends
with has every part, so a view shown afterwards has its numbers. A view
behind another dock's tab (which Qt keeps 'visible') counts as hidden: it
is not redrawn until its tab is chosen."""

from __future__ import annotations

import gc

from training_testkit import WAIT, training_window

import nnsim
from nnsim.app.views.common import in_sight


class Arrivals:
    """Every snapshot the window takes, in the order they come."""

    def __init__(self, ui):
        self.snaps = []
        ui.controller.transport.snapshot_arrived.connect(self.snaps.append)

    def running_heavy(self) -> list:
        return [s.heavy for s in self.snaps if s.running and s.heavy is not None]


def test_hidden_views_are_not_measured_while_training_runs(qtbot):
    gc.collect()
    window, ui = training_window(qtbot, nnsim.example("circle"))  # as fast as possible
    c = ui.controller
    try:
        ui.docks["training_output_dock"].raise_()  # the neuron maps' tab is behind it
        ui.docks["training_cost_dock"].raise_()  # and the histograms behind the cost
        for name in ("training_confusion_dock", "training_sample_dock"):
            ui.docks[name].hide()
        # Behind a tab a dock stays 'visible' to Qt; nothing of it is in sight.
        qtbot.waitUntil(lambda: not in_sight(ui.histograms) and not in_sight(ui.neurons), timeout=WAIT)
        assert ui.histograms.isVisible()
        seen = Arrivals(ui)
        c.play()
        qtbot.waitUntil(lambda: len(seen.running_heavy()) >= 3, timeout=WAIT)
        for heavy in seen.running_heavy()[1:]:
            assert heavy.output_rgba is not None and heavy.maps is not None  # the output map is in sight
            assert heavy.histograms is None and heavy.thumbnails is None
            assert heavy.confusion is None and heavy.sample is None
        ui.docks["training_histograms_dock"].raise_()  # comes into sight while training runs
        qtbot.waitUntil(lambda: seen.running_heavy()[-1].histograms is not None, timeout=WAIT)
        c.pause()
        qtbot.waitUntil(lambda: c.latest is not None and c.latest.final, timeout=WAIT)
        last = c.heavy
        assert last.histograms is not None and last.thumbnails is not None
        assert last.confusion is not None and last.sample is not None
    finally:
        ui.shutdown()


def test_at_a_paced_speed_the_histograms_are_measured_only_for_the_frames_that_draw_them(qtbot):
    gc.collect()
    window, ui = training_window(qtbot, nnsim.example("circle"), pace="epoch")
    c = ui.controller
    try:
        ui.docks["training_output_dock"].raise_()
        ui.docks["training_histograms_dock"].raise_()
        qtbot.waitUntil(lambda: in_sight(ui.histograms) and in_sight(ui.output), timeout=WAIT)
        frames = []  # per frame: its heavy snapshot, and whether it holds histograms

        def each_frame() -> bool:  # runs before the histograms' turn: it sees whether the last frame drew them
            snap, heavy = c.latest, c.heavy
            if c.playing and snap is not None and snap.paced and heavy is not None:
                frames.append((heavy, heavy.histograms is not None, ui.histograms._heavy))
            return False

        c.add_heavy_view(each_frame, every_frame=True)
        c.play()
        qtbot.waitUntil(lambda: len(frames) >= 15 and sum(m for _h, m, _d in frames) >= 2, timeout=WAIT)
        c.pause()
        assert all(heavy.output_rgba is not None for heavy, _m, _d in frames)  # the output map draws every frame
        # Measured exactly for the frames whose histograms were drawn.
        drawn = [(measured, after is heavy) for (heavy, measured, _d), (_h, _m, after) in zip(frames, frames[1:])]
        assert all(measured == was_drawn for measured, was_drawn in drawn), drawn
    finally:
        ui.shutdown()


def _drawn(curve) -> int:
    x = curve.getData()[0]
    return 0 if x is None else len(x)


def test_a_view_behind_another_docks_tab_is_drawn_only_once_its_tab_is_chosen(qtbot):
    gc.collect()
    window, ui = training_window(qtbot, nnsim.example("circle"))
    c = ui.controller
    try:
        ui.docks["training_histograms_dock"].raise_()  # the cost plot's tab goes behind it
        qtbot.waitUntil(lambda: in_sight(ui.histograms) and not in_sight(ui.cost), timeout=WAIT)
        assert ui.cost.isVisible()
        before = _drawn(ui.cost.train_curve)
        c.play()
        qtbot.waitUntil(lambda: len(c.history) >= before + 30, timeout=WAIT)
        c.pause()
        qtbot.waitUntil(lambda: c.latest is not None and c.latest.final and ui.histograms._heavy is c.heavy,
                        timeout=WAIT)
        assert _drawn(ui.cost.train_curve) == before  # not redrawn behind the tab
        histograms = ui.histograms._heavy
        ui.docks["training_cost_dock"].raise_()
        qtbot.waitUntil(lambda: _drawn(ui.cost.train_curve) == len(c.history), timeout=WAIT)  # all of the run
        assert ui.histograms._heavy is histograms
    finally:
        ui.shutdown()
