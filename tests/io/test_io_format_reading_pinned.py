"""The reader's building blocks and its outer steps, as the user meets them:
what each kind of wrong value is called in a refusal, the top level of a file
(its defaults, its required lists, their limits), old versions brought up to
date step by step, the GAN section and a drawn distribution's points, and the
checks saving runs so that no file is written that could not be read back."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import nnsim
import nnsim.io.format as fmt
from nnsim.design.model import Activation, GanSettings, LayerKind, Optimizer
from nnsim.design.validate import DesignError
from nnsim.engine.adversarial import GanLoss, Noise, PlayerSettings
from nnsim.io import FormatError
from nnsim.io.fields import _bool, _enum, _float, _int_in, _kind, _list, _opt_float, _ranged, _Reader, _str, _whole
from nnsim.io.format import LIMITS, design_from_dict, design_to_dict, migrate
from nnsim.io.gan_format import gan_record, read_drawn, read_gan

SAMPLE = Path(__file__).parent / "samples" / "v1-article-neuron.nnsim"
_BASE = design_to_dict(nnsim.example("xor-mlp"))
_GAN = design_to_dict(nnsim.example("gan-line"))


def base() -> dict:
    return copy.deepcopy(_BASE)


def says(check, *args) -> str:
    with pytest.raises(FormatError) as refused:
        check(*args)
    return str(refused.value)


def refusal(data) -> str:
    return says(design_from_dict, data)


# -- the checks of single values ---------------------------------------------------------
def test_what_each_kind_of_value_is_called():
    assert [_kind(v) for v in (None, True, False, 0, 2.5, "", [], {}, (1,))] == [
        "null", "true/false", "true/false", "a number", "a number", "text", "a list", "an object", "tuple"]


def test_a_refusal_is_one_line_with_line_breaks_shown():
    assert str(FormatError("a\nb")) == "a\\nb"
    assert str(FormatError()) == ""
    assert isinstance(FormatError("x"), ValueError)


def test_an_object_that_is_not_one_is_refused_where_it_is():
    assert says(_Reader, [1], "") == "the top level: expected an object, found a list"
    assert says(_Reader, "x", "layers[2]") == "layers[2]: expected an object, found text"
    r = _Reader({"a": 1}, "")
    assert r.obj == {"a": 1} and r.path == ""
    assert r._where("b") == "b"
    assert _Reader({}, "gan.generator")._where("steps") == "gan.generator.steps"


def test_a_field_is_read_checked_defaulted_or_missed():
    r = _Reader({"a": 2, "n": None}, "top")
    assert r.get("a", _float) == 2.0
    assert r.get("b", _float, 7) == 7
    assert r.get("b", _float, None) is None
    assert r.get("n", _opt_float, 3.0) is None
    assert says(r.get, "b", _float) == "top.b: missing field"
    assert says(r.get, "n", _float) == "top.n: expected a number, found null"
    assert says(_Reader({}, "").get, "b", _float) == "b: missing field"


def test_a_list_of_entries_is_given_with_each_place_up_to_its_limit():
    r = _Reader({"xs": [10, 20, 30], "bad": 4}, "top")
    assert r.list_of("xs", 3) == [(10, "top.xs[0]"), (20, "top.xs[1]"), (30, "top.xs[2]")]
    assert says(r.list_of, "xs", 2) == "top.xs: 3 entries is more than nnsim handles (2)"
    assert r.list_of("none", 5, required=False) == []
    assert says(r.list_of, "none", 5) == "top.none: missing field"
    assert says(r.list_of, "bad", 5, False) == "top.bad: expected a list, found a number"
    assert _Reader({"xs": [1]}, "").list_of("xs", 1) == [(1, "xs[0]")]


def test_text_true_false_and_lists():
    assert _str("é😀", "w") == "é😀"
    assert says(_str, 1, "w") == "w: expected text, found a number"
    assert says(_str, "a\ud800b", "w") == "w: contains \\ud800, half of a character (not valid Unicode)"
    assert says(_str, "\udfff", "w") == "w: contains \\udfff, half of a character (not valid Unicode)"
    assert says(_str, "ok\udc0a", "w") == "w: contains \\udc0a, half of a character (not valid Unicode)"
    assert _bool(False, "w") is False and _bool(True, "w") is True
    assert says(_bool, 0, "w") == "w: expected true or false, found a number"
    assert says(_bool, None, "w") == "w: expected true or false, found null"
    assert _list([1], "w") == [1]
    assert says(_list, (1,), "w") == "w: expected a list, found tuple"


def test_numbers():
    assert _float(3, "w") == 3.0 and type(_float(3, "w")) is float
    assert _float(-2.5, "w") == -2.5
    assert says(_float, True, "w") == "w: expected a number, found true/false"
    assert says(_float, "1", "w") == "w: expected a number, found text"
    assert says(_float, 10**400, "w") == "w: the number is too large"
    assert says(_float, float("nan"), "w") == "w: nan is not a finite number"
    assert says(_float, float("-inf"), "w") == "w: -inf is not a finite number"
    assert _opt_float(None, "w") is None and _opt_float(2, "w") == 2.0
    assert says(_opt_float, "x", "w") == "w: expected a number, found text"


def test_whole_numbers_in_a_range():
    check = _int_in(-2, 5)
    assert check(-2, "w") == -2 and check(5, "w") == 5
    got = check(4.0, "w")
    assert got == 4 and type(got) is int
    assert says(check, 6, "w") == "w: 6 is outside -2..5"
    assert says(check, -3, "w") == "w: -3 is outside -2..5"
    assert says(check, 6.0, "w") == "w: 6 is outside -2..5"
    assert says(check, 2.5, "w") == "w: expected a whole number, found 2.5"
    assert says(check, 1e-7, "w") == "w: expected a whole number, found 1e-07"
    assert says(check, float("inf"), "w") == "w: expected a whole number, found a number"
    assert says(check, float("nan"), "w") == "w: expected a whole number, found a number"
    assert says(check, False, "w") == "w: expected a whole number, found true/false"
    assert says(check, None, "w") == "w: expected a whole number, found null"
    assert says(check, "3", "w") == "w: expected a whole number, found text"


def test_whole_settings_optional_or_not():
    points = _whole("dataset.points", optional=True)
    assert points(None, "w") is None and points(7, "w") == 7 and points(7.0, "w") == 7
    assert says(points, 0, "w") == "w: 0 is outside 1..10000000"
    assert says(points, "7", "w") == "w: expected a whole number, found text"
    assert says(points, 1.5, "w") == "w: expected a whole number, found 1.5"
    seed = _whole("dataset.seed")
    assert says(seed, None, "w") == "w: expected a whole number, found null"
    assert seed(0, "w") == 0


def test_named_values():
    check = _enum(Activation, "activation")
    assert check("relu", "w") is Activation.RELU
    known = ", ".join(a.value for a in Activation)
    assert says(check, None, "w") == f"w: unknown activation None (known: {known})"
    assert says(check, "Relu", "w") == f"w: unknown activation 'Relu' (known: {known})"
    assert says(check, 2, "w") == f"w: unknown activation 2 (known: {known})"
    optional = _enum(LayerKind, "layer kind", optional=True)
    assert optional(None, "w") is None and optional("output", "w") is LayerKind.OUTPUT
    assert says(optional, "", "w") == "w: unknown layer kind '' (known: input, hidden, output)"


def test_number_settings_by_their_range():
    rate = _ranged("training.learning_rate")
    assert rate(2, "w") == 2.0 and type(rate(2, "w")) is float
    assert says(rate, 0, "w") == "w: 0 must be greater than 0"
    assert says(rate, None, "w") == "w: expected a number, found null"
    assert says(rate, "fast", "w") == "w: expected a number, found text"
    target = _ranged("training.target_loss", optional=True)
    assert target(None, "w") is None and target(0, "w") == 0.0
    assert says(target, -1, "w") == "w: -1 must not be negative (a loss is never negative)"
    noise = _ranged("dataset.noise")
    assert noise(0.5, "w") == 0.5
    assert says(noise, 0.5000001, "w") == "w: 0.5 is outside [0, 0.5]"


# -- the top level -----------------------------------------------------------------------
def test_a_file_s_name_and_description_default_and_are_kept():
    data = base()
    data["name"], data["description"] = "Mine", "What it does"
    d = design_from_dict(data)
    assert (d.name, d.description) == ("Mine", "What it does")
    del data["name"], data["description"]
    d = design_from_dict(data)
    assert (d.name, d.description) == ("Untitled", "")
    data["description"] = 3
    assert refusal(data) == "description: expected text, found a number"
    data["description"], data["name"] = "", ["x"]
    assert refusal(data) == "name: expected text, found a list"


@pytest.mark.parametrize("name", ["layers", "neurons", "connections"])
def test_layers_neurons_and_connections_must_be_there(name):
    data = base()
    del data[name]
    assert refusal(data) == f"{name}: missing field"


def test_history_links_gan_and_training_state_may_be_left_out():
    data = base()
    for name in ("history", "links", "gan", "training_state"):
        data.pop(name, None)
    d = design_from_dict(data)
    assert (d.history, d.links, d.gan, d.training_state) == ([], [], None, None)
    assert [n.id for n in d.neurons] == [2, 3, 5, 6, 7, 9]
    assert [(c.source, c.target) for c in d.connections][:3] == [(2, 5), (2, 6), (2, 7)]
    assert [layer.id for layer in d.layers] == [1, 4, 8]


@pytest.mark.parametrize("name, entry", [
    ("layers", {"id": 1, "kind": "input"}),
    ("neurons", {"id": 2, "layer": 1}),
    ("connections", {"source": 2, "target": 3, "weight": 0}),
    ("links", {"source": 1, "target": 2}),
    ("history", {"epoch": 1, "step": 1, "train_loss": 1}),
])
def test_each_list_has_its_limit(monkeypatch, name, entry):
    monkeypatch.setitem(LIMITS, name, 2)
    data = base()
    data[name] = [copy.deepcopy(entry) for _ in range(3)]
    assert refusal(data) == f"{name}: 3 entries is more than nnsim handles (2)"
    data[name] = ["spoilt", "spoilt"]
    assert refusal(data) == f"{name}[0]: expected an object, found text"


def test_the_limits_are_what_nnsim_handles():
    assert LIMITS == {"layers": 10_000, "neurons": 100_000, "connections": 2_000_000, "links": 10_000,
                      "history": 1_000_000, "parameters": 100_000}


def test_a_design_that_does_not_hold_together_is_refused_by_the_design_check():
    data = base()
    data["connections"][0]["target"] = 99
    msg = refusal(data)
    assert msg == "connection 1 (2 → 99): there is no neuron 99"
    with pytest.raises(DesignError) as raw:
        from nnsim.design.validate import check_design

        check_design(fmt._read(data))
    assert str(raw.value) == msg


# -- versions ------------------------------------------------------------------------------
def _v1() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def test_a_version_1_file_is_brought_up_to_the_current_version():
    data = _v1()
    assert data["format_version"] == 1 and all("type" not in layer for layer in data["layers"])
    out = migrate(data)
    assert out["format_version"] == 3
    assert [layer["type"] for layer in out["layers"]] == ["dense"] * len(out["layers"])
    assert [layer.type for layer in design_from_dict(_v1()).layers] == ["dense", "dense"]


def test_the_first_step_keeps_a_type_given_and_leaves_what_is_not_a_layer():
    out = fmt._v1_to_v2({"layers": [{"type": "conv"}, 5, {}]})
    assert out == {"layers": [{"type": "conv"}, 5, {"type": "dense"}]}
    assert fmt._v1_to_v2({"name": "x"}) == {"name": "x"}
    assert says(fmt._v1_to_v2, {"layers": "x"}) == "layers: expected a list, found text"
    data = _v1()
    data["layers"] = [7]
    assert refusal(data) == "layers[0]: expected an object, found a number"
    data = _v1()
    data["layers"] = {}
    assert refusal(data) == "layers: expected a list, found an object"


def test_each_migration_sees_its_own_version_in_turn(monkeypatch):
    seen = []

    def step(n):
        def run(data):
            seen.append((n, data["format_version"]))
            return data
        return run

    monkeypatch.setattr(fmt, "MIGRATIONS", {1: step(1), 2: step(2)})
    assert migrate({"format_version": 1})["format_version"] == 3
    assert seen == [(1, 1), (2, 2)]
    seen.clear()
    assert migrate({"format_version": 2.0}) == {"format_version": 3}
    assert seen == [(2, 2)]
    seen.clear()
    assert migrate({"format_version": 3}) == {"format_version": 3}
    assert seen == []


def test_the_version_itself_is_checked():
    assert says(migrate, {}) == "format_version: missing field"
    assert says(migrate, {"format_version": 0}) == "format_version: 0 is outside 1..2147483647"
    assert says(migrate, {"format_version": "3"}) == "format_version: expected a whole number, found text"
    assert says(migrate, {"format_version": 4}) == (
        "format version 4 was written by a newer nnsim; this one reads up to version 3: update nnsim to open it")
    assert says(migrate, {"format_version": 2**31}) == "format_version: 2147483648 is outside 1..2147483647"
    assert says(migrate, [1]) == "the top level: expected an object, found a list"


def test_a_version_no_longer_supported_is_said(monkeypatch):
    monkeypatch.delitem(fmt.MIGRATIONS, 2)
    assert says(migrate, {"format_version": 2}) == "format version 2 is no longer supported by this nnsim"
    assert says(migrate, {"format_version": 1}) == "format version 2 is no longer supported by this nnsim"


@pytest.mark.parametrize("error", [KeyError, IndexError, TypeError, ValueError, AttributeError])
def test_a_migration_failing_on_a_malformed_file_is_one_line(monkeypatch, error):
    def fail(data):
        raise error("odd")

    monkeypatch.setitem(fmt.MIGRATIONS, 2, fail)
    shown = "'odd'" if error is KeyError else "odd"
    assert says(migrate, {"format_version": 1, "layers": []}) == (
        f"format version 2: the file cannot be brought up to version 3 ({error.__name__}: {shown})")


def test_a_migration_s_own_refusal_and_a_result_that_is_not_an_object(monkeypatch):
    def refuse(data):
        raise FormatError("layers: spoilt")

    monkeypatch.setitem(fmt.MIGRATIONS, 1, refuse)
    assert says(migrate, {"format_version": 1}) == "layers: spoilt"
    monkeypatch.setitem(fmt.MIGRATIONS, 1, lambda data: [data])
    assert says(migrate, {"format_version": 1}) == "the top level: expected an object, found a list"


def test_the_real_migrations_leave_a_version_2_file_as_it_was():
    data = design_to_dict(nnsim.example("xor-mlp"))
    data["format_version"] = 2
    out = migrate(copy.deepcopy(data))
    assert out == {**data, "format_version": 3}
    assert fmt.MIGRATIONS == {1: fmt._v1_to_v2, 2: fmt._v2_to_v3}


# -- writing -----------------------------------------------------------------------------------
def test_a_design_is_written_with_its_sections_in_order():
    d = nnsim.example("xor-mlp")
    out = design_to_dict(d)
    assert list(out) == ["format_version", "name", "description", "layers", "neurons", "connections", "training",
                         "dataset", "history"]
    assert out["format_version"] == 3 and out["name"] == "A hidden layer solves XOR"
    assert out["layers"][0] == {"id": 1, "name": "input", "kind": "input", "activation": "linear", "type": "dense"}
    assert out["neurons"][0] == {"id": 2, "layer": 1, "label": "a", "bias": 0.0, "activation": None,
                                 "threshold": 0.0, "x": 0.0, "y": -30.0}
    assert out["connections"][0] == {"source": 2, "target": 5, "weight": d.connections[0].weight, "frozen": False}
    assert list(design_to_dict(nnsim.example("digits-cnn"))) == [
        "format_version", "name", "description", "layers", "neurons", "connections", "links", "training", "dataset",
        "history"]


def test_a_number_that_is_not_finite_is_never_written():
    for name in ("learning_rate", "momentum", "beta1", "beta2", "epsilon", "regularization_rate"):
        d = nnsim.example("xor-mlp")
        setattr(d.training, name, float("inf"))
        with pytest.raises(DesignError) as refused:
            design_to_dict(d)
        assert str(refused.value) == f"training.{name} is inf, not a finite number"


def test_a_value_the_reader_would_refuse_is_refused_when_writing():
    d = nnsim.example("xor-mlp")
    d.neurons[0].label = "a\ud800"
    with pytest.raises(DesignError) as refused:
        design_to_dict(d)
    assert str(refused.value) == "neurons[0].label: contains \\ud800, half of a character (not valid Unicode)"
    assert type(refused.value) is DesignError


def test_a_layer_s_options_are_written_only_for_a_type_that_has_some():
    d = nnsim.example("xor-mlp")
    assert "options" not in design_to_dict(d)["layers"][1]
    assert "arrays" not in design_to_dict(d)["layers"][1]
    assert "x" not in design_to_dict(d)["layers"][1]
    cnn = nnsim.example("digits-cnn")
    cnn.layers[3].x, cnn.layers[3].y = 690.5, -12.0
    assert design_to_dict(cnn)["layers"][3] == {"id": 4, "name": "flatten", "kind": "hidden", "activation": "linear",
                                                "type": "flatten", "x": 690.5, "y": -12.0}
    d.layers[1].options = {"size": 3}
    with pytest.raises(DesignError) as refused:
        design_to_dict(d)
    assert str(refused.value) == "layer 'hidden 1': dense layers have no option 'size' (their options: none)"


def test_a_frozen_link_and_one_without_weights_are_written_as_they_are():
    d = nnsim.example("digits-cnn")
    d.links[0].frozen = True
    out = design_to_dict(d)["links"]
    assert out[0] == {"source": 1, "target": 2, "frozen": True}
    assert out[1] == {"source": 2, "target": 3}
    assert out[3]["weights"]["shape"] == [128, 10] and len(out[3]["weights"]["values"]) == 1280


# -- the GAN section ---------------------------------------------------------------------------
GAN = {"loss": "least_squares", "real_label": 0.875, "noise": "gaussian",
       "discriminator": {"optimizer": "adam", "learning_rate": 0.25, "steps": 3},
       "generator": {"optimizer": "momentum", "learning_rate": 0.5, "steps": 0}}


def _gan(**changes) -> dict:
    data = copy.deepcopy(_GAN)
    data["gan"] = {**copy.deepcopy(GAN), **changes}
    return data


def test_the_gan_section_is_read_as_written_and_written_back():
    g = design_from_dict(_gan()).gan
    assert g == GanSettings(loss=GanLoss.LEAST_SQUARES, real_label=0.875, noise=Noise.GAUSSIAN,
                            discriminator=PlayerSettings(Optimizer.ADAM, 0.25, 3),
                            generator=PlayerSettings(Optimizer.MOMENTUM, 0.5, 0))
    assert gan_record(g) == GAN
    assert design_to_dict(design_from_dict(_gan()))["gan"] == GAN


def test_gan_settings_left_out_are_the_defaults():
    assert read_gan({}, "gan") == GanSettings()
    g = read_gan({"discriminator": {}, "generator": {"steps": 2}}, "gan")
    assert g.discriminator == PlayerSettings() and g.generator == PlayerSettings(steps=2)
    for name in ("loss", "real_label", "noise"):
        section = copy.deepcopy(GAN)
        del section[name]
        assert getattr(read_gan(section, "gan"), name) == getattr(GanSettings(), name)
    for name in ("optimizer", "learning_rate", "steps"):
        section = copy.deepcopy(GAN)
        del section["discriminator"][name]
        assert getattr(read_gan(section, "gan").discriminator, name) == getattr(PlayerSettings(), name)
    assert design_from_dict(_GAN).gan is not None and "gan" not in design_to_dict(nnsim.example("xor-mlp"))


@pytest.mark.parametrize("changes, message", [
    ({"loss": "wasserstein"}, "gan.loss: unknown GAN loss 'wasserstein' (known: log, least_squares)"),
    ({"real_label": 0.5}, "gan.real_label: 0.5 is outside (0.5, 1] (the target for real samples: 1, or a little "
                          "less to smooth)"),
    ({"noise": "pink"}, "gan.noise: unknown noise 'pink' (known: uniform, gaussian)"),
    ({"discriminator": [1]}, "gan.discriminator: expected an object, found a list"),
    ({"generator": {"optimizer": "x"}}, "gan.generator.optimizer: unknown optimizer 'x' (known: sgd, momentum, adam, "
                                        "adagrad)"),
    ({"generator": {"learning_rate": 0}}, "gan.generator.learning_rate: 0 must be greater than 0"),
    ({"discriminator": {"steps": 101}}, "gan.discriminator.steps: 101 is outside 0..100"),
    ({"discriminator": {"steps": 1.5}}, "gan.discriminator.steps: expected a whole number, found 1.5"),
])
def test_a_wrong_gan_setting_is_refused_by_name(changes, message):
    assert refusal(_gan(**changes)) == message


def test_a_gan_section_that_is_not_an_object_is_refused():
    data = copy.deepcopy(_GAN)
    data["gan"] = "yes"
    assert refusal(data) == "gan: expected an object, found text"


def test_the_gan_record_writes_plain_values():
    g = GanSettings(loss="log", real_label=1.0, noise="uniform",
                    discriminator=PlayerSettings("sgd", 0.1, 2), generator=PlayerSettings("adagrad", 0.2, 1))
    assert json.dumps(gan_record(g)) == json.dumps({
        "loss": "log", "real_label": 1.0, "noise": "uniform",
        "discriminator": {"optimizer": "sgd", "learning_rate": 0.1, "steps": 2},
        "generator": {"optimizer": "adagrad", "learning_rate": 0.2, "steps": 1}})


# -- a drawn distribution's points -----------------------------------------------------------
def test_drawn_points_are_read_as_pairs_of_floats():
    assert read_drawn([[1, 2], [-0.5, 3.25]], "w") == [(1.0, 2.0), (-0.5, 3.25)]
    assert read_drawn([], "w") == []
    points = read_drawn([[0, 0]] * 10_000, "w")
    assert len(points) == 10_000


@pytest.mark.parametrize("points, message", [
    ([[0, 0]] * 10_001, "w: 10,001 points is more than a drawn distribution holds (10,000)"),
    ("x", "w: expected a list, found text"),
    ([[0, 0], [1]], "w[1]: expected a point [x, y]"),
    ([[0, 0], [1, 2], {"x": 1, "y": 2}], "w[2]: expected a point [x, y]"),
    ([[0, 0, 0]], "w[0]: expected a point [x, y]"),
    ([["a", 0]], "w[0][0]: expected a number, found text"),
    ([[0, 1], [2, None]], "w[1][1]: expected a number, found null"),
])
def test_wrong_drawn_points_are_refused_by_their_place(points, message):
    assert says(read_drawn, points, "w") == message


# -- smaller edges ---------------------------------------------------------------------------
def test_a_top_level_that_is_not_an_object_is_named_so():
    assert refusal([1]) == "the top level: expected an object, found a list"
    assert refusal("design") == "the top level: expected an object, found text"


def test_a_wrong_name_is_shown_in_quotes_as_written():
    data = base()
    data["neurons"][0]["activation"] = "it's"
    known = ", ".join(a.value for a in Activation)
    assert refusal(data) == f"neurons[0].activation: unknown activation 'it's' (known: {known})"


def test_a_csv_source_without_text_writes_none():
    data = base()
    data["dataset"].update(source="csv", path="t.csv", csv_text="")
    assert "csv_text" not in design_to_dict(design_from_dict(data))["dataset"]


def test_csv_text_up_to_the_limit_in_characters_and_in_bytes(monkeypatch):
    from nnsim.io.format import _csv_text

    monkeypatch.setattr(fmt, "MAX_CSV_TEXT_BYTES", 10)
    assert _csv_text("a" * 10, "w") == "a" * 10
    assert _csv_text("é" * 5, "w") == "é" * 5  # 10 bytes
    too_long = "w: more than 10 bytes of CSV text (the most a CSV file can be)"
    assert says(_csv_text, "a" * 11, "w") == too_long
    assert says(_csv_text, "é" * 5 + "a", "w") == too_long  # 6 characters, 11 bytes
    assert says(_csv_text, "ab\0", "w") == "w: CSV text cannot hold a NUL character"
    assert says(_csv_text, 5, "w") == "w: expected text, found a number"
    monkeypatch.setattr(fmt, "MAX_CSV_TEXT_BYTES", 1234)
    assert says(_csv_text, "a" * 1235, "w") == "w: more than 1,234 bytes of CSV text (the most a CSV file can be)"
