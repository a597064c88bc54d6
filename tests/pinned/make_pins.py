"""Record what every shipped example predicts after a fixed training run.

Run from the repository root: ``python tests/pinned/make_pins.py``. It writes
``tests/pinned/example_predictions.json``, which ``test_pinned_predictions.py``
compares against. Rerun it only when a change is meant to change these numbers
(and say so in the commit message).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import nnsim
from nnsim.data import load_dataset
from nnsim.resources import examples_dir

EPOCHS = 20
SEED = 0
ROWS = 40  # inputs predicted per example: the first rows of train and test
OUT = Path(__file__).with_name("example_predictions.json")


def example_names() -> list[str]:
    return sorted(p.stem for p in examples_dir().glob("*.nnsim"))


def pinned_inputs(design) -> np.ndarray:
    ds = load_dataset(design.dataset)
    return np.concatenate([ds.x_train[:ROWS], ds.x_test[:ROWS]])


def run(name: str) -> dict:
    design = nnsim.example(name)
    x = pinned_inputs(design)
    summary = nnsim.train(design, epochs=EPOCHS, seed=SEED)
    out = {
        "inputs": x.tolist(),
        "predictions": nnsim.predict(design, x).tolist(),
        "train_loss": summary.train_loss,
        "steps": summary.steps,
    }
    if design.training.rule == "adversarial":  # a GAN: its predictions are the discriminator's; pin its samples too
        out["generated"] = nnsim.generate(design, ROWS, seed=SEED).tolist()
    return out


def main() -> None:
    """Pins the examples not pinned yet (``--all``: every example again)."""
    import sys

    pins = {} if "--all" in sys.argv or not OUT.exists() else json.loads(OUT.read_text(encoding="utf-8"))
    pins = {name: pins[name] if name in pins else run(name) for name in example_names()}
    OUT.write_text(json.dumps(pins, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(pins)} examples)")


if __name__ == "__main__":
    main()
