"""The process ends cleanly however Qt objects made in Python are left.

Each case runs in a child process, because the crashes it guards against
(SIGSEGV) happen while the interpreter collects garbage or after it has
finalized, where a test in this process could not see them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import gc
from PySide6.QtWidgets import QApplication
app = QApplication([])
from nnsim import example
from nnsim.app.document import Document
from nnsim.design.model import LayerKind
"""

# A document in a reference cycle, with commands on its undo stack, taken by
# the garbage collector: the stack must be emptied before its commands' Python
# side is freed.
DOCUMENT_IN_A_CYCLE = """
for _ in range(5):
    doc = Document(example("xor-mlp"))
    doc.cycle = doc
    for i in range(5):
        doc.add_layer(LayerKind.HIDDEN, 2, 100.0 * i, 0.0)
    doc.undo_stack.undo()
    del doc
    gc.collect()
print("done")
"""

# Copied neurons left on the clipboard at exit: the clipboard's mime data,
# made in Python, must be released while Python is still alive.
CLIPBOARD_AT_EXIT = """
from nnsim.app.canvas import CanvasScene
from nnsim.app.canvas.selection import FRAGMENT_MIME, copy_selection
doc = Document(example("xor-mlp"))
scene = CanvasScene(doc)
for item in scene.neuron_items.values():
    item.setSelected(True)
assert copy_selection(scene)
assert QApplication.clipboard().mimeData().hasFormat(FRAGMENT_MIME)
print("done")
"""


@pytest.mark.parametrize("body", [DOCUMENT_IN_A_CYCLE, CLIPBOARD_AT_EXIT], ids=["document-cycle", "clipboard"])
def test_child_process_exits_cleanly(body):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = textwrap.dedent(PRELUDE) + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"exit status {proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.stdout.strip().endswith("done")
