"""The checks a design file's reader is made of: typed access to a JSON
object with its path for messages (``_Reader``), and one check per kind of
value (numbers, whole numbers in a range, text, enums, the number settings of
``nnsim.design.settings``). Each raises ``FormatError`` with one line naming
the field. Shared by ``nnsim.io.format`` and the sections it reads through
modules of their own (``nnsim.io.gan_format``)."""

from __future__ import annotations

import enum
import math
import re
from typing import Any, Callable

from nnsim.design.settings import NUMBERS, WHOLE
from nnsim.text import cut, one_line, quote


class FormatError(ValueError):
    """A design file cannot be read; the message is one line for the user
    (line breaks from the file, e.g. in a label, are shown escaped)."""

    def __init__(self, message: str = ""):
        super().__init__(one_line(message))


class _Reader:
    """Typed access to one JSON object, with its path for messages."""

    def __init__(self, obj: Any, path: str):
        if not isinstance(obj, dict):
            where = f"{path}: " if path else "the top level: "
            raise FormatError(f"{where}expected an object, found {_kind(obj)}")
        self.obj = obj
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, check: Callable[[Any, str], Any], default: Any = ...):
        if key not in self.obj:
            if default is ...:
                raise FormatError(f"{self._where(key)}: missing field")
            return default
        return check(self.obj[key], self._where(key))

    def list_of(self, key: str, limit: int, required: bool = True) -> list[tuple[Any, str]]:
        if key not in self.obj and not required:
            return []
        items = self.get(key, _list)
        if len(items) > limit:
            raise FormatError(
                f"{self._where(key)}: {len(items)} entries is more than nnsim handles ({limit})"
            )
        return [(item, f"{self._where(key)}[{i}]") for i, item in enumerate(items)]


def _kind(v) -> str:
    if v is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(
        type(v), type(v).__name__
    )


def _list(v, where):
    if not isinstance(v, list):
        raise FormatError(f"{where}: expected a list, found {_kind(v)}")
    return v


_SURROGATE = re.compile("[\ud800-\udfff]")


def _str(v, where):
    if not isinstance(v, str):
        raise FormatError(f"{where}: expected text, found {_kind(v)}")
    bad = _SURROGATE.search(v)
    if bad:
        # JSON can spell half of a UTF-16 pair as an escape; that is not
        # text and could not be written back as UTF-8.
        raise FormatError(f"{where}: contains \\u{ord(bad.group()):04x}, half of a character (not valid Unicode)")
    return v


def _bool(v, where):
    if not isinstance(v, bool):
        raise FormatError(f"{where}: expected true or false, found {_kind(v)}")
    return v


def _float(v, where):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise FormatError(f"{where}: expected a number, found {_kind(v)}")
    try:
        v = float(v)
    except OverflowError:
        raise FormatError(f"{where}: the number is too large") from None
    if not math.isfinite(v):
        raise FormatError(f"{where}: {v} is not a finite number")
    return v


def _opt_float(v, where):
    return None if v is None else _float(v, where)


def _int_in(low: int, high: int):
    def check(v, where):
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            else:
                found = f"{v:g}" if isinstance(v, float) and math.isfinite(v) else _kind(v)
                raise FormatError(f"{where}: expected a whole number, found {found}")
        if not low <= v <= high:
            raise FormatError(f"{where}: {v} is outside {low}..{high}")
        return v

    return check


def _opt_int_in(low, high):
    inner = _int_in(low, high)
    return lambda v, where: None if v is None else inner(v, where)


def _enum(cls: type[enum.Enum], what: str, optional: bool = False):
    def check(v, where):
        if v is None and optional:
            return None
        try:
            return cls(v)
        except ValueError:
            known = ", ".join(m.value for m in cls)
            shown = quote(v) if isinstance(v, str) else cut(repr(v))
            raise FormatError(f"{where}: unknown {what} {shown} (known: {known})") from None

    return check


def _ranged(key: str, optional: bool = False):
    """The check of a number setting, from the table in nnsim.design.settings."""
    allowed = NUMBERS[key]

    def check(v, where):
        if v is None and optional:
            return None
        v = _float(v, where)
        problem = allowed.problem(v)
        if problem:
            raise FormatError(f"{where}: {problem}")
        return v

    return check


def _whole(key: str, optional: bool = False):
    return (_opt_int_in if optional else _int_in)(*WHOLE[key])
