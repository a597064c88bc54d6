"""Undoable weight changes made by the learn tools.

A run of updates (the perceptron settling, gradient descent on the loss
landscape) is many small changes; each one is pushed so the canvas follows,
but one run merges into one undo step ("Perceptron: 12 updates").
"""

from __future__ import annotations

import itertools

from PySide6.QtGui import QUndoCommand

from nnsim.app.document import Document, EditCommand
from nnsim.design import recipes

RUN_MERGE_ID = 4343
_runs = itertools.count(1)


def new_run_id() -> int:
    return next(_runs)


class RunNumbersCommand(EditCommand):
    """Set every weight and bias; merges with the next command of the same run."""

    def __init__(self, document: Document, text: str, ops: list, run_id: int):
        super().__init__(document, text, ops)
        self.run_id = run_id

    def id(self) -> int:  # noqa: A003 - Qt's name
        return RUN_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, RunNumbersCommand) or other.run_id != self.run_id:
            return False
        first, last = self.ops[0], other.ops[0]
        self.ops = [first.then(last)]
        self.setText(other.text())
        return True


def push_numbers(document: Document, weights, biases, text: str, run_id: int | None = None, arrays=None) -> None:
    """Set all weights and biases (and layer arrays) as one undoable step
    (merged into the run's step when ``run_id`` is given). Raises EditError
    for non-finite numbers."""
    ops = recipes.set_numbers(document.design, weights, biases, arrays)
    if run_id is None:
        document.push(text, ops)
    else:
        document.undo_stack.push(RunNumbersCommand(document, text, ops, run_id))
