"""The undo command that writes trained numbers (and history) into the design.

It is the Document's ``EditCommand`` (so undo and redo emit the usual
signals), with one addition: the commands of consecutive single steps merge,
so clicking "Step" twenty times leaves one "Train 20 steps" in the history.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from nnsim.app.document import Document, EditCommand
from nnsim.design.edits import SetField, SetNumbers

TRAIN_MERGE_ID = 4343


class TrainCommand(EditCommand):
    def __init__(self, document: Document, text: str, ops: list, steps: int, mergeable: bool = False):
        super().__init__(document, text, ops)
        self.steps = steps
        self.step_merge = mergeable

    def id(self) -> int:  # noqa: A003 - Qt's name
        return TRAIN_MERGE_ID if self.step_merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not (isinstance(other, TrainCommand) and self.step_merge and other.step_merge):
            return False
        mine, theirs = _split(self.ops), _split(other.ops)
        if mine[0] is None or theirs[0] is None:
            return False
        ops: list = [mine[0].then(theirs[0])]
        ha, hb = mine[1], theirs[1]
        if ha is not None and hb is not None:
            ops.append(SetField(ha.target, ha.field, ha.old, hb.new))
        elif ha is not None or hb is not None:
            ops.append(ha if ha is not None else hb)
        self.ops = ops
        self.steps += other.steps
        self.setText(f"Train {self.steps} steps")
        return True


def _split(ops):
    numbers = next((op for op in ops if isinstance(op, SetNumbers)), None)
    history = next((op for op in ops if isinstance(op, SetField) and op.field == "history"), None)
    return numbers, history
