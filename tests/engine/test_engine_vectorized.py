"""A training step works per layer, never per neuron: the number of
activation calls, NumPy ufunc calls and Python function calls in one step
does not depend on how many neurons the layers have."""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
import pytest

from nnsim.design.build import initialize, layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Optimizer, TrainingSettings
from nnsim.engine import activations
from nnsim.engine.targets import REGRESSION, TargetCoding
from nnsim.engine.trainer import Trainer, TrainingData


def trainer_for(sizes, hidden=Activation.TANH, output=Activation.TANH, optimizer=Optimizer.SGD, mixed=False):
    d = layered(list(sizes), hidden, output)
    if mixed:  # every hidden layer alternates tanh and sigmoid neurons
        for layer in d.layers[1:-1]:
            for i, n in enumerate(d.neurons_of(layer.id)):
                n.activation = Activation.SIGMOID if i % 2 else Activation.TANH
    d.training = TrainingSettings(learning_rate=0.01, batch_size=8, optimizer=optimizer, regularization="l2", regularization_rate=1e-3)
    initialize(d, np.random.default_rng(0))
    net = compile_design(d).network
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(32, sizes[0]))
    y = rng.uniform(-1, 1, size=(32, sizes[-1]))
    data = TrainingData(x, y, x[:0], y[:0], None, None, TargetCoding(REGRESSION, sizes[-1]))
    return Trainer(net, d.training, data, np.random.default_rng(2))


def count_activation_calls(monkeypatch, make, steps=1):
    """Build a trainer with counting forward/backward functions, run ``steps``
    steps (after a warm-up step that starts the epoch), and count."""
    counts = Counter()

    def wrap(table, name):
        for kind, fn in list(table.items()):
            def counting(*args, _fn=fn, _kind=kind):
                counts[(name, _kind)] += 1
                return _fn(*args)

            monkeypatch.setitem(table, kind, counting)

    wrap(activations.FORWARD, "forward")
    wrap(activations.BACKWARD, "backward")
    wrap(activations.FORWARD_INTO, "forward")  # the trainer's in-place forms
    wrap(activations.BACKWARD_INTO, "backward")
    trainer = make()
    trainer.train_steps(1, evaluate=False)
    counts.clear()
    trainer.train_steps(steps, evaluate=False)
    return counts


@pytest.mark.parametrize("mixed", [False, True])
def test_activation_calls_per_step_do_not_grow_with_the_layer_width(monkeypatch, mixed):
    small = count_activation_calls(monkeypatch, lambda: trainer_for((2, 5, 5, 1), mixed=mixed))
    monkeypatch.undo()
    big = count_activation_calls(monkeypatch, lambda: trainer_for((2, 50, 50, 1), mixed=mixed))
    assert small == big
    if mixed:  # one call per group of neurons sharing a function
        assert small[("forward", Activation.TANH)] == 3 and small[("forward", Activation.SIGMOID)] == 2
        assert small[("backward", Activation.TANH)] == 3 and small[("backward", Activation.SIGMOID)] == 2
    else:
        assert small[("forward", Activation.TANH)] == 3 and small[("backward", Activation.TANH)] == 3


def test_tanh_ufunc_calls_per_step_do_not_grow_with_the_layer_width(monkeypatch):
    calls = Counter()
    real_tanh = np.tanh

    def counting_tanh(*args, **kwargs):
        calls["tanh"] += 1
        return real_tanh(*args, **kwargs)

    results = []
    for sizes in [(2, 5, 5, 1), (2, 50, 50, 1)]:
        trainer = trainer_for(sizes)
        trainer.train_steps(1, evaluate=False)
        monkeypatch.setattr(np, "tanh", counting_tanh)
        calls.clear()
        trainer.train_steps(2, evaluate=False)
        monkeypatch.undo()
        results.append(calls["tanh"])
    assert results[0] == results[1] == 2 * 3


@pytest.mark.parametrize("optimizer", list(Optimizer))
def test_python_calls_per_step_do_not_grow_with_the_layer_width(optimizer):
    """Profile every Python-level function call in a few training steps."""

    def profile(sizes, mixed):
        trainer = trainer_for(sizes, optimizer=optimizer, mixed=mixed)
        trainer.train_steps(1, evaluate=False)
        calls = Counter()

        def hook(frame, event, arg):
            if event == "call":
                calls[frame.f_code.co_qualname] += 1
            elif event == "c_call":
                calls["C:" + getattr(arg, "__qualname__", str(arg))] += 1

        sys.setprofile(hook)
        try:
            trainer.train_steps(2, evaluate=False)
        finally:
            sys.setprofile(None)
        return calls

    for mixed in (False, True):
        small = profile((2, 5, 5, 1), mixed)
        big = profile((2, 50, 50, 1), mixed)
        assert small == big
        assert sum(small.values()) < 2000
        assert small["Network.train_grads"] == 2


def test_python_calls_per_step_grow_with_the_number_of_layers_only():
    """Contrast: adding a layer adds calls, so the counts above are meaningful."""

    def total(sizes):
        trainer = trainer_for(sizes)
        trainer.train_steps(1, evaluate=False)
        n = [0]

        def hook(frame, event, arg):
            n[0] += 1

        sys.setprofile(hook)
        try:
            trainer.train_steps(1, evaluate=False)
        finally:
            sys.setprofile(None)
        return n[0]

    assert total((2, 5, 5, 1)) < total((2, 5, 5, 5, 1))
    assert total((2, 5, 5, 1)) == total((2, 40, 3, 1))
