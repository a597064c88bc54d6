"""Taking a design to other tools and bringing models back.

- ``onnx_export.to_onnx(design)``: an ONNX model computing what the design
  computes (every layer type, each neuron's own activation, recurrent layers
  with ONNX's gate order); ``save_onnx`` writes it.
- ``torch_export.write_pytorch(design, path)``: a standalone PyTorch module
  mirroring the drawn layers, its weights in a file beside it.
- ``onnx_import.from_onnx(path)``: a design from an ONNX model built of what
  nnsim has.

A GAN is two networks: each export writes the generator and the
discriminator as two models, ``NAME-generator`` and ``NAME-discriminator``
beside the path given (``gan_parts``).

``onnx`` (and ``onnxruntime`` for checking) are optional: ``pip install
'nnsim[onnx]'``. Whatever a design uses that the other side cannot express is
refused with ``ExportError`` naming it in one line.
"""

from __future__ import annotations


class ExportError(Exception):
    """A design the target cannot express, or a model nnsim cannot draw
    (one line, naming what)."""


ONNX_MISSING = "ONNX export and import need the onnx package: pip install 'nnsim[onnx]'"


def require_onnx():
    """The onnx module, or ExportError saying what to install."""
    try:
        import onnx
    except ImportError:
        raise ExportError(ONNX_MISSING) from None
    return onnx


FORMATS = ("onnx", "pytorch")


def export(design, to: str, path, float64: bool = False, base_dir=None, note: str = "") -> list[str]:
    """Write ``design`` as ``to`` (one of FORMATS) at ``path``; the files
    written. ExportError when it cannot be expressed or written.
    ``base_dir``: where a CSV data set's relative path starts (the design
    file's folder), for the PyTorch module's data. ``note``: a paragraph
    for the PyTorch module's docstring."""
    from pathlib import Path

    path = Path(path)
    if design.training.rule == "adversarial":
        return [str(p) for sub, part, note in gan_parts(design, path)
                for p in export(sub, to, part, float64=float64, base_dir=base_dir, note=note)]
    try:
        if to == "onnx":
            import numpy as np

            from nnsim.exchange.onnx_export import save_onnx

            save_onnx(design, path, np.float64 if float64 else np.float32)
            return [str(path)]
        if to == "pytorch":
            from nnsim.exchange.torch_export import write_pytorch

            return [str(p) for p in write_pytorch(design, path, base_dir, note)]
    except OSError as e:
        raise ExportError(f"cannot write {path} ({e.strerror or e})") from None
    raise ExportError(f"cannot export to {to!r}: the formats are {', '.join(FORMATS)}")


def gan_parts(design, path) -> list[tuple[object, object, str]]:
    """A GAN design's two networks as designs of their own, each with the
    path it is written to and a note saying what it is: ``out.onnx`` gives
    ``out-generator.onnx`` and
    ``out-discriminator.onnx``. The generator reads the noise (as many
    numbers as its input neurons; nnsim draws them uniform on [0, 1] or
    Gaussian, as the design says) and makes samples; the discriminator reads
    a sample and gives the probability that it is real."""
    import dataclasses
    from pathlib import Path

    from nnsim.design.gan import gan_problem, group_design
    from nnsim.design.model import LearningRule
    from nnsim.engine.adversarial import GROUPS

    problem = gan_problem(design)
    if problem:
        raise ExportError(problem)
    path = Path(path)
    parts = []
    for group in GROUPS:
        sub = group_design(design, group)
        sub.training = dataclasses.replace(design.training, rule=LearningRule.BACKPROP)
        sub.history = []  # the two players' run is the GAN's, not this network's
        note = (f"This is the {group} of the GAN {design.name!r}: nnsim writes its two networks as two modules. "
                "load_model() gives it with nnsim's weights; the adversarial training loop (the two "
                "players' alternating updates) is not exported, so there is no data here to train it on.")
        parts.append((sub, path.with_name(f"{path.stem}-{group}{path.suffix}"), note))
    return parts
