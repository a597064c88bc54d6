"""LSTM, GRU and SimpleRNN against PyTorch's nn.LSTM, nn.GRU and nn.RNN,
where PyTorch is installed (``pip install torch==2.13.0`` gives a CPU
build; it is not one of nnsim's dependencies). Our arrays are re-packed into
PyTorch's gate order with ``to_torch``/``from_torch``; outputs, final states
and every gradient must agree to rounding."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import Parameters

torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional: pip install torch==2.13.0)")

X, H, N, T = 3, 5, 4, 7


def pair(kind):
    torch.manual_seed(0)
    if kind == "lstm":
        return LSTM(X, H, "w", "b"), torch.nn.LSTM(X, H, batch_first=True).double()
    if kind == "gru":
        return GRU(X, H, "w", "b", "bn"), torch.nn.GRU(X, H, batch_first=True).double()
    return SimpleRNN(X, H, "w", "b"), torch.nn.RNN(X, H, batch_first=True).double()


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_forward_and_every_gradient_agree_with_pytorch(kind):
    op, module = pair(kind)
    sd = {k: v.detach().numpy() for k, v in module.state_dict().items()}
    op.bind(Parameters.of(op.from_torch(sd["weight_ih_l0"], sd["weight_hh_l0"], sd["bias_ih_l0"], sd["bias_hh_l0"])))
    rng = np.random.default_rng(0)
    x, G = rng.normal(size=(N, T, X)), rng.normal(size=(N, T, H))
    state = tuple(rng.normal(size=(N, H)) for _ in op.state_names)
    D = tuple(rng.normal(size=(N, H)) for _ in op.state_names)

    xt = torch.tensor(x, requires_grad=True)
    st = [torch.tensor(s[None], requires_grad=True) for s in state]
    out, final = module(xt, tuple(st) if kind == "lstm" else st[0])
    final = final if kind == "lstm" else (final,)
    loss = (out * torch.tensor(G)).sum() + sum((f[0] * torch.tensor(d)).sum() for f, d in zip(final, D))
    loss.backward()

    p = op.run(x, state)
    g = op.backprop(p, G, d_state=D)
    assert np.allclose(p.h, out.detach().numpy(), rtol=0, atol=1e-13)
    for ours, theirs in zip(p.state, final):
        assert np.allclose(ours, theirs[0].detach().numpy(), rtol=0, atol=1e-13)
    assert np.allclose(g.dx, xt.grad.numpy(), rtol=0, atol=1e-12)
    for ours, theirs in zip(g.d_state, st):
        assert np.allclose(ours, theirs.grad[0].numpy(), rtol=0, atol=1e-12)
    tg = {name: param.grad.numpy() for name, param in module.named_parameters()}
    packed = op.to_torch(g.params)
    for name in ("weight_ih_l0", "weight_hh_l0"):
        assert np.allclose(packed[name], tg[name], rtol=0, atol=1e-12), name
    # Our bias is PyTorch's two biases added; the GRU keeps the candidate's recurrent one apart.
    assert np.allclose(packed["bias_ih_l0"], tg["bias_ih_l0"], rtol=0, atol=1e-12)
    if kind == "gru":
        assert np.allclose(g.params["bn"], tg["bias_hh_l0"][2 * H :], rtol=0, atol=1e-12)
        assert np.allclose(g.params["b"][: 2 * H], tg["bias_hh_l0"][[*range(H, 2 * H), *range(H)]], atol=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_the_conversion_to_pytorch_and_back_is_exact(kind):
    op, module = pair(kind)
    arrays = op.init_arrays(np.random.default_rng(3))
    for name in arrays:
        arrays[name] = arrays[name] + np.random.default_rng(4).normal(size=arrays[name].shape)
    packed = op.to_torch(arrays)
    with torch.no_grad():
        for name, value in packed.items():
            getattr(module, name).copy_(torch.from_numpy(value))
    back = op.from_torch(*(packed[k] for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")))
    assert set(back) == set(arrays)
    for name in arrays:
        assert np.array_equal(back[name], arrays[name])
    op.bind(Parameters.of(arrays))
    x = np.random.default_rng(5).normal(size=(N, T, X))
    assert np.allclose(op.run(x).h, module(torch.from_numpy(x))[0].detach().numpy(), atol=1e-13)


def test_an_lstm_without_forget_gate_has_no_pytorch_counterpart():
    op = LSTM(X, H, "w", "b", forget_gate=False)
    with pytest.raises(ValueError, match="no PyTorch counterpart"):
        op.to_torch(op.init_arrays(np.random.default_rng(0)))
