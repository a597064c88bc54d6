"""The window's actions, menus and toolbar, built from one table.

Each action has a standard shortcut where the platform has one
(``QKeySequence.StandardKey``) and a plain one otherwise; the Help menu's
shortcut list is made from the same actions, so it cannot go stale.
``window`` is the app's ``MainWindow`` (typed here as the QMainWindow it is:
that module builds its menus from this one).
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.icons import icon
from nnsim.app.panels.welcome import shipped_examples
from nnsim.design.blocks import is_block
from nnsim.design.model import LayerKind
from nnsim.design.recipes import EditError

StandardKey = QKeySequence.StandardKey


def _keys(*keys) -> list[QKeySequence]:
    """Shortcuts from standard keys and strings, without repeats."""
    out: list[QKeySequence] = []
    for key in keys:
        seqs = QKeySequence.keyBindings(key) if isinstance(key, StandardKey) else [QKeySequence(key)]
        for seq in seqs:
            if not seq.isEmpty() and seq not in out:
                out.append(seq)
    return out


class Actions:
    """Every action of the window, as attributes (``actions.save``…)."""

    def __init__(self, window: QMainWindow):
        self.window = window
        w, files = window, window.files
        stack = window.document.undo_stack

        def canvas(method: str):
            return lambda *args: getattr(w.canvas, method)(*args)

        def make(name, text, slot=None, keys=(), icon_name=None, tip=None) -> QAction:
            action = QAction(text, w)
            action.setObjectName(name)
            if icon_name:
                action.setIcon(icon(icon_name))
            shortcuts = _keys(*keys)
            if shortcuts:
                action.setShortcuts(shortcuts)
            if tip:
                action.setStatusTip(tip)
                native = shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText) if shortcuts else ""
                action.setToolTip(f"{tip} ({native})" if native else tip)
            if slot is not None:
                action.triggered.connect(lambda _=False: self._run(slot))
            w.addAction(action)  # shortcuts work even when menus and toolbars are hidden
            return action

        # File
        self.new = make("new", "&New", files.new, [StandardKey.New], "new", "Start a new, empty design")
        self.open = make("open", "&Open…", files.open, [StandardKey.Open], "open", "Open a design file")
        self.save = make("save", "&Save", files.save, [StandardKey.Save], "save", "Save the design")
        self.save_as = make("save_as", "Save &As…", files.save_as, [StandardKey.SaveAs, "Ctrl+Shift+S"], None,
                            "Save the design under a new name")
        self.save_with_data = make("save_with_data", "Save &with Data…", files.save_with_data, [], None,
                                   "Save the design with its CSV data inside, to open anywhere without the file")
        self.revert = make("revert", "&Revert", files.revert, [], None, "Reload the design from its file")
        self.save_without_state = make("save_without_state", "Save &without Training State", files.save_without_state,
                                       [], None, "Save the design without the optimizer's memory: "
                                       "training goes on afresh when it is opened again")
        self.export_png = make("export_png", "Export &PNG…", lambda: files.export(canvas("export_png"), "png"),
                               [], None, "Save a picture of the network")
        self.export_svg = make("export_svg", "Export S&VG…", lambda: files.export(canvas("export_svg"), "svg"),
                               [], None, "Save a scalable drawing of the network")
        self.export_onnx = make("export_onnx", "&Export ONNX…", lambda: files.export_design("onnx"), [], None,
                                "Write the network as an ONNX model, for any ONNX runtime")
        self.export_pytorch = make("export_pytorch", "Export P&yTorch…", lambda: files.export_design("pytorch"),
                                   [], None, "Write the network as a PyTorch module with its weights and training")
        self.export_image = make("export_image", "Export &Image…", lambda: files.export_image(w.canvas.picture()),
                                 ["Ctrl+E"], None, "Save a picture of the network for slides (PNG, SVG or PDF)")
        self.print = make("print", "&Print…", lambda: files.print_image(w.canvas.picture()), [StandardKey.Print],
                          None, "Print the network (or print it to a PDF file)")
        self.copy_image = make("copy_image", "Copy &Image", lambda: files.copy_image(w.canvas.picture()),
                               ["Ctrl+Shift+C"], None, "Copy a picture of the network to the clipboard")
        self.quit = make("quit", "&Quit", w.close, [StandardKey.Quit, "Ctrl+Q"], None, "Close nnsim")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.clear_recent = make("clear_recent", "&Clear Recent Files", files.clear_recent)

        # Edit
        # Through the Document, not the stack's own actions: live training writes
        # itself into the history first (``Document.history_move_requested``).
        doc = window.document
        self.undo = make("undo", "&Undo", doc.undo, [StandardKey.Undo], "undo")
        self.redo = make("redo", "&Redo", doc.redo, [StandardKey.Redo, "Ctrl+Shift+Z", "Ctrl+Y"], "redo")
        for action, word, can, text_changed, can_changed in (
            (self.undo, "Undo", stack.canUndo, stack.undoTextChanged, stack.canUndoChanged),
            (self.redo, "Redo", stack.canRedo, stack.redoTextChanged, stack.canRedoChanged),
        ):
            def follow(text: str = "", a=action, word=word) -> None:
                a.setText(f"&{word} {text}" if text else f"&{word}")
                keys = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                a.setToolTip(f"{word} {text}".strip() + (f" ({keys})" if keys else ""))

            text_changed.connect(follow)
            can_changed.connect(self.update_history_actions)
            follow(stack.undoText() if action is self.undo else stack.redoText())
        self._stack = stack
        self.redo_blocked = lambda: False  # the window blocks Redo while training plays
        self.update_history_actions()
        self.cut = make("cut", "Cu&t", canvas("cut_selection"), [StandardKey.Cut])
        self.copy = make("copy", "&Copy", canvas("copy_selection"), [StandardKey.Copy])
        self.paste = make("paste", "&Paste", canvas("paste"), [StandardKey.Paste])
        self.duplicate = make("duplicate", "D&uplicate", canvas("duplicate_selection"), ["Ctrl+D"])
        self.delete = make("delete", "&Delete", canvas("delete_selection"), ["Delete", "Backspace"],
                           "delete", "Delete the selection")
        self.select_all = make("select_all", "Select &All", canvas("select_all"), [StandardKey.SelectAll])
        self.arrange = make("arrange", "Arrange &Layers", w.arrange, ["Ctrl+L"], "arrange",
                            "Line the layers up in tidy columns")
        self.connect_all = make("connect_all", "&Connect Layers", w.connect_layers, ["Ctrl+K"], "connect-all",
                                "Connect each layer fully to the next, or link it where one is a block "
                                "(the selected layers, or all)")

        # View
        self.zoom_in = make("zoom_in", "Zoom &In", canvas("zoom_in"), [StandardKey.ZoomIn, "Ctrl+="], "zoom-in",
                            "Zoom in")
        self.zoom_out = make("zoom_out", "Zoom &Out", canvas("zoom_out"), [StandardKey.ZoomOut], "zoom-out",
                             "Zoom out")
        self.zoom_reset = make("zoom_reset", "&Actual Size", canvas("zoom_reset"), ["Ctrl+0"], None,
                               "Zoom to 100%")
        self.fit_all = make("fit_all", "&Fit Network", canvas("fit_all"), ["Ctrl+Shift+F"], "zoom-fit",
                            "Zoom to show the whole network")
        self.gallery = make("gallery", "&Example Gallery", w.show_welcome, [], None, "Show the shipped examples")

        # Help
        self.shortcuts = make("shortcuts", "&Keyboard Shortcuts", w.show_shortcuts,
                              ["Ctrl+/", StandardKey.HelpContents])
        self.about = make("about", "&About nnsim", w.show_about)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)

        self.selection_actions = [self.cut, self.copy, self.duplicate, self.delete]

    def _run(self, slot) -> None:
        """Run an action; a refused edit becomes a status-bar message, never a crash."""
        try:
            slot()
        except EditError as e:
            self.window.show_message(str(e))

    def update_history_actions(self, *_) -> None:
        """Undo when the stack can; Redo when it can and nothing blocks it
        (training that plays becomes a step of its own before any move in
        the history, and a new step ends what could be redone)."""
        if not shiboken6.isValid(self._stack) or not shiboken6.isValid(self.undo):
            return  # the window is closing
        self.undo.setEnabled(self._stack.canUndo())
        self.redo.setEnabled(self._stack.canRedo() and not self.redo_blocked())

    def all(self) -> list[QAction]:
        return [a for a in vars(self).values() if isinstance(a, QAction)]


def build_menus(window: QMainWindow, a: Actions) -> dict[str, QMenu]:
    bar = window.menuBar()
    menus = {}
    file = menus["file"] = bar.addMenu("&File")
    file.addActions([a.new, a.open])
    window.recent_menu = file.addMenu("Open &Recent")
    window.recent_menu.setObjectName("recent_menu")
    window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    window.examples_menu = file.addMenu("Open E&xample")
    window.examples_menu.setObjectName("examples_menu")
    window.fill_examples_menu()
    file.addSeparator()
    file.addActions([a.save, a.save_as, a.save_with_data, a.save_without_state, a.revert])
    file.addSeparator()
    file.addActions([a.export_image, a.export_png, a.export_svg, a.print])
    file.addSeparator()
    file.addActions([a.export_onnx, a.export_pytorch])
    file.addSeparator()
    file.addAction(a.quit)

    edit = menus["edit"] = bar.addMenu("&Edit")
    edit.addActions([a.undo, a.redo])
    edit.addSeparator()
    edit.addActions([a.cut, a.copy, a.paste, a.duplicate, a.delete])
    edit.addAction(a.copy_image)
    edit.addSeparator()
    edit.addAction(a.select_all)
    edit.addSeparator()
    edit.addActions([a.arrange, a.connect_all])

    view = menus["view"] = bar.addMenu("&View")
    view.addActions([a.zoom_in, a.zoom_out, a.zoom_reset, a.fit_all])
    view.addSeparator()
    window.panels_menu = view.addMenu("&Panels")
    window.panels_menu.setObjectName("panels_menu")
    view.addAction(a.gallery)

    help_ = menus["help"] = bar.addMenu("&Help")
    help_.addActions([a.shortcuts, a.gallery])
    help_.addSeparator()
    help_.addAction(a.about)
    return menus


def build_toolbar(window: QMainWindow, a: Actions) -> QToolBar:
    bar = QToolBar("Main toolbar", window)
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    # Text beside the icons of the editing commands only: low-priority actions show just the icon.
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (a.new, a.open, a.save, a.undo, a.redo, a.zoom_in, a.zoom_out, a.fit_all, a.delete):
        action.setPriority(QAction.Priority.LowPriority)
    a.arrange.setIconText("Arrange")
    a.connect_all.setIconText("Connect")
    bar.addActions([a.new, a.open, a.save])
    bar.addSeparator()
    bar.addActions([a.undo, a.redo])
    bar.addSeparator()
    bar.addActions([a.zoom_in, a.zoom_out, a.fit_all])
    bar.addSeparator()
    bar.addActions([a.arrange, a.connect_all, a.delete])
    return bar


# -- menus filled from data ------------------------------------------------------------
def fill_recent_menu(window: QMainWindow) -> None:
    menu = window.recent_menu
    menu.clear()
    paths = window.files.recent.paths()
    for i, path in enumerate(paths, 1):
        name = Path(path).name
        action = menu.addAction(f"&{i} {name}" if i < 10 else name)
        action.setToolTip(path)
        action.setStatusTip(path)
        action.triggered.connect(lambda _=False, p=path: window.files.open(p))
    if not paths:
        menu.addAction("No recent files").setEnabled(False)
    menu.addSeparator()
    menu.addAction(window.acts.clear_recent)
    window.acts.clear_recent.setEnabled(bool(paths))


def fill_examples_menu(window: QMainWindow) -> None:
    for example in shipped_examples():
        action = window.examples_menu.addAction(example.name)
        action.setStatusTip(example.summary)
        action.triggered.connect(lambda _=False, p=str(example.path): window.files.open_example(p))


# Keys of multimedia keyboards that Qt lists among the standard bindings.
# Keys of old keyboards and dedicated media keys, which the platform adds to the
# standard shortcuts (F14 for Undo, Shift+Del for Cut, ...): not worth listing.
_MEDIA_KEYS = {"New", "Open", "Save", "Undo", "Redo", "Cut", "Copy", "Paste", "Close", "Help", "Zoom In", "Zoom Out",
               "Exit", "Ins"}
_LEGACY = {"Shift+Del", "Alt+Backspace", "Alt+Shift+Backspace"}


def _listed(text: str) -> bool:
    last = text.split("+")[-1]
    if last in _MEDIA_KEYS or text in _LEGACY:
        return False
    return not (last.startswith("F") and last[1:].isdigit() and int(last[1:]) > 12)


def _shortcut_text(action: QAction, limit: int = 3) -> str:
    texts = []
    for seq in action.shortcuts():
        text = seq.toString(QKeySequence.SequenceFormat.NativeText)
        if _listed(text) and text not in texts:
            texts.append(text)
    return ", ".join(texts[:limit])


def menu_actions(menu_bar) -> list[QAction]:
    """Every action in the menus, submenus included, in menu order, once."""
    out: list[QAction] = []

    def walk(actions) -> None:
        for a in actions:
            if a.menu() is not None:
                walk(a.menu().actions())
            elif not a.isSeparator() and a not in out:
                out.append(a)

    walk(menu_bar.actions())
    return out


# Keys of the canvas itself (not actions): choosing and connecting from the keyboard.
CANVAS_KEYS = [
    ("Choose the next / previous neuron (canvas)", "Tab, Shift+Tab"),
    ("Connect the chosen neuron: choose the target, connect", "C, then Tab and Enter"),
    ("Nudge the selection (a run of nudges is one undo step)", "Arrow keys (Shift: 5×)"),
]


class ShortcutsDialog(QDialog):
    """Every action with a shortcut, in a table."""

    def __init__(self, actions: list[QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        rows = [(a.text().replace("&", "").rstrip("…"), keys) for a in actions if (keys := _shortcut_text(a))]
        canvas_keys = {"Fit Network": "F, Home"}  # the canvas's own keys too
        rows = [(text, keys + ", " + canvas_keys[text] if text in canvas_keys and canvas_keys[text] not in keys
                 else keys) for text, keys in rows]
        rows += CANVAS_KEYS
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (text, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(text))
            table.setItem(r, 1, QTableWidgetItem(keys))
        extra = [  # the canvas's own gestures
            ("Zoom around the cursor", "Mouse wheel"),
            ("Pan the canvas", "Space + drag, or the middle button"),
            ("Nudge the selection (5× with Shift)", "Arrow keys"),
            ("Cancel a gesture, clear the selection", "Esc"),
            ("Add a palette part at the centre", "Enter on the part, or double-click it"),
        ]
        for text, keys in extra:
            r = table.rowCount()
            table.insertRow(r)
            table.setItem(r, 0, QTableWidgetItem(text))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setWordWrap(False)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(560, 620)


# -- editor commands made of several document edits -------------------------------------
def layer_columns(window_document, layer_ids=None) -> list[int]:
    """Layers (all, or the given ones) in the order they stand from left to
    right: inputs first, outputs last, otherwise by their mean x."""
    design = window_document.design
    layers = [lay for lay in design.layers if layer_ids is None or lay.id in set(layer_ids)]
    rank = {LayerKind.INPUT: 0, LayerKind.HIDDEN: 1, LayerKind.OUTPUT: 2}

    def key(layer):
        xs = [n.x for n in design.neurons_of(layer.id)] or [layer.x]  # a block: its own place
        return (rank[layer.kind], sum(xs) / len(xs))

    return [lay.id for lay in sorted(layers, key=key)]


def connect_consecutive(document, layer_ids) -> tuple[int, list[str]]:
    """Fully connect each layer to the next (link them where one is a block),
    as one undo step. Returns how many pairs were joined and the reasons for
    the ones that were not."""
    stack = document.undo_stack
    done, refused = 0, []
    stack.beginMacro("Connect layers")
    try:
        for source, target in zip(layer_ids, layer_ids[1:]):
            try:
                index = document.index
                if is_block(index.layer(source)) or is_block(index.layer(target)):
                    document.link_layers(source, target)
                else:
                    document.connect_layers(source, target)
                done += 1
            except EditError as e:
                refused.append(str(e))
    finally:
        stack.endMacro()
    if not done:  # nothing happened: drop the empty step altogether
        empty = stack.command(stack.index() - 1)
        if empty is not None:
            empty.setObsolete(True)
            stack.undo()
    return done, refused
