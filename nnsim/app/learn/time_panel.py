"""Step through time: one sequence through a recurrent network, forward step
by step (each neuron's weighted sum, the values arriving from the step
before marked), backward through time (each layer's δ at every step, and a
recurrent weight's gradient as a sum over the steps), and one LSTM step with
every gate's arithmetic. The values of the step shown go on the canvas.

The numbers come from ``nnsim.app.learn.time_walk`` (the engine's own
forward and backward passes).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout

from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.overlay import escape
from nnsim.app.learn.time_walk import TimeWalk, sum_text, walk_sequence
from nnsim.app.learn.widgets import DockPanel, button, message_box, note, set_box, text_pane
from nnsim.data import DataError
from nnsim.design.validate import DesignError
from nnsim.explain import fmt

PHASES = (("forward", "Forward in time"), ("backward", "Backward through time"), ("lstm", "One LSTM step"))


class TimeStepsPanel(DockPanel):
    def __init__(self, hub: LearnHub, parent=None):
        super().__init__(parent)
        self.setObjectName("learn_time")
        self.hub = hub
        self.walk: TimeWalk | None = None
        self.step = 0
        self.in_view = False
        self._stale = True
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()  # what to show and where in time: two short rows, for a narrow dock
        self.phase = QComboBox()
        self.phase.setObjectName("time_phase")
        for key, text in PHASES:
            self.phase.addItem(text, key)
        self.phase.currentIndexChanged.connect(self._phase_changed)
        row.addWidget(self.phase, 1)
        self.back = button("◀", "The step before (←)", "time_back")
        self.back.clicked.connect(lambda: self.go(self.step - 1))
        self.next = button("▶", "The next step (→)", "time_next")
        self.next.clicked.connect(lambda: self.go(self.step + 1))
        for b in (self.back, self.next):
            b.setMaximumWidth(b.fontMetrics().horizontalAdvance("◀") * 4 + 16)
        row.addWidget(self.back)
        row.addWidget(self.next)
        self.where = QLabel()
        self.where.setMinimumWidth(QLabel("step 00 of 00").sizeHint().width())
        row.addWidget(self.where)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Sequence"))
        self.index = QSpinBox()
        self.index.setRange(1, 100_000)
        self.index.valueChanged.connect(self._rebuild)
        row2.addWidget(self.index)
        row2.addWidget(QLabel("Steps"))
        self.steps = QSpinBox()
        self.steps.setObjectName("time_steps_count")
        self.steps.setRange(2, 60)
        self.steps.setValue(6)
        self.steps.valueChanged.connect(self._rebuild)
        row2.addWidget(self.steps)
        row2.addStretch(1)
        lay.addLayout(row2)
        self.problem = message_box("warn")
        lay.addWidget(self.problem)
        self.text = text_pane(name="time_text")
        lay.addWidget(self.text, 1)
        self.summary = note()
        lay.addWidget(self.summary)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        hub.document.changed.connect(self._design_changed)

    # -- in view ----------------------------------------------------------------------
    def set_in_view(self, visible: bool) -> None:
        self.in_view = visible
        if visible:
            if self._stale:
                self._rebuild()
            else:
                self._show()
        else:
            self._clear_canvas()

    def _design_changed(self) -> None:
        self._stale = True
        if self.in_view:
            self._rebuild()

    def _phase_changed(self, *_) -> None:
        self.go(self.step)

    def _rebuild(self, *_) -> None:
        self._stale = False
        doc = self.hub.document
        try:
            self.walk = walk_sequence(doc.design, self.steps.value(), self.index.value() - 1,
                                      doc.path.parent if doc.path else None)
        except (DesignError, DataError, ValueError, OSError) as e:
            self.walk = None
            set_box(self.problem, escape(str(e)[:1].upper() + str(e)[1:]) + ".")
            self.text.clear()
            self.summary.setText("")
            self.where.setText("")
            self._clear_canvas()
            return
        set_box(self.problem, "")
        self.go(min(self.step, self.walk.steps - 1))

    # -- moving -----------------------------------------------------------------------
    def go(self, step: int) -> None:
        if self.walk is None:
            return
        self.step = max(0, min(step, self.walk.steps - 1))
        self._show()
        phase = self.phase.currentData()
        self.hub.record("time_step", phase=phase, step=self.step, steps=self.walk.steps)
        if phase == "forward" and self.step == self.walk.steps - 1:
            self.hub.record("time_walk_done", phase="forward", loss=self.walk.loss)
        if phase == "backward" and self.step == 0:
            self.hub.record("time_walk_done", phase="backward", loss=self.walk.loss)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.go(self.step + (1 if event.key() == Qt.Key.Key_Right else -1))
            event.accept()
            return
        super().keyPressEvent(event)

    # -- showing ----------------------------------------------------------------------
    def _show(self) -> None:
        w = self.walk
        if w is None:
            return
        t = self.step
        self.where.setText(f"step {t + 1} of {w.steps}")
        self.back.setEnabled(t > 0)
        self.next.setEnabled(t < w.steps - 1)
        phase = self.phase.currentData()
        if phase == "forward":
            html = self._forward_html(w, t)
            values = {n.nid: n.a for n in w.forward[t]}
        elif phase == "backward":
            html = self._backward_html(w, t)
            values = {}
        else:
            html = self._lstm_html(w, t)
            values = {}
        self.text.setHtml(html)
        if w.target_step is not None:
            self.summary.setText(f"This task's target comes at step {w.target_step}: show that many steps to go "
                                 "back through time from it.")
        else:
            self.summary.setText(f"Loss over these {w.steps} steps: <b>{fmt(w.loss, 4)}</b>.")
        if self.in_view and self.hub.scene is not None:
            self.hub.scene.set_neuron_values(values or None)
            self.hub.scene.highlight(list(values))

    def _clear_canvas(self) -> None:
        if self.hub.scene is not None:
            self.hub.scene.set_neuron_values(None)
            self.hub.scene.highlight()

    @staticmethod
    def _forward_html(w: TimeWalk, t: int) -> str:
        x = ", ".join(fmt(v, 3) for v in w.x[t])
        looped = any(tm.delayed for n in w.forward[t] for tm in n.terms)
        if not looped:
            memory = (" No connection here is recurrent: each step sees only its own input."
                      if not w.lstm else " The LSTM keeps its own state: see One LSTM step.")
        elif t:
            memory = (f" The values marked <i>(t−1)</i> arrive over recurrent connections: the outputs of "
                      f"<b>step {t}</b>, kept for one step.")
        else:
            memory = (" Before the first step there is nothing to remember: what recurrent connections bring "
                      "is 0 (the initial state).")
        parts = [f"<p><b>Step {t + 1}</b>: the input is <b>{x}</b>.{memory}</p>"]
        for n in w.forward[t]:
            delayed = sum(1 for tm in n.terms if tm.delayed)
            parts.append(f"<p><b>{escape(n.name)}</b> ({escape(n.layer)}): z = {escape(sum_text(n.terms, n.bias))} "
                         f"= <b>{fmt(n.z, 4)}</b>; {escape(n.activation)}(z) = <b>{fmt(n.a, 4)}</b>"
                         + (f" <span style='color:#7048e8'>({delayed} value{'s' if delayed != 1 else ''} "
                            "from the step before)</span>" if delayed and t else "") + "</p>")
        target = w.target[t]
        if all(v == v for v in target):
            parts.append(f"<p>Target at this step: <b>{', '.join(fmt(v, 3) for v in target)}</b>.</p>")
        return "".join(parts)

    @staticmethod
    def _backward_html(w: TimeWalk, t: int) -> str:
        if w.target_step is not None:
            return (f"<p>Nothing to go back from yet: this task's only target is at step {w.target_step}, after "
                    f"the {w.steps} steps shown. Set Steps to {w.target_step}.</p>")
        parts = [f"<p><b>Step {t + 1}</b>, going back from the last step. δ (∂L/∂z) of each layer at this step: "
                 "its own error (if the step has a target) plus what comes back from later steps over the "
                 "recurrent connections.</p>"]
        for name, delta in w.deltas:
            row = ", ".join(fmt(v, 3) for v in delta[t][:8]) + (" …" if delta.shape[1] > 8 else "")
            parts.append(f"<p><b>{escape(name)}</b>: δ = [{row}]</p>")
        g = w.gradient
        if g is not None:
            terms = " + ".join(f"{fmt(d, 3)}·{fmt(v, 3)}" for d, v in zip(g.deltas, g.values))
            upto = sum(g.parts[t:])
            parts.append(
                f"<p>The recurrent weight <b>{escape(g.source)} → {escape(g.target)}</b> is used at every step, so its "
                f"gradient is a sum over the steps of δ<sub>{escape(g.target)}</sub>(t) × "
                f"{escape(g.source)}(t−1):</p><p>∂L/∂w = {terms} = <b>{fmt(sum(g.parts), 4)}</b> "
                f"(the engine: {fmt(g.engine, 4)}). From step {t + 1} on: {fmt(upto, 4)}.</p>")
        return "".join(parts)

    @staticmethod
    def _lstm_html(w: TimeWalk, t: int) -> str:
        if not w.lstm:
            return "<p>The design has no LSTM layer: add one to see its gates at work.</p>"
        s = w.lstm[t]
        names = {"f": "forget gate f", "i": "input gate i", "c_tilde": "candidate c̃", "o": "output gate o"}
        parts = [f"<p><b>{escape(s.layer)}</b>, cell 1, step {t + 1}. Its inputs [h(t−1), x(t)]: "
                 + ", ".join(f"{escape(n)} = {fmt(v, 3)}" for n, v in s.inputs) + ".</p>"]
        for key, (terms, bias, z, value) in s.gates.items():
            fn = "tanh" if key == "c_tilde" else "σ"
            shown = " + ".join(f"{fmt(wt, 3)}×{fmt(v, 3)}" for wt, v in terms[:8]) + (" + …" if len(terms) > 8 else "")
            parts.append(f"<p><b>{names[key]}</b> = {fn}({shown} + {fmt(bias, 3)}) = {fn}({fmt(z, 4)}) = "
                         f"<b>{fmt(value, 4)}</b></p>")
        f = s.gates.get("f")
        i, c = s.gates["i"][3], s.gates["c_tilde"][3]
        o = s.gates["o"][3]
        keep = f"{fmt(f[3], 3)} × {fmt(s.c_prev, 3)}" if f is not None else f"{fmt(s.c_prev, 3)}"
        parts.append(f"<p><b>cell state</b> c(t) = {'f × c(t−1)' if f is not None else 'c(t−1)'} + i × c̃ = "
                     f"{keep} + {fmt(i, 3)} × {fmt(c, 3)} = <b>{fmt(s.c, 4)}</b></p>")
        parts.append(f"<p><b>output</b> h(t) = o × tanh(c(t)) = {fmt(o, 3)} × tanh({fmt(s.c, 3)}) = "
                     f"<b>{fmt(s.h, 4)}</b></p>")
        return "".join(parts)


__all__ = ["TimeStepsPanel"]
