"""Per-layer activation histograms over the training data, so saturated
sigmoid/tanh neurons and dead ReLUs show up while training."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout

from nnsim.app import present_plots
from nnsim.app.colors import POSITIVE
from nnsim.app.picture_menu import PictureMenu
from nnsim.app.responsive import Settled
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.snapshot import HISTOGRAMS
from nnsim.app.views.common import HeavyView

MAX_LAYERS = 8
BAR = POSITIVE
BAD = (214, 69, 50)
BRUSHES = {False: pg.mkBrush(*BAR), True: pg.mkBrush(*BAD)}


class ActivationHistograms(HeavyView):
    PARTS = frozenset({HISTOGRAMS})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        intro = QLabel("Each layer's outputs over the training data. Red: saturated, or ReLU at 0.")
        intro.setToolTip("How often each output value occurs in every layer, over the training data. Red bars: "
                         "saturated (the outer 5% of sigmoid's or tanh's range, where the gradient is near 0) or "
                         "ReLU outputs at 0 (no gradient at all; a neuron always at 0 is dead). The share in a "
                         "plot's title is the share in its red bars.")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        lay.addWidget(intro)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.pictures = PictureMenu(self.graphics, "Activation histograms")
        lay.addWidget(self.graphics, 1)
        self.plots: list[pg.PlotItem] = []
        self.bars: list[pg.BarGraphItem] = []
        self._layers: list[int] = []
        self._cols = 1
        # The plots' grid follows the panel's shape once a resize settles (a
        # rebuild never changes the panel's size, and runs once per drag).
        self._settled = Settled(self.graphics, self._reshape)
        self._shown: dict[int, dict] = {}
        self.follow(controller, self.build)

    def _best_columns(self) -> int:
        """As many columns as make each plot as large as it can be, for a
        plot about twice as wide as tall: one row in a wide, short dock, one
        column in a tall, narrow one."""
        n = len(self._layers)
        if n <= 1:
            return 1
        w, h = max(1, self.graphics.width()), max(1, self.graphics.height())
        return max(range(1, n + 1), key=lambda c: (min(w / c / 2.0, h / -(-n // c)), -c))

    def _reshape(self) -> None:
        if self._layers and self._best_columns() != self._cols:
            self.build()

    @Slot()
    def build(self) -> None:
        self.graphics.clear()
        self.plots, self.bars = [], []
        self._shown: dict[int, dict] = {}  # per plot: what its ranges, colours and title show
        self._heavy = None
        probe = self.controller.probe
        self._layers = [] if probe is None else [info.layer_id for info in probe.mapped][:MAX_LAYERS]
        cols = self._cols = self._best_columns()
        for k, _lid in enumerate(self._layers):
            plot = self.graphics.addPlot(row=k // cols, col=k % cols)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setMouseEnabled(False, False)
            plot.hideAxis("left")  # the bars' heights are shares; their shape is what matters
            bars = pg.BarGraphItem(x0=[0], width=[1], height=[0], brush=pg.mkBrush(*BAR), pen=pg.mkPen(None))
            plot.addItem(bars)
            self.plots.append(plot)
            self.bars.append(bars)
        present_plots.follow_text(self.graphics)
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        if heavy is None or heavy.histograms is None or heavy is self._heavy or not self.in_sight():
            return False
        hists = [h for h in heavy.histograms if h.layer_id in self._layers]
        if [h.layer_id for h in hists] != self._layers:
            return False  # from an older session
        self._heavy = heavy
        # Ranges, colours and titles only when they change: while training
        # plays this runs every frame, and each of them costs a relayout.
        shown = self._shown
        for k, (plot, bars, h) in enumerate(zip(self.plots, self.bars, hists)):
            edges = h.edges
            share = h.counts / max(1, h.counts.sum())
            bad = tuple(h.bad.tolist())
            before = shown.get(k, {})
            opts = {"x0": edges[:-1], "width": np.diff(edges) * 0.92, "height": share}
            if before.get("bad") != bad:
                opts["brushes"] = [BRUSHES[b] for b in bad]
            bars.setOpts(**opts)
            x = (float(edges[0]), float(edges[-1]))
            top = _nice_top(float(share.max()))
            note = f" · {h.note}" if h.note else ""
            color = "#b03020" if h.bad_fraction > 0.3 else "#333"
            title = f"<span style='color:{color}'>{h.name} ({h.activation}){note}</span>"
            if before.get("x") != x:
                plot.setXRange(*x, padding=0.02)
            if before.get("top") != top:
                plot.setYRange(0, top, padding=0)
            size = f"{9 * present_plots.text_scale():.3g}pt"  # at the window's text size
            if before.get("title") != (title, size):
                plot.setTitle(title, size=size)
            shown[k] = {"bad": bad, "x": x, "top": top, "title": (title, size)}
        return True


def _nice_top(peak: float) -> float:
    """The top of a histogram's y range: a little above the tallest bar,
    rounded up to a step of 0.05, so it moves only now and then."""
    return max(0.05, float(np.ceil(peak * 1.1 / 0.05)) * 0.05)
