"""The Reber grammars as a user gets them, whole: each string drawn from the
seed as the documented walk draws it, the padded rows, masks and legal
tables, the streams cut into chunks, the shares and the messages word for
word. The grammar is written out here from its docstring, apart from the
module's own table."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import CLASSIFICATION, DataError
from nnsim.data.reber import (
    continual_embedded_reber,
    decode,
    embedded_legal,
    embedded_reber,
    embedded_reber_string,
    legal_share,
    reber,
    reber_legal,
    reber_string,
    remembered_share,
)
from nnsim.data.sequences import EVERY_STEP

ORDER = "BTPSXVE"
# state -> (symbol, next state) for a draw of 0 and of 1, as the docstring draws the graph.
WALK = {0: (("T", 1), ("P", 2)), 1: (("S", 1), ("X", 3)), 2: (("T", 2), ("V", 4)),
        3: (("X", 2), ("S", 5)), 4: (("P", 3), ("V", 5))}
# The legal next symbols in each state (5: only E).
NEXT = {0: "TP", 1: "SX", 2: "TV", 3: "XS", 4: "PV", 5: "E"}


def drawn_reber(rng):
    out, state = "B", 0
    while state != 5:
        symbol, state = WALK[state][int(rng.integers(0, 2))]
        out += symbol
    return out + "E"


def drawn_embedded(rng):
    c = "TP"[int(rng.integers(0, 2))]
    return "B" + c + drawn_reber(rng) + c + "E"


def legal_of(string):
    """The legal next symbols after each position of a Reber string."""
    out, state = [], 0
    for k, s in enumerate(string):
        if k == 0:
            out.append(NEXT[0])
            continue
        if s == "E":
            out.append("")
            continue
        state = dict(WALK[state])[s]
        out.append(NEXT[state])
    return out


def embedded_legal_of(string, continual=False):
    inner = legal_of(string[2:-2])
    return ["TP", "B", *inner[:-1], string[1], "E", "B" if continual else ""]


def table(rows):
    return np.array([[s in r for s in ORDER] for r in rows], dtype=bool).reshape(len(rows), 7)


def eye(string):
    return np.eye(7)[[ORDER.index(s) for s in string]].reshape(len(string), 7)


def test_strings_are_the_documented_walk_draw_by_draw():
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    for _ in range(200):
        assert reber_string(a) == drawn_reber(b)
    for _ in range(200):
        assert embedded_reber_string(a) == drawn_embedded(b)
    assert a.integers(0, 10**9) == b.integers(0, 10**9)  # the same number of draws


def test_the_legal_tables_of_drawn_strings():
    rng = np.random.default_rng(3)
    for _ in range(100):
        s = drawn_reber(rng)
        assert reber_legal(s) == legal_of(s)
        e = drawn_embedded(rng)
        assert embedded_legal(e) == embedded_legal_of(e)
        assert embedded_legal(e, continual=True) == embedded_legal_of(e, continual=True)
    assert embedded_legal("BTBTXSETE") == ["TP", "B", "TP", "SX", "XS", "E", "T", "E", ""]  # the shortest


@pytest.mark.parametrize("string, words", [
    ("TPVVE", "a Reber string starts with B, not 'T'"),
    ("BPVVEE", "'BPVVEE' is not a Reber string (position 5)"),
    ("BPVVEV", "'BPVVEV' is not a Reber string (position 5)"),
    ("BPXVE", "'BPXVE' is not a Reber string ('X' at position 2)"),
    ("BTSSXXVPS", "'BTSSXXVPS' is not a Reber string (it does not end with E)"),
    ("BPVV", "'BPVV' is not a Reber string (it does not end with E)"),
    ("BE", "'BE' is not a Reber string ('E' at position 1)"),
])
def test_a_string_off_the_grammar_is_refused_in_words(string, words):
    with pytest.raises(DataError) as e:
        reber_legal(string)
    assert str(e.value) == words


@pytest.mark.parametrize("string", ["BTBPVETE", "XTBPVVETE", "BXBPVVEXE", "BTBPVVEPE", "BTBPVVETB", ""])
def test_an_embedded_string_off_the_grammar_is_refused_in_words(string):
    with pytest.raises(DataError) as e:
        embedded_legal(string)
    assert str(e.value) == f"{string!r} is not an embedded Reber string"


def check_strings_dataset(d, strings, legal, n_train):
    T = max(len(s) for s in strings) - 1
    n = len(strings)
    x, y = np.zeros((n, T, 7)), np.zeros((n, T, 7))
    mask, tab = np.zeros((n, T), dtype=bool), np.zeros((n, T, 7), dtype=bool)
    for k, (s, rows) in enumerate(zip(strings, legal)):
        x[k, : len(s) - 1], y[k, : len(s) - 1] = eye(s[:-1]), eye(s[1:])
        mask[k, : len(s) - 1] = True
        tab[k, : len(s) - 1] = table(rows[:-1])
    for got, want in ((d.x_train, x[:n_train]), (d.x_test, x[n_train:]), (d.y_train, y[:n_train]),
                      (d.y_test, y[n_train:]), (d.mask_train, mask[:n_train]), (d.mask_test, mask[n_train:]),
                      (d.extras["legal_train"], tab[:n_train]), (d.extras["legal_test"], tab[n_train:])):
        assert got.shape == want.shape and got.dtype == want.dtype and np.array_equal(got, want)
    assert set(d.extras) == {"legal_train", "legal_test"}
    assert d.task == CLASSIFICATION and d.targets_at == EVERY_STEP and not d.stream
    assert d.feature_names == list(ORDER) and d.target_names == list(ORDER)


def test_reber_rows_whole():
    d = reber(n_train=4, n_test=3, seed=7)
    rng = np.random.default_rng(7)
    strings = [drawn_reber(rng) for _ in range(7)]
    check_strings_dataset(d, strings, [legal_of(s) for s in strings], 4)
    assert d.name == "Reber grammar" and d.description == "predict the next symbol of Reber strings"


def test_embedded_reber_rows_whole():
    d = embedded_reber(n_train=3, n_test=2, seed=9)
    rng = np.random.default_rng(9)
    strings = [drawn_embedded(rng) for _ in range(5)]
    check_strings_dataset(d, strings, [embedded_legal_of(s) for s in strings], 3)
    assert d.name == "Embedded Reber grammar"
    assert d.description == "predict the next symbol; the second T/P repeats the first"


def test_the_defaults_are_1000_and_200_strings_from_seed_0():
    d = reber()
    assert len(d.x_train) == 1000 and len(d.x_test) == 200
    rng = np.random.default_rng(0)
    assert decode(d.x_train[0]) + "E" == drawn_reber(rng)
    e = embedded_reber()
    assert len(e.x_train) == 1000 and len(e.x_test) == 200
    rng = np.random.default_rng(0)
    assert decode(e.x_train[0]) + "E" == drawn_embedded(rng)


@pytest.mark.parametrize("make, options, words", [
    (reber, {"n_train": 0}, "n_train must be a whole number of at least 1, not 0"),
    (reber, {"n_test": 0}, "n_test must be a whole number of at least 1, not 0"),
    (reber, {"seed": -1}, "seed must be a whole number of at least 0, not -1"),
    (embedded_reber, {"n_train": 0}, "n_train must be a whole number of at least 1, not 0"),
    (embedded_reber, {"n_test": 2.0}, "n_test must be a whole number of at least 1, not 2.0"),
    (embedded_reber, {"seed": "1"}, "seed must be a whole number of at least 0, not '1'"),
    (continual_embedded_reber, {"train_strings": 0}, "train_strings must be a whole number of at least 1, not 0"),
    (continual_embedded_reber, {"test_strings": 0}, "test_strings must be a whole number of at least 1, not 0"),
    (continual_embedded_reber, {"seed": -2}, "seed must be a whole number of at least 0, not -2"),
    (continual_embedded_reber, {"chunk": 0}, "chunk length 0 must be at least 1"),
])
def test_bad_counts_are_refused_in_words(make, options, words):
    with pytest.raises(DataError) as e:
        make(**({"n_train": 2, "n_test": 1} if make is not continual_embedded_reber else
                {"train_strings": 2, "test_strings": 1}) | options)
    assert str(e.value) == words


def stream_of(strings, continual_chunk):
    stream = "".join(strings)
    legal = [r for s in strings for r in embedded_legal_of(s, continual=True)][:-1]
    x, y, tab = eye(stream[:-1]), eye(stream[1:]), table(legal)
    n = len(stream) - 1
    if continual_chunk is None:
        return x[None], y[None], np.ones((1, n), dtype=bool), tab[None]
    c = continual_chunk
    rows = -(-n // c)
    pad = rows * c - n
    x = np.vstack([x, np.zeros((pad, 7))]).reshape(rows, c, 7)
    y = np.vstack([y, np.zeros((pad, 7))]).reshape(rows, c, 7)
    tab = np.vstack([tab, np.zeros((pad, 7), dtype=bool)]).reshape(rows, c, 7)
    mask = (np.arange(rows * c) < n).reshape(rows, c)
    return x, y, mask, tab


@pytest.mark.parametrize("chunk", [7, 9, None])
def test_the_continual_streams_whole(chunk):
    d = continual_embedded_reber(train_strings=3, test_strings=2, chunk=chunk, seed=5)
    rng = np.random.default_rng(5)
    train = [drawn_embedded(rng) for _ in range(3)]
    test = [drawn_embedded(rng) for _ in range(2)]  # drawn after the training strings
    for (x, y, m, tab), strings in (((d.x_train, d.y_train, d.mask_train, d.extras["legal_train"]), train),
                                    ((d.x_test, d.y_test, d.mask_test, d.extras["legal_test"]), test)):
        for got, want in zip((x, y, m, tab), stream_of(strings, chunk)):
            assert got.shape == want.shape and got.dtype == want.dtype and np.array_equal(got, want)
    assert d.stream and d.task == CLASSIFICATION and d.name == "Continual embedded Reber"
    assert d.feature_names == list(ORDER) and d.target_names == list(ORDER) and set(d.extras) == {
        "legal_train", "legal_test"}
    assert d.description == "predict the next symbol of a stream of embedded Reber strings"


def test_the_continual_defaults_are_1000_and_200_strings_in_rows_of_100():
    d = continual_embedded_reber()
    rng = np.random.default_rng(0)
    train = "".join(drawn_embedded(rng) for _ in range(1000))
    test = "".join(drawn_embedded(rng) for _ in range(200))
    assert d.x_train.shape == (-(-(len(train) - 1) // 100), 100, 7)
    assert d.x_test.shape == (-(-(len(test) - 1) // 100), 100, 7)
    assert decode(d.x_train.reshape(-1, 7)) == train[:-1] and decode(d.y_test.reshape(-1, 7)) == test[1:]


def test_the_legal_share_counts_the_best_guess_at_each_counted_step():
    legal = np.zeros((1, 4, 7), dtype=bool)
    legal[0, 0, [1, 2]] = True  # T or P
    legal[0, 1, 4] = True  # X
    legal[0, 2, 6] = True  # E
    # step 3: nothing legal (after the end): not counted without a mask
    out = np.zeros((1, 4, 7))
    out[0, 0, 2] = 0.9  # P: legal
    out[0, 1, 3] = 0.9  # S: not legal
    out[0, 2, 6] = 0.4  # E: legal
    out[0, 3, 0] = 1.0
    assert legal_share(out, legal) == pytest.approx(2 / 3)
    assert legal_share(out, legal, np.array([[True, True, False, False]])) == 0.5
    assert legal_share(out, legal, np.array([[False, False, True, True]])) == 0.5
    assert legal_share(out, legal, np.zeros((1, 4), dtype=bool)) == 1.0  # nothing counted
    assert legal_share(out, np.zeros((1, 4, 7), dtype=bool)) == 1.0
    assert legal_share(out.tolist(), legal.astype(int).tolist()) == pytest.approx(2 / 3)
    assert legal_share(out, 3.0 * legal) == pytest.approx(2 / 3)  # any number but 0 is legal
    assert legal_share(out, legal, [[1, 1, 0, 0]]) == 0.5 and legal_share(out, legal, [[0, 0, 2, 1]]) == 0.5
    with pytest.raises(DataError) as e:
        legal_share(np.zeros((1, 3, 7)), legal)
    assert str(e.value) == "outputs of shape (1, 3, 7) do not match the legal table's (1, 4, 7)"


def test_the_remembered_share_counts_only_the_steps_whose_one_legal_symbol_is_t_or_p():
    legal = np.zeros((2, 3, 7), dtype=bool)
    legal[0, 0, 1] = True  # only T: a remembered step
    legal[0, 1, [1, 2]] = True  # T or P: not one
    legal[0, 2, 6] = True  # only E: not T or P
    legal[1, 0, 2] = True  # only P: remembered
    legal[1, 1, 2] = True  # only P: remembered
    legal[1, 2, 0] = True  # only B
    out = np.zeros((2, 3, 7))
    out[0, 0, 1] = 1  # right
    out[0, 1, 3] = 1  # wrong, not counted
    out[0, 2, 0] = 1  # wrong, not counted
    out[1, 0, 1] = 1  # wrong
    out[1, 1, 2] = 1  # right
    out[1, 2, 0] = 1
    assert remembered_share(out, legal) == pytest.approx(2 / 3)
    assert remembered_share(out, legal, np.array([[True, True, True], [True, False, True]])) == 0.5
    assert remembered_share(out, legal, np.array([[False, True, True], [True, False, True]])) == 0.0
    assert remembered_share(out, legal, np.array([[False, True, True], [False, False, True]])) == 1.0
    assert remembered_share(out, legal[:, 2:]) == 1.0 and remembered_share(out[:, 2:], legal[:, 2:]) == 1.0
    assert remembered_share(out.tolist(), legal.astype(int).tolist()) == pytest.approx(2 / 3)
    assert remembered_share(out, 3.0 * legal) == pytest.approx(2 / 3)
    assert remembered_share(out, legal, [[1, 1, 1], [1, 0, 1]]) == 0.5


def test_decode_skips_zero_rows_anywhere():
    rows = np.vstack([eye("BT"), np.zeros((1, 7)), eye("XSE"), np.zeros((2, 7))])
    assert decode(rows) == "BTXSE" and decode(rows.tolist()) == "BTXSE"
    assert decode(0.3 * eye("PVE")) == "PVE" and decode(np.zeros((3, 7))) == ""
