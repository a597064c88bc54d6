"""Record what every shipped example predicts after a fixed training run.

Run from the repository root: ``python tests/pinned/make_pins.py [NAME ...]
[--all]``. It writes ``tests/pinned/example_predictions.json``, which
``test_pinned_predictions.py`` compares against. It pins the examples not
pinned yet (and the NAMEs given, again), keeping the other pins; ``--all`` pins
every one again: use that only when a change is meant to change these numbers
(and say so in the commit message).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import nnsim
from nnsim.data import load_dataset
from nnsim.resources import examples_dir

EPOCHS = 20
SEED = 0
ROWS = 40  # inputs predicted per example: the first rows of train and test
# Sequence examples: fewer epochs and rows (sequences), so that pinning stays quick.
SEQUENCE_EPOCHS = 2
SEQUENCE_ROWS = 2
SEQUENCE_STEPS = 10  # at most, the same for train and test
OUT = Path(__file__).with_name("example_predictions.json")


def example_names() -> list[str]:
    return sorted(p.stem for p in examples_dir().glob("*.nnsim"))


def pinned_inputs(design) -> np.ndarray:
    ds = load_dataset(design.dataset)
    if ds.x_train.ndim == 3:
        steps = min(SEQUENCE_STEPS, ds.x_train.shape[1], ds.x_test.shape[1])
        return np.concatenate([ds.x_train[:SEQUENCE_ROWS, :steps], ds.x_test[:SEQUENCE_ROWS, :steps]])
    return np.concatenate([ds.x_train[:ROWS], ds.x_test[:ROWS]])


def run(name: str) -> dict:
    design = nnsim.example(name)
    x = pinned_inputs(design)
    summary = nnsim.train(design, epochs=SEQUENCE_EPOCHS if x.ndim == 3 else EPOCHS, seed=SEED)
    out = {
        "inputs": x.tolist(),
        "predictions": nnsim.predict(design, x).tolist(),
        "train_loss": summary.train_loss,
        "steps": summary.steps,
    }
    if design.training.rule == "adversarial":  # a GAN: its predictions are the discriminator's; pin its samples too
        out["generated"] = nnsim.generate(design, ROWS, seed=SEED).tolist()
    return out


def main(args: list[str]) -> None:
    """Pin the examples not pinned yet; NAMEs pin those again too; ``--all``
    pins every one again."""
    names = {a for a in args if a != "--all"}
    old = {} if "--all" in args or not OUT.exists() else json.loads(OUT.read_text(encoding="utf-8"))
    pins = {name: old[name] if name in old and name not in names else run(name) for name in example_names()}
    OUT.write_text(json.dumps(pins, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(pins)} examples, {len(pins.keys() - old.keys())} new)")


if __name__ == "__main__":
    main(sys.argv[1:])
