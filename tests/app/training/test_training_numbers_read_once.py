"""Opening a design reads its numbers once on the window's thread (each read
of a large design's numbers is a pass over every connection): the change
that follows the new path finds nothing new to build."""

from __future__ import annotations

import nnsim.app.training.controller as controller_module
import nnsim.app.training.sync as sync_module
from nnsim.app.document import Document
from nnsim.app.training.controller import TrainingController
import nnsim


def test_a_replaced_design_is_read_once_and_built_once(qtbot, monkeypatch):
    doc = Document()
    c = TrainingController(doc)
    reads, built = [], []
    for module in (sync_module, controller_module):
        real = module.all_numbers
        monkeypatch.setattr(module, "all_numbers", lambda d, real=real: reads.append(d) or real(d))
    c.session_changed.connect(lambda: built.append(c.session))
    design = nnsim.example("xor-mlp")
    doc.replace(design)  # signals the reset, the new path and the change
    assert reads == [design] and len(built) == 1 and built[0] is not None
    doc.set_training(learning_rate=design.training.learning_rate * 2)  # an edit after it is classified as ever
    assert len(reads) == 2 and c.session is built[0]
    doc.undo()
    doc.set_numbers([0.5] * len(design.connections), [0.0] * len(design.neurons), "Numbers")
    assert c.session is built[0] and c.numbers.read().weights.tolist() == [0.5] * len(design.connections)
    c.shutdown()
