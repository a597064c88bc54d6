"""One sample through the network: its inputs, every neuron's output (a
column per layer, coloured like the maps), the prediction and the truth."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from nnsim.app.flow import FlowLayout
from nnsim.app.training.colors import LUT
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.snapshot import SAMPLE
from nnsim.app.views.common import HeavyView
from nnsim.app.views.units import number

MAX_ROWS = 64  # neurons listed per layer


def _cell_color(v: float) -> QColor:
    t = 0.5 if not np.isfinite(v) else float(np.clip((v + 1) / 2, 0, 1))
    r, g, b, _a = LUT[int(t * (len(LUT) - 1))]
    return QColor(int(r), int(g), int(b))


class SampleView(HeavyView):
    PARTS = frozenset({SAMPLE})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._rng = np.random.default_rng()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        bar = FlowLayout()  # wraps in a narrow dock
        self.which = QComboBox()
        self.which.setObjectName("sample_set")
        self.which.addItem("Training sample", "train")
        self.which.addItem("Test sample", "test")
        self.index = QSpinBox()
        self.index.setObjectName("sample_index")
        self.index.setPrefix("#")
        self.random = QPushButton("Random")
        self.random.setToolTip("Pick another sample at random")
        bar.addWidget(self.which)
        bar.addWidget(self.index)
        bar.addWidget(self.random)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.summary = QLabel()
        self.summary.setObjectName("sample_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        note = QLabel("Each column is a layer; each cell a neuron's output for this sample "
                      "(orange negative, blue positive). Hover a cell for its weighted sum z.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        lay.addWidget(note)
        self.which.currentIndexChanged.connect(self._ask)
        self.index.valueChanged.connect(self._ask)
        self.random.clicked.connect(self._random)
        controller.sample_opened.connect(self._opened)
        self.follow(controller, self._session)

    @Slot(str, int)
    def _opened(self, which: str, index: int) -> None:
        """Another view opened this sample: the choosers show it."""
        self.which.blockSignals(True)
        self.which.setCurrentIndex(max(0, self.which.findData(which)))
        self.which.blockSignals(False)
        ds = self.controller.dataset
        if ds is not None:
            self._fit_index(ds)
        self.index.blockSignals(True)
        self.index.setValue(index + 1)  # shown counting from 1
        self.index.blockSignals(False)

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        ds = self.controller.dataset
        if ds is None:
            return
        self._fit_index(ds)
        self.refresh()

    def _ask(self, *_):
        ds = self.controller.dataset
        if ds is not None:
            self._fit_index(ds)
        self.controller.set_sample(self.which.currentData(), self.index.value() - 1)  # shown counting from 1

    def _fit_index(self, ds) -> None:
        """Let the index run over the chosen set's samples (quietly)."""
        n = len(ds.x_test) if self.which.currentData() == "test" else len(ds.x_train)
        self.index.blockSignals(True)
        self.index.setRange(1, max(1, n))
        self.index.setSuffix(f" of {n}")
        self.index.blockSignals(False)

    def _random(self) -> None:
        self.index.setValue(int(self._rng.integers(1, self.index.maximum() + 1)))

    @staticmethod
    def _input_text(names: list[str], s, i: int) -> str:
        """"sepal_length 5.1 (−0.9)": the file's value, and where standardised
        the value the network sees in brackets."""
        name = names[i] if i < len(names) else f"x{i + 1}"
        if s.raw_x is None:
            return f"{name} {s.x[i]:.3g}"
        return f"{name} {number(s.raw_x[i])} ({s.x[i]:.2f})"

    @staticmethod
    def _raw_value(s, column: int, columns: int, i: int) -> str | None:
        """The file's value of an input (first column) or a regression output
        (last column) where the network sees it standardised."""
        if column == 0 and s.raw_x is not None and i < len(s.raw_x):
            return number(s.raw_x[i])
        if column == columns - 1 and s.raw_out is not None and i < len(s.raw_out):
            return number(s.raw_out[i])
        return None

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        if heavy is None or heavy.sample is None or heavy is self._heavy or not self.in_sight():
            return False
        self._heavy = heavy
        s = heavy.sample
        probe = self.controller.probe
        names = probe.feature_names if probe is not None else []
        xs = ", ".join(self._input_text(names, s, i) for i in range(min(8, len(s.x))))
        ok = s.label == s.predicted
        verdict = ("<span style='color:#1c6b2a'>right</span>" if ok else "<span style='color:#b03020'>wrong</span>") \
            if probe is not None and probe.is_classification else ""
        self.summary.setText(
            f"<b>{'Test' if s.which == 'test' else 'Training'} sample {s.index + 1}</b>: {xs}{'…' if len(s.x) > 8 else ''}"
            f"<br>true: <b>{s.label}</b> · network: <b>{s.predicted}</b> {verdict}"
            + ("<br><span style='color:#666'>The network sees each input standardised (mean 0, spread 1): "
               "that value is in brackets.</span>" if s.raw_x is not None else "")
        )
        layers = s.layers
        labels = {n.id: n.label for n in self.controller.document.design.neurons if n.label}
        index = self.controller.document.index
        rows = min(MAX_ROWS, max(len(ids) for _n, ids, _a, _z in layers))
        self.table.setColumnCount(len(layers))
        self.table.setRowCount(rows)
        self.table.setHorizontalHeaderLabels([name for name, *_ in layers])
        for j, (_name, ids, a, z) in enumerate(layers):
            for i in range(rows):
                if i >= len(ids):
                    self.table.setItem(i, j, QTableWidgetItem(""))
                    continue
                label = labels.get(ids[i], "")
                raw = self._raw_value(s, j, len(layers), i)
                value = f"{a[i]:.3f}" if raw is None else f"{raw} ({a[i]:.2f})"
                item = QTableWidgetItem(f"{label}  {value}" if label else value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                color = _cell_color(a[i])
                item.setBackground(QBrush(color))
                light = color.lightness() > 150
                item.setForeground(QBrush(QColor(20, 20, 20) if light else QColor(255, 255, 255)))
                name = index.neuron_name(ids[i]) if index.has_neuron(ids[i]) else f"neuron {ids[i]}"
                tip = f"{name}: output a = {a[i]:.4g}"
                if raw is not None:
                    tip += f" ({raw} in the data's units)"
                if z is not None:
                    tip += f", weighted sum z = {z[i]:.4g}"
                item.setToolTip(tip)
                self.table.setItem(i, j, item)
        return True
