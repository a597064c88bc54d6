"""What a training session shows its user: the messages when the data does
not fit the design, the summary of a run (as ``nnsim train --json`` prints
it), the seed it trains with, and the optimizer's memory it continues from."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.data import Dataset, load_dataset
from nnsim.design.build import layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, DatasetSpec, Optimizer
from nnsim.design.validate import DesignError
from nnsim.session import Session, coding_for, restorable


def refusal(design, dataset) -> str:
    with pytest.raises(DesignError) as info:
        coding_for(dataset, compile_design(design).network, design)
    return str(info.value)


def regression(n_features: int, n_targets: int) -> Dataset:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, n_features)), rng.normal(size=(8, n_targets))
    return Dataset("waves", "regression", x[:6], y[:6], x[6:], y[6:])


def test_the_whole_message_when_the_data_does_not_fit():
    logic = load_dataset(DatasetSpec(source="logic", name="AND"))
    assert refusal(layered([3, 2, 1]), logic) == (
        "the data set 'AND' has 2 input feature(s) but the design has 3 input neuron(s)")
    assert refusal(layered([2, 3, 3]), logic) == (
        "the data set 'AND' has 2 classes, so the design needs 1 or 2 output neurons (it has 3)")
    iris = load_dataset(DatasetSpec(source="iris", seed=1))
    assert refusal(layered([4, 3, 2], output=Activation.SOFTMAX), iris) == (
        "the data set 'Iris' has 3 classes, so the design needs 3 output neurons, one per class (it has 2)")
    assert refusal(layered([2, 3, 2]), regression(2, 1)) == (
        "the data set 'waves' has 1 target(s) but the design has 2 output neuron(s)")
    assert refusal(layered([2, 3, 1], output=Activation.SOFTMAX), logic) == (
        "a softmax layer of one neuron always outputs 1: use a sigmoid output, or one softmax neuron per class")


def test_regression_with_as_many_outputs_as_targets_fits():
    d = layered([2, 3, 2], output=Activation.SIGMOID)
    coding = coding_for(regression(2, 2), compile_design(d).network, d)
    assert (coding.task, coding.n_outputs, coding.low, coding.high) == ("regression", 2, 0.0, 1.0)


def test_the_summary_of_each_run_counts_its_own_epochs():
    d = nnsim.example("xor-mlp")
    s = Session(d, seed=3)
    per_epoch = s.trainer.steps_per_epoch
    first = s.train(4)
    second = s.train(2)
    assert (first.epochs, first.steps) == (4, 4 * per_epoch)
    assert (second.epochs, second.steps) == (2, 6 * per_epoch)
    assert second.status == "completed" and second.message == s.trainer.message
    rec = s.trainer.evaluate()
    assert (second.train_loss, second.test_loss) == (rec.train_loss, rec.test_loss)
    assert (second.train_accuracy, second.test_accuracy) == (rec.train_accuracy, rec.test_accuracy)
    assert second.seconds >= 0
    out = second.as_dict()
    assert sorted(out) == sorted(["epochs", "steps", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                                  "seconds", "status", "message"])
    assert out["epochs"] == 2 and out["status"] == "completed"
    assert [h.epoch for h in d.history] == [1, 2, 3, 4, 5, 6]


def test_without_epochs_a_run_trains_the_design_budget():
    d = nnsim.example("xor-mlp")
    d.training.epochs = 3
    assert Session(d).train().epochs == 3 and len(d.history) == 3


def test_the_seed_given_wins_over_the_design_seed():
    d = nnsim.example("spiral-deep")
    assert Session(d).seed == d.training.seed
    assert Session(d, seed=d.training.seed + 5).seed == d.training.seed + 5
    a, b = Session(nnsim.example("spiral-deep"), seed=1), Session(nnsim.example("spiral-deep"), seed=2)
    a.trainer.train_steps(3)
    b.trainer.train_steps(3)
    assert not np.array_equal(a.network.parameters.flat, b.network.parameters.flat)


def test_the_saved_memory_is_what_the_trainer_had():
    d = nnsim.example("iris")
    d.training.optimizer = Optimizer.ADAM
    s = Session(d, seed=0)
    s.trainer.train_steps(s.trainer.steps_per_epoch + 2)
    s.write_back()
    state = s.trainer.state()
    again = restorable(d, compile_design(d).network)
    assert {k: again[k] for k in ("epoch", "step", "position", "optimizer", "t")} == {
        k: state[k] for k in ("epoch", "step", "position", "optimizer", "t")}
    assert again["optimizer"] == "adam" and again["t"] > 0 and again["position"] > 0
    assert sorted(again["arrays"]) == sorted(state["arrays"])
    for moment, flat in state["arrays"].items():
        assert np.array_equal(again["arrays"][moment], flat)
    shown = d.training_state
    layout = s.network.layout
    for moment, flat in state["arrays"].items():
        for name in layout.names:
            assert shown.arrays[moment][name].values.shape == layout.shapes[name]
            assert np.array_equal(shown.arrays[moment][name].values.ravel(), flat[layout.slices[name]])


def test_memory_of_another_structure_is_not_taken():
    d = nnsim.example("iris")
    d.training.optimizer = Optimizer.ADAM
    nnsim.train(d, epochs=1, seed=0)
    wider = layered([4, 6, 3], output=Activation.SOFTMAX)
    assert restorable(d, compile_design(wider).network) is None
    assert restorable(d, compile_design(d).network) is not None


def test_the_inspector_previews_the_optimizer_step():
    d = nnsim.example("xor-mlp")
    s = Session(d)
    seen = s.inspect([1.0, 0.0], target=[1.0])
    assert seen.change_W is not None and seen.loss is not None
    assert s.inspect([1.0, 0.0]).loss is None


def test_the_inspector_of_the_perceptron_rule_has_no_optimizer_to_preview():
    s = Session(nnsim.example("perceptron-and"))
    assert not s.trainer.optimizers
    seen = s.inspect([1.0, 1.0], target=[1.0])
    assert seen.output.shape == (1,) and seen.change_W is None


def gan(data_dims: int):
    from nnsim.design.build import initialize
    from nnsim.design.gan import gan_design

    d = gan_design(2, data_dims, (4,), (5,), dataset=DatasetSpec(source="distribution", name="ring", points=600))
    initialize(d, np.random.default_rng(0))
    return d


def test_a_gan_whose_generator_does_not_make_the_data_shape_is_refused():
    with pytest.raises(DesignError) as e:
        Session(gan(3))
    assert str(e.value) == "the data set 'Ring' has 2 number(s) per sample but the generator makes 3: they must match"


def test_a_gan_trains_on_every_real_sample_and_reports_no_test_numbers():
    d = gan(2)
    s = Session(d)
    assert np.array_equal(s.data.x_train, s.dataset.x_train) and s.data.x_train.dtype == np.float64
    summary = s.train(1)
    assert summary.steps == -(-600 // d.training.batch_size)
    assert (summary.test_loss, summary.train_accuracy, summary.test_accuracy) == (None, None, None)
    assert d.history[-1].test_loss is None


def test_a_regression_session_has_no_classes_and_a_classification_one_its_labels():
    """Class labels go with classification only: the confusion matrix and
    the perceptron's plot read them, and a regression's targets are not
    classes (the perceptron would sort the points by their float values)."""
    d = layered([2, 3, 1], output=Activation.LINEAR)
    data = Session(d, dataset=regression(2, 1)).data
    assert data.labels_train is None and data.labels_test is None
    xor = Session(nnsim.example("xor-mlp"))
    assert np.array_equal(xor.data.labels_train, xor.dataset.y_train)
    assert np.array_equal(xor.data.labels_test, xor.dataset.y_test)


def test_the_summary_says_how_long_the_run_took():
    import time

    d = nnsim.example("xor-mlp")
    before = time.perf_counter()
    summary = Session(d, seed=1).train(3)
    took = time.perf_counter() - before
    assert 0.0 < summary.seconds <= took


def test_a_single_precision_session_continues_the_saved_memory_in_single_precision():
    d = nnsim.example("xor-mlp")
    d.training.optimizer = Optimizer.ADAM
    s = Session(d, seed=1)
    s.train(2)
    s.write_back()
    assert d.training_state is not None
    again = Session(d, dtype=np.float32)
    adam = again.trainer.optimizer
    assert adam.m.dtype == np.float32 and adam.v.dtype == np.float32  # the memory it continues from
    assert np.allclose(adam.m, s.trainer.optimizer.m, atol=1e-6)
    again.train(1)
    assert again.network.dtype == np.float32
    assert all(p.dtype == np.float32 for p in (again.trainer.optimizer.m, again.trainer.optimizer.v))
