"""Reading a large file's JSON in pieces gives what parsing it whole gives,
refuses (by giving up, so the whole parse says why) what parsing it whole
refuses, and does it in runs of about ``PIECE`` characters: few parser calls,
none much larger than a piece, and hardly any element scanned on its own, for
a file written with indentation and for one written on a single line."""

from __future__ import annotations

import json
import json.scanner

import numpy as np
import pytest

from nnsim.design.build import initialize, layered
from nnsim.io import design_to_dict
from nnsim.io.pieces import PIECE, loads_in_pieces


def _same(text: str) -> None:
    assert loads_in_pieces(text, str) == json.loads(text, parse_constant=str)


@pytest.mark.parametrize("text", [
    '{"a\tb": 1}',  # a control character inside a key
    '{"a": "x\ty"}',  # and inside a value
    '{"a": ["x\ny"]}',
    '{"a": 1}x',
    '{"a": 1} x',
    '{}x',
    '{} }',
    '{"a": [1]}]',
    '{"a": [1], }',
    '{"a": [1],',
    '{"a": [1]',
    '{"a": [1,]}',
    '{"a" : 1 "b": 2}',
    '{"a": []]}',
    '{1: 2}',
    "",
    "   ",
])
def test_what_a_whole_parse_refuses_is_given_up(text):
    with pytest.raises(ValueError):
        json.loads(text)
    assert loads_in_pieces(text, str) is None


@pytest.mark.parametrize("text", [
    "{}", "{}\n", " {\n}\t", '{"a":1}', '{"a": 1}\r\n', '{"a":[]}', '{"a": [ ]}', '{"a":[],"b":[1,2],"c":3}',
    '{"a": [[], [[]], {"b": []}]}', '{"": [""], "x": {"": []}}', '{"a": [NaN, Infinity, -Infinity]}',
    '{"a": [1, 2], "a": [3]}', '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "c"\n}',
])
def test_what_a_whole_parse_reads_is_read_the_same(text):
    _same(text)


def _counting(monkeypatch) -> tuple[list[int], list[int]]:
    """The length of each text the decoder is given, and one entry per
    element (or run) the scanner is asked for."""
    decoded: list[int] = []
    scanned: list[int] = []
    real_decode = json.JSONDecoder.decode
    monkeypatch.setattr(json.JSONDecoder, "decode",
                        lambda self, s, *a, **k: decoded.append(len(s)) or real_decode(self, s, *a, **k))
    real_make = json.scanner.make_scanner

    def make(context):
        scan = real_make(context)

        def counted(text, at):
            scanned.append(at)
            return scan(text, at)

        return counted

    monkeypatch.setattr(json.scanner, "make_scanner", make)
    return decoded, scanned


@pytest.fixture(scope="module")
def design_dict() -> dict:
    d = layered([2, 100, 100, 1])
    initialize(d, np.random.default_rng(1))
    for i, n in enumerate(d.neurons):
        n.label = ['"},\n    {', "},", "plain"][i % 3]
    return design_to_dict(d)


SHAPES = {
    "indented": lambda d: json.dumps(d, indent=1),  # as nnsim writes it
    "one line": lambda d: json.dumps(d),
    "without spaces": lambda d: json.dumps(d, separators=(",", ":")),
    "a line per field": lambda d: "{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in d.items()) + "\n}",
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_large_file_is_read_in_runs_of_about_a_piece(design_dict, monkeypatch, shape):
    text = SHAPES[shape](design_dict)
    assert len(text) > 10 * PIECE
    expected = json.loads(text)
    decoded, scanned = _counting(monkeypatch)
    assert loads_in_pieces(text, str) == expected
    runs = [n for n in decoded if n > 2]
    assert runs and max(decoded) < 2 * PIECE + 1000
    assert len(text) // (2 * PIECE) <= len(runs) <= len(text) // PIECE + 2
    # runs, the top level's values, the short arrays' elements, those left after each array's runs
    elements = sum(len(v) for v in expected.values() if isinstance(v, list))
    assert elements > 10_000 and len(scanned) < elements // 8


def test_a_run_that_would_cut_a_string_is_read_element_by_element(monkeypatch):
    item = '{"s": "' + "x" * 100 + '}, "}'
    text = '{"a": [' + ", ".join([item] * 2000) + "]}"
    decoded, scanned = _counting(monkeypatch)
    assert loads_in_pieces(text, str) == json.loads(text)
    assert len(scanned) > 1000  # every run tried is not valid JSON: no element is lost or read twice


def test_elements_holding_objects_are_cut_where_an_element_ends(monkeypatch):
    data = {"name": "x", "a": [{"w": {"v": i}, "n": [{"k": i}]} for i in range(12_000)], "b": 1}
    text = json.dumps(data, indent=1)
    assert len(text) > 10 * PIECE
    decoded, scanned = _counting(monkeypatch)
    assert loads_in_pieces(text, str) == data
    assert max(decoded) < 2 * PIECE + 1000
    assert len(scanned) < 12_000 // 20
