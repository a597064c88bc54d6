"""Small editing widgets the inspector is built from.

``NumberField`` is a spin box that keeps the number exactly as typed: it shows
the shortest text that reads back as the same float (``0.123456789``, not
``0.12``), accepts scientific notation, and steps in decimal arithmetic so
that 0.1 + 0.1 + 0.1 shows as 0.3.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QWidget

from nnsim.design.model import Activation
from nnsim.explain import ACTIVATION_NAMES

# What a number may look like part way through typing it.
_PARTIAL = re.compile(r"[+-]?\d*[.,]?\d*(?:[eE][+-]?\d*)?")


def format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value``."""
    if value == 0:
        return "0"
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def parse_number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class NumberField(QDoubleSpinBox):
    """A spin box for a float that never rounds what the user typed."""

    def __init__(self, parent: QWidget | None = None, minimum: float = -1e9, maximum: float = 1e9,
                 step: float = 0.1):
        super().__init__(parent)
        # Qt rounds every value to `decimals` places; this many keeps every double as it is.
        self.setDecimals(323)
        self.setRange(minimum, maximum)
        self.setSingleStep(step)
        self.setKeyboardTracking(True)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return format_number(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        value = parse_number(text)
        return self.value() if value is None else value

    def validate(self, text: str, pos: int):
        value = parse_number(text)
        if value is not None and self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable
        if _PARTIAL.fullmatch(text.strip()) or (value is not None):
            return QValidator.State.Intermediate
        return QValidator.State.Invalid

    def fixup(self, text: str) -> str:
        return format_number(self.value())

    def stepBy(self, steps: int) -> None:  # noqa: N802
        try:
            value = float(Decimal(format_number(self.value())) + Decimal(format_number(self.singleStep())) * steps)
        except InvalidOperation:
            value = self.value() + self.singleStep() * steps
        self.setValue(min(self.maximum(), max(self.minimum(), value)))
        self.selectAll()

    def show_value(self, value: float) -> None:
        """Show the design's value without emitting (and without disturbing
        the text while the user types the same number)."""
        if self.value() == value and self.lineEdit().text().strip():
            return
        with QSignalBlocker(self):
            self.setValue(value)


class ActivationBox(QComboBox):
    """The activation functions; optionally a first entry for "the layer's"."""

    def __init__(self, with_default: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.with_default = with_default
        if with_default:
            self.addItem("layer default", "")
        for act, name in ACTIVATION_NAMES.items():
            self.addItem(name, act.value)

    def set_default_name(self, activation: Activation) -> None:
        if self.with_default:
            self.setItemText(0, f"layer default ({ACTIVATION_NAMES[Activation(activation)]})")

    def show_activation(self, activation: Activation | None) -> None:
        index = self.findData(Activation(activation).value if activation is not None else "")
        with QSignalBlocker(self):
            self.setCurrentIndex(index)

    def show_mixed(self) -> None:
        with QSignalBlocker(self):
            self.setCurrentIndex(-1)

    def activation(self) -> Activation | None:
        data = self.currentData()
        return Activation(data) if data else None
