"""The vanishing gradient, measured: the share of the last step's gradient
that reaches k steps back at initialisation, for a tanh RNN and an LSTM with
forget bias +1, against the published table (docs/sequence-tasks.md).

Set-up: sequences of 100 steps of 8 inputs drawn from N(0, 1), weights
uniform in ±1/√size (the operations' ``init_arrays``), a random gradient
N(0, 1) on the last step's hidden output only. The share k steps back is
‖∂L/∂state_{T−1−k}‖ / ‖∂L/∂state_{T−1}‖ (the state is h, and h with c for the
LSTM: ``SequenceGradients.norms``), averaged over 20 seeds. Bounds are
generous (the table's set-up is not known to the digit): within a factor of
10 up to 25 steps back, 100 at 50, 1,000 at 99; and the LSTM's share at 25
steps and beyond at least 100 times the RNN's.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN
from nnsim.engine.params import Parameters

T, X, SEEDS = 100, 8, 20
BACK = (1, 10, 25, 50, 99)
TABLE = {  # steps back -> share, from docs/sequence-tasks.md
    ("rnn", 16): (0.52, 1.8e-3, 3.2e-7, 2.4e-13, 2.3e-25),
    ("lstm", 16): (0.36, 4.9e-2, 3.8e-3, 7.3e-5, 3.6e-8),
    ("rnn", 64): (0.56, 3.6e-3, 1.1e-6, 2.5e-12, 2.5e-23),
    ("lstm", 64): (0.38, 5.6e-2, 4.9e-3, 1.2e-4, 8.7e-8),
}
DECADES = (1, 1, 1, 2, 3)


def shares(kind: str, size: int) -> np.ndarray:
    out = []
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        op = (LSTM if kind == "lstm" else SimpleRNN)(X, size, "w", "b")
        op.bind(Parameters.of(op.init_arrays(rng)))
        x = rng.normal(size=(1, T, X))
        d = np.zeros((1, T, size))
        d[0, -1] = rng.normal(size=size)
        norms = op.backprop(op.run(x), d, want_input=False).norms()
        out.append(norms[::-1] / norms[-1])  # index k: k steps back
    return np.mean(out, axis=0)[list(BACK)]


@pytest.mark.parametrize("size", [16, 64])
def test_the_share_reaching_back_matches_the_table(size):
    measured = {kind: shares(kind, size) for kind in ("rnn", "lstm")}
    for kind, got in measured.items():
        for k, ours, theirs, decades in zip(BACK, got, TABLE[kind, size], DECADES):
            assert abs(np.log10(ours) - np.log10(theirs)) <= decades, (kind, size, k, ours, theirs)
    rnn, lstm = measured["rnn"], measured["lstm"]
    assert np.all(lstm[2:] >= 100 * rnn[2:])
    assert rnn[2] < 1e-4 < lstm[2]  # 25 steps back: the RNN's gradient is gone, the LSTM's is not
