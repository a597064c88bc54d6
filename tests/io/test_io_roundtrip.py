"""Property tests: any valid design survives the .nnsim format exactly.

Random designs (layers of every kind, neurons with awkward floats, feed-forward
connections with skips, frozen flags, every training setting, data sets of
every source, history records) go through ``dumps``/``loads`` and through a
file, and come back equal, every float bit for bit (``==`` alone would let
-0.0 become 0.0).
"""

from __future__ import annotations

import dataclasses
import json
import math
import struct
from dataclasses import fields, is_dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnsim.data.logic import LOGIC_NAMES
from nnsim.data.playground import PLAYGROUND_NAMES
from nnsim.design.model import (
    Activation,
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
)
from nnsim.io import FormatError, design_from_dict, design_to_dict, dumps, load, loads, save
from nnsim.io.format import MAX_BATCH, MAX_EPOCHS, MAX_ID

SEED_MAX = 2**63 - 1

# Floats that tend to break formats: signed zeros, subnormals, the extremes,
# values with no short decimal form, integers beyond 2**53.
TRICKY = [
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    1e-310,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    0.1,
    1 / 3,
    -2 / 3,
    9007199254740993.0,
    1e22,
    1e23,
    123456789.123456789,
]

finite = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(TRICKY))
positive = st.one_of(
    st.floats(min_value=0.0, exclude_min=True, allow_infinity=False),
    st.sampled_from([x for x in TRICKY if x > 0]),
)
nonnegative = st.one_of(
    st.floats(min_value=0.0, allow_infinity=False),
    st.sampled_from([x for x in TRICKY if x >= 0] + [-0.0]),
)
below_one = st.one_of(  # [0, 1): momentum and Adam's betas
    st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    st.sampled_from([x for x in TRICKY if 0 <= x < 1] + [-0.0, 0.999, 1 - 2**-53]),
)
ratios = st.one_of(st.floats(min_value=0.0, max_value=1.0, exclude_min=True), st.sampled_from([5e-324, 1.0, 0.1]))
noises = st.one_of(st.floats(min_value=0.0, max_value=0.5), st.sampled_from([-0.0, 5e-324, 0.5]))
text = st.text(max_size=12)
paths = text.filter(lambda s: "\0" not in s)  # no file name holds a NUL
seeds = st.integers(0, SEED_MAX)
NON_SOFTMAX = [a for a in Activation if a != Activation.SOFTMAX]


@st.composite
def training_settings(draw) -> TrainingSettings:
    return TrainingSettings(
        rule=draw(st.sampled_from(LearningRule)),
        learning_rate=draw(positive),
        batch_size=draw(st.integers(1, MAX_BATCH)),
        optimizer=draw(st.sampled_from(Optimizer)),
        momentum=draw(below_one),
        beta1=draw(below_one),
        beta2=draw(below_one),
        epsilon=draw(positive),
        loss=draw(st.sampled_from(Loss)),
        regularization=draw(st.sampled_from(Regularization)),
        regularization_rate=draw(nonnegative),
        init=draw(st.sampled_from(Init)),
        epochs=draw(st.integers(0, MAX_EPOCHS)),
        seed=draw(seeds),
        target_loss=draw(st.none() | nonnegative),
        stop_after_epochs=draw(st.booleans()),
    )


def _spec(**kw):
    return st.builds(
        DatasetSpec,
        noise=noises,
        train_ratio=ratios,
        seed=seeds,
        points=st.none() | st.integers(1, 10_000_000),
        normalize=st.booleans(),
        **kw,
    )


dataset_specs = st.one_of(
    _spec(source=st.just("playground"), name=st.sampled_from(PLAYGROUND_NAMES)),
    _spec(source=st.just("logic"), name=st.sampled_from(LOGIC_NAMES)),
    _spec(source=st.just("iris")),
    _spec(
        source=st.just("csv"),
        path=paths,
        targets=st.lists(text, max_size=3),
        task=st.sampled_from(["classification", "regression"]),
    ),
    # The loader keeps any text here (training refuses unknown sources).
    _spec(source=text, name=text, path=paths, targets=st.lists(text, max_size=3), task=text),
)

history_records = st.builds(
    HistoryRecord,
    epoch=st.integers(0, MAX_EPOCHS),
    step=seeds,
    train_loss=finite,
    test_loss=st.none() | finite,
    train_accuracy=st.none() | finite,
    test_accuracy=st.none() | finite,
    losses=st.dictionaries(st.sampled_from(["generator", "discriminator", "x"]), finite, max_size=2),
)


@st.composite
def designs(draw, max_layers: int = 6, max_size: int = 4) -> Design:
    kinds = draw(st.lists(st.sampled_from(LayerKind), max_size=max_layers))
    sizes = [draw(st.integers(0, max_size)) for _ in kinds]
    total = len(kinds) + sum(sizes)
    # Ids: any distinct ones, in no particular order.
    ids = draw(st.lists(st.integers(1, MAX_ID), min_size=total, max_size=total, unique=True))
    layers, neurons, order = [], [], {}
    for index, kind in enumerate(kinds):
        layer = Layer(id=ids.pop(), name=draw(text), kind=kind, activation=draw(st.sampled_from(Activation)),
                      group=draw(st.sampled_from(["", "generator", "discriminator"])))
        layers.append(layer)
        order[layer.id] = index
        # A softmax layer's neurons must all be softmax; others must not be.
        own = [None, Activation.SOFTMAX] if layer.activation == Activation.SOFTMAX else [None, *NON_SOFTMAX]
        for _ in range(sizes[index]):
            neurons.append(
                Neuron(
                    id=ids.pop(),
                    layer=layer.id,
                    label=draw(text),
                    bias=draw(finite),
                    activation=draw(st.sampled_from(own)),
                    threshold=draw(finite),
                    x=draw(finite),
                    y=draw(finite),
                )
            )
    neurons = draw(st.permutations(neurons))  # layers' neurons interleaved in the list
    kind_of = {layer.id: layer.kind for layer in layers}
    # Feed-forward: only from a lower layer index to a higher one (skips
    # allowed), never into an input neuron nor out of an output neuron.
    candidates = [
        (s.id, t.id)
        for s in neurons
        for t in neurons
        if order[s.layer] < order[t.layer]
        and kind_of[s.layer] != LayerKind.OUTPUT
        and kind_of[t.layer] != LayerKind.INPUT
    ]
    pairs = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=30)) if candidates else []
    connections = [Connection(s, t, draw(finite), draw(st.booleans())) for s, t in pairs]
    return Design(
        name=draw(text),
        description=draw(st.text(max_size=40)),
        layers=layers,
        neurons=neurons,
        connections=connections,
        training=draw(training_settings()),
        dataset=draw(dataset_specs),
        history=draw(st.lists(history_records, max_size=5)),
    )


# -- exact comparison ------------------------------------------------------------
def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def assert_identical(a, b, where: str = "design") -> None:
    """Equal, with the same types, and every float the same bit pattern."""
    if is_dataclass(a):
        assert type(a) is type(b), where
        for f in fields(a):
            assert_identical(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert type(b) is float, f"{where}: {b!r} is not a float"
        assert _bits(a) == _bits(b), f"{where}: {a.hex()} became {b.hex()}"
    else:
        assert type(a) is type(b) and a == b, f"{where}: {a!r} became {b!r}"


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(designs())
def test_text_round_trip_is_exact(design):
    text = dumps(design)
    back = loads(text)
    assert back == design
    assert_identical(back, design)
    assert dumps(back) == text  # and writing it again gives the same text


@SETTINGS
@given(designs())
def test_dict_round_trip_is_exact(design):
    data = design_to_dict(design)
    assert data["format_version"] == 3
    back = design_from_dict(json.loads(json.dumps(data, allow_nan=False)))
    assert_identical(back, design)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(design=designs(), include_history=st.booleans())
def test_file_round_trip_is_exact(tmp_path_factory, design, include_history):
    path = tmp_path_factory.mktemp("rt") / "design.nnsim"
    save(design, path, include_history=include_history)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n")
    raw.decode("utf-8")  # strict UTF-8
    back = load(path)
    expected = design if include_history else dataclasses.replace(design, history=[])
    assert_identical(back, expected)
    save(back, path, include_history=include_history)  # overwrite: same bytes
    assert path.read_bytes() == raw


def _float_paths(data, where=""):
    """Paths (list of keys) of every float in a JSON-ready dict."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _float_paths(v, f"{where}.{k}" if where else k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _float_paths(v, f"{where}[{i}]")
    elif isinstance(data, float):
        yield where


def _set(data, path: str, value):
    import re

    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    for k in keys[:-1]:
        data = data[k]
    data[keys[-1]] = value


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(design=designs(), data=st.data())
def test_any_number_made_nan_or_infinite_is_refused_where_it_is(design, data):
    d = design_to_dict(design)
    paths = sorted(_float_paths(d))
    path = data.draw(st.sampled_from(paths))
    bad = data.draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    _set(d, path, bad)
    text = json.dumps(d, allow_nan=True)  # writes NaN / Infinity / -Infinity
    with pytest.raises(FormatError) as e:
        loads(text, "bad.nnsim")
    msg = str(e.value)
    assert "\n" not in msg and len(msg.splitlines()) == 1
    assert msg.startswith(f"bad.nnsim: {path}: ")
    assert ("NaN" if math.isnan(bad) else "Infinity") in msg


@SETTINGS
@given(designs())
def test_saving_never_changes_the_design(design):
    before = design.copy()
    dumps(design)
    assert_identical(design, before)
