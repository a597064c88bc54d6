"""docs/nnsim.schema.json and docs/file-format.md stay in step with the code.

The schema's enumerations, fields, defaults, required fields and limits are
compared with the model and the loader; what nnsim writes (built designs, the
shipped examples, the documented examples, the v1 sample) must satisfy the
schema; and files the loader refuses for their shape are refused by the
schema too. The check uses a small validator written here (type, required,
enum, const, properties, additionalProperties, items, anyOf, $ref, minimum,
maximum, exclusiveMinimum, exclusiveMaximum, maxItems, maxLength, pattern);
jsonschema (in the test extra) checks as well.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import json
import re
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from nnsim.engine.adversarial import GanLoss, GanSettings, Noise, PlayerSettings

import nnsim.io.format as fmt
from nnsim.design.build import add_layer, connect_all, initialize, layered
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
    TrainingState,
)
from nnsim.io import FormatError, design_from_dict, design_to_dict, load, loads

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCHEMA = json.loads((DOCS / "nnsim.schema.json").read_text(encoding="utf-8"))
SAMPLES = sorted((Path(__file__).parent / "samples").glob("*.nnsim"))


# -- a small JSON Schema validator ------------------------------------------------------
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "default", "examples", "$comment"}
KEYWORDS = {
    "type", "required", "enum", "const", "properties", "additionalProperties", "items",
    "anyOf", "$ref", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxItems", "minItems",
    "maxLength", "pattern",
}  # fmt: skip


def _is_type(value, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    if isinstance(value, bool):
        return False
    if name == "number":
        return isinstance(value, (int, float))
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    raise AssertionError(f"unknown type {name}")


def _json_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b and (a is None) == (b is None)


def errors(value, schema: dict, root: dict = SCHEMA, where: str = "") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty: valid)."""
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    assert not unknown, f"the test validator does not know {unknown}"
    out = []
    at = where or "(top)"
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        out += errors(value, root["$defs"][ref[len("#/$defs/") :]], root, where)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return out + [f"{at}: {value!r} is not of type {types}"]
    if "enum" in schema and not any(_json_equal(value, e) for e in schema["enum"]):
        out.append(f"{at}: {value!r} is not one of {schema['enum']}")
    if "const" in schema and not _json_equal(value, schema["const"]):
        out.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "anyOf" in schema and not any(not errors(value, s, root, where) for s in schema["anyOf"]):
        out.append(f"{at}: {value!r} matches none of anyOf")
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric and "minimum" in schema and not value >= schema["minimum"]:
        out.append(f"{at}: {value!r} < minimum {schema['minimum']}")
    if numeric and "maximum" in schema and not value <= schema["maximum"]:
        out.append(f"{at}: {value!r} > maximum {schema['maximum']}")
    if numeric and "exclusiveMinimum" in schema and not value > schema["exclusiveMinimum"]:
        out.append(f"{at}: {value!r} <= exclusiveMinimum {schema['exclusiveMinimum']}")
    if numeric and "exclusiveMaximum" in schema and not value < schema["exclusiveMaximum"]:
        out.append(f"{at}: {value!r} >= exclusiveMaximum {schema['exclusiveMaximum']}")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{at}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{at}: does not match {schema['pattern']!r}")
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{at}: more than {schema['maxItems']} items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append(f"{at}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                out += errors(item, schema["items"], root, f"{where}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{at}: missing {key!r}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            sub = f"{where}.{key}" if where else key
            if key in props:
                out += errors(item, props[key], root, sub)
            elif extra is False:
                out.append(f"{at}: unexpected field {key!r}")
            elif isinstance(extra, dict):
                out += errors(item, extra, root, sub)
    return out


def assert_valid(value) -> None:
    problems = errors(value, SCHEMA)
    assert not problems, problems
    jsonschema.Draft202012Validator(SCHEMA).validate(value)


def test_schema_is_a_2020_12_schema_the_validator_understands():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # errors() refuses keywords it does not check; walk every subschema once.
    errors({}, SCHEMA)
    for sub in SCHEMA["$defs"].values():
        errors(None, sub)


def test_schema_is_valid_for_jsonschema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


# -- the schema matches the code ----------------------------------------------------------
ENUMS = {
    "layerKind": LayerKind,
    "activation": Activation,
    "learningRule": LearningRule,
    "optimizer": Optimizer,
    "loss": Loss,
    "regularization": Regularization,
    "init": Init,
    "ganLoss": GanLoss,
    "noise": Noise,
}
OBJECTS = {
    "layer": Layer,
    "neuron": Neuron,
    "connection": Connection,
    "training": TrainingSettings,
    "dataset": DatasetSpec,
    "historyRecord": HistoryRecord,
    "ganPlayer": PlayerSettings,
    "trainingState": TrainingState,
}


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_enum_lists_equal_the_python_enums(name):
    assert SCHEMA["$defs"][name]["enum"] == [m.value for m in ENUMS[name]]


def test_every_enum_of_the_model_is_in_the_schema():
    import nnsim.design.model as model
    import nnsim.engine.adversarial as adversarial
    import nnsim.engine.vocab as vocab

    in_model = {
        obj
        for module in (model, vocab, adversarial)  # the design's words, and the engine's it re-exports
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == module.__name__
    }
    assert in_model == set(ENUMS.values())


def test_layer_types_in_the_schema_are_the_registry():
    from nnsim.design.layer_types import TYPES

    assert SCHEMA["$defs"]["layerType"]["enum"] == list(TYPES)


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        v = f.default
    elif f.default_factory is not dataclasses.MISSING:
        v = f.default_factory()
    else:
        return dataclasses.MISSING
    return v.value if isinstance(v, enum.Enum) else v


def test_gan_section_and_its_defaults_match_the_model():
    from nnsim.io.gan_format import gan_record

    schema = SCHEMA["$defs"]["gan"]
    fields = dataclasses.fields(GanSettings)
    assert list(schema["properties"]) == [f.name for f in fields]
    defaults = gan_record(GanSettings())
    for name, prop in schema["properties"].items():
        assert _same(prop["default"], defaults[name]), name


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_object_fields_and_defaults_match_the_model(name):
    schema = SCHEMA["$defs"][name]
    assert schema["additionalProperties"] is False
    fields = dataclasses.fields(OBJECTS[name])
    assert list(schema["properties"]) == [f.name for f in fields]  # same names, same order as written
    for f in fields:
        prop = schema["properties"][f.name]
        if f.name in schema.get("required", []):
            assert "default" not in prop, f.name
        else:
            assert "default" in prop, f"{name}.{f.name} has no default in the schema"
            if _default(f) is not dataclasses.MISSING:  # (Layer.name has none in the model)
                assert _same(prop["default"], _default(f)), f.name


def test_top_level_matches_the_model():
    props = list(SCHEMA["properties"])
    assert props == ["format_version"] + [f.name for f in dataclasses.fields(Design)]
    assert SCHEMA["properties"]["format_version"]["const"] == fmt.FORMAT_VERSION
    assert SCHEMA["properties"]["name"]["default"] == Design().name
    for key in ("layers", "neurons", "connections", "history"):
        assert SCHEMA["properties"][key]["maxItems"] == fmt.LIMITS[key]


def test_ranges_match_the_loader():
    d = SCHEMA["$defs"]
    assert d["id"]["minimum"] == 1 and d["id"]["maximum"] == fmt.MAX_ID
    t = d["training"]["properties"]
    assert t["batch_size"]["maximum"] == fmt.MAX_BATCH
    assert t["epochs"]["maximum"] == fmt.MAX_EPOCHS
    assert d["historyRecord"]["properties"]["epoch"]["maximum"] == fmt.MAX_EPOCHS


def test_setting_ranges_match_the_loaders_table():
    import math

    from nnsim.design.settings import NUMBERS, WHOLE

    d = SCHEMA["$defs"]
    for key, allowed in NUMBERS.items():
        section, name = key.split(".")
        prop = d[section]["properties"][name]
        assert prop.get("exclusiveMinimum" if allowed.low_open else "minimum") == allowed.low, key
        if allowed.high == math.inf:
            assert "maximum" not in prop and "exclusiveMaximum" not in prop, key
        else:
            assert prop.get("exclusiveMaximum" if allowed.high_open else "maximum") == allowed.high, key
    for key, (low, high) in WHOLE.items():
        section, name = key.split(".")
        prop = d[section]["properties"][name]
        prop = next((p for p in prop.get("anyOf", [prop]) if p.get("type") == "integer"), prop)
        assert (prop["minimum"], prop["maximum"]) == (low, high), key


def _full_dict() -> dict:
    """A design dict with every optional field present and a history record."""
    d = layered([2, 2, 1])
    d.history = [HistoryRecord(1, 5, 0.5, 0.4, 0.75, 0.5)]
    d.dataset.points = 100
    d.training.target_loss = 0.01
    d.training.stop_after_epochs = True
    d.neurons[-1].activation = Activation.SIGMOID
    d.layers[0].group = "net"
    d.history[0].losses = {"generator": 0.25}
    d.gan = GanSettings()
    d.dataset.drawn = [(0.25, 0.5)]
    d.dataset.scale_targets = True  # written only when on
    d.dataset.window, d.dataset.horizon, d.dataset.inputs, d.dataset.targets_at = 12, 1, ["a"], "last_step"
    out = design_to_dict(d)
    out["connections"][0]["delay"] = 0  # written only when not 0
    out["dataset"]["csv_text"] = "x,y\n1,2\n"  # written only for a CSV source
    return out


def _objects(data: dict):
    """(schema name, path, object) for one object of each kind in a dict."""
    yield "(top)", [], data
    yield "layer", ["layers", 0], data["layers"][0]
    yield "neuron", ["neurons", 0], data["neurons"][0]
    yield "connection", ["connections", 0], data["connections"][0]
    yield "training", ["training"], data["training"]
    yield "dataset", ["dataset"], data["dataset"]
    yield "historyRecord", ["history", 0], data["history"][0]


def _same(a, b) -> bool:
    """JSON-equal, and lists element by element."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return _json_equal(a, b)


def _plain(v):
    return v.value if isinstance(v, enum.Enum) else v


def test_gan_section_and_its_defaults_match_the_model():
    from nnsim.io.gan_format import gan_record

    schema = SCHEMA["$defs"]["gan"]
    fields = dataclasses.fields(GanSettings)
    assert list(schema["properties"]) == [f.name for f in fields]
    defaults = gan_record(GanSettings())
    for name, prop in schema["properties"].items():
        assert _same(prop["default"], defaults[name]), name


def test_defaults_are_what_the_loader_fills_in():
    """Drop each optional field in turn: the loaded value is the schema's default."""
    data = _full_dict()
    getters = {
        "(top)": lambda d: d,
        "layer": lambda d: d.layers[0],
        "neuron": lambda d: d.neurons[0],
        "connection": lambda d: d.connections[0],
        "training": lambda d: d.training,
        "dataset": lambda d: d.dataset,
        "historyRecord": lambda d: d.history[0],
    }
    checked = 0
    for name, path, obj in _objects(data):
        schema = SCHEMA if name == "(top)" else SCHEMA["$defs"][name]
        for key, prop in schema["properties"].items():
            if key in schema.get("required", []) or key == "format_version":
                continue
            spoiled = copy.deepcopy(data)
            target = spoiled
            for k in path:
                target = target[k]
            if key not in target:  # a dense layer has no options or arrays to write, an untrained design no state
                assert (name, key) in {("layer", "options"), ("layer", "arrays"), ("layer", "x"), ("layer", "y"),
                                       ("(top)", "links"), ("(top)", "training_state")}, (name, key)
                continue
            del target[key]
            loaded = getters[name](design_from_dict(spoiled))
            if name == "(top)" and key in ("training", "dataset"):
                value = dataclasses.asdict(getattr(loaded, key))
                default = {k: v["default"] for k, v in SCHEMA["$defs"][key]["properties"].items()}
                assert {k: _plain(v) for k, v in value.items()} == default, key
            else:
                assert _same(prop["default"], _plain(getattr(loaded, key))), (name, key)
            checked += 1
    assert checked > 30


def test_required_fields_are_what_the_loader_requires():
    """Drop each field in turn: the loader says 'missing field' exactly for the
    fields the schema lists as required."""
    data = _full_dict()
    for name, path, obj in _objects(data):
        schema = SCHEMA if name == "(top)" else SCHEMA["$defs"][name]
        for key in list(obj):
            spoiled = copy.deepcopy(data)
            target = spoiled
            for k in path:
                target = target[k]
            del target[key]
            try:
                design_from_dict(spoiled)
                loader_requires = False
            except FormatError as e:
                loader_requires = "missing field" in str(e)
            schema_requires = bool(errors(spoiled, SCHEMA))
            assert loader_requires == (key in schema.get("required", [])) == schema_requires, (name, key)


# Changes the loader refuses for the file's shape; the schema must refuse them too.
SHAPE_REFUSALS = [
    ("format_version", 4),
    ("format_version", "1"),
    ("format_version", True),
    ("name", None),
    ("layers", {}),
    ("layers.0.id", 0),
    ("layers.0.id", 2**31),
    ("layers.0.id", 1.5),
    ("layers.0.id", True),
    ("layers.0.kind", "middle"),
    ("layers.0.activation", "swish"),
    ("layers.0.activation", None),
    ("neurons.0.activation", "Tanh"),
    ("neurons.0.bias", "0"),
    ("neurons.0.bias", True),
    ("neurons.0.label", 3),
    ("neurons.0.layer", -1),
    ("connections.0.weight", None),
    ("connections.0.frozen", 0),
    ("connections.0.delay", 2),
    ("connections.0.delay", -1),
    ("layers.0.type", "wormhole"),
    ("layers.0.arrays", {"k": {"shape": [2]}}),
    ("layers.0.arrays", {"k": {"shape": [0], "values": []}}),
    ("layers.0.group", 1),
    ("history.0.losses", {"generator": "low"}),
    ("training", None),
    ("training.rule", "hebb"),
    ("training.optimizer", "rmsprop"),
    ("training.loss", "hinge"),
    ("training.regularization", "l3"),
    ("training.init", "zeros"),
    ("training.learning_rate", 0),
    ("training.learning_rate", -1e-9),
    ("training.epsilon", 0.0),
    ("training.batch_size", 0),
    ("training.batch_size", fmt.MAX_BATCH + 1),
    ("training.batch_size", 2.5),
    ("training.momentum", -0.1),
    ("training.regularization_rate", -1),
    ("training.epochs", -1),
    ("training.seed", 2**63),
    ("training.target_loss", "low"),
    ("dataset.noise", -0.5),
    ("dataset.train_ratio", 0),
    ("dataset.points", 0),
    ("dataset.points", 10_000_001),
    ("dataset.targets", "y"),
    ("dataset.targets", [1]),
    ("dataset.normalize", "no"),
    ("dataset.source", None),
    ("history.0.epoch", -1),
    ("history.0.step", 1.25),
    ("history.0.train_loss", None),
    ("history.0.test_accuracy", "high"),
]


@pytest.mark.parametrize("path, value", SHAPE_REFUSALS)
def test_schema_refuses_what_the_loader_refuses(path, value):
    data = _full_dict()
    *keys, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = data
    for k in keys:
        target = target[k]
    target[last] = value
    with pytest.raises(FormatError):
        design_from_dict(copy.deepcopy(data))
    assert errors(data, SCHEMA), f"the schema accepts {path} = {value!r}"


@pytest.mark.parametrize(
    "path, value",
    [("training.batch_size", 10.0), ("format_version", 3.0), ("neurons.0.bias", 1), ("history.0.test_loss", None)],
)
def test_schema_accepts_what_the_loader_accepts(path, value):
    data = _full_dict()
    *keys, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = data
    for k in keys:
        target = target[k]
    target[last] = value
    design_from_dict(copy.deepcopy(data))
    assert_valid(data)


def test_unknown_fields_are_ignored_by_nnsim_and_refused_by_the_schema():
    data = _full_dict()
    data["connections"][0]["wieght"] = 2.0
    assert design_from_dict(copy.deepcopy(data)) == design_from_dict(_full_dict())
    assert any("wieght" in e for e in errors(data, SCHEMA))


# -- what nnsim writes satisfies the schema -------------------------------------------------
def _built_designs() -> list[Design]:
    designs = [Design(), layered([2, 1]), layered([2, 4, 3, 1], Activation.RELU, Activation.SIGMOID)]
    d = layered([4, 5, 3], Activation.TANH, Activation.SOFTMAX, name="iris-like")
    d.dataset = DatasetSpec(source="iris", normalize=True, train_ratio=0.8, seed=7)
    d.training = TrainingSettings(
        optimizer=Optimizer.ADAM, loss=Loss.SOFTMAX_CROSS_ENTROPY, regularization=Regularization.L2,
        regularization_rate=1e-4, init=Init.XAVIER, target_loss=0.05, epochs=0, seed=2**63 - 1,
    )  # fmt: skip
    initialize(d, np.random.default_rng(1))
    d.history = [HistoryRecord(1, 12, 1.1, 1.2, 0.3, 0.25), HistoryRecord(2, 24, 0.9, None, 0.5, None)]
    designs.append(d)
    # Skip connections, frozen weights, a neuron's own activation, a CSV data set.
    d = Design(name="skips")
    a = add_layer(d, LayerKind.INPUT, 2, labels=["a", "b"])
    h = add_layer(d, LayerKind.HIDDEN, 2, Activation.LEAKY_RELU)
    o = add_layer(d, LayerKind.OUTPUT, 1, Activation.LINEAR)
    connect_all(d, a.id, h.id, -0.0)
    connect_all(d, h.id, o.id, 5e-324)
    connect_all(d, a.id, o.id, 1.7976931348623157e308)
    d.connections[0].frozen = True
    d.neurons_of(h.id)[0].activation = Activation.STEP
    d.neurons_of(h.id)[0].threshold = -2.5
    d.dataset = DatasetSpec(source="csv", path="data/x.csv", targets=["y"], task="regression")
    d.training.rule = LearningRule.BACKPROP
    designs.append(d)
    return designs


@pytest.mark.parametrize("index", range(5))
def test_dicts_of_built_designs_satisfy_the_schema(index):
    d = _built_designs()[index]
    data = design_to_dict(d)
    assert_valid(data)
    assert_valid(json.loads(json.dumps(data)))
    assert_valid(design_to_dict(d, include_history=False))
    assert design_from_dict(data) == d


def _examples() -> list[Path]:
    from nnsim.resources import examples_dir, resource_path

    return sorted(examples_dir().glob("*.nnsim")) + sorted(resource_path("lessons", "designs").glob("*.nnsim"))


def test_shipped_examples_satisfy_the_schema_and_load():
    # the examples and the lessons' designs
    assert len(_examples()) >= 10
    for path in _examples():
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert_valid(data)
        design = loads(text, path.name)
        assert design_to_dict(design) == data, f"{path.name} is not as nnsim would write it"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_satisfy_the_schema_once_migrated(path):
    """The schema describes the current version; a sample of an older one
    satisfies it after migration."""
    assert_valid(fmt.migrate(json.loads(path.read_text(encoding="utf-8"))))
    load(path)


# -- the documentation -----------------------------------------------------------------------
DOC = (DOCS / "file-format.md").read_text(encoding="utf-8")


def _doc_json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", DOC, flags=re.S)


def test_documented_examples_load_satisfy_the_schema_and_agree():
    blocks = _doc_json_blocks()
    assert len(blocks) == 2
    full, short = (loads(b, "docs") for b in blocks)
    for b in blocks:
        assert_valid(json.loads(b))
    assert dataclasses.replace(short, description=full.description) == full
    # The hand-written sample says the same (apart from its description and history).
    sample = load(Path(__file__).parent / "samples" / "v1-article-neuron.nnsim")
    assert dataclasses.replace(sample, description=full.description, history=[]) == full
    # And so does the shipped example, once it exists.
    shipped = [p for p in _examples() if p.stem == "article-neuron"]
    if shipped:
        assert load(shipped[0]) == full


def test_documented_example_computes_what_the_doc_says():
    from nnsim.api import predict

    full = loads(_doc_json_blocks()[0])
    assert float(predict(full, [0.5, 0.6])[0]) == 1.0
    assert 0.5 * 0.5 + 0.6 * 0.7 == pytest.approx(0.67)


def test_doc_mentions_every_field_and_enum_value():
    for cls in [Design, *OBJECTS.values()]:
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in DOC, f"{cls.__name__}.{f.name} is not documented"
    for e in ENUMS.values():
        for m in e:
            assert f"`{m.value}`" in DOC or f'"{m.value}"' in DOC, f"{e.__name__}.{m.name} is not documented"


def test_doc_limits_are_the_code_limits():
    from nnsim.io.files import MAX_FILE_BYTES

    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", DOC, flags=re.M))
    assert rows["layers"] == str(fmt.LIMITS["layers"])
    assert rows["neurons"] == str(fmt.LIMITS["neurons"])
    assert rows["connections"] == str(fmt.LIMITS["connections"])
    assert rows["history records"] == str(fmt.LIMITS["history"])
    assert rows["ids"] == str(fmt.MAX_ID)
    assert rows["`batch_size`"] == str(fmt.MAX_BATCH)
    assert rows["`epochs`, history `epoch`"] == str(fmt.MAX_EPOCHS)
    assert str(MAX_FILE_BYTES) in rows["file size"]
    assert "nnsim.schema.json" in DOC
