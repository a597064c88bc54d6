"""The open design, its undo stack, and the signals the views follow.

Views never change the design themselves: they call the edit methods here,
which turn the edit into operations (``nnsim.design.recipes``) and push one
``EditCommand`` on the undo stack. Applying or undoing a command emits the
signals below with the ids that were touched, and the views update from them.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from nnsim.design import blocks, recipes
from nnsim.design.edits import Change, Index, Insert, Remove, SetField, SetNumbers, apply_ops, inverse_ops, set_fields
from nnsim.design.model import Design, LayerKind
from nnsim.design.recipes import EditError

# Commands that set the same field of the same object merge into one undo step
# (a run of spin-box edits); they share this id.
MERGE_ID = 4242
NUDGE_ID = 4243  # a run of arrow-key nudges of the same neurons


class EditCommand(QUndoCommand):
    """One undoable edit: a list of operations and their inverses.

    The command holds its document weakly: the document owns the undo stack,
    which owns the commands, so a strong reference back would make a cycle
    that the garbage collector breaks in an arbitrary order, and Qt would
    then delete commands whose Python side is already gone (a crash)."""

    def __init__(self, document: Document, text: str, ops: list, mergeable: bool = False):
        super().__init__(text)
        self._document = weakref.ref(document)
        self.ops = ops
        self.mergeable = mergeable and bool(ops) and all(isinstance(op, SetField) for op in ops)

    @property
    def document(self) -> Document | None:
        return self._document()

    def redo(self) -> None:
        document = self._document()
        if document is not None:
            document._apply(self.ops)

    def undo(self) -> None:
        document = self._document()
        if document is not None:
            document._apply(inverse_ops(self.ops))

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MERGE_ID if self.mergeable else -1

    def _keys(self):
        return [(op.target, op.field) for op in self.ops]

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not (isinstance(other, EditCommand) and other.mergeable and self._keys() == other._keys()):
            return False
        self.ops = [SetField(a.target, a.field, a.old, b.new) for a, b in zip(self.ops, other.ops)]
        return True


class NudgeCommand(EditCommand):
    """Neurons moved by the arrow keys. A run of nudges of the same neurons, in
    any directions, merges into one undo step: each position keeps the value
    from before the run and takes the last one."""

    def __init__(self, document: Document, text: str, ops: list):
        super().__init__(document, text, ops)
        self.neurons = frozenset(op.target for op in ops)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return NUDGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not (isinstance(other, NudgeCommand) and other.neurons == self.neurons):
            return False
        merged = {(op.target, op.field): op for op in self.ops}
        for op in other.ops:
            first = merged.get((op.target, op.field))
            merged[(op.target, op.field)] = op if first is None else SetField(op.target, op.field, first.old, op.new)
        self.ops = list(merged.values())
        return True


def _empty_stack(stack: QUndoStack) -> None:
    if shiboken6.isValid(stack):  # not when Qt already deleted it with its parent
        stack.clear()


def _numbers_only(op) -> bool:
    """The operation sets numbers without changing any array's shape, or the
    history or training state (a trained run, a Reset, their undo)."""
    if isinstance(op, SetNumbers):
        return all(op.old_arrays[k].shape == v.shape for k, v in op.new_arrays.items()) and \
            op.old_weights.shape == op.new_weights.shape and op.old_biases.shape == op.new_biases.shape
    return isinstance(op, SetField) and op.target == ("design", None) and op.field in ("history", "training_state")


class Document(QObject):
    """A design being edited."""

    # A new design replaced the old one (New, Open, Revert).
    reset = Signal()
    # Ids touched by an edit: layers and neurons by id, connections as (source, target).
    layers_added = Signal(list)
    layers_removed = Signal(list)
    layers_changed = Signal(list)
    neurons_added = Signal(list)
    neurons_removed = Signal(list)
    neurons_changed = Signal(list)
    connections_added = Signal(list)
    connections_removed = Signal(list)
    connections_changed = Signal(list)
    # Links between layers, as (source layer, target layer).
    links_added = Signal(list)
    links_removed = Signal(list)
    links_changed = Signal(list)
    # Every number changed at once (training, a reset of the weights): weights,
    # biases and layer arrays.
    numbers_changed = Signal()
    # Training settings, data set, name or description changed.
    settings_changed = Signal()
    # Anything at all changed (after the specific signals).
    changed = Signal()
    path_changed = Signal()
    # The user asked to undo, redo or jump in the history, and the stack is
    # about to move: work not yet in the Document (live training) goes in now,
    # as its own step, so the move starts from what the user sees.
    history_move_requested = Signal()

    def __init__(self, design: Design | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        # The commands were made in Python. If the garbage collector takes this
        # document in a cycle, it may free their Python side before Qt deletes
        # the stack, which would then delete them again (a crash). Emptying the
        # stack first, from a finalizer (run before the collector clears
        # anything), lets Qt delete each command once, in order.
        weakref.finalize(self, _empty_stack, self.undo_stack)
        self.design = design if design is not None else Design()
        self.index = Index(self.design)
        self.path: Path | None = None
        self.rng = np.random.default_rng()
        # Counts the changes (each replace and each applied command), so views
        # can tell whether what they worked out from the design is still current.
        self.revision = 0
        # Counts the changes that may change what the design compiles to:
        # all but new numbers (of the same shapes) and a new history.
        self.structure_revision = 0

    # -- whole documents ---------------------------------------------------------
    def replace(self, design: Design, path: Path | None = None, index: Index | None = None) -> None:
        """Show another design (New, Open, Revert): clears undo history.
        ``index``: the design's look-ups, made elsewhere (while it was read)."""
        self.undo_stack.clear()
        self.revision += 1
        self.structure_revision += 1
        self.design = design
        self.index = index if index is not None and index.design is design else Index(design)
        self.path = Path(path) if path else None
        self.undo_stack.setClean()
        self.reset.emit()
        self.path_changed.emit()
        self.changed.emit()

    def set_path(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self.path_changed.emit()

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled"

    # -- moving through the history (the window's Undo, Redo and History) ----------
    def undo(self) -> None:
        self.history_move_requested.emit()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.history_move_requested.emit()
        self.undo_stack.redo()

    # -- applying -----------------------------------------------------------------
    def push(self, text: str, ops: list, mergeable: bool = False) -> bool:
        """Push one undoable command (nothing if there is nothing to do)."""
        if not ops:
            return False
        if self.design.links and any(isinstance(op, (Insert, Remove)) for op in ops):
            ops = ops + blocks.fit_after(self.design, ops, self.rng)  # links into a layer that grew or shrank
        self.undo_stack.push(EditCommand(self, text, ops, mergeable))
        return True

    def _apply(self, ops: list) -> None:
        self.revision += 1
        if not all(_numbers_only(op) for op in ops):
            self.structure_revision += 1
        change: Change = apply_ops(self.design, ops, self.index)
        self._emit(change)

    def _emit(self, change: Change) -> None:
        signals = (
            ("layers", self.layers_added, self.layers_removed, self.layers_changed),
            ("neurons", self.neurons_added, self.neurons_removed, self.neurons_changed),
            ("connections", self.connections_added, self.connections_removed, self.connections_changed),
            ("links", self.links_added, self.links_removed, self.links_changed),
        )
        # Removals first, so a view never sees a connection to a removed neuron.
        for kind, _added, removed, _changed in signals:
            if change.removed[kind]:
                removed.emit(list(change.removed[kind]))
        for kind, added, _removed, _changed in signals:
            if change.added[kind]:
                added.emit(list(change.added[kind]))
        for kind, _added, _removed, changed in signals:
            gone = set(change.removed[kind])
            alive = [k for k in change.changed[kind] if k not in gone]
            if alive:
                changed.emit(alive)
        if change.numbers:
            self.numbers_changed.emit()
        if change.settings:
            self.settings_changed.emit()
        self.changed.emit()

    # -- edits the views call ------------------------------------------------------
    def add_layer(self, kind: LayerKind, size: int, x: float, y: float, activation=None) -> int:
        layer_id, ops = recipes.add_layer(self.design, kind, size, x, y, activation)
        what = "neuron" if size == 1 else f"layer of {size}"
        self.push(f"Add {kind.value} {what}", ops)
        return layer_id

    def add_neuron(self, layer_id: int, x: float, y: float) -> int:
        nid, ops = recipes.add_neuron(self.design, layer_id, x, y, self.rng, self.index)
        self.push(f"Add neuron to '{self.index.layer(layer_id).name}'", ops)
        return nid

    def connect(self, pairs: list[tuple[int, int]], delay: int = 0) -> None:
        """Raises EditError when any connection is refused. ``delay`` 1:
        recurrent connections (the value arrives one time step later)."""
        ops = recipes.connect(self.design, pairs, self.rng, delay=delay)
        what = "Connect recurrently" if delay else "Connect"
        self.push(what if len(pairs) == 1 else f"{what} {len(pairs)} pairs", ops)

    def connect_layers(self, source_layer: int, target_layer: int, delay: int = 0) -> None:
        ops = recipes.connect_layers(self.design, source_layer, target_layer, self.rng, delay=delay)
        s, t = self.index.layer(source_layer).name, self.index.layer(target_layer).name
        if delay and source_layer == target_layer:
            self.push(f"Connect '{s}' onto itself recurrently", ops)
        else:
            self.push(f"Connect '{s}' to '{t}'" + (" recurrently" if delay else ""), ops)

    def remove(self, neurons=(), layers=(), connections=(), text: str = "Delete") -> None:
        self.push(text, recipes.remove(self.design, neurons, layers, connections))

    def move(self, positions: dict[int, tuple[float, float]], text: str = "Move") -> None:
        self.push(text, recipes.move(self.design, positions, self.index))

    def nudge(self, positions: dict[int, tuple[float, float]], text: str = "Nudge") -> None:
        """Move neurons by a key press; a run of them is one undo step."""
        ops = recipes.move(self.design, positions, self.index)
        if ops:
            self.undo_stack.push(NudgeCommand(self, text, ops))

    def resize_layer(self, layer_id: int, size: int) -> None:
        ops = recipes.resize_layer(self.design, layer_id, size, self.rng)
        self.push(f"Resize '{self.index.layer(layer_id).name}' to {size}", ops)

    def set_neuron(self, neuron_id: int, **values) -> None:
        ops = recipes.set_neuron(self.design, neuron_id, self.index, **values)
        self.push(_describe_set("neuron", values), ops, mergeable=True)

    def set_layer(self, layer_id: int, **values) -> None:
        ops = recipes.set_layer(self.design, layer_id, self.index, **values)
        self.push(_describe_set("layer", values), ops, mergeable="activation" not in values)

    def set_connection(self, pair: tuple[int, int], **values) -> None:
        ops = recipes.set_connection(self.design, pair, self.index, **values)
        self.push(_describe_set("connection", values), ops, mergeable=True)

    def set_connections(self, pairs, **values) -> None:
        ops = []
        for pair in pairs:
            ops += recipes.set_connection(self.design, pair, self.index, **values)
        self.push(_describe_set(f"{len(pairs)} connections", values), ops)

    def set_training(self, **values) -> None:
        self.push(_describe_set("training", values), set_fields(("training", None), self.design.training, **values), True)

    def set_design(self, **values) -> None:
        """Name, description or the data-set spec (``dataset=``)."""
        self.push(_describe_set("design", values), set_fields(("design", None), self.design, **values), True)

    def set_numbers(self, weights, biases, text: str, arrays=None) -> None:
        """Every weight and bias (design order) and, given ``arrays``, those
        layer arrays ((layer id, array name) -> values), as one step."""
        self.push(text, recipes.set_numbers(self.design, weights, biases, arrays))

    # -- layers drawn as blocks, and links ------------------------------------------------
    def add_block(self, type_name: str, x: float, y: float, **kwargs) -> int:
        """A new block layer (an image, a convolution...) centred at (x, y)."""
        layer_id, ops = blocks.add_block(self.design, type_name, x, y, **kwargs)
        self.push(f"Add {blocks.SHORT_NAMES.get(type_name, type_name)} layer", ops)
        return layer_id

    def link_layers(self, source_layer: int, target_layer: int) -> None:
        """Raises EditError when the link is refused."""
        ops = blocks.link_layers(self.design, source_layer, target_layer, self.rng)
        s, t = self.index.layer(source_layer).name, self.index.layer(target_layer).name
        self.push(f"Link '{s}' to '{t}'", ops)

    def unlink(self, pairs) -> None:
        self.push("Delete link" if len(pairs) == 1 else f"Delete {len(pairs)} links", blocks.unlink(self.design, pairs))

    def set_block(self, layer_id: int, **values) -> None:
        """A block's name, activation or options (raises EditError when a
        setting does not fit)."""
        ops = blocks.set_block(self.design, layer_id, self.rng, **values)
        self.push(_describe_set("layer", values), ops, mergeable="name" in values and len(values) == 1)

    def move_layers(self, positions: dict[int, tuple[float, float]], text: str = "Move layer") -> None:
        self.push(text, blocks.move_layers(self.design, positions))

    def arrange(self) -> None:
        self.push("Arrange layers", recipes.arrange(self.design))

    def paste(self, frag: dict, dx: float, dy: float, text: str = "Paste", blocks_out: list | None = None) -> list[int]:
        ids, ops = recipes.paste(self.design, frag, dx, dy, blocks_out)
        self.push(text, ops)
        return ids


def _describe_set(what: str, values: dict) -> str:
    names = ", ".join(k.replace("_", " ") for k in values)
    return f"Change {what} {names}"


__all__ = ["Document", "EditCommand", "EditError"]
