"""The character task on the shipped text, and sampling at a temperature."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data.base import DataError
from nnsim.data.char_text import TEXT_FILE, char_text, decode, generate, load_text, sample, vocabulary
from nnsim.resources import resource_path


def test_the_shipped_text_is_there_and_plain():
    text = load_text()
    assert text.startswith("CHAPTER I.\nDown the Rabbit-Hole\n") and 8_000 < len(text) < 40_000
    assert text.isascii() and "_" not in text
    readme = resource_path("datasets", "README.md").read_text(encoding="utf-8")
    assert TEXT_FILE in readme and "public domain" in readme.lower()


def test_the_streams_spell_the_text_and_targets_are_the_next_characters():
    text = load_text()
    d = char_text(chunk=25, train_ratio=0.9)
    vocab = d.feature_names
    assert vocab == vocabulary(text) == sorted(set(text)) and d.target_names == vocab and d.stream
    spelled = []
    for x, y, mask in ((d.x_train, d.y_train, d.mask_train), (d.x_test, d.y_test, d.mask_test)):
        rows_x, rows_y, m = x.reshape(-1, len(vocab)), y.reshape(-1, len(vocab)), mask.reshape(-1)
        assert m[: m.sum()].all() and not m[m.sum() :].any()
        inputs = decode(np.argmax(rows_x[m], axis=1), vocab)
        targets = decode(np.argmax(rows_y[m], axis=1), vocab)
        assert inputs[1:] == targets[:-1]
        spelled.append((inputs, targets))
    (train_in, train_out), (test_in, test_out) = spelled
    assert train_in + test_in == text[:-1] and train_out + test_out == text[1:]
    assert abs(len(train_in) / (len(text) - 1) - 0.9) < 0.01


def test_any_text():
    d = char_text("abcabcabcabd", chunk=4, train_ratio=0.5)
    assert d.feature_names == ["a", "b", "c", "d"] and d.x_train.shape == (2, 4, 4)
    with pytest.raises(DataError, match="at least 4 characters"):
        char_text("aaaa")
    with pytest.raises(DataError, match="strictly between"):
        char_text("abcabc", train_ratio=1.0)
    with pytest.raises(DataError, match="cannot read"):
        load_text("/nonexistent/text.txt")


def test_sampling_at_a_temperature():
    p = np.array([0.1, 0.6, 0.3])
    rng = np.random.default_rng(0)
    assert sample(p, 0.0, rng) == 1
    draws = np.bincount([sample(p, 1.0, rng) for _ in range(20_000)], minlength=3) / 20_000
    assert np.allclose(draws, p, atol=0.015)
    sharp = np.bincount([sample(p, 0.5, rng) for _ in range(20_000)], minlength=3) / 20_000
    assert np.allclose(sharp, p**2 / np.sum(p**2), atol=0.015)  # p^(1/τ), normalised
    flat = np.bincount([sample(p, 100.0, rng) for _ in range(20_000)], minlength=3) / 20_000
    assert np.all(np.abs(flat - 1 / 3) < 0.02)
    assert sample(np.array([0.0, 1.0, 0.0]), 2.0, rng) == 1  # a probability of 0 stays 0
    for bad in (np.array([]), np.array([0.5, np.nan]), np.array([-0.1, 1.1]), np.zeros(3)):
        with pytest.raises(DataError):
            sample(bad, 1.0, rng)
    with pytest.raises(DataError, match="temperature"):
        sample(p, -1.0, rng)


def test_generate_feeds_each_draw_back():
    """A model that always predicts "the next letter of abc": at temperature
    0 the sample is the cycle."""
    fed = []

    def next_probabilities(k):
        fed.append(k)
        return np.eye(3)[(k + 1) % 3]

    out = generate(next_probabilities, 0, 7, 0.0, np.random.default_rng(0))
    assert out == [1, 2, 0, 1, 2, 0, 1] and fed == [0, *out[:-1]]
    assert decode(out, ["a", "b", "c"]) == "bcabcab"
