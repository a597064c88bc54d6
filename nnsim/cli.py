"""The ``nnsim`` command.

    nnsim [DESIGN]                      open the desktop app
    nnsim train DESIGN [--epochs N] [--seed S] [--reinit] [--save OUT] [--json]
    nnsim predict DESIGN X1 X2 ... [--trace]
    nnsim predict DESIGN --sequence FILE
    nnsim predict DESIGN IMAGE.png [--invert]   (a design with an image input)
    nnsim examples                      list the shipped examples
    nnsim export DESIGN --to {onnx,pytorch} OUT [--float64]
    nnsim import MODEL.onnx OUT.nnsim   an ONNX model as a design file

DESIGN is a .nnsim file or the name of a shipped example (``xor-mlp``).
Exit status: 0 success, 2 bad input (one line on stderr), 3 the numbers are not
finite: training diverged, or a prediction overflowed (one line on stderr).
Training that stalls (the loss stuck, the neurons saturated) stops early with
exit 0 and says so: status "stalled" and a message with what to try.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3
EXIT_NOT_FINITE = 3  # a prediction overflowed: the same failure as a diverged training run

COMMANDS = ("train", "predict", "examples", "export", "import")


class BadInput(Exception):
    """A problem with what the user gave; the message is one line."""

    def __init__(self, message: str = ""):
        from nnsim.text import one_line

        super().__init__(one_line(message))


class NotFinite(Exception):
    """The arithmetic overflowed: no number to report (one line)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2
        raise BadInput(f"{self.prog}: {message}")


def _design_path(name: str) -> Path:
    from nnsim.resources import example_path, examples_dir
    from nnsim.text import path_text

    if "\0" in name:
        raise BadInput(f"{path_text(name)}: a file name cannot hold a NUL character")
    path = Path(name)
    for candidate in (path, example_path(name)):
        try:
            if candidate.exists():
                return candidate
        except OSError as e:  # a name too long for the system, say
            raise BadInput(f"{path_text(name)}: cannot be opened ({e.strerror})") from None
    known = ", ".join(sorted(p.stem for p in examples_dir().glob("*.nnsim")))
    raise BadInput(f"{path_text(name)}: no such file, and no example of that name (examples: {known})")


def _load(name: str):
    from nnsim.io import load

    path = _design_path(name)
    return path, load(path)


def _train(args) -> int:
    import numpy as np

    from nnsim.design.build import initialize
    from nnsim.engine.program import STALLED
    from nnsim.session import Session

    path, design = _load(args.design)
    if args.epochs is not None and args.epochs < 0:
        raise BadInput(f"--epochs {args.epochs}: must be 0 or more")
    if args.save:
        from nnsim.saving import save_problem

        problem = save_problem(args.save)  # before training, not after
        if problem:
            raise BadInput(f"--save {problem}")
    if args.seed is not None:
        design.training.seed = args.seed
    if args.reinit:
        initialize(design, np.random.default_rng(design.training.seed))
        design.history = []
    session = Session(design, base_dir=path.parent)
    epochs = design.training.epochs if args.epochs is None else args.epochs
    progress = _Progress(epochs, enabled=sys.stderr.isatty())
    summary = session.train(epochs, callback=progress.update)
    progress.close()
    saved, save_failure = _save(design, args.save, path) if args.save else (None, None)
    if args.json:
        print(json.dumps({k: _json_number(v) for k, v in summary.as_dict().items()}))
    else:
        print(_summary_text(design.name, summary, saved))
    if save_failure:
        print(save_failure, file=sys.stderr)
        return EXIT_BAD_INPUT
    if session.diverged:
        if args.json:
            print(f"nnsim: {summary.message}", file=sys.stderr)
        return EXIT_DIVERGED
    if summary.status == STALLED and args.json:
        print(f"nnsim: {summary.message}", file=sys.stderr)  # a hint; the run itself succeeded
    return EXIT_OK


def _save(design, out: str, design_path: Path):
    """(where the trained design was saved, a one-line message if that is
    not where the user asked)."""
    from nnsim.io import save
    from nnsim.resources import examples_dir
    from nnsim.saving import save_or_keep
    from nnsim.text import path_text

    try:
        beside = design_path.resolve().parent != examples_dir().resolve()  # never write into the shipped examples
    except OSError:
        beside = False
    saved, reason = save_or_keep(design, out, design_path, save, beside)
    if reason is None:
        return saved, None
    if saved is None:
        return None, f"nnsim: cannot save to {path_text(out)} ({reason}), nor anywhere else: the trained design is lost"
    return saved, f"nnsim: cannot save to {path_text(out)} ({reason}); the trained design was saved to {path_text(saved, 200)}"


def _json_number(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _summary_text(name: str, s, saved) -> str:
    def pct(v):
        return "n/a" if v is None else f"{100 * v:.1f}%"

    def num(v):
        return "n/a" if v is None else f"{v:.6g}"

    no_test = s.test_loss is None  # an empty test set (train ratio 1.0): nothing to report
    lines = [
        f"{name}: {s.epochs} epochs, {s.steps} steps in {s.seconds:.2f} s",
        f"  loss      train {num(s.train_loss)}   " + ("(no test data)" if no_test else f"test {num(s.test_loss)}"),
    ]
    if s.train_accuracy is not None:
        lines.append(f"  accuracy  train {pct(s.train_accuracy)}" + ("" if no_test else f"   test {pct(s.test_accuracy)}"))
    if s.message:
        lines.append(f"  {s.message}")
    if saved:
        lines.append(f"  saved to {saved}")
    return "\n".join(lines)


class _Progress:
    """An epoch counter on one terminal line (only when stderr is a terminal)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled, self.shown = total, enabled, False

    def update(self, trainer) -> None:
        if not self.enabled:
            return
        rec = trainer.history[-1] if trainer.history else None
        loss = f"  loss {rec.train_loss:.4g}" if rec else ""
        done = min(self.total, len(trainer.history)) if self.total else 0
        width = 30
        filled = int(width * done / self.total) if self.total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] epoch {trainer.epoch}{loss}   ")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def _predict(args) -> int:
    from nnsim.api import inspect
    from nnsim.explain import fmt, format_trace
    from nnsim.text import path_text, quote

    _, design = _load(args.design)
    if design.training.rule == "adversarial":  # a GAN: the discriminator's verdict on a sample
        from nnsim.design.gan import DISCRIMINATOR, group_design

        design = group_design(design, DISCRIMINATOR)
    if args.sequence is not None:
        return _predict_sequence(args, design)
    from nnsim.design.compile import compile_design
    from nnsim.recurrent import reads_sequences

    if reads_sequences(compile_design(design).network):
        raise BadInput(f"{path_text(args.design)}: the design reads sequences (it has a loop or a recurrent layer): "
                       "give them as a CSV file of time steps with --sequence FILE")
    values = []
    if len(args.inputs) == 1 and args.inputs[0].lower().endswith((".png", ".jpg", ".jpeg")):
        values = _image_values(design, args.inputs[0], args.invert)
    for text in args.inputs if not values else ():
        try:
            v = float(text)
        except ValueError:
            raise BadInput(f"input {quote(text)} is not a number") from None
        if not math.isfinite(v):
            raise BadInput(f"input {quote(text)} is not a finite number")
        values.append(v)
    n_in = design.input_size
    if len(values) != n_in:
        raise BadInput(
            f"{args.design}: the design has {n_in} input neuron{'s' * (n_in != 1)} "
            f"but {len(values)} value{'s' * (len(values) != 1)} {'were' if len(values) != 1 else 'was'} given"
        )
    trace = inspect(design, values)
    if not all(math.isfinite(v) for v in trace.outputs):
        first = next((s for s in trace.neurons if s.z is not None and not math.isfinite(s.z)), None)
        where = f"the weighted sum of {first.name} overflows to {fmt(first.z)}" if first else "the arithmetic overflows"
        raise NotFinite(
            f"{path_text(args.design)}: the outputs are not finite numbers ({', '.join(fmt(v) for v in trace.outputs)}): "
            f"{where}; the weights, biases or inputs are too large"
        )
    if args.trace:
        print(format_trace(trace, design))
    else:
        print(" ".join(fmt(v, 6) for v in trace.outputs))
    return EXIT_OK


def _predict_sequence(args, design) -> int:
    """The outputs at every step of the sequence in a CSV file (a header
    row, then one row per time step, one column per input)."""
    import numpy as np

    from nnsim.data.csv_file import read_table
    from nnsim.design.compile import compile_design
    from nnsim.explain import fmt
    from nnsim.recurrent import reads_sequences
    from nnsim.text import cut, path_text

    if args.inputs or args.trace:
        raise BadInput("--sequence reads the inputs from its file: give no input values and no --trace with it")
    net = compile_design(design).network
    if not reads_sequences(net):
        raise BadInput(f"{path_text(args.design)}: the design has no loop and no recurrent layer, so it reads separate "
                       "samples, not sequences: give the input values instead of --sequence")
    names, values, lines = read_table(args.sequence)
    fname = cut(Path(args.sequence).name)
    if values.shape[1] != net.n_inputs:
        raise BadInput(f"{fname}: {values.shape[1]} column{'s' * (values.shape[1] != 1)} but the design has "
                       f"{net.n_inputs} input{'s' * (net.n_inputs != 1)}: one column per input, one row per step")
    out = net.predict(values[None])[0]
    bad = np.flatnonzero(~np.isfinite(out).all(axis=1))
    if len(bad):
        raise NotFinite(f"{fname}, line {lines[bad[0]]}: the outputs at step {bad[0] + 1} are not finite numbers; "
                        "the weights, biases or inputs are too large")
    for t, row in enumerate(out, start=1):
        print(f"{t} " + " ".join(fmt(v, 6) for v in row))
    return EXIT_OK
def _image_values(design, path: str, invert: bool) -> list[float]:
    """An image file's pixels as the design's image input takes them: its
    channels, resized to its height and width by area averaging, in [0, 1]
    (``invert``: 1 − value, for dark strokes on a light background)."""
    from nnsim.data.image_folder import resize, to_channels
    from nnsim.design.layer_types import options_of
    from nnsim.text import path_text

    images = [layer for layer in design.layers if layer.type == "image"]
    if len(images) != 1:
        raise BadInput(f"'{path_text(path)}': the design has no image input; give the input values as numbers")
    o = options_of(images[0])
    if o["channels"] not in (1, 3):
        raise BadInput(f"'{path_text(path)}': the image input has {o['channels']} channels; images are read as 1 or 3")
    try:
        from nnsim.app.image_files import decode  # Qt reads the file, only when one is given

        pixels = resize(to_channels(decode(path), o["channels"]), o["height"], o["width"])
    except (OSError, ValueError) as e:
        raise BadInput(f"image '{path_text(path)}' cannot be read: {e}") from None
    if invert:
        pixels = 1.0 - pixels
    return pixels.ravel().tolist()


def _examples(args) -> int:
    from nnsim.io import load
    from nnsim.resources import examples_dir

    for path in sorted(examples_dir().glob("*.nnsim")):
        design = load(path)
        first = design.description.split("\n")[0]
        print(f"{path.stem:24} {first}")
    return EXIT_OK


def _export(args) -> int:
    from nnsim.exchange import export
    from nnsim.saving import save_problem

    path, design = _load(args.design)
    problem = save_problem(args.out)
    if problem:
        raise BadInput(f"nnsim export: {problem}")
    for written in export(design, args.to, args.out, float64=args.float64, base_dir=path.parent):
        print(f"wrote {written}")
    return EXIT_OK


def _import(args) -> int:
    from nnsim.io import FormatError, load, save
    from nnsim.saving import save_problem

    if not args.model.lower().endswith(".onnx"):
        raise BadInput(f"nnsim import: {args.model} is not an .onnx file")
    design = load(_design_path(args.model))
    problem = save_problem(args.out)
    if problem:
        raise BadInput(f"nnsim import: {problem}")
    try:
        save(design, args.out)
    except OSError as e:
        raise FormatError(f"cannot write {args.out} ({e.strerror or e})") from None
    print(f"wrote {args.out}")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    from nnsim import __version__

    p = _Parser(
        prog="nnsim",
        usage="nnsim [DESIGN]\n       nnsim {train,predict,examples,export,import} ...",
        description=(
            "Build a neural network by hand and watch it learn. 'nnsim' opens the window; "
            "'nnsim DESIGN' opens it with DESIGN (a .nnsim file or the name of a shipped example). "
            "The commands below need no window."
        ),
        epilog=("Exit status: 0 success, 2 bad input (one line on stderr), 3 the numbers are not finite: "
                "training diverged, or a prediction overflowed (one line on stderr)."),
    )
    p.add_argument("--version", action="version", version=f"nnsim {__version__}")
    p.add_argument("--reset-layout", action="store_true",
                   help="open the window with every panel of every workspace where it was at first start")
    sub = p.add_subparsers(dest="command", prog="nnsim")  # "usage: nnsim train ...", not the main usage
    t = sub.add_parser("train", help="train a design without the window")
    t.add_argument("design", help="a .nnsim file or an example name")
    t.add_argument("--epochs", type=int, help="epochs to train (default: the design's budget)")
    t.add_argument("--seed", type=int, help="seed for the batch order (and --reinit)")
    t.add_argument("--reinit", action="store_true", help="start from new random weights")
    t.add_argument("--save", metavar="OUT", help="write the trained design here")
    t.add_argument("--json", action="store_true", help="print one JSON object")
    pr = sub.add_parser("predict", help="the outputs for one input")
    pr.add_argument("design", help="a .nnsim file or an example name")
    pr.add_argument("inputs", nargs="*", metavar="X", help="the input values, one per input neuron")
    pr.add_argument("--trace", action="store_true", help="show each neuron's arithmetic")
    pr.add_argument("--sequence", metavar="FILE",
                    help="a CSV file of time steps (a header, then one row per step): print the outputs per step")
    pr.add_argument("--invert", action="store_true",
                    help="an image file of dark strokes on a light background: read 1 - each pixel")
    sub.add_parser("examples", help="list the shipped examples")
    ex = sub.add_parser("export", help="write a design as an ONNX model or a PyTorch module")
    ex.add_argument("design", help="a .nnsim file or an example name")
    ex.add_argument("--to", required=True, choices=("onnx", "pytorch"), help="the format")
    ex.add_argument("out", metavar="OUT", help="the file to write (.onnx, or .py with its weights beside it)")
    ex.add_argument("--float64", action="store_true", help="ONNX numbers in float64 (default float32)")
    im = sub.add_parser("import", help="write an ONNX model as a design file")
    im.add_argument("model", metavar="MODEL", help="an .onnx file")
    im.add_argument("out", metavar="OUT", help="the .nnsim file to write")
    for sp in (t, pr, ex, im):
        sp.error = p.error  # one-line errors from sub-commands too
    return p


RESET_LAYOUT = "--reset-layout"


def _open_app(argv: list[str]) -> int:
    cut = argv.index("--") if "--" in argv else len(argv)  # after "--", only names (even "-x.nnsim")
    options, names = argv[:cut], argv[cut + 1:]
    reset_layout = RESET_LAYOUT in options
    options = [a for a in options if a != RESET_LAYOUT]
    if any(a.startswith("-") for a in options):
        _parser().parse_args(options)  # --version, --help, or an error
        return EXIT_OK
    names = options + names
    if len(names) > 1:
        raise BadInput(f"nnsim: give one design to open, not {len(names)}")
    path = None
    if names:
        path = _design_path(names[0])
    from nnsim.display import display_problem

    problem = display_problem()  # before Qt starts: without a display it aborts the process
    if problem:
        raise BadInput(problem)
    try:
        from nnsim.app.main import run_app
    except ImportError:
        print("nnsim: the desktop editor is not part of this build yet; use 'nnsim train' or 'nnsim predict'")
        return EXIT_OK
    return run_app(str(path) if path else None, reset_layout=reset_layout)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from nnsim.data import DataError
    from nnsim.design.validate import DesignError
    from nnsim.exchange import ExportError
    from nnsim.io import FormatError

    try:
        if not argv or argv[0] not in COMMANDS:
            return _open_app(argv)
        args = _parser().parse_args(argv)
        import numpy as np

        # Overflow in a weighted sum is reported in one line (predict) or as
        # divergence (train), not as NumPy warnings on stderr.
        with np.errstate(all="ignore"):
            return {"train": _train, "predict": _predict, "examples": _examples,
                    "export": _export, "import": _import}[args.command](args)
    except (BadInput, FormatError, DesignError, DataError, ExportError) as e:
        print(str(e).splitlines()[0] if str(e) else type(e).__name__, file=sys.stderr)
        return EXIT_BAD_INPUT
    except NotFinite as e:
        print(f"nnsim: {e}", file=sys.stderr)
        return EXIT_NOT_FINITE
    except KeyboardInterrupt:
        print("nnsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
