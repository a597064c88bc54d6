"""The GAN examples learn their distributions.

The criterion for ``gan-ring`` (README, "GANs"): trained for its default
budget (25 epochs of 80 rounds, 2,000 rounds) with each of the training seeds
1, 2 and 3, the JS divergence by grid (450 real against 450 generated
points, 30×30 cells; ``nnsim.engine.divergence``) falls below 0.5 within the
budget in every seed, and its mean over the last 10 epochs is below 0.5 in
at least 2 of the 3. Two samples of the ring itself reach about 0.17 on that
grid (the floor); the untrained generator starts near 0.8. GAN training
oscillates, so the criterion is stated over seeds and epochs, not at one
epoch of one seed.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.data.distributions import sample
from nnsim.engine.divergence import divergence_floor, kl_js

JS_TARGET = 0.5


def js_series(name: str, seed: int) -> list[float]:
    d = nnsim.example(name)
    nnsim.train(d, seed=seed)
    return [h.losses["js_divergence"] for h in d.history]


def test_gan_ring_reaches_js_below_half_in_at_least_two_of_three_seeds():
    runs = {seed: js_series("gan-ring", seed) for seed in (1, 2, 3)}
    assert all(len(js) == nnsim.example("gan-ring").training.epochs for js in runs.values())
    assert all(js[0] > 0.6 for js in runs.values())  # it starts far from the ring
    assert all(min(js) < JS_TARGET for js in runs.values()), runs
    settled = [seed for seed, js in runs.items() if np.mean(js[-10:]) < JS_TARGET]
    assert len(settled) >= 2, runs


def test_the_ring_floor_is_what_two_real_samples_reach():
    floor_kl, floor_js = divergence_floor(lambda n, r: sample("ring", n, r), 450, 450, np.random.default_rng(0), 10)
    assert 0.12 < floor_js < 0.22 and 0.7 < floor_kl < 1.2
    far = kl_js(sample("ring", 450, np.random.default_rng(1)), np.full((450, 2), 0.5))
    assert far[1] > 0.9


@pytest.mark.parametrize("name", ["gan-line", "gan-gaussians"])
def test_other_gan_examples_move_toward_their_data(name):
    js = js_series(name, 1)
    assert min(js) < js[0] - 0.15, js


def test_gan_digits_makes_varied_digit_like_images():
    d = nnsim.example("gan-digits")
    real = nnsim.load_dataset(d.dataset).x_train

    def nearest(x):  # mean distance of each image to its nearest real digit
        return float(np.sqrt(((x[:, None, :] - real[None]) ** 2).sum(-1)).min(1).mean())

    before = nearest(nnsim.generate(d, 32, seed=0))
    nnsim.train(d, seed=1)
    x = nnsim.generate(d, 32, seed=0)
    assert x.shape == (32, 64) and x.min() >= 0 and x.max() <= 1
    assert nearest(x) < 0.75 * before  # closer to real digits than the untrained generator's
    assert x.std(axis=0).mean() > 0.1  # varied images: not one image for every noise (real digits: 0.23)
