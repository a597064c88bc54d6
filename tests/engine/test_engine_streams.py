"""A stream (rows that are consecutive chunks of one sequence) is trained in
order, in lanes side by side, the state carried from each chunk to the next
through the epoch, and measured as one long sequence."""

from __future__ import annotations

import numpy as np

from nnsim.design.compile import compile_design
from nnsim.design.model import Activation
from nnsim.engine import streams
from nnsim.engine.program import TrainingData
from nnsim.engine.targets import REGRESSION, TargetCoding
from nnsim.engine.trainer import Trainer

from test_engine_sequence import elman


def stream_data(rows=6, T=5, seed=0) -> TrainingData:
    """A stream of rows·T steps: input (step number, 1), target the
    previous input's first column (NaN at step 0), cut into rows."""
    n = rows * T
    x = np.stack([np.arange(n, dtype=float), np.ones(n)], axis=1)
    y = np.full((n, 1), np.nan)
    y[1:, 0] = x[:-1, 0] / n
    return TrainingData(x.reshape(rows, T, 2), y.reshape(rows, T, 1), x[:0].reshape(0, T, 2),
                        y[:0].reshape(0, T, 1), None, None, TargetCoding(REGRESSION, 1), stream=True)


def recorder(net):
    seen = []
    step = net.train_grads

    def recording(X, Y, grads, state=None):
        seen.append((X.copy(), Y.copy(), None if state is None else {k: v.copy() for k, v in state.items()}))
        out = step(X, Y, grads, state)
        seen[-1] += ({k: v.copy() for k, v in net.last_state.items()},)
        return out

    net.train_grads = recording
    return seen


def test_the_lanes_of_a_stream_are_contiguous_pieces_padded_at_the_end():
    data = stream_data(rows=3, T=4)  # 12 steps
    xs, ys = streams.lanes(data.x_train, data.y_train, 5)  # 5 lanes of 3 steps: 3 padded
    assert xs.shape == (5, 3, 2) and ys.shape == (5, 3, 1)
    np.testing.assert_array_equal(xs[:, :, 0].ravel()[:12], np.arange(12))
    assert (xs.reshape(-1, 2)[12:] == 0).all() and np.isnan(ys.reshape(-1)[12:]).all()
    assert streams.lane_count(12, 50) == 12


def test_a_stream_is_read_in_order_in_lanes_with_the_state_carried_through_the_epoch():
    d = elman(hidden=3)
    d.training.batch_size = 2  # two lanes
    d.training.bptt_steps = 4
    net = compile_design(d).network
    data = stream_data(rows=6, T=5)  # 30 steps: lanes of 15, chunks of 4, 4, 4, 3
    trainer = Trainer(net, d.training, data, np.random.default_rng(0))
    assert trainer.steps_per_epoch == 4
    seen = recorder(net)
    trainer.train_epochs(2, evaluate=False)
    assert trainer.step_count == 8 and len(seen) == 8
    for epoch in (seen[:4], seen[4:]):
        lane_inputs = np.concatenate([x[:, :, 0] for x, *_ in epoch], axis=1)
        np.testing.assert_array_equal(lane_inputs, np.arange(30).reshape(2, 15))  # never shuffled
        assert [x.shape[1] for x, *_ in epoch] == [4, 4, 4, 3]
        assert epoch[0][2] is None  # an epoch starts from zeros ...
        for before, after in zip(epoch, epoch[1:]):  # ... and each chunk from where the last ended
            assert after[2] is not None and before[3].keys() == after[2].keys()
            for k in after[2]:
                np.testing.assert_array_equal(after[2][k], before[3][k])


def test_a_stream_without_truncation_takes_chunks_of_its_rows_length():
    d = elman(hidden=3)
    d.training.batch_size = 3
    net = compile_design(d).network
    trainer = Trainer(net, d.training, stream_data(rows=6, T=5), np.random.default_rng(0))
    assert trainer.steps_per_epoch == 2  # 3 lanes of 10 steps, rows of 5
    seen = recorder(net)
    trainer.train_steps(1, evaluate=False)
    assert trainer.steps_left_in_epoch() == 1
    np.testing.assert_array_equal(seen[0][0][:, :, 0], [[0, 1, 2, 3, 4], [10, 11, 12, 13, 14], [20, 21, 22, 23, 24]])


def test_a_stream_is_measured_as_one_long_sequence():
    d = elman(hidden=4, out=Activation.LINEAR)
    net = compile_design(d).network
    data = stream_data(rows=6, T=5)
    rec = Trainer(net, d.training, data, np.random.default_rng(0)).evaluate()
    whole = net.loss_of(net.forward(data.x_train.reshape(1, 30, 2)), data.y_train.reshape(1, 30, 1))
    by_rows = net.loss_of(net.forward(data.x_train), data.y_train)
    assert rec.train_loss == whole and whole != by_rows
