"""Every number the step-through shows is the engine's.

Random designs (random layer sizes, skip and missing connections, frozen
connections, mixed activations, every loss and optimizer) are walked through;
each neuron's z, a and δ and each connection's gradient and change are
compared with the engine's own inspection, mapped back to the design by an
independent route (design order -> compiled block/row/column). The written
arithmetic must show those same numbers, and the extra numbers it writes (the
slope f'(z), the weighted sum of the next layer's errors, ∂L/∂a) must
multiply out to the engine's δ.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.app.learn.walkthrough import BACKWARD_PHASE, FORWARD, LOSS, build_walkthrough
from nnsim.design.build import initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Connection, Init, LayerKind, Loss, Optimizer, Regularization
from nnsim.engine.inspect import inspect_sample
from nnsim.engine.optimizers import make_optimizer
from nnsim.explain import fmt

HIDDEN = [Activation.TANH, Activation.SIGMOID, Activation.RELU, Activation.LEAKY_RELU, Activation.LINEAR]


def pick(rng, items):
    items = list(items)
    return items[int(rng.integers(len(items)))]


def random_design(rng: np.random.Generator):
    n_hidden = int(rng.integers(0, 3))
    sizes = [int(rng.integers(1, 4))] + [int(rng.integers(1, 5)) for _ in range(n_hidden)] + [int(rng.integers(1, 4))]
    loss = pick(rng, [Loss.MSE, Loss.BINARY_CROSS_ENTROPY, Loss.SOFTMAX_CROSS_ENTROPY])
    if loss == Loss.BINARY_CROSS_ENTROPY:
        out_act = Activation.SIGMOID
    elif loss == Loss.SOFTMAX_CROSS_ENTROPY:
        out_act = Activation.SOFTMAX
        sizes[-1] = max(2, sizes[-1])
    else:
        out_act = pick(rng, HIDDEN + [Activation.STEP, Activation.SOFTMAX])
    d = layered(sizes, pick(rng, HIDDEN), out_act)
    d.training.loss = loss
    d.training.optimizer = pick(rng, Optimizer)
    d.training.learning_rate = pick(rng, [0.03, 0.5, 1.0])
    d.training.init = Init.UNIFORM
    if rng.random() < 0.3:
        d.training.regularization = pick(rng, [Regularization.L1, Regularization.L2])
        d.training.regularization_rate = 0.01
    initialize(d, rng)
    for n in d.neurons:
        n.bias = float(rng.normal(0, 0.5))
        n.threshold = float(rng.normal(0, 0.3))
    # Mixed activations inside hidden layers.
    for layer in d.layers_of_kind(LayerKind.HIDDEN):
        for n in d.neurons_of(layer.id):
            if rng.random() < 0.3:
                n.activation = pick(rng, HIDDEN)
    # Drop some connections (keeping every neuron reachable is not required).
    keep = [c for c in d.connections if rng.random() > 0.15]
    d.connections = keep or d.connections[:1]
    # Skip connections from the inputs to the output.
    ins = d.neurons_of(d.layers_of_kind(LayerKind.INPUT)[0].id)
    outs = d.neurons_of(d.layers_of_kind(LayerKind.OUTPUT)[0].id)
    if n_hidden and rng.random() < 0.5:
        s, t = ins[0], outs[0]
        if d.connection(s.id, t.id) is None:
            d.connections.append(Connection(s.id, t.id, float(rng.normal())))
    for c in d.connections:
        c.frozen = bool(rng.random() < 0.1)
    x = rng.normal(0, 1, size=sizes[0])
    if out_act == Activation.SOFTMAX:
        target = np.zeros(sizes[-1])
        target[rng.integers(sizes[-1])] = 1
    elif out_act in (Activation.SIGMOID, Activation.STEP):
        target = rng.integers(0, 2, size=sizes[-1]).astype(float)
    else:
        target = rng.normal(0, 1, size=sizes[-1])
    return d, x, target


def engine_numbers(design, x, target):
    """The engine's inspection, keyed by design ids (an independent mapping)."""
    compiled = compile_design(design)
    net = compiled.network
    ins = inspect_sample(net, x, target, make_optimizer(net.parameters, design.training), design.training)
    neurons = {}
    for n in design.neurons:
        li, col = compiled.neuron_pos[n.id]
        z = ins.z[li]
        delta = ins.delta[li] if ins.delta is not None else None
        neurons[n.id] = (
            None if z is None else float(z[col]),
            float(ins.a[li][col]),
            None if delta is None else float(delta[col]),
            None if ins.change_b is None or ins.change_b[li] is None else float(ins.change_b[li][col]),
        )
    conns = {}
    for k, c in enumerate(design.connections):
        b, r, col = compiled.conn_block[k], compiled.conn_row[k], compiled.conn_col[k]
        conns[(c.source, c.target)] = (float(ins.dW[b][r, col]), float(ins.change_W[b][r, col]))
    return ins, neurons, conns


@pytest.mark.parametrize("seed", range(60))
def test_every_number_is_the_engines(seed):
    rng = np.random.default_rng(seed)
    design, x, target = random_design(rng)
    walk = build_walkthrough(design, x, target)
    ins, neurons, conns = engine_numbers(design, x, target)
    assert walk.trace.loss == pytest.approx(ins.loss, rel=0, abs=0)
    for step in walk.trace.neurons:
        z, a, delta, bias_change = neurons[step.id]
        assert step.a == a
        assert step.z == z
        if step.z is None:
            continue
        assert step.delta == delta
        assert step.bias_change == bias_change
    for c in walk.trace.connections:
        grad, change = conns[(c.source, c.target)]
        assert c.gradient == grad
        assert c.change == change

    # The written arithmetic multiplies out to the engine's δ.
    for step in walk.trace.neurons:
        if step.z is None or step.delta is None or step.activation == Activation.SOFTMAX:
            continue
        slope = walk.derivatives[step.id]
        if step.kind == LayerKind.OUTPUT:
            op = walk.compiled.network.layers[walk.compiled.neuron_pos[step.id][0]]
            if op.fused:
                k = [s.id for s in walk.trace.neurons if s.kind == LayerKind.OUTPUT].index(step.id)
                assert step.a - walk.trace.target[k] == pytest.approx(step.delta, abs=1e-12)
            else:
                assert walk.loss_grads[step.id] * slope == pytest.approx(step.delta, rel=1e-9, abs=1e-12)
        else:
            assert walk.back_sums.get(step.id, 0.0) * slope == pytest.approx(step.delta, rel=1e-9, abs=1e-12)

    # Each frame shows the engine's numbers, as written by fmt().
    by_id = {s.id: s for s in walk.trace.neurons}
    frozen = {(c.source, c.target) for c in design.connections if c.frozen}
    for frame in walk.frames:
        text = "\n".join(frame.lines)
        if frame.phase == FORWARD:
            s = by_id[frame.neuron]
            assert f"= {fmt(s.z)}" in text
            assert fmt(s.a) in text
            for t in s.terms:
                assert fmt(abs(t.weight)) in text and fmt(abs(t.value)) in text
        elif frame.phase == LOSS:
            assert text.endswith(f"= {fmt(walk.trace.loss)}")
        elif frame.phase == BACKWARD_PHASE:
            s = by_id[frame.neuron]
            if s.delta is not None:
                assert f"= {fmt(s.delta)}" in text
            for pair in frame.connections:
                grad, change = conns[pair]
                label = frame.conn_labels[pair]
                assert fmt(grad) in label
                if pair in frozen:
                    assert "frozen: not applied" in label and change == 0.0
                else:
                    assert fmt(abs(change)) in label

    # The update adds exactly the engine's changes.
    weights, biases = walk.new_numbers()
    for k, c in enumerate(design.connections):
        assert weights[k] == c.weight + conns[(c.source, c.target)][1]
    for i, n in enumerate(design.neurons):
        change = neurons[n.id][3]
        assert biases[i] == (n.bias if change is None else n.bias + change)


def test_the_articles_neuron():
    walk = build_walkthrough(nnsim.example("article-neuron"), [0.5, 0.6])
    forward = [f for f in walk.frames if f.phase == FORWARD]
    assert len(forward) == 1
    frame = forward[0]
    assert frame.lines[0] == "weighted sum: 0.5×0.5 + 0.6×0.7 + 0 = 0.67"
    assert frame.callouts[frame.neuron] == ["0.5×0.5 + 0.6×0.7 + 0 = 0.67", "step at 0.5 → 1"]
    assert "above the threshold 0.5" in frame.lines[1]
    assert not walk.has_backward  # no target: forward only


def test_step_neurons_pass_no_error_back():
    walk = build_walkthrough(nnsim.example("article-neuron"), [0.5, 0.6], [0.0])
    back = [f for f in walk.frames if f.phase == BACKWARD_PHASE]
    assert walk.trace.loss == 0.5
    assert back and any("slope is 0" in line for line in back[0].lines)
    assert all(c.gradient == 0 for c in walk.trace.connections)


def test_a_hidden_neuron_explains_its_error():
    design = nnsim.example("xor-mlp")
    walk = build_walkthrough(design, [1, 0], [1])
    back = [f for f in walk.frames if f.phase == BACKWARD_PHASE]
    assert [f.neuron for f in back] == [s.id for s in reversed(walk.trace.neurons) if s.z is not None]
    output, hidden = back[0], back[1]
    assert "simply output − wanted" in output.lines[0]  # sigmoid + cross-entropy
    assert hidden.lines[0].startswith("error sent back from output")
    assert "1 − a²" in hidden.lines[1]  # tanh's slope


def test_forward_frames_follow_the_computation_order():
    design = nnsim.example("spiral-deep")
    walk = build_walkthrough(design, [0.3, -0.2], [1.0])
    order = [f.neuron for f in walk.frames if f.phase == FORWARD]
    assert order == [s.id for s in walk.trace.neurons if s.z is not None]
    # Values light up progressively: each frame knows one more neuron's output.
    known = [len(f.values) for f in walk.frames if f.phase == FORWARD]
    assert known == sorted(known) and len(set(known)) == len(known)


def test_wrong_number_of_inputs_is_refused():
    with pytest.raises(ValueError, match="2 inputs"):
        build_walkthrough(nnsim.example("xor-mlp"), [1, 0, 1])


def test_output_layers_computed_out_of_their_declared_order_get_their_own_targets():
    """Output layer B is declared first (the target's first column) but is
    computed last: the words pair each output with its own wanted value."""
    from nnsim.design.build import add_layer, connect_all
    from nnsim.design.model import Design

    d = Design()
    inp = add_layer(d, LayerKind.INPUT, 2)
    out_b = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR, name="B")
    out_a = add_layer(d, LayerKind.OUTPUT, 2, Activation.LINEAR, name="A")
    hid = add_layer(d, LayerKind.HIDDEN, 2, Activation.TANH)
    connect_all(d, inp.id, hid.id)
    connect_all(d, hid.id, out_b.id)
    connect_all(d, inp.id, out_a.id)
    for k, c in enumerate(d.connections):
        c.weight = 0.3 * (k + 1)
    walk = build_walkthrough(d, [1.0, 0.5], [10.0, 20.0, 30.0])
    b_id = d.neurons_of(out_b.id)[0].id
    assert walk.wanted[b_id] == 10.0
    loss = next(f for f in walk.frames if f.phase == LOSS)
    assert "B neuron 1 = 10" in loss.lines[0] and "A neuron 1 = 20" in loss.lines[0] and "A neuron 2 = 30" in loss.lines[0]
    for step in walk.trace.neurons:
        if step.kind == LayerKind.OUTPUT:
            assert walk.loss_grads[step.id] * walk.derivatives[step.id] == pytest.approx(step.delta, rel=1e-12)


def test_a_softmax_layer_whose_targets_do_not_add_up_to_one_explains_its_error():
    """Two softmax output layers share the classes: target (1, 0, 0, 0) leaves
    the second layer nothing to learn, and the words say why δ is 0 there."""
    from nnsim.design.build import add_layer, connect_all
    from nnsim.design.model import Design

    d = Design()
    inp = add_layer(d, LayerKind.INPUT, 1)
    first = add_layer(d, LayerKind.OUTPUT, 2, Activation.SOFTMAX, name="first")
    second = add_layer(d, LayerKind.OUTPUT, 2, Activation.SOFTMAX, name="second")
    connect_all(d, inp.id, first.id)
    connect_all(d, inp.id, second.id)
    for c, w in zip(d.connections, (1.0, -1.0, 0.5, -0.5)):
        c.weight = w
    d.training.loss = Loss.SOFTMAX_CROSS_ENTROPY
    walk = build_walkthrough(d, [1.0], [1.0, 0.0, 0.0, 0.0])
    back = {f.neuron: f for f in walk.frames if f.phase == BACKWARD_PHASE}
    s1, s2 = d.neurons_of(second.id)
    assert walk.step(s1.id).delta == 0.0 and walk.step(s2.id).delta == 0.0
    assert "δ = 0.7311 × 0 − 0 = 0" in back[s1.id].lines[0]
    f1 = d.neurons_of(first.id)[0]
    assert "simply output − wanted: δ = 0.8808 − 1 = −0.1192" in back[f1.id].lines[0]
    gradients = {(c.source, c.target): c.gradient for c in walk.trace.connections}
    assert gradients[(d.neurons_of(inp.id)[0].id, s1.id)] == 0.0


def test_a_saturated_output_shows_its_exact_loss():
    """σ(40) shows as 1, and log(1 − 1) would be −∞: the words write σ(z), and
    the loss is the exact log(1 + e^40) = 40."""
    design = layered([1, 1], output=Activation.SIGMOID)
    design.training.loss = Loss.BINARY_CROSS_ENTROPY
    design.connections[0].weight = 40.0
    walk = build_walkthrough(design, [1.0], [0.0])
    loss = next(f for f in walk.frames if f.phase == LOSS)
    assert loss.lines[-1] == "loss (cross-entropy) = −log(1 − σ(40)) = 40"
