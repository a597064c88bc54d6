"""The character task whole on short texts (the split at its edges, the
streams in chunks, the vocabulary and description), sampling draw by draw
at a temperature, and the refusals word for word."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import CLASSIFICATION, DataError
from nnsim.data.char_text import char_text, decode, generate, load_text, sample, vocabulary
from nnsim.data.sequences import EVERY_STEP


def rows(text, vocab, chunk):
    """One-hot rows of ``text`` cut into chunks, padded with zero rows, and the mask."""
    n = len(text)
    count = -(-n // chunk)
    x = np.zeros((count * chunk, len(vocab)))
    x[np.arange(n), [vocab.index(c) for c in text]] = 1.0
    return x.reshape(count, chunk, len(vocab)), (np.arange(count * chunk) < n).reshape(count, chunk)


def check(d, train_text, test_text, vocab, chunk):
    """The training stream reads ``train_text`` (inputs: all but its last
    character, targets: all but its first), the test stream ``test_text``."""
    for text, x, y, m in ((train_text, d.x_train, d.y_train, d.mask_train),
                          (test_text, d.x_test, d.y_test, d.mask_test)):
        want_x, want_m = rows(text[:-1], vocab, chunk)
        want_y, _ = rows(text[1:], vocab, chunk)
        for got, want in ((x, want_x), (y, want_y), (m, want_m)):
            assert got.shape == want.shape and got.dtype == want.dtype and np.array_equal(got, want)


def test_a_short_text_whole():
    d = char_text("abcabd", chunk=2, train_ratio=0.5)  # 3 of 6 characters train
    check(d, "abca", "abd", ["a", "b", "c", "d"], 2)
    assert d.feature_names == ["a", "b", "c", "d"] and d.target_names == ["a", "b", "c", "d"]
    assert d.name == "Character text" and d.task == CLASSIFICATION and d.stream and d.targets_at == EVERY_STEP
    assert d.description == "predict the next character (6 characters, 4 symbols)"


@pytest.mark.parametrize("text, ratio, train, test", [
    ("abcd", 0.1, "abc", "cd"),  # round(0.4) = 0: at least 2 characters train
    ("abcd", 0.9, "abc", "cd"),  # round(3.6) = 4: at least 2 characters test
    ("abcde", 0.1, "abc", "cde"),  # round(0.5) = 0
    ("abcdefgh", 0.3, "abc", "cdefgh"),  # round(2.4) = 2
    ("abcdefgh", 0.4, "abcd", "defgh"),  # round(3.2) = 3
    ("abcdefgh", 0.75, "abcdefg", "gh"),  # round(6) = 6
    ("abcdefgh", 0.8, "abcdefg", "gh"),  # round(6.4) = 6
    ("abcdefgh", 0.85, "abcdefg", "gh"),  # round(6.8) = 7, but 2 are left to test
])
def test_the_split_at_its_edges(text, ratio, train, test):
    check(char_text(text, chunk=3, train_ratio=ratio), train, test, sorted(set(text)), 3)


def test_the_defaults_are_the_shipped_text_in_chunks_of_25_nine_tenths_training():
    text = load_text()
    d = char_text()
    vocab = sorted(set(text))
    cut = round(len(text) * 0.9)
    check(d, text[: cut + 1], text[cut:], vocab, 25)
    assert d.description == f"predict the next character ({len(text):,} characters, {len(vocab)} symbols)"
    assert "," in f"{len(text):,}"


def test_any_text_is_read_as_text():
    d = char_text(1231, chunk=4, train_ratio=0.5)
    assert d.feature_names == ["1", "2", "3"] and decode(np.argmax(d.x_train[0, :2], axis=1), d.feature_names) == "12"
    long = "ab" * 600
    assert char_text(long, chunk=50).description == "predict the next character (1,200 characters, 2 symbols)"


@pytest.mark.parametrize("text, options, words", [
    ("abc", {}, "the text needs at least 4 characters and 2 different ones"),
    ("aaaaaa", {}, "the text needs at least 4 characters and 2 different ones"),
    ("abcd", {"chunk": 0}, "chunk must be a whole number of at least 1, not 0"),
    ("abcd", {"chunk": 2.5}, "chunk must be a whole number of at least 1, not 2.5"),
    ("abcd", {"train_ratio": 1.0}, "training share 1.0 must lie strictly between 0 and 1"),
    ("abcd", {"train_ratio": 0}, "training share 0 must lie strictly between 0 and 1"),
])
def test_refusals(text, options, words):
    with pytest.raises(DataError) as e:
        char_text(text, **options)
    assert str(e.value) == words


def test_a_text_file_and_the_files_that_cannot_be_read(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("naïve\r\ncafé".encode("utf-8"))
    assert load_text(path) == "naïve\ncafé" and load_text(str(path)) == "naïve\ncafé"
    assert vocabulary("naïve café") == [" ", "a", "c", "e", "f", "n", "v", "é", "ï"]
    bad = tmp_path / "latin.txt"
    bad.write_bytes(b"\xffabc")
    with pytest.raises(DataError) as e:
        load_text(bad)
    assert str(e.value) == (f"cannot read the text {bad}: 'utf-8' codec can't decode byte 0xff in position 0: "
                            "invalid start byte")
    missing = tmp_path / "none.txt"
    with pytest.raises(DataError) as e:
        load_text(missing)
    assert str(e.value) == f"cannot read the text {missing}: [Errno 2] No such file or directory: '{missing}'"


@pytest.mark.parametrize("p, t", [([0.1, 0.6, 0.3], 1.0), ([0.1, 0.6, 0.3], 0.5), ([2.0, 6.0, 0.0, 2.0], 3.0),
                                  ([1e-300, 3e-300], 0.01), ([0.25, 0.75], 1e-3)])
def test_each_draw_is_the_sharpened_probabilities(p, t):
    p = np.array(p)
    w = p ** (1 / t) if p.min() > 1e-200 else (p / p.max()) ** (1 / t)
    want = w / w.sum()
    a, b = np.random.default_rng(4), np.random.default_rng(4)
    got = [sample(p, t, a) for _ in range(50)]
    assert got == [int(b.choice(len(p), p=want)) for _ in range(50)]


def test_temperature_0_takes_the_first_most_likely_and_draws_nothing():
    rng = np.random.default_rng(0)
    assert sample(np.array([0.2, 0.4, 0.4]), 0.0, rng) == 1 and sample([0.5, 0.5], 0, rng) == 0
    assert rng.integers(0, 10**9) == np.random.default_rng(0).integers(0, 10**9)


@pytest.mark.parametrize("p, t, words", [
    ([], 1.0, "probabilities must be a non-empty row of finite numbers >= 0, not all 0"),
    ([[0.5, 0.5]], 1.0, "probabilities must be a non-empty row of finite numbers >= 0, not all 0"),
    ([0.5, np.inf], 1.0, "probabilities must be a non-empty row of finite numbers >= 0, not all 0"),
    ([0.5, None], 1.0, "probabilities must be a non-empty row of finite numbers >= 0, not all 0"),
    ([0.5, -0.1], 1.0, "probabilities must be a non-empty row of finite numbers >= 0, not all 0"),
    ([0.0, 0.0], 1.0, "probabilities must be a non-empty row of finite numbers >= 0, not all 0"),
    ([0.5, 0.5], -0.5, "temperature -0.5 must be a finite number >= 0"),
    ([0.5, 0.5], float("inf"), "temperature inf must be a finite number >= 0"),
    ([0.5, 0.5], float("nan"), "temperature nan must be a finite number >= 0"),
])
def test_sampling_refusals(p, t, words):
    with pytest.raises(DataError) as e:
        sample(np.array(p), t, np.random.default_rng(0))
    assert str(e.value) == words


def test_generate_draws_each_next_index_at_the_temperature():
    fed = []

    def model(k):
        fed.append(k)
        return np.array([0.5, 0.3, 0.2]) if k != 2 else np.array([0.1, 0.1, 0.8])

    a, b = np.random.default_rng(9), np.random.default_rng(9)
    out = generate(model, np.int64(2), 30, 0.7, a)
    want, k = [], 2
    for _ in range(30):
        k = sample(model(k), 0.7, b)
        want.append(k)
    assert out == want and fed[:30] == [2, *out[:-1]] and all(type(k) is int for k in out)
    assert type(fed[0]) is int
    calls = len(fed)
    assert generate(model, 0, 0, 1.0, a) == [] and len(fed) == calls
    with pytest.raises(DataError) as e:
        generate(model, 0, -1, 1.0, a)
    assert str(e.value) == "n must be a whole number of at least 0, not -1"


def test_decode():
    assert decode([2, 0, np.int64(1), 2.0], ["x", "y", "z"]) == "zxyz" and decode([], ["x"]) == ""
