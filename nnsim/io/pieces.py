"""Parsing a large design file's JSON a piece at a time.

``json.loads`` parses a whole text in one call that holds the interpreter
throughout: for a 17 MB design (180,000 connections) a third of a second or
more, in which no other thread runs — the window that reads the file on a
thread stops answering. ``loads_in_pieces`` parses the top-level object
itself and its arrays in runs of elements, with the decoder ``json.loads``
uses, a millisecond's worth per call, so other threads get their turns in
between. The result is the one ``json.loads`` gives; for text it cannot take
apart this way — anything that is not a well-formed object — it returns
None and the caller parses the whole text as before, which also finds the
error and says where it is.
"""

from __future__ import annotations

import json
import json.scanner
import re
from json.decoder import scanstring

_SPACE = re.compile(r"[ \t\n\r]*")
PIECE = 50_000  # characters parsed in one call: a millisecond or so


def loads_in_pieces(text: str, parse_constant) -> dict | None:
    """The top-level object of ``text`` as ``json.loads(text,
    parse_constant=...)`` gives it, or None (then nothing is known about the
    text: parse it whole)."""
    decoder = json.JSONDecoder(parse_constant=parse_constant)
    scan = json.scanner.make_scanner(decoder)
    space = _SPACE.match
    try:
        at = space(text, 0).end()
        if text[at : at + 1] != "{":
            return None
        at = space(text, at + 1).end()
        out: dict = {}
        if text[at : at + 1] == "}":
            return out if space(text, at + 1).end() == len(text) else None
        while True:
            if text[at : at + 1] != '"':
                return None
            key, at = scanstring(text, at + 1, True)
            at = space(text, at).end()
            if text[at : at + 1] != ":":
                return None
            at = space(text, at + 1).end()
            if text[at : at + 1] == "[":
                out[key], at = _array(text, at + 1, scan, decoder.decode)
            else:
                out[key], at = scan(text, at)
            at = space(text, at).end()
            if text[at : at + 1] == ",":
                at = space(text, at + 1).end()
                continue
            if text[at : at + 1] != "}":
                return None
            return out if space(text, at + 1).end() == len(text) else None
    except (ValueError, StopIteration, RecursionError):
        return None


def _array(text: str, at: int, scan, decode) -> tuple[list, int]:
    """The array whose elements start at ``at`` (after its ``[``), parsed in
    runs of elements of about ``PIECE`` characters, and where it ends.

    A run ends with a ``}`` and a comma some way on: preferably one at the
    indentation the first element starts at (where a file written with
    indentation ends its elements). If that is where an element ends
    (outside any string, at the array's own depth), ``[`` + the run + ``]``
    is an array of exactly the elements there; if it is not, the run is not
    valid JSON (a string or a bracket is left open), and the elements up to
    there are scanned one at a time instead."""
    space = _SPACE.match
    items: list = []
    at = space(text, at).end()
    if text[at : at + 1] == "]":
        return items, at + 1
    line = text.rfind("\n", 0, at)
    indent = text[line:at] if line >= 0 and not text[line + 1 : at].strip(" \t") else ""
    end_mark = indent + "},"
    alone_until = at  # elements before this are scanned one at a time
    while True:
        if at >= alone_until:
            cut = text.find(end_mark, at + PIECE)
            if cut >= 0:
                cut += len(end_mark) - 1  # at the comma
                try:
                    run = decode("[" + text[at:cut] + "]")
                except (ValueError, RecursionError):
                    run = None
                if run is not None:
                    items.extend(run)
                    at = space(text, cut + 1).end()
                    continue
                alone_until = cut
            else:
                alone_until = len(text)  # the rest is shorter than a run
        value, at = scan(text, at)
        items.append(value)
        at = space(text, at).end()
        c = text[at : at + 1]
        if c == ",":
            at = space(text, at + 1).end()
        elif c == "]":
            return items, at + 1
        else:
            raise ValueError("not an array")
