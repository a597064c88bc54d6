"""The whole line the loader says when it refuses a file (which file, which
line, which byte), the size limit to the byte, and the text a save writes."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

import nnsim.io.files as files
from nnsim.design.build import layered
from nnsim.io import FormatError, dumps, load, loads

SAMPLE = Path(__file__).parent / "samples" / "v1-article-neuron.nnsim"


def refusal(path) -> str:
    with pytest.raises(FormatError) as e:
        load(path)
    return str(e.value)


def test_the_size_limit_holds_to_the_byte(tmp_path, monkeypatch):
    p = tmp_path / "big.nnsim"
    p.write_bytes(SAMPLE.read_bytes())
    size = p.stat().st_size
    monkeypatch.setattr(files, "MAX_FILE_BYTES", size)
    assert load(p) == load(SAMPLE)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", size - 1)
    assert refusal(p) == f"big.nnsim: {size} bytes is larger than a design file can be ({size - 1})"


def test_a_device_that_reports_no_size_is_read_no_further_than_the_limit(monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    assert refusal("/dev/zero") == "zero: larger than a design file can be (100 bytes)"


def test_missing_file_folder_and_unreadable_file_name_the_path(tmp_path, monkeypatch):
    assert refusal(tmp_path / "nope.nnsim") == f"{tmp_path / 'nope.nnsim'}: no such file"
    assert refusal(tmp_path) == f"{tmp_path}: is a folder, not a design file"
    p = tmp_path / "locked.nnsim"
    p.write_bytes(SAMPLE.read_bytes())

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "open", denied, raising=False)
    assert refusal(p) == f"{p}: permission denied"

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(files, "open", broken, raising=False)
    assert refusal(p) == f"{p}: cannot be read (Input/output error)"


def test_not_utf8_names_the_byte(tmp_path):
    p = tmp_path / "latin.nnsim"
    p.write_bytes('{"name": "caf\xe9"}'.encode("latin-1"))
    assert refusal(p) == "latin.nnsim: not UTF-8 text (byte 13); is it a design file?"


def test_a_cut_file_says_the_line_it_ends_on(tmp_path):
    p = tmp_path / "cut.nnsim"
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.index('"neurons"') + 3
    p.write_text(text[:cut], encoding="utf-8")
    line = text[:cut].count("\n") + 1
    assert refusal(p) == f"cut.nnsim: the file ends unexpectedly at line {line} (is it truncated?)"


def test_not_json_names_line_column_and_problem():
    with pytest.raises(FormatError) as e:
        loads('{\n "format_version": 1,\n "name": "x"\n "layers": []\n}\n', "bad.nnsim")
    assert str(e.value) == "bad.nnsim: not valid JSON at line 4, column 2: Expecting ',' delimiter"
    with pytest.raises(FormatError) as e:
        loads('{"a": 1 .}')
    assert str(e.value).startswith("<text>: not valid JSON at line 1, column 9: ")


@pytest.mark.parametrize(("text", "where"), [
    ('{"a": [1, {"b": NaN}]}', "a[1].b"),
    ('{"a": 1, "b": {"c": [0, 0, Infinity]}}', "b.c[2]"),
    ("-Infinity", "the file"),
])
def test_the_first_literal_that_is_not_finite_is_named(text, where):
    with pytest.raises(FormatError) as e:
        loads(text, "n.nnsim")
    literal = "NaN" if "NaN" in text else ("-Infinity" if text.startswith("-") else "Infinity")
    assert str(e.value) == f"n.nnsim: {where}: {literal} is not allowed (numbers must be finite)"


def test_a_cut_escape_is_a_cut_and_a_wrong_escape_is_not():
    with pytest.raises(FormatError) as e:
        loads('{"name": "\\u20')
    assert "ends unexpectedly" in str(e.value)
    with pytest.raises(FormatError) as e:
        loads('{"name": "\\u20zz"}')
    assert "not valid JSON" in str(e.value) and "escape" in str(e.value)


def test_the_saved_text_is_readable_utf8_indented_by_one_space_ending_in_a_newline():
    d = layered([2, 1], name="café — 日本")
    text = dumps(d)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"name": "café — 日本"' in text
    assert text.splitlines()[1].startswith(' "') and not text.splitlines()[1].startswith('  ')
    assert json.loads(text)["name"] == "café — 日本"


def test_a_literal_overwritten_by_a_repeated_key_is_still_refused():
    with pytest.raises(FormatError) as e:
        loads('{"name": NaN, "name": "x"}', "twice.nnsim")
    assert str(e.value) == "twice.nnsim: the file: NaN is not allowed (numbers must be finite)"


def test_a_file_cut_inside_a_literal_then_ended_with_a_newline_is_a_cut():
    for text in ('{"format_version": tru\n', '{"format_version": -1.5e\n  ', '{"a": nul \n'):
        with pytest.raises(FormatError) as e:
            loads(text, "cut.nnsim")
        assert str(e.value) == "cut.nnsim: the file ends unexpectedly at line 1 (is it truncated?)", text
