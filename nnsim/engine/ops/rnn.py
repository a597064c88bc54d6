"""The plain recurrent layer (Elman's): h_t = tanh(W_x·x_t + W_h·h_{t−1} + b).

The sequence counterpart the LSTM is compared against: whole sequences in,
hidden output at every step out (see ``nnsim.engine.ops.recurrent`` for the
shapes, the state carried across chunks and truncated backpropagation).

**Stored arrays.** One weight matrix of shape (size + n_in, size): rows
``0 .. size−1`` are W_h (previous hidden output to cell), the next ``n_in``
rows W_x (input to cell), so that h_t = tanh([h_{t−1}, x_t] @ W + b); one bias
of shape (size,). PyTorch's ``nn.RNN`` (tanh) stores ``weight_ih_l0`` =
``W[size:].T``, ``weight_hh_l0`` = ``W[:size].T`` and two biases whose sum is
ours; ONNX's ``RNN`` the same as ``W``, ``R`` and ``B`` (ours, then zeros).
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.ops.recurrent import Recurrent, SequencePass


class SimpleRNN(Recurrent):
    type = "simple_rnn"
    blocks = 1
    block_names = ("h",)
    torch_blocks = ("h",)
    onnx_blocks = ("h",)

    def _forward(self, xt, initial, steps):
        T, n, _ = xt.shape
        H = self.size
        hs = steps["hs"]
        W = self.W
        # The input sums of every step go straight into the outputs' places.
        np.matmul(xt.reshape(T * n, self.in_size), W[H:], out=hs[1:].reshape(T * n, H))
        hs[1:] += self.b
        w_h = W[:H]
        tmp = np.empty((n, H), xt.dtype)
        for t in range(T):
            h = hs[t + 1]
            np.dot(hs[t], w_h, out=tmp)
            h += tmp
            np.tanh(h, out=h)
        return ()

    def step_values(self, p: SequencePass) -> dict[str, np.ndarray]:
        """The hidden output per sample and step, (batch, T, size)."""
        return {"h": p.h}

    def _new_work(self, T, n, slots, dtype):
        H = self.size
        return {
            "dz": np.empty((T, n, H), dtype),
            "d": np.empty((T, n, H), dtype),  # 1 − h_t²
            "dz_slot": np.empty(slots + (n, H), dtype) if slots else None,
        }

    def _prepare(self, p, work):
        d = work["d"]
        h = p.steps["hs"][1:]
        np.multiply(h, h, out=d)
        np.subtract(1.0, d, out=d)

    def _back_step(self, p, s, dh, carry, work):
        slot = work["dz_slot"]
        dz = work["dz"][s] if slot is None else slot
        np.multiply(dh, work["d"][s], out=dz)
        work["dot"](dz, work["w_h_t"], out=carry[0])
        if slot is not None:
            np.add.reduce(slot, axis=0, out=work["dz"][s])

    def _param_grads(self, p, work, grads, want_input):
        return self._weight_grads(p, work["dz"], grads, want_input)
