"""How class labels become the numbers an output layer is trained towards,
and how outputs become predicted classes again."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLASSIFICATION = "classification"
REGRESSION = "regression"


@dataclass
class TargetCoding:
    """Classification with one output neuron for two classes codes class 1 as
    the output range's high end and class 0 as its low end (+1/−1 for tanh,
    as TensorFlow Playground; 1/0 for sigmoid and step); with one output per
    class, one-hot between the same two values. Regression passes targets
    through unchanged.

    Sequences: class indices per step (n, T) code to (n, T, n_outputs), a
    label of −1 meaning "no target at this step" (NaN targets); outputs
    (n, T, n_outputs) are scored at the steps that have a label, or at the
    last step when there is one label per sequence (n,)."""

    task: str
    n_outputs: int
    low: float = 0.0
    high: float = 1.0

    @property
    def is_classification(self) -> bool:
        return self.task == CLASSIFICATION

    def encode(self, y: np.ndarray) -> np.ndarray:
        """Targets (n, n_outputs) from class indices (n,) or regression values (n, k)."""
        y = np.asarray(y)
        if self.is_classification and y.ndim == 2:  # per step of sequences
            flat = self.encode(np.where(y < 0, 0, y).ravel())
            flat[(y < 0).ravel()] = np.nan
            return flat.reshape(*y.shape, self.n_outputs)
        if not self.is_classification:
            y = np.asarray(y, dtype=np.float64)
            return y[:, None] if y.ndim == 1 else y  # an empty test set stays (0, k)
        y = np.asarray(y)
        if self.n_outputs == 1:
            return np.where(y == 1, self.high, self.low).astype(np.float64)[:, None]
        out = np.full((len(y), self.n_outputs), self.low)
        out[np.arange(len(y)), y] = self.high
        return out

    def decode(self, outputs: np.ndarray) -> np.ndarray:
        """Predicted class indices (n,) from outputs (n, n_outputs)."""
        if self.n_outputs == 1:
            return (outputs[:, 0] > 0.5 * (self.low + self.high)).astype(np.int64)
        return outputs.argmax(axis=1)

    def accuracy(self, outputs: np.ndarray, labels: np.ndarray) -> float | None:
        if not self.is_classification or len(labels) == 0:
            return None
        if outputs.ndim == 3:  # sequences
            if labels.ndim == 1:
                outputs = outputs[:, -1]
            else:
                have = labels.ravel() >= 0
                if not have.any():
                    return None
                outputs = outputs.reshape(-1, outputs.shape[-1])[have]
                labels = labels.ravel()[have]
        return float(np.mean(self.decode(outputs) == labels))
