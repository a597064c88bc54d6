"""The speed control: a slider with named stops, from one training step a
frame to as fast as possible (see ``nnsim.app.training.pace``).

A click anywhere on the slider's groove goes to that stop; Tab reaches it and
the arrow keys, Page Up/Down, Home and End move it. The Train menu's Speed
entries do the same (``SpeedMenu``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QProxyStyle, QSizePolicy, QSlider, QStyle, QWidget

from nnsim.app.training.controller import TrainingController
from nnsim.app.training.pace import PACES, pace_index


class _ClickToStop(QProxyStyle):
    """A left click on the groove moves the handle there (rather than a page
    towards it), and it can be dragged on from there."""

    def styleHint(self, hint, option=None, widget=None, data=None):  # noqa: N802 - Qt's name
        if hint == QStyle.StyleHint.SH_Slider_AbsoluteSetButtons:
            return int(Qt.MouseButton.LeftButton.value)
        return super().styleHint(hint, option, widget, data)


class SpeedControl(QWidget):
    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Spee&d")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("speed")
        self._style = _ClickToStop()
        self._style.setParent(self.slider)
        self.slider.setStyle(self._style)
        self.slider.setRange(0, len(PACES) - 1)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.slider.setToolTip("How fast Play trains: from one step a frame, through one epoch a frame "
                               "(as TensorFlow Playground), to as fast as possible")
        self.slider.setAccessibleName("Training speed")
        caption.setBuddy(self.slider)
        self.name = QLabel()
        self.name.setObjectName("speed_name")
        self._hold_name_width()
        self.name.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        row.addWidget(caption)
        row.addWidget(self.slider, 1)
        row.addWidget(self.name)
        self.slider.valueChanged.connect(self._moved)
        controller.pace_changed.connect(self.refresh)
        self.refresh()

    def _hold_name_width(self) -> None:
        """Room for the longest name, so the row never moves as the speed changes."""
        metrics = self.name.fontMetrics()
        self.name.setMinimumWidth(max(metrics.horizontalAdvance(p.name) for p in PACES) + 4)
        self.slider.setMinimumWidth(2 * metrics.height())  # a slider to take hold of, also with large text

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # a larger text size: the names' room grows with it
            self._hold_name_width()

    def _moved(self, index: int) -> None:
        self.controller.set_pace(PACES[index].key)
        self.refresh()

    def refresh(self) -> None:
        pace = self.controller.pace
        self.slider.blockSignals(True)
        self.slider.setValue(pace_index(pace.key))
        self.slider.blockSignals(False)
        self.name.setText(pace.name)
        self.name.setToolTip(pace.tip)


class SpeedMenu(QObject):
    """The speeds as a menu of choices (Train → Speed), following the
    controller."""

    def __init__(self, controller: TrainingController, menu: QMenu):
        super().__init__(menu)
        self.controller = controller
        self.menu = menu
        self.group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for pace in PACES:
            action = QAction(pace.name, self)
            action.setObjectName(f"speed_{pace.key}")
            action.setCheckable(True)
            action.setStatusTip(pace.tip)
            action.triggered.connect(lambda _on=False, key=pace.key: controller.set_pace(key))
            self.group.addAction(action)
            menu.addAction(action)
            self.actions[pace.key] = action
        controller.pace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.actions[self.controller.pace.key].setChecked(True)
