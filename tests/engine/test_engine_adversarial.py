"""The adversarial program: both players' gradients against finite
differences, the alternating schedule, the discriminator left unchanged by
the generator's step, and the losses' formulas."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import initialize
from nnsim.design.gan import compile_gan, gan_design
from nnsim.design.model import DatasetSpec, Init, Optimizer
from nnsim.engine.adversarial import (
    DISCRIMINATOR,
    GENERATOR,
    GanLoss,
    GanSettings,
    Noise,
    PlayerSettings,
    discriminator_loss,
    generator_loss,
    sample_noise,
)
from nnsim.engine.adversarial_program import AdversarialProgram, sample_gradients
from nnsim.engine.program import TrainingData
from nnsim.engine.targets import TargetCoding

H = 1e-6
TOL = 1e-6


def players_for(loss=GanLoss.LOG, real_label=1.0, seed=0, noise=2, data=2, g=(5, 4), d=(6, 3), **kw):
    settings = GanSettings(loss=loss, real_label=real_label, **kw)
    design = gan_design(noise, data, g, d, settings=settings)
    # Smooth activations: no ReLU kink for a finite difference to straddle.
    from nnsim.design.model import Activation

    for layer in design.layers:
        if layer.activation == Activation.RELU:
            layer.activation = Activation.TANH
    design.training.init = Init.XAVIER
    initialize(design, np.random.default_rng(seed))
    return design, compile_gan(design).players


def program_for(players, design, pool=None, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((300, players.data_dims)) if pool is None else pool
    none = np.empty((len(x), 0))
    data = TrainingData(x, none, x[:0], none[:0], None, None, TargetCoding("regression", 0))
    return AdversarialProgram(players, design.training, data, np.random.default_rng(seed + 1))


def numeric(params, f):
    flat = params.flat
    out = np.zeros_like(flat)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + H
        up = f()
        flat[i] = old - H
        down = f()
        flat[i] = old
        out[i] = (up - down) / (2 * H)
    return out


def rel_err(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-4, np.abs(a) + np.abs(b))))


@pytest.mark.parametrize("fast", [True, False], ids=["plan", "general"])
@pytest.mark.parametrize("loss", list(GanLoss))
@pytest.mark.parametrize("real_label", [1.0, 0.9])
def test_discriminator_gradients_match_finite_differences(loss, real_label, fast):
    design, players = players_for(loss, real_label)
    prog = program_for(players, design)
    if not fast:
        prog._plan = lambda net, n: None
    rng = np.random.default_rng(3)
    real = rng.random((7, 2))
    fake = players.generate(rng.random((5, 2)))
    value, grads = prog.discriminator_gradients(real, fake, players.discriminator.parameters.like())
    D = players.discriminator

    def f():
        z_r = D.forward(real).z[D.output_layers[0].index]
        z_f = D.forward(fake).z[D.output_layers[0].index]
        return discriminator_loss(loss, z_r, z_f, real_label)[0]

    assert value == pytest.approx(f())
    assert rel_err(grads.flat, numeric(D.parameters, f)) < TOL


@pytest.mark.parametrize("fast", [True, False], ids=["plan", "general"])
@pytest.mark.parametrize("loss", list(GanLoss))
def test_generator_gradients_match_finite_differences_through_the_discriminator(loss, fast):
    design, players = players_for(loss)
    prog = program_for(players, design)
    if not fast:
        prog._plan = lambda net, n: None
    noise = np.random.default_rng(4).random((6, 2))
    d_before = players.discriminator.copy_params()
    value, grads = prog.generator_gradients(noise, players.generator.parameters.like())
    D, G = players.discriminator, players.generator

    def f():
        return generator_loss(loss, D.forward(G.predict(noise)).z[D.output_layers[0].index])[0]

    assert value == pytest.approx(f())
    assert rel_err(grads.flat, numeric(G.parameters, f)) < TOL
    assert np.array_equal(D.copy_params(), d_before)


def test_loss_formulas_by_hand():
    z_r, z_f = np.array([[0.3], [-1.2]]), np.array([[2.0], [-0.5], [0.1]])
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    ar, af = sig(z_r), sig(z_f)
    loss, _, _ = discriminator_loss(GanLoss.LOG, z_r, z_f, 0.9)
    want = -np.mean(0.9 * np.log(ar) + 0.1 * np.log(1 - ar)) - np.mean(np.log(1 - af))
    assert loss == pytest.approx(want)
    loss, _, _ = discriminator_loss(GanLoss.LEAST_SQUARES, z_r, z_f)
    assert loss == pytest.approx(np.mean((ar - 1) ** 2) + np.mean(af**2))
    assert generator_loss(GanLoss.LOG, z_f)[0] == pytest.approx(-np.mean(np.log(af)))
    assert generator_loss(GanLoss.LEAST_SQUARES, z_f)[0] == pytest.approx(np.mean((af - 1) ** 2))


def test_saturated_discriminator_gives_finite_exact_losses():
    z = np.array([[800.0], [-800.0]])
    loss, d_r, d_f = discriminator_loss(GanLoss.LOG, z, z)
    assert np.isfinite(loss) and loss == pytest.approx(800.0 / 2 + 800.0 / 2)
    assert np.isfinite(d_r).all() and np.isfinite(d_f).all()


@pytest.mark.parametrize("k_d, k_g", [(1, 1), (3, 1), (2, 2)])
def test_each_round_makes_k_discriminator_updates_then_the_generators(k_d, k_g):
    design, players = players_for(discriminator=PlayerSettings(steps=k_d), generator=PlayerSettings(steps=k_g))
    prog = program_for(players, design)
    calls = []
    for name in ("step_discriminator", "step_generator"):
        real = getattr(prog, name)

        def spy(real=real, name=name):
            calls.append(name)
            return real()

        setattr(prog, name, spy)
    assert prog.train_steps(3) == 3
    one = ["step_discriminator"] * k_d + ["step_generator"] * k_g
    assert calls == one * 3
    assert prog.updates == {DISCRIMINATOR: 3 * k_d, GENERATOR: 3 * k_g}
    assert prog.step_count == 3


def test_each_player_has_its_own_optimizer_and_learning_rate():
    design, players = players_for(discriminator=PlayerSettings(Optimizer.ADAM, 0.01, 1),
                                  generator=PlayerSettings(Optimizer.SGD, 0.5, 1))
    prog = program_for(players, design)
    g_opt, d_opt = prog.optimizers
    assert g_opt.kind == Optimizer.SGD and d_opt.kind == Optimizer.ADAM
    assert g_opt.settings.learning_rate == 0.5 and d_opt.settings.learning_rate == 0.01
    design.gan.generator.learning_rate = 0.25  # read live
    assert g_opt.settings.learning_rate == 0.25
    design.gan.generator.optimizer = Optimizer.MOMENTUM
    prog.apply_settings()
    assert prog.optimizers[0].kind == Optimizer.MOMENTUM


def test_generator_step_moves_only_the_generator_and_discriminator_step_only_the_discriminator():
    design, players = players_for()
    prog = program_for(players, design)
    g0, d0 = players.generator.copy_params(), players.discriminator.copy_params()
    prog.step_generator()
    assert np.array_equal(players.discriminator.copy_params(), d0)
    assert not np.array_equal(players.generator.copy_params(), g0)
    g1 = players.generator.copy_params()
    prog.step_discriminator()
    assert np.array_equal(players.generator.copy_params(), g1)
    assert not np.array_equal(players.discriminator.copy_params(), d0)


def test_frozen_connections_keep_their_weights_in_either_player():
    design, players = players_for()
    for c in design.connections[:3] + design.connections[-3:]:
        c.frozen = True
    players = compile_gan(design).players
    prog = program_for(players, design)
    before = {n: players.network(g).parameters.as_dict() for g in (GENERATOR, DISCRIMINATOR) for n in [g]}
    assert prog.train_steps(5) == 5 and prog.status == "ready"  # trained, not stopped and restored
    from nnsim.design.gan import compile_gan as again

    for group, comp in ((GENERATOR, None), (DISCRIMINATOR, None)):
        net = players.network(group)
        mask = net.train_mask
        assert mask is not None and (mask == 0).any()
        frozen = mask == 0
        b = np.concatenate([v.ravel() for v in before[group].values()])
        assert np.array_equal(net.parameters.flat[frozen], b[frozen])
        assert (net.parameters.flat[~frozen] != b[~frozen]).any()  # the rest learned
    assert again  # compiled from the same design


@pytest.mark.parametrize("kind", list(Noise))
@pytest.mark.parametrize("dims", [1, 2])
def test_noise_lies_in_the_unit_interval(kind, dims):
    z = sample_noise(kind, 5000, dims, np.random.default_rng(0))
    assert z.shape == (5000, dims)
    assert z.min() >= 0.0 and z.max() <= 1.0
    if kind == Noise.GAUSSIAN:
        assert abs(z.mean() - 0.5) < 0.02 and 0.18 < z.std() < 0.24  # truncation narrows 0.25
    else:
        assert abs(z.mean() - 0.5) < 0.02 and abs(z.std() - np.sqrt(1 / 12)) < 0.01


def test_one_dimensional_noise_trains():
    design, players = players_for(noise=1)
    prog = program_for(players, design)
    assert prog.train_steps(4) == 4 and prog.status == "ready"


def test_sample_gradients_are_minus_the_per_sample_gradient_of_the_generators_loss():
    design, players = players_for()
    x = np.random.default_rng(5).random((4, 2))
    arrows = sample_gradients(players, x)
    D = players.discriminator
    for i in range(len(x)):
        num = np.zeros(2)
        for j in range(2):
            up, down = x[i : i + 1].copy(), x[i : i + 1].copy()
            up[0, j] += H
            down[0, j] -= H
            f = lambda p: generator_loss(GanLoss.LOG, D.forward(p).z[D.output_layers[0].index])[0]  # noqa: E731
            num[j] = (f(up) - f(down)) / (2 * H)
        assert np.allclose(arrows[i], -num, atol=1e-7)


def test_same_seed_gives_the_same_run():
    runs = []
    for _ in range(2):
        design, players = players_for()
        prog = program_for(players, design)
        prog.train_epochs(2)
        runs.append((players.copy_params(), [h.losses for h in prog.history]))
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][1] == runs[1][1]


def test_history_has_both_losses_and_divergences_for_points():
    design, players = players_for()
    prog = program_for(players, design)
    prog.train_epochs(1)
    rec = prog.history[-1]
    assert set(rec.losses) == {DISCRIMINATOR, GENERATOR, "kl_divergence", "js_divergence"}
    assert rec.train_loss == rec.losses[DISCRIMINATOR]


def test_both_players_numbers_are_one_store_of_named_arrays():
    design, players = players_for()
    G, D = players.generator, players.discriminator
    assert list(players.parameters) == list(G.parameters) + list(D.parameters)
    name = next(iter(D.parameters))
    players.parameters[name][...] = 0.5  # written through the pair's store...
    assert (D.parameters[name] == 0.5).all()  # ...the discriminator computes with it
    before = players.copy_params()
    players.set_params(np.zeros_like(before))
    assert not G.parameters.flat.any() and not D.parameters.flat.any()
    players.set_params(before)
    assert np.array_equal(np.concatenate([G.parameters.flat, D.parameters.flat]), before)


def test_a_player_with_zero_steps_sits_out_its_rounds():
    design, players = players_for(generator=PlayerSettings(steps=0), discriminator=PlayerSettings(steps=2))
    prog = program_for(players, design)
    g0 = players.generator.copy_params()
    prog.train_steps(3)
    assert np.array_equal(players.generator.copy_params(), g0) and prog.updates[DISCRIMINATOR] == 6


def test_stepping_one_player_alone_counts_each_update_as_a_step_and_moves_only_that_player():
    """The window's "step the discriminator" / "step the generator"."""
    design, players = players_for()
    prog = program_for(players, design)
    g0, d0 = players.generator.copy_params(), players.discriminator.copy_params()
    assert prog.train_player(DISCRIMINATOR, 3) == 3 and prog.step_count == 3
    assert np.array_equal(players.generator.copy_params(), g0)
    assert not np.array_equal(players.discriminator.copy_params(), d0)
    d1 = players.discriminator.copy_params()
    assert prog.train_player(GENERATOR, 2) == 2 and prog.step_count == 5
    assert np.array_equal(players.discriminator.copy_params(), d1)
    assert not np.array_equal(players.generator.copy_params(), g0)
    assert prog.last_loss == prog.last_losses[DISCRIMINATOR]
