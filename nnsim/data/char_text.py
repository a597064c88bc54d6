"""Next-character prediction on a short text, and sampling from a model.

The shipped text is the first chapter of Lewis Carroll's "Alice's Adventures
in Wonderland" (public domain; see resources/datasets/README.md). The
vocabulary is the text's distinct characters in code-point order; every
character is a one-hot row. The input at step t is character t of the text,
the target character t + 1. The first ``train_ratio`` of the text trains
and the rest tests, each a stream cut into rows of ``chunk`` characters (25,
as in the classic minimal character model), fed in order with the hidden
state carried from row to row.

Sampling: ``generate`` asks a model for the probabilities of the next
character, draws one at a temperature, feeds it back, and so on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnsim.resources import resource_path

from .base import CLASSIFICATION, DataError
from .sequence_base import SequenceDataset, check_count, one_hot, stream_rows

TEXT_FILE = "alice-chapter-1.txt"


def load_text(path: str | Path | None = None) -> str:
    """The shipped text (``path`` None) or a UTF-8 text file's contents."""
    path = resource_path("datasets", TEXT_FILE) if path is None else Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read the text {path}: {e}") from None


def vocabulary(text: str) -> list[str]:
    """The distinct characters of ``text`` in code-point order."""
    return sorted(set(text))


def char_text(text: str | None = None, chunk: int = 25, train_ratio: float = 0.9) -> SequenceDataset:
    """Next-character prediction on ``text`` (None: the shipped text). The
    task draws nothing at random (a text has one order), so it has no seed."""
    text = load_text() if text is None else str(text)
    chunk = check_count("chunk", chunk)
    ratio = float(train_ratio)
    if not 0.0 < ratio < 1.0:
        raise DataError(f"training share {train_ratio} must lie strictly between 0 and 1")
    vocab = vocabulary(text)
    if len(text) < 4 or len(vocab) < 2:
        raise DataError("the text needs at least 4 characters and 2 different ones")
    lookup = {c: k for k, c in enumerate(vocab)}
    idx = np.array([lookup[c] for c in text], dtype=np.int64)
    cut = min(max(round(len(idx) * ratio), 2), len(idx) - 2)
    parts = []
    for part in (idx[: cut + 1], idx[cut:]):  # the test stream begins where the training one ends
        x, y = one_hot(part[:-1], len(vocab)), one_hot(part[1:], len(vocab))
        mask = np.ones(len(x), dtype=bool)
        parts.append((stream_rows(x, chunk), stream_rows(y, chunk), stream_rows(mask, chunk, fill=False)))
    (x_tr, y_tr, m_tr), (x_te, y_te, m_te) = parts
    return SequenceDataset(
        name="Character text", task=CLASSIFICATION, x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
        feature_names=list(vocab), target_names=list(vocab), mask_train=m_tr, mask_test=m_te, stream=True,
        description=f"predict the next character ({len(text):,} characters, {len(vocab)} symbols)")


def sample(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One index drawn from ``probabilities`` sharpened or flattened by
    ``temperature``: p_k^(1/τ), normalised (τ = 1: as given; τ → 0: the most
    likely; τ > 1: flatter). τ = 0 takes the most likely (the first of ties)."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 1 or not len(p) or not np.isfinite(p).all() or (p < 0).any() or p.sum() <= 0:
        raise DataError("probabilities must be a non-empty row of finite numbers >= 0, not all 0")
    t = float(temperature)
    if not np.isfinite(t) or t < 0:
        raise DataError(f"temperature {temperature} must be a finite number >= 0")
    if t == 0.0:
        return int(np.argmax(p))
    with np.errstate(divide="ignore"):
        logp = np.log(p) / t
    logp -= logp.max()
    w = np.exp(logp)
    return int(rng.choice(len(p), p=w / w.sum()))


def generate(next_probabilities: Callable[[int], np.ndarray], first: int, n: int, temperature: float,
             rng: np.random.Generator) -> list[int]:
    """``n`` indices sampled one after another: ``next_probabilities(k)``
    feeds index k to the model (which keeps its own state) and returns the
    probabilities of the next one; ``first`` is fed first."""
    out, k = [], int(first)
    for _ in range(check_count("n", n, 0)):
        k = sample(next_probabilities(k), temperature, rng)
        out.append(k)
    return out


def decode(indices, vocab: list[str]) -> str:
    """Indices as text."""
    return "".join(vocab[int(k)] for k in indices)
