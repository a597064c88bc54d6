"""The perceptron as the article tells it: one sample at a time, the rule
``w ← w + rate × error × input``, and the decision line moving after each update.

The panel trains a copy of the design with the engine's ``PerceptronTrainer``
and pushes the new weights into the document after each update (a run merges
into one undo step), so the canvas shows them too. On data no straight line
separates (XOR), the trainer notices that the weights come back to where they
were: the panel explains why and offers the next lesson.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from nnsim.app.learn.commands import new_run_id, push_numbers
from nnsim.app.learn.hub import LearnHub
from nnsim.app.colors import class_color, hex_color
from nnsim.app.learn.overlay import escape
from nnsim.app.learn.widgets import DockPanel, TEXT_SIZE, button, column, message_box, note, set_box, text_pane
from nnsim.data import DataError, Dataset, load_dataset
from nnsim.design.model import LayerKind, LearningRule
from nnsim.design.names import NeuronNames
from nnsim.design.recipes import EditError
from nnsim.design.validate import DesignError
from nnsim.engine.perceptron import CONVERGED, NOT_SEPARABLE, PerceptronTrainer, perceptron_problem
from nnsim.engine.program import DIVERGED, READY
from nnsim.explain import count, factor, fmt
from nnsim.session import Session

CLASS_COLOURS = {1: hex_color(class_color(1)), 0: hex_color(class_color(0))}  # blue (fires) and orange (quiet)
REGION_COLOURS = np.array([[252, 228, 200, 255], [205, 226, 243, 255]], dtype=np.ubyte)
GRID = 80
NEXT_LESSON = "hidden-layer-xor"


class PerceptronPanel(DockPanel):
    finished = Signal(str)  # converged | not_separable | budget

    def __init__(self, hub: LearnHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_perceptron")
        self.hub = hub
        self.document = hub.document
        self.session: Session | None = None
        self.trainer: PerceptronTrainer | None = None
        self.problem = ""
        self.run_id: int | None = None
        self._pushing = False
        self._dirty = True
        self._data = None  # ((data set spec, folder), the data set read for it)
        self.active = False
        self.last_sample: int | None = None
        self.updates = 0

        self.intro = (
            "A single layer of step neurons learns with the <b>perceptron rule</b>: show it one sample; "
            "if its answer is wrong, nudge each weight by <i>rate × error × input</i> (and the bias by "
            "<i>rate × error</i>). The line is where the neuron switches from 0 to 1."
        )
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("perceptron_plot")
        self.plot.setMinimumSize(170, 150)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setAspectLocked(True)  # the inputs share a scale: a square stays square
        self.region = pg.ImageItem()
        self.region.setZValue(-10)
        self.plot.addItem(self.region)
        self.old_line = pg.PlotDataItem(pen=pg.mkPen("#9e9e9e", width=2, style=Qt.PenStyle.DashLine))
        self.line = pg.PlotDataItem(pen=pg.mkPen("#212121", width=3))
        self.points = {
            k: pg.ScatterPlotItem(size=16, brush=pg.mkBrush(c), pen=pg.mkPen("#ffffff", width=1.5))
            for k, c in CLASS_COLOURS.items()
        }
        self.current = pg.ScatterPlotItem(size=30, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("#212121", width=2.5))
        for item in (self.old_line, self.line, *self.points.values(), self.current):
            self.plot.addItem(item)
        self.legend = note(
            f"<span style='color:{CLASS_COLOURS[1]}'>●</span> should fire (1) &nbsp; "
            f"<span style='color:{CLASS_COLOURS[0]}'>●</span> should stay quiet (0) &nbsp; "
            "<b>—</b> the line now &nbsp; <span style='color:#9e9e9e'>- -</span> before the last update"
        )
        self.legend.setObjectName("perceptron_legend")

        self.one_button = button("One sample", "Show the next sample and apply the rule", "one_sample_button")
        self.epoch_button = button("One epoch", "Every sample once", "one_epoch_button")
        self.run_button = button("Train until it settles", "Keep going, one sample at a time", "run_button")
        self.stop_button = button("Stop", "", "stop_button")
        buttons = QHBoxLayout()
        for b in (self.one_button, self.epoch_button, self.run_button, self.stop_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.counter = QLabel()
        self.counter.setObjectName("perceptron_counter")
        self.rule_text = text_pane(name="rule_text", minimum=50)
        font = self.rule_text.font()
        font.setPointSizeF(TEXT_SIZE)
        self.rule_text.setFont(font)
        self.status_box = message_box("info")
        self.status_box.setObjectName("perceptron_status")
        self.next_lesson_button = button(
            "Next lesson: a hidden layer solves XOR ▶", "Open the lesson that fixes this", "next_lesson_button"
        )
        self.next_lesson_button.hide()

        # Sideways, to fit the short dock under the canvas: the plot at the dock's
        # height; beside it the buttons, what happened (first, so it stays in
        # view) and the arithmetic of the last update, which scrolls on its own.
        self.side = column(buttons, self.counter, self.status_box, self.next_lesson_button, self.legend,
                           self.rule_text, stretch_last=True, width=(330, 620))
        layout = QHBoxLayout(self)
        layout.addWidget(self.plot, 2)
        layout.addWidget(self.side, 3)

        self.timer = QTimer(self)
        self.timer.setInterval(180)
        self.timer.timeout.connect(self._tick)
        self.one_button.clicked.connect(self.one_sample)
        self.epoch_button.clicked.connect(self.one_epoch)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self.next_lesson_button.clicked.connect(lambda: self.hub.lesson_requested.emit(NEXT_LESSON))
        self.document.changed.connect(self._design_changed)
        self.document.reset.connect(self._design_changed)
        self._enable()

    # -- visibility ------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.active = True
        if self._dirty:
            self.rebuild()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.active = False
        self.stop()

    # -- the session ------------------------------------------------------------------------
    def _design_changed(self) -> None:
        if self._pushing:
            return
        self.stop()
        self._dirty = True
        if self.active:
            self.rebuild()

    def rebuild(self) -> None:
        """Start afresh from the document's design (epoch 0)."""
        self._dirty = False
        self.session = self.trainer = None
        self.last_sample = None
        self.updates = 0
        design = self.document.design.copy()
        design.training.rule = LearningRule.PERCEPTRON
        design.history = []
        path = self.document.path
        base_dir = path.parent if path else None
        try:
            session = Session(design, base_dir=base_dir, dataset=self._dataset(design, base_dir))
        except (DesignError, DataError, ValueError, OSError) as e:
            self.problem = str(e)
        else:
            self.session = session
            self.trainer = session.trainer
            self.problem = ""
        set_box(self.status_box, "", "info")
        self.next_lesson_button.hide()
        if self.problem:
            set_box(
                self.status_box,
                "This tool trains a single layer of step neurons with the perceptron rule, and this design "
                f"cannot be trained that way: {escape(self.problem)}.",
                "warn",
            )
            self.rule_text.setHtml(f"<p>{self.intro}</p>")
        else:
            self.rule_text.setHtml(
                "<p>Press <b>One sample</b> to show the perceptron the first sample.</p>"
                f"<p style='color:#616161'>{self.intro}</p>"
            )
        self._draw()
        self._enable()

    def _dataset(self, design, base_dir) -> Dataset:
        """The design's data, read once: the same data set is not read again
        for every change of a weight (a CSV file would be)."""
        key = (design.dataset, base_dir)
        if self._data is None or self._data[0] != key:
            self._data = None
            self._data = (key, load_dataset(design.dataset, base_dir))
        return self._data[1]

    # -- training ----------------------------------------------------------------------------
    def one_sample(self) -> None:
        if self.run_id is None:
            self.run_id = new_run_id()
        self._step()
        if not self.timer.isActive():
            self.run_id = None

    def one_epoch(self) -> None:
        if self.trainer is None:
            return
        self.run_id = new_run_id()
        for _ in range(self.trainer.steps_left_in_epoch()):
            if not self._step():
                break
        self.run_id = None

    def run(self) -> None:
        if self.trainer is None or self.trainer.status != READY:
            return
        self.run_id = new_run_id()
        self.timer.start()
        self._enable()

    def stop(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.run_id = None
        self._enable()

    def _tick(self) -> None:
        if not self._step():
            self.stop()

    def _step(self) -> bool:
        """One sample through the rule; False when training has stopped."""
        trainer = self.trainer
        if trainer is None or trainer.status != READY:
            return False
        compiled = self.session.compiled
        w_before = compiled.connection_weights()
        b_before = {op.index: op.b.copy() for op in compiled.network.output_layers}
        epoch_before = trainer.epoch
        trainer.train_steps(1, evaluate=True)  # one sample; ends the epoch after the last one
        update = trainer.last_update
        self.updates += 1
        self.last_sample = update.sample
        changed = bool(np.any(update.error != 0))
        if changed:
            self.session.write_back()
            self._push()
        self.rule_text.setHtml(self._rule_html(update, w_before, b_before))
        self.hub.record(
            "perceptron_update",
            sample=int(update.sample),
            error=[float(e) for e in update.error],
            mistake=changed,
            epoch=epoch_before + 1,
        )
        self._draw(w_before if changed else None, b_before if changed else None)
        if trainer.status != READY:
            self._finished(trainer.status)
            return False
        budget = self.session.design.training.epochs
        if self.timer.isActive() and trainer.epoch >= budget:
            self._finished("budget")
            return False
        self._enable()
        return True

    def _push(self) -> None:
        d = self.session.design
        weights = [c.weight for c in d.connections]
        biases = [n.bias for n in d.neurons]
        self._pushing = True
        try:
            push_numbers(self.document, weights, biases, f"Perceptron: {count(self._run_updates(), 'update')}",
                         self.run_id)
        except EditError as e:
            set_box(self.status_box, escape(str(e)), "bad")
        finally:
            self._pushing = False

    def _run_updates(self) -> int:
        if not hasattr(self, "_run_counts"):
            self._run_counts: dict[int | None, int] = {}
        self._run_counts[self.run_id] = self._run_counts.get(self.run_id, 0) + 1
        return self._run_counts[self.run_id]

    def _finished(self, status: str) -> None:
        trainer = self.trainer
        self.stop()
        data = self.session.dataset.name
        if status == CONVERGED:
            set_box(
                self.status_box,
                f"<b>Settled.</b> In epoch {trainer.epoch} every sample was on the right side of the line, so "
                "the rule changed nothing any more. A straight line separates these classes: the data is "
                "<i>linearly separable</i>.",
                "good",
            )
        elif status == NOT_SEPARABLE:
            set_box(
                self.status_box,
                f"<b>It will never settle.</b> After epoch {trainer.epoch} the weights are exactly what they "
                "were after an earlier epoch, so the same updates would repeat for ever. No straight line puts "
                f"all the blue points on one side and all the orange on the other: {escape(data)} is "
                "<i>not linearly separable</i>. One neuron draws one line; to bend the boundary you need a "
                "hidden layer.",
                "bad",
            )
            self.next_lesson_button.show()
        elif status == DIVERGED:
            set_box(self.status_box, f"<b>Diverged.</b> {escape(trainer.message[:1].upper() + trainer.message[1:])}",
                    "bad")
        else:
            set_box(
                self.status_box,
                f"Stopped after the design's budget of {trainer.epoch} epochs without settling.",
                "warn",
            )
        self.hub.record("perceptron_finished", status=status, epochs=int(trainer.epoch), data=data)
        self.finished.emit(status)
        self._enable()

    # -- words -------------------------------------------------------------------------------
    def _rule_html(self, update, w_before, b_before) -> str:
        session = self.session
        d, compiled = session.design, session.compiled
        rate = d.training.learning_rate
        x = session.data.x_train[update.sample]
        xs = ", ".join(fmt(v) for v in x)
        w_after = compiled.connection_weights()
        # A step that overflowed was undone: show what it computed, not the weights put back.
        overflowed = self.trainer is not None and self.trainer.status == DIVERGED
        rows = [f"<p><b>Sample #{update.sample + 1}</b>: inputs ({xs})</p><ul>"]
        outputs = [n for layer in d.layers_of_kind(LayerKind.OUTPUT) for n in d.neurons_of(layer.id)]
        in_ids = [n.id for layer in d.layers_of_kind(LayerKind.INPUT) for n in d.neurons_of(layer.id)]
        inputs = {nid: k for k, nid in enumerate(in_ids)}
        names = NeuronNames(d)
        for k, out in enumerate(outputs):
            e = float(update.error[k])
            name = escape(names(out.id))
            rows.append(
                f"<li>{name}: wanted {fmt(update.target[k])}, got {fmt(update.output[k])} → "
                f"error = {fmt(update.target[k])} − {factor(update.output[k])} = <b>{fmt(e)}</b></li>"
            )
            if e == 0:
                rows.append("<li>right answer: nothing changes</li>")
                continue
            for idx, c in enumerate(d.connections):
                if c.target != out.id or c.source not in inputs:
                    continue
                xi = x[inputs[c.source]]
                src = escape(names(c.source))
                with np.errstate(all="ignore"):
                    after = w_before[idx] + rate * e * xi if overflowed and not c.frozen else w_after[idx]
                rows.append(
                    f"<li>weight from {src}: {fmt(w_before[idx])} + {fmt(rate)} × {factor(e)} × {factor(xi)} = "
                    f"<b>{fmt(after)}</b></li>"
                )
            li, col = compiled.neuron_pos[out.id]
            b_old = float(b_before[li][col])
            with np.errstate(all="ignore"):
                b_new = b_old + rate * e if overflowed else out.bias
            rows.append(f"<li>bias: {fmt(b_old)} + {fmt(rate)} × {factor(e)} = <b>{fmt(b_new)}</b></li>")
        if overflowed:
            rows.append("<li>a number overflowed (inf is past the largest one a computer holds): "
                        f"the weights go back to those after epoch {self.trainer.good_epoch}</li>")
        rows.append("</ul>")
        return "".join(rows)

    # -- drawing -------------------------------------------------------------------------------
    def _draw(self, w_before=None, b_before=None) -> None:
        session = self.session
        two_d = session is not None and session.network.n_inputs == 2
        self.plot.setVisible(two_d)
        self.legend.setVisible(two_d)
        trainer = self.trainer
        if trainer is None:
            self.counter.setText("")
        else:
            n = trainer.steps_per_epoch
            pos = n - trainer.steps_left_in_epoch()
            if pos == 0:
                self.counter.setText(f"{count(trainer.epoch, 'epoch')} done · "
                                     f"{count(self.updates, 'sample')} shown so far")
            else:
                self.counter.setText(f"Epoch {trainer.epoch + 1}: sample {pos} of {n} · {self.updates} shown so far")
        if not two_d:
            return
        data, net = session.data, session.network
        d = session.design
        ins = [n.id for layer in d.layers_of_kind(LayerKind.INPUT) for n in d.neurons_of(layer.id)]
        names = NeuronNames(d)
        self.plot.setLabel("bottom", names(ins[0]))
        self.plot.setLabel("left", names(ins[1]))
        (x0, x1), (y0, y1) = session.dataset.input_range or ((-0.5, 1.5), (-0.5, 1.5))
        labels = data.labels_train if data.labels_train is not None else (data.y_train[:, 0] > 0.5).astype(int)
        for k, item in self.points.items():
            sel = labels == k
            item.setData(data.x_train[sel, 0], data.x_train[sel, 1])
        if self.last_sample is not None:
            p = data.x_train[self.last_sample]
            self.current.setData([p[0]], [p[1]])
        else:
            self.current.setData([], [])
        gx = np.linspace(x0, x1, GRID)
        gy = np.linspace(y0, y1, GRID)
        X = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)  # (GRID*GRID, 2), row = x2
        with np.errstate(all="ignore"):  # weights near the float limit (a rate of 1e308): step outputs stay 0/1
            out = net.predict(X)[:, 0]
            line = self._line(self._numbers(), (x0, x1), (y0, y1))
            old = None if w_before is None else self._line(self._numbers(w_before, b_before), (x0, x1), (y0, y1))
        fires = (out > 0.5 * (data.coding.low + data.coding.high)).astype(int).reshape(GRID, GRID)
        self.region.setImage(REGION_COLOURS[fires.T], autoLevels=False)
        self.region.setRect(pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        self.line.setData(*line)
        if old is not None:
            self.old_line.setData(*old)
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _numbers(self, weights=None, biases=None):
        """(w1, w2, bias, threshold) of the first output neuron."""
        compiled = self.session.compiled
        d = self.session.design
        weights = compiled.connection_weights() if weights is None else weights
        out = [n for layer in d.layers_of_kind(LayerKind.OUTPUT) for n in d.neurons_of(layer.id)][0]
        li, col = compiled.neuron_pos[out.id]
        bias = float(compiled.network.layers[li].b[col]) if biases is None else float(biases[li][col])
        ins = [n.id for layer in d.layers_of_kind(LayerKind.INPUT) for n in d.neurons_of(layer.id)]
        w = [0.0, 0.0]
        for idx, c in enumerate(d.connections):
            if c.target == out.id and c.source in ins:
                w[ins.index(c.source)] = float(weights[idx])
        return w[0], w[1], bias, out.threshold

    @staticmethod
    def _line(numbers, xr, yr):
        """Points of w1·x + w2·y + b = θ across the plot (empty if no line)."""
        w1, w2, b, thr = numbers
        c = thr - b
        if abs(w2) > 1e-12 and abs(w2) >= abs(w1):
            xs = np.array(xr, dtype=float)
            return xs, (c - w1 * xs) / w2
        if abs(w1) > 1e-12:
            ys = np.array(yr, dtype=float)
            return (c - w2 * ys) / w1, ys
        return np.array([]), np.array([])

    def _enable(self) -> None:
        ok = self.trainer is not None and self.trainer.status == READY
        running = self.timer.isActive()
        self.one_button.setEnabled(ok and not running)
        self.epoch_button.setEnabled(ok and not running)
        self.run_button.setEnabled(ok and not running)
        self.stop_button.setEnabled(running)


__all__ = ["PerceptronPanel", "perceptron_problem"]
