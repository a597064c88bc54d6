"""The Reber grammar, the embedded Reber grammar and its continual stream.

A Reber string starts with B, walks the grammar's graph, and ends with E:

    state 0: T → 1 or P → 2        state 3: X → 2 or S → 5
    state 1: S → 1 or X → 3        state 4: P → 3 or V → 5
    state 2: T → 2 or V → 4        state 5: E (the end)

each choice with probability ½ (so "BTXSE" and "BPVVE" are the shortest).
Every symbol leads to one state, so a prefix fixes the state and with it the
set of legal next symbols.

An embedded Reber string is B, then T or P (½ each), then a Reber string,
then the same T or P again, then E. Predicting that second T/P needs the
memory of a symbol 6 or more steps back (the inner string lies between).
The continual embedded Reber task is a stream of embedded strings one after
the other, with no reset between them (after each E comes the next B).

The task at every step is to predict the next symbol. Symbols are one-hot in
the order ``SYMBOLS`` (B T P S X V E), inputs and targets alike. Because
most steps have two legal successors, the target (the symbol that did come)
cannot always be predicted; what can be is the set of legal ones, given as a
table (``legal_train``/``legal_test`` in the data set's ``extras``, bool
(n, T, 7)). The usual criterion of "solved" is that the most likely
predicted symbol is legal at every step (``legal_share`` = 1).
"""

from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, DataError
from .sequence_base import SequenceDataset, check_count, one_hot, padded, rng_of, stream_rows

SYMBOLS = "BTPSXVE"
INDEX = {s: k for k, s in enumerate(SYMBOLS)}
#: state -> the two (symbol, next state) choices; state 5 ends with E.
GRAPH = {
    0: (("T", 1), ("P", 2)),
    1: (("S", 1), ("X", 3)),
    2: (("T", 2), ("V", 4)),
    3: (("X", 2), ("S", 5)),
    4: (("P", 3), ("V", 5)),
}
END_STATE = 5


def reber_string(rng: np.random.Generator) -> str:
    """One Reber string, B … E."""
    out, state = ["B"], 0
    while state != END_STATE:
        symbol, state = GRAPH[state][rng.integers(0, 2)]
        out.append(symbol)
    out.append("E")
    return "".join(out)


def embedded_reber_string(rng: np.random.Generator) -> str:
    """One embedded Reber string: B, T or P, a Reber string, the same T or P, E."""
    c = "TP"[rng.integers(0, 2)]
    return "B" + c + reber_string(rng) + c + "E"


def reber_legal(string: str) -> list[str]:
    """For each position of a Reber string, the legal symbols that may come
    next (after the final E: none)."""
    out, state = [], None
    for k, symbol in enumerate(string):
        if k == 0:
            if symbol != "B":
                raise DataError(f"a Reber string starts with B, not {symbol!r}")
            state = 0
        elif symbol == "E" and state == END_STATE:
            state = None
        elif state is None or state == END_STATE:
            raise DataError(f"{string!r} is not a Reber string (position {k})")
        else:
            moves = dict(GRAPH[state])
            if symbol not in moves:
                raise DataError(f"{string!r} is not a Reber string ({symbol!r} at position {k})")
            state = moves[symbol]
        if state is None:
            out.append("")
        elif state == END_STATE:
            out.append("E")
        else:
            out.append("".join(s for s, _ in GRAPH[state]))
    if state is not None:
        raise DataError(f"{string!r} is not a Reber string (it does not end with E)")
    return out


def embedded_legal(string: str, continual: bool = False) -> list[str]:
    """For each position of an embedded Reber string, the legal next symbols
    (after the final E: B when strings follow one another, else none)."""
    if len(string) < 9 or string[0] != "B" or string[1] not in "TP" or string[-2] != string[1] or string[-1] != "E":
        raise DataError(f"{string!r} is not an embedded Reber string")
    c = string[1]
    inner = reber_legal(string[2:-2])
    inner[-1] = c  # after the inner E comes the remembered T or P
    return ["TP", "B", *inner, "E", "B" if continual else ""]


def _legal_rows(legal: list[str]) -> np.ndarray:
    out = np.zeros((len(legal), len(SYMBOLS)), dtype=bool)
    for k, symbols in enumerate(legal):
        for s in symbols:
            out[k, INDEX[s]] = True
    return out


def _strings_dataset(name: str, strings: list[str], legal: list[list[str]], n_train: int,
                     description: str) -> SequenceDataset:
    """Next-symbol prediction over separate strings, padded at the end."""
    codes, mask = padded([[INDEX[s] for s in st] for st in strings])
    x_idx, y_idx, mask = codes[:, :-1], codes[:, 1:], mask[:, 1:]
    x_idx = np.where(mask, x_idx, -1)
    T = x_idx.shape[1]
    table = np.zeros((len(strings), T, len(SYMBOLS)), dtype=bool)
    for k, rows in enumerate(legal):
        table[k, : len(rows) - 1] = _legal_rows(rows[:-1])
    x, y = one_hot(x_idx, len(SYMBOLS)), one_hot(y_idx, len(SYMBOLS))
    return SequenceDataset(
        name=name, task=CLASSIFICATION, x_train=x[:n_train], y_train=y[:n_train], x_test=x[n_train:],
        y_test=y[n_train:], feature_names=list(SYMBOLS), target_names=list(SYMBOLS), mask_train=mask[:n_train],
        mask_test=mask[n_train:], extras={"legal_train": table[:n_train], "legal_test": table[n_train:]},
        description=description)


def reber(n_train: int = 1000, n_test: int = 200, seed: int = 0) -> SequenceDataset:
    """Next-symbol prediction on Reber strings, one string per row (input:
    every symbol but the final E; target: the symbol after it), padded at
    the end with zero rows and a mask."""
    n_train, n_test = check_count("n_train", n_train), check_count("n_test", n_test)
    rng = rng_of(seed)
    strings = [reber_string(rng) for _ in range(n_train + n_test)]
    return _strings_dataset("Reber grammar", strings, [reber_legal(s) for s in strings], n_train,
                            "predict the next symbol of Reber strings")


def embedded_reber(n_train: int = 1000, n_test: int = 200, seed: int = 0) -> SequenceDataset:
    """Next-symbol prediction on embedded Reber strings, one string per row,
    padded at the end with zero rows and a mask."""
    n_train, n_test = check_count("n_train", n_train), check_count("n_test", n_test)
    rng = rng_of(seed)
    strings = [embedded_reber_string(rng) for _ in range(n_train + n_test)]
    return _strings_dataset("Embedded Reber grammar", strings, [embedded_legal(s) for s in strings], n_train,
                            "predict the next symbol; the second T/P repeats the first")


def continual_embedded_reber(train_strings: int = 1000, test_strings: int = 200, chunk: int | None = 100,
                             seed: int = 0) -> SequenceDataset:
    """Continual embedded Reber (Gers, Schmidhuber & Cummins 2000): a
    stream of embedded Reber strings with no resets. Input at step t: the
    stream's symbol t; target: symbol t + 1 (after a string's E, the next
    string's B). Training and test streams are drawn one after the other from
    the seed; ``chunk`` cuts each into rows, fed in order with the state
    carried (None: one row)."""
    train_strings, test_strings = check_count("train_strings", train_strings), check_count("test_strings",
                                                                                            test_strings)
    rng = rng_of(seed)
    parts = []
    for count in (train_strings, test_strings):
        strings = [embedded_reber_string(rng) for _ in range(count)]
        stream = "".join(strings)
        legal = [row for s in strings for row in embedded_legal(s, continual=True)]
        codes = np.array([INDEX[s] for s in stream], dtype=np.int64)
        table = _legal_rows(legal[:-1])
        x_idx, y_idx = codes[:-1], codes[1:]
        mask = np.ones(len(x_idx), dtype=bool)
        parts.append((stream_rows(one_hot(x_idx, len(SYMBOLS)), chunk), stream_rows(one_hot(y_idx, len(SYMBOLS)),
                      chunk), stream_rows(mask, chunk, fill=False), stream_rows(table, chunk, fill=False)))
    (x_tr, y_tr, m_tr, l_tr), (x_te, y_te, m_te, l_te) = parts
    return SequenceDataset(
        name="Continual embedded Reber", task=CLASSIFICATION, x_train=x_tr, y_train=y_tr, x_test=x_te,
        y_test=y_te, feature_names=list(SYMBOLS), target_names=list(SYMBOLS), mask_train=m_tr, mask_test=m_te,
        stream=True, extras={"legal_train": l_tr, "legal_test": l_te},
        description="predict the next symbol of a stream of embedded Reber strings")


def legal_share(outputs: np.ndarray, legal: np.ndarray, mask: np.ndarray | None = None) -> float:
    """The share of steps (where ``mask`` is True) whose most likely output
    symbol is a legal next symbol. ``outputs`` (n, T, 7), ``legal`` bool
    (n, T, 7)."""
    outputs, legal = np.asarray(outputs), np.asarray(legal, dtype=bool)
    if outputs.shape != legal.shape:
        raise DataError(f"outputs of shape {outputs.shape} do not match the legal table's {legal.shape}")
    best = np.argmax(outputs, axis=-1)
    ok = np.take_along_axis(legal, best[..., None], axis=-1)[..., 0]
    counted = legal.any(axis=-1) if mask is None else np.asarray(mask, dtype=bool)
    return float(ok[counted].mean()) if counted.any() else 1.0


def remembered_share(outputs: np.ndarray, legal: np.ndarray, mask: np.ndarray | None = None) -> float:
    """The share of the steps that need a memory, among those counted, whose
    most likely output symbol is the legal one: in the embedded grammars,
    the steps after an inner string's E, where the only legal symbol is the
    T or P seen at the string's second step (the only steps whose one legal
    symbol is T or P). Chance is ½. 1.0 when there are none."""
    legal = np.asarray(legal, dtype=bool)
    one = legal.sum(axis=-1) == 1
    tp = legal[..., INDEX["T"]] | legal[..., INDEX["P"]]
    memory = one & tp
    if mask is not None:
        memory &= np.asarray(mask, dtype=bool)
    if not memory.any():
        return 1.0
    return legal_share(outputs, legal, memory)


def decode(rows: np.ndarray) -> str:
    """The symbols of one-hot rows (T, 7) as a string (zero rows skipped)."""
    rows = np.asarray(rows)
    return "".join(SYMBOLS[k] for k, r in zip(np.argmax(rows, axis=-1), rows) if r.any())
