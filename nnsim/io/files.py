"""Reading and writing .nnsim files: UTF-8 JSON, saved atomically."""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from nnsim.design.model import Design
from nnsim.design.validate import DesignError
from nnsim.io.format import FormatError, design_from_dict, design_to_dict
from nnsim.io.pieces import loads_in_pieces

# A design file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 512 * 1024 * 1024
# A text this long is parsed in pieces (``nnsim.io.pieces``), so a thread
# reading it lets the others run.
PIECES_FROM = 1_000_000

# A temporary file left by a save is stale when the process that wrote it has
# ended, or (where that cannot be told) when it is older than this.
STALE_SECONDS = 3600


class _Constant:
    """Stands for a NaN or Infinity literal while parsing (json accepts them by
    default; a design file may not hold them), so the message can say where."""

    def __init__(self, name: str):
        self.name = name


def _find_constant(data) -> tuple[str, str]:
    """Where the first NaN/Infinity literal is: (path, literal)."""
    stack = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, _Constant):
            return where, value.name
        if isinstance(value, dict):
            items = [(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            items = [(v, f"{where}[{i}]") for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(items))
    return "", "NaN"


# What the text after a parse error may be when the file was cut off there: the
# start of a number or of a literal (true, false, null).
_CUT_TOKEN = re.compile(r"-?\d*\.?\d*(?:[eE][-+]?\d*)?|t(?:r(?:u)?)?|f(?:a(?:l(?:s)?)?)?|n(?:u(?:l)?)?")

_CUT_ESCAPE = re.compile(r"u[0-9a-fA-F]{0,4}")


def _truncated(text: str, e: json.JSONDecodeError) -> bool:
    if e.msg.startswith("Unterminated string"):  # no closing quote before the end
        return True
    rest = text[e.pos :].rstrip()
    if e.msg.startswith("Invalid \\uXXXX escape"):  # cut inside \u20ac
        return _CUT_ESCAPE.fullmatch(rest) is not None
    return not rest or _CUT_TOKEN.fullmatch(rest) is not None


def loads(text: str, source: str = "<text>") -> Design:
    """A design from the text of a .nnsim file; ``source`` names it in messages."""
    constants: list[_Constant] = []

    def constant(name: str) -> _Constant:
        constants.append(_Constant(name))
        return constants[-1]

    try:
        data = loads_in_pieces(text, constant) if len(text) >= PIECES_FROM else None
        if data is None:
            constants.clear()  # from a try in pieces that gave up
            data = json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as e:
        if _truncated(text, e):
            raise FormatError(f"{source}: the file ends unexpectedly at line {e.lineno} (is it truncated?)") from None
        raise FormatError(f"{source}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None
    except ValueError as e:  # e.g. an integer with thousands of digits
        raise FormatError(f"{source}: not readable as JSON: {str(e).split(';')[0]}") from None
    except RecursionError:
        raise FormatError(f"{source}: the JSON is nested too deeply") from None
    if constants:
        where, name = _find_constant(data)
        raise FormatError(f"{source}: {where or 'the file'}: {name} is not allowed (numbers must be finite)")
    try:
        return design_from_dict(data)
    except FormatError as e:
        raise FormatError(f"{source}: {e}") from None


def load(path: str | os.PathLike) -> Design:
    """Read a design file, or an ONNX model (``.onnx``) built of what nnsim
    has; raises FormatError with a one-line reason."""
    path = Path(path)
    name = path.name
    if path.suffix.lower() == ".onnx":
        return _load_onnx(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(f"{name}: {size} bytes is larger than a design file can be ({MAX_FILE_BYTES})")
        with open(path, "rb") as f:  # bounded: a device or pipe reports size 0
            raw = f.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise FormatError(f"{name}: larger than a design file can be ({MAX_FILE_BYTES} bytes)")
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


def _load_onnx(path: Path) -> Design:
    from nnsim.exchange import ExportError
    from nnsim.exchange.onnx_import import load_onnx

    try:
        return load_onnx(path)
    except ExportError as e:
        raise FormatError(f"{path.name}: {e}") from None


def dumps(design: Design, include_history: bool = True, include_state: bool = True) -> str:
    """The text of a .nnsim file. Raises DesignError if the design is invalid."""
    data = design_to_dict(design, include_history, include_state)
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def save(design: Design, path: str | os.PathLike, include_history: bool = True, include_state: bool = True) -> None:
    """Write atomically: a temporary file in the same folder, flushed to disk,
    then renamed over the target, so a crash never leaves a half-written file
    or destroys the previous one. ``include_state`` False leaves out the
    training state (the optimizer's memory): training then goes on afresh."""
    path = Path(path)
    if path.is_symlink():  # replace the file the link points to, not the link
        path = Path(os.path.realpath(path))
    text = dumps(design, include_history, include_state)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent or ".")
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
    _fsync_dir(path.parent)


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of earlier saves of ``path`` that were
    killed half-way: ``.NAME.PID.xxxxxxxx.tmp`` whose process has ended (or
    that are a day old), and ``.NAME.xxxxxxxx.tmp`` (older nnsims, no pid)
    older than STALE_SECONDS. Only regular files of exactly that name are
    touched; a save running in another process is left alone."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(?:(\d+)\.)?[a-z0-9_]{{8}}\.tmp")
    folder = path.parent if str(path.parent) else Path(".")
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            age = now - info.st_mtime
            pid = match.group(1)
            if pid is None or not _can_tell_processes():
                stale = age > STALE_SECONDS
            else:
                stale = age > 24 * STALE_SECONDS or not _running(int(pid))
            if stale:
                os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove


def _can_tell_processes() -> bool:
    # On Windows os.kill(pid, 0) would end the process, not test for it.
    return os.name == "posix"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # a save in another thread of this process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or cannot tell: leave it
    return True


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; best effort elsewhere)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    # Linux reports the umask without changing it; elsewhere reading it means
    # setting it for a moment.
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["load", "loads", "save", "dumps", "FormatError", "DesignError"]
