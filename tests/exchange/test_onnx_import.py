"""ONNX import: a model built of what nnsim has opens as a design computing
the same outputs (exported from nnsim, or written as PyTorch writes dense
layers: Gemm with transposed weights); anything else is refused naming the
node and its type; nnsim.load and the command line take .onnx files."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="ONNX import needs onnx: pip install 'nnsim[onnx]'")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

import nnsim  # noqa: E402
from exchange_designs import SEQUENCE, STATIC, nnsim_outputs, random_input  # noqa: E402
from nnsim.cli import main  # noqa: E402
from nnsim.design.model import LayerKind  # noqa: E402
from nnsim.design.validate import check_trainable  # noqa: E402
from nnsim.exchange import ExportError  # noqa: E402
from nnsim.exchange.onnx_export import to_onnx  # noqa: E402
from nnsim.exchange.onnx_import import from_onnx  # noqa: E402
from nnsim.io import FormatError  # noqa: E402

ROUND_TRIP = ["softmax", "cnn max same", "cnn avg valid", "cnn stride 2", "lstm", "gru", "rnn"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_export_then_import_gives_the_same_outputs(name):
    make = {**STATIC, **SEQUENCE}[name]
    d = make()
    back = from_onnx(to_onnx(d, np.float64))
    check_trainable(back)
    assert [layer.type for layer in back.layers] == [layer.type for layer in d.layers]
    X = random_input(d, sequence=name in SEQUENCE)
    np.testing.assert_allclose(nnsim_outputs(back, X), nnsim_outputs(d, X), rtol=0, atol=1e-12)


def gemm_model(act="Relu", extra=None):
    """Two dense layers as PyTorch's exporter writes them: Gemm, weights (out, in), transB=1."""
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=(4, 5)), rng.normal(size=4)
    inits = [numpy_helper.from_array(a, n) for a, n in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2"))]
    nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], name="fc1", transB=1),
             helper.make_node(act, ["h"], ["a"], name="act1"),
             helper.make_node("Gemm", ["a", "W2", "b2"], ["z"], name="fc2", transB=1),
             helper.make_node("Softmax", ["z"], ["y"], name="probs", axis=-1)]
    if extra:
        nodes.insert(2, extra)
    graph = helper.make_graph(nodes, "torch_like", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["N", 3])],
                              [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["N", 4])], initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.mark.parametrize("act", ["Relu", "Tanh", "Sigmoid", "LeakyRelu"])
def test_a_model_of_gemms_opens_as_dense_layers(act):
    model = gemm_model(act)
    d = from_onnx(model, "torch-like")
    assert [(layer.kind, len(d.neurons_of(layer.id))) for layer in d.layers] == [
        (LayerKind.INPUT, 3), (LayerKind.HIDDEN, 5), (LayerKind.OUTPUT, 4)]
    assert d.training.loss.value == "softmax_cross_entropy"
    X = np.random.default_rng(1).normal(size=(6, 3))
    want = ReferenceEvaluator(model).run(None, {"x": X})[0]
    np.testing.assert_allclose(nnsim_outputs(d, X), want, rtol=0, atol=1e-9)  # onnx keeps the slope in float32


def leaky(slope):
    model = gemm_model("LeakyRelu")
    model.graph.node[1].attribute.append(helper.make_attribute("alpha", slope))
    return model


@pytest.mark.parametrize("model, message", [
    (gemm_model(extra=helper.make_node("Cos", ["a"], ["c"], name="wave")), r"node 'wave' \(Cos\): nnsim has no layer"),
    (gemm_model("Elu"), r"node 'act1' \(Elu\): nnsim has no layer that computes it"),
    (leaky(0.2), r"node 'act1' \(LeakyRelu\): slope 0.2: nnsim's leaky ReLU has slope 0.01"),
])
def test_anything_else_is_refused_naming_the_node_and_its_type(model, message):
    with pytest.raises(ExportError, match=message):
        from_onnx(model)


def test_drawn_loops_do_not_come_back_and_say_why():
    with pytest.raises(ExportError, match=r"\((Shape|Scan|Transpose)\)"):
        from_onnx(to_onnx(SEQUENCE["elman"](), np.float64))


def test_nnsim_load_and_the_command_line_take_an_onnx_file(tmp_path, capsys):
    path = tmp_path / "model.onnx"
    onnx.save(gemm_model(), str(path))
    d = nnsim.load(path)
    assert d.name == "model"
    out = nnsim.predict(d, [0.1, 0.2, 0.3])
    want = ReferenceEvaluator(gemm_model()).run(None, {"x": np.array([[0.1, 0.2, 0.3]])})[0][0]
    np.testing.assert_allclose(out, want, atol=1e-12)
    assert main(["predict", str(path), "0.1", "0.2", "0.3"]) == 0
    bad = tmp_path / "bad.onnx"
    onnx.save(gemm_model("Elu"), str(bad))
    with pytest.raises(FormatError, match="bad.onnx: node 'act1' \\(Elu\\)"):
        nnsim.load(bad)
    capsys.readouterr()
    assert main(["predict", str(bad), "1", "2", "3"]) == 2
    assert "Elu" in capsys.readouterr().err
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00not a model at all")
    with pytest.raises(FormatError, match="junk.onnx"):
        nnsim.load(junk)


def test_the_import_command_writes_a_design_file(tmp_path, capsys):
    model = tmp_path / "net.onnx"
    onnx.save(gemm_model(), str(model))
    assert main(["import", str(model), str(tmp_path / "net.nnsim")]) == 0
    assert f"wrote {tmp_path / 'net.nnsim'}" in capsys.readouterr().out
    d = nnsim.load(tmp_path / "net.nnsim")
    assert [layer.kind for layer in d.layers] == [LayerKind.INPUT, LayerKind.HIDDEN, LayerKind.OUTPUT]
    onnx.save(gemm_model("Elu"), str(model))
    assert main(["import", str(model), str(tmp_path / "bad.nnsim")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "node 'act1' (Elu)" in err
    assert not (tmp_path / "bad.nnsim").exists()
    assert main(["import", str(tmp_path / "net.nnsim"), str(tmp_path / "x.nnsim")]) == 2
