"""What the recurrent operations (``SimpleRNN``, ``LSTM``, ``GRU``) share.

A recurrent operation reads a whole batch of sequences, ``x`` of shape
(batch, T, n_in), and gives its hidden output at every step, ``h`` of shape
(batch, T, size). ``in_shapes`` and ``out_shape`` are the shapes of one
time step of one sample. Inside, arrays are kept time-major, (T, batch, …), so
each step's slice is contiguous; the only Python loop is over time steps, and
each step is a handful of array operations on the whole batch and every cell.

**Parameters.** One weight matrix of shape (size + n_in, blocks·size) and one
bias of shape (blocks·size,) (the GRU adds a second bias). The rows read the
concatenation [h, x]: rows ``0 .. size−1`` multiply the previous hidden state,
the next ``n_in`` rows the input. The columns are ``blocks`` gate blocks of
``size`` columns each, in the order each operation documents. The caller names
both arrays (``weight_name``, ``bias_name``) as it names a dense layer's.

**State.** The state entering the first step is ``state`` (a tuple of arrays
of shape (batch, size): ``(h,)``, or ``(h, c)`` for the LSTM), zeros when None,
or, for an operation given ``learn_initial(name)``, a learned array of shape
(parts, size) (row 0 h, row 1 the LSTM's c) shared by every sequence: a
parameter like the weights, 0 at the start, whose gradient is the initial
state's summed over the batch (0 for a pass that started from a carried state).
``run`` returns the state after the last step with the pass, so a trainer can
feed a long stream in chunks, carrying the state from one chunk to the next,
and reset it (None) where a new stream starts. Through the ``Operation``
interface the same is done with the attributes ``state`` (the initial state of
the next ``forward``) and ``final_state`` (the state the last one ended in).

**Backpropagation through time** (``backprop``) takes ∂L/∂h at every step
(zeros where a step has no loss) and, optionally, ∂L/∂state at the end, and
returns the gradients of the parameters, of the input, of the initial state,
and ∂L/∂h_t at every step (what reaches each step, summed over the later
ones: the "gradient through time").

**Truncation to k steps** (``truncate=k``): the loss that enters at step t
(through h_t; the end-state gradient counts as entering at the last step)
reaches only steps t−k+1 … t. Exactly: the truncated gradient is that of
Σ_t L_t(θ), where L_t is computed from the state after step t−k held fixed at
its value in the forward pass (from the initial state when t < k, whose own
gradient comes only from those L_t). ``dh`` then counts, at h_s, what reaches
it from the losses of steps s … s+k. k = 1 trains only through the current
step; k ≥ T is full backpropagation through time. Truncated backpropagation
carries the k most recent losses side by side, so it costs up to k times the
full pass (feeding a stream in chunks with the state carried is the cheap
kind of truncation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.engine.ops.base import Operation


@dataclass(eq=False)
class SequencePass:
    """One forward pass over a batch of sequences.

    ``x`` is the input (batch, T, n_in) and ``h`` the output (batch, T, size);
    ``initial`` the state the pass started from and ``state`` the state after
    the last step (tuples of (batch, size) arrays, h first); ``steps`` the
    operation's per-step arrays, time-major (T, batch, …), kept for
    backpropagation and for inspection (``Recurrent.step_values`` names them
    per sample). A pass owns its arrays: later passes never overwrite them.
    """

    x: np.ndarray
    h: np.ndarray
    state: tuple[np.ndarray, ...]
    initial: tuple[np.ndarray, ...]
    steps: dict[str, np.ndarray] = field(default_factory=dict)
    learned_start: bool = False  # it started from the operation's learned initial state

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    @property
    def T(self) -> int:
        return int(self.x.shape[1])


@dataclass(eq=False)
class SequenceGradients:
    """What backpropagation through time returns.

    ``params``: the gradient of each parameter array, by name; ``dx``: ∂L/∂x
    (batch, T, n_in), None when not asked for; ``d_state``: ∂L/∂(initial
    state), a tuple like the state; ``d_steps``: by state part (``"h"``, and
    ``"c"`` for the LSTM), the gradient reaching the state after each step
    t, (batch, T, size): from step t's own loss and every later one (within
    the truncation window). Like ``d_state``, these are the gradients of the
    state's parts as the next step receives them: ``d_steps["c"][:, t]`` is
    what reaches c_t from later steps; what reaches it through h_t is
    counted in ``d_steps["h"]``."""

    params: dict[str, np.ndarray]
    dx: np.ndarray | None
    d_state: tuple[np.ndarray, ...]
    d_steps: dict[str, np.ndarray]

    @property
    def dh(self) -> np.ndarray:
        """∂L/∂h_t, (batch, T, size)."""
        return self.d_steps["h"]

    def norms(self, sample: int | None = None, parts: tuple[str, ...] | None = None) -> np.ndarray:
        """The gradient through time: ‖∂L/∂state_t‖ per step t, (T,), over
        the whole batch or one sample, and over every part of the state
        (h and c for the LSTM) or only ``parts``."""
        total = 0.0
        for name in self.d_steps if parts is None else parts:
            d = self.d_steps[name]
            d = d if sample is None else d[sample : sample + 1]
            total = total + np.einsum("btj,btj->t", d, d)
        return np.sqrt(total)


class Recurrent(Operation):
    """Base class of the recurrent operations (see the module docstring).

    Subclasses set ``blocks`` (gate blocks in the weight matrix),
    ``state_names`` and ``block_names``, and write ``_forward``,
    ``_back_step`` and ``_param_grads``."""

    stateful = True
    blocks = 1
    state_names: tuple[str, ...] = ("h",)
    block_names: tuple[str, ...] = ("z",)

    def __init__(self, in_size: int, size: int, weight_name: str, bias_name: str):
        if int(in_size) < 0 or int(size) < 1:
            raise ValueError("a recurrent layer needs at least one cell and no negative input size")
        self.in_size = int(in_size)
        self.size = int(size)
        self.in_shapes = [(self.in_size,)]
        self.out_shape = (self.size,)
        self.weight_name = weight_name
        self.bias_name = bias_name
        self.W: np.ndarray | None = None  # (size + in_size, blocks·size)
        self.b: np.ndarray | None = None  # (blocks·size,)
        #: Initial state of the next ``forward`` (None: zeros).
        self.state: tuple[np.ndarray, ...] | None = None
        #: The state the last ``forward`` ended in.
        self.final_state: tuple[np.ndarray, ...] | None = None
        #: Truncation of ``backward`` (None: full backpropagation through time).
        self.truncate: int | None = None
        #: The last ``forward``'s pass and the last ``backward``'s result.
        self.last: SequencePass | None = None
        self.last_gradients: SequenceGradients | None = None
        self._scratch: dict = {}
        #: The name of the learned initial state's array (None: the state starts at zeros).
        self.initial_name: str | None = None
        self.h0: np.ndarray | None = None  # (parts, size), bound

    def learn_initial(self, name: str) -> Recurrent:
        """Start every sequence from a learned state, the array ``name`` of
        shape (parts of the state, size), instead of zeros."""
        self.initial_name = name
        return self

    # -- parameters ----------------------------------------------------------------------------
    @property
    def width(self) -> int:
        """Columns of the weight matrix: blocks·size."""
        return self.blocks * self.size

    def parameter_specs(self):
        specs = [(self.weight_name, (self.size + self.in_size, self.width)), (self.bias_name, (self.width,))]
        if self.initial_name is not None:
            specs.append((self.initial_name, (len(self.state_names), self.size)))
        return specs

    def regularized(self) -> list[str]:
        return [self.weight_name]

    def bind(self, params, grads=None) -> None:
        self.W = params[self.weight_name]
        self.b = params[self.bias_name]
        if self.initial_name is not None:
            self.h0 = params[self.initial_name]

    def init_arrays(self, rng: np.random.Generator, scale: float | None = None) -> dict[str, np.ndarray]:
        """Starting arrays by name: weights uniform in ±``scale`` (default
        1/√size, as PyTorch's recurrent layers), biases 0 (subclasses adjust)."""
        s = 1.0 / np.sqrt(self.size) if scale is None else float(scale)
        out = {self.weight_name: rng.uniform(-s, s, (self.size + self.in_size, self.width))}
        for name, shape in self.parameter_specs()[1:]:
            out[name] = np.zeros(shape)
        return out

    #: PyTorch's and ONNX's orders of the same gate blocks (None: no counterpart).
    torch_blocks: tuple[str, ...] | None = None
    onnx_blocks: tuple[str, ...] | None = None

    def from_torch(self, weight_ih, weight_hh, bias_ih, bias_hh) -> dict[str, np.ndarray]:
        """Our arrays, by name, from PyTorch's ``weight_ih_l0`` (blocks·size,
        n_in), ``weight_hh_l0`` (blocks·size, size) and the two biases."""
        order = self._torch_order()
        W = np.concatenate([self._blocks_from(weight_hh, order), self._blocks_from(weight_ih, order)], axis=1).T
        b = self._blocks_from(np.asarray(bias_ih) + np.asarray(bias_hh), order)
        return {self.weight_name: np.ascontiguousarray(W), self.bias_name: b}

    def to_torch(self, arrays) -> dict[str, np.ndarray]:
        """PyTorch's ``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0`` and
        ``bias_hh_l0`` from our arrays (the whole bias goes to ``bias_ih_l0``)."""
        order = self._torch_order()
        back = [order.index(k) for k in range(len(order))]  # torch block k is our block back[k]
        H = self.size
        W, b = np.asarray(arrays[self.weight_name]), np.asarray(arrays[self.bias_name])
        return {"weight_ih_l0": self._blocks_from(W[H:].T, back), "weight_hh_l0": self._blocks_from(W[:H].T, back),
                "bias_ih_l0": self._blocks_from(b, back), "bias_hh_l0": np.zeros_like(b)}

    def _torch_order(self) -> list[int]:
        """For each of our blocks, its index in PyTorch's order."""
        if self.torch_blocks is None or set(self.torch_blocks) != set(self.block_names):
            raise ValueError(f"this {self.type} layer has no PyTorch counterpart")
        return [self.torch_blocks.index(name) for name in self.block_names]

    def _blocks_from(self, a, order: list[int]) -> np.ndarray:
        """Blocks of ``size`` along the first axis of ``a``, in ``order``."""
        a, H = np.asarray(a), self.size
        return np.concatenate([a[k * H : (k + 1) * H] for k in order], axis=0)

    def block(self, a: np.ndarray, name: str) -> np.ndarray:
        """The columns of gate block ``name`` of an array whose last axis is
        laid out like the weight matrix's columns (a view)."""
        k = self.block_names.index(name)
        return a[..., k * self.size : (k + 1) * self.size]

    # -- the Operation interface ---------------------------------------------------------------
    def forward(self, xs, n, keep=False):
        p = self.run(xs[0], self.state)
        self.last, self.final_state = p, p.state
        return (p if keep else None), p.h

    def backward(self, d, xs, grads, want):
        p = self.last
        if p is None or p.x is not xs[0]:
            p = self.last = self.run(xs[0], self.state)
        g = self.backprop(p, d, grads=grads, truncate=self.truncate, want_input=bool(want and want[0]))
        self.last_gradients = g
        return [g.dx], g.params

    def reset_state(self) -> None:
        """The next ``forward`` starts from the initial state (zeros, or the learned one)."""
        self.state = None

    # -- forward -------------------------------------------------------------------------------
    def run(self, x: np.ndarray, state: tuple[np.ndarray, ...] | None = None) -> SequencePass:
        """Forward over a batch of sequences ``x`` (batch, T, n_in) from
        ``state`` (None: zeros)."""
        dtype = self.W.dtype
        x = np.asarray(x, dtype=dtype)
        if x.ndim != 3 or x.shape[2] != self.in_size:
            raise ValueError(f"sequences of shape (batch, T, {self.in_size}) are needed, not {x.shape}")
        n, T = x.shape[0], x.shape[1]
        learned = state is None and self.initial_name is not None
        if learned:
            state = tuple(np.repeat(self.h0[k][None, :], n, axis=0) for k in range(len(self.state_names)))
        initial = self._initial(state, n, dtype)
        xt = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, batch, n_in)
        hs = np.empty((T + 1, n, self.size), dtype)  # hs[0] the initial h, hs[t + 1] step t's output
        hs[0] = initial[0]
        steps = {"x": xt, "hs": hs}
        final = self._forward(xt, initial, steps)
        h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (batch, T, size)
        return SequencePass(x=x, h=h, state=(hs[T],) + tuple(final), initial=initial, steps=steps,
                            learned_start=learned)

    def _initial(self, state, n, dtype) -> tuple[np.ndarray, ...]:
        if state is None:
            return tuple(np.zeros((n, self.size), dtype) for _ in self.state_names)
        state = tuple(state)
        if len(state) != len(self.state_names):
            raise ValueError(f"the state is {len(self.state_names)} arrays ({', '.join(self.state_names)})")
        out = []
        for name, s in zip(self.state_names, state):
            s = np.asarray(s, dtype=dtype)
            if s.shape != (n, self.size):
                raise ValueError(f"state {name} must have shape ({n}, {self.size}), not {s.shape}")
            out.append(s)
        return tuple(out)

    def _forward(self, xt, initial, steps) -> tuple[np.ndarray, ...]:
        """Fill ``steps`` (``steps["hs"]`` first of all); return the final
        state's arrays after h (the LSTM's c; nothing for the others). The
        loop over steps multiplies with ``np.dot(…, out=…)``, the cheapest
        product for small arrays (contiguous operands of one dtype)."""
        raise NotImplementedError

    def _input_sums(self, xt: np.ndarray, scale: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """``(zx, w_h)``: x_t·W_x + b for every step at once, (T, batch,
        width), and the recurrent rows W_h, both with their columns multiplied
        by ``scale`` when given (sigmoid gates are computed as
        ½ + ½·tanh(z/2), so their sums are halved on the way in)."""
        T, n, _ = xt.shape
        H = self.size
        W, b = self.W, self.b
        if scale is not None:
            scale = scale.astype(W.dtype)
            W, b = W * scale, b * scale
        zx = np.empty((T, n, self.width), W.dtype)
        np.matmul(xt.reshape(T * n, self.in_size), W[H:], out=zx.reshape(T * n, self.width))
        zx += b
        return zx, W[:H]

    # -- backward ------------------------------------------------------------------------------
    def backprop(self, p: SequencePass, dh: np.ndarray, grads=None, d_state=None, truncate: int | None = None,
                 want_input: bool = True) -> SequenceGradients:
        """Backpropagation through time for the pass ``p``: ``dh`` is ∂L/∂h
        (batch, T, size), ``d_state`` ∂L/∂(final state) or None, ``truncate``
        k steps or None (see the module docstring). Parameter gradients are
        written into ``grads`` (views by name) when given."""
        n, T, H = p.n, p.T, self.size
        dtype = p.h.dtype
        dh = np.asarray(dh, dtype=dtype)
        if dh.shape != (n, T, H):
            raise ValueError(f"the output gradient must have shape {(n, T, H)}, not {dh.shape}")
        if truncate is not None and int(truncate) < 1:
            raise ValueError("truncation needs at least one step")
        k = None if truncate is None or int(truncate) >= T else int(truncate)
        slots = () if k is None else (k,)
        dht = dh.transpose(1, 0, 2)  # (T, batch, size), a view
        totals = [np.empty((T, n, H), dtype) for _ in self.state_names]  # what reaches each step's state
        carry = [np.zeros(slots + (n, H), dtype) for _ in self.state_names]
        d_end = None if d_state is None else self._initial(d_state, n, dtype)
        work = self._work(p, slots)
        work["w_h_t"] = np.ascontiguousarray(self.W[:H].T)  # (width, size): the recurrent rows, transposed
        # np.dot with out= costs half of np.matmul on small 2-D arrays; slots make them 3-D.
        work["dot"] = np.matmul if slots else np.dot
        self._prepare(p, work)
        for s in range(T - 1, -1, -1):
            end = d_end is not None and s == T - 1
            if k is None:
                dh_s = totals[0][s]
                np.add(carry[0], dht[s], out=dh_s)
                if end:
                    dh_s += d_end[0]
                    for c, d in zip(carry[1:], d_end[1:]):
                        c += d
                for t, c in zip(totals[1:], carry[1:]):
                    t[s] = c
            else:
                j = s % k
                # Slot j held the loss of step s + k: it reaches the state after step s and stops there.
                np.add(carry[0].sum(axis=0), dht[s], out=totals[0][s])
                for t, c in zip(totals[1:], carry[1:]):
                    np.add.reduce(c, axis=0, out=t[s])
                for c in carry:
                    c[j] = 0.0
                carry[0][j] = dht[s]
                if end:
                    for c, d, t in zip(carry, d_end, totals):
                        c[j] += d
                        t[s] += d
                dh_s = carry[0]
            self._back_step(p, s, dh_s, carry, work)
        if T == 0 and d_end is not None:  # nothing between the initial state and the end
            carry = [d.copy() for d in d_end]
        d0 = tuple(c.copy() if k is None else c.sum(axis=0) for c in carry)
        if grads is None:
            grads = {name: np.empty(shape, dtype) for name, shape in self.parameter_specs()}
        dx = self._param_grads(p, work, grads, want_input)
        if self.initial_name is not None:
            g0 = grads[self.initial_name]  # (parts, size): each part's initial gradient, summed over the batch
            for k, d in enumerate(d0):
                if p.learned_start:
                    np.add.reduce(d, axis=0, out=g0[k])
                else:
                    g0[k] = 0.0
        return SequenceGradients(params={name: grads[name] for name, _ in self.parameter_specs()}, dx=dx,
                                 d_state=d0,
                                 d_steps={name: t.transpose(1, 0, 2) for name, t in zip(self.state_names, totals)})

    def _work(self, p: SequencePass, slots: tuple[int, ...]) -> dict[str, np.ndarray]:
        """Scratch arrays for one backward pass, reused between passes of the
        same shape (they never leave the operation)."""
        key = (p.T, p.n, slots, p.h.dtype)
        work = self._scratch.get(key)
        if work is None:
            if len(self._scratch) > 4:
                self._scratch.clear()
            work = self._scratch[key] = self._new_work(p.T, p.n, slots, p.h.dtype)
        return work

    def _new_work(self, T, n, slots, dtype) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _prepare(self, p: SequencePass, work: dict) -> None:
        """Before the loop over steps: whatever does not depend on the
        gradients flowing back (the activations' derivatives), for every
        step at once."""

    def _back_step(self, p: SequencePass, s: int, dh: np.ndarray, carry: list[np.ndarray], work: dict) -> None:
        """Step ``s`` backward: ``dh`` is ∂L/∂h_s and ``carry[1:]`` the
        gradients reaching the rest of the state after step s (per slot when
        truncated, with ``dh`` then ``carry[0]`` itself); leave in ``carry``
        the gradients reaching the state before step s, and store the step's
        gradients of the gate sums in ``work``."""
        raise NotImplementedError

    def _param_grads(self, p, work, grads, want_input) -> np.ndarray | None:
        raise NotImplementedError

    def _weight_grads(self, p: SequencePass, dz: np.ndarray, grads, want_input: bool) -> np.ndarray | None:
        """From the gradients of the gate sums ``dz`` (T, batch, width), when
        the same sums are fed by h and x (SimpleRNN, LSTM): ∂L/∂W, ∂L/∂b
        into ``grads``; return ∂L/∂x (batch, T, n_in) or None."""
        T, n, H = p.T, p.n, self.size
        dzf = dz.reshape(T * n, self.width)
        gw = grads[self.weight_name]
        np.matmul(p.steps["hs"][:-1].reshape(T * n, H).T, dzf, out=gw[:H])
        np.matmul(p.steps["x"].reshape(T * n, self.in_size).T, dzf, out=gw[H:])
        np.add.reduce(dzf, axis=0, out=grads[self.bias_name])
        if not want_input:
            return None
        return np.matmul(dz, self.W[H:].T).transpose(1, 0, 2)

