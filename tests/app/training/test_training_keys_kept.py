"""A Reset, or the undo and redo of a trained run, changes only numbers and
the history: the keys that tell whether a design must be compiled again
(a pass over every connection) are not made again for it; any other edit
makes them again."""

from __future__ import annotations

import numpy as np

import nnsim.app.training.sync as sync
from nnsim.app.document import Document
from nnsim.design.build import initialize, layered
from nnsim.design.recipes import set_numbers
from nnsim.design.edits import set_fields


def test_new_numbers_and_history_keep_the_structure_revision_and_the_keys(qapp, monkeypatch):
    d = layered([2, 3, 1])
    initialize(d, np.random.default_rng(0))
    doc = Document(d)
    made = []
    real = sync.compile_key
    monkeypatch.setattr(sync, "compile_key", lambda design: made.append(1) or real(design))
    keeper = sync.DocumentSync.__new__(sync.DocumentSync)
    keeper.document, keeper._keys_at, keeper._keys_now = doc, None, (None, None)
    first = keeper._keys(doc.design)
    w = np.arange(len(d.connections), dtype=float)
    doc.push("Reset", set_numbers(doc.design, w, np.zeros(len(d.neurons)))
             + set_fields(("design", None), doc.design, history=[], training_state=None))
    doc.undo()
    doc.redo()
    assert keeper._keys(doc.design) is first and made == [1]
    doc.push("Rename", set_fields(("design", None), doc.design, name="other"))
    assert keeper._keys(doc.design) == first and made == [1, 1]  # made again (equal: nothing compiled changed)
    doc.push("Frozen", set_fields(("connection", (d.connections[0].source, d.connections[0].target)),
                                  d.connections[0], frozen=True))
    assert keeper._keys(doc.design)[0] != first[0] and len(made) == 3
