"""A GAN as its user meets it: a recurrent player refused, a weight thrown
to infinity named at the end of the epoch, training continued from a state
saved without a step count, and the divergence between the real and the
made points read as GAN Lab reads it."""

from __future__ import annotations

import numpy as np
from test_engine_adversarial import players_for, program_for

import nnsim
from nnsim.design.compile import compile_design
from nnsim.design.model import Optimizer
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR, GanSettings, Players, PlayerSettings
from nnsim.engine.divergence import kl_js


def test_a_recurrent_layer_in_either_player_is_refused():
    recurrent = compile_design(nnsim.example("temporal-order-rnn")).network
    plain = compile_design(nnsim.example("xor-mlp")).network
    assert not recurrent.recurrent  # a recurrent block, no drawn loop
    for g, d in ((recurrent, plain), (plain, recurrent)):
        assert Players(g, d, GanSettings()).problem() == "a GAN's networks cannot have loops or recurrent layers"


def test_a_weight_gone_infinite_by_an_epoch_s_end_is_named_and_the_good_weights_put_back():
    design, players = players_for()
    prog = program_for(players, design)
    assert prog.train_epochs(1) == 1
    good = players.generator.copy_params()
    players.generator.parameters.flat[0] = np.inf  # as a last step that overflowed would leave it
    prog._end_epoch(evaluate=True)
    assert prog.status == "diverged"
    assert "a weight became infinite or not a number" in prog.message
    assert np.array_equal(players.generator.copy_params(), good)


def test_a_state_saved_without_a_step_count_continues_with_its_memory():
    """Momentum keeps no step count; a saved state may leave it out."""
    momentum = PlayerSettings(Optimizer.MOMENTUM, 0.05, 1)
    design, players = players_for(discriminator=momentum, generator=momentum)
    prog = program_for(players, design)
    prog.train_steps(3)
    state = prog.state()
    state.pop("t")
    again = program_for(players, design)
    again.restore(state)
    for group in (GENERATOR, DISCRIMINATOR):
        assert np.array_equal(again.optimizer_of(group).v, prog.optimizer_of(group).v)


def test_the_same_points_diverge_by_nothing_and_points_far_apart_by_about_a_bit():
    rng = np.random.default_rng(0)
    real = rng.random((400, 2)) * 0.2
    kl, js = kl_js(real, real.copy())
    assert kl == 0.0 and js == 0.0
    _, js = kl_js(real, real + 0.7)  # no cell in common
    assert 0.95 < js < 1.0  # just under log₂ 2 = 1 bit, the most two sets can differ (ε takes a little)
