"""The small declarative vocabulary lesson steps use to notice what the learner did.

A check is a table (a dict once the lesson file is read). It is one of:

- a **fact** about the design as it is now: ``{fact = "hidden_layer", min_neurons = 2}``;
- an **event** the app recorded since the step began:
  ``{event = "training", where = {accuracy = {min = 1.0}}}``;
- a combination: ``{all = [...]}``, ``{any = [...]}``, ``{not = {...}}``.

Any check may carry ``say = "..."``: the words the lessons panel shows for it
in the step's checklist. ``parse_check`` validates a table and returns a
``Check``; ``Check.evaluate(context)`` answers True or False. docs/lessons.md
describes every fact and event. No Qt here.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, fields
from typing import Any

from nnsim.design.model import Design, DatasetSpec, LayerKind, TrainingSettings
from nnsim.lessons.events import EVENTS, Event


class LessonError(ValueError):
    """A lesson file is wrong; the message names the file and the place."""


@dataclass
class Context:
    """What a check looks at: the design now, the events since the step
    began, and the design as it was when the step began."""

    design: Design
    events: list[Event]
    start: Design | None = None


# -- comparing values -------------------------------------------------------------------
COMPARE_KEYS = ("equals", "not_equals", "min", "max", "above", "below", "one_of")
DEFAULT_TOLERANCE = 1e-6


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def _same(a: Any, b: Any, tol: float) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tol
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower()
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    return a == b


def _number(value: Any) -> float | None:
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass
class Compare:
    """Conditions on one value; all given ones must hold."""

    ops: dict[str, Any]
    tolerance: float = DEFAULT_TOLERANCE

    def holds(self, value: Any) -> bool:
        if value is None:
            return False
        tol = self.tolerance
        for op, want in self.ops.items():
            if op == "equals" and not _same(value, want, tol):
                return False
            if op == "not_equals" and _same(value, want, tol):
                return False
            if op == "one_of" and not any(_same(value, w, tol) for w in want):
                return False
            if op in ("min", "max", "above", "below"):
                v = _number(value)
                if v is None or not math.isfinite(v):
                    return False
                if (
                    (op == "min" and v < want)
                    or (op == "max" and v > want)
                    or (op == "above" and v <= want)
                    or (op == "below" and v >= want)
                ):
                    return False
        return True


def _parse_compare(table: dict, where: str, required: bool = True) -> Compare:
    ops = {k: table[k] for k in COMPARE_KEYS if k in table}
    if required and not ops:
        raise LessonError(f"{where}: say what to compare with ({', '.join(COMPARE_KEYS)})")
    for k in ("min", "max", "above", "below"):
        if k in ops and _number(ops[k]) is None:
            raise LessonError(f"{where}: '{k}' must be a number, not {ops[k]!r}")
    if "one_of" in ops and not isinstance(ops["one_of"], list):
        raise LessonError(f"{where}: 'one_of' must be a list")
    tol = table.get("tolerance", DEFAULT_TOLERANCE)
    if _number(tol) is None or tol < 0:
        raise LessonError(f"{where}: 'tolerance' must be a number >= 0")
    return Compare(ops, float(tol))


@dataclass
class EachCompare(Compare):
    """A list compared item by item: each item is a value (equals) or a table
    of operators, e.g. ``outputs = [{min = 0.6, max = 0.7}]``."""

    items: list[Compare] | None = None

    def holds(self, value: Any) -> bool:
        value = _plain(value)
        if not isinstance(value, list) or len(value) != len(self.items):
            return False
        return all(c.holds(v) for c, v in zip(self.items, value))


def _value_condition(value: Any, where: str) -> Compare:
    """A ``where`` entry: a plain value means "equals"; a table gives operators;
    a list with tables in it compares item by item."""
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return EachCompare({}, items=[_value_condition(v, f"{where}[{i}]") for i, v in enumerate(value)])
    if isinstance(value, dict):
        unknown = set(value) - set(COMPARE_KEYS) - {"tolerance"}
        if unknown:
            raise LessonError(f"{where}: unknown comparison {sorted(unknown)} (use {', '.join(COMPARE_KEYS)})")
        return _parse_compare(value, where)
    return Compare({"equals": value})


# -- checks -----------------------------------------------------------------------------
class Check:
    """Base of all checks. ``say`` is the checklist text (may be empty)."""

    say: str = ""

    def evaluate(self, ctx: Context) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def items(self) -> list[Check]:
        """The checklist entries: the parts of a top-level ``all``, else itself."""
        return [self]

    def describe(self) -> str:
        return self.say


@dataclass
class AllOf(Check):
    parts: list[Check]
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        return all(p.evaluate(ctx) for p in self.parts)

    def items(self) -> list[Check]:
        return list(self.parts) if not self.say else [self]

    def describe(self) -> str:
        return self.say or "; ".join(p.describe() for p in self.parts)


@dataclass
class AnyOf(Check):
    parts: list[Check]
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        return any(p.evaluate(ctx) for p in self.parts)

    def describe(self) -> str:
        return self.say or " or ".join(p.describe() for p in self.parts)


@dataclass
class NotCheck(Check):
    part: Check
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        return not self.part.evaluate(ctx)

    def describe(self) -> str:
        return self.say or f"not ({self.part.describe()})"


@dataclass
class EventCheck(Check):
    """At least ``count`` events named ``name`` since the step began, whose
    data satisfy ``where``; with ``distinct``, at least ``count`` different
    values of that data field among them."""

    name: str
    where: dict[str, Compare]
    count: int = 1
    distinct: str | None = None
    say: str = ""

    def matching(self, events: list[Event]) -> list[Event]:
        return [
            e
            for e in events
            if e.name == self.name and all(k in e.data and c.holds(e.data[k]) for k, c in self.where.items())
        ]

    def evaluate(self, ctx: Context) -> bool:
        found = self.matching(ctx.events)
        if self.distinct:
            seen = []
            for e in found:
                v = _plain(e.data.get(self.distinct))
                if v is not None and not any(_same(v, s, 0.0) for s in seen):
                    seen.append(v)
            return len(seen) >= self.count
        return len(found) >= self.count

    def describe(self) -> str:
        return self.say or f"event {self.name}"


# -- facts --------------------------------------------------------------------------------
def find_neuron(design: Design, ref: int | str):
    """A neuron by id (int) or label (str, case-insensitive); None if absent."""
    for n in design.neurons:
        if isinstance(ref, int) and not isinstance(ref, bool):
            if n.id == ref:
                return n
        elif n.label.strip().lower() == str(ref).strip().lower():
            return n
    return None


def _neuron_ref(table: dict, key: str, where: str) -> int | str:
    if key not in table:
        raise LessonError(f"{where}: '{key}' (a neuron's label or id) is missing")
    ref = table[key]
    if isinstance(ref, bool) or not isinstance(ref, (int, str)):
        raise LessonError(f"{where}: '{key}' must be a neuron's label (text) or id (whole number)")
    return ref


@dataclass
class HiddenLayerFact(Check):
    """At least ``count`` hidden layers with at least ``min_neurons`` neurons
    (and, with ``connected``, fed by another layer and feeding another)."""

    min_neurons: int = 1
    count: int = 1
    connected: bool = False
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        d = ctx.design
        layer_of = {n.id: n.layer for n in d.neurons}
        fed, feeds = set(), set()
        for c in d.connections:
            s, t = layer_of.get(c.source), layer_of.get(c.target)
            if s is not None and t is not None and s != t:
                feeds.add(s)
                fed.add(t)
        good = 0
        for layer in d.layers_of_kind(LayerKind.HIDDEN):
            if len(d.neurons_of(layer.id)) < self.min_neurons:
                continue
            if self.connected and not (layer.id in fed and layer.id in feeds):
                continue
            good += 1
        return good >= self.count

    def describe(self) -> str:
        return self.say or f"a hidden layer with at least {self.min_neurons} neuron(s)"


@dataclass
class NeuronOutputFact(Check):
    """The output of a neuron for the given network inputs."""

    neuron: int | str
    inputs: list[float]
    compare: Compare
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        import numpy as np

        from nnsim.design.compile import compile_design

        n = find_neuron(ctx.design, self.neuron)
        if n is None:
            return False
        try:
            compiled = compile_design(ctx.design)
        except ValueError:  # DesignError: the design cannot run as it is
            return False
        net = compiled.network
        if net.n_inputs != len(self.inputs):
            return False
        with np.errstate(all="ignore"):
            trace = net.forward(np.asarray([self.inputs], dtype=np.float64))
        li, col = compiled.neuron_pos[n.id]
        return self.compare.holds(float(trace.a[li][0, col]))


NEURON_FIELDS = ("bias", "threshold", "activation", "label")


@dataclass
class NeuronFact(Check):
    """A field of a neuron; ``activation`` is the one it uses (its own or its layer's)."""

    neuron: int | str
    field: str
    compare: Compare
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        n = find_neuron(ctx.design, self.neuron)
        if n is None:
            return False
        if self.field == "activation":
            try:
                value = ctx.design.activation_of(n)
            except KeyError:
                return False
        else:
            value = getattr(n, self.field)
        return self.compare.holds(value)


@dataclass
class WeightFact(Check):
    """The weight of the connection between two neurons."""

    source: int | str
    target: int | str
    compare: Compare
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        s, t = find_neuron(ctx.design, self.source), find_neuron(ctx.design, self.target)
        if s is None or t is None:
            return False
        c = ctx.design.connection(s.id, t.id)
        return c is not None and self.compare.holds(c.weight)


SETTING_GROUPS = {
    "training": {f.name for f in fields(TrainingSettings)},
    "dataset": {f.name for f in fields(DatasetSpec)},
}


def setting_value(design: Design, name: str):
    group, _, key = name.partition(".")
    if not key:
        return getattr(design, group)
    return getattr(getattr(design, group), key)


@dataclass
class SettingFact(Check):
    """A training setting, the data set, or the design's name."""

    name: str
    compare: Compare
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        return self.compare.holds(setting_value(ctx.design, self.name))


CHANGED_WHAT = ("weights", "biases", "numbers", "thresholds", "activations", "structure", "settings", "arrays",
                "anything")


def _changed(a: Design, b: Design, what: str) -> bool:
    if what in ("weights", "numbers") and [(c.source, c.target, c.weight) for c in a.connections] != [
        (c.source, c.target, c.weight) for c in b.connections
    ]:
        return True
    if what in ("biases", "numbers") and [(n.id, n.bias) for n in a.neurons] != [(n.id, n.bias) for n in b.neurons]:
        return True
    if what == "thresholds":
        return [(n.id, n.threshold) for n in a.neurons] != [(n.id, n.threshold) for n in b.neurons]
    if what == "activations":

        def acts(d):
            out = []
            for n in d.neurons:
                try:
                    out.append((n.id, d.activation_of(n)))
                except KeyError:
                    out.append((n.id, None))
            return out

        return acts(a) != acts(b)
    if what == "structure":
        return (
            [(x.id, x.kind) for x in a.layers] != [(x.id, x.kind) for x in b.layers]
            or [(n.id, n.layer) for n in a.neurons] != [(n.id, n.layer) for n in b.neurons]
            or [(c.source, c.target) for c in a.connections] != [(c.source, c.target) for c in b.connections]
        )
    if what == "settings":
        return a.training != b.training or a.dataset != b.dataset
    if what == "arrays":  # a block layer's numbers (a convolution's kernels) or its options
        return [(x.id, x.options, x.arrays) for x in a.layers] != [(x.id, x.options, x.arrays) for x in b.layers]
    if what == "anything":
        return (a.layers, a.neurons, a.connections, a.training, a.dataset) != (
            b.layers,
            b.neurons,
            b.connections,
            b.training,
            b.dataset,
        )
    return False


@dataclass
class ChangedFact(Check):
    """Something differs from the design as it was when the step began."""

    what: str
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        return ctx.start is not None and _changed(ctx.start, ctx.design, self.what)

    def describe(self) -> str:
        return self.say or f"change the {self.what}"


@dataclass
class ReadyToTrainFact(Check):
    """The design can be trained on its data set as it stands."""

    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        from nnsim.data import DataError, load_dataset
        from nnsim.design.compile import compile_design
        from nnsim.design.validate import DesignError
        from nnsim.session import coding_for

        try:
            compiled = compile_design(ctx.design)
            coding_for(load_dataset(ctx.design.dataset), compiled.network, ctx.design)
        except (DesignError, DataError, ValueError, OSError):
            return False
        return True

    def describe(self) -> str:
        return self.say or "the design is ready to train"


@dataclass
class RecurrentFact(Check):
    """How many recurrent connections (delay 1) the design has."""

    compare: Compare
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        return self.compare.holds(sum(1 for c in ctx.design.connections if c.delay))

    def describe(self) -> str:
        return self.say or "add recurrent connections"


@dataclass
class LayerOptionFact(Check):
    """An option of a layer drawn as a block (an LSTM's ``forget_gate``),
    the layer named by its name (without regard to case)."""

    layer: str
    option: str
    compare: Compare
    say: str = ""

    def evaluate(self, ctx: Context) -> bool:
        for layer in ctx.design.layers:
            if layer.name.strip().lower() == self.layer.strip().lower() and self.option in layer.options:
                return self.compare.holds(layer.options[self.option])
        return False


# -- parsing ------------------------------------------------------------------------------
FACTS = ("hidden_layer", "neuron_output", "neuron", "weight", "setting", "changed", "ready_to_train", "recurrent",
         "layer_option")
COMBINERS = ("all", "any", "not")


def _int(table: dict, key: str, default: int, where: str, low: int = 0) -> int:
    v = table.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < low:
        raise LessonError(f"{where}: '{key}' must be a whole number >= {low}")
    return v


def _allowed(table: dict, keys: set[str], where: str) -> None:
    unknown = set(table) - keys - {"say"}
    if unknown:
        raise LessonError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")


def parse_check(table: Any, where: str = "check") -> Check:
    """Validate one check table and build its ``Check``; raises ``LessonError``."""
    if not isinstance(table, dict):
        raise LessonError(f"{where}: a check must be a table, not {type(table).__name__}")
    say = table.get("say", "")
    if not isinstance(say, str):
        raise LessonError(f"{where}: 'say' must be text")
    kinds = [k for k in ("fact", "event", *COMBINERS) if k in table]
    if len(kinds) != 1:
        raise LessonError(f"{where}: a check needs exactly one of 'fact', 'event', 'all', 'any' or 'not'")
    kind = kinds[0]
    if kind in ("all", "any"):
        _allowed(table, {kind}, where)
        parts = table[kind]
        if not isinstance(parts, list) or not parts:
            raise LessonError(f"{where}: '{kind}' needs a non-empty list of checks")
        checks = [parse_check(p, f"{where}.{kind}[{i}]") for i, p in enumerate(parts)]
        return AllOf(checks, say) if kind == "all" else AnyOf(checks, say)
    if kind == "not":
        _allowed(table, {"not"}, where)
        return NotCheck(parse_check(table["not"], f"{where}.not"), say)
    if kind == "event":
        return _parse_event(table, where, say)
    return _parse_fact(table, where, say)


def _parse_event(table: dict, where: str, say: str) -> EventCheck:
    _allowed(table, {"event", "where", "count", "distinct"}, where)
    name = table["event"]
    if name not in EVENTS:
        raise LessonError(f"{where}: unknown event '{name}' (known: {', '.join(EVENTS)})")
    conds = table.get("where", {})
    if not isinstance(conds, dict):
        raise LessonError(f"{where}: 'where' must be a table of data fields")
    parsed = {k: _value_condition(v, f"{where}.where.{k}") for k, v in conds.items()}
    distinct = table.get("distinct")
    if distinct is not None and not isinstance(distinct, str):
        raise LessonError(f"{where}: 'distinct' must name a data field")
    return EventCheck(name, parsed, _int(table, "count", 1, where, 1), distinct, say)


def _parse_fact(table: dict, where: str, say: str) -> Check:
    fact = table["fact"]
    compare_keys = set(COMPARE_KEYS) | {"tolerance"}
    if fact == "hidden_layer":
        _allowed(table, {"fact", "min_neurons", "count", "connected"}, where)
        connected = table.get("connected", False)
        if not isinstance(connected, bool):
            raise LessonError(f"{where}: 'connected' must be true or false")
        return HiddenLayerFact(
            _int(table, "min_neurons", 1, where, 1), _int(table, "count", 1, where, 1), connected, say
        )
    if fact == "neuron_output":
        _allowed(table, {"fact", "neuron", "inputs"} | compare_keys, where)
        inputs = table.get("inputs")
        if not isinstance(inputs, list) or not all(_number(v) is not None for v in inputs):
            raise LessonError(f"{where}: 'inputs' must be a list of numbers")
        return NeuronOutputFact(
            _neuron_ref(table, "neuron", where), [float(v) for v in inputs], _parse_compare(table, where), say
        )
    if fact == "neuron":
        _allowed(table, {"fact", "neuron", "field"} | compare_keys, where)
        field_ = table.get("field")
        if field_ not in NEURON_FIELDS:
            raise LessonError(f"{where}: 'field' must be one of {', '.join(NEURON_FIELDS)}")
        return NeuronFact(_neuron_ref(table, "neuron", where), field_, _parse_compare(table, where), say)
    if fact == "weight":
        _allowed(table, {"fact", "source", "target"} | compare_keys, where)
        return WeightFact(
            _neuron_ref(table, "source", where),
            _neuron_ref(table, "target", where),
            _parse_compare(table, where),
            say,
        )
    if fact == "setting":
        _allowed(table, {"fact", "name"} | compare_keys, where)
        name = table.get("name")
        if not isinstance(name, str) or not _valid_setting(name):
            raise LessonError(
                f"{where}: 'name' must be training.<field>, dataset.<field>, name or description, not {name!r}"
            )
        return SettingFact(name, _parse_compare(table, where), say)
    if fact == "changed":
        _allowed(table, {"fact", "what"}, where)
        what = table.get("what", "anything")
        if what not in CHANGED_WHAT:
            raise LessonError(f"{where}: 'what' must be one of {', '.join(CHANGED_WHAT)}")
        return ChangedFact(what, say)
    if fact == "ready_to_train":
        _allowed(table, {"fact"}, where)
        return ReadyToTrainFact(say)
    if fact == "recurrent":
        _allowed(table, {"fact"} | compare_keys, where)
        return RecurrentFact(_parse_compare(table, where), say)
    if fact == "layer_option":
        _allowed(table, {"fact", "layer", "option"} | compare_keys, where)
        layer, option = table.get("layer"), table.get("option")
        if not isinstance(layer, str) or not isinstance(option, str):
            raise LessonError(f"{where}: 'layer' and 'option' must be names (text)")
        return LayerOptionFact(layer, option, _parse_compare(table, where), say)
    raise LessonError(f"{where}: unknown fact '{fact}' (known: {', '.join(FACTS)})")


def _valid_setting(name: str) -> bool:
    group, _, key = name.partition(".")
    if not key:
        return group in ("name", "description")
    return key in SETTING_GROUPS.get(group, ())
