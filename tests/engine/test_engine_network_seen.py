"""A network as its user reads it: a network built by hand (not compiled)
takes its input and output columns in the order of its nodes, and a
network in single precision keeps, computes and returns single precision."""

from __future__ import annotations

import numpy as np

import nnsim
from nnsim.design.compile import compile_design
from nnsim.engine.activations import LayerActivation
from nnsim.engine.network import INPUT, OUTPUT, Block, Network, Node
from nnsim.engine.ops.dense import Dense
from nnsim.engine.vocab import Activation, Loss


def _linear(sources: list[int], sizes: list[int], size: int, key: str) -> Dense:
    act = LayerActivation([Activation.LINEAR] * size, np.zeros(size))
    return Dense(sizes, size, act, [f"layer:{s}->{key}/weight" for s in sources], f"{key}/bias")


def _two_by_two() -> Network:
    """Inputs a (2 numbers), b (3) and c (1); output p reads a, output q
    (2 numbers) reads b and c."""
    nodes = [Node(0, "layer:0", INPUT, 2), Node(1, "layer:1", INPUT, 3), Node(2, "layer:2", INPUT, 1)]
    nodes.append(Node(3, "layer:3", OUTPUT, 1, op=_linear([0], [2], 1, "layer:3"), sources=[0],
                      inputs=[Block(0, 3, "layer:0->layer:3/weight")]))
    nodes.append(Node(4, "layer:4", OUTPUT, 2, op=_linear([1, 2], [3, 1], 2, "layer:4"), sources=[1, 2],
                      inputs=[Block(1, 4, "layer:1->layer:4/weight"), Block(2, 4, "layer:2->layer:4/weight")]))
    net = Network(nodes, Loss.MSE)
    net.parameters.flat[...] = np.random.default_rng(0).normal(size=net.parameters.flat.size)
    return net


def test_a_network_built_by_hand_reads_and_writes_its_columns_in_node_order():
    net = _two_by_two()
    assert [n.columns for n in net.input_layers] == [slice(0, 2), slice(2, 5), slice(5, 6)]
    assert [n.columns for n in net.output_layers] == [slice(0, 1), slice(1, 3)]
    X = np.random.default_rng(1).normal(size=(4, 6))
    p = net.parameters
    q = X[:, 2:5] @ p["layer:1->layer:4/weight"] + X[:, 5:] @ p["layer:2->layer:4/weight"] + p["layer:4/bias"]
    want = np.hstack([X[:, :2] @ p["layer:0->layer:3/weight"] + p["layer:3/bias"], q])
    assert np.allclose(net.predict(X), want)
    Y = np.random.default_rng(2).normal(size=(4, 3))
    assert np.isclose(net.loss_of(net.forward(X), Y), 0.5 * np.sum((want - Y) ** 2) / 4)  # ½ Σ (a − y)², mean


def test_a_single_precision_network_keeps_computes_and_returns_single_precision():
    compiled = compile_design(nnsim.example("xor-mlp"), dtype=np.float32)
    net = compiled.network
    assert net.parameters.flat.dtype == np.float32
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    out = net.predict(X)
    assert out.dtype == np.float32
    g = net.loss_and_grads(X, np.array([[0.0], [1.0], [1.0], [0.0]]))
    assert g.params.flat.dtype == np.float32
    assert np.allclose(out, compile_design(nnsim.example("xor-mlp")).network.predict(X), atol=1e-5)


def test_a_sequence_walked_step_by_step_keeps_every_weighted_sum_when_asked():
    """The learn mode's walk through time shows each neuron's weighted sum z
    at every step (``keep_z``), hidden ones included."""
    net = compile_design(nnsim.example("sine-rnn")).network
    assert net.recurrent
    X = np.random.default_rng(0).normal(size=(2, 4, net.n_inputs))
    hidden = [n for n in net.layers if n.kind == "hidden" and n.act is not None]
    assert hidden
    kept = net.forward(X, keep_z=True)
    for t in range(4):
        for n in hidden:
            z = kept.z[t][n.index]
            assert z is not None and np.allclose(n.act(z), kept.a[t][n.index])
    plain = net.forward(X)
    assert all(plain.z[t][n.index] is None for t in range(4) for n in hidden)  # not kept unless asked


def _loss_by_differences(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of ``f()`` in every entry of ``x`` (changed in place and put back)."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + h
        up = f()
        x[i] = keep - h
        down = f()
        x[i] = keep
        out[i] = (up - down) / (2 * h)
    return out


def test_a_loss_from_outside_reaches_each_output_layer_by_its_own_columns():
    """A two-player program's loss comes in as its gradient at the outputs:
    with two output layers each takes its own columns of it (here
    L = Σ G·out, so every gradient is checked against differences of L)."""
    net = _two_by_two()
    X = np.random.default_rng(3).normal(size=(4, 6))
    G = np.random.default_rng(4).normal(size=(4, 3))

    def loss():
        return float(np.sum(G * net.predict(X)))

    grads = net.backward(net.forward(X), None, out_grad=G, mask_frozen=False)
    numeric = _loss_by_differences(loss, net.parameters.flat)
    assert np.allclose(grads.params.flat, numeric, atol=1e-6)
    # Linear outputs: ∂L/∂z = ∂L/∂a.
    by_delta = net.backward(net.forward(X), None, out_delta=G, mask_frozen=False)
    assert np.allclose(by_delta.params.flat, numeric, atol=1e-6)


def _sine_rnn_with_a_frozen_connection():
    d = nnsim.example("sine-rnn")
    looped = next(c for c in d.connections if c.delay)
    looped.frozen = True
    return d, looped


def test_a_sequence_gives_its_inputs_gradients_and_frozen_connections_none():
    d, frozen = _sine_rnn_with_a_frozen_connection()
    compiled = compile_design(d)
    net = compiled.network
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2, 3, net.n_inputs))
    Y = rng.normal(size=(2, 3, net.n_outputs))
    k = d.connections.index(frozen)
    blk = net.blocks[compiled.conn_block[k]]
    where = (compiled.conn_row[k], compiled.conn_col[k])
    grads = net.backward(net.forward(X), Y, need_input_delta=True)
    assert grads.params[blk.name][where] == 0.0  # frozen: nothing to apply
    assert grads.dW[compiled.conn_block[k]] is grads.params[blk.name]  # as the learn mode reads them, by block
    true = net.backward(net.forward(X), Y, mask_frozen=False)
    assert true.params[blk.name][where] != 0.0  # ... though it has a gradient

    def loss():
        return net.loss_of(net.forward(X), Y)

    numeric = _loss_by_differences(loss, X)
    for node in net.input_layers:
        assert np.allclose(grads.delta[node.index], numeric[:, :, node.columns], atol=1e-6)


def test_the_inputs_gradients_asked_for_leave_the_layers_after_them_their_own():
    """A second input layer drawn after a hidden one comes after it in the
    network's order: asking for the inputs' gradients (as the two-player
    program does) still gives every layer's gradient, against differences."""
    from nnsim.design.build import add_layer, connect_all, initialize
    from nnsim.design.model import Activation, Design, LayerKind
    from nnsim.engine.gradcheck import numerical_gradients

    d = Design()
    a = add_layer(d, LayerKind.INPUT, 2, Activation.LINEAR)
    h = add_layer(d, LayerKind.HIDDEN, 3, Activation.TANH)
    b = add_layer(d, LayerKind.INPUT, 2, Activation.LINEAR)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.TANH)
    connect_all(d, a.id, h.id)
    connect_all(d, h.id, o.id)
    connect_all(d, b.id, o.id)
    initialize(d, np.random.default_rng(0))
    net = compile_design(d).network
    assert [n.kind for n in net.layers] == ["input", "hidden", "input", "output"]
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(3, 4)), rng.uniform(-0.5, 0.5, size=(3, 1))
    grads = net.backward(net.forward(X), Y, need_input_delta=True)
    for mine, numeric in zip(grads.as_list(), numerical_gradients(net, X, Y)):
        assert np.allclose(mine, numeric, atol=1e-7)
    by_differences = _loss_by_differences(lambda: net.loss_of(net.forward(X), Y), X)
    for node in net.input_layers:
        assert np.allclose(grads.delta[node.index], by_differences[:, node.columns], atol=1e-6)


def test_a_training_step_on_a_chunk_of_time_continues_from_the_state_given():
    """Truncated backpropagation through time: each chunk of a sequence
    starts from the outputs the chunk before it left, not from zero."""
    net = compile_design(nnsim.example("sine-rnn")).network
    rng = np.random.default_rng(6)
    X = rng.normal(size=(2, 4, net.n_inputs))
    Y = rng.normal(size=(2, 4, net.n_outputs))
    grads = net.parameters.like()
    net.train_grads(X[:, :2], Y[:, :2], grads)
    after_first = net.last_state
    assert after_first is not None
    loss = net.train_grads(X[:, 2:], Y[:, 2:], grads, state=after_first)
    assert loss == net.loss_of(net.forward(X[:, 2:], state=after_first), Y[:, 2:])
    assert loss != net.loss_of(net.forward(X[:, 2:]), Y[:, 2:])  # from zero it would differ


def test_a_sequence_s_neuron_outputs_are_every_step_of_every_sequence():
    """What the activity plots show of a layer: its outputs at every step."""
    net = compile_design(nnsim.example("sine-rnn")).network
    X = np.random.default_rng(7).normal(size=(2, 3, net.n_inputs))
    trace = net.forward(X)
    node = next(n for n in net.layers if n.kind == "hidden")
    shown = net.node_outputs(trace, node.index)
    assert shown.shape == (6, node.size)
    assert np.array_equal(shown, np.concatenate([trace.a[t][node.index] for t in range(3)]))


def test_the_masks_of_what_trains_mark_a_frozen_connection_and_nothing_else():
    d, frozen = _sine_rnn_with_a_frozen_connection()
    compiled = compile_design(d)
    net = compiled.network
    k = d.connections.index(frozen)
    blk = net.blocks[compiled.conn_block[k]]
    masks = dict(zip(net.layout.names, net.grad_masks()))
    assert len(masks) == len(net.params)
    mask = masks[blk.name]
    assert mask[compiled.conn_row[k], compiled.conn_col[k]] == 0 and mask.sum() == mask.size - 1
    assert all(m is None for name, m in masks.items() if name != blk.name)  # everything else trains
