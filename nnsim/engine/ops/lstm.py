"""The LSTM layer: cells whose gates decide what to keep, over whole sequences.

For each step t, with [h, x] the previous hidden output and the input side by
side (as in Colah's "Understanding LSTM Networks"):

    f  = σ(W_f·[h, x] + b_f)        forget gate
    i  = σ(W_i·[h, x] + b_i)        input gate
    c̃  = tanh(W_c·[h, x] + b_c)     candidate values
    o  = σ(W_o·[h, x] + b_o)        output gate
    c_t = f ⊙ c_{t−1} + i ⊙ c̃        the cell state (c_{t−1} + i ⊙ c̃ without a forget gate)
    h_t = o ⊙ tanh(c_t)

No peepholes. The initial state (h, c) is zeros unless given (see
``nnsim.engine.ops.recurrent`` for state carried across chunks, truncation,
and what backpropagation through time returns).

**Stored arrays.** One weight matrix of shape (size + n_in, 4·size) and one
bias of shape (4·size,). Rows: ``0 .. size−1`` multiply h, the next ``n_in``
multiply x (the order of [h, x]). Columns: four blocks of ``size``, in the
order **f, i, c̃, o** (``block_names``: ``"f", "i", "c_tilde", "o"``); column
``k·size + j`` belongs to cell j. With ``forget_gate=False`` there is no f
block: three blocks **i, c̃, o**, shape (size + n_in, 3·size).

**The same numbers elsewhere** (for export; block = ``size`` rows there, since
both store (4·size, n) matrices applied as W·x):

- PyTorch ``nn.LSTM`` orders its blocks i, f, g(=c̃), o; ``weight_ih_l0`` is
  our ``W[size:].T`` and ``weight_hh_l0`` our ``W[:size].T``, with blocks
  permuted from ours (f, i, c̃, o) by taking ours 1, 0, 2, 3; its two biases
  add up to ours (export ours as ``bias_ih_l0`` and zeros as ``bias_hh_l0``).
- ONNX ``LSTM`` orders its blocks i, o, f, c: from ours take 1, 3, 0, 2; its
  ``W`` is ``W[size:].T`` and ``R`` is ``W[:size].T`` (permuted alike, with a
  leading direction axis of 1), ``B`` is our bias (permuted) followed by zeros
  of the same length.

``from_torch``/``to_torch`` convert. An LSTM without a forget gate has no
counterpart in either.

**Inspection.** ``step_values(pass)`` gives, per sample and step,
(batch, T, size) arrays named ``f`` (absent without a forget gate), ``i``,
``c_tilde``, ``o``, ``c`` and ``h``.
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.ops.recurrent import Recurrent, SequencePass


class LSTM(Recurrent):
    type = "lstm"
    state_names = ("h", "c")
    torch_blocks = ("i", "f", "c_tilde", "o")
    onnx_blocks = ("i", "o", "f", "c_tilde")

    def __init__(self, in_size: int, size: int, weight_name: str, bias_name: str, forget_gate: bool = True,
                 forget_bias: float = 1.0):
        self.forget_gate = bool(forget_gate)
        self.block_names = ("f", "i", "c_tilde", "o") if self.forget_gate else ("i", "c_tilde", "o")
        self.blocks = len(self.block_names)
        self.forget_bias = float(forget_bias)
        super().__init__(in_size, size, weight_name, bias_name)
        # σ(z) = ½ + ½·tanh(z/2): the sums of sigmoid blocks are halved, every
        # block goes through one tanh, then sigmoid blocks are mapped to (0, 1).
        sig = np.array([name != "c_tilde" for name in self.block_names]).repeat(self.size)
        self._scale = np.where(sig, 0.5, 1.0)  # (width,)
        self._mul = np.where(sig, 0.5, 1.0)
        self._add = np.where(sig, 0.5, 0.0)
        # A gate's derivative from its value a: (1 − a)(a + β): a(1 − a) for σ, 1 − a² for tanh.
        self._beta = np.where(sig, 0.0, 1.0)
        H = self.size
        self._cols = {name: slice(k * H, (k + 1) * H) for k, name in enumerate(self.block_names)}

    def init_arrays(self, rng, scale=None):
        """Weights uniform in ±1/√size (or ±``scale``), biases 0 except the
        forget gate's, ``forget_bias`` (+1 by default: cells start out
        keeping their state)."""
        arrays = super().init_arrays(rng, scale)
        if self.forget_gate:
            arrays[self.bias_name][self._cols["f"]] = self.forget_bias
        return arrays

    # -- forward -------------------------------------------------------------------------------
    def _forward(self, xt, initial, steps):
        T, n, _ = xt.shape
        H, dtype = self.size, xt.dtype
        gates, w_h = self._input_sums(xt, self._scale)  # the sums first; gate values after each step
        hs = steps["hs"]
        cs = np.empty((T + 1, n, H), dtype)
        cs[0] = initial[1]
        tc = np.empty((T, n, H), dtype)  # tanh(c_t)
        mul, add = self._mul.astype(dtype), self._add.astype(dtype)
        tmp = np.empty((n, self.width), dtype)
        ig = np.empty((n, H), dtype)
        cols = self._cols
        F = cols.get("f")
        I, G, O = cols["i"], cols["c_tilde"], cols["o"]
        for t in range(T):
            a = gates[t]
            np.dot(hs[t], w_h, out=tmp)
            a += tmp
            np.tanh(a, out=a)
            a *= mul
            a += add
            c = cs[t + 1]
            if F is not None:
                np.multiply(a[:, F], cs[t], out=c)
                np.multiply(a[:, I], a[:, G], out=ig)
                c += ig
            else:
                np.multiply(a[:, I], a[:, G], out=c)
                c += cs[t]
            np.tanh(c, out=tc[t])
            np.multiply(a[:, O], tc[t], out=hs[t + 1])
        steps.update(gates=gates, cs=cs, tc=tc)
        return (cs[T],)

    def step_values(self, p: SequencePass) -> dict[str, np.ndarray]:
        """Gate values, cell state and hidden output per sample and step,
        (batch, T, size) each (views of the pass's arrays)."""
        gates = p.steps["gates"].transpose(1, 0, 2)
        out = {name: gates[..., cols] for name, cols in self._cols.items()}
        out["c"] = p.steps["cs"][1:].transpose(1, 0, 2)
        out["h"] = p.h
        return out

    # -- backward ------------------------------------------------------------------------------
    def _new_work(self, T, n, slots, dtype):
        H, width = self.size, self.width
        return {
            "dz": np.empty((T, n, width), dtype),  # ∂L/∂(gate sums) per step
            "d": np.empty((T, n, width), dtype),  # each gate's derivative at its sum
            "otc": np.empty((T, n, H), dtype),  # o ⊙ tanh'(c_t) = ∂h_t/∂c_t
            "tmp": np.empty((T, n, width), dtype),
            "da": np.empty(slots + (n, width), dtype),  # ∂L/∂(gate values)
            "dc": np.empty(slots + (n, H), dtype),
            "dz_slot": np.empty(slots + (n, width), dtype) if slots else None,
            "beta": self._beta.astype(dtype),
        }

    def _prepare(self, p, work):
        gates, tc = p.steps["gates"], p.steps["tc"]
        d, tmp, otc = work["d"], work["tmp"], work["otc"]
        np.subtract(1.0, gates, out=d)
        np.add(gates, work["beta"], out=tmp)
        d *= tmp  # (1 − a)(a + β): a(1 − a) for σ, 1 − a² for tanh
        np.multiply(tc, tc, out=otc)
        np.subtract(1.0, otc, out=otc)
        otc *= gates[..., self._cols["o"]]

    def _back_step(self, p, s, dh, carry, work):
        st = p.steps
        a = st["gates"][s]
        dc_next = carry[1]
        slot = work["dz_slot"]
        da = work["da"]
        dc = work["dc"]  # ∂L/∂c_t, through h_t and from later steps
        cols = self._cols
        I, G = cols["i"], cols["c_tilde"]
        np.multiply(dh, st["tc"][s], out=da[..., cols["o"]])
        np.multiply(dh, work["otc"][s], out=dc)
        dc += dc_next
        if self.forget_gate:
            F = cols["f"]
            np.multiply(dc, st["cs"][s], out=da[..., F])
            np.multiply(dc, a[:, F], out=dc_next)
        else:  # c_{t−1} passes unchanged: ∂L/∂c_{t−1} = ∂L/∂c_t
            np.copyto(dc_next, dc)
        np.multiply(dc, a[:, G], out=da[..., I])
        np.multiply(dc, a[:, I], out=da[..., G])
        dz = work["dz"][s] if slot is None else slot
        np.multiply(da, work["d"][s], out=dz)
        work["dot"](dz, work["w_h_t"], out=carry[0])
        if slot is not None:
            np.add.reduce(slot, axis=0, out=work["dz"][s])

    def _param_grads(self, p, work, grads, want_input):
        return self._weight_grads(p, work["dz"], grads, want_input)
