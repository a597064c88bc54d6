"""Each shipped example does what its description says."""

import importlib.util

import pytest

import nnsim
from nnsim.io import dumps
from nnsim.resources import example_path, examples_dir


def _generator():
    spec = importlib.util.spec_from_file_location("make_examples", examples_dir() / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_file_matches_its_generator():
    gen = _generator()
    files = sorted(p.stem for p in examples_dir().glob("*.nnsim"))
    assert files == sorted(gen.EXAMPLES)
    for name, build in gen.EXAMPLES.items():
        assert example_path(name).read_text(encoding="utf-8") == dumps(build()), f"{name}: rerun make_examples.py"


def test_every_example_has_a_name_and_description():
    for path in examples_dir().glob("*.nnsim"):
        d = nnsim.load(path)
        assert d.name and d.description and d.name != "Untitled"


def test_article_neuron_fires_on_the_articles_inputs():
    d = nnsim.example("article-neuron")
    trace = nnsim.inspect(d, [0.5, 0.6])
    out = trace.neurons[-1]
    assert out.z == pytest.approx(0.67)
    assert out.a == 1.0
    assert nnsim.arithmetic(out) == "0.5×0.5 + 0.6×0.7 + 0 = 0.67; step at 0.5 gives 1"


def test_perceptron_learns_and():
    s = nnsim.train(nnsim.example("perceptron-and"))
    assert s.status == "converged" and s.train_accuracy == 1.0


def test_perceptron_fails_on_xor():
    s = nnsim.train(nnsim.example("perceptron-xor"))
    assert s.status == "not_separable"
    assert s.train_accuracy < 1.0


def test_mlp_solves_xor():
    d = nnsim.example("xor-mlp")
    s = nnsim.train(d)
    assert s.train_accuracy == 1.0 and s.train_loss < 0.05
    outputs = nnsim.predict(d, [[0, 0], [0, 1], [1, 0], [1, 1]]).ravel()
    assert list(outputs > 0.5) == [False, True, True, False]


def test_circle_classifier_learns():
    s = nnsim.train(nnsim.example("circle"))
    assert s.test_accuracy >= 0.95


def test_spiral_needs_and_gets_depth():
    s = nnsim.train(nnsim.example("spiral-deep"), epochs=300)
    assert s.train_accuracy >= 0.95 and s.test_accuracy >= 0.9


def test_iris_classifier_learns():
    s = nnsim.train(nnsim.example("iris"))
    assert s.test_accuracy >= 0.9


def test_digits_cnn_reads_digits():
    s = nnsim.train(nnsim.example("digits-cnn"))
    assert s.test_accuracy >= 0.95


def test_shapes_cnn_names_shapes():
    s = nnsim.train(nnsim.example("shapes-cnn"))
    assert s.test_accuracy >= 0.9


def test_edge_kernels_are_hand_set_and_stay_frozen():
    design = nnsim.example("edge-kernels")
    conv = next(layer for layer in design.layers if layer.type == "conv")
    kernels = conv.arrays["kernel"].values.copy()
    assert kernels[0, 0].tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # Sobel: a vertical edge
    s = nnsim.train(design)
    assert (conv.arrays["kernel"].values == kernels).all()
    assert s.test_accuracy >= 0.9


def test_an_image_network_predicts_from_images_of_its_input_shape():
    import numpy as np

    design = nnsim.example("digits-cnn")
    rows = np.random.default_rng(0).random((3, 64))
    want = nnsim.predict(design, rows)
    assert np.array_equal(nnsim.predict(design, rows.reshape(3, 1, 8, 8)), want)
    assert np.array_equal(nnsim.predict(design, rows.reshape(3, 8, 8)), want)
    one = nnsim.predict(design, rows[0])
    assert np.array_equal(nnsim.predict(design, rows[0].reshape(8, 8)), one)
    assert np.array_equal(nnsim.predict(design, rows[0].reshape(1, 8, 8)), one)
    assert np.allclose(one, want[0])
    with pytest.raises(ValueError, match="8 × 8"):
        nnsim.predict(design, np.zeros((7, 7)))
