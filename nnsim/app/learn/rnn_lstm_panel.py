"""A plain recurrent network against an LSTM, on one screen.

Both are trained on the same task (temporal order by default: the plain
RNN stays near chance, the LSTM learns), on copies, in a thread of their own
so the window stays responsive: one epoch of each in turn. Their accuracy
curves share one plot; under it each network's gradient through time (how
much of the loss at the last step reaches each earlier step, log scale):
the LSTM's reaching far back, the RNN's gone after a few steps.
"""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnsim.app.colors import class_color, hex_color
from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.widgets import DockPanel, button, column, message_box, note, set_box
from nnsim.app.views.common import LogAxis
from nnsim.data import DataError
from nnsim.design.model import Design
from nnsim.design.validate import DesignError

COLOURS = (hex_color(class_color(1)), hex_color(class_color(0)))
DEFAULT_PAIR = ("temporal-order-rnn", "temporal-order-lstm")


def default_pair() -> list[Design]:
    import nnsim

    return [nnsim.example(name) for name in DEFAULT_PAIR]


def through_time(session) -> np.ndarray | None:
    """Shares of the last step's gradient reaching each earlier step (index
    k: k steps back) for the first sequence of the test set (else training
    set), of the first layer that carries a state."""
    from nnsim.recurrent import gradient_through_time

    d = session.data
    x, y = (d.x_test, d.y_test) if len(d.x_test) else (d.x_train, d.y_train)
    try:
        with np.errstate(all="ignore"):
            result = gradient_through_time(session.compiled, x[0], y[0])
    except ValueError:
        return None
    return next(iter(result.shares.values()), None)


class _Runner(QObject):
    """Trains the two sessions in a plain thread; results reach the panel
    through ``progressed`` (queued to the GUI thread)."""

    progressed = Signal(object)  # (network, epoch, accuracy or loss, shares)
    finished = Signal(str)  # "" or why it stopped

    def __init__(self):
        super().__init__()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, designs: list[Design], epochs: int) -> None:
        self.stop()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(designs, epochs), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self, designs: list[Design], epochs: int) -> None:
        from nnsim.session import Session

        try:
            sessions = [Session(d.copy()) for d in designs]
            for k, s in enumerate(sessions):
                self.progressed.emit((k, 0, _score(s.trainer.evaluate()), through_time(s)))
            for epoch in range(1, epochs + 1):
                for k, s in enumerate(sessions):
                    if self._stop.is_set():
                        self.finished.emit("stopped")
                        return
                    s.trainer.train_epochs(1, evaluate=False)
                    self.progressed.emit((k, epoch, _score(s.trainer.evaluate()), through_time(s)))
        except (DesignError, DataError, ValueError) as e:
            self.finished.emit(str(e))
            return
        self.finished.emit("")


def _score(record) -> float:
    acc = record.test_accuracy if record.test_accuracy is not None else record.train_accuracy
    return float(acc) if acc is not None else float(record.test_loss or record.train_loss)


class RnnLstmPanel(DockPanel):
    def __init__(self, hub: LearnHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_rnn_lstm")
        self.hub = hub
        self.designs: list[Design] = []
        self.scores: list[list[tuple[int, float]]] = [[], []]
        self.runner = _Runner()
        self.runner.progressed.connect(self._progressed)
        self.runner.finished.connect(self._finished)
        self.destroyed.connect(self.runner.stop)  # no training left running behind a closed window
        self.intro = note("A plain recurrent network and an LSTM of similar size, trained on the same task side by "
                          "side. Top: their accuracy epoch by epoch. Below: each one's gradient through time.")
        self.names = [QLabel(), QLabel()]
        for label, colour in zip(self.names, COLOURS):
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.epochs = QSpinBox()
        self.epochs.setObjectName("rnn_lstm_epochs")
        self.epochs.setRange(1, 200)
        self.epochs.setValue(8)
        self.train_button = button("Train both", "Train both networks from their starting weights",
                                   "rnn_lstm_train")
        self.train_button.clicked.connect(self.train)
        self.stop_button = button("Stop", "", "rnn_lstm_stop")
        self.stop_button.clicked.connect(self.runner.stop)
        self.result = message_box("info")
        self.curves_plot = pg.PlotWidget(background="w")
        self.curves_plot.setObjectName("rnn_lstm_curves")
        self.curves_plot.setMinimumSize(180, 120)
        self.curves_plot.setLabel("bottom", "epoch")
        self.curves_plot.setLabel("left", "accuracy")
        self.curves_plot.getAxis("left").enableAutoSIPrefix(False)
        self.curves_plot.setYRange(0.0, 1.0, padding=0.02)
        self.curves_plot.setMenuEnabled(False)
        self.curves_plot.hideButtons()
        self.curves = [self.curves_plot.plot(pen=pg.mkPen(c, width=2.5), symbol="o", symbolSize=5,
                                             symbolBrush=c, symbolPen=None) for c in COLOURS]
        self.grad_plots, self.grad_curves = [], []
        grads = QHBoxLayout()
        for k in range(2):
            plot = pg.PlotWidget(background="w", axisItems={"left": LogAxis("left")})
            plot.setObjectName(f"rnn_lstm_gradient_{k}")
            plot.setMinimumSize(140, 110)
            plot.setLogMode(y=True)
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.setLabel("bottom", "steps back")
            plot.setMenuEnabled(False)
            plot.hideButtons()
            self.grad_curves.append(plot.plot(pen=pg.mkPen(COLOURS[k], width=2)))
            self.grad_plots.append(plot)
            grads.addWidget(column(self.names[k], plot, stretch_last=True))
        epochs_row = QHBoxLayout()
        epochs_row.addWidget(QLabel("Epochs:"))
        epochs_row.addWidget(self.epochs, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.stop_button)
        side = column(self.intro, epochs_row, buttons, self.result, stretch_last=True, width=(200, 300))
        right = QVBoxLayout()
        right.addWidget(self.curves_plot, 1)
        right.addLayout(grads, 1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(side)
        lay.addLayout(right, 1)
        self.set_designs(default_pair())
        self.stop_button.setEnabled(False)

    def set_designs(self, designs: list[Design]) -> None:
        self.runner.stop()
        self.designs = [d.copy() for d in designs]
        for label, d in zip(self.names, self.designs):
            label.setText(d.name)
        self._clear()

    def _clear(self) -> None:
        self.scores = [[], []]
        for curve in self.curves + self.grad_curves:
            curve.setData([], [])
        set_box(self.result, "")

    # -- training -------------------------------------------------------------------------
    def train(self) -> None:
        self._clear()
        self.train_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.runner.start(self.designs, self.epochs.value())

    @Slot(object)
    def _progressed(self, item) -> None:
        k, epoch, score, shares = item
        self.scores[k].append((epoch, score))
        e, s = zip(*self.scores[k])
        self.curves[k].setData(np.array(e, dtype=float), np.array(s, dtype=float))
        if shares is not None:
            keep = np.isfinite(shares) & (shares > 0)
            self.grad_curves[k].setData(np.flatnonzero(keep).astype(float), shares[keep])

    @Slot(str)
    def _finished(self, why: str) -> None:
        self.train_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if why and why != "stopped":
            set_box(self.result, f"Cannot train: {why}.", "bad")
            return
        last = [s[-1][1] if s else float("nan") for s in self.scores]
        names = [d.name for d in self.designs]
        set_box(self.result, f"<b>{names[0]}</b>: {last[0]:.0%}<br><b>{names[1]}</b>: {last[1]:.0%}", "info")
        if why != "stopped":
            self.hub.record("rnn_lstm_done", names=names, accuracies=last,
                            epochs=max((s[-1][0] for s in self.scores if s), default=0))

    def shutdown(self) -> None:
        self.runner.stop()


__all__ = ["RnnLstmPanel"]
