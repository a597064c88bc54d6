"""Training speed of the digits CNN: nnsim's engine against a plain NumPy loop
and PyTorch.

The network: 8×8×1 digits -> convolution of 8 filters 3×3, padding "same",
ReLU -> 2×2 max pooling -> flatten -> dense softmax of 10; softmax
cross-entropy, Adam (rate 0.01), batches of 32, a fresh shuffle each epoch.

- nnsim: the engine's operations (Conv2D, MaxPool2D, Flatten, Dense) in a
  ``Network``, trained by the engine's ``Trainer`` and Adam.
- plain: the same network written by hand in NumPy for this one architecture
  (channels last, im2col through a sliding-window view, one Adam per array).
- torch: PyTorch eager on one thread, when it is installed.

All three start from the same weights and see the same batches, in the same
process, alternating in rounds so that machine noise hits them alike; a
check first trains nnsim and the plain loop 30 steps side by side and prints
how far their weights drifted apart (rounding only). NumPy's BLAS is held to
one thread too. Then nnsim trains epoch by epoch, evaluating after each, until
95% of the test images are right, for a few seeds.

    python benchmarks/cnn_speed.py [--seconds 3] [--dtype float64|float32|both] [--json]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

from nnsim.data.images import load_digits  # noqa: E402
from nnsim.engine.activations import LayerActivation  # noqa: E402
from nnsim.engine.network import HIDDEN, INPUT, OUTPUT, Block, Network, Node  # noqa: E402
from nnsim.engine.ops.conv import Conv2D, Flatten, MaxPool2D  # noqa: E402
from nnsim.engine.ops.dense import Dense  # noqa: E402
from nnsim.engine.targets import CLASSIFICATION, TargetCoding  # noqa: E402
from nnsim.engine.trainer import Trainer, TrainingData  # noqa: E402
from nnsim.engine.vocab import Activation, Loss, Optimizer, TrainingSettings  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

FILTERS, CLASSES, BATCH, RATE = 8, 10, 32, 0.01
KERNEL, BIAS1, WEIGHT, BIAS2 = "layer:1/kernel", "layer:1/bias", "layer:3->layer:4/weight", "layer:4/bias"


def digits_cnn(dtype) -> Network:
    """The network, built from the engine's operations as the compiler will."""
    conv = Conv2D((1, 8, 8), FILTERS, 3, Activation.RELU, KERNEL, BIAS1, padding="same")
    pool = MaxPool2D(conv.out_shape, 2)
    flat = Flatten(pool.out_shape)
    dense = Dense([flat.out_shape[0]], CLASSES, LayerActivation([Activation.SOFTMAX] * CLASSES, np.zeros(CLASSES)),
                  [WEIGHT], BIAS2)
    nodes = [
        Node(0, "layer:0", INPUT, 64, shape=(1, 8, 8)),
        Node(1, "layer:1", HIDDEN, conv.out_shape[0] * 64, op=conv, sources=[0], shape=conv.out_shape),
        Node(2, "layer:2", HIDDEN, flat.out_shape[0], op=pool, sources=[1], shape=pool.out_shape),
        Node(3, "layer:3", HIDDEN, flat.out_shape[0], op=flat, sources=[2]),
        Node(4, "layer:4", OUTPUT, CLASSES, op=dense, sources=[3], inputs=[Block(3, 4, WEIGHT)]),
    ]
    return Network(nodes, Loss.SOFTMAX_CROSS_ENTROPY, dtype)


def initial_weights(seed: int) -> dict[str, np.ndarray]:
    """Glorot-uniform kernels and weights, zero biases."""
    rng = np.random.default_rng(seed)
    k = np.sqrt(6.0 / (9 + 9 * FILTERS))
    w = np.sqrt(6.0 / (128 + CLASSES))
    return {KERNEL: rng.uniform(-k, k, (FILTERS, 1, 3, 3)), BIAS1: np.zeros(FILTERS),
            WEIGHT: rng.uniform(-w, w, (128, CLASSES)), BIAS2: np.zeros(CLASSES)}


def settings() -> TrainingSettings:
    return TrainingSettings(learning_rate=RATE, batch_size=BATCH, optimizer=Optimizer.ADAM,
                            loss=Loss.SOFTMAX_CROSS_ENTROPY)


class PlainLoop:
    """The digits CNN by hand: channels last, one fixed architecture."""

    def __init__(self, weights, x, y, rng, dtype):
        self.K = weights[KERNEL].reshape(FILTERS, 9).T.astype(dtype)  # (9, F)
        self.b1 = weights[BIAS1].astype(dtype)
        self.W = weights[WEIGHT].astype(dtype)  # (128, 10), rows in (channel, row, column) order
        self.b2 = weights[BIAS2].astype(dtype)
        self.params = [self.K, self.b1, self.W, self.b2]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0
        self.x = x.reshape(-1, 8, 8).astype(dtype)
        self.y = y.astype(dtype)
        self.rng = rng
        self.pos = len(x)
        self.xp = np.zeros((BATCH, 10, 10), dtype)

    def steps(self, n):
        for _ in range(n):
            if self.pos >= len(self.x):
                order = self.rng.permutation(len(self.x))
                self.xs, self.ys, self.pos = self.x[order], self.y[order], 0
            xb = self.xs[self.pos : self.pos + BATCH]
            yb = self.ys[self.pos : self.pos + BATCH]
            self.pos += BATCH
            self.step(xb, yb)

    def step(self, xb, yb):
        B = len(xb)
        xp = self.xp[:B]
        xp[:, 1:9, 1:9] = xb
        cols = sliding_window_view(xp, (3, 3), axis=(1, 2)).reshape(B * 64, 9)  # a copy
        z1 = cols @ self.K + self.b1  # (B·64, F)
        a1 = np.maximum(z1, 0.0)
        # 2×2 windows as (B, 4, 4, F, 4); the first maximum of a window wins
        # (equal pixels are common: patches of saturated strokes are alike).
        win = a1.reshape(B, 4, 2, 4, 2, FILTERS).transpose(0, 1, 3, 5, 2, 4).reshape(B, 4, 4, FILTERS, 4)
        arg = win.argmax(axis=-1)
        p = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]  # (B, 4, 4, F)
        flat = p.transpose(0, 3, 1, 2).reshape(B, 128)
        z2 = flat @ self.W + self.b2
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        out = e / e.sum(axis=1, keepdims=True)
        self.loss = -float(np.sum(yb * np.log(np.clip(out, 1e-300, 1.0)))) / B
        d2 = (out - yb) / B
        gW = flat.T @ d2
        gb2 = d2.sum(axis=0)
        dp = (d2 @ self.W.T).reshape(B, FILTERS, 4, 4).transpose(0, 2, 3, 1)
        dwin = (arg[..., None] == np.arange(4)) * dp[..., None]  # (B, 4, 4, F, 4)
        da1 = dwin.reshape(B, 4, 4, FILTERS, 2, 2).transpose(0, 1, 4, 2, 5, 3)
        dz1 = da1.reshape(B * 64, FILTERS) * (z1 > 0)
        gK = cols.T @ dz1
        gb1 = dz1.sum(axis=0)
        self.adam([gK, gb1, gW, gb2])

    def adam(self, grads, b1=0.9, b2=0.999, eps=1e-8):
        self.t += 1
        c1, c2 = 1.0 - b1**self.t, 1.0 - b2**self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            p -= RATE * (m / c1) / (np.sqrt(v / c2) + eps)

    def kernel(self):
        return self.K.T.reshape(FILTERS, 1, 3, 3)


class TorchLoop:
    """The digits CNN in PyTorch, eager, one thread."""

    def __init__(self, weights, x, labels, rng, dtype):
        tdt = torch.float64 if dtype == np.float64 else torch.float32
        self.conv = torch.nn.Conv2d(1, FILTERS, 3, padding=1).to(tdt)
        self.dense = torch.nn.Linear(128, CLASSES).to(tdt)
        with torch.no_grad():
            self.conv.weight.copy_(torch.from_numpy(weights[KERNEL]))
            self.conv.bias.copy_(torch.from_numpy(weights[BIAS1]))
            self.dense.weight.copy_(torch.from_numpy(weights[WEIGHT].T.copy()))
            self.dense.bias.copy_(torch.from_numpy(weights[BIAS2]))
        params = [*self.conv.parameters(), *self.dense.parameters()]
        self.opt = torch.optim.Adam(params, lr=RATE, betas=(0.9, 0.999), eps=1e-8)
        self.x = torch.from_numpy(x.reshape(-1, 1, 8, 8).astype(dtype))
        self.labels = torch.from_numpy(labels.astype(np.int64))
        self.rng = rng
        self.pos = len(x)

    def steps(self, n):
        F = torch.nn.functional
        for _ in range(n):
            if self.pos >= len(self.x):
                order = torch.from_numpy(self.rng.permutation(len(self.x)))
                self.xs, self.ls, self.pos = self.x[order], self.labels[order], 0
            xb = self.xs[self.pos : self.pos + BATCH]
            lb = self.ls[self.pos : self.pos + BATCH]
            self.pos += BATCH
            self.opt.zero_grad(set_to_none=True)
            h = F.max_pool2d(F.relu(self.conv(xb)), 2)
            loss = F.cross_entropy(self.dense(h.flatten(1)), lb)
            loss.backward()
            self.opt.step()


def data(dtype):
    d = load_digits(0.8, np.random.default_rng(0))
    coding = TargetCoding(CLASSIFICATION, CLASSES)
    td = TrainingData(d.x_train, coding.encode(d.y_train), d.x_test, coding.encode(d.y_test), d.y_train, d.y_test,
                      coding)
    return d, td.astype(dtype)


def nnsim_trainer(dtype, seed=1, shuffle_seed=2):
    _, td = data(dtype)
    net = digits_cnn(dtype)
    net.set_params(initial_weights(seed))
    return Trainer(net, settings(), td, np.random.default_rng(shuffle_seed))


def check(dtype) -> float:
    """Largest difference between nnsim's and the plain loop's kernels after
    30 steps from the same start on the same batches."""
    trainer = nnsim_trainer(dtype)
    d, td = data(dtype)
    plain = PlainLoop(initial_weights(1), td.x_train, td.y_train, np.random.default_rng(2), dtype)
    trainer.train_steps(30, evaluate=False)
    plain.steps(30)
    return float(np.abs(trainer.net.parameters[KERNEL] - plain.kernel()).max())


def speed(dtype, seconds: float) -> dict:
    dtype = np.dtype(dtype).type
    trainer = nnsim_trainer(dtype)
    d, td = data(dtype)
    runs = {"nnsim": lambda: trainer.train_steps(CHUNK, evaluate=False)}
    plain = PlainLoop(initial_weights(1), td.x_train, td.y_train, np.random.default_rng(2), dtype)
    runs["plain"] = lambda: plain.steps(CHUNK)
    if torch is not None:
        torch.set_num_threads(1)
        tl = TorchLoop(initial_weights(1), td.x_train, d.y_train, np.random.default_rng(2), dtype)
        runs["torch"] = lambda: tl.steps(CHUNK)
    for f in runs.values():  # warm up
        f()
    totals = {k: [0, 0.0] for k in runs}
    end = time.perf_counter() + len(runs) * seconds
    while time.perf_counter() < end:
        for k, f in runs.items():
            t = time.perf_counter()
            f()
            totals[k][0] += CHUNK
            totals[k][1] += time.perf_counter() - t
    rate = {k: n / s for k, (n, s) in totals.items()}
    out = {"dtype": np.dtype(dtype).name, "drift_after_30_steps": check(dtype)}
    for k, r in rate.items():
        out[f"{k}_steps_per_s"] = r
    out["ratio_plain"] = rate["nnsim"] / rate["plain"]
    out["ratio_torch"] = rate["nnsim"] / rate["torch"] if "torch" in rate else None
    return out


CHUNK = 45  # one epoch is 45 batches of 32


def time_to_accuracy(target: float, seeds, dtype=np.float64, max_epochs: int = 30) -> list[dict]:
    """nnsim training (with its per-epoch evaluation) until the test accuracy
    reaches ``target``: seconds and epochs, per initial-weights seed."""
    results = []
    for seed in seeds:
        trainer = nnsim_trainer(dtype, seed=seed, shuffle_seed=seed + 100)
        start = time.perf_counter()
        while trainer.epoch < max_epochs:
            trainer.train_epochs(1)
            if trainer.history[-1].test_accuracy >= target:
                break
        took = time.perf_counter() - start
        rec = trainer.history[-1]
        results.append({"seed": seed, "seconds": took, "epochs": trainer.epoch, "test_accuracy": rec.test_accuracy,
                        "reached": rec.test_accuracy >= target})
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=3.0, help="time per implementation per dtype")
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    p.add_argument("--seeds", type=int, default=5, help="seeds for the time to 95%% test accuracy")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    dtypes = ["float64", "float32"] if args.dtype == "both" else [args.dtype]
    results = {"speed": [speed(dt, args.seconds) for dt in dtypes],
               "to_95": time_to_accuracy(0.95, range(args.seeds)),
               "torch": None if torch is None else torch.__version__}
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"{'dtype':8} {'nnsim steps/s':>14} {'plain steps/s':>14} {'torch steps/s':>14} {'vs plain':>9} "
          f"{'vs torch':>9} {'drift':>9}")
    for r in results["speed"]:
        torch_rate = f"{r['torch_steps_per_s']:14,.0f}" if r["ratio_torch"] is not None else f"{'-':>14}"
        vs_torch = f"{r['ratio_torch']:9.2f}" if r["ratio_torch"] is not None else f"{'-':>9}"
        print(f"{r['dtype']:8} {r['nnsim_steps_per_s']:14,.0f} {r['plain_steps_per_s']:14,.0f} {torch_rate} "
              f"{r['ratio_plain']:9.2f} {vs_torch} {r['drift_after_30_steps']:9.1e}")
    print("\nnnsim float64 to 95% test accuracy (training plus one evaluation per epoch):")
    for r in results["to_95"]:
        state = "reached" if r["reached"] else "NOT reached"
        print(f"  seed {r['seed']}: {state} {r['test_accuracy']:.3f} after {r['epochs']} epochs, {r['seconds']:.2f} s")


if __name__ == "__main__":
    main()
