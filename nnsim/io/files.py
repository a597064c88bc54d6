"""Reading and writing .nnsim files: UTF-8 JSON, saved atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from nnsim.design.model import Design
from nnsim.design.validate import DesignError
from nnsim.io.format import FormatError, design_from_dict, design_to_dict

# A design file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 512 * 1024 * 1024


def _refuse_constant(name: str):
    # json accepts NaN and Infinity by default; a design file may not hold them.
    raise ValueError(f"{name} is not allowed")


def loads(text: str, source: str = "<text>") -> Design:
    """A design from the text of a .nnsim file; ``source`` names it in messages."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()):
            raise FormatError(f"{source}: the file ends unexpectedly at line {e.lineno} (is it truncated?)") from None
        raise FormatError(f"{source}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except ValueError as e:
        raise FormatError(f"{source}: {e}") from None
    except RecursionError:
        raise FormatError(f"{source}: the JSON is nested too deeply") from None
    try:
        return design_from_dict(data)
    except FormatError as e:
        raise FormatError(f"{source}: {e}") from None


def load(path: str | os.PathLike) -> Design:
    """Read a design file; raises FormatError with a one-line reason."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(f"{name}: {size} bytes is larger than a design file can be ({MAX_FILE_BYTES})")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FormatError(f"{path}: is a folder, not a design file") from None
    except PermissionError:
        raise FormatError(f"{path}: permission denied") from None
    except OSError as e:
        raise FormatError(f"{path}: cannot be read ({e.strerror})") from None
    if not raw.strip():
        raise FormatError(f"{name}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FormatError(f"{name}: not UTF-8 text (byte {e.start}); is it a design file?") from None
    return loads(text, name)


def dumps(design: Design, include_history: bool = True) -> str:
    """The text of a .nnsim file. Raises DesignError if the design is invalid."""
    return json.dumps(design_to_dict(design, include_history), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def save(design: Design, path: str | os.PathLike, include_history: bool = True) -> None:
    """Write atomically: a temporary file in the same folder, flushed to disk,
    then renamed over the target, so a crash never leaves a half-written file
    or destroys the previous one."""
    path = Path(path)
    text = dumps(design, include_history)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["load", "loads", "save", "dumps", "FormatError", "DesignError"]
