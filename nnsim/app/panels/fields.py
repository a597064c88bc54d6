"""Small editing widgets the inspector is built from.

``NumberField`` is a spin box for a float that shows a readable number (four
significant digits) until it has the focus, and then the exact one: the
shortest text that reads back as the same float (``0.123456789``, not
``0.12``). Focus leaving the field shows the readable number again; a field
the user did not change never writes its rounded text back. It accepts
scientific notation, steps in decimal arithmetic (0.1 + 0.1 + 0.1 shows as
0.3), and can show that several selected items differ ("mixed", empty): a
number typed then is one edit for all of them.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDoubleSpinBox, QWidget

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


def readable_number(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits: 3.392, 0.0001235, 1.235e5."""
    if value == 0 or not math.isfinite(value):
        return format_number(value) if value else "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def parse_number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class NumberField(QDoubleSpinBox):
    """A spin box for a float that never rounds what the user typed, and
    never writes back what it rounded for showing."""

    # A number the user committed (typed, stepped, or typed into a "mixed" field).
    edited = Signal(float)

    def __init__(self, parent: QWidget | None = None, minimum: float = -1e9, maximum: float = 1e9,
                 step: float = 0.1):
        super().__init__(parent)
        self._exact = False  # has the focus: the exact number
        self._mixed = False  # the selected items differ: no number at all
        self._typed: str | None = None  # typed over "mixed", not yet committed
        # Qt rounds every value to `decimals` places; this many keeps every double as it is.
        self.setDecimals(323)
        self.setRange(minimum, maximum)
        self.setSingleStep(step)
        self.setKeyboardTracking(True)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.valueChanged.connect(self._value_changed)
        self.editingFinished.connect(self._editing_finished)
        self.lineEdit().textEdited.connect(self._text_edited)

    # -- text ------------------------------------------------------------------------------
    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        if self._mixed:
            return ""
        return format_number(value) if self._exact else readable_number(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        if text.strip() == readable_number(self.value()) and not self._exact:
            return self.value()  # the rounded text shown is not a new number
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
        return self.textFromValue(self.value())

    def _redisplay(self) -> None:
        with QSignalBlocker(self):
            self.setValue(self.value())  # the same value: Qt rewrites the text, emits nothing

    # -- focus: exact while editing, readable otherwise ----------------------------------------
    def focusInEvent(self, event) -> None:  # noqa: N802
        if not self._exact:
            self._exact = True
            self._redisplay()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)  # commits a pending typed number first
        if self._exact:
            self._exact = False
            self._redisplay()

    # -- stepping ---------------------------------------------------------------------------
    def stepEnabled(self):  # noqa: N802
        if self._mixed:
            return QAbstractSpinBox.StepEnabledFlag.StepNone
        return super().stepEnabled()

    def stepBy(self, steps: int) -> None:  # noqa: N802
        if self._mixed:
            return
        try:
            value = float(Decimal(format_number(self.value())) + Decimal(format_number(self.singleStep())) * steps)
        except InvalidOperation:
            value = self.value() + self.singleStep() * steps
        self.setValue(min(self.maximum(), max(self.minimum(), value)))
        self.selectAll()

    # -- what the user committed -------------------------------------------------------------
    def _text_edited(self, text: str) -> None:
        if self._mixed or self._typed is not None:
            self._mixed = False
            self._typed = text

    def _value_changed(self, value: float) -> None:
        self._typed = None
        self.edited.emit(value)

    def _editing_finished(self) -> None:
        """A number typed over "mixed" that equals the hidden value changes no
        value, yet it is the user's choice for every item; typing nothing
        leaves the field "mixed"."""
        if self._typed is None:
            return
        value = parse_number(self._typed)
        self._typed = None
        if value is not None and self.minimum() <= value <= self.maximum():
            self.edited.emit(value)
        else:
            self._mixed = True
            self._redisplay()

    # -- what the design says ----------------------------------------------------------------
    def show_value(self, value: float) -> None:
        """Show the design's value without emitting (and without disturbing
        the text while the user types the same number)."""
        if not self._mixed and self._typed is None and self.value() == value and self.lineEdit().text().strip():
            return
        self._mixed = False
        self._typed = None
        with QSignalBlocker(self):
            self.setValue(value)  # rewrites the text even when the value is the same

    def show_mixed(self, placeholder: str = "mixed") -> None:
        """The selected items differ: an empty field saying so."""
        if self._typed is not None:
            return  # the user is typing over it
        self._mixed = True
        self.lineEdit().setPlaceholderText(placeholder)
        self._redisplay()

    @property
    def mixed(self) -> bool:
        return self._mixed


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
