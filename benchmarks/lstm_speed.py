"""LSTM training steps per second on temporal order: nnsim's operations
against a plain hand-written NumPy LSTM loop and PyTorch.

The model: an LSTM of 4 cells over sequences of 50 one-hot symbols, its last
hidden output into a dense softmax layer of 4 classes; softmax cross-entropy,
batch 32, Adam (rate 0.01), float64. nnsim runs its ``LSTM`` operation, its
``Dense`` operation and its ``Adam`` on one flat parameter store. The plain
loop is what one writes by hand for this one model: per-step forward and
backward with the parameter gradients summed inside the loop over time, and
Adam per array. Both start from the same numbers and see the same batches,
so they follow the same trajectory (printed: the largest difference of any
weight after 100 steps; over thousands of steps rounding differences grow and
the runs part ways, as any two orders of the same sums do). PyTorch (``nn.LSTM`` + ``nn.Linear``, eager,
one thread, float64, same numbers and batches) runs when installed.

The implementations alternate in rounds in one process so that machine noise
hits all alike. Then nnsim trains from the start until the test accuracy
(1,000 held-out sequences, checked every 25 steps) reaches 95%.

    python benchmarks/lstm_speed.py [--seconds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from nnsim.data.sequence_tasks import temporal_order
from nnsim.engine import losses
from nnsim.engine.activations import LayerActivation
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.optimizers import Adam
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation, Loss, Optimizer, TrainingSettings

H, CLASSES, BATCH, RATE = 4, 4, 32, 0.01
SCE = Loss.SOFTMAX_CROSS_ENTROPY


class NnsimModel:
    """nnsim's operations on one parameter store."""

    def __init__(self, arrays, x, y):
        self.lstm = LSTM(x.shape[2], H, "lstm/weight", "lstm/bias")
        self.dense = Dense([H], CLASSES, LayerActivation([Activation.SOFTMAX] * CLASSES, np.zeros(CLASSES)),
                           ["out/weight"], "out/bias")
        layout = ParameterLayout(self.lstm.parameter_specs() + self.dense.parameter_specs())
        self.params, self.grads = Parameters(layout), Parameters(layout)
        self.params.assign(arrays)
        self.lstm.bind(self.params)
        self.dense.bind(self.params)
        self.opt = Adam(self.params, TrainingSettings(learning_rate=RATE, optimizer=Optimizer.ADAM))
        self.x, self.y = x, y
        self.dh = None

    def step(self, rows):
        xb, yb = self.x[rows], self.y[rows]
        p = self.lstm.run(xb)
        last = p.h[:, -1]
        z, a = self.dense.forward([last], len(rows), keep=True)
        loss = losses.value_from_z(SCE, z, yb)
        d = losses.fused_delta(SCE, a, yb)
        back, _ = self.dense.backward(d, [last], self.grads, [True])
        if self.dh is None or self.dh.shape != p.h.shape:
            self.dh = np.zeros_like(p.h)
        self.dh[:, -1] = back[0]
        self.lstm.backprop(p, self.dh, grads=self.grads, want_input=False)
        self.opt.apply(self.params, self.grads)
        return loss

    def accuracy(self, x, y):
        _, a = self.dense.forward([self.lstm.run(x).h[:, -1]], len(x))
        return float(np.mean(np.argmax(a, 1) == np.argmax(y, 1)))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class PlainLoop:
    """The same model written by hand (gate blocks f, i, c̃, o; Adam per array)."""

    def __init__(self, arrays, x, y):
        W = arrays["lstm/weight"]
        self.p = [W[:H].copy(), W[H:].copy(), arrays["lstm/bias"].copy(), arrays["out/weight"].copy(),
                  arrays["out/bias"].copy()]  # Wh, Wx, b, Wy, by
        self.m = [np.zeros_like(a) for a in self.p]
        self.v = [np.zeros_like(a) for a in self.p]
        self.t = 0
        self.x, self.y = x, y

    def step(self, rows):
        Wh, Wx, b, Wy, by = self.p
        xb, yb = self.x[rows], self.y[rows]
        n, T = xb.shape[0], xb.shape[1]
        h, c = np.zeros((n, H)), np.zeros((n, H))
        cache = []
        for t in range(T):
            z = xb[:, t] @ Wx + h @ Wh + b
            f, i, g, o = _sigmoid(z[:, :H]), _sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), _sigmoid(
                z[:, 3 * H :])
            c_prev, h_prev = c, h
            c = f * c_prev + i * g
            tc = np.tanh(c)
            h = o * tc
            cache.append((f, i, g, o, c_prev, h_prev, tc))
        s = h @ Wy + by
        e = np.exp(s - s.max(axis=1, keepdims=True))
        a = e / e.sum(axis=1, keepdims=True)
        loss = -float(np.sum(yb * np.log(a))) / n
        ds = (a - yb) / n
        dWy, dby = h.T @ ds, ds.sum(axis=0)
        dh = ds @ Wy.T
        dc_next = np.zeros((n, H))
        dWh, dWx, db = np.zeros_like(Wh), np.zeros_like(Wx), np.zeros_like(b)
        for t in range(T - 1, -1, -1):
            f, i, g, o, c_prev, h_prev, tc = cache[t]
            do = dh * tc
            dc = dc_next + dh * o * (1 - tc * tc)
            df, di, dg = dc * c_prev, dc * g, dc * i
            dc_next = dc * f
            dz = np.concatenate([df * f * (1 - f), di * i * (1 - i), dg * (1 - g * g), do * o * (1 - o)], axis=1)
            dWx += xb[:, t].T @ dz
            dWh += h_prev.T @ dz
            db += dz.sum(axis=0)
            dh = dz @ Wh.T
        self.t += 1
        for p, m, v, g in zip(self.p, self.m, self.v, (dWh, dWx, db, dWy, dby)):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= RATE * (m / (1 - 0.9**self.t)) / (np.sqrt(v / (1 - 0.999**self.t)) + 1e-8)
        return loss

    def arrays(self):
        Wh, Wx, b, Wy, by = self.p
        return np.concatenate([Wh, Wx]), b, Wy, by


class TorchModel:
    """PyTorch eager, one thread, the same numbers."""

    def __init__(self, arrays, x, y, lstm_op):
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.lstm = torch.nn.LSTM(x.shape[2], H, batch_first=True).double()
        self.out = torch.nn.Linear(H, CLASSES).double()
        packed = lstm_op.to_torch(arrays)
        with torch.no_grad():
            for name, value in packed.items():
                getattr(self.lstm, name).copy_(torch.from_numpy(value))
            self.out.weight.copy_(torch.from_numpy(arrays["out/weight"].T.copy()))
            self.out.bias.copy_(torch.from_numpy(arrays["out/bias"]))
        self.opt = torch.optim.Adam([*self.lstm.parameters(), *self.out.parameters()], lr=RATE)
        self.x, self.labels = torch.from_numpy(x), torch.from_numpy(np.argmax(y, 1))

    def step(self, rows):
        torch = self.torch
        idx = torch.from_numpy(rows)
        self.opt.zero_grad()
        h, _ = self.lstm(self.x[idx])
        loss = torch.nn.functional.cross_entropy(self.out(h[:, -1]), self.labels[idx])
        loss.backward()
        self.opt.step()
        return loss.item()


def batches(n_rows, seed):
    """Batch row indices, a fresh shuffle per epoch (the same for every implementation)."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n_rows)
        for k in range(0, n_rows - BATCH + 1, BATCH):
            yield order[k : k + BATCH]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="timed seconds per implementation")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--max-steps", type=int, default=3000, help="step budget for reaching 95%%")
    args = ap.parse_args()

    data = temporal_order(n_train=8000, n_test=1000, seed=0)
    x, y = data.x_train, data.y_train
    op = LSTM(x.shape[2], H, "lstm/weight", "lstm/bias")
    rng = np.random.default_rng(1)
    arrays = op.init_arrays(rng)
    arrays["out/weight"] = rng.uniform(-0.5, 0.5, (H, CLASSES))
    arrays["out/bias"] = np.zeros(CLASSES)

    # The same arithmetic: 100 steps from the same start and the same batches (later, rounding
    # differences of 1e-16 grow as training does, and the runs part ways).
    a, b, fa, fb = NnsimModel(arrays, x, y), PlainLoop(arrays, x, y), batches(len(x), 2), batches(len(x), 2)
    for _ in range(100):
        a.step(next(fa))
        b.step(next(fb))
    Wp, bp, Wyp, byp = b.arrays()
    same = max(float(np.abs(a.params["lstm/weight"] - Wp).max()), float(np.abs(a.params["lstm/bias"] - bp).max()),
               float(np.abs(a.params["out/weight"] - Wyp).max()), float(np.abs(a.params["out/bias"] - byp).max()))

    runs = {"nnsim": NnsimModel(arrays, x, y), "plain": PlainLoop(arrays, x, y)}
    try:
        runs["torch"] = TorchModel(arrays, x, y, op)
    except ImportError:
        pass
    feeds = {k: batches(len(x), 2) for k in runs}
    chunk = 20
    for k, m in runs.items():  # warm up
        for _ in range(3):
            m.step(next(feeds[k]))
    totals = {k: [0, 0.0] for k in runs}
    end = time.perf_counter() + len(runs) * args.seconds
    while time.perf_counter() < end:
        for k, m in runs.items():
            feed = feeds[k]
            t = time.perf_counter()
            for _ in range(chunk):
                m.step(next(feed))
            totals[k][1] += time.perf_counter() - t
            totals[k][0] += chunk
    rate = {k: n / s for k, (n, s) in totals.items()}

    model, feed = NnsimModel(arrays, x, y), batches(len(x), 2)
    reached, t0 = None, time.perf_counter()
    for step in range(1, args.max_steps + 1):
        model.step(next(feed))
        if step % 25 == 0 and model.accuracy(data.x_test, data.y_test) >= 0.95:
            reached = step
            break
    seconds = time.perf_counter() - t0
    result = {
        "steps_per_s": rate,
        "ratio_to_plain": rate["nnsim"] / rate["plain"],
        "ratio_to_torch": rate["nnsim"] / rate["torch"] if "torch" in rate else None,
        "max_weight_difference_after_100_steps": same,
        "steps_to_95": reached,
        "seconds_to_95": seconds if reached else None,
        "final_test_accuracy": model.accuracy(data.x_test, data.y_test),
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print("temporal order, LSTM 4 cells, batch 32, Adam 0.01, float64")
    for k, r in rate.items():
        print(f"  {k:6} {r:8.0f} steps/s")
    print(f"  nnsim / plain loop: {result['ratio_to_plain']:.2f}")
    if result["ratio_to_torch"] is not None:
        print(f"  nnsim / PyTorch:    {result['ratio_to_torch']:.2f}")
    print(f"  largest weight difference nnsim vs plain after 100 equal steps: {same:.1e}")
    if reached:
        print(f"  test accuracy >= 95% after {reached} steps ({seconds:.1f} s)")
    else:
        print(f"  test accuracy {result['final_test_accuracy']:.1%} after {args.max_steps} steps ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
