"""A GAN exports as its two networks: the generator (noise in, a sample out)
and the discriminator (a sample in, the probability it is real out), each
giving nnsim's numbers in ONNX (1e-9 in float64, the reference evaluator and
onnxruntime) and in PyTorch (1e-9, where PyTorch is installed)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="pip install 'nnsim[onnx]'")
from onnx.reference import ReferenceEvaluator  # noqa: E402

import nnsim  # noqa: E402
from nnsim.cli import main  # noqa: E402
from nnsim.design.gan import compile_gan  # noqa: E402
from nnsim.engine.adversarial import sample_noise  # noqa: E402
from nnsim.exchange import ExportError, export  # noqa: E402


def trained_gan():
    d = nnsim.example("gan-ring")
    nnsim.train(d, epochs=1)
    return d


def noise_and_samples(d, n=16):
    players = compile_gan(d).players
    z = sample_noise(players.settings.noise, n, players.noise_dims, np.random.default_rng(3))
    x = np.random.default_rng(4).random((n, players.data_dims))
    return players, z, x


def run_onnx(path, x):
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    name = model.graph.input[0].name
    return ReferenceEvaluator(model).run(None, {name: x})[0]


def test_the_two_networks_are_written_beside_the_path_and_give_nnsims_numbers(tmp_path):
    d = trained_gan()
    players, z, x = noise_and_samples(d)
    written = export(d, "onnx", tmp_path / "ring.onnx", float64=True)
    assert written == [str(tmp_path / "ring-generator.onnx"), str(tmp_path / "ring-discriminator.onnx")]
    np.testing.assert_allclose(run_onnx(written[0], z), players.generate(z), rtol=0, atol=1e-9)
    np.testing.assert_allclose(run_onnx(written[1], x), nnsim.predict(d, x), rtol=0, atol=1e-9)
    fakes = nnsim.generate(d, 5, seed=0)
    np.testing.assert_allclose(run_onnx(written[1], fakes), nnsim.predict(d, fakes), rtol=0, atol=1e-9)


def test_onnxruntime_runs_both_networks(tmp_path):
    ort = pytest.importorskip("onnxruntime", reason="pip install 'nnsim[onnx]'")
    d = trained_gan()
    players, z, x = noise_and_samples(d)
    g, dis = export(d, "onnx", tmp_path / "ring.onnx")  # float32
    for path, inputs, want in ((g, z, players.generate(z)), (dis, x, nnsim.predict(d, x))):
        s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        got = s.run(None, {s.get_inputs()[0].name: inputs.astype(np.float32)})[0]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_the_export_command_writes_both_and_a_broken_gan_is_refused(tmp_path, capsys):
    assert main(["export", "gan-gaussians", "--to", "onnx", str(tmp_path / "g.onnx")]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'g-generator.onnx'}" in out and f"wrote {tmp_path / 'g-discriminator.onnx'}" in out
    d = nnsim.example("gan-ring")
    d.layers[0].group = "somewhere"
    with pytest.raises(ExportError, match="somewhere"):
        export(d, "onnx", tmp_path / "x.onnx")


def test_the_pytorch_modules_say_what_they_are_without_torch(tmp_path):
    written = export(nnsim.example("gan-line"), "pytorch", tmp_path / "line.py")
    assert [p.rsplit("/", 1)[1] for p in written] == ["line-generator.py", "line-generator.npz",
                                                     "line-discriminator.py", "line-discriminator.npz"]
    text = " ".join((tmp_path / "line-generator.py").read_text().split())
    assert "This is the generator of the GAN 'GAN: a line'" in text
    assert "the adversarial training loop (the two players' alternating updates) is not exported" in text
    compile((tmp_path / "line-discriminator.py").read_text(), "line-discriminator.py", "exec")


def test_the_pytorch_modules_give_nnsims_numbers(tmp_path):
    torch = pytest.importorskip("torch", reason="running the exported modules needs PyTorch: pip install torch==2.13.0")
    d = trained_gan()
    players, z, x = noise_and_samples(d)
    written = export(d, "pytorch", tmp_path / "ring.py")
    modules = {}
    for path in written:
        if path.endswith(".py"):
            spec = importlib.util.spec_from_file_location(f"exported_{len(modules)}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            modules[path.rsplit("-", 1)[1]] = module
    assert set(modules) == {"generator.py", "discriminator.py"}
    g = modules["generator.py"].load_model()(torch.from_numpy(z)).detach().numpy()
    np.testing.assert_allclose(g, players.generate(z), rtol=0, atol=1e-9)
    v = modules["discriminator.py"].load_model()(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(v, nnsim.predict(d, x), rtol=0, atol=1e-9)
