"""What `import nnsim` gives for the shapes a user passes: images of the
input layer's shape (a non-square one, with one channel or two), one step
or a batch of sequences, one sequence's gradients, a GAN's samples; and
the refusals word for word."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnsim
from nnsim import api
from nnsim.design.build import add_block, add_layer, initialize, link
from nnsim.design.model import Activation, Design, LayerKind


def image_design(channels: int, height: int = 3, width: int = 5) -> Design:
    """image (channels × 3 × 5) → flatten → 2 sigmoid outputs."""
    d = Design()
    img = add_block(d, "image", LayerKind.INPUT, channels=channels, height=height, width=width, name="image")
    flat = add_block(d, "flatten", name="flat")
    out = add_layer(d, LayerKind.OUTPUT, 2, Activation.SIGMOID)
    link(d, img.id, flat.id)
    link(d, flat.id, out.id)
    initialize(d, np.random.default_rng(0))
    return d


def test_an_image_is_taken_whole_as_a_batch_or_as_rows():
    design = image_design(1)
    images = np.random.default_rng(1).random((4, 1, 3, 5))
    rows = api.predict(design, images.reshape(4, 15))
    assert rows.shape == (4, 2)
    assert np.array_equal(api.predict(design, images), rows)
    assert np.array_equal(api.predict(design, images[:, 0]), rows)  # one channel: (height, width) will do
    assert np.array_equal(api.predict(design, images[2]), rows[2])
    assert np.array_equal(api.predict(design, images[2, 0]), rows[2])


def test_an_image_of_another_shape_is_refused_naming_both_shapes():
    design = image_design(2)
    with pytest.raises(ValueError) as refused:
        api.predict(design, np.zeros((3, 5)))  # two channels: (height, width) is not an image of it
    assert str(refused.value) == ("inputs: the image input takes 2 × 3 × 5 pixels (channels × height × width); "
                                  "an array of shape (3, 5) was given")
    assert api.predict(design, np.zeros((2, 3, 5))).shape == (2,)


def test_a_sequence_design_predicts_one_step_one_sequence_or_a_batch_without_warnings():
    design = nnsim.example("sine-rnn")
    seqs = np.random.default_rng(2).normal(size=(2, 3, 1))
    batch = api.predict(design, seqs)
    assert batch.shape == (2, 3, 1)
    assert np.allclose(api.predict(design, seqs[1]), batch[1], rtol=0, atol=1e-12)  # (a batch of one rounds alike)
    first = api.predict(design, seqs[1, 0])  # one step: (n_outputs,)
    assert first.shape == (1,) and np.allclose(first, batch[1, 0], rtol=0, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(api.predict(design, [[1e308], [-1e308], [1e308]])).all()


def test_one_sequence_s_gradients_are_those_of_a_batch_of_it():
    design = nnsim.example("sine-rnn")
    x, y = [[0.1], [0.2], [0.5]], [[0.3], [0.4], [0.1]]
    loss, grads = api.gradients(design, x, y)
    batch_loss, batch_grads = api.gradients(design, [x], [y])
    assert loss == batch_loss and grads.keys() == batch_grads.keys()
    assert all(np.array_equal(grads[k], batch_grads[k]) for k in grads)
    last, _ = api.gradients(design, x, [0.1])  # a target for the last step only
    assert last == api.gradients(design, [x], [[0.1]])[0]


def test_inspect_refuses_a_design_that_reads_sequences_word_for_word():
    with pytest.raises(ValueError) as refused:
        api.inspect(nnsim.example("sine-rnn"), [0.1])
    assert str(refused.value) == ("the design reads sequences (it has a loop or a recurrent layer); inspect takes "
                                  "one sample of a design without them")


def test_a_gan_makes_no_samples_when_asked_for_none_and_refuses_a_negative_count():
    design = nnsim.example("gan-line")
    assert api.generate(design, 0).shape == (0, 2)
    assert np.array_equal(api.generate(design, 5), api.generate(design, 5, seed=0))  # the same samples each call
    with pytest.raises(ValueError) as refused:
        api.generate(design, -1)
    assert str(refused.value) == "n must not be negative (-1 was given)"
