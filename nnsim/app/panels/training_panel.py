"""The training panel: play/pause/step/reset/restart, the speed control, the
epoch counter and steps per second, the data set, and every training setting.

Settings go through the Document (undoable) and the trainer reads them live,
so a change takes effect at once, also while training. The widgets follow
the Document back (undo, opening a file).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.field_grid import FieldGrid
from nnsim.app.panels.speed import SpeedControl
from nnsim.app.panels.training_data import DataChooser
from nnsim.app.responsive import StatusLine, hold_width
from nnsim.app.training.actions import TrainingActions
from nnsim.app.training.controller import TrainingController
from nnsim.design.model import LearningRule, Loss, Optimizer, Regularization
from nnsim.design.settings import MAX_BPTT

# TensorFlow Playground's choices (any other value can be typed in).
LEARNING_RATES = ["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
REG_RATES = ["0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
MAX_EPOCHS = 1_000_000_000

OPTIMIZERS = [(Optimizer.SGD, "Gradient descent"), (Optimizer.MOMENTUM, "Momentum"), (Optimizer.ADAM, "Adam"),
              (Optimizer.ADAGRAD, "Adagrad")]
LOSSES = [
    (Loss.MSE, "Mean squared error"),
    (Loss.BINARY_CROSS_ENTROPY, "Binary cross-entropy (sigmoid outputs)"),
    (Loss.SOFTMAX_CROSS_ENTROPY, "Softmax cross-entropy (softmax outputs)"),
]
REGULARIZATIONS = [(Regularization.NONE, "None"), (Regularization.L1, "L1"), (Regularization.L2, "L2")]
RULES = [(LearningRule.BACKPROP, "Backpropagation"), (LearningRule.PERCEPTRON, "Perceptron rule")]

MESSAGE_STYLES = {
    "error": "background: #fde2e1; color: #7a1c16; border: 1px solid #e8a39e;",
    "warning": "background: #fff4d6; color: #6b4f00; border: 1px solid #e6cf8a;",
    "info": "background: #e3f0fb; color: #123f63; border: 1px solid #a8cbe8;",
}


def _scrolling(widget: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


def _number(text: str) -> float | None:
    try:
        v = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _fmt(v: float) -> str:
    return f"{v:g}"


class RateBox(QComboBox):
    """An editable list of rates; a typed value is taken on Enter/focus out."""

    def __init__(self, values: list[str], minimum: float, on_value, parent=None):
        super().__init__(parent)
        self.setEditable(True)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.addItems(values)
        self.minimum = minimum
        self.on_value = on_value
        self.lineEdit().setValidator(QDoubleValidator(0.0, 1e6, 8, self))
        self.activated.connect(lambda _i: self._take())
        self.lineEdit().editingFinished.connect(self._take)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._shown: float | None = None

    def show_value(self, v: float) -> None:
        self._shown = v
        self.blockSignals(True)
        self.setEditText(_fmt(v))
        self.blockSignals(False)

    def _take(self) -> None:
        v = _number(self.currentText())
        if v is None or v < self.minimum:
            if self._shown is not None:
                self.show_value(self._shown)
            return
        if v != self._shown:
            self._shown = v
            self.on_value(v)


class TrainingPanel(QWidget):
    def __init__(self, controller: TrainingController, actions: TrainingActions | None = None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.document = controller.document
        self.actions = actions or TrainingActions(controller, self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)

        # Transport, always visible: one row, or two where text too large for a
        # column of the usual width (320 px at most) would widen it.
        self.button_grid = FieldGrid(5, fill=True, whole_up_to=320)
        self.buttons = {}
        for name, action in (
            ("play", self.actions.play),
            ("step_batch", self.actions.step_batch),
            ("step_epoch", self.actions.step_epoch),
            ("reset", self.actions.reset),
            ("restart", self.actions.restart),
        ):
            b = QToolButton()
            b.setDefaultAction(action)
            b.setObjectName(f"button_{name}")
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            # Equal shares of the row, each at least as wide as its widest label
            # (Play or Pause): starting or stopping moves no button.
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            hold_width(b, ["Play", "Pause"] if name == "play" else [action.iconText()])
            self.buttons[name] = b
        self.button_grid.set_pairs([(None, b) for b in self.buttons.values()])
        outer.addWidget(self.button_grid)
        self.play_button = self.buttons["play"]
        self.speed = SpeedControl(controller)
        outer.addWidget(self.speed)

        # Epoch (large), then step and speed, then the loss: fixed room for
        # each, shortened with … in a narrow dock, so that nothing below moves
        # as the numbers change, or when training starts or stops.
        self.epoch_label = StatusLine(1, "epoch_label")
        big = QFont(self.epoch_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.35)
        big.setBold(True)
        self.epoch_label.setFont(big)
        outer.addWidget(self.epoch_label)
        self.speed_label = StatusLine(1, "speed_label")
        self.speed_label.setStyleSheet("color: palette(placeholder-text);")
        outer.addWidget(self.speed_label)
        self.loss_label = StatusLine(2, "loss_label")
        outer.addWidget(self.loss_label)

        # Messages (a problem, why training stopped) come under the tabs: the
        # room they take comes from the tabs' bottom, so no control moves.
        self.banner = QLabel()
        self.banner.setObjectName("training_message")
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()

        # Two tabs (data, settings) that scroll when the dock is short.
        self.tabs = QTabWidget()
        self.tabs.setObjectName("training_tabs")
        self.data = DataChooser(self.document)
        self.data.message.connect(lambda text: self._show_message(text, "error"))
        data_page = QWidget()
        dl = QVBoxLayout(data_page)
        dl.setContentsMargins(6, 6, 6, 6)
        dl.addWidget(self.data)
        dl.addStretch(1)
        self.tabs.addTab(_scrolling(data_page), "Data")

        box = QWidget()
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.learning_rate = RateBox(LEARNING_RATES, 1e-12, lambda v: self._set(learning_rate=v))
        self.learning_rate.setObjectName("learning_rate")
        self.learning_rate.setToolTip("How big a step each update takes along the gradient")
        form.addRow("Learning rate", self.learning_rate)
        self.batch_size = QSpinBox()
        self.batch_size.setObjectName("batch_size")
        self.batch_size.setRange(1, 100_000)
        self.batch_size.setToolTip("How many samples each step averages its gradient over")
        self.batch_size.valueChanged.connect(lambda v: self._set(batch_size=int(v)))
        form.addRow("Batch size", self.batch_size)
        self.optimizer = self._combo("optimizer", OPTIMIZERS, "How the gradient becomes a weight change")
        form.addRow("Optimizer", self.optimizer)
        self.loss = self._combo("loss", LOSSES, "What the network is scored by")
        form.addRow("Loss", self.loss)
        self.regularization = self._combo("regularization", REGULARIZATIONS,
                                          "A penalty on large weights: L1 pushes weights to exactly 0, L2 keeps them small")
        self.reg_rate = RateBox(REG_RATES, 0.0, lambda v: self._set(regularization_rate=v))
        self.reg_rate.setObjectName("regularization_rate")
        self.reg_rate.setToolTip("How strongly the penalty counts")
        form.addRow("Regularisation", self.regularization)
        form.addRow("Penalty rate", self.reg_rate)
        self.rule = self._combo("rule", RULES, "Backpropagation trains any network; the perceptron rule one layer of step neurons")
        form.addRow("Learning rule", self.rule)
        # Sequences only: how far back through time a step goes, and clipping.
        self.bptt = QSpinBox()
        self.bptt.setObjectName("bptt_steps")
        self.bptt.setRange(0, MAX_BPTT)
        self.bptt.setSpecialValueText("whole sequence")
        self.bptt.setSuffix(" steps")
        self.bptt.setToolTip("Backpropagation through time cut into chunks of this many steps (the state carried "
                             "from chunk to chunk); 0: each sequence whole")
        self.bptt.valueChanged.connect(lambda v: self._set(bptt_steps=int(v)))
        form.addRow("Through time", self.bptt)
        self.clip = QDoubleSpinBox()
        self.clip.setObjectName("gradient_clip")
        self.clip.setRange(0.0, 1e6)
        self.clip.setDecimals(2)
        self.clip.setSpecialValueText("off")
        self.clip.setToolTip("Clip every gradient entry to ± this (exploding gradients); 0: off")
        self.clip.valueChanged.connect(lambda v: self._set(gradient_clip=float(v)))
        form.addRow("Clip gradients", self.clip)
        self._settings_form = form
        # The epoch budget: off, Play trains until paused. The number stays
        # in the design either way (it is also `nnsim train`'s default).
        budget_row = QHBoxLayout()
        self.use_budget = QCheckBox("Stop after")
        self.use_budget.setObjectName("use_budget")
        self.use_budget.setToolTip("Pause Play after this many epochs; unticked, training runs until you pause it")
        self.epochs = QSpinBox()
        self.epochs.setObjectName("epochs")
        self.epochs.setRange(1, MAX_EPOCHS)
        self.epochs.setGroupSeparatorShown(True)
        # Sized for the number it holds, not for the largest it could: the row
        # must fit a narrow dock without a horizontal scroll bar.
        self.epochs.setMinimumWidth(self.epochs.fontMetrics().horizontalAdvance("100,000") + 28)
        self.epochs.setToolTip("The epoch budget (an epoch: every training sample once); "
                               "also what `nnsim train` trains by default")
        self.epochs.valueChanged.connect(lambda v: self._set(epochs=int(v)))
        self.use_budget.toggled.connect(lambda on: self._set(stop_after_epochs=bool(on)))
        budget_row.addWidget(self.use_budget)
        budget_row.addWidget(self.epochs, 1)
        budget_row.addWidget(QLabel("epochs"))
        form.addRow(budget_row)
        target_row = QHBoxLayout()
        self.use_target = QCheckBox("Stop at loss")
        self.use_target.setObjectName("use_target")
        self.use_target.setToolTip("Pause as soon as the training loss is at or below this value")
        self.target = QDoubleSpinBox()
        self.target.setObjectName("target_loss")
        self.target.setDecimals(5)
        self.target.setRange(0.00001, 1e6)
        self.target.setSingleStep(0.001)
        self.use_target.toggled.connect(self._target_changed)
        self.target.valueChanged.connect(self._target_changed)
        target_row.addWidget(self.use_target)
        target_row.addWidget(self.target, 1)
        form.addRow(target_row)
        self.tabs.addTab(_scrolling(box), "Settings")
        outer.addWidget(self.tabs, 1)
        outer.addWidget(self.banner)

        self.document.settings_changed.connect(self.refresh_settings)
        self.document.reset.connect(self.refresh_settings)
        controller.state_changed.connect(self.refresh_state)
        controller.updated.connect(self.refresh_counters)
        controller.session_changed.connect(self.refresh_counters)
        self.refresh_settings()
        self.refresh_state()

    def _combo(self, name, items, tip) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        # Long choices elide in a narrow dock (the list shows them whole).
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        for value, text in items:
            combo.addItem(text, value)
        combo.activated.connect(lambda i, c=combo, n=name: self._set(**{n: c.itemData(i)}))
        return combo

    # -- widgets -> document -----------------------------------------------------------
    def _set(self, **values) -> None:
        training = self.document.design.training
        changed = {k: v for k, v in values.items() if getattr(training, k) != v}
        if changed:
            self.document.set_training(**changed)

    def _target_changed(self, *_):
        self.target.setEnabled(self.use_target.isChecked())
        self._set(target_loss=float(self.target.value()) if self.use_target.isChecked() else None)

    # -- document -> widgets -------------------------------------------------------------
    def refresh_settings(self) -> None:
        t = self.document.design.training
        self.learning_rate.show_value(float(t.learning_rate))
        self.reg_rate.show_value(float(t.regularization_rate))
        sequences = str(self.document.design.dataset.source) == "sequence"
        for w in (self.bptt, self.clip):
            self._settings_form.setRowVisible(w, sequences)
        for widget, value in (
            (self.batch_size, int(t.batch_size)),
            (self.epochs, int(min(t.epochs, MAX_EPOCHS))),
            (self.bptt, int(t.bptt_steps)),
            (self.clip, float(t.gradient_clip)),
        ):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        for combo, value in (
            (self.optimizer, Optimizer(t.optimizer)),
            (self.loss, Loss(t.loss)),
            (self.regularization, Regularization(t.regularization)),
            (self.rule, LearningRule(t.rule)),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.reg_rate.setEnabled(Regularization(t.regularization) != Regularization.NONE)
        backprop = LearningRule(t.rule) == LearningRule.BACKPROP
        for w in (self.batch_size, self.optimizer, self.loss, self.regularization):
            w.setEnabled(backprop)
        self.use_budget.blockSignals(True)
        self.use_budget.setChecked(bool(t.stop_after_epochs))
        self.use_budget.blockSignals(False)
        self.epochs.setEnabled(bool(t.stop_after_epochs))
        for w in (self.use_target, self.target):
            w.blockSignals(True)
        self.use_target.setChecked(t.target_loss is not None)
        if t.target_loss is not None:
            self.target.setValue(float(t.target_loss))
        self.target.setEnabled(t.target_loss is not None)
        for w in (self.use_target, self.target):
            w.blockSignals(False)

    def refresh_state(self) -> None:
        c = self.controller
        if c.message:
            self._show_message(c.message, c.message_kind or "info")
        else:
            self.banner.hide()
        self.refresh_counters()

    def _show_message(self, text: str, kind: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"QLabel {{ {MESSAGE_STYLES.get(kind, MESSAGE_STYLES['info'])} "
                                  "border-radius: 4px; padding: 6px; }")
        self.banner.show()

    def refresh_counters(self) -> None:
        c = self.controller
        self.epoch_label.set_lines(f"Epoch {c.epoch:,}")
        if c.playing:
            self.speed_label.set_lines(f"step {c.step:,} · {c.steps_per_second:,.0f} steps/s")
        else:
            self.speed_label.set_lines(f"step {c.step:,} · paused")
        # While paused, the network as it is now (after an edit, say), not
        # the last epoch measured; while playing, the newest epoch.
        latest = c.latest
        now = None if c.playing or latest is None or latest.session_id != c.session_id else latest.now
        hist = c.history
        if hist:
            r = now if now is not None else hist[-1]
            loss = f"loss: train {r.train_loss:.4f}"
            if r.test_loss is not None and math.isfinite(r.test_loss):
                loss += f" · test {r.test_loss:.4f}"
            accuracy = ""
            if r.test_accuracy is not None:
                accuracy = f"test accuracy {r.test_accuracy:.0%}"
            elif r.train_accuracy is not None:
                accuracy = f"accuracy {r.train_accuracy:.0%}"
            self.loss_label.set_lines(loss, accuracy)
        else:
            self.loss_label.set_lines("Not trained yet: press Play" if c.can_train else "")
