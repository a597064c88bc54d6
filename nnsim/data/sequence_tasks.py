"""Synthetic sequence tasks: temporal XOR, sine, the figure eight, temporal
order, the adding problem and the copy task.

Each maker takes keyword options and a ``seed`` and returns a
``SequenceDataset``; the same options give bit-identical arrays. The exact
definitions, and what a plain recurrent network and an LSTM make of each, are
in docs/sequence-tasks.md; the docstrings here say the same in short.
"""

from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, REGRESSION, DataError
from .sequence_base import LAST_STEP, SequenceDataset, check_count, one_hot, rng_of, stream_rows


def temporal_xor(train_bits: int = 2000, test_bits: int = 500, chunk: int | None = None,
                 seed: int = 0) -> SequenceDataset:
    """A stream of random bits b_t (fair coin flips); the target at step t is
    b_t XOR b_{t−1}. The first step of a stream has no previous bit: its
    target is 0 and masked out. Training and test streams are drawn one
    after the other from the seed; ``chunk`` cuts each into rows of that many
    steps (None: one row), to be fed in order with the state carried."""
    train_bits, test_bits = check_count("train_bits", train_bits, 2), check_count("test_bits", test_bits, 2)
    rng = rng_of(seed)
    parts = []
    for n in (train_bits, test_bits):
        b = rng.integers(0, 2, n)
        y = np.zeros(n)
        y[1:] = b[1:] ^ b[:-1]
        mask = np.ones(n, dtype=bool)
        mask[0] = False
        parts.append((stream_rows(b[:, None].astype(np.float64), chunk), stream_rows(y[:, None], chunk),
                      stream_rows(mask, chunk, fill=False)))
    (x_tr, y_tr, m_tr), (x_te, y_te, m_te) = parts
    return SequenceDataset(
        name="Temporal XOR", task=CLASSIFICATION, x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
        feature_names=["bit"], target_names=["0", "1"], mask_train=m_tr, mask_test=m_te, stream=True,
        description="each target is the current bit XOR the previous one")


def sine(n_train: int = 64, n_test: int = 16, length: int = 50, step: float = 0.2, seed: int = 0) -> SequenceDataset:
    """Sequences x_t = sin(step·t + φ), t = 0 … length−1, each with its own
    phase φ uniform in [0, 2π); the target at step t is the next value,
    sin(step·(t + 1) + φ). From the value alone a feed-forward net cannot tell
    rising from falling; at step 0 nothing can (it is not masked)."""
    n_train, n_test = check_count("n_train", n_train), check_count("n_test", n_test)
    length = check_count("length", length)
    step = float(step)
    if not np.isfinite(step) or step == 0.0:
        raise DataError(f"sine step {step} must be a finite number other than 0")
    rng = rng_of(seed)
    phase = rng.uniform(0.0, 2.0 * np.pi, n_train + n_test)  # (n,)
    t = np.arange(length + 1) * step  # (T + 1,)
    wave = np.sin(t[None, :] + phase[:, None])  # (n, T + 1)
    x, y = wave[:, :-1, None], wave[:, 1:, None]
    return SequenceDataset(
        name="Sine", task=REGRESSION, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
        y_test=y[n_train:], feature_names=[f"sin({step:g}t)"], target_names=[f"sin({step:g}(t+1))"],
        description="predict the next value of a sine wave from the current value")


#: The figure eight's 16 points, (16, 2): point k at θ = 2πk/16 is
#: (0.5 + 0.4·sin θ, 0.5 + 0.2·sin 2θ), an eight on its side crossing itself at
#: (0.5, 0.5), which is points 0 and 8, with different successors.
EIGHT = np.stack([0.5 + 0.4 * np.sin(2 * np.pi * np.arange(16) / 16),
                  0.5 + 0.2 * np.sin(4 * np.pi * np.arange(16) / 16)], axis=1)
EIGHT[[0, 8]] = 0.5  # exactly, not 0.5 + 0.2·sin(2π) ≈ 0.5 − 5e−17


def figure_eight(train_cycles: int = 20, test_cycles: int = 5, chunk: int | None = 16,
                 seed: int = 0) -> SequenceDataset:
    """The points of ``EIGHT`` in a loop, as a stream: the input at step t is
    point (k₀ + t) mod 16, the target the next point. The crossing point has
    two successors, so only a memory of where the pen came from predicts it.
    Training and test streams start at points drawn from the seed and run for
    16 points per cycle; ``chunk`` cuts each into rows (None: one row)."""
    train_cycles, test_cycles = check_count("train_cycles", train_cycles), check_count("test_cycles", test_cycles)
    rng = rng_of(seed)
    parts = []
    for cycles in (train_cycles, test_cycles):
        k = (rng.integers(0, 16) + np.arange(16 * cycles)) % 16
        parts.append((stream_rows(EIGHT[k], chunk), stream_rows(EIGHT[(k + 1) % 16], chunk),
                      stream_rows(np.ones(len(k), dtype=bool), chunk, fill=False)))
    (x_tr, y_tr, m_tr), (x_te, y_te, m_te) = parts
    full = m_tr.all() and m_te.all()
    return SequenceDataset(
        name="Figure eight", task=REGRESSION, x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
        feature_names=["x", "y"], target_names=["next x", "next y"], mask_train=None if full else m_tr,
        mask_test=None if full else m_te, stream=True, description="predict the next point of a figure eight")


#: Temporal order's symbols, in input column order: four distractors, the two
#: key symbols, the start and end symbols.
ORDER_SYMBOLS = ("a", "b", "c", "d", "X", "Y", "B", "E")
ORDER_CLASSES = ("XX", "XY", "YX", "YY")


def temporal_order(n_train: int = 2000, n_test: int = 500, length: int = 50, first: tuple[int, int] = (3, 12),
                   second: tuple[int, int] = (25, 40), seed: int = 0) -> SequenceDataset:
    """Hochreiter & Schmidhuber's temporal order (experiment 6a), at length 50.

    Steps numbered 1 … length: step 1 is B, the last step is E; one key
    position t₁ uniform among the steps ``first`` (3 … 12) and one t₂ among
    ``second`` (25 … 40), each holding X or Y (½ each, independently); every
    other step a distractor uniform among a, b, c, d. Inputs one-hot
    (``ORDER_SYMBOLS``). The class, asked at the last step, is the order of
    the keys: XX, XY, YX, YY (``ORDER_CLASSES``), one-hot."""
    n_train, n_test, length = check_count("n_train", n_train), check_count("n_test", n_test), check_count(
        "length", length, 4)
    (a1, b1), (a2, b2) = (int(v) for v in first), (int(v) for v in second)
    if not 2 <= a1 <= b1 < a2 <= b2 < length:
        raise DataError(f"key steps {first} and {second} must lie in order between step 2 and step {length - 1}")
    rng = rng_of(seed)
    n = n_train + n_test
    sym = rng.integers(0, 4, (n, length))  # distractors a..d
    sym[:, 0], sym[:, -1] = 6, 7  # B, E
    t1 = rng.integers(a1, b1 + 1, n) - 1  # 0-based
    t2 = rng.integers(a2, b2 + 1, n) - 1
    k1, k2 = rng.integers(0, 2, n), rng.integers(0, 2, n)  # 0: X, 1: Y
    rows = np.arange(n)
    sym[rows, t1], sym[rows, t2] = 4 + k1, 4 + k2
    x = one_hot(sym, len(ORDER_SYMBOLS))
    y = one_hot(2 * k1 + k2, len(ORDER_CLASSES))
    return SequenceDataset(
        name="Temporal order", task=CLASSIFICATION, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
        y_test=y[n_train:], feature_names=list(ORDER_SYMBOLS), target_names=list(ORDER_CLASSES),
        targets_at=LAST_STEP, description="classify the order of two keys X/Y among distractors")


def adding(n_train: int = 2000, n_test: int = 500, length: int = 100, seed: int = 0) -> SequenceDataset:
    """The adding problem (modern form). Two input channels: a value uniform
    in [−1, 1] at every step, and a marker that is 1 on exactly two steps,
    one uniform among steps 0 … ⌊T/2⌋−1 and one among ⌊T/2⌋ … T−1 (0-based),
    else 0. The target at the last step is the sum of the two marked values.
    Always answering 0 has a mean squared error of 2/3; "solved" is < 0.04."""
    n_train, n_test, length = check_count("n_train", n_train), check_count("n_test", n_test), check_count(
        "length", length, 2)
    rng = rng_of(seed)
    n = n_train + n_test
    values = rng.uniform(-1.0, 1.0, (n, length))
    half = length // 2
    p1, p2 = rng.integers(0, half, n), rng.integers(half, length, n)
    rows = np.arange(n)
    marker = np.zeros((n, length))
    marker[rows, p1] = marker[rows, p2] = 1.0
    x = np.stack([values, marker], axis=2)
    y = (values[rows, p1] + values[rows, p2])[:, None]
    return SequenceDataset(
        name="Adding problem", task=REGRESSION, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
        y_test=y[n_train:], feature_names=["value", "marker"], target_names=["sum"], targets_at=LAST_STEP,
        description="add the two marked values")


def copy_task(n_train: int = 2000, n_test: int = 500, delay: int = 10, n_symbols: int = 8, copy_length: int = 10,
              seed: int = 0) -> SequenceDataset:
    """The copy task (Arjovsky et al. 2016): with L = ``copy_length`` and
    T = ``delay``, sequences of 2L + T steps (T + 20 for L = 10). Inputs: L
    symbols uniform among 1 … ``n_symbols``, then T − 1 blanks (0), the
    delimiter (``n_symbols`` + 1) at step L + T (1-based), then L blanks.
    Targets: blank for the first L + T steps, then the L symbols in order.
    Inputs one-hot over blank, the symbols and the delimiter; targets one-hot
    over blank and the symbols. A net that outputs blank, then guesses, has
    a mean cross-entropy per step of L·ln(n_symbols)/(2L + T)."""
    n_train, n_test = check_count("n_train", n_train), check_count("n_test", n_test)
    delay, n_symbols, L = check_count("delay", delay), check_count("n_symbols", n_symbols, 2), check_count(
        "copy_length", copy_length)
    rng = rng_of(seed)
    n = n_train + n_test
    symbols = rng.integers(1, n_symbols + 1, (n, L))
    T = 2 * L + delay
    inputs = np.zeros((n, T), dtype=np.int64)
    inputs[:, :L] = symbols
    inputs[:, L + delay - 1] = n_symbols + 1
    targets = np.zeros((n, T), dtype=np.int64)
    targets[:, L + delay :] = symbols
    x = one_hot(inputs, n_symbols + 2)
    y = one_hot(targets, n_symbols + 1)
    names = [str(k) for k in range(1, n_symbols + 1)]
    return SequenceDataset(
        name="Copy task", task=CLASSIFICATION, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
        y_test=y[n_train:], feature_names=["blank", *names, "delimiter"], target_names=["blank", *names],
        description=f"repeat {L} symbols after a delay of {delay} steps")


__all__ = ["EIGHT", "ORDER_CLASSES", "ORDER_SYMBOLS", "adding", "copy_task", "figure_eight", "sine",
           "temporal_order", "temporal_xor"]
