"""A GAN as the window drives it: one player stepped alone until its loss
goes bad (the message word for word, the weights put back, the memory
cleared), the arrows drawn on the made points against finite differences
for both losses, a changed optimizer, and where training stands saved and
continued mid-epoch."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine_adversarial import players_for, program_for

from nnsim.design.model import Optimizer
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR, GanLoss, PlayerSettings, generator_loss
from nnsim.engine.adversarial_program import AdversarialProgram, sample_gradients

H = 1e-6


@pytest.mark.parametrize("group, word", [(DISCRIMINATOR, "discriminator"), (GENERATOR, "generator")])
def test_a_player_stepped_alone_until_its_loss_is_not_a_number(group, word):
    adam = PlayerSettings(Optimizer.ADAM, 0.02, 1)
    design, players = players_for(discriminator=adam, generator=adam)
    design.training.learning_rate = 0.125
    prog = program_for(players, design)
    assert prog.train_player(group, 2) == 2 and prog.step_count == 2
    good = players.copy_params()
    prog.params_edited()  # the weights now are the ones to come back to
    players.network(group).parameters.flat[0] = np.nan
    assert prog.train_player(group, 3) == 0
    assert prog.step_count == 2 and prog.status == "diverged"
    assert prog.message == (f"training diverged at step 3 (epoch 1): the {word}'s loss became nan; the weights were "
                            "restored to those after epoch 0. Try a smaller learning rate than 0.125.")
    assert np.array_equal(players.copy_params(), good)
    for opt in prog.optimizers:  # both players' memory starts afresh
        assert opt.t == 0 and not opt.m.any() and not opt.v.any()
    assert prog.train_player(group, 1) == 0  # stopped until resumed
    prog.resume()
    assert prog.train_player(group, 1) == 1 and prog.step_count == 3


@pytest.mark.parametrize("loss", [GanLoss.LOG, GanLoss.LEAST_SQUARES])
@pytest.mark.parametrize("n", [1, 3])
def test_the_arrows_on_made_points_for_either_loss(loss, n):
    design, players = players_for(loss=loss, data=3, seed=2)
    D = players.discriminator
    x = np.random.default_rng(6).random((n, 3))
    arrows = sample_gradients(players, x)
    assert arrows.shape == (n, 3)

    def own_loss(p):  # one point's generator loss, alone
        return generator_loss(loss, D.forward(p).z[D.output_layers[0].index])[0]

    for i in range(n):
        for j in range(3):
            up, down = x[i : i + 1].copy(), x[i : i + 1].copy()
            up[0, j] += H
            down[0, j] -= H
            assert arrows[i, j] == pytest.approx(-(own_loss(up) - own_loss(down)) / (2 * H), rel=1e-5, abs=1e-9)


def test_a_changed_optimizer_replaces_only_that_players():
    design, players = players_for(discriminator=PlayerSettings(Optimizer.MOMENTUM, 0.05, 1),
                                  generator=PlayerSettings(Optimizer.SGD, 0.1, 1))
    prog = program_for(players, design)
    g_before, d_before = prog.optimizer_of(GENERATOR), prog.optimizer_of(DISCRIMINATOR)
    prog.apply_settings()  # nothing changed: the same optimizers, memory and all
    assert prog.optimizer_of(GENERATOR) is g_before and prog.optimizer_of(DISCRIMINATOR) is d_before
    design.gan.discriminator.optimizer = Optimizer.ADAGRAD
    prog.apply_settings()
    assert prog.optimizer_of(GENERATOR) is g_before
    d_now = prog.optimizer_of(DISCRIMINATOR)
    assert d_now.kind == Optimizer.ADAGRAD and d_now.settings.learning_rate == 0.05
    assert prog.optimizers == [g_before, d_now]


def test_the_state_holds_both_players_memory_or_nothing():
    adam = PlayerSettings(Optimizer.ADAM, 0.01, 1)
    design, players = players_for(discriminator=adam, generator=adam)
    design.training.batch_size = 50
    prog = program_for(players, design)
    assert prog.steps_per_epoch == 6
    prog.train_steps(2)
    s = prog.state()
    n_g = players.generator.layout.size
    n = n_g + players.discriminator.layout.size
    assert {k: s[k] for k in ("epoch", "step", "position", "optimizer", "t")} == {
        "epoch": 0, "step": 2, "position": 2, "optimizer": "adam", "t": 2}
    assert set(s["arrays"]) == {"m", "v"}
    assert s["arrays"]["m"].shape == (n,)
    assert np.array_equal(s["arrays"]["m"][:n_g], prog.optimizer_of(GENERATOR).m)
    assert np.array_equal(s["arrays"]["v"][n_g:], prog.optimizer_of(DISCRIMINATOR).v)
    prog.train_player(DISCRIMINATOR, 1)  # Adam's step counts differ now
    assert prog.state() is None
    design2, players2 = players_for(discriminator=adam, generator=PlayerSettings(Optimizer.SGD, 0.1, 1))
    assert program_for(players2, design2).state() is None


@pytest.mark.parametrize("k_d, k_g", [(2, 1), (1, 3)])
def test_continued_mid_epoch_from_a_state_ends_as_one_run(k_d, k_g):
    settings = dict(discriminator=PlayerSettings(Optimizer.MOMENTUM, 0.05, k_d),
                    generator=PlayerSettings(Optimizer.MOMENTUM, 0.1, k_g))
    pool = np.random.default_rng(9).random((70, 2))

    def program(players, design):
        design.training.batch_size = 16  # 70 real samples: 5 rounds an epoch, the pool reshuffled within one
        return program_for(players, design, pool=pool)

    design, players = players_for(**settings)
    one = program(players, design)
    assert one.steps_per_epoch == 5
    one.train_steps(8)
    expected = players.copy_params()
    design, players = players_for(**settings)
    first = program(players, design)
    first.train_steps(7)  # into the second epoch
    state = first.state()
    assert state["epoch"] == 1 and state["step"] == 7 and state["position"] == 2
    design2, players2 = players_for(**settings)
    players2.set_params(players.copy_params())
    again = program(players2, design2)
    again.restore(state)
    assert again.epoch == 1 and again.step_count == 7 and again.steps_left_in_epoch() == 3
    assert again.train_steps(1) == 1
    np.testing.assert_array_equal(players2.copy_params(), expected)


def test_only_two_players_train_adversarially():
    from nnsim.design.compile import compile_design
    import nnsim

    net = compile_design(nnsim.example("xor-mlp")).network
    assert AdversarialProgram.problem(net) == "adversarial training needs two networks, a generator and a discriminator"
    _, players = players_for()
    assert AdversarialProgram.problem(players) is None


def test_one_step_by_default_and_a_round_that_goes_bad_counts_none():
    design, players = players_for()
    design.training.learning_rate = 0.5
    prog = program_for(players, design)
    assert prog.train_player(GENERATOR) == 1 and prog.step_count == 1
    assert prog.train_steps(2) == 2 and prog.step_count == 3
    prog.params_edited()
    players.discriminator.parameters.flat[0] = np.nan
    assert prog.train_steps(3) == 0 and prog.step_count == 3
    assert prog.steps_per_epoch == 2 and prog.epoch == 1  # the fourth round is the second epoch's second
    assert prog.message == ("training diverged at step 4 (epoch 2): the discriminator's loss became nan; the weights "
                            "were restored to those after epoch 1. Try a smaller learning rate than 0.5.")


def test_a_changed_generator_optimizer_holds_the_generators_numbers():
    design, players = players_for(generator=PlayerSettings(Optimizer.SGD, 0.1, 1))
    prog = program_for(players, design)
    design.gan.generator.optimizer = Optimizer.ADAGRAD
    prog.apply_settings()
    assert prog.optimizer_of(GENERATOR).g2.shape == (players.generator.layout.size,)
    assert players.generator.layout.size != players.discriminator.layout.size


def test_continued_from_the_first_round_of_an_epoch_and_from_a_state_without_a_position():
    settings = dict(discriminator=PlayerSettings(Optimizer.MOMENTUM, 0.05, 1),
                    generator=PlayerSettings(Optimizer.MOMENTUM, 0.1, 1))
    pool = np.random.default_rng(9).random((70, 2))
    runs = []
    for stop, drop in ((1, False), (5, True)):  # one round in; an epoch's end, where the position is 0
        design, players = players_for(**settings)
        design.training.batch_size = 16
        one = program_for(players, design, pool=pool)
        one.train_steps(stop + 2)
        expected = players.copy_params()
        design, players = players_for(**settings)
        design.training.batch_size = 16
        first = program_for(players, design, pool=pool)
        first.train_steps(stop)
        state = first.state()
        assert state["position"] == (stop % 5)
        if drop:
            del state["position"]
        design2, players2 = players_for(**settings)
        design2.training.batch_size = 16
        players2.set_params(players.copy_params())
        again = program_for(players2, design2, pool=pool)
        again.restore(state)
        again.train_steps(2)
        runs.append(np.array_equal(players2.copy_params(), expected))
    assert runs == [True, True]


def test_a_gan_s_steps_record_the_epoch_they_finish_unless_told_not_to():
    # as every training program: train_steps(n) evaluates at an epoch's end by default
    for evaluate, records in ((None, 1), (True, 1), (False, 0)):
        design, players = players_for()
        program = program_for(players, design)
        n = program.steps_left_in_epoch()
        done = program.train_steps(n) if evaluate is None else program.train_steps(n, evaluate)
        assert (done, program.epoch, len(program.history)) == (n, 1, records)


@pytest.mark.parametrize("noise", ["uniform", "gaussian"])
def test_noise_is_drawn_at_the_precision_asked_for(noise):
    from nnsim.engine.adversarial import Noise, sample_noise

    for dtype in (np.float32, np.float64):
        z = sample_noise(Noise(noise), 4, 3, np.random.default_rng(0), dtype)
        assert z.dtype == dtype and z.shape == (4, 3)
        assert np.all((z >= 0) & (z <= 1))
