"""The .nnsim format: a design as a JSON-ready dict and back.

Reading is strict and explains itself: every problem raises ``FormatError``
with one line naming the place (``neurons[3].activation``) and the problem.
Nothing in a file is ever executed or unpickled. Files from older format
versions are migrated step by step (``MIGRATIONS``); files from newer versions
are refused with a sentence saying so. See docs/file-format.md.
"""

from __future__ import annotations

import enum
import math
from dataclasses import fields
from typing import Any, Callable

import numpy as np

from nnsim.design.layer_types import MAX_ARRAY_SIZE, TYPES
from nnsim.design.model import (
    Activation,
    ArrayValue,
    Link,
    Connection,
    DatasetSpec,
    Design,
    HistoryRecord,
    Init,
    Layer,
    LayerKind,
    LearningRule,
    Loss,
    Neuron,
    Optimizer,
    Regularization,
    TrainingSettings,
    TrainingState,
)
from nnsim.design.settings import MAX_BATCH, MAX_EPOCHS, MAX_STEPS, path_problem
from nnsim.design.validate import DesignError, check_design
from nnsim.io.fields import (
    FormatError,
    _bool,
    _enum,
    _float,
    _int_in,
    _kind,
    _list,
    _opt_float,
    _ranged,
    _Reader,
    _str,
    _whole,
)
from nnsim.io.gan_format import gan_record, read_drawn, read_gan
from nnsim.text import quote

FORMAT_VERSION = 3

# Sizes beyond which a file is refused as absurd rather than read.
LIMITS = {"layers": 10_000, "neurons": 100_000, "connections": 2_000_000, "links": 10_000, "history": 1_000_000,
          "parameters": 100_000}
MAX_ID = 2**31 - 1
__all__ = ["FORMAT_VERSION", "LIMITS", "MAX_BATCH", "MAX_EPOCHS", "MAX_ID", "MAX_STEPS", "FormatError", "MIGRATIONS"]


def _v1_to_v2(data: dict) -> dict:
    """Version 2 gave layers a type (every layer of version 1 is dense) and
    added optional fields with defaults: a layer's options, arrays and group,
    a connection's delay, a history record's named losses."""
    for layer in _Reader(data, "").get("layers", _list, []):
        if isinstance(layer, dict):
            layer.setdefault("type", "dense")
    return data


def _v2_to_v3(data: dict) -> dict:
    """Version 3 added the optional training state (the optimizer's memory
    and the place in the epoch): a version-2 file has none, and its training
    continues with a fresh optimizer, as it always did."""
    return data


# Version n -> function turning a version-n dict into a version n+1 dict.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2, 2: _v2_to_v3}


# -- writing -------------------------------------------------------------------
def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _record(obj, skip: tuple[str, ...] = ()) -> dict:
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj) if f.name not in skip}


def _layer_record(layer: Layer) -> dict:
    """Type and options always (a type's options, defaults filled in);
    arrays and group only where there are any."""
    out = _record(layer, skip=("options", "arrays", "group", "x", "y"))
    kind = TYPES.get(layer.type)
    if kind is not None and kind.options:
        out["options"] = kind.written_options(layer.options)
    elif layer.options:
        out["options"] = dict(layer.options)
    if layer.arrays:
        out["arrays"] = {name: _array_record(a) for name, a in layer.arrays.items()}
    if layer.group:
        out["group"] = layer.group
    if kind is not None and kind.drawn == "block":
        out["x"], out["y"] = layer.x, layer.y
    return out


def _array_record(a: ArrayValue) -> dict:
    return {"shape": list(a.shape), "values": a.values.ravel().tolist()}


def _link_record(link: Link) -> dict:
    out = {"source": link.source, "target": link.target}
    if link.weights is not None:
        out["weights"] = _array_record(link.weights)
    if link.frozen:
        out["frozen"] = True
    return out


def _connection_record(c: Connection) -> dict:
    return _record(c, skip=() if c.delay else ("delay",))


def _history_record(h: HistoryRecord) -> dict:
    # An optional measurement that is not finite (a test loss that overflowed)
    # is written as null: JSON has no NaN or Infinity.
    out = _record(h, skip=() if h.losses else ("losses",))
    for name in ("test_loss", "train_accuracy", "test_accuracy"):
        v = out[name]
        if isinstance(v, float) and not math.isfinite(v):
            out[name] = None
    return out


_LATER_DATASET_FIELDS = ("scale_targets", "window", "horizon", "inputs", "targets_at")
_DEFAULT_SPEC = DatasetSpec()


def _dataset_record(spec: DatasetSpec) -> dict:
    """Drawn points and CSV text only where there are some."""
    # Fields added later are written only where they are not their default,
    # so a design that does not use them is written as before.
    later = tuple(f for f in _LATER_DATASET_FIELDS if getattr(spec, f) == getattr(_DEFAULT_SPEC, f))
    out = {**_record(spec, skip=("drawn", "csv_text") + later), "targets": list(spec.targets)}
    if "inputs" in out:
        out["inputs"] = list(spec.inputs)
    if spec.drawn:
        out["drawn"] = [[float(x), float(y)] for x, y in spec.drawn]
    if spec.csv_text and spec.source == "csv":  # another source has no use for it
        out["csv_text"] = spec.csv_text
    return out


def _state_record(st: TrainingState) -> dict:
    out = _record(st, skip=("arrays",))
    out["arrays"] = {moment: {name: _array_record(a) for name, a in by_name.items()}
                     for moment, by_name in st.arrays.items()}
    return out


def design_to_dict(design: Design, include_history: bool = True, include_state: bool = True) -> dict:
    """The design as plain JSON values (with its training state unless
    ``include_state`` is False). Raises DesignError if a number is not
    finite, so no file ever holds NaN, or if nnsim could not read the result
    back (a value outside what the loader accepts)."""
    check_design(design)
    out = {
        "format_version": FORMAT_VERSION,
        "name": design.name,
        "description": design.description,
        "layers": [_layer_record(layer) for layer in design.layers],
        "neurons": [_record(n) for n in design.neurons],
        "connections": [_connection_record(c) for c in design.connections],
        **({"links": [_link_record(k) for k in design.links]} if design.links else {}),
        "training": _record(design.training),
        "dataset": _dataset_record(design.dataset),
    }
    if design.gan is not None:

        out["gan"] = gan_record(design.gan)
    for name in ("learning_rate", "momentum", "beta1", "beta2", "epsilon", "regularization_rate"):
        if not math.isfinite(out["training"][name]):
            raise DesignError(f"training.{name} is {out['training'][name]}, not a finite number")
    if include_history:
        out["history"] = [_history_record(h) for h in design.history if math.isfinite(h.train_loss)]
    if include_state and design.training_state is not None:
        out["training_state"] = _state_record(design.training_state)
    # Never write a file the loader would refuse: run its field checks.
    try:
        _read(out)
    except FormatError as e:
        raise DesignError(str(e)) from None
    return out


# -- reading -------------------------------------------------------------------
_ID = _int_in(1, MAX_ID)


def _layer(obj, path) -> Layer:
    r = _Reader(obj, path)
    type_name = r.get("type", _str, "dense")
    if type_name not in TYPES:
        raise FormatError(f"{r._where('type')}: unknown layer type {quote(type_name)} (known: {', '.join(TYPES)})")
    return Layer(
        id=r.get("id", _ID),
        name=r.get("name", _str, ""),
        kind=r.get("kind", _enum(LayerKind, "layer kind")),
        activation=r.get("activation", _enum(Activation, "activation"), Activation.TANH),
        type=type_name,
        options=r.get("options", _options(TYPES[type_name]), {}),
        arrays=r.get("arrays", _arrays, {}),
        group=r.get("group", _str, ""),
        x=r.get("x", _float, 0.0),
        y=r.get("y", _float, 0.0),
    )


def _options(kind):
    """A layer type's options: only those it has, each in its range."""
    def check(v, where):
        if not isinstance(v, dict):
            raise FormatError(f"{where}: expected an object, found {_kind(v)}")
        out = {}
        for name, value in v.items():
            option = kind.option(name)
            if option is None:
                known = ", ".join(o.name for o in kind.options) or "none"
                raise FormatError(f"{where}: {kind.title.lower()}s have no option {quote(name)} (their options: {known})")
            problem = option.problem(value)
            if problem:
                raise FormatError(f"{where}.{name}: {problem}")
            out[name] = int(value) if option.kind is int and not isinstance(value, bool) else value
        return {**kind.defaults(), **out}  # every option, as the writer writes them

    return check


def _link(obj, path) -> Link:
    r = _Reader(obj, path)
    return Link(
        source=r.get("source", _ID),
        target=r.get("target", _ID),
        weights=r.get("weights", _array, None),
        frozen=r.get("frozen", _bool, False),
    )


def _arrays(v, where) -> dict[str, ArrayValue]:
    """Named arrays (see ``_array``)."""
    if not isinstance(v, dict):
        raise FormatError(f"{where}: expected an object, found {_kind(v)}")
    return {name: _array(item, f"{where}.{name}") for name, item in v.items()}


def _array(item, at) -> ArrayValue:
    """One array, ``{"shape": [...], "values": [...]}`` with the values in
    row-major order. Checked in time linear in its size."""
    r = _Reader(item, at)
    shape = r.get("shape", _list)
    if not 1 <= len(shape) <= 6:
        raise FormatError(f"{at}.shape: {len(shape)} dimensions; an array has 1 to 6")
    dims = [_int_in(1, MAX_ARRAY_SIZE)(s, f"{at}.shape[{i}]") for i, s in enumerate(shape)]
    size = 1
    for d in dims:
        size *= d
        if size > MAX_ARRAY_SIZE:
            raise FormatError(f"{at}.shape: more than {MAX_ARRAY_SIZE:,} numbers")
    values = r.get("values", _list)
    if len(values) != size:
        raise FormatError(f"{at}.values: {len(values):,} numbers for a shape of {size:,}")
    for i, x in enumerate(values):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            _float(x, f"{at}.values[{i}]")  # says what is wrong
    return ArrayValue(np.array(values, dtype=np.float64).reshape(dims))


def _neuron(obj, path) -> Neuron:
    r = _Reader(obj, path)
    return Neuron(
        id=r.get("id", _ID),
        layer=r.get("layer", _ID),
        label=r.get("label", _str, ""),
        bias=r.get("bias", _float, 0.0),
        activation=r.get("activation", _enum(Activation, "activation", optional=True), None),
        threshold=r.get("threshold", _float, 0.0),
        x=r.get("x", _float, 0.0),
        y=r.get("y", _float, 0.0),
    )


def _connection(obj, path) -> Connection:
    r = _Reader(obj, path)
    return Connection(
        source=r.get("source", _ID),
        target=r.get("target", _ID),
        weight=r.get("weight", _float),
        frozen=r.get("frozen", _bool, False),
        delay=r.get("delay", _int_in(0, 1), 0),
    )


def _path(v, where):
    v = _str(v, where)
    problem = path_problem(v)
    if problem:
        raise FormatError(f"{where}: {problem}")
    return v


def _training(obj, path) -> TrainingSettings:
    r = _Reader(obj, path)
    d = TrainingSettings()
    return TrainingSettings(
        rule=r.get("rule", _enum(LearningRule, "learning rule"), d.rule),
        learning_rate=r.get("learning_rate", _ranged("training.learning_rate"), d.learning_rate),
        batch_size=r.get("batch_size", _whole("training.batch_size"), d.batch_size),
        optimizer=r.get("optimizer", _enum(Optimizer, "optimizer"), d.optimizer),
        momentum=r.get("momentum", _ranged("training.momentum"), d.momentum),
        beta1=r.get("beta1", _ranged("training.beta1"), d.beta1),
        beta2=r.get("beta2", _ranged("training.beta2"), d.beta2),
        epsilon=r.get("epsilon", _ranged("training.epsilon"), d.epsilon),
        loss=r.get("loss", _enum(Loss, "loss"), d.loss),
        regularization=r.get("regularization", _enum(Regularization, "regularization"), d.regularization),
        regularization_rate=r.get(
            "regularization_rate", _ranged("training.regularization_rate"), d.regularization_rate
        ),
        init=r.get("init", _enum(Init, "initialisation"), d.init),
        epochs=r.get("epochs", _whole("training.epochs"), d.epochs),
        seed=r.get("seed", _whole("training.seed"), d.seed),
        target_loss=r.get("target_loss", _ranged("training.target_loss", optional=True), d.target_loss),
        stop_after_epochs=r.get("stop_after_epochs", _bool, d.stop_after_epochs),
        bptt_steps=r.get("bptt_steps", _whole("training.bptt_steps"), d.bptt_steps),
        gradient_clip=r.get("gradient_clip", _ranged("training.gradient_clip"), d.gradient_clip),
    )


def _dataset(obj, path) -> DatasetSpec:
    r = _Reader(obj, path)
    d = DatasetSpec()
    targets = r.get("targets", _list, [])
    return DatasetSpec(
        source=r.get("source", _str, d.source),
        name=r.get("name", _str, d.name),
        noise=r.get("noise", _ranged("dataset.noise"), d.noise),
        train_ratio=r.get("train_ratio", _ranged("dataset.train_ratio"), d.train_ratio),
        seed=r.get("seed", _whole("dataset.seed"), d.seed),
        points=r.get("points", _whole("dataset.points", optional=True), d.points),
        path=r.get("path", _path, d.path),
        targets=[_str(t, f"{r._where('targets')}[{i}]") for i, t in enumerate(targets)],
        task=r.get("task", _str, d.task),
        normalize=r.get("normalize", _bool, d.normalize),
        drawn=r.get("drawn", read_drawn, []),
        scale_targets=r.get("scale_targets", _bool, d.scale_targets),
        window=r.get("window", _whole("dataset.window"), d.window),
        horizon=r.get("horizon", _whole("dataset.horizon"), d.horizon),
        inputs=[_str(t, f"{r._where('inputs')}[{i}]") for i, t in enumerate(r.get("inputs", _list, []))],
        targets_at=r.get("targets_at", _str, d.targets_at),
        csv_text=r.get("csv_text", _csv_text, ""),
    )


MAX_CSV_TEXT_BYTES = 256 * 1024 * 1024  # as a CSV file read from disk (nnsim.data.csv_file.MAX_CSV_BYTES)


def _csv_text(v, where):
    """A CSV file's text kept in the design: text without NUL, at most
    MAX_CSV_TEXT_BYTES in UTF-8 (a character is at least one byte, so the
    length is checked before anything is encoded)."""
    v = _str(v, where)
    if len(v) > MAX_CSV_TEXT_BYTES or len(v.encode("utf-8")) > MAX_CSV_TEXT_BYTES:
        raise FormatError(f"{where}: more than {MAX_CSV_TEXT_BYTES:,} bytes of CSV text (the most a CSV file can be)")
    if "\0" in v:
        raise FormatError(f"{where}: CSV text cannot hold a NUL character")
    return v


def _history(obj, path) -> HistoryRecord:
    r = _Reader(obj, path)
    return HistoryRecord(
        epoch=r.get("epoch", _int_in(0, MAX_EPOCHS)),
        step=r.get("step", _int_in(0, MAX_STEPS)),
        train_loss=r.get("train_loss", _float),
        test_loss=r.get("test_loss", _opt_float, None),
        train_accuracy=r.get("train_accuracy", _opt_float, None),
        test_accuracy=r.get("test_accuracy", _opt_float, None),
        losses=r.get("losses", _losses, {}),
    )


def _training_state(obj, path) -> TrainingState:
    r = _Reader(obj, path)
    arrays = r.get("arrays", _state_arrays, {})
    return TrainingState(
        epoch=r.get("epoch", _int_in(0, MAX_EPOCHS)),
        step=r.get("step", _int_in(0, MAX_STEPS)),
        position=r.get("position", _int_in(0, MAX_ID), 0),
        optimizer=r.get("optimizer", _enum(Optimizer, "optimizer")),
        t=r.get("t", _int_in(0, MAX_STEPS), 0),
        arrays=arrays,
    )


def _state_arrays(v, where) -> dict[str, dict[str, ArrayValue]]:
    """The optimizer's vectors: by moment, then by parameter name."""
    if not isinstance(v, dict):
        raise FormatError(f"{where}: expected an object, found {_kind(v)}")
    if len(v) > 8:
        raise FormatError(f"{where}: {len(v)} moments; an optimizer keeps a few")
    out = {}
    for moment, by_name in v.items():
        if not isinstance(by_name, dict):
            raise FormatError(f"{where}.{moment}: expected an object, found {_kind(by_name)}")
        if len(by_name) > LIMITS["parameters"]:
            raise FormatError(f"{where}.{moment}: more than {LIMITS['parameters']:,} arrays")
        out[moment] = _arrays(by_name, f"{where}.{moment}")
    return out


def _losses(v, where) -> dict[str, float]:
    if not isinstance(v, dict):
        raise FormatError(f"{where}: expected an object, found {_kind(v)}")
    return {_str(k, where): _float(x, f"{where}.{k}") for k, x in v.items()}


def migrate(data: dict) -> dict:
    """Bring a parsed file of any version this nnsim knows up to FORMAT_VERSION."""
    version = _Reader(data, "").get("format_version", _int_in(1, MAX_ID))
    if version > FORMAT_VERSION:
        raise FormatError(
            f"format version {version} was written by a newer nnsim; this one reads up to "
            f"version {FORMAT_VERSION}: update nnsim to open it"
        )
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise FormatError(f"format version {version} is no longer supported by this nnsim")
        try:
            data = step(data)
        except FormatError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as e:
            # A migration meets an old file that was malformed to begin with.
            raise FormatError(
                f"format version {version}: the file cannot be brought up to version {version + 1} "
                f"({type(e).__name__}: {e})"
            ) from None
        version += 1
        data = _Reader(data, "").obj
        data["format_version"] = version
    return data


def design_from_dict(data: Any) -> Design:
    """Build a design from parsed JSON, migrating older versions; raises
    FormatError naming the first problem."""
    design = _read(migrate(_Reader(data, "").obj))
    try:
        check_design(design)
    except DesignError as e:
        raise FormatError(str(e)) from None
    return design


def _read(data: dict) -> Design:
    """The design a current-version dict describes, each field checked, but
    not yet its structure (ids, connections: ``check_design``)."""
    r = _Reader(data, "")
    return Design(
        name=r.get("name", _str, "Untitled"),
        description=r.get("description", _str, ""),
        layers=[_layer(o, p) for o, p in r.list_of("layers", LIMITS["layers"])],
        neurons=[_neuron(o, p) for o, p in r.list_of("neurons", LIMITS["neurons"])],
        connections=[_connection(o, p) for o, p in r.list_of("connections", LIMITS["connections"])],
        links=[_link(o, p) for o, p in r.list_of("links", LIMITS["links"], required=False)],
        training=r.get("training", _training, TrainingSettings()),
        dataset=r.get("dataset", _dataset, DatasetSpec()),
        history=[_history(o, p) for o, p in r.list_of("history", LIMITS["history"], required=False)],
        gan=r.get("gan", read_gan, None),
        training_state=r.get("training_state", _training_state, None),
    )
