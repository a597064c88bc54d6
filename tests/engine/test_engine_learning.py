"""Learning end to end through a Session: an MLP learns XOR; the perceptron
rule learns AND and OR and recognises that XOR is not linearly separable."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import initialize, layered
from nnsim.design.model import (
    Activation,
    DatasetSpec,
    Init,
    LearningRule,
    Loss,
    Optimizer,
    TrainingSettings,
)
from nnsim.design.validate import DesignError
from nnsim.engine.perceptron import CONVERGED, NOT_SEPARABLE, PerceptronTrainer
from nnsim.session import Session

XS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def xor_mlp(seed: int = 1):
    d = layered([2, 3, 1], Activation.TANH, Activation.SIGMOID)
    d.dataset = DatasetSpec(source="logic", name="XOR")
    d.training = TrainingSettings(
        learning_rate=0.5,
        batch_size=4,
        optimizer=Optimizer.MOMENTUM,
        loss=Loss.BINARY_CROSS_ENTROPY,
        init=Init.XAVIER,
        epochs=300,
        seed=seed,
    )
    initialize(d, np.random.default_rng(seed))
    return d


@pytest.mark.parametrize("seed", [1, 2])
def test_mlp_learns_xor(seed):
    design = xor_mlp(seed)
    s = Session(design)
    summary = s.train()
    assert summary.train_accuracy == 1.0
    assert summary.train_loss < 0.1
    out = s.network.predict(XS)[:, 0]
    assert np.all((out > 0.5) == np.array([False, True, True, False]))
    # results were written back into the design
    assert len(design.history) == 300
    assert design.history[-1].train_accuracy == 1.0
    np.testing.assert_array_equal(s.compiled.connection_weights(), [c.weight for c in design.connections])


def test_mlp_with_adam_and_tanh_output_learns_xor():
    d = layered([2, 4, 1], Activation.TANH, Activation.TANH)
    d.dataset = DatasetSpec(source="logic", name="XOR")
    d.training = TrainingSettings(learning_rate=0.05, batch_size=4, optimizer=Optimizer.ADAM, init=Init.XAVIER, seed=3)
    initialize(d, np.random.default_rng(3))
    s = Session(d)
    assert (s.coding.low, s.coding.high) == (-1.0, 1.0)
    summary = s.train(300)
    assert summary.train_accuracy == 1.0


def perceptron_design(gate: str, output=Activation.STEP, seed=3):
    d = layered([2, 1], output=output)
    d.dataset = DatasetSpec(source="logic", name=gate)
    d.training = TrainingSettings(rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1, epochs=100, seed=seed)
    initialize(d, np.random.default_rng(seed), Init.UNIFORM)
    d.neurons[-1].bias = 0.0
    return d


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND", "NOR"])
@pytest.mark.parametrize("output", [Activation.STEP, Activation.SIGN])
def test_perceptron_converges_on_separable_gates(gate, output):
    s = Session(perceptron_design(gate, output))
    assert isinstance(s.trainer, PerceptronTrainer)
    summary = s.train()
    assert summary.status == CONVERGED
    assert "converged" in summary.message
    assert summary.train_accuracy == 1.0
    assert summary.epochs < 100
    expected = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0]}[gate]
    assert list(s.coding.decode(s.network.predict(XS))) == expected


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_perceptron_reports_xor_as_not_linearly_separable(seed):
    s = Session(perceptron_design("XOR", seed=seed))
    summary = s.train()
    assert summary.status == NOT_SEPARABLE
    assert "not linearly separable" in summary.message
    assert "\n" not in summary.message
    assert summary.epochs < 100
    assert summary.train_accuracy < 1.0


def test_perceptron_rule_by_hand():
    """w ← w + rate × (target − output) × x; b ← b + rate × (target − output)."""
    d = perceptron_design("AND")
    d.connections[0].weight, d.connections[1].weight = 0.3, 0.2
    d.neurons[-1].bias = -0.1
    s = Session(d)
    t = s.trainer
    net = s.network
    u = t.step_one()  # (0, 0) -> target 0; step(−0.1) = 0: no change
    assert u.sample == 0 and u.error[0] == 0.0
    np.testing.assert_array_equal(net.blocks[0].W, [[0.3], [0.2]])
    u = t.step_one()  # (0, 1) -> target 0; step(0.1) = 1: error −1
    assert u.output[0] == 1.0 and u.error[0] == -1.0
    np.testing.assert_allclose(net.blocks[0].W, [[0.3], [0.1]], rtol=1e-15)
    np.testing.assert_allclose(net.layers[-1].b, [-0.2], rtol=1e-15)
    u = t.step_one()  # (1, 0) -> target 0; step(0.1) = 1: error −1
    np.testing.assert_allclose(net.blocks[0].W, [[0.2], [0.1]], rtol=1e-15)
    np.testing.assert_allclose(net.layers[-1].b, [-0.3], rtol=1e-15)
    u = t.step_one()  # (1, 1) -> target 1; step(0) = 0 (not above 0): error +1
    assert u.output[0] == 0.0 and u.error[0] == 1.0
    np.testing.assert_allclose(net.blocks[0].W, [[0.3], [0.2]], rtol=1e-15)
    np.testing.assert_allclose(net.layers[-1].b, [-0.2], rtol=1e-15)


def test_perceptron_rule_keeps_frozen_weights():
    """x1's weight is frozen at 0.3: sample (1, 0) of AND fires wrongly at
    first, and only x2's weight and the bias may move to fix it."""
    d = perceptron_design("AND")
    d.connections[0].frozen = True
    d.connections[0].weight = 0.3
    d.connections[1].weight = 0.0
    s = Session(d)
    s.train()
    assert d.connections[0].weight == 0.3
    assert d.connections[1].weight != 0.0
    assert s.trainer.status == CONVERGED


@pytest.mark.parametrize("frozen", [False, True])
def test_perceptron_rule_keeps_missing_connections_missing(frozen):
    """Two step outputs (one-hot), x1 → second output not drawn; with
    ``frozen`` also x1 → first frozen (without, no connection is frozen:
    the missing one alone must stay at 0)."""
    d = layered([2, 2], output=Activation.STEP)
    del d.connections[1]  # x1 -> o2
    d.connections[0].frozen = frozen
    for c in d.connections:
        c.weight = 0.25
    d.dataset = DatasetSpec(source="logic", name="AND")
    d.training = TrainingSettings(rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1)
    s = Session(d)
    s.train(6)
    W = s.network.blocks[0].W
    assert W[0, 1] == 0.0 and (W[0, 0] == 0.25) == frozen
    assert s.trainer.step_count > 0 and (W[1] != 0.25).any()
    assert ([c.weight for c in d.connections][0] == 0.25) == frozen
    assert len(d.connections) == 3


def test_perceptron_rule_refuses_a_hidden_layer():
    d = layered([2, 2, 1], Activation.STEP, Activation.STEP)
    d.dataset = DatasetSpec(source="logic", name="AND")
    d.training = TrainingSettings(rule=LearningRule.PERCEPTRON)
    with pytest.raises(DesignError, match="hidden"):
        Session(d)


def test_perceptron_rule_refuses_smooth_outputs():
    d = layered([2, 1], output=Activation.SIGMOID)
    d.dataset = DatasetSpec(source="logic", name="AND")
    d.training = TrainingSettings(rule=LearningRule.PERCEPTRON)
    with pytest.raises(DesignError, match="step or sign"):
        Session(d)
