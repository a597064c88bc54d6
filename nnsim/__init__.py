"""nnsim: build a neural network by hand and watch it learn.

The public Python API (no Qt needed)::

    import nnsim
    design = nnsim.load("xor.nnsim")          # or nnsim.example("xor-mlp")
    summary = nnsim.train(design, epochs=200, seed=1)
    print(summary.train_loss, nnsim.predict(design, [1, 0]))
    fakes = nnsim.generate(nnsim.example("gan-ring"), 100, seed=0)  # a GAN's samples
    trace = nnsim.inspect(design, [1, 0], target=[1])
    for step in trace.neurons:
        print(step.name, nnsim.arithmetic(step))
    nnsim.save(design, "xor-trained.nnsim")
"""

__version__ = "0.1.0"

from nnsim.api import (  # noqa: E402
    example,
    generate,
    gradient_through_time,
    gradients,
    inspect,
    load,
    parameters,
    predict,
    sample_text,
    save,
    train,
)
from nnsim.data import DataError, load_dataset  # noqa: E402
from nnsim.design.model import (  # noqa: E402
    Activation,
    Connection,
    DatasetSpec,
    Design,
    Layer,
    LayerKind,
    Neuron,
    TrainingSettings,
)
from nnsim.design.validate import DesignError  # noqa: E402
from nnsim.explain import arithmetic  # noqa: E402
from nnsim.io import FormatError  # noqa: E402
from nnsim.session import Session, Summary  # noqa: E402

__all__ = [
    "__version__",
    "load",
    "save",
    "example",
    "train",
    "predict",
    "generate",
    "inspect",
    "parameters",
    "gradients",
    "sample_text",
    "gradient_through_time",
    "arithmetic",
    "load_dataset",
    "Session",
    "Summary",
    "Design",
    "Layer",
    "LayerKind",
    "Neuron",
    "Connection",
    "Activation",
    "TrainingSettings",
    "DatasetSpec",
    "FormatError",
    "DesignError",
    "DataError",
]
