"""Putting text from a file into a one-line message.

A design's labels, a CSV cell or a file name can hold anything: line breaks
(``\\n``, ``\\r``, form feed, U+0085, U+2028 ...), terminal control characters,
or a hundred megabytes. Messages for the user are one line, so every such
character is shown escaped, and a quoted value is cut to a readable length.
Each step is linear in the length of the text.
"""

from __future__ import annotations

# Longest quoted value shown in full; a longer one is cut and its length said.
QUOTE_LIMIT = 80


def _escapes() -> dict[int, str]:
    # Every control character (C0, DEL, C1) and the Unicode line and paragraph
    # separators: the characters str.splitlines() or a terminal act on.
    table = {}
    for code in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]:
        table[code] = repr(chr(code))[1:-1]
    return table


_ESCAPES = _escapes()


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters escaped (``\\n``,
    ``\\x85``, ``\\u2028``), so that it prints as one line."""
    return str(text).translate(_ESCAPES)


def _head(text: str, limit: int) -> tuple[str, str]:
    """(the first characters of ``text`` escaped, a note of its length when cut)."""
    if len(text) <= limit:
        return one_line(text), ""
    return one_line(text[: max(1, limit - 1)]) + "…", f" ({len(text):,} characters)"


def cut(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` escaped to one line and, when longer than ``limit``
    characters, cut with its length said: ``abc… (1,000,000 characters)``."""
    head, note = _head(str(text), limit)
    return head + note


def path_text(path, limit: int = QUOTE_LIMIT) -> str:
    """A file's path for a message, escaped to one line. A path longer than
    ``limit`` keeps its start and its end, where the file's own name is, and
    loses the middle, its length said: ``/home/ann/…/week3/fruit.csv (130
    characters)``."""
    text = str(path)
    if len(text) <= limit:
        return one_line(text)
    tail = max(1, limit * 2 // 3)
    head = max(1, limit - tail - 1)
    return f"{one_line(text[:head])}…{one_line(text[-tail:])} ({len(text):,} characters)"


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` in single quotes for a message, one line, cut when long:
    ``'abc…' (1,000,000 characters)``."""
    head, note = _head(str(text), limit)
    return f"'{head}'{note}"


def listing(items, limit: int = 10) -> str:
    """The first ``limit`` items, each cut to one short line, joined by
    commas, with how many more there are: ``a, b, … and 39,998 more``."""
    items = list(items)
    shown = ", ".join(cut(i, 40) for i in items[:limit])
    if len(items) > limit:
        shown += f", … and {len(items) - limit:,} more"
    return shown
