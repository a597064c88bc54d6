"""ONNX export: every layer type gives nnsim's outputs in onnx's reference
evaluator and in onnxruntime; the model passes the full check, with named
inputs and outputs with shapes; what ONNX cannot express is refused in one
line; the command's exit codes."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="ONNX export needs onnx: pip install 'nnsim[onnx]'")
from onnx.reference import ReferenceEvaluator  # noqa: E402

from exchange_designs import SEQUENCE, STATIC, nnsim_outputs, random_input, recurrent_block  # noqa: E402
from nnsim.cli import main  # noqa: E402
from nnsim.design.model import LayerKind  # noqa: E402
from nnsim.exchange import ExportError  # noqa: E402
from nnsim.exchange.onnx_export import to_onnx  # noqa: E402
from nnsim.io import save  # noqa: E402

# Operators onnxruntime implements in float32 only.
ORT_FLOAT32_ONLY = {"Conv", "AveragePool", "LSTM", "GRU", "RNN"}


def feeds(model, X: np.ndarray, dtype) -> dict:
    inp = model.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    shape = X.shape if dims[1] == 0 else (len(X), *dims[1:])  # a named "T" has no value
    return {inp.name: X.reshape(shape).astype(dtype)}


def cases() -> list:
    return ([pytest.param(make, False, id=name) for name, make in STATIC.items()]
            + [pytest.param(make, True, id=name) for name, make in SEQUENCE.items()])


@pytest.mark.parametrize("make, sequence", cases())
def test_the_reference_evaluator_gives_nnsims_outputs_in_float64(make, sequence):
    d = make()
    X = random_input(d, sequence=sequence)
    model = to_onnx(d, np.float64)
    got = ReferenceEvaluator(model).run(None, feeds(model, X, np.float64))[0]
    want = nnsim_outputs(d, X)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("make, sequence", cases())
def test_onnxruntime_gives_nnsims_outputs(make, sequence):
    ort = pytest.importorskip("onnxruntime", reason="pip install 'nnsim[onnx]'")
    d = make()
    X = random_input(d, sequence=sequence, seed=2)
    want = nnsim_outputs(d, X)
    model = to_onnx(d, np.float64)
    dtype = np.float64
    if {n.op_type for n in model.graph.node} & ORT_FLOAT32_ONLY:
        model, dtype = to_onnx(d, np.float32), np.float32
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, feeds(model, X, dtype))[0]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_a_trained_mask_stays_a_mask_and_thresholds_decide_steps():
    from exchange_designs import mixed_dense

    d = mixed_dense()
    model = to_onnx(d, np.float64)
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    first = next(v for k, v in weights.items() if k.startswith("layer") and "weight" in k and v.shape == (3, 7))
    assert first[0, 3] == 0.0  # the connection not drawn
    X = np.zeros((2, 3))  # every step and sign neuron's sum is its bias: compared with its threshold
    out = ReferenceEvaluator(model).run(None, feeds(model, X, np.float64))[0]
    np.testing.assert_allclose(out, nnsim_outputs(d, X), atol=1e-12)


def test_the_model_passes_the_full_check_with_named_inputs_and_outputs_with_shapes():
    from exchange_designs import cnn

    d = cnn()
    model = to_onnx(d)
    onnx.checker.check_model(model, full_check=True)
    (inp,), (out,) = model.graph.input, model.graph.output
    assert inp.name == "image" and out.name == "output"
    dims = lambda v: [x.dim_param or x.dim_value for x in v.type.tensor_type.shape.dim]  # noqa: E731
    assert dims(inp) == ["N", 2, 7, 6] and dims(out) == ["N", 4]
    seq = to_onnx(recurrent_block("lstm"))
    assert dims(seq.graph.input[0]) == ["N", "T", 2] and dims(seq.graph.output[0]) == ["N", "T", 2]


def test_the_lstm_is_stored_in_onnxs_gate_order():
    d = recurrent_block("lstm", cells=2)
    model = to_onnx(d, np.float64)
    W = next(onnx.numpy_helper.to_array(t) for t in model.graph.initializer if "_W_" in t.name)
    ours = d.layers[1].arrays["weight"].values  # rows [h, x]; column blocks f, i, c̃, o
    H = 2
    i_block = ours[H:, H : 2 * H].T  # our input gate's input weights
    np.testing.assert_array_equal(W[0, :H], i_block)  # ONNX: i first, then o, f, c
    np.testing.assert_array_equal(W[0, H : 2 * H], ours[H:, 3 * H :].T)


@pytest.mark.parametrize("spoil, message", [
    (lambda: recurrent_block("lstm", forget_gate=False), "layer 'lstm': ONNX's LSTM always has a forget gate"),
    (lambda: recurrent_block("gru", initial_state="learned"), "layer 'gru': it starts from a learned initial state"),
])
def test_what_onnx_cannot_express_is_refused_naming_it(spoil, message):
    with pytest.raises(ExportError, match=message):
        to_onnx(spoil())


def test_a_design_of_several_networks_is_refused():
    from exchange_designs import softmax_classifier

    d = softmax_classifier()
    d.layers[0].group = "generator"
    d.layers[1].group = "discriminator"
    with pytest.raises(ExportError, match="several networks"):
        to_onnx(d)


def test_the_export_command_writes_a_model_and_exits_0(tmp_path, capsys):
    from exchange_designs import softmax_classifier

    src, out = tmp_path / "d.nnsim", tmp_path / "d.onnx"
    d = softmax_classifier()
    save(d, src)
    assert main(["export", str(src), "--to", "onnx", str(out), "--float64"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    model = onnx.load(str(out))
    X = random_input(d)
    got = ReferenceEvaluator(model).run(None, feeds(model, X, np.float64))[0]
    np.testing.assert_allclose(got, nnsim_outputs(d, X), atol=1e-12)


def test_the_export_command_refuses_in_one_line_with_exit_2(tmp_path, capsys):
    src = tmp_path / "d.nnsim"
    save(recurrent_block("lstm", forget_gate=False), src)
    assert main(["export", str(src), "--to", "onnx", str(tmp_path / "x.onnx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "forget gate" in err
    assert not (tmp_path / "x.onnx").exists()
    assert main(["export", str(src), "--to", "onnx", str(tmp_path / "no" / "x.onnx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["export", str(src), "--to", "keras", str(tmp_path / "x.h5")]) == 2


def test_without_onnx_the_command_says_what_to_install(tmp_path, capsys, monkeypatch):
    import sys

    from exchange_designs import softmax_classifier

    src = tmp_path / "d.nnsim"
    save(softmax_classifier(), src)
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx raises ImportError
    assert main(["export", str(src), "--to", "onnx", str(tmp_path / "x.onnx")]) == 2
    assert "pip install 'nnsim[onnx]'" in capsys.readouterr().err


def test_input_layers_keep_their_names():
    from exchange_designs import softmax_classifier

    d = softmax_classifier()
    d.layers_of_kind(LayerKind.INPUT)[0].name = "petal sizes"
    assert to_onnx(d).graph.input[0].name == "petal_sizes"
