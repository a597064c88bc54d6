"""The check vocabulary: each fact and event check, the combinations, and the
errors a lesson author gets for a wrong check."""

from __future__ import annotations

import pytest

import nnsim
from nnsim.design.build import add_layer, connect_all
from nnsim.design.model import Activation, Connection, LayerKind
from nnsim.lessons import Context, Event, LessonError, parse_check


def ev(name, **data):
    return Event(name, data)


def check(table, design=None, events=(), start=None) -> bool:
    design = design if design is not None else nnsim.example("article-neuron")
    return parse_check(table).evaluate(Context(design, list(events), start))


# -- facts ------------------------------------------------------------------------------
def test_neuron_output_computes_with_the_engine():
    d = nnsim.example("article-neuron")
    fires = {"fact": "neuron_output", "neuron": "fires?", "inputs": [0.5, 0.6], "equals": 1}
    assert check(fires, d)
    d.connection(3, 5).weight = 0.3  # 0.25 + 0.18 = 0.43 < 0.5
    assert not check(fires, d)
    assert check({**fires, "equals": 0}, d)
    # By id, and with ranges.
    assert check({"fact": "neuron_output", "neuron": 5, "inputs": [1, 1], "min": 1}, d)
    # Wrong number of inputs, or an unknown neuron: not met (never an error).
    assert not check({"fact": "neuron_output", "neuron": "fires?", "inputs": [1], "equals": 0}, d)
    assert not check({"fact": "neuron_output", "neuron": "nobody", "inputs": [1, 1], "equals": 0}, d)


def test_neuron_output_of_a_design_that_cannot_run_is_not_met():
    d = nnsim.example("article-neuron")
    fires = {"fact": "neuron_output", "neuron": "fires?", "inputs": [0.5, 0.6], "equals": 1}
    assert check(fires, d)
    d.connections.append(Connection(5, 2, 1.0))  # into an input: the design cannot be compiled
    assert not check(fires, d)


def test_hidden_layer():
    d = nnsim.load(nnsim.resources.resource_path("lessons", "designs", "xor-no-hidden.nnsim"))
    two = {"fact": "hidden_layer", "min_neurons": 2}
    wired = {**two, "connected": True}
    assert not check(two, d)
    inputs, output = d.layers_of_kind(LayerKind.INPUT)[0], d.layers_of_kind(LayerKind.OUTPUT)[0]
    hidden = add_layer(d, LayerKind.HIDDEN, 3, x=180)
    assert check(two, d) and not check(wired, d)
    connect_all(d, inputs.id, hidden.id)
    assert not check(wired, d)  # fed, but feeding nothing
    connect_all(d, hidden.id, output.id)
    assert check(wired, d)
    assert not check({**wired, "min_neurons": 4}, d)
    assert not check({**wired, "count": 2}, d)


def test_neuron_fields_and_weights():
    d = nnsim.example("article-neuron")
    assert check({"fact": "neuron", "neuron": "fires?", "field": "activation", "equals": "step"}, d)
    assert check({"fact": "neuron", "neuron": "fires?", "field": "threshold", "equals": 0.5}, d)
    d.neuron(5).activation = Activation.SIGMOID
    assert check({"fact": "neuron", "neuron": "FIRES?", "field": "activation", "equals": "Sigmoid"}, d)
    assert check({"fact": "weight", "source": "x2", "target": "fires?", "equals": 0.7}, d)
    assert check({"fact": "weight", "source": "x2", "target": "fires?", "above": 0.6, "below": 0.8}, d)
    assert not check({"fact": "weight", "source": "fires?", "target": "x2", "equals": 0.7}, d)


def test_settings():
    d = nnsim.example("perceptron-and")
    assert check({"fact": "setting", "name": "training.rule", "equals": "perceptron"}, d)
    assert check({"fact": "setting", "name": "dataset.name", "one_of": ["AND", "OR"]}, d)
    assert check({"fact": "setting", "name": "training.learning_rate", "max": 0.1}, d)
    assert not check({"fact": "setting", "name": "training.learning_rate", "below": 0.1}, d)
    assert check({"fact": "setting", "name": "name", "not_equals": "Untitled"}, d)


def test_changed_compares_with_the_start_of_the_step():
    start = nnsim.example("article-neuron")
    d = start.copy()
    for what in ("weights", "biases", "numbers", "structure", "activations", "thresholds", "settings", "anything"):
        assert not check({"fact": "changed", "what": what}, d, start=start)
    d.connections[0].weight = 0.1
    assert check({"fact": "changed", "what": "weights"}, d, start=start)
    assert check({"fact": "changed", "what": "numbers"}, d, start=start)
    assert not check({"fact": "changed", "what": "biases"}, d, start=start)
    d.neuron(5).activation = Activation.TANH
    assert check({"fact": "changed", "what": "activations"}, d, start=start)
    assert not check({"fact": "changed", "what": "structure"}, d, start=start)
    d.connections.pop()
    assert check({"fact": "changed", "what": "structure"}, d, start=start)
    # Without a start there is nothing to compare with.
    assert not check({"fact": "changed", "what": "anything"}, d)


def test_ready_to_train():
    d = nnsim.example("xor-mlp")
    assert check({"fact": "ready_to_train"}, d)
    d.dataset.name = "spiral"
    d.dataset.source = "playground"
    assert check({"fact": "ready_to_train"}, d)
    d.dataset.source = "iris"  # four features, two inputs
    assert not check({"fact": "ready_to_train"}, d)


# -- events -----------------------------------------------------------------------------
def test_events_match_by_name_data_and_count():
    events = [
        ev("forward_done", inputs=[0.5, 0.6], outputs=[1.0]),
        ev("forward_done", inputs=[0.2, 0.3], outputs=[0.0]),
        ev("training", status="running", accuracy=0.75, epoch=3),
        ev("training", status="running", accuracy=1.0, epoch=9),
    ]
    assert check({"event": "forward_done"}, events=events)
    assert check({"event": "forward_done", "count": 2}, events=events)
    assert not check({"event": "forward_done", "count": 3}, events=events)
    assert check({"event": "forward_done", "where": {"outputs": [0]}}, events=events)
    assert check({"event": "forward_done", "where": {"inputs": [0.5, 0.6], "outputs": [1]}}, events=events)
    assert not check({"event": "forward_done", "where": {"inputs": [0.5, 0.6], "outputs": [0]}}, events=events)
    assert check({"event": "training", "where": {"accuracy": {"min": 1.0}}}, events=events)
    assert not check({"event": "training", "where": {"accuracy": {"above": 1.0}}}, events=events)
    assert not check({"event": "training", "where": {"loss": {"max": 1.0}}}, events=events)  # no such field
    assert not check({"event": "backward_done"}, events=events)


def test_lists_compare_item_by_item():
    events = [ev("forward_done", outputs=[0.66, 0.1])]
    assert check({"event": "forward_done", "where": {"outputs": [{"min": 0.6, "max": 0.7}, {"max": 0.5}]}},
                 events=events)
    assert not check({"event": "forward_done", "where": {"outputs": [{"min": 0.6, "max": 0.7}]}}, events=events)


def test_distinct_counts_different_values():
    events = [ev("activation_shown", activation=a) for a in ("step", "step", "sigmoid", "tanh")]
    four = {"event": "activation_shown", "distinct": "activation", "count": 4}
    assert not check(four, events=events)
    assert check({**four, "count": 3}, events=events)
    assert check(four, events=events + [ev("activation_shown", activation="relu")])
    only = {**four, "where": {"activation": {"one_of": ["step", "sigmoid", "tanh", "relu"]}}}
    assert not check(only, events=events + [ev("activation_shown", activation="linear")])


def test_combinations():
    events = [ev("backward_done")]
    both = {"all": [{"event": "backward_done"}, {"event": "update_applied"}]}
    either = {"any": [{"event": "backward_done"}, {"event": "update_applied"}]}
    assert not check(both, events=events) and check(either, events=events)
    assert check({"not": {"event": "update_applied"}}, events=events)
    parsed = parse_check({"all": [{"event": "backward_done", "say": "go back"}, {"fact": "ready_to_train"}]})
    assert [p.describe() for p in parsed.items()] == ["go back", "the design is ready to train"]


# -- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "table, message",
    [
        ({}, "exactly one of"),
        ({"fact": "hidden_layer", "event": "training"}, "exactly one of"),
        ({"fact": "nonsense"}, "unknown fact 'nonsense'"),
        ({"event": "trained"}, "unknown event 'trained'"),
        ({"event": "training", "where": {"accuracy": {"at_least": 1}}}, "unknown comparison"),
        ({"event": "training", "count": 0}, "'count' must be a whole number >= 1"),
        ({"fact": "hidden_layer", "neurons": 2}, "unknown key(s) neurons"),
        ({"fact": "neuron_output", "neuron": "y", "inputs": [1, "a"], "equals": 1}, "'inputs' must be a list"),
        ({"fact": "neuron_output", "neuron": "y", "inputs": [1]}, "say what to compare with"),
        ({"fact": "neuron", "neuron": "y", "field": "colour", "equals": 1}, "'field' must be one of"),
        ({"fact": "setting", "name": "training.speed", "equals": 1}, "'name' must be"),
        ({"fact": "setting", "name": "training.learning_rate", "min": "big"}, "'min' must be a number"),
        ({"fact": "changed", "what": "colours"}, "'what' must be one of"),
        ({"all": []}, "non-empty list"),
        ({"fact": "weight", "source": True, "target": "y", "equals": 1}, "'source' must be"),
        ("forward_done", "must be a table"),
    ],
)
def test_bad_checks_are_refused_with_a_reason(table, message):
    with pytest.raises(LessonError) as info:
        parse_check(table, "lesson.toml, step 2, check")
    assert message in str(info.value)
    assert str(info.value).startswith("lesson.toml, step 2, check")
