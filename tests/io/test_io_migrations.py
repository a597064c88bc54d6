"""Format versions: the real version-1 sample loads through the real
migration to version 2; the migration mechanism itself is exercised by
pretending the current version is 2 or 3, with a reader for the pretend
version that wants a renamed field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nnsim.io.format as fmt
from nnsim.design.model import (
    Activation,
    Connection,
    DatasetSpec,
    Design,
    HistoryRecord,
    Layer,
    LayerKind,
    LearningRule,
    Neuron,
    TrainingSettings,
)
from nnsim.io import FormatError, dumps, load, loads

SAMPLE = Path(__file__).parent / "samples" / "v1-article-neuron.nnsim"


def expected_sample() -> Design:
    """What tests/io/samples/v1-article-neuron.nnsim says, field by field."""
    return Design(
        name="The article's neuron",
        description=(
            "Written by hand from docs/file-format.md (version 1): fields with defaults are left out.\n"
            "Inputs 0.5 and 0.6, weights 0.5 and 0.7, bias 0, a step at 0.5: the sum 0.67 fires."
        ),
        layers=[
            Layer(1, "input", LayerKind.INPUT, Activation.LINEAR),
            Layer(4, "output", LayerKind.OUTPUT, Activation.STEP),
        ],
        neurons=[
            Neuron(2, 1, "x1", y=-30.0),
            Neuron(3, 1, "x2", y=30.0),
            Neuron(5, 4, "fires?", threshold=0.5, x=220.0),
        ],
        connections=[Connection(2, 5, 0.5), Connection(3, 5, 0.7)],
        training=TrainingSettings(rule=LearningRule.PERCEPTRON, learning_rate=0.1, batch_size=1, epochs=20),
        dataset=DatasetSpec(source="logic", name="AND"),
        history=[
            HistoryRecord(1, 4, 0.25, None, 0.75, None),
            HistoryRecord(2, 8, 0.0, None, 1.0, 1.0),
        ],
    )


def test_real_code_is_at_version_3_with_two_migrations():
    assert fmt.FORMAT_VERSION == 3
    assert sorted(fmt.MIGRATIONS) == [1, 2]


def test_the_real_migration_gives_every_layer_the_dense_type():
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert all("type" not in layer for layer in data["layers"])
    migrated = fmt.migrate(data)
    assert migrated["format_version"] == 3
    assert [layer["type"] for layer in migrated["layers"]] == ["dense", "dense"]
    written = json.loads(dumps(load(SAMPLE)))
    assert written["format_version"] == 3
    assert [layer["type"] for layer in written["layers"]] == ["dense", "dense"]
    assert all("delay" not in c for c in written["connections"])  # 0, the default, is not written


def test_a_version_2_file_has_no_training_state_and_trains_afresh():
    data = json.loads(dumps(load(SAMPLE)))
    data["format_version"] = 2
    design = loads(json.dumps(data))
    assert design.training_state is None and design == load(SAMPLE)


def test_a_v1_file_with_a_malformed_layer_list_is_refused_in_one_line():
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["layers"] = {"not": "a list"}
    with pytest.raises(FormatError) as e:
        loads(json.dumps(data), "old.nnsim")
    assert "layers" in str(e.value) and "\n" not in str(e.value)


def test_v1_sample_loads_with_the_real_code():
    d = load(SAMPLE)
    assert d == expected_sample()
    assert json.loads(SAMPLE.read_text(encoding="utf-8"))["format_version"] == 1


def test_v1_sample_computes_the_article_neuron():
    from nnsim.api import predict

    d = load(SAMPLE)
    assert float(predict(d, [0.5, 0.6])[0]) == 1.0  # 0.5*0.5 + 0.6*0.7 = 0.67 > 0.5
    assert float(predict(d, [0.5, 0.1])[0]) == 0.0  # 0.32 < 0.5


# -- the mechanism, with pretend versions 2 and 3 ------------------------------------
# Pretend version 2 renamed a neuron's "label" to "caption".
def v1_to_v2(data: dict) -> dict:
    data = dict(data)
    data["neurons"] = [
        {("caption" if k == "label" else k): v for k, v in n.items()} for n in data["neurons"]
    ]
    return data


# Pretend version 3 renamed the top-level "description" to "notes".
def v2_to_v3(data: dict) -> dict:
    data = dict(data)
    if "description" in data:
        data["notes"] = data.pop("description")
    return data


@pytest.fixture
def pretend(monkeypatch):
    """pretend(version): make the reader that of the given version, with
    MIGRATIONS up to it; returns the list of migration calls made."""
    calls = []
    real_neuron, real_read = fmt._neuron, fmt._read

    def neuron_v2(obj, path):
        if isinstance(obj, dict):
            if "label" in obj:
                raise FormatError(f"{path}.label: not a field in version 2 (it is 'caption')")
            obj = {("label" if k == "caption" else k): v for k, v in obj.items()}
        return real_neuron(obj, path)

    def read_v3(data):
        if "description" in data:
            raise FormatError("description: not a field in version 3 (it is 'notes')")
        data = {("description" if k == "notes" else k): v for k, v in data.items()}
        return real_read(data)

    def recorded(version, f):
        def step(data):
            calls.append((version, data["format_version"]))
            return f(data)

        return step

    def setup(version: int):
        monkeypatch.setattr(fmt, "FORMAT_VERSION", version)
        monkeypatch.setattr(fmt, "MIGRATIONS", {})
        if version >= 2:
            fmt.MIGRATIONS[1] = recorded(1, v1_to_v2)
            monkeypatch.setattr(fmt, "_neuron", neuron_v2)
        if version >= 3:
            fmt.MIGRATIONS[2] = recorded(2, v2_to_v3)
            monkeypatch.setattr(fmt, "_read", read_v3)
        return calls

    return setup


def test_v1_sample_migrates_to_v2(pretend):
    calls = pretend(2)
    d = load(SAMPLE)
    assert calls == [(1, 1)]
    assert d == expected_sample()  # the labels came through the renamed field
    assert [n.label for n in d.neurons] == ["x1", "x2", "fires?"]


def test_without_the_migration_the_v2_reader_refuses_v1(pretend, monkeypatch):
    pretend(2)
    monkeypatch.setattr(fmt, "MIGRATIONS", {})
    with pytest.raises(FormatError) as e:
        load(SAMPLE)
    assert "v1-article-neuron.nnsim: " in str(e.value) and "\n" not in str(e.value)


def test_migrations_run_step_by_step(pretend):
    calls = pretend(3)
    d = load(SAMPLE)
    assert calls == [(1, 1), (2, 2)]  # 1 -> 2, then 2 -> 3, each seeing its own version
    assert d == expected_sample()


def test_a_v2_file_takes_only_the_second_step(pretend):
    calls = pretend(3)
    data = v1_to_v2(json.loads(SAMPLE.read_text(encoding="utf-8")))
    data["format_version"] = 2
    assert loads(json.dumps(data)) == expected_sample()
    assert calls == [(2, 2)]


def test_a_current_file_is_not_migrated(pretend):
    calls = pretend(2)
    data = v1_to_v2(json.loads(SAMPLE.read_text(encoding="utf-8")))
    data["format_version"] = 2
    assert loads(json.dumps(data)) == expected_sample()
    assert calls == []


def test_saving_writes_the_current_version(monkeypatch):
    design = load(SAMPLE)
    monkeypatch.setattr(fmt, "FORMAT_VERSION", 2)  # a version 2 whose fields are those of 1
    monkeypatch.setattr(fmt, "MIGRATIONS", {1: lambda data: data})
    text = dumps(design)
    assert json.loads(text)["format_version"] == 2
    assert loads(text) == design


def test_a_newer_file_is_refused_with_a_sentence(pretend):
    pretend(2)
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["format_version"] = 3
    with pytest.raises(FormatError) as e:
        loads(json.dumps(data), "future.nnsim")
    assert str(e.value) == (
        "future.nnsim: format version 3 was written by a newer nnsim; this one reads up to "
        "version 2: update nnsim to open it"
    )


def test_a_migration_meeting_a_malformed_old_file_gives_one_line(pretend):
    pretend(2)
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["neurons"] = [1, 2]  # v1_to_v2 calls .items() on each
    with pytest.raises(FormatError) as e:
        loads(json.dumps(data), "old.nnsim")
    msg = str(e.value)
    assert msg.startswith("old.nnsim: format version 1: the file cannot be brought up to version 2")
    assert "\n" not in msg


def test_a_missing_migration_is_a_format_error(pretend, monkeypatch):
    pretend(3)
    del fmt.MIGRATIONS[1]
    with pytest.raises(FormatError) as e:
        load(SAMPLE)
    assert "format version 1" in str(e.value)


def test_a_migration_must_give_an_object(pretend):
    pretend(2)
    fmt.MIGRATIONS[1] = lambda data: [data]
    with pytest.raises(FormatError) as e:
        load(SAMPLE)
    assert "expected an object" in str(e.value)


def test_a_file_without_the_budget_switch_trains_until_paused():
    """Files written before ``stop_after_epochs`` existed keep their
    ``epochs`` (the command line's default) and read as 'no budget' in the
    window."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert "stop_after_epochs" not in data["training"]
    design = load(SAMPLE)
    assert design.training.epochs == 20 and design.training.stop_after_epochs is False
    data["training"]["stop_after_epochs"] = True
    assert loads(json.dumps(data)).training.stop_after_epochs is True

