"""The Python API on sequence designs: predict takes one sequence (time,
features), gradients cover recurrent weights for one sequence, text is
sampled from a character model at a temperature, and the gradient through
time shows the plain RNN's gradient fading where the LSTM's reaches back."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.data import load_dataset
from nnsim.design.compile import compile_design


def test_predict_takes_one_sequence_and_gives_the_outputs_at_every_step():
    d = nnsim.example("temporal-order-lstm")
    x = load_dataset(d.dataset).x_test[:3]
    batch = nnsim.predict(d, x)
    assert batch.shape == (3, 50, 4)
    one = nnsim.predict(d, x[1])
    assert one.shape == (50, 4)
    np.testing.assert_allclose(one, batch[1], rtol=1e-12)
    np.testing.assert_allclose(nnsim.predict(d, x[1, 0]), batch[1, 0], rtol=1e-12)  # one step
    with pytest.raises(ValueError, match=r"\(time, 8\).*shape \(50, 3\)"):
        nnsim.predict(d, x[1, :, :3])


def test_gradients_of_one_sequence_cover_the_loops_weights():
    d = nnsim.example("temporal-xor-rnn")
    rng = np.random.default_rng(0)
    bits = rng.integers(0, 2, 12).astype(float)
    y = np.r_[np.nan, np.logical_xor(bits[1:], bits[:-1])][:, None]
    loss, grads = nnsim.gradients(d, bits[:, None], y)
    loss3, grads3 = nnsim.gradients(d, bits[None, :, None], y[None])
    assert loss == loss3
    loop = next(name for name in grads if "@1/" in name)
    assert np.abs(grads[loop]).max() > 0
    for name in grads:
        np.testing.assert_array_equal(grads[name], grads3[name])
    net = compile_design(d).network
    base = net.parameters[loop].copy()
    for idx in [(0, 0), (2, 5)]:
        g = 0.0
        for sign in (1, -1):
            net.parameters[loop][idx] = base[idx] + sign * 1e-6
            g += sign * net.loss_of(net.forward(bits[None, :, None]), y[None]) / 2e-6
        net.parameters[loop][idx] = base[idx]
        assert grads[loop][idx] == pytest.approx(g, rel=1e-5, abs=1e-9)


def test_text_is_sampled_from_a_character_model_at_a_temperature():
    d = nnsim.example("char-rnn")
    vocab = load_dataset(d.dataset).target_names
    a = nnsim.sample_text(d, 40, temperature=1.0, prime="Alice", seed=3)
    assert len(a) == 40 and set(a) <= set(vocab)
    assert nnsim.sample_text(d, 40, temperature=1.0, prime="Alice", seed=3) == a
    assert nnsim.sample_text(d, 40, temperature=1.0, prime="Alice", seed=4) != a
    # Temperature 0 follows the most likely character every time, whatever the seed.
    greedy = nnsim.sample_text(d, 20, temperature=0.0, prime="Alice", seed=0)
    assert nnsim.sample_text(d, 20, temperature=0.0, prime="Alice", seed=9) == greedy
    from nnsim.recurrent import TextSampler

    sampler = TextSampler(compile_design(d).network, vocab)
    probs = sampler._feed(vocab.index("A"))
    for c in "lice":
        probs = sampler._feed(vocab.index(c))
    assert greedy[0] == vocab[int(np.argmax(probs))]
    with pytest.raises(nnsim.DataError, match="does not know"):
        nnsim.sample_text(d, 5, prime="Alice ©")


def test_training_makes_the_samples_more_like_the_text():
    d = nnsim.example("char-rnn")
    text = load_dataset(d.dataset)
    before = nnsim.sample_text(d, 300, temperature=0.5, prime="The ", seed=1)
    nnsim.train(d, epochs=1)
    after = nnsim.sample_text(d, 300, temperature=0.5, prime="The ", seed=1)
    vocab = text.target_names
    letters_or_space = set("abcdefghijklmnopqrstuvwxyz ")
    share = [sum(c in letters_or_space for c in s) / len(s) for s in (before, after)]
    assert share[1] > 0.8 > share[0]  # from any of 59 characters to mostly lower-case words
    assert len(vocab) == 59


def test_the_gradient_through_time_fades_in_the_plain_rnn_and_reaches_back_in_the_lstm():
    shares = {}
    for kind in ("lstm", "rnn"):
        d = nnsim.example(f"temporal-order-{kind}")
        ds = load_dataset(d.dataset)
        through = [nnsim.gradient_through_time(d, ds.x_test[k], ds.y_test[k]) for k in range(5)]
        (layer,) = through[0].shares
        assert d.layer(layer).type == kind
        s = np.mean([t.shares[layer] for t in through], axis=0)
        assert through[0].loss_step == 49 and s.shape == (50,) and s[0] == 1.0
        shares[kind] = s
    assert shares["rnn"][25] < 1e-4 < shares["lstm"][25]
    assert shares["lstm"][25] > 100 * shares["rnn"][25]
    # A loop drawn with neurons: the hidden layer's share, loss at the last step with a target.
    d = nnsim.example("temporal-xor-rnn")
    bits = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0.0])[:, None]
    y = np.full((10, 1), np.nan)
    y[:8] = 1.0
    t = nnsim.gradient_through_time(d, bits, y)
    (hidden,) = t.shares
    assert t.loss_step == 7 and t.shares[hidden].shape == (8,) and np.all(np.diff(t.shares[hidden]) < 0)


def test_text_sampled_with_the_defaults_is_200_characters_at_temperature_1_from_seed_0():
    d = nnsim.example("char-rnn")
    text = nnsim.sample_text(d)
    assert text == nnsim.sample_text(d, 200, temperature=1.0, prime="", seed=0)
