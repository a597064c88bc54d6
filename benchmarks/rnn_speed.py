"""The classic minimal character model: nnsim's operations against a plain
hand-written NumPy loop and PyTorch.

The model (as in the well-known minimal character-level RNN): a tanh RNN of
100 cells reading one-hot characters, a dense softmax over the vocabulary at
every step; the text is read in chunks of 25 characters with the hidden state
carried from chunk to chunk (reset at the end of the text); the loss is the
sum of the 25 cross-entropies; gradients clipped to [−5, 5]; Adagrad, rate
0.1; weights N(0, 0.01²), biases 0; float64. The text is the shipped one
(resources/datasets/alice-chapter-1.txt).

nnsim runs its ``SimpleRNN`` operation over the whole chunk, its ``Dense``
operation on the chunk's 25 hidden outputs at once, clipping and Adagrad on
the flat parameter store. The plain loop is the classic per-step loop with
column vectors, written for this one model. Both start from the same numbers
and compute the same model (printed: the largest difference of any weight
after 2 equal steps; Adagrad at rate 0.1 moves every weight by about ±0.1 at
first whatever the size of its gradient, so rounding differences of 1e−16
grow to 0.3 within 20 steps, even between two runs of nnsim itself with one
weight changed by 1e−15, and only the smoothed losses stay comparable).
PyTorch (``nn.RNN`` + ``nn.Linear``, eager, one thread, float64) runs when
installed (its Adagrad adds ε outside the root, a difference too small to
matter here). Sampling is left out of the timing. At the end, nnsim's model
writes 200 characters at temperature 1.

    python benchmarks/rnn_speed.py [--seconds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from nnsim.data.char_text import decode, generate, load_text, vocabulary
from nnsim.data.sequences import one_hot
from nnsim.engine import losses
from nnsim.engine.activations import LayerActivation
from nnsim.engine.optimizers import Adagrad
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation, Loss, TrainingSettings

H, CHUNK, RATE, CLIP = 100, 25, 0.1, 5.0
SCE = Loss.SOFTMAX_CROSS_ENTROPY


class NnsimModel:
    def __init__(self, arrays, codes, V):
        self.rnn = SimpleRNN(V, H, "rnn/weight", "rnn/bias")
        self.dense = Dense([H], V, LayerActivation([Activation.SOFTMAX] * V, np.zeros(V)), ["out/weight"],
                           "out/bias")
        layout = ParameterLayout(self.rnn.parameter_specs() + self.dense.parameter_specs())
        self.params, self.grads = Parameters(layout), Parameters(layout)
        self.params.assign(arrays)
        self.rnn.bind(self.params)
        self.dense.bind(self.params)
        self.opt = Adagrad(self.params, TrainingSettings(learning_rate=RATE))
        n = (len(codes) - 1) // CHUNK
        self.x = one_hot(codes[: n * CHUNK], V).reshape(n, 1, CHUNK, V)
        self.y = one_hot(codes[1 : n * CHUNK + 1], V).reshape(n, CHUNK, V)
        self.k, self.state = 0, None
        self.d = np.empty((CHUNK, V))

    def step(self):
        if self.k >= len(self.x):
            self.k, self.state = 0, None
        x, y = self.x[self.k], self.y[self.k]
        self.k += 1
        p = self.rnn.run(x, self.state)
        self.state = p.state
        h = p.h[0]  # (25, H)
        z, a = self.dense.forward([h], CHUNK, keep=True)
        loss = CHUNK * losses.value_from_z(SCE, z, y)
        d = self.d
        np.subtract(a, y, out=d)  # the sum's gradient at the softmax's sums
        self.dense.grads_into(d, [h], self.grads)
        dh = (d @ self.dense.W[0].T)[None]
        self.rnn.backprop(p, dh, grads=self.grads, want_input=False)
        g = self.grads.flat
        np.clip(g, -CLIP, CLIP, out=g)
        self.opt.apply(self.params, self.grads)
        return loss

    def sampler(self):
        """A function: character index -> probabilities of the next one, the
        hidden state kept between calls."""
        state = [None]
        V = self.dense.size

        def next_probabilities(k):
            p = self.rnn.run(one_hot(np.array([[k]]), V), state[0])
            state[0] = p.state
            return self.dense.forward([p.h[0]], 1)[1][0]

        return next_probabilities


class PlainLoop:
    """The classic per-step loop with column vectors."""

    def __init__(self, arrays, codes, V):
        W = arrays["rnn/weight"]
        self.Wxh, self.Whh = W[H:].T.copy(), W[:H].T.copy()  # (H, V), (H, H)
        self.bh = arrays["rnn/bias"].reshape(H, 1).copy()
        self.Why, self.by = arrays["out/weight"].T.copy(), arrays["out/bias"].reshape(V, 1).copy()
        self.mem = [np.zeros_like(a) for a in self.weights()]
        self.codes, self.V = codes, V
        self.p, self.hprev = 0, np.zeros((H, 1))

    def weights(self):
        return [self.Wxh, self.Whh, self.Why, self.bh, self.by]

    def step(self):
        if self.p + CHUNK + 1 > len(self.codes):
            self.p, self.hprev = 0, np.zeros((H, 1))
        inputs = self.codes[self.p : self.p + CHUNK]
        targets = self.codes[self.p + 1 : self.p + CHUNK + 1]
        self.p += CHUNK
        Wxh, Whh, Why, bh, by = self.weights()
        xs, hs, ps = {}, {-1: self.hprev}, {}
        loss = 0.0
        for t in range(CHUNK):
            xs[t] = np.zeros((self.V, 1))
            xs[t][inputs[t]] = 1
            hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
            ys = Why @ hs[t] + by
            e = np.exp(ys - ys.max())
            ps[t] = e / np.sum(e)
            loss += -np.log(ps[t][targets[t], 0])
        dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
        dbh, dby = np.zeros_like(bh), np.zeros_like(by)
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(CHUNK)):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1
            dWhy += dy @ hs[t].T
            dby += dy
            dh = Why.T @ dy + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh
            dbh += dhraw
            dWxh += dhraw @ xs[t].T
            dWhh += dhraw @ hs[t - 1].T
            dhnext = Whh.T @ dhraw
        for d in (dWxh, dWhh, dWhy, dbh, dby):
            np.clip(d, -CLIP, CLIP, out=d)
        self.hprev = hs[CHUNK - 1]
        for param, d, mem in zip(self.weights(), (dWxh, dWhh, dWhy, dbh, dby), self.mem):
            mem += d * d
            param += -RATE * d / np.sqrt(mem + 1e-8)
        return loss


class TorchModel:
    def __init__(self, arrays, codes, V):
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.rnn = torch.nn.RNN(V, H, nonlinearity="tanh").double()
        self.out = torch.nn.Linear(H, V).double()
        W = arrays["rnn/weight"]
        with torch.no_grad():
            self.rnn.weight_ih_l0.copy_(torch.from_numpy(W[H:].T.copy()))
            self.rnn.weight_hh_l0.copy_(torch.from_numpy(W[:H].T.copy()))
            self.rnn.bias_ih_l0.copy_(torch.from_numpy(arrays["rnn/bias"]))
            self.rnn.bias_hh_l0.zero_()
            self.out.weight.copy_(torch.from_numpy(arrays["out/weight"].T.copy()))
            self.out.bias.copy_(torch.from_numpy(arrays["out/bias"]))
        self.params = [*self.rnn.parameters(), *self.out.parameters()]
        self.opt = torch.optim.Adagrad(self.params, lr=RATE, eps=1e-8)
        n = (len(codes) - 1) // CHUNK
        self.x = torch.from_numpy(one_hot(codes[: n * CHUNK], V).reshape(n, CHUNK, 1, V))
        self.y = torch.from_numpy(codes[1 : n * CHUNK + 1].reshape(n, CHUNK))
        self.k, self.h = 0, torch.zeros(1, 1, H, dtype=torch.float64)

    def step(self):
        torch = self.torch
        if self.k >= len(self.x):
            self.k, self.h = 0, torch.zeros(1, 1, H, dtype=torch.float64)
        x, y = self.x[self.k], self.y[self.k]
        self.k += 1
        self.opt.zero_grad()
        out, h = self.rnn(x, self.h)
        self.h = h.detach()
        loss = torch.nn.functional.cross_entropy(self.out(out[:, 0]), y, reduction="sum")
        loss.backward()
        torch.nn.utils.clip_grad_value_(self.params, CLIP)
        self.opt.step()
        return loss.item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0, help="timed seconds per implementation")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    text = load_text()
    vocab = vocabulary(text)
    V = len(vocab)
    codes = np.array([vocab.index(c) for c in text], dtype=np.int64)
    rng = np.random.default_rng(0)
    arrays = {"rnn/weight": rng.normal(0.0, 0.01, (H + V, H)), "rnn/bias": np.zeros(H),
              "out/weight": rng.normal(0.0, 0.01, (H, V)), "out/bias": np.zeros(V)}

    a, b = NnsimModel(arrays, codes, V), PlainLoop(arrays, codes, V)
    for _ in range(2):
        a.step()
        b.step()
    P = a.params
    same = max(float(np.abs(P["rnn/weight"][H:] - b.Wxh.T).max()), float(np.abs(P["rnn/weight"][:H] - b.Whh.T).max()),
               float(np.abs(P["out/weight"] - b.Why.T).max()), float(np.abs(P["rnn/bias"] - b.bh[:, 0]).max()),
               float(np.abs(P["out/bias"] - b.by[:, 0]).max()))

    runs = {"nnsim": NnsimModel(arrays, codes, V), "plain": PlainLoop(arrays, codes, V)}
    try:
        runs["torch"] = TorchModel(arrays, codes, V)
    except ImportError:
        pass
    for m in runs.values():  # warm up
        m.step()
    chunk = 50
    totals = {k: [0, 0.0] for k in runs}
    smooth = {k: -np.log(1.0 / V) * CHUNK for k in runs}
    end = time.perf_counter() + len(runs) * args.seconds
    while time.perf_counter() < end:
        for k, m in runs.items():
            t = time.perf_counter()
            for _ in range(chunk):
                smooth[k] = 0.999 * smooth[k] + 0.001 * m.step()
            totals[k][1] += time.perf_counter() - t
            totals[k][0] += chunk
    rate = {k: n / s for k, (n, s) in totals.items()}
    nn = runs["nnsim"]
    text_out = decode(generate(nn.sampler(), vocab.index("\n"), 200, 1.0, np.random.default_rng(3)), vocab)
    result = {
        "steps_per_s": rate,
        "ratio_to_plain": rate["nnsim"] / rate["plain"],
        "ratio_to_torch": rate["nnsim"] / rate["torch"] if "torch" in rate else None,
        "max_weight_difference_after_2_steps": same,
        "steps": totals["nnsim"][0],
        "smoothed_loss": smooth,
        "sample": text_out,
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"character model: tanh RNN {H}, {CHUNK}-step chunks, Adagrad {RATE}, clip ±{CLIP:g}, "
          f"{len(text):,} characters, {V} symbols")
    for k, r in rate.items():
        print(f"  {k:6} {r:8.0f} steps/s   smoothed loss {smooth[k]:.1f} after {totals[k][0]} steps")
    print(f"  nnsim / plain loop: {result['ratio_to_plain']:.2f}")
    if result["ratio_to_torch"] is not None:
        print(f"  nnsim / PyTorch:    {result['ratio_to_torch']:.2f}")
    print(f"  largest weight difference nnsim vs plain after 2 equal steps: {same:.1e}")
    print("  nnsim's sample at temperature 1:")
    print("    " + text_out.replace("\n", "\n    "))


if __name__ == "__main__":
    main()
