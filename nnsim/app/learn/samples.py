"""The training samples of a design, with targets as the output neurons see them.

No Qt. Used by the step-through (pick a sample) and by the perceptron and
landscape tools (the whole training set).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnsim.data import CLASSIFICATION, DataError, Dataset, load_dataset
from nnsim.design.compile import compile_design
from nnsim.design.model import Design
from nnsim.design.validate import DesignError
from nnsim.explain import fmt
from nnsim.session import coding_for


@dataclass
class Samples:
    dataset: Dataset
    x: np.ndarray  # (n, n_inputs)
    y: np.ndarray  # (n, n_outputs): targets as output values
    labels: np.ndarray | None  # (n,) class indices, or None for regression

    def describe(self, i: int) -> str:
        """'#2: (0, 1) → 1' — inputs and the wanted output of sample ``i``, in
        the file's values where the data was standardised."""
        scaled = getattr(self.dataset, "x_scaling", None) is not None
        xs = ", ".join(fmt(v, 3) for v in (self.dataset.raw_inputs(self.x[i]) if scaled else self.x[i]))
        if self.labels is not None:
            names = self.dataset.target_names
            label = int(self.labels[i])
            want = names[label] if 0 <= label < len(names) else str(label)
        else:
            want = ", ".join(fmt(v, 3) for v in self.dataset.raw_targets(self.y[i]))
        return f"#{i + 1}: ({xs}) → {want}"

    def raw(self, i: int) -> list[tuple[str, float]] | None:
        """Sample ``i``'s inputs as (column, value in the file), where the
        data was standardised; None where the network takes the file's values."""
        if getattr(self.dataset, "x_scaling", None) is None:
            return None
        names = list(self.dataset.feature_names)
        values = self.dataset.raw_inputs(self.x[i])
        return [(names[j] if j < len(names) else f"x{j + 1}", float(v)) for j, v in enumerate(values)]


def load_samples(design: Design, base_dir: Path | None = None) -> tuple[Samples | None, str]:
    """The design's training samples, or None and a one-line reason."""
    try:
        dataset = load_dataset(design.dataset, base_dir)
        net = compile_design(design).network
        coding = coding_for(dataset, net, design)
    except (DataError, DesignError, ValueError, OSError) as e:
        return None, str(e)
    if np.ndim(dataset.x_train) != 2:
        return None, f"{dataset.name} holds sequences, not separate samples"
    is_class = dataset.task == CLASSIFICATION
    return (
        Samples(
            dataset,
            np.asarray(dataset.x_train, dtype=np.float64),
            coding.encode(dataset.y_train),
            np.asarray(dataset.y_train) if is_class else None,
        ),
        "",
    )
