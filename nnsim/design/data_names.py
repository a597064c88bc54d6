"""Neurons named after the data: the input neurons take the data's column
names and the output neurons its class (or target column) names, as edits
that go into the same undo step as choosing the data.

A label the user typed stays: only a neuron with no label, or one still
holding a name that came from the data set before, is renamed.
"""

from __future__ import annotations

from nnsim.design.edits import set_fields
from nnsim.design.model import Design, LayerKind


def output_names(task: str, target_names: list[str], n_outputs: int) -> list[str] | None:
    """The names of a network's outputs for this data: one per class (or a
    single output for two classes: the second class, which it says yes to),
    one per regression target; None when the numbers do not fit."""
    names = [str(n) for n in target_names]
    if task == "classification" and len(names) == 2 and n_outputs == 1:
        return [names[1]]
    return names if len(names) == n_outputs else None


def label_ops(design: Design, inputs: list[str], task: str, targets: list[str], earlier: set[str]) -> list:
    """SetField operations that name the input neurons ``inputs`` (the
    data's feature columns, in order) and the output neurons after
    ``targets`` (class or target column names). Only a design with one input
    and one output layer of neurons is named; ``earlier``: names that came
    from the data set before, which may be replaced."""
    ins, outs = design.layers_of_kind(LayerKind.INPUT), design.layers_of_kind(LayerKind.OUTPUT)
    if len(ins) != 1 or len(outs) != 1:
        return []
    ops = []
    for layer, names in ((ins[0], list(inputs)), (outs[0], None)):
        neurons = design.neurons_of(layer.id)
        if names is None:
            names = output_names(task, targets, len(neurons))
        if names is None or len(names) != len(neurons):
            continue
        for neuron, name in zip(neurons, names):
            if not neuron.label.strip() or neuron.label in earlier:
                ops += set_fields(("neuron", neuron.id), neuron, label=str(name))
    return ops


__all__ = ["label_ops", "output_names"]
