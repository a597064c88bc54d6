"""Choosing one number of the network among many: a button showing the
chosen weight or bias, and a searchable list that pops up under it.

A network of 180,000 connections has as many weights; a combo box of them
takes seconds to fill and cannot be searched. The list here is a view of a
``ParamList`` that names only the rows it shows; typing narrows it to the
names holding every word typed at the start of one of their words, numbers
whole ("hidden 2 neuron 7 output"). The chooser keeps a
combo box's few methods (``currentIndex``, ``setCurrentIndex``, ``count``,
``itemText``, ``currentIndexChanged``), so the panel reads it the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget

from nnsim.app.learn.landscape import ParamList
from nnsim.explain import count

SEARCH_DELAY_MS = 150  # a pause in typing before a long list is searched


def searchable(name: str) -> str:
    """A name as the search reads it: lower case, every word after a space
    (quotes around labels do not count), and a space at both ends."""
    return f" {name.lower().replace('“', ' ').replace('”', ' ')} "


class ParamModel(QAbstractListModel):
    """The rows of a ParamList that match the search (all when empty)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.params: ParamList | None = None
        self.rows: list[int] | range = range(0)
        self._lowered: list[str] | None = None

    def set_params(self, params: ParamList | None) -> None:
        self.beginResetModel()
        self.params = params
        self._lowered = None
        self.rows = range(len(params)) if params is not None else range(0)
        self.endResetModel()

    def search(self, text: str) -> None:
        words = text.lower().split()
        self.beginResetModel()
        if self.params is None or not words:
            self.rows = range(len(self.params) if self.params is not None else 0)
        else:
            if self._lowered is None:
                self._lowered = [searchable(name) for name in self.params.names()]
            # A word matches the start of a word; a number matches a whole number
            # ("neuron 7" is not "neuron 17" nor "neuron 70").
            keys = [f" {w} " if w.isdigit() else f" {w}" for w in words]
            self.rows = [i for i, name in enumerate(self._lowered) if all(k in name for k in keys)]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and index.isValid():
            return self.params.name(self.rows[index.row()])
        return None


class ParamPicker(QFrame):
    """The pop-up: a search field over the list of numbers."""

    picked = Signal(int)  # an index into the ParamList

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("param_picker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit()
        self.search.setObjectName("param_search")
        self.search.setPlaceholderText("Type to search, e.g. hidden 3 → output")
        self.search.setClearButtonEnabled(True)
        self.model = ParamModel(self)
        self.list = QListView()
        self.list.setObjectName("param_list")
        self.list.setUniformItemSizes(True)  # only the rows in view are measured and named
        self.list.setModel(self.model)
        self.found = QLabel()
        self.found.setObjectName("param_found")
        self.found.setStyleSheet("color: #616161;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.found)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.search.textChanged.connect(self._typed)
        self.search.returnPressed.connect(self._enter)
        self.list.clicked.connect(lambda index: self._pick(index.row()))
        self.list.activated.connect(lambda index: self._pick(index.row()))

    def open_at(self, anchor: QWidget, params: ParamList, current: int) -> None:
        self.model.set_params(params)
        self.search.clear()
        self._timer.stop()
        self._counted()
        width = max(anchor.width(), 320)
        self.resize(QSize(width, 300))
        self.move(anchor.mapToGlobal(anchor.rect().bottomLeft()))
        self.show()
        if 0 <= current < self.model.rowCount():
            here = self.model.index(current)
            self.list.setCurrentIndex(here)
            self.list.scrollTo(here, QListView.ScrollHint.PositionAtCenter)
        self.search.setFocus()

    def _typed(self) -> None:
        # A short list is searched at once; a long one after a pause in typing.
        if self.model.params is not None and len(self.model.params) < 5000:
            self._search()
        else:
            self._timer.start()

    def _search(self) -> None:
        self._timer.stop()
        self.model.search(self.search.text())
        self._counted()
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))

    def _counted(self) -> None:
        total = len(self.model.params) if self.model.params is not None else 0
        shown = self.model.rowCount()
        self.found.setText(count(total, "number") if shown == total else f"{shown:,} of {total:,} numbers")

    def _enter(self) -> None:
        if self._timer.isActive():
            self._search()
        row = self.list.currentIndex().row()
        if row >= 0:
            self._pick(row)

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            self.hide()
            self.picked.emit(self.model.rows[row])

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) \
                and self.search.hasFocus():
            self.list.setFocus()
            self.list.keyPressEvent(event)
            return
        super().keyPressEvent(event)


class ParamChooser(QPushButton):
    """A button naming the chosen number; pressing it opens the search list."""

    currentIndexChanged = Signal(int)  # noqa: N815 - a combo box's name

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.params: ParamList | None = None
        self._current = -1
        self.picker: ParamPicker | None = None
        self.setMinimumWidth(120)
        self.clicked.connect(self.open_list)
        self._show()

    def set_params(self, params: ParamList | None) -> None:
        """Another list of numbers (no signal); nothing is chosen."""
        self.params = params
        self._current = -1
        self._show()

    def count(self) -> int:
        return len(self.params) if self.params is not None else 0

    def itemText(self, i: int) -> str:  # noqa: N802 - a combo box's name
        return self.params.name(i) if self.params is not None and 0 <= i < len(self.params) else ""

    def currentIndex(self) -> int:  # noqa: N802
        return self._current

    def setCurrentIndex(self, i: int) -> None:  # noqa: N802
        i = i if 0 <= i < self.count() else -1
        if i != self._current:
            self._current = i
            self._show()
            self.currentIndexChanged.emit(i)

    def open_list(self) -> None:
        if self.params is None or not len(self.params):
            return
        if self.picker is None:
            self.picker = ParamPicker(self)
            self.picker.picked.connect(self.setCurrentIndex)
        self.picker.open_at(self, self.params, self._current)

    def _show(self) -> None:
        name = self.itemText(self._current) or "(none)"
        self._name = name
        self.setToolTip(f"{name}\nClick to choose another number (type to search)")
        self._elide()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        if self.picker is not None:
            self.picker.hide()  # a pop-up left open would take every click in the window

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(self.width() - 24, 40)
        # Cut at the left: the neurons' numbers, which tell similar names apart, stay.
        self.setText(self.fontMetrics().elidedText(self._name, Qt.TextElideMode.ElideLeft, room - 16) + " ▾")

    def sizeHint(self) -> QSize:  # noqa: N802 - never sized by the name it shows
        return QSize(200, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, super().minimumSizeHint().height())
