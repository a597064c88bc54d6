"""``nnsim.load`` of an ONNX model, whatever the case of its suffix, names
the file once; a number too long to read is refused with the first part of
Python's reason."""

from __future__ import annotations

import pytest

import nnsim
from nnsim.io import FormatError, loads

pytest.importorskip("onnx", reason="ONNX import needs onnx: pip install 'nnsim[onnx]'")


def refusal(path) -> str:
    with pytest.raises(FormatError) as info:
        nnsim.load(path)
    return str(info.value)


@pytest.mark.parametrize("name", ["model.onnx", "MODEL.ONNX", "model.Onnx"])
def test_a_file_that_is_not_an_onnx_model_is_named_once(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\x00not a model at all")
    assert refusal(path) == f"{name}: not an ONNX model (DecodeError)"


def test_a_missing_onnx_model_is_named_once(tmp_path):
    assert refusal(tmp_path / "gone.onnx") == "gone.onnx: cannot be read (No such file or directory)"


def test_an_integer_too_long_to_read_is_refused_with_the_first_part_of_the_reason():
    text = '{"format_version": 1' + "0" * 5000 + "}"
    with pytest.raises(FormatError) as info:
        loads(text, "long.nnsim")
    assert str(info.value) == ("long.nnsim: not readable as JSON: Exceeds the limit (4300 digits) for integer "
                               "string conversion: value has 5001 digits")
