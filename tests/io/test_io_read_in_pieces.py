"""A large design file's JSON is parsed in pieces, each a small part of the
text, so a thread reading it lets the others run; what it gives, and what it
refuses with which message, is what parsing the whole text at once gives."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim.io.files as files
from nnsim.design.build import initialize, layered
from nnsim.io import FormatError, design_to_dict, dumps, loads
from nnsim.io.pieces import PIECE, loads_in_pieces


@pytest.fixture(scope="module")
def large_text() -> str:
    """A design of 40,000 connections, labels holding what a piece's end looks for."""
    d = layered([2, 200, 200, 1])
    initialize(d, np.random.default_rng(0))
    for i, n in enumerate(d.neurons):
        n.label = ['"},\n  {', "},", "[1, 2]}, ]", "plain"][i % 4]
    text = dumps(d)
    assert len(text) > files.PIECES_FROM
    return text


def parses(monkeypatch) -> list[int]:
    """The length of every text the decoder is given from now on."""
    seen: list[int] = []
    real = json.JSONDecoder.decode
    monkeypatch.setattr(json.JSONDecoder, "decode",
                        lambda self, s, *a, **k: seen.append(len(s)) or real(self, s, *a, **k))
    return seen


def test_a_large_file_is_parsed_in_small_pieces_to_the_same_design(large_text, monkeypatch):
    whole = design_to_dict(loads(large_text))
    seen = parses(monkeypatch)
    got = loads(large_text)
    assert seen and max(seen) < 3 * PIECE < len(large_text) / 10
    assert design_to_dict(got) == whole
    assert [n.label for n in got.neurons[:4]] == ['"},\n  {', "},", "[1, 2]}, ]", "plain"]


def test_pieces_give_what_json_gives_for_awkward_arrays():
    def same(text):
        assert loads_in_pieces(text, str) == json.loads(text, parse_constant=str)

    same('{"a": [], "b": [ ], "c": {"d": [1]}, "e": "x"}')
    same("{}")
    same(" { } ")
    same('{"a":123,"b":[4,5],"c":{"d":[1]},"e":"x"}')  # written without spaces, as other tools do
    same('{"a": [' + ", ".join('{"x": {"y": [%d, {"z": "},"}]}, "s": "]}, {"}' % i for i in range(20_000)) + "]}")
    same('{"a": [' + ", ".join("[%d, [%d]]" % (i, i) for i in range(20_000)) + "]}")
    same('{"a": [' + ", ".join('{"v": NaN}' for _ in range(20_000)) + "], \"a\": 1}")  # the last of two wins
    for not_an_object in ("[1, 2]", '{"a": 1} x', '{"a": [1, 2,]}', '{"a" 1}', "\ufeff{}", '{"a": [1 2]}'):
        assert loads_in_pieces(not_an_object, str) is None


@pytest.mark.parametrize("spoil", [
    lambda t: t[: len(t) * 2 // 3],  # cut off in the connections
    lambda t: t.replace('"weight": ', '"weight": NaN, "w": ', 1000)[: len(t) + 9000],
    lambda t: t.replace('"target": ', '"target" ', 7000),
    lambda t: t[:-3] + ", }",
])
def test_a_large_broken_file_is_refused_with_the_message_a_whole_parse_gives(large_text, monkeypatch, spoil):
    text = spoil(large_text)
    with pytest.raises(FormatError) as in_pieces:
        loads(text, "big.nnsim")
    monkeypatch.setattr(files, "PIECES_FROM", len(text) + 1)
    with pytest.raises(FormatError) as whole:
        loads(text, "big.nnsim")
    assert str(in_pieces.value) == str(whole.value)
