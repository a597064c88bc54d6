"""Choosing the data set: Playground's six sets as clickable thumbnails of
their points, Iris, the logic gates, or a CSV file; noise, the training share
and a new draw of the points. Every change goes through the Document."""

from __future__ import annotations

import csv
import dataclasses
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.document import Document
from nnsim.app.flow import FlowLayout
from nnsim.app.training.colors import MIDDLE, NEGATIVE, POSITIVE, class_color
from nnsim.data import DataError, describe, load_dataset, playground
from nnsim.data.base import CLASSIFICATION, REGRESSION
from nnsim.data.csv_file import layout, separator_of
from nnsim.data.logic import GATES as LOGIC_GATES
from nnsim.data.reads import fields_read, points_meaning
from nnsim.data.sequences import EVERY_STEP, LAST_STEP
from nnsim.data.sequences import tasks as sequence_tasks
from nnsim.design.data_names import label_ops
from nnsim.design.edits import set_fields
from nnsim.design.model import DatasetSpec
from nnsim.design.settings import MAX_WINDOW
from nnsim.text import one_line

THUMB = 30
# Sources whose number of samples the panel offers to change (Playground keeps its own sizes).
COUNTED = ("shapes", "sequence")
# What "New points" draws again, by source; the others shuffle the training/test split again.
REGENERATES = {"playground": "New points", "distribution": "New points", "shapes": "New images",
               "sequence": "New sequences"}
IMAGE_SETS = {"digits": "digits", "shapes": "shapes"}
NAMED_SOURCES = ("csv", "iris")  # data whose columns and classes have names for the neurons


@lru_cache(maxsize=None)
def playground_icon(name: str, size: int = THUMB) -> QIcon:
    """A small picture of a Playground set's points, as Playground shows it."""
    x, y = playground.generate(name, 200, 0.0, np.random.default_rng(3))
    pix = QPixmap(size, size)
    pix.fill(QColor(*MIDDLE))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    (x0, x1), (y0, y1) = playground.INPUT_RANGE
    for (a, b), v in zip(x, y):
        px = (a - x0) / (x1 - x0) * size
        py = (1 - (b - y0) / (y1 - y0)) * size
        if playground.task_of(name) == CLASSIFICATION:
            rgb = class_color(int(v))
        else:
            t = float(np.clip((np.ravel(v)[0] + 1) / 2, 0, 1))
            rgb = tuple(int(n * (1 - t) + pp * t) for n, pp in zip(NEGATIVE, POSITIVE))
        p.setBrush(QColor(*rgb))
        p.drawEllipse(int(px) - 1, int(py) - 1, 3, 3)
    p.end()
    return QIcon(pix)


def csv_header(path: str | os.PathLike) -> list[str]:
    """The column names of a CSV file (first line that is not blank or a
    comment; comma, semicolon or tab separated). Raises OSError/ValueError
    with a readable message."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = (line for line in f if line.strip() and not line.lstrip().startswith("#"))
        for line in lines:
            for row in csv.reader([line], delimiter=separator_of(line)):
                names = [c.strip() for c in row]
                if names:
                    return names
    raise ValueError(f"{Path(path).name}: the file is empty")


def csv_preview(path: str | os.PathLike) -> tuple[str, QTableWidget | None]:
    """What was detected in a CSV file (separator, decimal mark) and a table
    of its first rows; a short reason and None when it cannot be read."""
    try:
        separator, decimal, header, rows = layout(path)
    except DataError as e:
        return one_line(str(e)), None
    table = QTableWidget(len(rows), len(header))
    table.setObjectName("csv_preview")
    table.setHorizontalHeaderLabels(header)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row[: len(header)]):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    rows_height = sum(table.rowHeight(r) for r in range(len(rows))) if rows else 26
    header = table.horizontalHeader().sizeHint().height()
    scroll = table.horizontalScrollBar().sizeHint().height()  # when the columns are wider than the dialog
    table.setMaximumHeight(header + rows_height + scroll + 2 * table.frameWidth() + 2)
    table.setMinimumHeight(table.maximumHeight())  # the rows stay readable in a crowded dialog
    said = f"Columns separated by a {separator}; numbers with a decimal {decimal}."
    return said, table


class CsvTargetDialog(QDialog):
    """Choose the target column(s) and the task for a CSV file."""

    def __init__(self, columns: list[str], file_name: str, parent=None, path: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Targets in {file_name}")
        lay = QVBoxLayout(self)
        if path is not None:  # what the file looks like, and how it is read
            said, self.preview = csv_preview(path)
            self.detected = QLabel(said)
            self.detected.setObjectName("csv_detected")
            self.detected.setWordWrap(True)
            lay.addWidget(self.detected)
            if self.preview is not None:
                lay.addWidget(self.preview)
        lay.addWidget(QLabel("Which column should the network predict?\nEvery other column is an input."))
        self.classify = QRadioButton("Classification (one column of classes)")
        self.regress = QRadioButton("Regression (one or more columns of numbers)")
        self.classify.setChecked(True)
        lay.addWidget(self.classify)
        lay.addWidget(self.regress)
        self.columns = QListWidget()
        self.columns.addItems(columns)
        self.columns.setCurrentRow(len(columns) - 1)
        lay.addWidget(self.columns)
        self.normalize = QCheckBox("Standardise the inputs (mean 0, spread 1)")
        self.normalize.setChecked(True)
        lay.addWidget(self.normalize)
        self.scale_targets = QCheckBox("Standardise the targets too (shown in the file's units)")
        self.scale_targets.setObjectName("csv_scale_targets")
        self.scale_targets.setToolTip("The network learns the targets as numbers near 0, whatever their units "
                                      "(prices in the hundred thousands would saturate every hidden neuron); "
                                      "predictions are shown in the file's units")
        self.scale_targets.setChecked(True)
        lay.addWidget(self.scale_targets)
        self._series_part(lay, columns)
        self.buttons = buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                                  | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.classify.toggled.connect(self._mode)
        self._mode()

    def _series_part(self, lay: QVBoxLayout, columns: list[str]) -> None:
        """A time series: rows in time order, cut into windows for a network
        with a loop or a recurrent layer."""
        self.series = QCheckBox("Time series: the rows are in time order (for a network with a loop)")
        self.series.setObjectName("csv_series")
        self.series.setToolTip("Cut the rows into windows of consecutive rows, one sequence each; "
                               "the first rows train, the later ones test")
        lay.addWidget(self.series)
        self.series_box = QWidget()
        form = QGridLayout(self.series_box)
        form.setContentsMargins(18, 0, 0, 0)
        self.window_rows = QSpinBox()
        self.window_rows.setObjectName("csv_window")
        self.window_rows.setRange(1, MAX_WINDOW)
        self.window_rows.setValue(20)
        self.window_rows.setSuffix(" rows")
        self.horizon = QSpinBox()
        self.horizon.setObjectName("csv_horizon")
        self.horizon.setRange(0, MAX_WINDOW)
        self.horizon.setValue(1)
        self.horizon.setToolTip("1 with the target among the inputs: predict the next value; 0: the same row's")
        self.targets_at = QComboBox()
        self.targets_at.setObjectName("csv_targets_at")
        self.targets_at.addItem("a target at every step", EVERY_STEP)
        self.targets_at.addItem("one target, after the last step", LAST_STEP)
        self.inputs = QListWidget()
        self.inputs.setObjectName("csv_inputs")
        self.inputs.addItems(columns)
        self.inputs.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        self.inputs.setMaximumHeight(90)
        self.inputs.setToolTip("The columns the network reads at each step; none chosen: every column "
                               "that is not a target")
        form.addWidget(QLabel("Window"), 0, 0)
        form.addWidget(self.window_rows, 0, 1)
        form.addWidget(QLabel("Targets, rows ahead"), 1, 0)
        form.addWidget(self.horizon, 1, 1)
        form.addWidget(self.targets_at, 2, 1)
        form.addWidget(QLabel("Inputs"), 3, 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.inputs, 3, 1)
        lay.addWidget(self.series_box)
        self.series.toggled.connect(self._series_toggled)
        self._series_toggled(False)

    def _series_toggled(self, on: bool) -> None:
        self.series_box.setEnabled(on)
        self.scale_targets.setVisible(not on)  # a series standardises every column it uses, or none
        if on:
            self.regress.setChecked(True)  # a series predicts numbers
        self.classify.setEnabled(not on)

    def _mode(self) -> None:
        single = self.classify.isChecked()
        self.columns.setSelectionMode(
            QAbstractItemView.SelectionMode.SingleSelection if single else QAbstractItemView.SelectionMode.MultiSelection
        )
        self.scale_targets.setEnabled(not single)  # only numbers can be scaled

    def result_spec(self, base: DatasetSpec, path: str) -> DatasetSpec:
        targets = [i.text() for i in self.columns.selectedItems()]
        if self.series.isChecked():
            inputs = [self.inputs.item(r).text() for r in range(self.inputs.count())
                      if self.inputs.item(r).isSelected()]  # in the file's order
            return dataclasses.replace(
                base, source="csv", path=path, targets=targets, task=REGRESSION,
                normalize=self.normalize.isChecked(), scale_targets=False, window=self.window_rows.value(),
                horizon=self.horizon.value(), inputs=inputs, targets_at=self.targets_at.currentData(),
                train_ratio=base.train_ratio if base.train_ratio < 1 else 0.8,
            )
        return dataclasses.replace(
            base,
            source="csv",
            path=path,
            csv_text="",  # a chosen file is read from where it is
            targets=targets,
            task=CLASSIFICATION if self.classify.isChecked() else REGRESSION,
            normalize=self.normalize.isChecked(),
            scale_targets=self.regress.isChecked() and self.scale_targets.isChecked(),
            window=0, horizon=0, inputs=[], targets_at=EVERY_STEP,
        )


class DataChooser(QWidget):
    """The data-set part of the training panel."""

    message = Signal(str)  # a problem to tell the user (e.g. an unreadable CSV)

    def __init__(self, document: Document, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self._rng = np.random.default_rng()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)

        grid = FlowLayout(spacing=3)  # the thumbnails wrap in a narrow dock
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.thumbs: dict[str, QToolButton] = {}
        for i, name in enumerate(playground.PLAYGROUND_NAMES):
            b = QToolButton()
            b.setObjectName(f"data_{name}")
            b.setCheckable(True)
            b.setIcon(playground_icon(name))
            b.setIconSize(QSize(THUMB, THUMB))
            b.setToolTip(f"{playground.TITLES[name]} ({'classification' if i < 4 else 'regression'})")
            b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, n=name: self.choose(DatasetSpec("playground", n)))
            self.group.addButton(b)
            self.thumbs[name] = b
            grid.addWidget(b)
        lay.addLayout(grid)

        row = FlowLayout()  # wraps in a narrow dock
        self.iris = QPushButton("Iris")
        self.iris.setCheckable(True)
        self.iris.setToolTip("Fisher's iris flowers: 4 measurements, 3 species")
        self.iris.clicked.connect(lambda: self.choose(DatasetSpec("iris", normalize=True, train_ratio=0.7)))
        self.group.addButton(self.iris)
        self.logic = QComboBox()
        self.logic.addItem("Logic gate…", "")
        for g in LOGIC_GATES:
            self.logic.addItem(g, g)
        self.logic.setToolTip("A truth table: two inputs of 0 or 1")
        self.logic.activated.connect(self._logic_chosen)
        self.csv = QPushButton("CSV file…")
        self.csv.setCheckable(True)
        self.csv.setToolTip("Your own data: a CSV file with a header row")
        self.csv.clicked.connect(self.choose_csv)
        self.group.addButton(self.csv)
        self.sequences = QComboBox()
        self.sequences.setObjectName("sequence_task")
        self.sequences.addItem("Sequences…", "")
        for task in sequence_tasks():
            self.sequences.addItem(task.replace("_", " "), task)
        self.sequences.setToolTip("A sequence task, for a network with a loop or a recurrent layer: "
                                  "inputs arrive one time step after another")
        self.sequences.activated.connect(self._sequence_chosen)
        self.images = QComboBox()
        self.images.setObjectName("image_set")
        self.images.addItem("Images…", "")
        for key, title in IMAGE_SETS.items():
            self.images.addItem(title, key)
        self.images.setToolTip("Images, for a network with an image input: the 8×8 handwritten digits, or "
                               "synthetic shapes (bars, a plus, a hollow square)")
        self.images.activated.connect(self._images_chosen)
        row.addWidget(self.iris)
        row.addWidget(self.logic)
        row.addWidget(self.csv)
        row.addWidget(self.images)
        lay.addLayout(row)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: palette(mid);")
        lay.addWidget(self.summary)

        form = QGridLayout()
        self.noise = QSlider(Qt.Orientation.Horizontal)
        self.noise.setRange(0, 50)
        self.noise.setObjectName("noise")
        self.noise_label = QLabel()
        self.noise.valueChanged.connect(self._noise_changed)
        self.ratio = QSlider(Qt.Orientation.Horizontal)
        self.ratio.setRange(10, 90)
        self.ratio.setSingleStep(5)
        self.ratio.setPageStep(10)
        self.ratio.setObjectName("train_ratio")
        self.ratio_label = QLabel()
        self.ratio.valueChanged.connect(self._ratio_changed)
        self.count = QSpinBox()
        self.count.setObjectName("data_count")
        self.count.setRange(1, 100_000)
        self.count.setKeyboardTracking(False)  # typing "64" must not pass through 6
        self.count.valueChanged.connect(self._count_changed)
        self.count_name = QLabel()
        rows = (("noise", QLabel("Noise"), self.noise, self.noise_label),
                ("train_ratio", QLabel("Training data"), self.ratio, self.ratio_label),
                ("points", self.count_name, self.count, None))
        self.rows: dict[str, list[QWidget]] = {}
        for _, label, *_ in rows:  # the names wrap rather than widen a narrow dock (large text)
            label.setWordWrap(True)
        for r, (field_name, *widgets) in enumerate(rows):
            for c, w in enumerate(widgets):
                if w is not None:
                    form.addWidget(w, r, c, 1, 2 if w is self.count else 1)
            self.rows[field_name] = [w for w in widgets if w is not None]
        lay.addLayout(form)
        row2 = FlowLayout()
        self.regenerate = QPushButton("New points")
        self.regenerate.setObjectName("regenerate")
        self.regenerate.setToolTip("Draw the data again with a new random seed (and a new train/test split)")
        self.regenerate.clicked.connect(self.new_seed)
        self.normalize = QCheckBox("Standardise inputs")
        self.normalize.setToolTip("Shift and scale every input to mean 0 and spread 1 (Iris and CSV files)")
        self.normalize.toggled.connect(lambda on: self._renew("Standardise inputs", normalize=bool(on)))
        row2.addWidget(self.regenerate)
        row2.addWidget(self.sequences)  # here, where it takes no extra line in a narrow dock
        row2.addWidget(self.normalize)
        self.scale_targets = QCheckBox("Standardise targets")
        self.scale_targets.setObjectName("scale_targets")
        self.scale_targets.setToolTip("Regression: the network learns the targets scaled to mean 0 and spread 1; "
                                      "predictions are shown in the file's units")
        self.scale_targets.toggled.connect(lambda on: self._renew("Standardise targets", scale_targets=bool(on)))
        row2.addWidget(self.scale_targets)
        self.window_rows = QSpinBox()
        self.window_rows.setObjectName("series_window")
        self.window_rows.setRange(1, MAX_WINDOW)
        self.window_rows.setPrefix("windows of ")
        self.window_rows.setSuffix(" rows")
        self.window_rows.setKeyboardTracking(False)  # one change when the number is typed, not one a digit
        self.window_rows.setToolTip("A time series: how many consecutive rows make one sequence")
        self.window_rows.valueChanged.connect(lambda v: self._renew("Window", window=int(v)))
        row2.addWidget(self.window_rows)
        row2.addStretch(1)
        lay.addLayout(row2)
        document.settings_changed.connect(self.refresh)
        document.reset.connect(self.refresh)
        self.refresh()

    # -- document -> widgets ---------------------------------------------------------
    def refresh(self) -> None:
        spec = self.document.design.dataset
        source = str(spec.source).lower()
        name = str(spec.name).lower()
        for key, b in self.thumbs.items():
            b.setChecked(source == "playground" and key == name)
        self.iris.setChecked(source == "iris")
        self.csv.setChecked(source == "csv")
        if source != "playground" and source != "iris" and source != "csv":
            self.group.setExclusive(False)
            for b in self.group.buttons():
                b.setChecked(False)
            self.group.setExclusive(True)
        idx = self.logic.findData(str(spec.name).upper()) if source == "logic" else 0
        self.logic.setCurrentIndex(max(0, idx))
        idx = self.sequences.findData(str(spec.name)) if source == "sequence" else 0
        self.sequences.setCurrentIndex(max(0, idx))
        for w, v in ((self.noise, round(float(spec.noise) * 100)), (self.ratio, round(float(spec.train_ratio) * 100))):
            w.blockSignals(True)
            w.setValue(int(v))
            w.blockSignals(False)
        self.noise_label.setText(f"{self.noise.value()}")
        self.ratio_label.setText(f"{self.ratio.value()}%")
        idx = self.images.findData(source) if source in IMAGE_SETS else 0
        self.images.setCurrentIndex(max(0, idx))
        # Only what this source reads: no noise for the digits, no training share for a
        # sequence task (it has its own test part), nothing at all for a truth table.
        reads = fields_read(spec)
        counted = points_meaning(spec) if source in COUNTED else None
        shown = {"noise": "noise" in reads, "train_ratio": "train_ratio" in reads, "points": counted is not None}
        for field_name, widgets in self.rows.items():
            for w in widgets:
                w.setVisible(shown[field_name])
        if counted is not None:
            what, default = counted
            self.count_name.setText(what[:1].upper() + what[1:])
            with QSignalBlocker(self.count):
                self.count.setValue(int(spec.points if spec.points is not None else default))
        self.regenerate.setVisible("seed" in reads)
        self.regenerate.setText(REGENERATES.get(source, "New split"))
        self.regenerate.setToolTip("Draw the data again with a new random seed (and a new train/test split)"
                                   if source in REGENERATES else
                                   "Shuffle again which samples are for training and which for testing")
        self.normalize.blockSignals(True)
        self.normalize.setChecked(bool(spec.normalize))
        self.normalize.blockSignals(False)
        self.normalize.setVisible("normalize" in reads)
        self.scale_targets.blockSignals(True)
        self.scale_targets.setChecked(bool(spec.scale_targets))
        self.scale_targets.blockSignals(False)
        self.scale_targets.setVisible(source == "csv" and spec.task == REGRESSION and not spec.window)
        self.window_rows.blockSignals(True)
        self.window_rows.setValue(max(1, int(spec.window or 1)))
        self.window_rows.blockSignals(False)
        self.window_rows.setVisible(source == "csv" and bool(spec.window))
        self.summary.setText(describe(spec))

    # -- widgets -> document -----------------------------------------------------------
    def choose(self, spec: DatasetSpec, dataset=None) -> None:
        """Switch to another data set (keeping noise, ratio and seed where
        they apply). Data with named columns (Iris, a CSV file; ``dataset``:
        the data set already read) names the input and output neurons, in
        the same undo step."""
        old = self.document.design.dataset
        if spec.source in ("playground",):
            spec = dataclasses.replace(spec, noise=old.noise, train_ratio=old.train_ratio, seed=old.seed)
        if spec != old:
            # Its own undo step (set_design merges a run of slider moves).
            ops = self._new_data(spec)
            ops += self._naming(spec, dataset)
            self.document.push(f"Use the data set {describe(spec).split(',')[0]}", ops)
        self.refresh()

    def _new_data(self, spec: DatasetSpec) -> list:
        """Edits that put ``spec`` in and begin a new run: the history (the
        epoch count, the curves) starts again, on the new data."""
        return set_fields(("design", None), self.document.design, dataset=spec, history=[], training_state=None)

    def _naming(self, spec: DatasetSpec, dataset) -> list:
        """Edits that name the neurons after the data's columns and classes."""
        if str(spec.source).lower() not in NAMED_SOURCES:
            return []
        base = self.document.path.parent if self.document.path else None
        try:
            dataset = dataset if dataset is not None else load_dataset(spec, base)
        except DataError:
            return []
        earlier: set[str] = set()
        old = self.document.design.dataset
        if str(old.source).lower() in NAMED_SOURCES:
            try:
                before = load_dataset(old, base)
                earlier = set(before.feature_names) | set(before.target_names)
            except DataError:
                pass
        return label_ops(self.document.design, list(dataset.feature_names), dataset.task,
                         list(dataset.target_names), earlier)

    def _logic_chosen(self, index: int) -> None:
        gate = self.logic.itemData(index)
        if gate:
            self.choose(DatasetSpec("logic", gate))
        else:
            self.refresh()

    def _images_chosen(self, index: int) -> None:
        key = self.images.itemData(index)
        if key:
            self.choose(DatasetSpec(key))
        else:
            self.refresh()

    def _count_changed(self, v: int) -> None:
        self._set(points=int(v))

    def _sequence_chosen(self, index: int) -> None:
        task = self.sequences.itemData(index)
        if task:
            self.choose(DatasetSpec("sequence", task))
        else:
            self.refresh()

    def _set(self, **values) -> None:
        spec = dataclasses.replace(self.document.design.dataset, **values)
        if spec != self.document.design.dataset:
            self.document.set_design(dataset=spec)

    def _renew(self, text: str, **values) -> None:
        """A change that gives the network other numbers to learn: a new run."""
        spec = dataclasses.replace(self.document.design.dataset, **values)
        if spec != self.document.design.dataset:
            said = ", ".join(f"{v:,}" for v in values.values()) if "window" in values else \
                ("on" if all(values.values()) else "off")
            self.document.push(f"{text}: {said}", self._new_data(spec))

    def _noise_changed(self, v: int) -> None:
        self.noise_label.setText(f"{v}")
        self._set(noise=v / 100)

    def _ratio_changed(self, v: int) -> None:
        self.ratio_label.setText(f"{v}%")
        self._set(train_ratio=v / 100)

    def new_seed(self) -> None:
        spec = dataclasses.replace(self.document.design.dataset, seed=int(self._rng.integers(1, 1_000_000)))
        self.document.push("New data points", self._new_data(spec))

    # -- CSV ------------------------------------------------------------------------------
    def ask_csv_path(self) -> str | None:
        folder = str(self.document.path.parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Choose a CSV file", folder, "CSV files (*.csv);;All files (*)")
        return path or None

    def ask_csv_targets(self, columns: list[str], path: str) -> DatasetSpec | None:
        dialog = CsvTargetDialog(columns, Path(path).name, self, path=path)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_spec(self.document.design.dataset, self._stored_path(path))

    def choose_csv(self) -> None:
        path = self.ask_csv_path()
        if not path:
            self.refresh()
            return
        try:
            columns = csv_header(path)
        except (OSError, ValueError, UnicodeDecodeError, csv.Error) as e:
            self.message.emit(f"{Path(path).name}: cannot be read ({e})")
            self.refresh()
            return
        spec = self.ask_csv_targets(columns, path)
        if spec is None or not spec.targets:
            self.refresh()
            return
        # A file that cannot be used is refused here, with the reason: the data
        # set in use stays (no step to undo).
        base = self.document.path.parent if self.document.path else None
        try:
            dataset = load_dataset(spec, base)
        except DataError as e:
            self.message.emit(f"Not used: {one_line(str(e))}")
            self.refresh()
            return
        self.choose(spec, dataset)

    def _stored_path(self, path: str) -> str:
        """Relative to the design's folder when the file lies inside it."""
        if self.document.path:
            base = self.document.path.parent.resolve()
            try:
                return str(Path(path).resolve().relative_to(base))
            except ValueError:
                pass
        return str(Path(path).resolve())
