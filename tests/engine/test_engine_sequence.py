"""Networks through time: delayed (recurrent) connections, sequences,
backpropagation through time against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import add_layer, connect_all, initialize
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, Design, LayerKind, Loss, TrainingSettings
from nnsim.design.validate import DesignError, check_design
from nnsim.engine.gradcheck import numerical_gradients


def elman(hidden=3, jordan=False, out=Activation.LINEAR, loss=Loss.MSE, n_out=1, seed=0) -> Design:
    d = Design(training=TrainingSettings(loss=loss))
    i = add_layer(d, LayerKind.INPUT, 2)
    h = add_layer(d, LayerKind.HIDDEN, hidden, Activation.TANH)
    o = add_layer(d, LayerKind.OUTPUT, n_out, out)
    connect_all(d, i.id, h.id)
    connect_all(d, h.id, h.id, delay=1)  # the loop: each hidden neuron reads every one a step late
    connect_all(d, h.id, o.id)
    if jordan:
        connect_all(d, o.id, h.id, delay=1)  # the output fed back
    initialize(d, np.random.default_rng(seed))
    for c in d.connections:
        c.weight *= 2.0  # a loop strong enough to matter
    return d


def check_grads(net, X, Y):
    g = net.loss_and_grads(X, Y)
    numeric = numerical_gradients(net, X, Y)
    for name, num in zip(net.parameters, numeric):
        np.testing.assert_allclose(g.params[name], num, rtol=2e-6, atol=1e-9, err_msg=name)
    return g


@pytest.mark.parametrize("jordan", [False, True])
def test_bptt_matches_finite_differences_with_targets_at_every_step(jordan):
    net = compile_design(elman(jordan=jordan)).network
    assert net.recurrent
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 7, 2))
    Y = rng.normal(size=(3, 7, 1))
    check_grads(net, X, Y)


def test_bptt_with_the_target_at_the_last_step_only_and_softmax():
    d = elman(hidden=4, out=Activation.SOFTMAX, loss=Loss.SOFTMAX_CROSS_ENTROPY, n_out=3)
    net = compile_design(d).network
    rng = np.random.default_rng(2)
    X = rng.normal(size=(4, 6, 2))
    Y = np.eye(3)[rng.integers(0, 3, size=4)]
    g = check_grads(net, X, Y)
    # the loss the cost curve plots: the cross-entropy of the last step's outputs
    last = net.predict(X)[:, -1]
    assert np.isclose(net.loss_of(net.forward(X), Y), -np.mean(np.log(last[Y == 1])), rtol=1e-12)
    # the gradient reached the first step through the loop, fading on the way
    hidden = net.layers[1].index
    assert g.through_time[0, hidden] > 0 and g.through_time[-1, hidden] > 0


def test_steps_without_a_target_add_nothing():
    net = compile_design(elman()).network
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 5, 2))
    Y = rng.normal(size=(2, 5, 1))
    Y[0, :2] = np.nan  # no target for the first two steps of the first sequence
    Y[1, 4] = np.nan
    g = check_grads(net, X, Y)
    # the mean over the 7 targets given, each the step's ½(a − y)²
    out = net.outputs(net.forward(X))
    have = ~np.isnan(Y[..., 0])
    assert g.loss == pytest.approx(0.5 * np.sum((out[have] - Y[have]) ** 2) / have.sum(), rel=1e-12)
    Y[:, 2] = np.nan  # a step where no sequence has a target
    have = ~np.isnan(Y[..., 0])
    g = check_grads(net, X, Y)
    assert g.loss == pytest.approx(0.5 * np.sum((out[have] - Y[have]) ** 2) / have.sum(), rel=1e-12)


def test_a_loop_gives_memory_and_a_feed_forward_net_reads_each_step_alone():
    d = elman()
    net = compile_design(d).network
    X = np.zeros((1, 4, 2))
    X[0, 0] = 1.0  # a pulse at the first step only
    out = net.outputs(net.forward(X))[0, :, 0]
    assert abs(out[2] - out[3]) > 1e-6  # the pulse still echoes through the loop
    ff = Design(connections=[c for c in d.connections if not c.delay], layers=d.layers, neurons=d.neurons)
    ff_net = compile_design(ff).network
    assert not ff_net.recurrent
    seq = ff_net.outputs(ff_net.forward(X))[0]
    static = ff_net.predict(X[0])
    np.testing.assert_allclose(seq, static, rtol=1e-14)  # the same network, step by step
    assert seq[1, 0] == seq[2, 0] == seq[3, 0]  # no memory: equal inputs, equal outputs


def test_a_carried_state_continues_a_sequence_exactly():
    net = compile_design(elman(jordan=True)).network
    X = np.random.default_rng(4).normal(size=(2, 8, 2))
    whole = net.forward(X)
    first = net.forward(X[:, :3])
    second = net.forward(X[:, 3:], state=first.state)
    np.testing.assert_allclose(net.outputs(second), net.outputs(whole)[:, 3:], rtol=0, atol=0)


def test_loops_need_a_delay_and_inputs_read_only_data():
    d = elman()
    h = d.layers[1]
    check_design(d)  # the delayed loop onto its own layer is fine
    n0, n1 = d.neurons_of(h.id)[:2]
    loop = next(c for c in d.connections if (c.source, c.target) == (n0.id, n1.id))
    loop.delay = 0
    with pytest.raises(DesignError, match="in the same time step \\(a recurrent connection, with a delay, can\\)"):
        check_design(d)
    loop.delay = 1
    o = d.layers[2]
    out_n = d.neurons_of(o.id)[0]
    d.connections.append(Connection(out_n.id, n0.id, 0.1))  # output back to hidden, undelayed: a cycle
    with pytest.raises(DesignError, match="starts at an output neuron"):
        check_design(d)
    d.connections[-1].delay = 1  # delayed: a Jordan network
    check_design(d)
    x = d.neurons_of(d.layers[0].id)[0]
    d.connections.append(Connection(n0.id, x.id, 0.1, delay=1))
    with pytest.raises(DesignError, match="ends at an input neuron"):
        check_design(d)


def test_an_undelayed_cycle_across_layers_is_refused_and_a_delayed_one_is_not():
    d = Design()
    i = add_layer(d, LayerKind.INPUT, 1)
    a = add_layer(d, LayerKind.HIDDEN, 2)
    b = add_layer(d, LayerKind.HIDDEN, 2)
    o = add_layer(d, LayerKind.OUTPUT, 1)
    for s, t in [(i, a), (a, b), (b, o)]:
        connect_all(d, s.id, t.id, 0.3)
    back = Connection(d.neurons_of(b.id)[0].id, d.neurons_of(a.id)[0].id, 0.2)
    d.connections.append(back)
    with pytest.raises(DesignError, match="closes a cycle .* within one time step; a loop needs a delayed"):
        check_design(d)
    back.delay = 1
    check_design(d)
    net = compile_design(d).network
    assert [blk.name for blk in net.blocks if blk.delay] == [f"layer:{b.id}->layer:{a.id}@1/weight"]
    check_grads(net, np.random.default_rng(5).normal(size=(2, 5, 1)), np.random.default_rng(6).normal(size=(2, 5, 1)))


def _sequence_data(net, n=24, T=12, seed=0, last_only=False):
    """Temporal XOR as a regression of ±1: the target at each step is the
    current bit XOR the previous one (no target at the first step)."""
    from nnsim.engine.program import TrainingData
    from nnsim.engine.targets import REGRESSION, TargetCoding

    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(n, T))
    x = np.stack([2.0 * bits - 1, np.ones_like(bits, dtype=float)], axis=2)
    xor = np.logical_xor(bits[:, 1:], bits[:, :-1])
    y = np.full((n, T, 1), np.nan)
    y[:, 1:, 0] = np.where(xor, 1.0, -1.0)
    if last_only:
        y = y[:, -1]
    return TrainingData(x, y, x[:0], y[:0], None, None, TargetCoding(REGRESSION, 1))


def test_truncated_bptt_cuts_each_batch_into_chunks_carrying_the_state():
    from nnsim.engine.trainer import Trainer

    d = elman(hidden=6, out=Activation.TANH)
    d.training.bptt_steps = 5
    d.training.batch_size = 8
    net = compile_design(d).network
    trainer = Trainer(net, d.training, _sequence_data(net), np.random.default_rng(0))
    assert trainer.steps_per_epoch == 3 * 3  # 24 sequences in batches of 8, 12 steps in chunks of 5
    seen = []
    step = net.train_grads

    def recording(X, Y, grads, state=None):
        seen.append((X.shape, None if state is None else {k: v.copy() for k, v in state.items()}))
        return step(X, Y, grads, state)

    net.train_grads = recording
    trainer.train_steps(trainer.steps_left_in_epoch())
    assert trainer.epoch == 1 and trainer.step_count == 9
    assert [s[0][1] for s in seen] == [5, 5, 2] * 3
    assert [s[1] is None for s in seen] == [True, False, False] * 3  # each batch starts from zeros


def test_an_elman_network_learns_temporal_xor_with_the_loop_and_not_without():
    from nnsim.engine.trainer import Trainer

    def trained(loop: bool) -> float:
        d = elman(hidden=8, out=Activation.TANH, seed=1)
        if not loop:
            d.connections = [c for c in d.connections if not c.delay]
        d.training.learning_rate = 0.05
        d.training.optimizer = "adam"
        d.training.batch_size = 8
        net = compile_design(d).network
        data = _sequence_data(net, n=64, T=16, seed=2)
        trainer = Trainer(net, d.training, data, np.random.default_rng(0))
        trainer.train_epochs(150, evaluate=False)
        out = net.outputs(net.forward(data.x_train))
        have = ~np.isnan(data.y_train[..., 0])
        return float(np.mean(np.sign(out[have, 0]) == data.y_train[have, 0]))

    assert trained(loop=True) >= 0.95
    assert trained(loop=False) <= 0.65  # without memory: about chance


def test_gradient_clipping_limits_every_entry():
    from nnsim.engine.trainer import Trainer

    d = elman(hidden=3)
    d.training.gradient_clip = 1e-3
    d.training.optimizer = "sgd"
    d.training.learning_rate = 1.0
    net = compile_design(d).network
    before = net.parameters.flat.copy()
    trainer = Trainer(net, d.training, _sequence_data(net, n=4), np.random.default_rng(0))
    trainer.train_steps(1)
    assert np.abs(net.parameters.flat - before).max() <= 1e-3 + 1e-15


def test_a_recurrent_block_s_loss_with_one_target_per_sequence_is_that_of_the_last_step():
    """The loss the cost curve plots for a sequence classifier built of a
    recurrent block: the cross-entropy of the outputs at each sequence's
    last step, as training computes it with the gradients."""
    import nnsim

    net = compile_design(nnsim.example("temporal-order-rnn")).network
    rng = np.random.default_rng(3)
    X = rng.normal(size=(3, 5, net.n_inputs))
    Y = np.eye(net.n_outputs)[[0, 2, 3]]
    last = net.predict(X)[:, -1]
    assert np.isclose(net.loss_and_grads(X, Y).loss, -np.mean(np.log(last[Y == 1])), rtol=1e-12)
