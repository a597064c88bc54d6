"""The mini-batch trainer as its callers see it: a state given back to
``restore`` (whole, in part, or at the edges of an epoch) continues training
exactly where it would have gone on."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, Optimizer, TrainingSettings
from nnsim.engine.targets import REGRESSION, TargetCoding
from nnsim.engine.trainer import AT_LIMIT, Trainer, TrainingData


def regression_data(n=12, seed=0, scale=1.0) -> TrainingData:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = scale * (0.7 * x[:, :1] - 0.4 * x[:, 1:] + 0.1)
    return TrainingData(x, y, x[:3], y[:3], None, None, TargetCoding(REGRESSION, 1))


def linear_trainer(seed=0, data=None, **settings) -> Trainer:
    """A 2 → 1 linear network with the same starting weights every time."""
    d = layered([2, 1], output=Activation.LINEAR)
    for k, c in enumerate(d.connections):
        c.weight = 0.3 - 0.2 * k
    d.training = TrainingSettings(**{"learning_rate": 0.1, "batch_size": 4, **settings})
    return Trainer(compile_design(d).network, d.training, data or regression_data(), np.random.default_rng(seed))


def weights(t: Trainer) -> np.ndarray:
    return t.net.parameters.flat.copy()


@pytest.mark.parametrize("optimizer", [Optimizer.SGD, Optimizer.ADAM])
def test_a_state_without_the_place_in_the_epoch_or_the_memory_starts_the_epoch_with_a_fresh_optimizer(optimizer):
    """Only the epoch and step given (and the optimizer's kind): training goes
    on from the epoch's first sample, the optimizer as if new."""
    given = linear_trainer(optimizer=optimizer)
    given.restore({"epoch": 2, "step": 9, "optimizer": optimizer.value})
    fresh = linear_trainer(optimizer=optimizer)
    fresh.continue_from(2, 9)
    assert given.train_steps(2) == fresh.train_steps(2) == 2
    assert np.array_equal(weights(given), weights(fresh))
    assert (given.epoch, given.step_count) == (fresh.epoch, fresh.step_count) == (2, 11)
    assert given.state()["position"] == fresh.state()["position"] == 8
    assert given.state()["t"] == fresh.state()["t"]


@pytest.mark.parametrize("steps_before", [1, 5])
def test_training_saved_after_a_few_samples_and_restored_equals_training_in_one_go(steps_before):
    """Batches of one sample: a state taken after the first sample (or five)
    continues at the next sample, not at the epoch's start."""
    whole = linear_trainer(batch_size=1, optimizer=Optimizer.MOMENTUM)
    whole.train_steps(steps_before + 4)
    first = linear_trainer(batch_size=1, optimizer=Optimizer.MOMENTUM)
    first.train_steps(steps_before)
    state = first.state()
    assert state["position"] == steps_before
    second = linear_trainer(batch_size=1, optimizer=Optimizer.MOMENTUM)
    second.net.parameters.flat[...] = first.net.parameters.flat
    second.restore(state)
    assert second.train_steps(4) == 4
    assert np.array_equal(weights(second), weights(whole))
    assert second.state()["position"] == whole.state()["position"] == steps_before + 4


def test_a_state_at_the_end_of_the_data_starts_the_epoch_afresh():
    """A place in the epoch at (or past) the number of samples, as a file saved
    before the data set shrank holds: the epoch starts again from its first
    batch, every step trains on a whole batch."""
    at_end = linear_trainer()
    at_end.restore({"epoch": 1, "step": 3, "position": 12, "optimizer": "sgd", "t": 0, "arrays": {}})
    at_start = linear_trainer()
    at_start.restore({"epoch": 1, "step": 3, "position": 0, "optimizer": "sgd", "t": 0, "arrays": {}})
    assert at_end.steps_left_in_epoch() == at_start.steps_left_in_epoch() == 3
    assert at_end.train_steps(2) == at_start.train_steps(2) == 2
    assert np.array_equal(weights(at_end), weights(at_start))
    assert at_end.status == at_start.status == "ready"
    assert at_end.state()["position"] == 8


def test_a_state_given_back_before_any_training_is_the_state_taken_again():
    """A design opened with its optimizer's memory and saved again without
    training keeps the memory (a new trainer's state is one too)."""
    new = linear_trainer(optimizer=Optimizer.ADAM).state()
    assert (new["epoch"], new["step"], new["position"], new["optimizer"], new["t"]) == (0, 0, 0, "adam", 0)
    trained = linear_trainer(optimizer=Optimizer.ADAM)
    trained.train_steps(6)
    state = trained.state()
    assert state["position"] == 0 and state["epoch"] == 2
    again = linear_trainer(optimizer=Optimizer.ADAM)
    again.restore(state)
    kept = again.state()
    assert {k: v for k, v in kept.items() if k != "arrays"} == {k: v for k, v in state.items() if k != "arrays"}
    assert kept["arrays"].keys() == state["arrays"].keys() == {"m", "v"}
    for moment in state["arrays"]:
        assert np.array_equal(kept["arrays"][moment], state["arrays"][moment])


def test_steps_run_by_default_record_each_finished_epoch_in_the_history():
    t = linear_trainer()
    assert t.steps_per_epoch == 3
    assert t.train_steps(4) == 4
    assert [(r.epoch, r.step) for r in t.history] == [(1, 3)]


def test_the_last_loss_is_the_loss_of_the_batch_just_trained():
    """One batch holds every sample: the loss of the step is the training
    loss before it."""
    t = linear_trainer(batch_size=12)
    before = t.evaluate().train_loss
    t.train_steps(1)
    assert t.last_loss == pytest.approx(before, rel=1e-12)
    assert t.history[-1].train_loss < before


def test_steps_stopped_at_the_history_s_limit_count_those_that_ran():
    from nnsim.design.settings import MAX_STEPS

    t = linear_trainer()
    t.continue_from(5, MAX_STEPS - 2)
    assert t.train_steps(5) == 2
    assert t.status == AT_LIMIT
    assert t.message.startswith(f"stopped at step {MAX_STEPS:,}, the most a design's history can count")
    assert t.step_count == MAX_STEPS
    assert t.train_steps(1) == 0


def test_a_state_after_divergence_starts_the_epoch_again_from_its_first_sample():
    """Divergence part-way through an epoch puts back the weights of the
    epoch's start: the state then says the epoch starts again."""
    t = linear_trainer(learning_rate=1e200)
    t.train_steps(3)
    assert t.status == "diverged"
    state = t.state()
    assert (state["epoch"], state["position"]) == (0, 0)


def test_plain_gradient_descent_saves_no_step_count():
    assert linear_trainer().state()["t"] == 0
    assert linear_trainer(optimizer=Optimizer.MOMENTUM).state()["t"] == 0


def test_gradient_clipping_bounds_each_step_and_keeps_its_direction():
    """Plain descent: clipped at 0.05 every weight moves by at most rate ×
    0.05, the way it moves unclipped; a clip no gradient reaches changes
    nothing."""
    start = weights(linear_trainer())
    free = linear_trainer()
    free.train_steps(1)
    free_step = weights(free) - start
    assert np.abs(free_step).max() > 0.1 * 0.05 * 1.5  # the clip below binds
    clipped = linear_trainer(gradient_clip=0.05)
    clipped.train_steps(1)
    clipped_step = weights(clipped) - start
    assert np.abs(clipped_step).max() == pytest.approx(0.1 * 0.05)
    assert np.all(np.abs(clipped_step) <= 0.1 * 0.05 + 1e-15)
    assert np.array_equal(np.sign(clipped_step), np.sign(free_step))
    loose = linear_trainer(gradient_clip=1e6)
    loose.train_steps(4)
    free.train_steps(3)
    assert np.array_equal(weights(loose), weights(free))


# -- streams ---------------------------------------------------------------------------


def stream_trainer(batch_size, rows=6, T=5, bptt_steps=0):
    from test_engine_sequence import elman
    from test_engine_streams import stream_data

    d = elman(hidden=3)
    d.training.batch_size, d.training.bptt_steps = batch_size, bptt_steps
    return Trainer(compile_design(d).network, d.training, stream_data(rows=rows, T=T), np.random.default_rng(0))


@pytest.mark.parametrize("rows, T", [(6, 5), (2, 3)])
def test_a_stream_shorter_than_the_batch_is_read_in_one_lane_per_step(rows, T):
    """30 steps (or 6) and a batch of 50: as many lanes as steps, one step
    each, one training step per epoch."""
    from test_engine_streams import recorder

    t = stream_trainer(50, rows=rows, T=T)
    assert t.steps_per_epoch == 1
    seen = recorder(t.net)
    assert t.train_steps(1) == 1
    x = seen[0][0]
    assert x.shape == (rows * T, 1, 2)
    np.testing.assert_array_equal(x[:, 0, 0], np.arange(rows * T))
    assert [(r.epoch, r.step) for r in t.history] == [(1, 1)]


def test_stream_steps_run_by_default_record_each_finished_epoch():
    t = stream_trainer(2, bptt_steps=4)  # two lanes of 15 steps: 4 chunks
    assert t.train_steps(5) == 5
    assert [(r.epoch, r.step) for r in t.history] == [(1, 4)]
    assert t.steps_left_in_epoch() == 3


def test_stream_steps_stopped_at_the_history_s_limit_count_those_that_ran():
    from nnsim.design.settings import MAX_STEPS

    t = stream_trainer(2, bptt_steps=4)
    t.continue_from(5, MAX_STEPS - 2)
    assert t.train_steps(5) == 2
    assert t.status == AT_LIMIT and t.step_count == MAX_STEPS


def test_a_stream_s_state_after_whole_epochs_is_the_epoch_s_start():
    t = stream_trainer(2, bptt_steps=4)
    t.train_epochs(1)
    state = t.state()
    assert state is not None
    assert (state["epoch"], state["step"], state["position"]) == (1, 4, 0)


def test_a_stream_that_diverges_part_way_counts_the_steps_that_ran_and_starts_the_epoch_again():
    t = stream_trainer(2, bptt_steps=4)
    t.settings.learning_rate = 1e200
    ran = t.train_steps(4)
    assert t.status == "diverged"
    assert ran == 1 and t.message.startswith("training diverged at step 2 (epoch 1): ")
    assert t.steps_left_in_epoch() == t.steps_per_epoch == 4


# -- sequences cut into chunks ---------------------------------------------------------


def sequence_trainer(batch_size=4, n=8, T=6, bptt_steps=2, learning_rate=0.05):
    from test_engine_sequence import elman

    d = elman(hidden=3)
    d.training.batch_size, d.training.bptt_steps, d.training.learning_rate = batch_size, bptt_steps, learning_rate
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(n, T, 2))
    y = np.cumsum(x[:, :, :1], axis=1) / T
    data = TrainingData(x, y, x[:0], y[:0], None, None, TargetCoding(REGRESSION, 1))
    return Trainer(compile_design(d).network, d.training, data, np.random.default_rng(0))


def test_the_steps_left_in_an_epoch_of_sequences_count_the_chunks_still_to_run():
    """Two batches of sequences of 6 steps, cut in chunks of 2: 6 steps an
    epoch, one fewer after each."""
    t = sequence_trainer()
    assert t.steps_per_epoch == t.steps_left_in_epoch() == 6
    left = []
    for _ in range(7):
        t.train_steps(1)
        left.append(t.steps_left_in_epoch())
    assert left == [5, 4, 3, 2, 1, 6, 5]
    assert t.state() is None  # in the middle of a batch: not kept


def test_sequences_that_diverge_part_way_through_a_batch_start_the_epoch_again():
    t = sequence_trainer(learning_rate=1e200)
    ran = t.train_steps(6)
    assert t.status == "diverged" and ran == 1
    assert t.steps_left_in_epoch() == t.steps_per_epoch == 6


def test_a_weight_made_infinite_by_an_epoch_s_last_step_is_named_at_that_step():
    """One batch an epoch; its step's loss is finite but the step throws the
    weights to infinity: divergence at step 1 of epoch 1, the starting
    weights put back."""
    t = linear_trainer(batch_size=12, learning_rate=1e308, data=regression_data(scale=1000.0))
    start = weights(t)
    assert t.train_steps(3) == 1
    assert t.status == "diverged" and (t.epoch, t.step_count) == (1, 1)
    assert t.message == ("training diverged at step 1 (epoch 1): a weight became infinite or not a number; "
                         "the weights were restored to those after epoch 0. Try a smaller learning rate than 1e+308.")
    assert np.array_equal(weights(t), start)


# -- where training stops --------------------------------------------------------------


def test_a_saturated_network_that_gets_every_sample_right_is_not_stuck():
    """A tanh neuron with a huge weight: every output pinned at ±1, the loss
    flat for far more than the stall window, but every sample right: it
    trains on to its budget (and the same pinned neuron getting one sample
    wrong stalls)."""
    from nnsim.engine.stall import STALL_EPOCHS
    from nnsim.engine.targets import CLASSIFICATION

    def trainer(labels):
        d = layered([1, 1], output=Activation.TANH)
        d.connections[0].weight = 1e3
        d.training = TrainingSettings(learning_rate=0.01, batch_size=4)
        x = np.array([[-1.0], [-0.5], [0.5], [1.0]])
        coding = TargetCoding(CLASSIFICATION, 1, -1.0, 1.0)
        data = TrainingData(x, coding.encode(labels), x[:0], coding.encode(labels[:0]), labels, labels[:0], coding)
        return Trainer(compile_design(d).network, d.training, data, np.random.default_rng(0))

    right = trainer(np.array([0, 0, 1, 1]))
    assert right.train_epochs(STALL_EPOCHS + 5) == STALL_EPOCHS + 5
    assert right.status == "ready" and right.history[-1].train_accuracy == 1.0
    wrong = trainer(np.array([0, 1, 1, 1]))
    wrong.train_epochs(STALL_EPOCHS + 5)
    assert wrong.status == "stalled" and wrong.epoch == STALL_EPOCHS + 1
    assert wrong.message.startswith(f"training is stuck at epoch {STALL_EPOCHS + 1}: the loss has not improved for "
                                    f"{STALL_EPOCHS} epochs (best ")
    assert "and 100% of the neurons' outputs are saturated" in wrong.message


def test_nine_saturated_outputs_in_ten_are_enough_to_be_stuck():
    """The stall test's edge: exactly 90% of the outputs pinned (a sample at
    0 is not) with the loss flat and a sample wrong is a stall."""
    from nnsim.engine.stall import STALL_EPOCHS, saturated_share
    from nnsim.engine.targets import CLASSIFICATION

    d = layered([1, 1], output=Activation.TANH)
    d.connections[0].weight = 1e3
    d.training = TrainingSettings(learning_rate=1e-9, batch_size=10)
    x = np.array([[-1.0], [-0.9], [-0.8], [-0.7], [-0.6], [0.0], [0.6], [0.7], [0.8], [0.9]])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    coding = TargetCoding(CLASSIFICATION, 1, -1.0, 1.0)
    data = TrainingData(x, coding.encode(labels), x[:0], coding.encode(labels[:0]), labels, labels[:0], coding)
    t = Trainer(compile_design(d).network, d.training, data, np.random.default_rng(0))
    assert saturated_share(t.net, x) == 0.9
    t.train_epochs(STALL_EPOCHS + 5)
    assert t.status == "stalled" and t.epoch == STALL_EPOCHS + 1
    assert "and 90% of the neurons' outputs are saturated" in t.message


def test_measuring_weights_that_overflow_warns_of_nothing():
    """The loss of weights too large to compute is infinite, quietly (the
    command and the window report it; NumPy's warnings would only add noise)."""
    import warnings

    t = linear_trainer()
    t.net.parameters.flat[...] = 1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = t.evaluate()
    assert rec.train_loss == np.inf and rec.test_loss == np.inf


def test_a_loss_exactly_at_the_target_reaches_it():
    first = linear_trainer(batch_size=12)
    first.train_epochs(2)
    target = first.history[1].train_loss
    again = linear_trainer(batch_size=12, target_loss=target)
    assert again.train_epochs(5) == 2
    assert again.status == "reached_target"
    assert again.message == f"reached the target loss {target:g} at epoch 2"


def test_a_training_loss_that_overflows_is_named_at_the_epoch_s_end():
    t = linear_trainer(batch_size=12, learning_rate=1e308)
    t.train_steps(1)
    assert t.status == "diverged"
    assert t.message.startswith("training diverged at step 1 (epoch 1): the training loss became inf; ")
