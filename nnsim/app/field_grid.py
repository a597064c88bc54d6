"""Pairs of a name and a field in as many columns as the width holds.

The step-through's input boxes (three to a row) and wanted outputs (all in
one row), and the training panel's buttons, were wider than their docks with
QT_SCALE_FACTOR=1.5 or larger text, and the panel scrolled sideways. A ``FieldGrid`` puts its pairs
in rows of up to ``most`` columns, fewer when its width holds fewer.

Following ``nnsim.app.responsive``: the grid's minimum width is that of one
column whatever the arrangement (or, with ``whole_up_to``, that of a full
row while it is no wider than that: a row of buttons folds only for large
text), so changing the number of columns changes
only its height and cannot feed back into its width; the number is decided
once resizes have settled, never inside Qt's layout pass.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget


class FieldGrid(QWidget):
    """Name and field pairs (``set_pairs``) in rows of up to ``most`` columns;
    ``fill``: the fields share the row's width equally (a row of buttons),
    rather than standing at their own widths beside their names."""

    def __init__(self, most: int = 3, parent: QWidget | None = None, fill: bool = False, whole_up_to: int = 0):
        super().__init__(parent)
        self.most = max(1, most)
        self.fill = fill
        self.whole_up_to = whole_up_to  # px: a full row no wider than this is the minimum (it never folds)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.pairs: list[tuple[QLabel | None, QWidget]] = []
        self.columns = self.most
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.reflow)

    def set_pairs(self, pairs: list[tuple[QLabel | None, QWidget]], most: int | None = None) -> None:
        """Show these pairs (a None name: the field alone), replacing those shown."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().setParent(None)
        self.pairs = list(pairs)
        if most is not None:
            self.most = max(1, most)
        self.columns = self._fitting(self.width()) if self.isVisible() else self.most
        self._place()

    def _width(self, columns: int) -> int:
        """The narrowest width of the pairs in rows of ``columns`` (each grid
        column as wide as its widest name or field)."""
        space = max(self.grid.horizontalSpacing(), 0)
        names, fields = [0] * columns, [0] * columns
        for k, (label, field) in enumerate(self.pairs):
            c = k % columns
            if label is not None:
                names[c] = max(names[c], label.sizeHint().width() + space)
            fields[c] = max(fields[c], field.minimumWidth() or field.minimumSizeHint().width())  # as the grid does
        m = self.grid.contentsMargins()
        return sum(names) + sum(fields) + (columns - 1) * space + m.left() + m.right()

    def _fitting(self, width: int) -> int:
        """How many columns ``width`` holds (at least one, at most ``most``)."""
        for columns in range(min(self.most, max(len(self.pairs), 1)), 1, -1):
            if self._width(columns) <= width:
                return columns
        return 1

    def _place(self) -> None:
        for k, (label, field) in enumerate(self.pairs):
            row, col = divmod(k, self.columns)
            if label is not None:
                self.grid.addWidget(label, row, 2 * col)
            self.grid.addWidget(field, row, 2 * col + 1)
        for c in range(2 * self.most + 1):
            self.grid.setColumnStretch(c, 1 if self.fill and c % 2 and c < 2 * self.columns else 0)
        if not self.fill:
            self.grid.setColumnStretch(2 * self.columns, 1)  # the fields stay beside their names
        self.updateGeometry()

    def reflow(self) -> None:
        columns = self._fitting(self.width())
        if columns != self.columns:
            self.columns = columns
            for label, field in self.pairs:
                for w in (label, field):
                    if w is not None:
                        self.grid.removeWidget(w)
            self._place()

    def event(self, event) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange, QEvent.Type.Show):
            self.timer.start()
        return super().event(event)

    def widest(self) -> int:
        """The width of rows of ``most`` columns (or of every pair, if fewer)."""
        return self._width(min(self.most, max(len(self.pairs), 1)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """One column's width whatever the arrangement (a full row's while it
        is no wider than ``whole_up_to``); the height of this arrangement."""
        widest = self.widest()
        return QSize(widest if widest <= self.whole_up_to else self._width(1), self.grid.minimumSize().height())


__all__ = ["FieldGrid"]
