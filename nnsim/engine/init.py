"""Starting values of parameters: one formula per initialisation scheme.

Every place that makes new weights asks here (``nnsim.design.build.initialize``
for Reset and ``nnsim train --reinit``, the editor's new connections, and a
parametric layer type's arrays), so that the schemes mean the same
everywhere:

- ``uniform``: U(−0.5, 0.5) with biases 0.1 (TensorFlow Playground);
- ``xavier`` (Glorot uniform): U(−1, 1) · √(6 / (fan_in + fan_out)), biases 0;
- ``he`` (He normal): N(0, 1) · √(2 / fan_in), biases 0.

Fans are counted per weight (a partly connected layer has smaller fans), and
never below 1.
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.vocab import Init


def initial_weights(init: Init, fan_in, fan_out, rng: np.random.Generator) -> np.ndarray:
    """One starting weight for each entry of ``fan_in`` and ``fan_out``
    (arrays of the same shape: the number of inputs of the weight's target
    and of outputs of its source). Draws ``fan_in.size`` numbers from
    ``rng``, in order."""
    init = Init(init)
    fan_in = np.asarray(fan_in, dtype=np.float64)
    shape = fan_in.shape
    if init == Init.UNIFORM:
        return rng.uniform(-0.5, 0.5, size=shape)
    if init == Init.XAVIER:
        fan_out = np.asarray(fan_out, dtype=np.float64)
        return rng.uniform(-1.0, 1.0, size=shape) * np.sqrt(6.0 / np.maximum(fan_in + fan_out, 1))
    return rng.standard_normal(size=shape) * np.sqrt(2.0 / np.maximum(fan_in, 1))


def initial_bias(init: Init) -> float:
    """The starting bias of a neuron under ``init``."""
    return 0.1 if Init(init) == Init.UNIFORM else 0.0
