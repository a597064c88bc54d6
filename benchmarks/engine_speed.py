"""Training steps per second: nnsim's engine against a plain NumPy loop.

Both train the same network on the same data with the same arithmetic
(forward, backward, loss of the batch, plain SGD update, a fresh shuffle each
epoch), in the same process, alternating in rounds so that machine noise hits
both alike. The plain loop is what one writes by hand for one fixed
architecture: no masks, no generality.

    python benchmarks/engine_speed.py [--seconds 3] [--json]

Cases:
  small  TensorFlow Playground's size: 2-8-8-1 tanh, batch 10, SGD, MSE, 250 points
  large  784-256-256-10 ReLU + softmax, batch 128, SGD, softmax cross-entropy, float32
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from nnsim.design.build import initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Init, Loss, Optimizer, TrainingSettings
from nnsim.engine.targets import TargetCoding
from nnsim.engine.trainer import Trainer, TrainingData


class PlainLoop:
    """Hand-written training of a fully connected net, one fixed architecture."""

    def __init__(self, weights, biases, hidden, loss, x, y, batch, lr, rng):
        self.W = [w.copy() for w in weights]
        self.b = [b.copy() for b in biases]
        self.hidden, self.loss = hidden, loss
        self.x, self.y, self.batch, self.lr, self.rng = x, y, batch, lr, rng
        self.pos = len(x)
        self.last_loss = 0.0

    def steps(self, n):
        W, b, lr, B = self.W, self.b, self.lr, self.batch
        L = len(W)
        for _ in range(n):
            if self.pos >= len(self.x):
                order = self.rng.permutation(len(self.x))
                self.xs, self.ys, self.pos = self.x[order], self.y[order], 0
            xb = self.xs[self.pos : self.pos + B]
            yb = self.ys[self.pos : self.pos + B]
            self.pos += B
            acts = [xb]
            for i in range(L):
                z = acts[-1] @ W[i] + b[i]
                if i < L - 1:
                    acts.append(np.tanh(z) if self.hidden == "tanh" else np.maximum(z, 0))
                elif self.loss == "mse":
                    acts.append(np.tanh(z))
                else:
                    e = np.exp(z - z.max(axis=1, keepdims=True))
                    acts.append(e / e.sum(axis=1, keepdims=True))
            out, m = acts[-1], len(xb)
            if self.loss == "mse":
                d = out - yb
                self.last_loss = 0.5 * float(np.sum(d * d)) / m
                delta = d * (1 - out * out) / m
            else:
                self.last_loss = -float(np.sum(yb * np.log(np.clip(out, 1e-12, 1)))) / m
                delta = (out - yb) / m
            for i in range(L - 1, -1, -1):
                gW = acts[i].T @ delta
                gb = delta.sum(axis=0)
                if i > 0:
                    g = delta @ W[i].T
                    a = acts[i]
                    delta = g * (1 - a * a) if self.hidden == "tanh" else g * (a > 0)
                W[i] -= lr * gW
                b[i] -= lr * gb


def make_case(name):
    rng = np.random.default_rng(0)
    if name == "small":
        sizes, hidden, out, loss, batch, dtype = [2, 8, 8, 1], Activation.TANH, Activation.TANH, Loss.MSE, 10, np.float64
        x = rng.uniform(-6, 6, size=(250, 2))
        y = np.where(x[:, :1] * x[:, 1:] >= 0, 1.0, -1.0)
    else:
        sizes, hidden, out, loss, batch, dtype = (
            [784, 256, 256, 10],
            Activation.RELU,
            Activation.SOFTMAX,
            Loss.SOFTMAX_CROSS_ENTROPY,
            128,
            np.float32,
        )
        x = rng.random((4096, 784))
        y = np.eye(10)[rng.integers(0, 10, size=4096)]
    design = layered(sizes, hidden, out)
    design.training = TrainingSettings(learning_rate=0.01, batch_size=batch, optimizer=Optimizer.SGD, loss=loss)
    initialize(design, np.random.default_rng(1), Init.XAVIER if name == "large" else Init.UNIFORM)
    return design, x.astype(dtype), y.astype(dtype), dtype, ("tanh" if name == "small" else "relu"), (
        "mse" if name == "small" else "sce"
    )


def run_case(name, seconds):
    design, x, y, dtype, hidden, loss = make_case(name)
    compiled = compile_design(design, dtype)
    net = compiled.network
    data = TrainingData(x, y, x[:0], y[:0], None, None, TargetCoding("regression", y.shape[1]))
    trainer = Trainer(net, design.training, data, np.random.default_rng(2))
    Ws = [blk.W for blk in net.blocks]
    bs = [op.b for op in net.trainable_layers]
    plain = PlainLoop(Ws, bs, hidden, loss, x, y, design.training.batch_size, design.training.learning_rate,
                      np.random.default_rng(2))
    chunk = 200 if name == "small" else 5
    runs = {"nnsim": lambda: trainer.train_steps(chunk, evaluate=False), "plain": lambda: plain.steps(chunk)}
    for f in runs.values():  # warm up
        f()
    totals = {k: [0, 0.0] for k in runs}
    end = time.perf_counter() + 2 * seconds
    while time.perf_counter() < end:
        for k, f in runs.items():
            t = time.perf_counter()
            f()
            totals[k][0] += chunk
            totals[k][1] += time.perf_counter() - t
    rate = {k: n / s for k, (n, s) in totals.items()}
    return {"case": name, "nnsim_steps_per_s": rate["nnsim"], "plain_steps_per_s": rate["plain"],
            "ratio": rate["nnsim"] / rate["plain"]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=3.0, help="time per implementation per case")
    p.add_argument("--json", action="store_true")
    p.add_argument("--case", choices=["small", "large"], action="append")
    args = p.parse_args()
    results = [run_case(c, args.seconds) for c in (args.case or ["small", "large"])]
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"{'case':8} {'nnsim steps/s':>14} {'plain loop steps/s':>19} {'ratio':>7}")
    for r in results:
        print(f"{r['case']:8} {r['nnsim_steps_per_s']:14,.0f} {r['plain_steps_per_s']:19,.0f} {r['ratio']:7.2f}")


if __name__ == "__main__":
    main()
