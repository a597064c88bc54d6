"""Workspaces: the window's panels in one arrangement per activity.

* **Build** — Parts on the left, the Inspector (History behind it) on the
  right, and the canvas as large as it gets;
* **Train** — Training on the left (Parts behind it), what the network does
  with the data on the right (the output map and the neuron maps for two
  inputs; the confusion matrix and single samples for more), the cost curves
  and the activation histograms under the canvas;
* **Learn** — Training on the left (Parts behind it), the lesson on the right,
  the learn tools under the canvas.

Each fits a 1366×768 screen with nothing cut off. A window short of room
for its text (``COMPACT``: QT_SCALE_FACTOR=1.5 on that screen, a large text
size) arranges Train and Learn in fewer columns, decided when a workspace is
shown and when the text size changes. One click switches (the
segmented control at the right of the menu bar, View ▸ Workspace, Ctrl+1/2/3). A workspace
remembers the arrangement the user gives it, between runs too (one saved
window state each); Reset Layout forgets them all. A panel the current
workspace does not show opens at its own place when asked for (View ▸ Panels);
a learn tool asked for from the Learn menu or a lesson brings the workspace
that shows it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QHBoxLayout, QMainWindow, QSizePolicy, QToolButton, QWidget

from nnsim.app.column_widths import ColumnWidths
from nnsim.app.layout import Place, clamp, set_corners

Area = Qt.DockWidgetArea
LEFT, RIGHT, BOTTOM = Area.LeftDockWidgetArea, Area.RightDockWidgetArea, Area.BottomDockWidgetArea


@dataclass(frozen=True)
class Spot:
    """Where one dock stands in a workspace: in an area, or as a tab of
    another dock (``tab_with``); ``front`` brings its tab forward."""

    dock: str
    area: Qt.DockWidgetArea | None = None
    tab_with: str | None = None
    front: bool = False


@dataclass(frozen=True)
class Workspace:
    key: str
    title: str
    tip: str
    spots: tuple[Spot, ...]
    left: tuple[float, int, int] | None = None  # share of the window's width, bounds in px
    right: tuple[float, int, int] | None = None
    bottom: tuple[float, int, int] | None = None  # share of the window's height
    split: float | None = None  # two groups in the right column: the upper one's share of its height

    def docks(self) -> list[str]:
        return [s.dock for s in self.spots]


SMALL_SLACK = 1.15  # in a small window a column may be this much over its share, no more


def _share(length: int, share: tuple[float, int, int]) -> int:
    """A column's (or the bottom's) size: its share of the window within its
    bounds; in a window too small for the lower bound (a small screen, or a
    large QT_SCALE_FACTOR) nearly its share, so the canvas keeps room too."""
    fraction, lo, hi = share
    return clamp(length * fraction, min(lo, round(length * fraction * SMALL_SLACK)), hi)


def _tabs(first: str, area, *others: str) -> tuple[Spot, ...]:
    return (Spot(first, area, front=True),) + tuple(Spot(name, tab_with=first) for name in others)


DATA_VIEWS = ("training_output_dock", "training_neurons_dock", "training_confusion_dock", "training_sample_dock",
              "training_hidden_state_dock", "training_time_gradient_dock", "training_unrolled_dock",
              "training_text_dock", "training_lstm_cell_dock", "training_gates_dock", "training_gan_dock")
LEFT_TRAINING = (Spot("training_dock", LEFT, front=True), Spot("palette_dock", tab_with="training_dock"))

WORKSPACES = (
    Workspace("build", "Build", "Build the network: parts, the inspector and a large canvas",
              (Spot("palette_dock", LEFT), *_tabs("inspector_dock", RIGHT)),
              left=(0.17, 210, 260), right=(0.24, 300, 380)),
    Workspace("train", "Train", "Train it and watch: the data, the output, the cost curves",
              (*LEFT_TRAINING, *_tabs(DATA_VIEWS[0], RIGHT, *DATA_VIEWS[1:]),
               *_tabs("training_cost_dock", BOTTOM, "training_histograms_dock", "training_gates_dock")),
              left=(0.21, 270, 320), right=(0.25, 320, 400), bottom=(0.32, 200, 280)),
    Workspace("learn", "Learn", "Learn how it works: lessons, step through a sample, the learn tools",
              (*LEFT_TRAINING, Spot("learn_lessons_dock", RIGHT),
               *_tabs("learn_step_dock", BOTTOM, "learn_perceptron_dock", "learn_landscape_dock",
                      "learn_activations_dock", "learn_compare_dock", "training_gan_dock")),
              left=(0.2, 260, 300), right=(0.26, 330, 400), bottom=(0.46, 300, 420)),
)
# A window short of room (less than COMPACT_LINES lines of its text across
# and down: a large text size, presentation on a laptop, QT_SCALE_FACTOR=1.5
# on 1366x768, which leaves 910x512 logical pixels) gets
# these instead: in Train the cost curves go under the data's views on the
# right, so the canvas keeps the window's height; in Learn the lesson goes
# behind Training on the left, so the learn tools get the width under the
# canvas. The same docks as the roomy arrangement, in fewer columns.
COMPACT_LINES = (80, 44)  # across, down; 1366x768 at the usual text size has 97 and 54
COMPACT = {
    "train": Workspace("train", "Train", WORKSPACES[1].tip,
                       (*LEFT_TRAINING, *_tabs(DATA_VIEWS[0], RIGHT, *DATA_VIEWS[1:]),
                        *_tabs("training_cost_dock", RIGHT, "training_histograms_dock", "training_gates_dock")),
                       left=(0.24, 230, 300), right=(0.34, 280, 400), split=0.52),
    "learn": Workspace("learn", "Learn", WORKSPACES[2].tip,
                       (*LEFT_TRAINING, Spot("learn_lessons_dock", tab_with="training_dock", front=True),
                        *WORKSPACES[2].spots[3:]),
                       left=(0.3, 260, 330), bottom=(0.46, 240, 420)),
}
FIRST = "build"  # the workspace of a first start: the calmest
SHORTCUTS = {"build": "Ctrl+1", "train": "Ctrl+2", "learn": "Ctrl+3"}
_KEY = "workspaces"


def layout_version(docks: list[str]) -> int:
    """A number that changes whenever the set of docks or the workspaces do:
    a window state saved by another version is not restored (its docks would
    not all find their places)."""
    text = "|".join(sorted(docks)) + "|" + repr(WORKSPACES) + repr(COMPACT)
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


class Workspaces(QObject):
    """The window's workspaces: switching, remembering, resetting.

    The window gives its docks (``window.dock_places``) and settings; call
    ``restore()`` once every dock is added, ``save()`` when closing."""

    switched = Signal(str)

    def __init__(self, window: QMainWindow, settings: QSettings):
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.by_key = {ws.key: ws for ws in WORKSPACES}
        self.current = FIRST
        self.states: dict[str, bytes] = {}  # by workspace, and "train-compact" for its arrangement short of room
        self.compact = False  # the current workspace is in its arrangement for a window short of room
        self.version = 0
        self._data_views: tuple[set[str], set[str]] | None = None  # (shown, hidden) for the data at hand
        self._applied_views: dict[str, tuple[set[str], set[str]]] = {}  # what each workspace last got
        self.ready = False  # restored: a workspace is shown
        self._sizes_pending: str | None = None
        self._size_before = None  # the window's size before a workspace's docks were put in place
        # Side columns wide enough for their panels with larger text (or in a window short of room).
        self.columns = ColumnWidths(window, key=lambda: self._state_key(self.current), short=lambda: self.compact)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for ws in WORKSPACES:
            action = QAction(f"&{ws.title}", self)
            action.setObjectName(f"workspace_{ws.key}")
            action.setIconText(ws.title)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(SHORTCUTS[ws.key]))
            action.setToolTip(f"{ws.title} workspace: {ws.tip[ws.tip.index(':') + 2:]} ({SHORTCUTS[ws.key]})")
            action.setStatusTip(ws.tip)
            action.triggered.connect(lambda _=False, k=ws.key: self.switch(k))
            self.group.addAction(action)
            window.addAction(action)  # the shortcut works with the menus hidden too
            self.actions[ws.key] = action
        self.actions[self.current].setChecked(True)

    # -- the switcher -----------------------------------------------------------------------
    def switcher(self) -> QWidget:
        """Three buttons side by side, the current one pressed (for the menu bar's corner)."""
        box = QWidget()
        box.setObjectName("workspace_switcher")
        row = QHBoxLayout(box)
        row.setContentsMargins(4, 1, 6, 1)
        row.setSpacing(0)
        for i, ws in enumerate(WORKSPACES):
            b = QToolButton()
            b.setDefaultAction(self.actions[ws.key])
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setObjectName(f"workspace_button_{ws.key}")
            b.setProperty("segment", "first" if i == 0 else "last" if i == len(WORKSPACES) - 1 else "middle")
            row.addWidget(b)
        box.setStyleSheet(
            "QToolButton { border: 1px solid #9aa5b1; border-left-width: 0; background: #f5f7f9;"
            " padding: 2px 14px; color: #1f2933; }"
            "QToolButton[segment='first'] { border-left-width: 1px; border-top-left-radius: 5px;"
            " border-bottom-left-radius: 5px; }"
            "QToolButton[segment='last'] { border-top-right-radius: 5px; border-bottom-right-radius: 5px; }"
            "QToolButton:hover { background: #e4e9ef; }"
            "QToolButton:checked { background: #2f6db0; color: white; }")
        box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return box

    # -- switching ------------------------------------------------------------------------
    def switch(self, key: str) -> None:
        """Show workspace ``key`` as the user left it (or as it first comes)."""
        if key not in self.by_key:
            return
        if key == self.current:
            self.actions[key].setChecked(True)
            return
        self.states[self._state_key(self.current)] = self.window.saveState(self.version).data()
        self._show(key)
        self._store()

    def short_of_room(self) -> bool:
        """Whether the window has less than COMPACT_LINES lines of its text across and down."""
        line = QFontMetrics(QApplication.font()).height()
        across, down = COMPACT_LINES
        return self.window.width() < across * line and self.window.height() < down * line

    def arrangement(self, key: str) -> Workspace:
        """Workspace ``key``'s first arrangement, for a window of this size."""
        return COMPACT.get(key, self.by_key[key]) if self.compact else self.by_key[key]

    def _state_key(self, key: str) -> str:
        return f"{key}-compact" if self.compact and key in COMPACT else key

    def refit(self) -> None:
        """After the text size or the window's size changed: a window that
        became short of room (or roomy again) shows the current workspace in
        the arrangement for it (as the user last left that one)."""
        if not self.ready or self.short_of_room() == self.compact or self.current not in COMPACT:
            self.compact = self.short_of_room()
            return
        self.states[self._state_key(self.current)] = self.window.saveState(self.version).data()
        self._show(self.current)
        self._store()

    def _show(self, key: str) -> None:
        self.current = key
        self.compact = self.short_of_room()
        self.actions[key].setChecked(True)
        state = self.states.get(self._state_key(key))
        if state is None or not self.window.restoreState(state, self.version):
            self.states.pop(self._state_key(key), None)
            self.apply_default(key)
        else:
            self._apply_data_views()
            self._after_change()
            self.columns.fit_later()
        self.switched.emit(key)

    def workspace_of(self, dock: QDockWidget) -> str | None:
        """The workspace that shows ``dock`` (the current one first)."""
        name = dock.objectName()
        order = [self.current] + [ws.key for ws in WORKSPACES if ws.key != self.current]
        return next((k for k in order if name in self.by_key[k].docks()), None)

    def bring(self, dock: QDockWidget) -> None:
        """Show ``dock`` in front: in the current workspace when it is there,
        else in the workspace that has it."""
        if dock.isHidden():
            key = self.workspace_of(dock)
            if key is not None and key != self.current and dock.objectName() not in self.by_key[self.current].docks():
                self.switch(key)
        dock.show()
        dock.raise_()

    # -- the default arrangement of a workspace ---------------------------------------------
    def apply_default(self, key: str) -> None:
        """Workspace ``key`` as it first comes: its docks in their spots, every
        other dock hidden at its own place (where View ▸ Panels shows it)."""
        w, ws = self.window, self.arrangement(key)
        size = w.size()
        places = w.dock_places
        names = set(ws.docks())
        for place in places.places:
            place.dock.setFloating(False)
            w.removeDockWidget(place.dock)
        set_corners(w)
        for spot in ws.spots:
            dock = places.dock(spot.dock)
            if dock is None:
                continue
            partner = places.dock(spot.tab_with)
            if partner is not None and w.dockWidgetArea(partner) != Area.NoDockWidgetArea:
                w.tabifyDockWidget(partner, dock)
            else:
                w.addDockWidget(spot.area or places.area_of(dock), dock)
            dock.show()
        for place in places.places:
            if place.dock.objectName() not in names:
                places.put(Place(place.dock, place.area, place.tab_with, False))
        self._apply_data_views(default=True)
        for spot in ws.spots:
            dock = places.dock(spot.dock)
            if spot.front and dock is not None and not dock.isHidden():
                dock.raise_()
        self._size_before = size if w.isVisible() else None
        self._sizes_pending = key
        if w.isVisible():
            QTimer.singleShot(0, self.apply_sizes)
        self._after_change()

    def apply_sizes(self) -> None:
        """Column widths and the bottom's height in proportion to the window
        (once it is laid out: sizes set before stick no better)."""
        key, self._sizes_pending = self._sizes_pending, None
        if key is None or key != self.current:
            return
        w, ws = self.window, self.arrangement(key)
        size, self._size_before = self._size_before, None
        if size is not None and size.expandedTo(w.size()) != size and not (w.isMaximized() or w.isFullScreen()):
            # Views for other data, shown while the docks were put back, made the
            # window grow (past the screen of a small laptop): as large as it was.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            w.resize(size.boundedTo(w.size()))
        W, H = w.width(), w.height()
        firsts, groups = {}, {}  # the first dock shown in each area; in each group of tabs
        for spot in ws.spots:
            dock = w.dock_places.dock(spot.dock)
            if spot.area is not None:
                group = spot.dock
            if dock is not None and not dock.isHidden():
                if spot.area is not None:
                    firsts.setdefault(spot.area, dock)
                groups.setdefault(group, dock)
        across = [(firsts[a], _share(W, s)) for a, s in ((LEFT, ws.left), (RIGHT, ws.right))
                  if s is not None and a in firsts]
        if across:
            w.resizeDocks([d for d, _ in across], [n for _, n in across], Qt.Orientation.Horizontal)
        if ws.bottom is not None and BOTTOM in firsts:
            s = ws.bottom
            w.resizeDocks([firsts[BOTTOM]], [_share(H, s)], Qt.Orientation.Vertical)
        column = [groups[spot.dock] for spot in ws.spots if spot.area == RIGHT and spot.dock in groups]
        if ws.split is not None and len(column) == 2:
            w.resizeDocks(column, [round(H * ws.split), round(H * (1 - ws.split))], Qt.Orientation.Vertical)
        self.columns.before.pop((self._state_key(key), LEFT), None)  # the shares are the columns' widths now
        self.columns.before.pop((self._state_key(key), RIGHT), None)
        self.columns.fit_later()
        self._after_change()

    def _after_change(self) -> None:
        w = self.window
        sweep = getattr(w, "_sweep", None)
        if sweep is not None:
            sweep.timer.start()
        canvas = getattr(w, "canvas", None)
        if canvas is not None:
            canvas.fit_when_settled()  # a layout the user asked for: the network fits its new room
        front = getattr(w, "front_left_panel", None)
        if front is not None:
            front()

    # -- the views that fit the data --------------------------------------------------------
    def show_data_views(self, shown: list[QDockWidget], hidden: list[QDockWidget]) -> None:
        """The training views that mean something for this data (maps for two
        inputs, tables for more): shown where the current workspace has them,
        and in the others when they next come."""
        self._data_views = ({d.objectName() for d in shown}, {d.objectName() for d in hidden})
        self._applied_views = {}
        if self.ready:
            self._apply_data_views()

    def _apply_data_views(self, default: bool = False) -> None:
        if self._data_views is None:
            return
        if not default and self._applied_views.get(self.current) == self._data_views:
            return  # the user's own choice since stands
        self._applied_views[self.current] = self._data_views
        names = set(self.by_key[self.current].docks())
        shown, hidden = self._data_views
        places = self.window.dock_places
        first = None
        for name in DATA_VIEWS:
            dock = places.dock(name)
            if dock is None or name not in names:
                continue
            dock.setVisible(name in shown)
            if name in shown and first is None:
                first = dock
        if first is not None:
            first.raise_()

    # -- remembering ----------------------------------------------------------------------
    def restore(self, reset: bool = False) -> None:
        """At start: the workspace used last, as it was left (``reset``: every
        workspace as it first comes)."""
        self.version = layout_version([p.dock.objectName() for p in self.window.dock_places.places])
        if reset:
            self.forget()
        else:
            self._load()
        for place in self.window.dock_places.places:
            self.columns.watch(place.dock)
        key = self.current if self.current in self.by_key else FIRST
        self.current = None  # nothing shown yet
        self.ready = True
        self._show(key)

    def save(self) -> None:
        """Remember every workspace's arrangement (the current one as it is now)."""
        if self.current is not None:
            self.states[self._state_key(self.current)] = self.window.saveState(self.version).data()
        self._store()

    def reset(self) -> None:
        """Reset Layout: every workspace as it first comes; this one now."""
        self.forget()
        self.compact = self.short_of_room()
        self.apply_default(self.current)
        self._store()

    def forget(self) -> None:
        self.states.clear()
        self.settings.remove(_KEY)

    def _load(self) -> None:
        s = self.settings
        self.current = str(s.value(f"{_KEY}/current", FIRST))
        for key in [ws.key for ws in WORKSPACES] + [f"{key}-compact" for key in COMPACT]:
            state = s.value(f"{_KEY}/{key}")
            if isinstance(state, QByteArray):
                state = state.data()
            if isinstance(state, bytes) and state:
                self.states[key] = state

    def _store(self) -> None:
        s = self.settings
        s.setValue(f"{_KEY}/current", self.current)
        for key, state in self.states.items():
            s.setValue(f"{_KEY}/{key}", QByteArray(state))
        s.sync()


__all__ = ["FIRST", "Spot", "WORKSPACES", "Workspace", "Workspaces", "layout_version"]
