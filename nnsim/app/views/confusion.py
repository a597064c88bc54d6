"""The confusion matrix: how many samples of each true class the network
puts in each predicted class (the diagonal is right). Clicking a cell lists
its samples (or, with "Mistakes only", every wrong one); clicking one in the
list opens it in the sample view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.colors import NEGATIVE, POSITIVE
from nnsim.app.training.controller import TrainingController
from nnsim.app.training.snapshot import CONFUSION
from nnsim.app.views.common import HeavyView


MAX_LISTED = 500  # samples listed for one cell


class MatrixWidget(QWidget):
    cell_clicked = Signal(int, int)  # (true class, predicted class)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix: np.ndarray | None = None
        self.names: list[str] = []
        self.selected: tuple[int, int] | None = None
        self._cells: tuple[float, float, float] | None = None  # (x0, y0, size) as last drawn
        self.setMinimumSize(180, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_matrix(self, matrix: np.ndarray | None, names: list[str]) -> None:
        self.matrix, self.names = matrix, names
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        m = self.matrix
        if m is None or m.size == 0:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        k = m.shape[0]
        fm = p.fontMetrics()
        label_w = min(120, max(fm.horizontalAdvance(n) for n in self.names) + 10) + fm.height()
        top = 2 * fm.height() + 6
        size = min((self.width() - label_w - 8) / k, (self.height() - top - 8) / k)
        if size < 8:
            self._cells = None
            return
        x0, y0 = label_w, top
        self._cells = (x0, y0, size)
        small = QFont(p.font())
        p.setPen(QColor(60, 60, 60))
        p.drawText(QRectF(x0, 0, size * k, fm.height()), Qt.AlignmentFlag.AlignCenter, "predicted")
        p.save()
        p.translate(fm.height() - 2, y0 + size * k / 2)
        p.rotate(-90)
        p.drawText(QRectF(-size * k / 2, -fm.height(), size * k, fm.height()), Qt.AlignmentFlag.AlignCenter, "true")
        p.restore()
        rows = m.sum(axis=1, keepdims=True).clip(min=1)
        share = m / rows
        for j, name in enumerate(self.names):
            p.drawText(QRectF(x0 + j * size, fm.height() + 2, size, fm.height()), Qt.AlignmentFlag.AlignCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, int(size)))
        for i, name in enumerate(self.names):
            p.drawText(QRectF(fm.height(), y0 + i * size, label_w - fm.height() - 4, size),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, label_w - fm.height() - 4))
        p.setFont(small)
        for i in range(k):
            for j in range(k):
                s = float(share[i, j])
                base = POSITIVE if i == j else NEGATIVE
                c = QColor(*(int(255 * (1 - s) + b * s) for b in base))
                r = QRectF(x0 + j * size, y0 + i * size, size, size)
                p.fillRect(r, c)
                p.setPen(QPen(QColor(255, 255, 255), 2))
                p.drawRect(r)
                p.setPen(QColor(255, 255, 255) if s > 0.55 else QColor(40, 40, 40))
                p.drawText(r, Qt.AlignmentFlag.AlignCenter, f"{int(m[i, j])}")
        if self.selected is not None and max(self.selected) < k:
            i, j = self.selected
            p.setPen(QPen(QColor(20, 20, 20), 3))
            p.drawRect(QRectF(x0 + j * size + 2, y0 + i * size + 2, size - 4, size - 4))
        p.end()

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(true, predicted) of the cell under a point, or None."""
        if self._cells is None or self.matrix is None:
            return None
        x0, y0, size = self._cells
        k = self.matrix.shape[0]
        i, j = int((y - y0) // size), int((x - x0) // size)
        return (i, j) if x >= x0 and y >= y0 and 0 <= i < k and 0 <= j < k else None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.selected = cell
        self.update()
        self.cell_clicked.emit(*cell)


class ConfusionView(HeavyView):
    PARTS = frozenset({CONFUSION})

    def __init__(self, controller: TrainingController, parent=None):
        super().__init__(parent)
        self.controller = controller
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel()
        self.title.setObjectName("confusion_title")
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        self.matrix = MatrixWidget()
        self.matrix.setToolTip("Click a cell to list its samples")
        self.matrix.cell_clicked.connect(self._cell_clicked)
        self.pictures = PictureMenu(self.matrix, "Confusion matrix")
        lay.addWidget(self.matrix, 1)
        self.mistakes = QCheckBox("Mistakes only")
        self.mistakes.setObjectName("confusion_mistakes")
        self.mistakes.setToolTip("List every sample the network gets wrong")
        self.mistakes.toggled.connect(self._list)
        lay.addWidget(self.mistakes)
        self.listed_title = QLabel("Click a cell to list its samples; click a sample to see it in the sample view.")
        self.listed_title.setObjectName("confusion_listed")
        self.listed_title.setWordWrap(True)
        lay.addWidget(self.listed_title)
        self.samples = QListWidget()
        self.samples.setObjectName("confusion_samples")
        self.samples.setMaximumHeight(130)
        self.samples.itemClicked.connect(self._open)
        self.samples.itemActivated.connect(self._open)
        lay.addWidget(self.samples)
        self._predictions = None  # (true, predicted, which) of the counts shown
        self.follow(controller, self._session)

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        probe = self.controller.probe
        self._predictions = None
        self.matrix.selected = None
        self.samples.clear()
        if probe is None or not probe.is_classification:
            self.matrix.set_matrix(None, [])
            self.title.setText("The confusion matrix is for classification data." if probe is not None else "")
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        probe = self.controller.probe
        if heavy is None or probe is None or heavy is self._heavy or heavy.confusion is None or not self.in_sight():
            return False
        self._heavy = heavy
        m, which = heavy.confusion
        if m.shape[0] != len(probe.class_names):
            return False
        right = int(np.trace(m))
        total = int(m.sum())
        self.title.setText(f"<b>{which.capitalize()} set</b>: {right} of {total} right ({right / max(1, total):.0%}). "
                           "Rows: the true class; columns: what the network said.")
        self.matrix.set_matrix(m, probe.class_names)
        self._predictions = heavy.predictions
        if self.samples.count() or self.mistakes.isChecked():
            self._list()  # the network's answers changed: so may the list
        return True

    # -- the samples behind a cell ------------------------------------------------------------
    @Slot(int, int)
    def _cell_clicked(self, true: int, predicted: int) -> None:
        self.mistakes.blockSignals(True)
        self.mistakes.setChecked(False)
        self.mistakes.blockSignals(False)
        self._list()

    @Slot()
    def _list(self) -> None:
        """List the selected cell's samples, or every mistake."""
        self.samples.clear()
        probe, got = self.controller.probe, self._predictions
        if probe is None or got is None:
            self.listed_title.setText("Sequences are not listed here: see the sequence views."
                                      if getattr(probe, "sequence", False) else "")
            return
        true, pred, which = got
        names = probe.class_names
        if self.mistakes.isChecked():
            picked = np.flatnonzero(true != pred)
            title = f"{len(picked)} wrong {which} sample{'s' * (len(picked) != 1)}"
        elif self.matrix.selected is not None:
            i, j = self.matrix.selected
            picked = np.flatnonzero((true == i) & (pred == j))
            title = f"{len(picked)} {which} sample{'s' * (len(picked) != 1)} of {names[i]} the network calls {names[j]}"
        else:
            return
        shown = picked[:MAX_LISTED]
        self.listed_title.setText(title + (f" (the first {MAX_LISTED})" if len(picked) > MAX_LISTED else "")
                                  + (": click one to see it." if len(picked) else "."))
        key = "test" if which == "test" else "train"
        for index in shown.tolist():
            right = true[index] == pred[index]
            item = QListWidgetItem(f"{'Test' if key == 'test' else 'Training'} sample {index + 1}: "
                                   f"{names[true[index]]}, network says {names[pred[index]]}"
                                   + ("" if right else " ✗"))
            item.setData(Qt.ItemDataRole.UserRole, (key, index))
            self.samples.addItem(item)

    @Slot(QListWidgetItem)
    def _open(self, item: QListWidgetItem) -> None:
        which, index = item.data(Qt.ItemDataRole.UserRole)
        self.controller.open_sample(which, int(index))
