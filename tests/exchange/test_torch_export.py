"""PyTorch export: the module gives nnsim's outputs to 1e-9 (float64) for every
layer type; a few training steps of its loop equal nnsim's (every optimizer,
masks, frozen connections, L1/L2, clipping, sequences); two processes under
torchrun end with the weights of one; what PyTorch cannot express is refused.

The module is written without torch; running it needs the CPU build of
PyTorch (``pip install torch==2.13.0``): those tests skip without it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import nnsim
from exchange_designs import SEQUENCE, STATIC, cnn, nnsim_outputs, random_input, recurrent_block
from nnsim.cli import main
from nnsim.design.build import add_block, add_layer, connect_all, initialize, link
from nnsim.design.model import (Activation, DatasetSpec, Design, LayerKind, Loss, Optimizer, Regularization,
                                TrainingSettings)
from nnsim.exchange import ExportError
from nnsim.exchange.torch_export import write_pytorch
from nnsim.io import save
from nnsim.session import Session

NEEDS_TORCH = "running the exported module needs PyTorch: pip install torch==2.13.0 (the CPU build)"


def torch_or_skip():
    return pytest.importorskip("torch", reason=NEEDS_TORCH)


def load_module(path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases() -> list:
    return ([pytest.param(make, False, id=name) for name, make in STATIC.items()]
            + [pytest.param(make, True, id=name) for name, make in SEQUENCE.items()])


@pytest.mark.parametrize("make, sequence", cases())
def test_the_module_gives_nnsims_outputs(make, sequence, tmp_path):
    torch = torch_or_skip()
    d = make()
    X = random_input(d, sequence=sequence)
    mod = load_module(write_pytorch(d, tmp_path / "net.py")[0])
    got = mod.load_model()(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(got, nnsim_outputs(d, X), rtol=0, atol=1e-9)


def test_the_module_is_written_without_torch_and_reads_as_the_drawing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    files = write_pytorch(cnn(), tmp_path / "net")
    assert [f.name for f in files] == ["net.py", "net.npz"]  # no data set chosen that fits: no data file
    text = files[0].read_text()
    for line in ("self.conv = nn.Conv2d(2, 3, (3, 3), stride=(1, 1), padding=(1, 1))",
                 "self.pool = nn.MaxPool2d((2, 2), stride=(2, 2))", "flat = pool.flatten(1)  # flat",
                 "def load_model(", "DistributedDataParallel"):
        assert line in text
    compile(text, "net.py", "exec")
    with np.load(files[1]) as w:
        assert w["conv.weight"].shape == (3, 2, 3, 3)


# -- training ------------------------------------------------------------------------------------
def masked_dense(optimizer=Optimizer.SGD, regularization=Regularization.NONE, clip=0.0) -> Design:
    """A missing connection, a frozen one, a skip connection, mixed activations."""
    d = Design(name="masked", training=TrainingSettings(loss=Loss.MSE, optimizer=optimizer, learning_rate=0.05,
                                                       batch_size=7, regularization=regularization,
                                                       regularization_rate=0.01 if regularization.value != "none"
                                                       else 0.0, gradient_clip=clip),
               dataset=DatasetSpec(source="playground", name="xor", points=60, seed=3))
    i = add_layer(d, LayerKind.INPUT, 2)
    h = add_layer(d, LayerKind.HIDDEN, 5, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.TANH)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    connect_all(d, i.id, o.id)
    d.connections.pop(2)
    d.connections[4].frozen = True
    initialize(d, np.random.default_rng(0))
    for n, kind in zip(d.neurons_of(h.id), (Activation.SIGMOID, Activation.RELU, Activation.LEAKY_RELU)):
        n.activation = kind
    return d


def cnn_on_shapes() -> Design:
    d = Design(name="shapes", training=TrainingSettings(
        loss=Loss.SOFTMAX_CROSS_ENTROPY, optimizer=Optimizer.MOMENTUM, learning_rate=0.05, batch_size=8,
        regularization=Regularization.L1, regularization_rate=0.001),
        dataset=DatasetSpec(source="shapes", points=60))
    img = add_block(d, "image", LayerKind.INPUT, channels=1, height=10, width=10, name="image")
    conv = add_block(d, "conv", filters=3, kernel=3, padding="same", name="conv")
    pool = add_block(d, "avgpool", pool=2, name="pool")
    flat = add_block(d, "flatten", name="flat")
    out = add_layer(d, LayerKind.OUTPUT, 5, Activation.SOFTMAX)
    for a, b in [(img, conv), (conv, pool), (pool, flat), (flat, out)]:
        link(d, a.id, b.id)
    initialize(d, np.random.default_rng(0), "he")
    return d


def lstm_on_temporal_order() -> Design:
    d = Design(name="order", training=TrainingSettings(loss=Loss.SOFTMAX_CROSS_ENTROPY, optimizer=Optimizer.ADAM,
                                                       learning_rate=0.01, batch_size=8, gradient_clip=0.5),
               dataset=DatasetSpec(source="sequence", name="temporal_order", points=24))
    i = add_layer(d, LayerKind.INPUT, 8)
    r = add_block(d, "lstm", cells=4, name="lstm")
    o = add_layer(d, LayerKind.OUTPUT, 4, Activation.SOFTMAX)
    link(d, i.id, r.id)
    link(d, r.id, o.id)
    initialize(d, np.random.default_rng(0))
    return d


def elman_on_sine() -> Design:
    d = Design(name="elman", training=TrainingSettings(loss=Loss.MSE, learning_rate=0.05, batch_size=5),
               dataset=DatasetSpec(source="sequence", name="sine", points=20))
    i = add_layer(d, LayerKind.INPUT, 1)
    h = add_layer(d, LayerKind.HIDDEN, 4, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, o.id)
    connect_all(d, h.id, h.id, delay=1)
    initialize(d, np.random.default_rng(0))
    return d


TRAINING = {
    "xor-mlp (momentum)": lambda: nnsim.example("xor-mlp"),
    "iris (adam, softmax)": lambda: nnsim.example("iris"),
    "masked sgd": masked_dense,
    "masked momentum L2 clip": lambda: masked_dense(Optimizer.MOMENTUM, Regularization.L2, 0.05),
    "masked adam L1": lambda: masked_dense(Optimizer.ADAM, Regularization.L1),
    "cnn momentum L1": cnn_on_shapes,
    "lstm adam clip": lstm_on_temporal_order,
    "elman sgd": elman_on_sine,
}


def nnsim_steps(d: Design, steps: int) -> Design:
    d = d.copy()
    s = Session(d)
    s.trainer.train_steps(steps, evaluate=False)
    s.write_back()
    return d


@pytest.mark.parametrize("make", list(TRAINING.values()), ids=list(TRAINING))
def test_training_steps_equal_nnsims(make, tmp_path):
    torch_or_skip()
    d = make()
    steps = 9  # more than one epoch of the smaller sets
    mod = load_module(write_pytorch(d, tmp_path / "net.py")[0])
    model = mod.load_model()
    x, y, _, _ = mod.load_data()
    mod.train(model, x, y, steps=steps, log=None)
    after = write_pytorch(nnsim_steps(d, steps), tmp_path / "after.py")[1]
    trained = model.state_dict()
    with np.load(after) as want:
        moved = False
        for k in want.files:
            np.testing.assert_allclose(trained[k].numpy(), want[k], rtol=0, atol=1e-9, err_msg=k)
            moved |= not np.array_equal(want[k], np.load(tmp_path / "net.npz")[k])
    assert moved  # training changed something


def test_frozen_and_missing_connections_stay_as_they_were(tmp_path):
    torch_or_skip()
    d = masked_dense(Optimizer.ADAM, Regularization.L2)
    mod = load_module(write_pytorch(d, tmp_path / "net.py")[0])
    model = mod.load_model()
    before = model.hidden_1_from_input.weight.detach().clone()
    x, y, _, _ = mod.load_data()
    mod.train(model, x, y, steps=5, log=None)
    after = model.hidden_1_from_input.weight.detach()
    assert after[2, 0] == 0.0  # not drawn (input 0 -> hidden 2): still absent
    frozen = (model.hidden_1_from_input.trains == 0) & (model.hidden_1_from_input.drawn == 1)
    assert frozen.sum() == 1 and bool((after[frozen] == before[frozen]).all())


def test_torchrun_with_two_processes_ends_with_the_weights_of_one(tmp_path):
    torch_or_skip()
    d = masked_dense(Optimizer.ADAM, Regularization.L2, 0.05)
    d.training.batch_size = 9  # shares of 5 and 4: unequal shares count right
    script = write_pytorch(d, tmp_path / "net.py")[0]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    one = subprocess.run([sys.executable, str(script), "--steps", "12", "--out", str(tmp_path / "one.npz")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert one.returncode == 0, one.stderr
    two = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          str(script), "--steps", "12", "--device", "cpu", "--out", str(tmp_path / "two.npz")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert two.returncode == 0, two.stderr[:1000] + " … " + two.stderr[-1500:]  # the cause comes first
    with np.load(tmp_path / "one.npz") as a, np.load(tmp_path / "two.npz") as b, np.load(tmp_path / "net.npz") as s:
        assert a.files == b.files
        for k in a.files:
            np.testing.assert_allclose(b[k], a[k], rtol=0, atol=1e-9, err_msg=k)
        assert not np.array_equal(a["output_from_hidden_1.weight"], s["output_from_hidden_1.weight"])


# -- refusals and the command ------------------------------------------------------------------------
def test_what_pytorch_cannot_express_is_refused_naming_it(tmp_path):
    with pytest.raises(ExportError, match="layer 'lstm': PyTorch's LSTM always has a forget gate"):
        write_pytorch(recurrent_block("lstm", forget_gate=False), tmp_path / "x.py")
    assert not (tmp_path / "x.py").exists()


def test_the_export_command_writes_the_module_and_its_files(tmp_path, capsys):
    src = tmp_path / "d.nnsim"
    save(masked_dense(), src)
    assert main(["export", str(src), "--to", "pytorch", str(tmp_path / "net.py")]) == 0
    out = capsys.readouterr().out
    assert all(f"wrote {tmp_path / name}" in out for name in ("net.py", "net.npz", "net-data.npz"))


@pytest.mark.parametrize("optimizer", [Optimizer.MOMENTUM, Optimizer.ADAM])
def test_a_design_nnsim_trained_goes_on_in_pytorch_as_in_nnsim(optimizer, tmp_path):
    """The optimizer's memory and the place in the epoch come along."""
    torch_or_skip()
    d = masked_dense(optimizer, Regularization.L2)
    d = nnsim_steps(d, 22)  # 30 training samples, batches of 7: four epochs and two batches
    assert (d.training_state.epoch, d.training_state.position) == (4, 2 * 7)
    files = write_pytorch(d, tmp_path / "net.py")
    assert [f.name for f in files] == ["net.py", "net.npz", "net-optimizer.npz", "net-data.npz"]
    mod = load_module(files[0])
    model = mod.load_model()
    x, y, _, _ = mod.load_data()
    mod.train(model, x, y, steps=12, log=None)
    after = write_pytorch(nnsim_steps(d, 12), tmp_path / "after.py")[1]
    trained = model.state_dict()
    with np.load(after) as want:
        for k in want.files:
            np.testing.assert_allclose(trained[k].numpy(), want[k], rtol=0, atol=1e-9, err_msg=k)
