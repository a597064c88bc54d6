"""File → Export ONNX…: the design is written as a model computing what it
computes; what ONNX cannot express, or a missing onnx package, is shown in
one line and nothing is written."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from nnsim.io import load as nnsim_load
from nnsim.io import save
from nnsim.resources import example_path


def test_export_onnx_writes_the_model_of_the_open_design(make_window, tmp_path):
    onnx = pytest.importorskip("onnx", reason="pip install 'nnsim[onnx]'")
    from onnx.reference import ReferenceEvaluator

    from nnsim.design.compile import compile_design

    window, answers = make_window(example_path("xor-mlp"))
    window.show()
    answers.export_path = tmp_path / "net"
    window.acts.export_onnx.trigger()
    assert not answers.errors
    model = onnx.load(str(tmp_path / "net.onnx"))
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=np.float32)
    got = ReferenceEvaluator(model).run(None, {model.graph.input[0].name: X})[0]
    want = compile_design(window.document.design).network.predict(X.astype(np.float64))
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_export_onnx_of_a_gan_writes_its_two_networks_and_says_so(make_window, tmp_path):
    pytest.importorskip("onnx", reason="pip install 'nnsim[onnx]'")
    window, answers = make_window(example_path("gan-ring"))
    messages = []
    window.files.message.connect(messages.append)
    answers.export_path = tmp_path / "ring"
    window.acts.export_onnx.trigger()
    assert not answers.errors
    assert sorted(p.name for p in tmp_path.glob("*.onnx")) == ["ring-discriminator.onnx", "ring-generator.onnx"]
    assert messages[-1] == "Exported ring-generator.onnx, ring-discriminator.onnx"


def test_export_onnx_of_what_onnx_cannot_express_shows_why(make_window, tmp_path):
    pytest.importorskip("onnx", reason="pip install 'nnsim[onnx]'")
    from nnsim.design.build import add_block, add_layer, initialize, link
    from nnsim.design.model import Design, LayerKind

    d = Design(name="no forget gate")
    i, r, o = add_layer(d, LayerKind.INPUT, 2), add_block(d, "lstm", cells=2, forget_gate=False), add_layer(
        d, LayerKind.OUTPUT, 1)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(0))
    src = tmp_path / "lstm.nnsim"
    save(d, src)
    window, answers = make_window(src)
    answers.export_path = tmp_path / "lstm.onnx"
    window.acts.export_onnx.trigger()
    assert answers.errors and "forget gate" in answers.errors[0][1]
    assert not (tmp_path / "lstm.onnx").exists()


def test_export_onnx_without_onnx_says_what_to_install(make_window, tmp_path, monkeypatch):
    window, answers = make_window(example_path("xor-mlp"))
    monkeypatch.setitem(sys.modules, "onnx", None)
    answers.export_path = tmp_path / "net.onnx"
    window.acts.export_onnx.trigger()
    assert answers.errors == [("Could not export net.onnx",
                               "ONNX export and import need the onnx package: pip install 'nnsim[onnx]'")]


def test_export_pytorch_writes_the_module_its_weights_and_data(make_window, tmp_path):
    window, answers = make_window(example_path("xor-mlp"))
    (tmp_path / "out").mkdir()
    answers.export_path = tmp_path / "out" / "xor"
    window.acts.export_pytorch.trigger()
    assert not answers.errors
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["xor-data.npz", "xor.npz", "xor.py"]
    compile((tmp_path / "out" / "xor.py").read_text(), "xor.py", "exec")


def test_open_an_onnx_model_as_an_untitled_design(make_window, tmp_path):
    onnx = pytest.importorskip("onnx", reason="pip install 'nnsim[onnx]'")
    from nnsim.design.compile import compile_design
    from nnsim.exchange.onnx_export import to_onnx
    from nnsim.resources import example_path as example

    original = nnsim_load(example("iris"))
    onnx.save(to_onnx(original, np.float64), str(tmp_path / "iris.onnx"))
    window, answers = make_window()
    answers.open_path = tmp_path / "iris.onnx"
    window.acts.open.trigger()
    assert not answers.errors
    d = window.document.design
    assert window.document.path is None and window.files.suggested_name == "iris.nnsim"
    assert [layer.kind.value for layer in d.layers] == ["input", "hidden", "output"]
    assert len(window.scene.items()) > len(d.neurons)  # laid out on the canvas
    X = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(compile_design(d).network.predict(X), compile_design(original).network.predict(X),
                               atol=1e-12)


def test_an_onnx_model_nnsim_cannot_draw_is_refused_naming_the_node(make_window, tmp_path):
    onnx = pytest.importorskip("onnx", reason="pip install 'nnsim[onnx]'")
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Cos", ["x"], ["y"], name="wave")], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])])
    onnx.save(helper.make_model(graph), str(tmp_path / "cos.onnx"))
    window, answers = make_window(example_path("xor-mlp"))
    before = window.document.design
    answers.open_path = tmp_path / "cos.onnx"
    window.acts.open.trigger()
    assert answers.errors == [("Could not open cos.onnx",
                               "cos.onnx: node 'wave' (Cos): nnsim has no layer that computes it")]
    assert window.document.design is before
