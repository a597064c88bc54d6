"""The confusion matrix: how many samples of each true class the network
puts in each predicted class (the diagonal is right)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnsim.app.picture_menu import PictureMenu
from nnsim.app.training.colors import NEGATIVE, POSITIVE
from nnsim.app.training.controller import TrainingController
from nnsim.app.views.common import HeavyView


class MatrixWidget(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix: np.ndarray | None = None
        self.names: list[str] = []
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
            return
        x0, y0 = label_w, top
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
        p.end()


class ConfusionView(HeavyView):
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
        self.pictures = PictureMenu(self.matrix, "Confusion matrix")
        lay.addWidget(self.matrix, 1)
        self.follow(controller, self._session)

    @Slot()
    def _session(self) -> None:
        self._heavy = None
        probe = self.controller.probe
        if probe is None or not probe.is_classification:
            self.matrix.set_matrix(None, [])
            self.title.setText("The confusion matrix is for classification data." if probe is not None else "")
        self.refresh()

    @Slot()
    def refresh(self) -> bool:
        heavy = self.controller.heavy
        probe = self.controller.probe
        if heavy is None or probe is None or heavy is self._heavy or heavy.confusion is None or not self.isVisible():
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
        return True
