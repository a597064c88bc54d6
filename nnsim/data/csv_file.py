"""Reading a data set from a CSV file.

The file is UTF-8 text (a byte-order mark is allowed), with a header row naming
the columns. The separator is a comma, a semicolon or a tab, whichever splits
the header into the most columns (a spreadsheet's export in many locales uses
semicolons); where it is not a comma, numbers may be written with a decimal
comma ("1,5"), as the same exports write them (``layout`` says what it
found). Blank lines and lines whose first non-blank character is ``#`` are
skipped anywhere, also before the header. Fields may be
quoted as the ``csv`` module reads them (strictly: a quote left open or text
after a closing quote is an error).

Feature columns hold numbers. For classification there is one target column of
numbers or text labels; for regression one or more target columns of numbers.
Every problem raises ``DataError`` with a one-line message naming the file and,
where there is one, the line and column, e.g.
``iris.csv, line 12, column 'petal_width': 'abc' is not a number``.

Only a regular file is read (not a device, pipe or folder), and at most
``MAX_CSV_BYTES`` of it. Every check is linear in the size of the file.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
from pathlib import Path

import numpy as np

from nnsim.text import cut, listing, path_text, quote

from .base import CLASSIFICATION, REGRESSION, DataError, Dataset, scaling_of, split, standardize

# A CSV file larger than this is refused before it is read.
MAX_CSV_BYTES = 256 * 1024 * 1024


def load_csv(
    path: str | Path,
    targets: list[str],
    task: str = CLASSIFICATION,
    train_ratio: float = 0.5,
    rng: np.random.Generator | None = None,
    normalize: bool = False,
    name: str | None = None,
    scale_targets: bool = False,
    text: str | None = None,
) -> Dataset:
    """Read ``path`` into a shuffled train/test ``Dataset``.

    ``targets`` names the target column(s); every other column is a feature,
    in file order. For classification the classes are the sorted distinct
    target values (numerically when they are all numbers). ``train_ratio``
    (0, 1] of the shuffled rows train (see ``split``); ``rng`` None uses a
    fresh, unseeded generator. ``normalize`` standardises every feature by
    the mean and standard deviation of the training rows (a standard
    deviation of 0 counts as 1). ``scale_targets`` does the same to
    regression targets (the network learns them standardised; the dataset's
    ``raw_targets`` gives them back in the file's units). ``name`` defaults to
    the file name. ``text``: the file's text kept in a design; then ``path``
    only names it.
    """
    path = Path(path)
    fname = cut(path.name or str(path))
    if task not in (CLASSIFICATION, REGRESSION):
        raise DataError(f"{fname}: unknown task {quote(task)} (use {CLASSIFICATION} or {REGRESSION})")
    targets = [str(t) for t in targets]
    if not targets:
        raise DataError(f"{fname}: no target column chosen")
    if len(set(targets)) != len(targets):
        raise DataError(f"{fname}: a target column is named twice ({listing(targets)})")
    if task == CLASSIFICATION and len(targets) != 1:
        raise DataError(
            f"{fname}: classification needs exactly one target column, "
            f"not {len(targets)} ({listing(targets)})"
        )

    header_line, header, rows, separator = _read_rows(path, fname, text)
    number = _number if separator == "," else _comma_number
    header = [h.strip() for h in header]
    position: dict[str, int] = {}  # column name -> index
    for i, column in enumerate(header):
        if not column:
            raise DataError(
                f"{fname}, line {header_line}: column {i + 1} of the header has no name"
            )
        if column in position:
            raise DataError(
                f"{fname}, line {header_line}: column {quote(column)} appears twice in the header"
            )
        position[column] = i
    for target in targets:
        if target not in position:
            raise DataError(f"{fname}: no column named {quote(target)} (columns: {listing(header)})")
    target_set = set(targets)
    feature_cols = [i for i, column in enumerate(header) if column not in target_set]  # file order
    target_cols = [position[t] for t in targets]  # order of ``targets``
    if not feature_cols:
        raise DataError(f"{fname}: no feature columns left (every column is a target)")
    if not rows:
        raise DataError(f"{fname}: no data rows after the header")

    for line, row in rows:
        if len(row) != len(header):
            raise DataError(
                f"{fname}, line {line}: "
                f"{len(row)} values where the header has {len(header)} columns"
            )
    x = np.array(
        [[number(row[i], fname, line, header[i]) for i in feature_cols] for line, row in rows],
        dtype=np.float64,
    )  # (n, n_features)
    if task == CLASSIFICATION:
        y, target_names = _class_labels(rows, target_cols[0], header[target_cols[0]], fname, separator != ",")
    else:
        y = np.array(
            [[number(row[i], fname, line, header[i]) for i in target_cols] for line, row in rows],
            dtype=np.float64,
        )  # (n, n_targets)
        target_names = list(targets)

    if rng is None:
        rng = np.random.default_rng()
    x_train, y_train, x_test, y_test = split(x, y, train_ratio, rng)
    x_scaling = y_scaling = None
    if normalize:
        x_scaling = scaling_of(x_train)
        x_train, x_test, bad = standardize(x_train, x_test)
        if bad is not None:
            raise DataError(
                f"{fname}: column {quote(header[feature_cols[bad]])} cannot be normalised: its values are "
                "too far apart for 64-bit numbers (scale the column down, or turn normalisation off)"
            )
    if scale_targets and task == REGRESSION:
        y_scaling = scaling_of(y_train)
        y_train, y_test, bad = standardize(y_train, y_test)
        if bad is not None:
            raise DataError(
                f"{fname}: target column {quote(targets[bad])} cannot be scaled: its values are "
                "too far apart for 64-bit numbers (scale the column down, or turn target scaling off)"
            )
    return Dataset(
        name=name if name is not None else fname,
        task=task,
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        feature_names=[header[i] for i in feature_cols],
        target_names=target_names,
        input_range=_input_range(x_train, x_test),
        x_scaling=x_scaling,
        y_scaling=y_scaling,
    )


def read_table(path: str | Path, text: str | None = None) -> tuple[list[str], np.ndarray, list[int]]:
    """A CSV file of numbers only, rows kept in file order (a time series):
    (column names, values (rows, columns), the file line of each row).
    ``text``: the file's text kept in a design. Problems raise ``DataError``
    naming the file, and the line and column."""
    path = Path(path)
    fname = cut(path.name or str(path))
    header_line, header, rows, separator = _read_rows(path, fname, text)
    number = _number if separator == "," else _comma_number
    header = [h.strip() for h in header]
    for i, column in enumerate(header):
        if not column:
            raise DataError(f"{fname}, line {header_line}: column {i + 1} of the header has no name")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise DataError(f"{fname}, line {header_line}: column {quote(column)} appears twice in the header")
        seen.add(column)
    if not rows:
        raise DataError(f"{fname}: no data rows after the header")
    for line, row in rows:
        if len(row) != len(header):
            raise DataError(f"{fname}, line {line}: {len(row)} values where the header has {len(header)} columns")
    values = np.array([[number(v, fname, line, header[i]) for i, v in enumerate(row)] for line, row in rows],
                      dtype=np.float64).reshape(len(rows), len(header))
    return header, values, [line for line, _ in rows]


SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def separator_of(header: str) -> str:
    """The separator that splits a header line into the most columns (a
    comma when none splits it)."""
    best, most = ",", 1
    for sep in SEPARATORS:
        try:
            n = len(next(csv.reader([header], delimiter=sep)))
        except (csv.Error, StopIteration):
            continue
        if n > most:
            best, most = sep, n
    return best


def layout(path: str | Path, rows: int = 5) -> tuple[str, str, list[str], list[list[str]]]:
    """What a CSV file looks like, for a preview: (separator's name, decimal
    mark's name, header, the first ``rows`` data rows). Raises DataError."""
    path = Path(path)
    fname = cut(path.name or str(path))
    _, header, records, separator = _read_rows(path, fname)
    decimal = "comma" if separator != "," and any(
        _DECIMAL_COMMA.fullmatch(field.strip()) for _, row in records[:200] for field in row) else "point"
    return SEPARATORS[separator], decimal, [h.strip() for h in header], [row for _, row in records[:rows]]


def file_text(path: str | Path) -> str:
    """The text of a CSV file (a regular file of at most MAX_CSV_BYTES, in
    UTF-8), to keep in a design; DataError with a one-line message otherwise."""
    path = Path(path)
    fname = cut(path.name or str(path))
    raw = _read_bytes(path, fname)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{fname}, line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
                        ) from None


def _read_rows(path: Path, fname: str, text: str | None = None
               ) -> tuple[int, list[str], list[tuple[int, list[str]]], str]:
    """Read the file (or ``text``, its contents); return (header line number,
    header fields, [(line number, fields)] of the data rows, the separator),
    skipping blank and comment lines."""
    raw = _read_bytes(path, fname) if text is None else text.encode("utf-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{fname}, line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None

    numbered = [  # (line number, text) of the lines that hold data
        (number, line)
        for number, line in enumerate(io.StringIO(text, newline=None), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise DataError(f"{fname}: the file is empty (it needs a header row naming the columns)")
    separator = separator_of(numbered[0][1])
    reader = csv.reader((line for _, line in numbered), delimiter=separator, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 0  # index into ``numbered`` of the line the next record starts on
    try:
        for fields in reader:
            records.append((numbered[start][0], fields))
            start = reader.line_num
    except csv.Error as exc:
        raise DataError(f"{fname}, line {numbered[start][0]}: not valid CSV ({exc})") from None
    (header_line, header), rows = records[0], records[1:]
    return header_line, header, rows, separator


def _read_bytes(path: Path, fname: str) -> bytes:
    """The bytes of a regular file of at most MAX_CSV_BYTES; anything else
    (no file, a folder, a device such as /dev/zero, a pipe that would block)
    is refused in one line."""
    shown = path_text(path)
    if "\0" in str(path):
        raise DataError(f"{fname}: the file name holds a NUL character, which no file name can")
    try:
        # Non-blocking: opening a pipe with no writer returns at once, and
        # fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DataError(f"{fname}: no such file ({shown})") from None
    except IsADirectoryError:
        raise DataError(f"{fname}: is a folder, not a file ({shown})") from None
    except OSError as exc:
        raise DataError(f"{fname}: cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CSV_BYTES:
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DataError(f"{fname}: is a folder, not a file ({shown})")
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"{fname}: {shown} is not a regular file but a device, pipe or socket; choose a CSV file")
        raise DataError(f"{fname}: {info.st_size:,} bytes is larger than a CSV file can be ({MAX_CSV_BYTES:,})")
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(MAX_CSV_BYTES + 1)
        except OSError as exc:
            raise DataError(f"{fname}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CSV_BYTES:  # it grew while we read it
        raise DataError(f"{fname}: larger than a CSV file can be ({MAX_CSV_BYTES:,} bytes)")
    return raw


def _parse_float(text: str) -> float | None:
    """The number written in ``text``, or None if it is not one."""
    try:
        return float(text.strip())
    except ValueError:
        return None


_DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+(?:[eE][-+]?\d+)?")


def _comma_number(text: str, fname: str, line: int, column: str) -> float:
    """A number that may be written with a decimal comma ("-1,25")."""
    return _number(text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text.strip()) else text, fname, line, column)


def _number(text: str, fname: str, line: int, column: str) -> float:
    """A finite number from one field, or a ``DataError`` naming where it is."""
    value = _parse_float(text)
    if value is not None and math.isfinite(value):
        return value
    where = f"{fname}, line {line}, column {quote(column)}"
    if not text.strip():
        raise DataError(f"{where}: missing value (the field is empty)")
    if value is None:
        raise DataError(f"{where}: {quote(text.strip())} is not a number")
    raise DataError(f"{where}: {quote(text.strip())} is not a finite number")


def _class_labels(
    rows: list[tuple[int, list[str]]], col: int, column: str, fname: str, decimal_comma: bool = False
) -> tuple[np.ndarray, list[str]]:
    """Class indices (n,) int64 and class names for a label column.

    If every label is a number the classes are sorted numerically and named
    by their value ("3", "0.5"); otherwise they are text labels sorted as text.
    """
    labels = []
    for line, row in rows:
        label = row[col].strip()
        if not label:
            raise DataError(f"{fname}, line {line}, column {quote(column)}: missing label (the field is empty)")
        value = _parse_float(label.replace(",", ".") if decimal_comma and _DECIMAL_COMMA.fullmatch(label) else label)
        if value is not None and not math.isfinite(value):
            raise DataError(f"{fname}, line {line}, column {quote(column)}: {quote(label)} is not a valid label")
        labels.append((label, value))

    if all(value is not None for _, value in labels):
        values = np.array([value for _, value in labels], dtype=np.float64)  # (n,)
        classes = np.unique(values)  # sorted
        names = [_number_name(v) for v in classes]
        return np.searchsorted(classes, values).astype(np.int64), names
    texts = [label for label, _ in labels]
    names = sorted(set(texts))
    index = {name: i for i, name in enumerate(names)}
    return np.array([index[t] for t in texts], dtype=np.int64), names


def _number_name(value: float) -> str:
    """"3" for 3.0, "0.5" for 0.5."""
    return str(int(value)) if value.is_integer() else repr(float(value))


def _input_range(x_train: np.ndarray, x_test: np.ndarray):
    """The plane the data covers, with a 10% margin, for two-feature data;
    None otherwise."""
    if x_train.shape[1] != 2:
        return None
    x = np.concatenate([x_train, x_test])  # (n, 2)
    bounds = []
    top = float(np.finfo(np.float64).max)
    for lo, hi in zip(x.min(axis=0).tolist(), x.max(axis=0).tolist()):
        margin = 0.1 * hi - 0.1 * lo if hi > lo else 1.0  # not 0.1 * (hi - lo): that overflows near 1.7e308
        bounds.append((max(-top, lo - margin), min(top, hi + margin)))  # Python floats: inf, no warning
    return bounds[0], bounds[1]
