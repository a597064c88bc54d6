"""Step through one sample: forward, neuron by neuron, then backward.

Pick a training sample or type input values; Next ▶ lights up the neurons in
the order the network computes them, each showing its arithmetic on the
canvas; with a wanted output the walk goes on to the loss and backwards
through every neuron's error term, each connection's gradient and the change
gradient descent would make. "Apply the update" makes those changes (one
undoable edit) and shows the loss of the sample before and after.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.overlay import Overlay, escape
from nnsim.app.learn.samples import Samples, load_samples
from nnsim.app.learn.walkthrough import (
    BACKWARD_PHASE,
    FORWARD,
    INPUTS,
    LOSS,
    UPDATE,
    RunsOverTime,
    Walkthrough,
    build_walkthrough,
)
from nnsim.app.learn.widgets import DockPanel, TEXT_SIZE, button, message_box, scroll_column, set_box
from nnsim.app.field_grid import FieldGrid
from nnsim.app.responsive import WidthSwitch
from nnsim.design.layer_types import RECURRENT_TYPES
from nnsim.design.model import LayerKind
from nnsim.design.recipes import EditError
from nnsim.design.validate import DesignError
from nnsim.explain import fmt

OWN_INPUTS = "Your own inputs"
WIDE = 620  # px from which the controls and the story stand side by side (see ``nnsim.app.responsive``)
BIG_DESIGN = 2000  # connections: a hidden panel does not keep the numbers of bigger designs fresh
PHASE_NAMES = {FORWARD: "Forward pass", LOSS: "The loss", BACKWARD_PHASE: "Backward pass", UPDATE: "The update"}
PHASE_COLOURS = {FORWARD: "#b07d00", LOSS: "#5e35b1", BACKWARD_PHASE: "#c2185b", UPDATE: "#2e7d32"}


class _Spin(QDoubleSpinBox):
    """A number box 70 to 120 px wide, wider with larger text (room for "-0.000")."""

    def __init__(self):
        super().__init__()
        self._hold_width()

    def _hold_width(self) -> None:
        chars = self.fontMetrics().averageCharWidth()
        self.setMinimumWidth(max(70, 10 * chars))
        self.setMaximumWidth(max(120, 17 * chars))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._hold_width()


def _spin() -> QDoubleSpinBox:
    s = _Spin()
    s.setRange(-1e4, 1e4)
    s.setDecimals(3)
    s.setSingleStep(0.1)
    s.setKeyboardTracking(False)
    return s


class StepThroughPanel(DockPanel):
    def __init__(self, hub: LearnHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_step_through")
        self.hub = hub
        self.document = hub.document
        self.overlay = Overlay(hub.scene)
        self.walk: Walkthrough | None = None
        self.index = 0
        self.samples: Samples | None = None
        self._samples_stale = False  # the design was replaced while hidden: samples are read when shown
        self.sample: int | None = None  # index of the chosen training sample, None: own inputs
        self.active = False
        self._reported: set[str] = set()
        self._stale = False
        self._applying = False
        self._input_ids: list[int] = []
        self._output_ids: list[int] = []

        # How to use it: at the top of the story until the walk begins.
        self.intro = (
            "Choose a sample, then press <b>Next ▶</b>: the network computes one neuron at a time, "
            "and each shows its arithmetic on the canvas. With a wanted output the walk goes on "
            "backwards: how wrong the output is, each neuron's share of the error, and how each "
            "weight should change."
        )
        self.sample_box = QComboBox()
        self.sample_box.setObjectName("sample_box")
        self.sample_box.setMinimumContentsLength(18)
        # Three boxes to a row, fewer when the dock is narrow (a large scale or text).
        self.inputs_widget = FieldGrid(3)
        self.want_check = QCheckBox("Wanted output:")
        self.want_check.setObjectName("want_check")
        self.want_check.setChecked(True)
        self.targets_widget = targets_widget = FieldGrid()
        self.input_spins: list[QDoubleSpinBox] = []
        self.target_spins: list[QDoubleSpinBox] = []

        form = QFormLayout()
        form.addRow("Sample:", self.sample_box)
        form.addRow("Inputs:", self.inputs_widget)
        form.addRow(self.want_check, targets_widget)

        self.start_button = button("Start over", "Back to the start of the walk", "start_button")
        self.back_button = button("◀ Back", "One step back", "back_button")
        self.next_button = button("Next ▶", "One step on", "next_button")
        self.play_button = button("▶ Play", "Play the walk as an animation", "play_button")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(1, 10)
        self.speed.setValue(5)
        self.speed.setMinimumWidth(60)
        self.speed.setMaximumWidth(90)
        self.speed.setToolTip("Animation speed")
        # Two short rows, so every button fits beside the story: walking, then playing.
        nav = QHBoxLayout()
        for w in (self.start_button, self.back_button, self.next_button):
            nav.addWidget(w)
        nav.addStretch(1)
        play = QHBoxLayout()
        play.addWidget(self.play_button)
        play.addWidget(QLabel("speed"))
        play.addWidget(self.speed)
        play.addStretch(1)

        self.phase_label = QLabel()
        self.phase_label.setObjectName("phase_label")
        self.phase_label.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextBrowser()
        self.text.setObjectName("walk_text")
        self.text.setOpenLinks(False)
        font = self.text.font()
        font.setPointSizeF(TEXT_SIZE)
        self.text.setFont(font)
        self.text.setMinimumHeight(80)

        self.apply_button = button(
            "Apply the update", "Change every weight and bias as shown (undoable)", "apply_button"
        )
        self.result_box = message_box("good")
        self.problem_box = message_box("warn")
        self.problem_box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.problem_box.linkActivated.connect(self.hub.show_tool)  # a tool that applies instead

        controls = QWidget()
        left = QVBoxLayout(controls)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addLayout(nav)
        play.addWidget(self.apply_button)
        left.addLayout(play)
        # What happened (a problem, the loss before and after the update) scrolls
        # on its own rather than pushing the buttons out of the dock.
        self.news = scroll_column(self.problem_box, self.result_box, name="step_news", minimum=0)
        left.addWidget(self.news, 1)
        self.controls = controls
        self.story = story = QWidget()
        right = QVBoxLayout(story)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.phase_label)
        right.addWidget(self.text, 1)
        # Side by side in a wide dock (under the canvas), stacked in a narrow one.
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.body.addWidget(controls)
        self.body.addWidget(story, 1)
        # Decided after resizes settle, with hysteresis: never from inside Qt's layout pass.
        self.switch = WidthSwitch(self, self._wide_threshold)
        self.switch.switched.connect(self._arrange)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.start_button.clicked.connect(lambda: self.go(0))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.play_button.clicked.connect(self.toggle_play)
        self.apply_button.clicked.connect(self.apply_update)
        self.sample_box.currentIndexChanged.connect(self._sample_chosen)
        self.want_check.toggled.connect(self._inputs_edited)
        self.speed.valueChanged.connect(self._speed_changed)
        self.document.changed.connect(self._design_changed)
        self.document.reset.connect(self._design_reset)
        hub.step_started.connect(self.apply_step)
        self._speed_changed()
        self._design_reset()

    # -- arrangement: side by side in a wide dock (under the canvas), stacked in a narrow one ---------
    def _margins(self) -> QSize:
        m = self.body.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def _wide_threshold(self) -> int:
        """The width from which the two columns stand side by side: WIDE, or
        more when they need more to stand beside each other (they turn narrow
        again only below this less the hysteresis, and never below their need)."""
        need = self._controls_width() + self.body.spacing() + self.story.minimumSizeHint().width()
        return max(WIDE, need + self._margins().width() + self.switch.margin)

    def _controls_width(self) -> int:
        """The controls' width with their boxes in full rows (three inputs to a
        row): they fold into fewer columns only in a narrow, stacked dock."""
        full = max(g.widest() - g.minimumSizeHint().width() for g in (self.inputs_widget, self.targets_widget))
        return self.controls.minimumSizeHint().width() + max(full, 0)

    def _arrange(self, wide: bool) -> None:
        self.body.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self.controls.setMaximumWidth(max(440, self._controls_width()) if wide else 16777215)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """As narrow as the stacked arrangement in both arrangements, so a
        switch never changes the width the dock's scroll area gives the panel
        (the height is the arrangement's own: a scroll bar that comes or goes
        changes the width by less than the switch's hysteresis)."""
        c, t = self.controls.minimumSizeHint(), self.story.minimumSizeHint()
        wide = self.body.direction() == QBoxLayout.Direction.LeftToRight
        height = max(c.height(), t.height()) if wide else c.height() + self.body.spacing() + t.height()
        return QSize(max(c.width(), t.width()), height) + self._margins()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """The same in both arrangements."""
        c, t = self.controls.sizeHint(), self.story.sizeHint()
        return QSize(max(c.width(), t.width()), max(c.height(), t.height())) + self._margins()

    # -- visibility: only a visible panel draws on the canvas ------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._enter()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self._leave()

    def set_in_view(self, visible: bool) -> None:
        """The dock's tab came to the front (or went behind another tab, which
        hides nothing: Qt only moves the dock out of sight, so no hideEvent).
        Connected to the dock's ``visibilityChanged``."""
        if not visible:
            self._leave()
        elif self.isVisible():
            self._enter()

    def _enter(self) -> None:
        """In view: the numbers come onto the canvas (once, however often asked)."""
        if not self.active:
            self.active = True
            if self._samples_stale:
                self._samples_stale = False
                self._reload_samples()
                self._choose_default_sample()
            self.rebuild()  # draws the current frame (and catches up if stale)

    def _leave(self) -> None:
        """Out of view: the numbers leave the canvas."""
        self.active = False
        self.stop()
        self.overlay.clear()

    # -- inputs --------------------------------------------------------------------------
    def _design_reset(self) -> None:
        self.stop()
        self.index = 0
        self.result_box.hide()
        if not self.active and len(self.document.design.connections) > BIG_DESIGN:
            # Hidden: reading the samples means loading the data and compiling
            # a large network; that waits until the panel is shown.
            self._samples_stale = True
            self.samples = None
            with QSignalBlocker(self.sample_box):
                self.sample_box.clear()
                self.sample_box.addItem(OWN_INPUTS)
            self._sync_fields()
            self.rebuild()
            return
        self._samples_stale = False
        self._reload_samples()
        self._sync_fields()
        self._choose_default_sample()
        self.rebuild()

    def _reload_samples(self) -> None:
        path = self.document.path
        self.samples, _ = load_samples(self.document.design, path.parent if path else None)
        with QSignalBlocker(self.sample_box):
            self.sample_box.clear()
            self.sample_box.addItem(OWN_INPUTS)
            if self.samples is not None:
                for i in range(len(self.samples.x)):
                    self.sample_box.addItem(self.samples.describe(i))

    def _choose_default_sample(self) -> None:
        if self.samples is not None and len(self.samples.x):
            self.choose_sample(0)
        else:
            self.sample = None
            with QSignalBlocker(self.sample_box):
                self.sample_box.setCurrentIndex(0)

    def _sync_fields(self) -> None:
        """One input box per input neuron and one target box per output neuron."""
        d = self.document.design
        ins = [n.id for layer in d.layers_of_kind(LayerKind.INPUT) for n in d.neurons_of(layer.id)]
        outs = [n.id for layer in d.layers_of_kind(LayerKind.OUTPUT) for n in d.neurons_of(layer.id)]
        names = self.document.index.neuron_name
        names_in = [names(i) for i in ins]
        names_out = [names(i) for i in outs]
        if ins != self._input_ids or names_in != [s.property("name") for s in self.input_spins]:
            old = [s.value() for s in self.input_spins]
            self.input_spins = []
            pairs = []
            for k, name in enumerate(names_in):
                spin = _spin()
                spin.setProperty("name", name)
                spin.setObjectName(f"input_spin_{k}")
                if k < len(old):
                    spin.setValue(old[k])
                spin.valueChanged.connect(self._inputs_edited)
                pairs.append((QLabel(name.strip("“”")), spin))
                self.input_spins.append(spin)
            self.inputs_widget.set_pairs(pairs)
            self._input_ids = ins
        if outs != self._output_ids:
            old = [s.value() for s in self.target_spins]
            self.target_spins = []
            pairs = []
            for k, name in enumerate(names_out):
                spin = _spin()
                spin.setObjectName(f"target_spin_{k}")
                spin.setToolTip(f"What {name} should output for these inputs")
                if k < len(old):
                    spin.setValue(old[k])
                spin.valueChanged.connect(self._inputs_edited)
                pairs.append((QLabel(name.strip("“”")) if len(names_out) > 1 else None, spin))
                self.target_spins.append(spin)
            self.targets_widget.set_pairs(pairs, most=len(pairs))  # in one row when it holds them
            self._output_ids = outs
        self.switch.timer.start()  # the fields' room may call for the other arrangement

    def choose_sample(self, i: int | None) -> None:
        """Show training sample ``i`` (None: the typed inputs)."""
        with QSignalBlocker(self.sample_box):
            self.sample_box.setCurrentIndex(0 if i is None else i + 1)
        self._sample_chosen(0 if i is None else i + 1)

    def set_inputs(self, values, target=None) -> None:
        """Type inputs (and optionally the wanted output) as the learner would."""
        self.sample = None
        with QSignalBlocker(self.sample_box):
            self.sample_box.setCurrentIndex(0)
        for spin, v in zip(self.input_spins, values):
            with QSignalBlocker(spin):
                spin.setValue(float(v))
        if target is not None:
            for spin, v in zip(self.target_spins, target):
                with QSignalBlocker(spin):
                    spin.setValue(float(v))
        with QSignalBlocker(self.want_check):
            self.want_check.setChecked(target is not None)
        for spin in self.target_spins:
            spin.setEnabled(target is not None)
        self.result_box.hide()
        self.rebuild()

    def apply_step(self, step) -> None:
        """A lesson step's presets: typed ``inputs`` (and ``target``) or a ``sample``."""
        if step.inputs is not None:
            self.index = 0
            self.set_inputs(step.inputs, step.target)
        elif step.sample is not None:
            self.index = 0
            if self.samples is not None and step.sample < len(self.samples.x):
                self.choose_sample(step.sample)

    def _sample_chosen(self, row: int) -> None:
        if row <= 0 or self.samples is None or row - 1 >= len(self.samples.x):
            self.sample = None
        else:
            self.sample = row - 1
            for spin, v in zip(self.input_spins, self.samples.x[self.sample]):
                with QSignalBlocker(spin):
                    spin.setValue(float(v))
            for spin, v in zip(self.target_spins, self.samples.y[self.sample]):
                with QSignalBlocker(spin):
                    spin.setValue(float(v))
            with QSignalBlocker(self.want_check):
                self.want_check.setChecked(True)
            for spin in self.target_spins:
                spin.setEnabled(True)
        self.result_box.hide()
        self.rebuild()

    def _inputs_edited(self, *_) -> None:
        if self.sample is not None:
            # Typing a value makes these "your own inputs".
            x = [s.value() for s in self.input_spins]
            y = [s.value() for s in self.target_spins]
            same = self.samples is not None and list(self.samples.x[self.sample]) == x and list(
                self.samples.y[self.sample]
            ) == y
            if not same:
                self.sample = None
                with QSignalBlocker(self.sample_box):
                    self.sample_box.setCurrentIndex(0)
        for spin in self.target_spins:
            spin.setEnabled(self.want_check.isChecked())
        self.result_box.hide()
        self.rebuild()

    def inputs(self) -> list[float]:
        return [s.value() for s in self.input_spins]

    def target(self) -> list[float] | None:
        if not self.want_check.isChecked() or not self.target_spins:
            return None
        return [s.value() for s in self.target_spins]

    # -- the walk ------------------------------------------------------------------------
    def _design_changed(self) -> None:
        self._sync_fields()
        if not self._applying:
            self.result_box.hide()
        self.rebuild()

    def rebuild(self) -> None:
        """Ask the engine again (after any change) and stay on the same step.
        A hidden panel keeps its numbers fresh for the other tools but draws
        nothing and reports nothing."""
        self._reported = set()
        design = self.document.design
        if not self.active and len(design.connections) > BIG_DESIGN:
            self._stale = True  # worked out when the panel is shown
            return
        self._stale = False
        try:
            if any(layer.type in RECURRENT_TYPES for layer in design.layers):
                raise RunsOverTime()
            if any(layer.type != "dense" for layer in design.layers):
                raise DesignError("this panel steps through layers of neurons; for a convolution use "
                                  "Learn ▸ Step Through a Convolution")
            if not self.input_spins:
                raise DesignError("the design has no input neurons yet")
            raw = self.samples.raw(self.sample) if self.samples is not None and self.sample is not None else None
            self.walk = build_walkthrough(design, self.inputs(), self.target(), raw=raw)
        except (DesignError, ValueError) as e:
            self.walk = None
            text = f"The network cannot be computed as it is: {escape(str(e))}."
            if isinstance(e, RunsOverTime):
                text += ' <a href="time_steps">Step through time</a>'
            elif "Step Through a Convolution" in str(e):
                text += ' <a href="conv_step">Step through a convolution</a>'
            set_box(self.problem_box, text)
            self.overlay.clear()
            self.text.clear()
            self.phase_label.clear()
            self.hub.set_trace(None, None)
            self._enable()
            return
        set_box(self.problem_box, "")
        self.index = max(0, min(self.index, len(self.walk.frames) - 1))
        self._show()

    def go(self, index: int) -> None:
        if self.walk is None:
            return
        self.index = max(0, min(index, len(self.walk.frames) - 1))
        self._show()

    def next(self) -> None:
        self.go(self.index + 1)

    def back(self) -> None:
        self.go(self.index - 1)

    def at_end(self) -> bool:
        return self.walk is None or self.index >= len(self.walk.frames) - 1

    def toggle_play(self) -> None:
        if self.timer.isActive():
            self.stop()
            return
        if self.at_end():
            self.go(0)
        self.timer.start()
        self.play_button.setText("⏸ Pause")

    def stop(self) -> None:
        self.timer.stop()
        self.play_button.setText("▶ Play")

    def _tick(self) -> None:
        if self.at_end():
            self.stop()
            return
        self.next()
        if self.at_end():
            self.stop()

    def _speed_changed(self) -> None:
        self.timer.setInterval(int(2200 / self.speed.value()))

    def _enable(self) -> None:
        ok = self.walk is not None
        self.start_button.setEnabled(ok and self.index > 0)
        self.back_button.setEnabled(ok and self.index > 0)
        self.next_button.setEnabled(ok and not self.at_end())
        self.play_button.setEnabled(ok)
        self.apply_button.setEnabled(ok and self.walk.has_backward)

    def _show(self) -> None:
        walk, i = self.walk, self.index
        frame = walk.frames[i]
        self.hub.set_trace(walk.trace, frame.neuron if frame.neuron is not None else self._last_neuron())
        if not self.active:
            return
        self.overlay.show(walk.design, frame, backward=frame.phase == BACKWARD_PHASE)
        phase, k, n = walk.phase_index(i)
        colour = PHASE_COLOURS[phase]
        self.phase_label.setText(
            f"<span style='color:{colour}; font-weight:bold'>{PHASE_NAMES[phase]}</span> · step {k} of {n}"
            + ("" if walk.has_backward else " · <i>tick “Wanted output” to go backwards too</i>")
        )
        self.text.setHtml(self._html())
        if self.index > 0:
            self.text.scrollToAnchor("current")  # (the first step keeps the how-to above it in view)
        self._enable()
        self._report()

    def _last_neuron(self) -> int | None:
        """The neuron most recently in focus up to this frame."""
        for frame in reversed(self.walk.frames[: self.index + 1]):
            if frame.neuron is not None:
                return frame.neuron
        computed = [s.id for s in self.walk.trace.neurons if s.z is not None]
        return computed[-1] if computed else None

    def _html(self) -> str:
        walk = self.walk
        parts = [f"<p style='color:#616161'>{self.intro}</p>"] if self.index == 0 else []
        last_phase = None
        for k, frame in enumerate(walk.frames[: self.index + 1]):
            phase = FORWARD if frame.phase == INPUTS else frame.phase
            if phase != last_phase:
                colour = PHASE_COLOURS[phase]
                parts.append(f"<p style='margin-top:8px; color:{colour}'><b>{PHASE_NAMES[phase]}</b></p>")
                last_phase = phase
            current = k == self.index
            style = "" if current else "color:#757575;"
            anchor = "<a name='current'></a>" if current else ""
            title = f"<b>{escape(frame.title)}</b>" if current else escape(frame.title)
            lines = "".join(f"<li>{escape(line)}</li>" for line in frame.lines)
            parts.append(f"<div style='{style}'>{anchor}{title}<ul style='margin-top:2px'>{lines}</ul></div>")
        return "".join(parts)

    def _report(self) -> None:
        """Tell the lessons what the learner has seen (once per walk)."""
        walk = self.walk
        frame = walk.frames[self.index]
        trace = walk.trace
        common = {"inputs": list(trace.inputs), "sample": self.sample}
        if frame.phase == FORWARD and frame.neuron is not None:
            key = f"f{frame.neuron}"
            if key not in self._reported:
                self._reported.add(key)
                n = walk.design.neuron(frame.neuron)
                self.hub.record("forward_step", neuron=frame.neuron, label=n.label, **common)
        last_forward = walk.last_of(FORWARD)
        if last_forward is not None and self.index >= last_forward and "forward" not in self._reported:
            self._reported.add("forward")
            self.hub.record("forward_done", outputs=list(trace.outputs), **common)
        last_back = walk.last_of(BACKWARD_PHASE)
        if last_back is not None and self.index >= last_back and "backward" not in self._reported:
            self._reported.add("backward")
            self.hub.record("backward_done", target=list(trace.target), loss=trace.loss, **common)

    # -- the update ----------------------------------------------------------------------
    def apply_update(self) -> None:
        walk = self.walk
        if walk is None or not walk.has_backward:
            return
        before = float(walk.trace.loss)
        weights, biases = walk.new_numbers()
        self._applying = True
        try:
            self.document.set_numbers(weights, biases, "Apply the update for one sample")
        except EditError as e:
            set_box(self.result_box, f"The update was not applied: {escape(str(e))}", "bad")
            return
        finally:
            self._applying = False
        self.go(walk.first_of(LOSS) or 0)
        after = float(self.walk.trace.loss) if self.walk is not None else float("nan")
        lower = after < before
        word = "lower" if lower else ("the same" if after == before else "higher")
        set_box(
            self.result_box,
            f"The loss for this sample went from <b>{fmt(before)}</b> to <b>{fmt(after)}</b>: {word}. "
            + (
                "One small step downhill. Press Next ▶ to go backwards again, or apply again."
                if lower
                else "The step was too big and jumped past the low point: try a smaller learning rate."
            )
            + " Undo (Ctrl+Z) takes the update back.",
            "good" if lower else "warn",
        )
        self.hub.record(
            "update_applied",
            loss_before=before,
            loss_after=after,
            improved=bool(after < before),
            learning_rate=float(walk.design.training.learning_rate),
            sample=self.sample,
        )
