"""The task where the plain RNN fails and the LSTM learns, at the level of
the operations: temporal order (two keys 13 to 37 steps apart among
distractors), an LSTM of 4 cells (208 numbers) against a tanh RNN of 10
(190), each with a dense softmax on its last output, Adam 0.01,
batch 32, seeded, with a budget of steps."""

from __future__ import annotations

import numpy as np

from nnsim.data.sequence_tasks import temporal_order
from nnsim.engine import losses
from nnsim.engine.activations import LayerActivation
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.optimizers import Adam
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Activation, Loss, Optimizer, TrainingSettings

SCE = Loss.SOFTMAX_CROSS_ENTROPY


def train(recurrent, data, steps: int, seed: int = 0) -> float:
    """Test accuracy after ``steps`` steps (checked every 50; stops at 95%)."""
    H, C = recurrent.size, data.n_targets
    dense = Dense([H], C, LayerActivation([Activation.SOFTMAX] * C, np.zeros(C)), ["out/w"], "out/b")
    layout = ParameterLayout(recurrent.parameter_specs() + dense.parameter_specs())
    params, grads = Parameters(layout), Parameters(layout)
    rng = np.random.default_rng(seed)
    params.assign(recurrent.init_arrays(rng))
    params["out/w"][...] = rng.uniform(-0.5, 0.5, (H, C))
    recurrent.bind(params)
    dense.bind(params)
    opt = Adam(params, TrainingSettings(learning_rate=0.01, optimizer=Optimizer.ADAM))
    x, y = data.x_train, data.y_train
    accuracy = 0.0
    for step in range(1, steps + 1):
        rows = rng.integers(0, len(x), 32)
        p = recurrent.run(x[rows])
        last = p.h[:, -1]
        _, a = dense.forward([last], 32)
        back, _ = dense.backward(losses.fused_delta(SCE, a, y[rows]), [last], grads, [True])
        dh = np.zeros_like(p.h)
        dh[:, -1] = back[0]
        recurrent.backprop(p, dh, grads=grads, want_input=False)
        opt.apply(params, grads)
        if step % 50 == 0:
            _, out = dense.forward([recurrent.run(data.x_test).h[:, -1]], len(data.x_test))
            accuracy = float(np.mean(np.argmax(out, 1) == np.argmax(data.y_test, 1)))
            if accuracy >= 0.95:
                break
    return accuracy


def test_the_lstm_learns_temporal_order_and_the_plain_rnn_does_not():
    data = temporal_order(n_train=4000, n_test=500, seed=0)
    n_in = data.n_features
    lstm, rnn = LSTM(n_in, 4, "lstm/w", "lstm/b"), SimpleRNN(n_in, 10, "rnn/w", "rnn/b")
    assert [sum(int(np.prod(s)) for _, s in op.parameter_specs()) for op in (lstm, rnn)] == [208, 190]
    assert train(lstm, data, 800) >= 0.95
    assert train(rnn, data, 800) < 0.45  # chance is 25%
