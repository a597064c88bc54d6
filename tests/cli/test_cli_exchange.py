"""``nnsim export`` and ``nnsim import`` as a user reads them: the files
written, one per line, in the precision asked for, and the refusals word for
word (the formats themselves are tested in tests/exchange)."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim import cli
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec
from nnsim.io import save

onnx = pytest.importorskip("onnx", reason="ONNX export needs onnx: pip install 'nnsim[onnx]'")


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _input_type(path) -> int:
    return onnx.load(str(path)).graph.input[0].type.tensor_type.elem_type


def test_export_to_onnx_writes_float32_unless_asked_for_float64(tmp_path, capsys):
    out = tmp_path / "xor.onnx"
    assert run(capsys, "export", "xor-mlp", "--to", "onnx", out) == (cli.EXIT_OK, f"wrote {out}\n", "")
    assert _input_type(out) == onnx.TensorProto.FLOAT
    wide = tmp_path / "xor64.onnx"
    assert run(capsys, "export", "xor-mlp", "--to", "onnx", wide, "--float64") == (cli.EXIT_OK, f"wrote {wide}\n", "")
    assert _input_type(wide) == onnx.TensorProto.DOUBLE
    x = [0.3, -0.7]
    np.testing.assert_allclose(nnsim.predict(nnsim.load(wide), x), nnsim.predict(nnsim.example("xor-mlp"), x),
                               rtol=1e-12)


def test_export_to_pytorch_lists_every_file_with_the_data_read_beside_the_design(tmp_path, capsys, monkeypatch):
    """The design's CSV file is found beside the design, wherever the command
    runs from: the module's data is written too."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "four.csv").write_text("a,b,y\n0,0,0.1\n0,1,0.5\n1,0,0.7\n1,1,0.9\n", encoding="utf-8")
    d = layered([2, 3, 1], Activation.TANH, Activation.LINEAR)
    d.dataset = DatasetSpec(source="csv", path="four.csv", targets=["y"], task="regression", train_ratio=0.5)
    initialize(d, np.random.default_rng(0))
    save(d, folder / "four.nnsim")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "net.py"
    code, printed, err = run(capsys, "export", folder / "four.nnsim", "--to", "pytorch", out)
    assert (code, err) == (cli.EXIT_OK, "")
    assert printed.splitlines() == [f"wrote {out}", f"wrote {tmp_path / 'net.npz'}",
                                    f"wrote {tmp_path / 'net-data.npz'}"]
    with np.load(tmp_path / "net-data.npz") as data:
        assert len(data["x_train"]) + len(data["x_test"]) == 4


def test_export_to_a_missing_folder_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "no" / "x.onnx"
    code, printed, err = run(capsys, "export", "xor-mlp", "--to", "onnx", out)
    assert (code, printed) == (cli.EXIT_BAD_INPUT, "")
    assert err == f"nnsim export: {out}: the folder {tmp_path / 'no'} does not exist\n"


def test_import_writes_the_design_and_says_where(tmp_path, capsys):
    model = tmp_path / "XOR.ONNX"  # the extension in any case
    assert run(capsys, "export", "xor-mlp", "--to", "onnx", model, "--float64")[0] == cli.EXIT_OK
    out = tmp_path / "xor.nnsim"
    assert run(capsys, "import", model, out) == (cli.EXIT_OK, f"wrote {out}\n", "")
    x = [1.0, 0.0]
    np.testing.assert_allclose(nnsim.predict(nnsim.load(out), x), nnsim.predict(nnsim.example("xor-mlp"), x),
                               rtol=1e-12)


def test_import_refuses_a_file_that_is_not_onnx_and_a_missing_folder(tmp_path, capsys):
    design = tmp_path / "x.nnsim"
    save(layered([2, 1]), design)
    code, printed, err = run(capsys, "import", design, tmp_path / "y.nnsim")
    assert (code, printed, err) == (cli.EXIT_BAD_INPUT, "", f"nnsim import: {design} is not an .onnx file\n")
    model = tmp_path / "xor.onnx"
    run(capsys, "export", "xor-mlp", "--to", "onnx", model)
    out = tmp_path / "no" / "xor.nnsim"
    code, printed, err = run(capsys, "import", model, out)
    assert (code, printed) == (cli.EXIT_BAD_INPUT, "")
    assert err == f"nnsim import: {out}: the folder {tmp_path / 'no'} does not exist\n"
    assert not out.parent.exists()
    code, printed, err = run(capsys, "import", tmp_path / "missing.onnx", tmp_path / "z.nnsim")
    assert (code, printed) == (cli.EXIT_BAD_INPUT, "")
    assert err.startswith(f"{tmp_path / 'missing.onnx'}: no such file, and no example of that name (examples: ")


def test_import_says_why_the_design_could_not_be_written(tmp_path, capsys, monkeypatch):
    import nnsim.io

    model = tmp_path / "xor.onnx"
    run(capsys, "export", "xor-mlp", "--to", "onnx", model)

    def refusing(design, path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(nnsim.io, "save", refusing)
    out = tmp_path / "xor.nnsim"
    assert run(capsys, "import", model, out) == (cli.EXIT_BAD_INPUT, "", f"cannot write {out} (Permission denied)\n")
