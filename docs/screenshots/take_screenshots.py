"""Take the README's screenshots of the real window.

Run under a virtual screen from the repository root:

    xvfb-run -a -s "-screen 0 1366x768x24" python docs/screenshots/take_screenshots.py

Writes editor.png (the circle example after a few seconds of training, in
the Train workspace), step-through.png (one XOR sample stepped backward, in
the Learn workspace), lesson.png (lesson 6, backpropagation) and gan.png (the
gan-ring example after a few seconds of training) next to this file, all at a
laptop's 1366x768; name some of them to take only those. Settings and autosaves go to a
temporary folder, so the user's own are untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_tmp = tempfile.mkdtemp(prefix="nnsim-shots-")
os.environ["NNSIM_CONFIG_DIR"] = os.path.join(_tmp, "config")
os.environ["NNSIM_DATA_DIR"] = os.path.join(_tmp, "data")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnsim.app.files import DISCARD  # noqa: E402
from nnsim.app.main import application, create_main_window  # noqa: E402
from nnsim.resources import example_path  # noqa: E402

SIZE = (1366, 768)


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def window_for(path=None):
    w = create_main_window(str(path) if path else None)
    w.resize(*SIZE)
    w.show()
    wait(600)
    return w


def save(w, name: str) -> None:
    out = HERE / name
    w.grab().save(str(out))
    print(f"{out.name}: {out.stat().st_size // 1024} KB")


def close(w) -> None:
    w.files.ask_unsaved = lambda: DISCARD  # the trained weights are not to be kept
    w.close()
    wait(100)


def editor() -> None:
    w = window_for(example_path("circle"))
    w.workspaces.switch("train")
    wait(400)
    w.training.actions.play.trigger()
    wait(4000)
    w.training.actions.play.trigger()
    wait(600)
    w.scene.clearSelection()
    save(w, "editor.png")
    close(w)


def step_through() -> None:
    w = window_for(example_path("xor-mlp"))
    w.learn_mode.show("step_through")
    panel = w.learn_mode.step_through
    wait(400)
    panel.choose_sample(1)
    wait(200)
    backward = [i for i, f in enumerate(panel.walk.frames) if f.phase == "backward"]
    panel.go(backward[1])  # the error flowing back into a hidden neuron
    wait(600)
    save(w, "step-through.png")
    close(w)


def lesson() -> None:
    w = window_for()
    w.learn_mode.show("lessons")
    panel = w.learn_mode.lessons
    panel.open_lesson("backpropagation")
    wait(800)
    save(w, "lesson.png")
    close(w)


def gan() -> None:
    w = window_for(example_path("gan-ring"))
    w.workspaces.switch("train")
    wait(400)
    w.training.actions.play.trigger()
    wait(6000)
    w.training.actions.play.trigger()
    wait(800)
    w.scene.clearSelection()
    save(w, "gan.png")
    close(w)


def main() -> int:
    app = application()
    takes = {"editor": editor, "step-through": step_through, "lesson": lesson, "gan": gan}
    for name in sys.argv[1:] or takes:  # python take_screenshots.py gan: only that one
        takes[name]()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
