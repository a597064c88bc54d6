"""The Reber grammars: every string is legal, the legal-next table is the
grammar's, targets are the next symbols, and the embedded task's second T/P
repeats the first."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import DataError
from nnsim.data.reber import (
    GRAPH,
    SYMBOLS,
    continual_embedded_reber,
    decode,
    embedded_legal,
    embedded_reber,
    embedded_reber_string,
    legal_share,
    reber,
    reber_legal,
    reber_string,
)


def walk(string):
    """An independent check of a Reber string: follow the graph edge by edge."""
    assert string[0] == "B" and string[-1] == "E"
    state = 0
    for s in string[1:-1]:
        state = dict(GRAPH[state])[s]
    return state == 5


def test_strings_follow_the_graph_and_choices_are_even():
    rng = np.random.default_rng(0)
    strings = [reber_string(rng) for _ in range(3000)]
    assert all(walk(s) for s in strings)
    assert min(len(s) for s in strings) == 5  # BTXSE, BPVVE
    assert 0.47 < np.mean([s[1] == "T" for s in strings]) < 0.53
    assert {"BTXSE", "BPVVE"} <= set(strings)


def test_the_legal_table_is_the_grammar():
    assert reber_legal("BTSXSE") == ["TP", "SX", "SX", "XS", "E", ""]
    assert reber_legal("BPVVE") == ["TP", "TV", "PV", "E", ""]
    for bad in ("TPVVE", "BPVV", "BPXVE", "BPVVEE"):
        with pytest.raises(DataError):
            reber_legal(bad)
    assert embedded_legal("BTBPVVETE") == ["TP", "B", "TP", "TV", "PV", "E", "T", "E", ""]
    assert embedded_legal("BPBPVVEPE", continual=True)[-3:] == ["P", "E", "B"]
    with pytest.raises(DataError):
        embedded_legal("BTBPVVEPE")  # the second letter must repeat the first


@pytest.mark.parametrize("make", [reber, embedded_reber])
def test_targets_are_the_next_symbols_and_always_legal(make):
    d = make(n_train=300, n_test=50, seed=1)
    for x, y, mask, legal in ((d.x_train, d.y_train, d.mask_train, d.extras["legal_train"]),
                              (d.x_test, d.y_test, d.mask_test, d.extras["legal_test"])):
        for row in range(len(x)):
            n = int(mask[row].sum())
            assert mask[row, :n].all() and not mask[row, n:].any()
            string = decode(x[row]) + SYMBOLS[np.argmax(y[row, n - 1])]
            assert len(string) == n + 1 and string[-1] == "E"
            assert walk(string) if make is reber else walk(string[2:-2]) and string[1] == string[-2]
            assert decode(y[row]) == string[1:]
            expected = reber_legal(string) if make is reber else embedded_legal(string)
            assert ["".join(SYMBOLS[k] for k in np.flatnonzero(r)) for r in legal[row, :n]] == [
                "".join(s for s in SYMBOLS if s in e) for e in expected[:-1]]
            assert np.all(legal[row][np.arange(n), np.argmax(y[row, :n], axis=1)])
            assert not legal[row, n:].any()


def test_the_embedded_choice_is_balanced_and_remembered():
    d = embedded_reber(n_train=2000, n_test=10, seed=2)
    first = np.argmax(d.x_train[:, 1], axis=1)
    assert 0.46 < np.mean(first == SYMBOLS.index("T")) < 0.54
    last = d.mask_train.sum(axis=1) - 1  # the step whose target is the final E
    second = np.argmax(d.x_train[np.arange(2000), last], axis=1)
    assert np.array_equal(first, second)
    gap = last - 1  # steps between the two letters
    assert gap.min() >= 6


def test_continual_reber_is_one_stream_without_resets():
    d = continual_embedded_reber(train_strings=200, test_strings=20, chunk=30, seed=3)
    assert d.stream
    n = int(d.mask_train.sum())
    stream = decode(d.x_train.reshape(-1, 7)[:n]) + SYMBOLS[np.argmax(d.y_train.reshape(-1, 7)[n - 1])]
    strings = stream.replace("EB", "E|B").split("|")
    assert len(strings) == 200 and all(walk(s[2:-2]) and s[1] == s[-2] for s in strings)
    assert np.array_equal(np.argmax(d.y_train.reshape(-1, 7)[: n - 1], axis=1),
                          np.argmax(d.x_train.reshape(-1, 7)[1:n], axis=1))
    legal = d.extras["legal_train"].reshape(-1, 7)[:n]
    outer_e = [i for i in range(n) if stream[i : i + 2] == "EB"]  # a string's last E, then the next B
    assert len(outer_e) == 199
    assert np.all(legal[outer_e] == (np.array(list(SYMBOLS)) == "B"))
    assert np.all(legal[np.arange(n), np.argmax(d.y_train.reshape(-1, 7)[:n], axis=1)])


def test_legal_share():
    d = embedded_reber(n_train=20, n_test=5, seed=4)
    legal, mask = d.extras["legal_train"], d.mask_train
    assert legal_share(legal.astype(float), legal, mask) == 1.0
    assert legal_share(d.y_train, legal, mask) == 1.0  # the symbol that came was legal
    wrong = np.where(legal, 0.0, 1.0)
    assert legal_share(wrong, legal, mask) == 0.0
    with pytest.raises(DataError, match="do not match"):
        legal_share(np.zeros((1, 2, 7)), legal, mask)


def test_decode_and_a_generated_string():
    rng = np.random.default_rng(5)
    s = embedded_reber_string(rng)
    assert s[0] == "B" and s[1] in "TP" and s[-2] == s[1] and walk(s[2:-2])
    rows = np.eye(7)[[SYMBOLS.index(c) for c in s]]
    assert decode(np.vstack([rows, np.zeros((3, 7))])) == s


def test_the_remembered_steps_are_those_after_an_inner_strings_end():
    from nnsim.data.reber import INDEX, embedded_reber, remembered_share

    d = embedded_reber(n_train=30, n_test=5, seed=2)
    legal, mask = d.extras["legal_train"], d.mask_train
    out = d.y_train.copy()  # the targets themselves: always legal
    assert remembered_share(out, legal, mask) == 1.0
    # Each string has exactly one such step: the input there is the inner E, the legal symbol its second symbol.
    memory = (legal.sum(-1) == 1) & (legal[..., INDEX["T"]] | legal[..., INDEX["P"]]) & mask
    assert (memory.sum(axis=1) == 1).all()
    rows, steps = np.nonzero(memory)
    assert (np.argmax(d.x_train[rows, steps], -1) == INDEX["E"]).all()
    assert (np.argmax(d.x_train[rows, 1], -1) == np.argmax(d.y_train[rows, steps], -1)).all()
    wrong = out.copy()
    wrong[rows, steps] = wrong[rows, steps][:, [0, 2, 1, 3, 4, 5, 6]]  # T and P swapped there only
    assert remembered_share(wrong, legal, mask) == 0.0 and legal_share(wrong, legal, mask) < 1.0
