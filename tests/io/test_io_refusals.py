"""Every file the loader refuses is refused with FormatError and one line that
names the problem and where it is; nothing in a file is ever executed; the
command line turns a refusal into exit status 2 and one line on stderr."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest

from nnsim.design.build import layered
from nnsim.design.model import Activation
from nnsim.io import FormatError, design_from_dict, design_to_dict, dumps, load, loads
from nnsim.io.format import LIMITS, MAX_ID

SAMPLE = Path(__file__).parent / "samples" / "v1-article-neuron.nnsim"
KNOWN_ACTIVATIONS = [a.value for a in Activation]


def one_line(e: pytest.ExceptionInfo) -> str:
    assert type(e.value) is FormatError
    msg = str(e.value)
    assert msg and "\n" not in msg and "\r" not in msg
    assert len(msg.splitlines()) == 1, msg
    return msg


def refused(text: str, source: str = "bad.nnsim") -> str:
    with pytest.raises(FormatError) as e:
        loads(text, source)
    msg = one_line(e)
    assert msg.startswith(f"{source}: "), msg
    return msg


def base() -> dict:
    """A valid design with a hidden layer, as a dict to spoil."""
    d = layered([2, 2, 1], name="base")
    d.neurons[-1].label = "out"
    for i, c in enumerate(d.connections):
        c.weight = 0.25 * (i + 1)
    return design_to_dict(d)


def test_base_and_sample_are_valid():
    d = loads(json.dumps(base()))
    assert [layer.name for layer in d.layers] == ["input", "hidden 1", "output"]
    assert [c.weight for c in d.connections] == [0.25 * (i + 1) for i in range(6)]
    assert load(SAMPLE).name


# -- not JSON, truncated, empty, binary ---------------------------------------------
def test_not_json_gives_line_and_column():
    text = '{\n "format_version": 1,\n "name": "x"\n "layers": []\n}\n'
    msg = refused(text)
    assert "not valid JSON" in msg and "line 4" in msg and "column 2" in msg


@pytest.mark.parametrize(
    "text",
    ["{'format_version': 1}", "format_version = 1", "<?xml version='1.0'?><design/>", "{\"a\": 1 .}", "{} {}"],
)
def test_other_non_json_is_refused(text):
    msg = refused(text)
    assert "JSON" in msg and "line 1" in msg


def _texts():
    sample = SAMPLE.read_text(encoding="utf-8")
    # One written by nnsim, with non-ASCII text, and one with \u escapes.
    d = loads(sample)
    d.description = "naïve — 日本語 ✓ \"quoted\" \\ back\nslash"
    d.neurons[0].bias = -1.5e-300
    return [sample, dumps(d), json.dumps(design_to_dict(d), ensure_ascii=True)]


@pytest.mark.parametrize("which", range(3))
def test_every_truncation_says_truncated(which):
    text = _texts()[which]
    assert loads(text)
    end = len(text.rstrip())
    for cut in range(end):
        msg = refused(text[:cut])
        assert "ends unexpectedly" in msg and "truncated" in msg, (cut, text[max(0, cut - 20) : cut], msg)


def test_truncated_file_on_disk(tmp_path):
    p = tmp_path / "cut.nnsim"
    p.write_bytes(SAMPLE.read_bytes()[:300])
    with pytest.raises(FormatError) as e:
        load(p)
    assert "cut.nnsim" in one_line(e) and "truncated" in str(e.value)


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n"])
def test_empty_file(tmp_path, content):
    p = tmp_path / "empty.nnsim"
    p.write_bytes(content)
    with pytest.raises(FormatError) as e:
        load(p)
    assert one_line(e) == "empty.nnsim: the file is empty"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        bytes(range(256)),
        '{"format_version": 1}'.encode("utf-16"),
        '{"name": "caf\xe9"}'.encode("latin-1"),
    ],
)
def test_binary_or_not_utf8(tmp_path, content):
    p = tmp_path / "binary.nnsim"
    p.write_bytes(content)
    with pytest.raises(FormatError) as e:
        load(p)
    msg = one_line(e)
    assert msg.startswith("binary.nnsim: ") and "UTF-8" in msg


def test_nul_bytes_are_not_json(tmp_path):
    p = tmp_path / "nul.nnsim"
    p.write_bytes(b"\x00" * 64)
    with pytest.raises(FormatError) as e:
        load(p)
    assert "not valid JSON" in one_line(e)


def test_utf8_bom_is_accepted(tmp_path):
    p = tmp_path / "bom.nnsim"
    p.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    assert load(p) == load(SAMPLE)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FormatError) as e:
        load(tmp_path / "nope.nnsim")
    assert "no such file" in one_line(e)
    with pytest.raises(FormatError) as e:
        load(tmp_path)
    assert "folder" in one_line(e)


def test_deep_nesting():
    msg = refused('{"format_version": 1, "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    assert "nested too deeply" in msg


def test_thousands_of_digits():
    msg = refused('{"format_version": 1, "layers": [], "neurons": [], "connections": [], "x": ' + "9" * 5000 + "}")
    assert msg.startswith("bad.nnsim: not readable as JSON: ") and "5000 digits" in msg


# -- fields ----------------------------------------------------------------------------
def _drop(path):
    def f(d):
        *keys, last = path
        for k in keys:
            d = d[k]
        del d[last]

    return f


def _put(path, value):
    def f(d):
        *keys, last = path
        for k in keys:
            d = d[k]
        d[last] = value

    return f


def _with_layer(d: dict, kind: str, connection: dict) -> None:
    """A layer 9 of ``kind`` with one neuron 10, and the connection."""
    d["layers"].append({"id": 9, "name": f"{kind} 2", "kind": kind, "activation": "linear", "type": "dense"})
    d["neurons"].append({"id": 10, "layer": 9, "label": "", "bias": 0.0, "activation": None, "threshold": 0.0,
                         "x": 300.0, "y": 0.0})
    d["connections"].append(connection)


CASES = {
    # name: (change, words the message must hold)
    "newer version": (_put(["format_version"], 4), ["format version 4", "newer", "update nnsim"]),
    "much newer version": (_put(["format_version"], 99), ["99", "newer", "update"]),
    "version missing": (_drop(["format_version"]), ["format_version: missing field"]),
    "version text": (_put(["format_version"], "1"), ["format_version: expected a whole number, found text"]),
    "version zero": (_put(["format_version"], 0), ["format_version: 0 is outside"]),
    "version fractional": (_put(["format_version"], 1.5), ["format_version: expected a whole number"]),
    "version true": (_put(["format_version"], True), ["format_version", "true/false"]),
    "no layers": (_drop(["layers"]), ["layers: missing field"]),
    "no neurons": (_drop(["neurons"]), ["neurons: missing field"]),
    "no connections": (_drop(["connections"]), ["connections: missing field"]),
    "neuron without layer": (_drop(["neurons", 0, "layer"]), ["neurons[0].layer: missing field"]),
    "neuron without id": (_drop(["neurons", 3, "id"]), ["neurons[3].id: missing field"]),
    "layer without kind": (_drop(["layers", 1, "kind"]), ["layers[1].kind: missing field"]),
    "connection without weight": (_drop(["connections", 1, "weight"]), ["connections[1].weight: missing field"]),
    "connection without target": (_drop(["connections", 0, "target"]), ["connections[0].target: missing field"]),
    "history without loss": (
        _put(["history"], [{"epoch": 1, "step": 2}]),
        ["history[0].train_loss: missing field"],
    ),
    "layers not a list": (_put(["layers"], {"id": 1}), ["layers: expected a list, found an object"]),
    "neuron not an object": (_put(["neurons", 2], 7), ["neurons[2]: expected an object, found a number"]),
    "training a list": (_put(["training"], []), ["training: expected an object, found a list"]),
    "dataset null": (_put(["dataset"], None), ["dataset: expected an object, found null"]),
    "kind a number": (_put(["layers", 0, "kind"], 3), ["layers[0].kind: unknown layer kind 3"]),
    "bias as text": (_put(["neurons", 1, "bias"], "0.5"), ["neurons[1].bias: expected a number, found text"]),
    "label as number": (_put(["neurons", 1, "label"], 5), ["neurons[1].label: expected text, found a number"]),
    "name null": (_put(["name"], None), ["name: expected text, found null"]),
    "targets not text": (_put(["dataset", "targets"], ["a", 2]), ["dataset.targets[1]: expected text"]),
    "id fractional": (_put(["neurons", 0, "id"], 2.5), ["neurons[0].id: expected a whole number"]),
    "id zero": (_put(["layers", 0, "id"], 0), ["layers[0].id: 0 is outside 1.."]),
    "id negative": (_put(["neurons", 0, "id"], -3), ["neurons[0].id: -3 is outside"]),
    "id too big": (_put(["neurons", 0, "id"], MAX_ID + 1), ["neurons[0].id", "is outside"]),
    "id huge": (_put(["connections", 0, "source"], 10**30), ["connections[0].source", "is outside"]),
    # Booleans where numbers are wanted, and the reverse.
    "weight true": (
        _put(["connections", 0, "weight"], True),
        ["connections[0].weight: expected a number, found true/false"],
    ),
    "bias false": (_put(["neurons", 4, "bias"], False), ["neurons[4].bias: expected a number, found true/false"]),
    "id true": (_put(["neurons", 0, "id"], True), ["neurons[0].id: expected a whole number, found true/false"]),
    "batch false": (_put(["training", "batch_size"], False), ["training.batch_size", "true/false"]),
    "loss true": (
        _put(["history"], [{"epoch": 1, "step": 1, "train_loss": True}]),
        ["history[0].train_loss: expected a number, found true/false"],
    ),
    "frozen 1": (
        _put(["connections", 0, "frozen"], 1),
        ["connections[0].frozen: expected true or false, found a number"],
    ),
    "normalize text": (_put(["dataset", "normalize"], "yes"), ["dataset.normalize: expected true or false"]),
    "budget switch 0": (
        _put(["training", "stop_after_epochs"], 0),
        ["training.stop_after_epochs: expected true or false, found a number"],
    ),
    # Enumerations list what they know.
    "unknown activation": (
        _put(["neurons", 2, "activation"], "swish"),
        ["neurons[2].activation: unknown activation 'swish' (known: " + ", ".join(KNOWN_ACTIVATIONS) + ")"],
    ),
    "unknown layer activation": (_put(["layers", 1, "activation"], "Tanh"), ["layers[1].activation", "'Tanh'", "tanh"]),
    "unknown layer kind": (
        _put(["layers", 1, "kind"], "middle"),
        ["layers[1].kind: unknown layer kind 'middle' (known: input, hidden, output)"],
    ),
    "unknown rule": (_put(["training", "rule"], "hebb"), ["training.rule", "'hebb'", "backprop, perceptron"]),
    "unknown optimizer": (_put(["training", "optimizer"], "rmsprop"), ["training.optimizer", "sgd, momentum, adam"]),
    "unknown loss": (_put(["training", "loss"], "hinge"), ["training.loss", "'hinge'", "mse"]),
    "unknown regularization": (_put(["training", "regularization"], "l3"), ["training.regularization", "l1, l2"]),
    "unknown init": (_put(["training", "init"], "zeros"), ["training.init", "uniform, xavier, he"]),
    # Ranges.
    "learning rate zero": (_put(["training", "learning_rate"], 0), ["training.learning_rate", "greater than 0"]),
    "learning rate negative": (_put(["training", "learning_rate"], -0.1), ["training.learning_rate"]),
    "batch zero": (_put(["training", "batch_size"], 0), ["training.batch_size: 0 is outside"]),
    "epochs negative": (_put(["training", "epochs"], -1), ["training.epochs: -1 is outside"]),
    "seed negative": (_put(["dataset", "seed"], -1), ["dataset.seed: -1 is outside"]),
    "noise negative": (_put(["dataset", "noise"], -0.1), ["dataset.noise", "is outside [0, 0.5]"]),
    "points zero": (_put(["dataset", "points"], 0), ["dataset.points: 0 is outside"]),
    "too large for a float": (_put(["neurons", 0, "x"], 10**400), ["neurons[0].x", "too large"]),
    # Structure.
    "dangling target": (_put(["connections", 0, "target"], 99), ["connection 1", "there is no neuron 99"]),
    "dangling source": (_put(["connections", 2, "source"], 77), ["connection 3", "no neuron 77"]),
    "neuron in missing layer": (_put(["neurons", 1, "layer"], 42), ["neuron", "layer 42", "does not exist"]),
    "neuron id = layer id": (_put(["neurons", 0, "id"], 1), ["id 1 is used twice"]),
    "two neurons one id": (_put(["neurons", 1, "id"], 2), ["id 2 is used twice"]),
    "duplicate connection": (lambda d: d["connections"].append(dict(d["connections"][0])), ["appears twice"]),
    "self connection": (
        lambda d: d["connections"].append({"source": 5, "target": 5, "weight": 1.0}),
        ["connect to itself"],
    ),
    "into an input": (
        lambda d: d["connections"].append({"source": 5, "target": 2, "weight": 1.0}),
        ["ends at an input neuron"],
    ),
    "out of an output": (
        lambda d: d["connections"].append({"source": 8, "target": 6, "weight": 1.0}),
        ["starts at an output neuron"],
    ),
    # The same, where the connection closes no cycle: a second input layer
    # fed by a hidden neuron, an output feeding a new hidden layer.
    "into an input, no cycle": (
        lambda d: _with_layer(d, "input", {"source": 5, "target": 10, "weight": 1.0}),
        ["connection hidden 1 neuron 1 → input 2 neuron 1 ends at an input neuron, which only reads the data"],
    ),
    "out of an output, no cycle": (
        lambda d: _with_layer(d, "hidden", {"source": 8, "target": 10, "weight": 1.0}),
        ["connection “out” → hidden 2 neuron 1 starts at an output neuron, which feeds nothing"],
    ),
    "within a layer": (
        lambda d: d["connections"].append({"source": 5, "target": 6, "weight": 1.0}),
        ["joins two neurons of layer 'hidden 1'"],
    ),
    "softmax mixed": (_put(["neurons", 3, "activation"], "softmax"), ["softmax must be the activation of all"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_field_refusals(name):
    change, words = CASES[name]
    d = base()
    change(d)
    msg = refused(json.dumps(d))
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"
    # design_from_dict gives the same reason without the file name.
    with pytest.raises(FormatError) as e:
        design_from_dict(copy.deepcopy(d))
    assert msg == f"bad.nnsim: {one_line(e)}"


def test_base_layout_is_what_the_cases_assume():
    d = base()
    assert [layer["id"] for layer in d["layers"]] == [1, 4, 7]
    assert [n["id"] for n in d["neurons"]] == [2, 3, 5, 6, 8]
    assert [(c["source"], c["target"]) for c in d["connections"]][:3] == [(2, 5), (2, 6), (3, 5)]


@pytest.mark.parametrize("top", ["[]", "1", '"design"', "null", "true"])
def test_top_level_not_an_object(top):
    msg = refused(top)
    assert "top level" in msg and "expected an object" in msg


def test_cycle_is_refused_naming_the_connection():
    d = layered([1, 1, 1, 1])  # ids: layers 1,3,5,7; neurons 2,4,6,8
    d.layers[1].kind = d.layers[2].kind  # both hidden already
    data = design_to_dict(d)
    data["connections"].append({"source": 6, "target": 4, "weight": 0.5})  # hidden 2 -> hidden 1
    msg = refused(json.dumps(data))
    assert "closes a cycle" in msg and "hidden 1 → hidden 2 → hidden 1" in msg


def test_line_breaks_from_the_file_do_not_break_the_message():
    d = base()
    d["layers"][1]["name"] = "two\nlines\r\u2028and\x85more"
    d["connections"].append({"source": 5, "target": 6, "weight": 1.0})
    msg = refused(json.dumps(d))
    assert "layer 'two\\nlines\\r\\u2028and\\x85more'" in msg
    with pytest.raises(FormatError) as e:  # a file name with a line break, too
        loads("[]", "a\nb.nnsim")
    assert one_line(e).startswith("a\\nb.nnsim: ")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize(
    "path, where",
    [
        (["connections", 1, "weight"], "connections[1].weight"),
        (["neurons", 2, "bias"], "neurons[2].bias"),
        (["neurons", 0, "x"], "neurons[0].x"),
        (["training", "learning_rate"], "training.learning_rate"),
        (["training", "target_loss"], "training.target_loss"),
        (["dataset", "noise"], "dataset.noise"),
        (["extra", "ignored"], "extra.ignored"),  # even where nnsim would not look
        (["neurons", 2, "label"], "neurons[2].label"),
    ],
)
def test_nan_and_infinity_literals_are_refused_anywhere(literal, path, where):
    d = base()
    d["extra"] = {"ignored": 0}
    _put(path, "@@HERE@@")(d)
    text = json.dumps(d).replace('"@@HERE@@"', literal)
    assert literal in text
    msg = refused(text)
    assert msg == f"bad.nnsim: {where}: {literal} is not allowed (numbers must be finite)"


@pytest.mark.parametrize("number", ["1e400", "-1e999"])
def test_float_overflow_is_refused(number):
    text = json.dumps(base()).replace('"weight": 0.25', f'"weight": {number}', 1)
    msg = refused(text)
    assert "connections[0].weight" in msg and "not a finite number" in msg


def test_lone_surrogate_escape_is_refused():
    text = json.dumps(base()).replace('"label": "out"', '"label": "\\ud800"')
    msg = refused(text)
    assert "neurons[4].label" in msg and "ud800" in msg


# -- limits ----------------------------------------------------------------------------
def test_too_many_neurons():
    n = LIMITS["neurons"] + 1
    neurons = ",".join(f'{{"id":{i + 2},"layer":1}}' for i in range(n))
    text = (
        '{"format_version":1,"layers":[{"id":1,"kind":"input"}],'
        f'"neurons":[{neurons}],"connections":[]}}'
    )
    msg = refused(text)
    assert f"neurons: {n} entries is more than nnsim handles ({LIMITS['neurons']})" in msg


def test_as_many_neurons_as_allowed_is_fine():
    n = 2000  # the limit itself is slow to check, not refused; a sample of the path
    neurons = [{"id": i + 2, "layer": 1} for i in range(n)]
    d = {"format_version": 1, "layers": [{"id": 1, "kind": "input"}], "neurons": neurons, "connections": []}
    assert len(loads(json.dumps(d)).neurons) == n


@pytest.mark.parametrize("key", ["layers", "connections", "history"])
def test_other_limits(key):
    d = {"format_version": 1, "layers": [], "neurons": [], "connections": []}
    item = {"layers": {"id": 1, "kind": "input"}, "connections": {"source": 1, "target": 2, "weight": 0}}.get(
        key, {"epoch": 0, "step": 0, "train_loss": 0}
    )
    d[key] = [item] * (LIMITS[key] + 1)  # the length is checked before the items
    with pytest.raises(FormatError) as e:
        design_from_dict(d)
    assert one_line(e).startswith(f"{key}: {LIMITS[key] + 1} entries is more than nnsim handles")


def test_file_too_large(tmp_path, monkeypatch):
    import nnsim.io.files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    p = tmp_path / "big.nnsim"
    p.write_bytes(SAMPLE.read_bytes())
    with pytest.raises(FormatError) as e:
        load(p)
    assert "larger than a design file can be" in one_line(e)


# -- nothing is executed ---------------------------------------------------------------
class _Boom:
    """Unpickling this would create MARKER."""

    marker = ""

    def __reduce__(self):
        code = f"open({self.marker!r}, 'w').write('executed')"
        return (exec, (code,))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_pickle_payload_is_refused_not_run(tmp_path, protocol):
    marker = tmp_path / "MARKER"
    boom = _Boom()
    boom.marker = str(marker)
    p = tmp_path / "evil.nnsim"
    p.write_bytes(pickle.dumps(boom, protocol=protocol))
    with pytest.raises(FormatError) as e:
        load(p)
    one_line(e)
    assert not marker.exists()


def test_code_in_text_is_only_text(tmp_path):
    marker = tmp_path / "MARKER"
    code = f"__import__('os').system('touch {marker}')"
    d = base()
    d["name"] = code
    d["neurons"][0]["label"] = "{{7*7}} ${7*7} `touch x` $(touch x)"
    d["dataset"]["path"] = code
    d["py/object"] = "os.system"  # jsonpickle-style keys are just unknown fields
    d["__class__"] = {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": [f"touch {marker}"]}]}
    design = loads(json.dumps(d))
    assert design.name == code and design.dataset.path == code
    assert design.neurons[0].label == "{{7*7}} ${7*7} `touch x` $(touch x)"
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch MARKER')",
        "!!python/object/apply:os.system ['touch MARKER']",
        '{"format_version": 1, "layers": __import__("os")}',
    ],
)
def test_code_instead_of_json_is_refused(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    refused(text)
    assert not (tmp_path / "MARKER").exists()


# -- the command line -------------------------------------------------------------------
BAD_FILES = {
    "nan.nnsim": json.dumps(base()).replace('"weight": 0.25', '"weight": NaN'),
    "cut.nnsim": SAMPLE.read_text(encoding="utf-8")[:200],
    "newer.nnsim": json.dumps({**base(), "format_version": 7}),
    "notjson.nnsim": "hello",
    "cycle.nnsim": None,  # built below
    "binary.nnsim": b"\x80\x81\xfe\xff" * 10,
}


def _bad_file(tmp_path, name) -> Path:
    p = tmp_path / name
    content = BAD_FILES[name]
    if name == "cycle.nnsim":
        d = design_to_dict(layered([1, 1, 1, 1]))
        d["layers"][1]["name"] = "first\nhidden"
        d["connections"].append({"source": 6, "target": 4, "weight": 0.5})
        content = json.dumps(d)
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


@pytest.mark.parametrize("command", ["train", "predict"])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_refuses_with_one_line_and_status_2(tmp_path, capsys, command, name):
    from nnsim.cli import main

    path = _bad_file(tmp_path, name)
    status = main([command, str(path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert name in err
    with pytest.raises(FormatError) as e:
        load(path)
    assert err == str(e.value) + "\n"
