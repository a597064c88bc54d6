"""GAN training speed: nnsim's adversarial program against a plain NumPy
loop of the same two networks, measured in the same run.

Both train the ``gan-ring`` example's networks (GAN Lab's tuned ring: a
generator 2 → 10 → 10 → 2 tanh, a discriminator 2 → 9 → 9 → 9 → 1 sigmoid,
ReLU hidden layers, batch 150, 3 discriminator updates and 1 generator
update per round, SGD) from the same starting weights, on the same pool of
real points. The reference is what one would write by hand: a list of
weight matrices per player, forward and backward as a few matmuls, no
checks. Rounds per second, best of ``--repeats`` runs of ``--rounds``.

Targets: nnsim ≥ 0.8× the reference; GAN Lab runs one round per animation
frame (at most 60 rounds/s).

    python benchmarks/gan_speed.py [--rounds 1000] [--repeats 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import nnsim
from nnsim.design.gan import compile_gan
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR
from nnsim.session import Session


def reference_arrays(design):
    """Each player's weight matrices and biases in layer order."""
    comp = compile_gan(design)
    out = {}
    for group in (GENERATOR, DISCRIMINATOR):
        net = comp.players.network(group)
        Ws = [blk.W.copy() for blk in net.blocks]
        bs = [n.b.copy() for n in net.layers if n.b is not None]
        out[group] = (Ws, bs)
    return out


def reference_loop(design, pool: np.ndarray, rounds: int, seed: int = 0) -> float:
    """A hand-written NumPy GAN of the same sizes and schedule; rounds/s."""
    arrays = reference_arrays(design)
    gW, gb = arrays[GENERATOR]
    dW, db = arrays[DISCRIMINATOR]
    gs = design.gan
    lr_d, lr_g = gs.discriminator.learning_rate, gs.generator.learning_rate
    k_d, k_g = gs.discriminator.steps, gs.generator.steps
    b = design.training.batch_size
    rng = np.random.default_rng(seed)
    order, pos = rng.permutation(len(pool)), 0

    def g_forward(z):
        hs = [z]
        for i, (W, bias) in enumerate(zip(gW, gb)):
            s = hs[-1] @ W + bias
            hs.append(np.tanh(s) if i == len(gW) - 1 else np.maximum(s, 0))
        return hs

    def d_forward(x):
        hs = [x]
        for i, (W, bias) in enumerate(zip(dW, db)):
            s = hs[-1] @ W + bias
            hs.append(s if i == len(dW) - 1 else np.maximum(s, 0))
        return hs  # the last is the logit

    def d_backward(hs, delta, want_input=False):
        grads = []
        for i in range(len(dW) - 1, -1, -1):
            grads.append((hs[i].T @ delta, delta.sum(0)))
            if i or want_input:
                delta = delta @ dW[i].T
                if i:
                    delta = delta * (hs[i] > 0)
        return grads[::-1], delta

    start = time.perf_counter()
    for _ in range(rounds):
        for _ in range(k_d):
            if pos + b > len(pool):
                order, pos = rng.permutation(len(pool)), 0
            real = pool[order[pos : pos + b]]
            pos += b
            fake = g_forward(rng.random((b, 2)))[-1]
            hs = d_forward(np.concatenate([real, fake]))
            a = 1 / (1 + np.exp(-hs[-1]))
            delta = np.concatenate([a[:b] - 1, a[b:]]) / b
            grads, _ = d_backward(hs, delta)
            for i, (gw, gbias) in enumerate(grads):
                dW[i] -= lr_d * gw
                db[i] -= lr_d * gbias
        for _ in range(k_g):
            ghs = g_forward(rng.random((b, 2)))
            hs = d_forward(ghs[-1])
            a = 1 / (1 + np.exp(-hs[-1]))
            _, delta = d_backward(hs, (a - 1) / b, want_input=True)
            delta = delta * (1 - ghs[-1] ** 2)
            for i in range(len(gW) - 1, -1, -1):
                gw, gbias = ghs[i].T @ delta, delta.sum(0)
                if i:
                    delta = (delta @ gW[i].T) * (ghs[i] > 0)
                gW[i] -= lr_g * gw
                gb[i] -= lr_g * gbias
    return rounds / (time.perf_counter() - start)


def nnsim_loop(design, rounds: int) -> float:
    session = Session(design.copy())
    trainer = session.trainer
    start = time.perf_counter()
    trainer.train_steps(rounds, evaluate=False)
    return rounds / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    design = nnsim.example("gan-ring")
    pool = Session(design.copy()).data.x_train
    ours = ref = 0.0
    for _ in range(args.repeats):  # taken in turns, so that a busy machine slows both alike
        ours = max(ours, nnsim_loop(design, args.rounds))
        ref = max(ref, reference_loop(design, pool, args.rounds))
    result = {"nnsim_rounds_per_s": round(ours), "numpy_rounds_per_s": round(ref), "ratio": round(ours / ref, 2),
              "gan_lab_rounds_per_s": 60}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"gan-ring, {args.rounds} rounds: nnsim {ours:,.0f} rounds/s, plain NumPy {ref:,.0f} rounds/s "
              f"({ours / ref:.2f}×); GAN Lab at most 60 rounds/s ({ours / 60:.0f}× that)")


if __name__ == "__main__":
    main()
