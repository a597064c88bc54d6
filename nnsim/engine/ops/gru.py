"""The GRU layer (gated recurrent unit), over whole sequences.

For each step, as PyTorch's ``nn.GRU`` and cuDNN compute it (the reset gate
applied after the recurrent product):

    z  = σ(W_z·[h, x] + b_z)                      update gate
    r  = σ(W_r·[h, x] + b_r)                      reset gate
    n  = tanh(W_nx·x + b_n + r ⊙ (W_nh·h + b_nh))  candidate
    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}

(see ``nnsim.engine.ops.recurrent`` for the shapes, state and truncation).

**Stored arrays.** One weight matrix of shape (size + n_in, 3·size) whose rows
read [h, x] (rows ``0 .. size−1`` multiply h) and whose columns are three
blocks of ``size`` in the order **z, r, n** (``block_names``); one bias of
shape (3·size,) in the same order (for n, the bias outside the reset: b_n);
and the recurrent bias of the candidate, b_nh, shape (size,), named by the
caller too.

**The same numbers elsewhere.** PyTorch orders its blocks r, z, n (take ours
1, 0, 2); ``weight_ih_l0`` is ``W[size:].T`` and ``weight_hh_l0`` is
``W[:size].T`` (blocks permuted), ``bias_ih_l0`` + the r and z parts of
``bias_hh_l0`` give our bias, and the n part of ``bias_hh_l0`` is b_nh. ONNX's
``GRU`` with ``linear_before_reset=1`` is this GRU, blocks in the order z, r, h
(ours as they are); ``B`` holds our bias then the recurrent biases (zeros for
z and r, then b_nh).
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.ops.recurrent import Recurrent, SequencePass


class GRU(Recurrent):
    type = "gru"
    blocks = 3
    block_names = ("z", "r", "n")
    torch_blocks = ("r", "z", "n")
    onnx_blocks = ("z", "r", "n")  # with linear_before_reset=1

    def __init__(self, in_size: int, size: int, weight_name: str, bias_name: str, recurrent_bias_name: str):
        super().__init__(in_size, size, weight_name, bias_name)
        self.recurrent_bias_name = recurrent_bias_name
        self.b_nh: np.ndarray | None = None
        H = self.size
        # σ(z) = ½ + ½·tanh(z/2): the z and r columns' sums are halved on the way in.
        self._scale = np.concatenate([np.full(2 * H, 0.5), np.ones(H)])

    def parameter_specs(self):
        return super().parameter_specs() + [(self.recurrent_bias_name, (self.size,))]

    def bind(self, params, grads=None) -> None:
        super().bind(params, grads)
        self.b_nh = params[self.recurrent_bias_name]

    def from_torch(self, weight_ih, weight_hh, bias_ih, bias_hh):
        H = self.size
        bias_hh = np.asarray(bias_hh)
        rz_only = np.concatenate([bias_hh[: 2 * H], np.zeros(H)])
        arrays = super().from_torch(weight_ih, weight_hh, bias_ih, rz_only)
        arrays[self.recurrent_bias_name] = bias_hh[2 * H :].copy()
        return arrays

    def to_torch(self, arrays):
        out = super().to_torch(arrays)
        out["bias_hh_l0"][2 * self.size :] = arrays[self.recurrent_bias_name]
        return out

    # -- forward -------------------------------------------------------------------------------
    def _forward(self, xt, initial, steps):
        T, n, _ = xt.shape
        H, dtype = self.size, xt.dtype
        gates, w_h = self._input_sums(xt, self._scale.astype(dtype))
        hs = steps["hs"]
        zh = np.empty((T, n, 3 * H), dtype)  # h_{t−1}·W_h per step (z, r halved); its n part with b_nh
        tmp = np.empty((n, H), dtype)
        ZR, Z, R, N = slice(0, 2 * H), slice(0, H), slice(H, 2 * H), slice(2 * H, 3 * H)
        b_nh = self.b_nh
        for t in range(T):
            a, zt = gates[t], zh[t]
            np.dot(hs[t], w_h, out=zt)
            zt[:, N] += b_nh
            zr = a[:, ZR]
            zr += zt[:, ZR]
            np.tanh(zr, out=zr)
            zr *= 0.5
            zr += 0.5
            cand = a[:, N]
            np.multiply(a[:, R], zt[:, N], out=tmp)
            cand += tmp
            np.tanh(cand, out=cand)
            np.subtract(hs[t], cand, out=tmp)
            tmp *= a[:, Z]
            np.add(cand, tmp, out=hs[t + 1])
        steps.update(gates=gates, zh=zh)
        return ()

    def step_values(self, p: SequencePass) -> dict[str, np.ndarray]:
        """Gate values and hidden output per sample and step, (batch, T, size)."""
        gates = p.steps["gates"].transpose(1, 0, 2)
        H = self.size
        return {"z": gates[..., :H], "r": gates[..., H : 2 * H], "n": gates[..., 2 * H :], "h": p.h}

    # -- backward ------------------------------------------------------------------------------
    def _new_work(self, T, n, slots, dtype):
        H = self.size
        return {
            "dzh": np.empty((T, n, 3 * H), dtype),  # ∂L/∂(z, r sums; the n part's W_nh·h + b_nh)
            "dxn": np.empty((T, n, H), dtype),  # ∂L/∂(the candidate's sum)
            "dzr": np.empty((T, n, 2 * H), dtype),  # σ' of z and r
            "nd": np.empty((T, n, H), dtype),  # (1 − z)(1 − n²) = ∂h_t/∂(candidate sum)
            "hmn": np.empty((T, n, H), dtype),  # h_{t−1} − n = ∂h_t/∂z
            "tmp": np.empty((T, n, H), dtype),
            "da": np.empty(slots + (n, 2 * H), dtype),  # ∂L/∂(z, r values)
            "direct": np.empty(slots + (n, H), dtype),
            "dzh_slot": np.empty(slots + (n, 3 * H), dtype) if slots else None,
            "dxn_slot": np.empty(slots + (n, H), dtype) if slots else None,
        }

    def _prepare(self, p, work):
        H = self.size
        gates, hs = p.steps["gates"], p.steps["hs"]
        zr, z, cand = gates[..., : 2 * H], gates[..., :H], gates[..., 2 * H :]
        dzr, nd, tmp = work["dzr"], work["nd"], work["tmp"]
        np.subtract(1.0, zr, out=dzr)
        dzr *= zr
        np.multiply(cand, cand, out=nd)
        np.subtract(1.0, nd, out=nd)
        np.subtract(1.0, z, out=tmp)
        nd *= tmp
        np.subtract(hs[:-1], cand, out=work["hmn"])

    def _back_step(self, p, s, dh, carry, work):
        H = self.size
        a, zh = p.steps["gates"][s], p.steps["zh"][s]
        da = work["da"]
        slotted = work["dzh_slot"] is not None
        dzh = work["dzh_slot"] if slotted else work["dzh"][s]
        dxn = work["dxn_slot"] if slotted else work["dxn"][s]
        np.multiply(dh, work["hmn"][s], out=da[..., :H])
        np.multiply(dh, work["nd"][s], out=dxn)
        np.multiply(dxn, zh[:, 2 * H :], out=da[..., H:])
        np.multiply(dxn, a[:, H : 2 * H], out=dzh[..., 2 * H :])
        np.multiply(da, work["dzr"][s], out=dzh[..., : 2 * H])
        direct = work["direct"]
        np.multiply(dh, a[:, :H], out=direct)
        work["dot"](dzh, work["w_h_t"], out=carry[0])
        carry[0] += direct
        if slotted:
            np.add.reduce(dzh, axis=0, out=work["dzh"][s])
            np.add.reduce(dxn, axis=0, out=work["dxn"][s])

    def _param_grads(self, p, work, grads, want_input):
        T, n, H, X = p.T, p.n, self.size, self.in_size
        dzh = work["dzh"].reshape(T * n, 3 * H)
        dxn = work["dxn"].reshape(T * n, H)
        xf = p.steps["x"].reshape(T * n, X)
        gw, gb = grads[self.weight_name], grads[self.bias_name]
        np.matmul(p.steps["hs"][:-1].reshape(T * n, H).T, dzh, out=gw[:H])
        gw[H:, : 2 * H] = xf.T @ dzh[:, : 2 * H]
        gw[H:, 2 * H :] = xf.T @ dxn
        gb[: 2 * H] = dzh[:, : 2 * H].sum(axis=0)
        gb[2 * H :] = dxn.sum(axis=0)
        np.add.reduce(dzh[:, 2 * H :], axis=0, out=grads[self.recurrent_bias_name])
        if not want_input:
            return None
        W = self.W
        dx = work["dzh"][..., : 2 * H] @ W[H:, : 2 * H].T
        dx += work["dxn"] @ W[H:, 2 * H :].T
        return dx.transpose(1, 0, 2)
