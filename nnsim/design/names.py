"""What a neuron is called wherever a person reads about it.

One scheme everywhere (canvas tooltips, the inspector, the step-through,
``nnsim predict --trace``, ``nnsim.inspect``, messages, choosers): the
neuron's label in quotes when it has one (“fires?”: a label is the user's
words, and "Use sigmoid for fires?" would read as a question), else its
layer's name and its place in the layer, counted from 1 in design order (the
data's column order), as in ``hidden 1 neuron 3`` or ``output neuron 1``. No
comma inside a name, so lists of names still read ("wanted: output neuron 1 =
1, output neuron 2 = 0").

``NeuronNames`` names every neuron of a design after one pass over it; each
look-up is then O(1). Labels and layer names are read at each look-up, so
renaming needs no rebuild; adding, removing or reordering neurons does.
"""

from __future__ import annotations

from nnsim.text import one_line

from nnsim.design.model import Design, Layer, Neuron

MAX_LABEL = 60  # characters of a label shown in a name; longer ones are cut with "…"


def shown_label(label: str) -> str:
    """A label as it appears in a one-line text: surrounding blanks dropped,
    line breaks and other control characters escaped, cut when very long."""
    text = label.strip()
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return one_line(text)


def layer_title(layer: Layer | None) -> str:
    """A layer as a name's first part: its name, or its kind when unnamed."""
    if layer is None:
        return "layer"
    name = shown_label(layer.name)
    return name or f"{layer.kind.value} layer"


def name_of(neuron: Neuron, layer: Layer | None, position: int) -> str:
    """The scheme itself: ``position`` counts from 1 within the layer."""
    label = shown_label(neuron.label) if neuron.label else ""
    if label:
        return f"“{label}”"
    if layer is None:
        return f"neuron {neuron.id}"
    return f"{layer_title(layer)} neuron {position}"


class NeuronNames:
    """The names of all neurons of a design, from one pass over it."""

    def __init__(self, design: Design):
        self._layers = {layer.id: layer for layer in design.layers}
        self._neurons: dict[int, Neuron] = {}
        self._position: dict[int, int] = {}
        seen: dict[int, int] = {}
        for n in design.neurons:
            k = seen.get(n.layer, 0) + 1
            seen[n.layer] = k
            self._neurons[n.id] = n
            self._position[n.id] = k

    def __call__(self, neuron_id: int) -> str:
        n = self._neurons.get(neuron_id)
        if n is None:
            return f"neuron {neuron_id}"
        return name_of(n, self._layers.get(n.layer), self._position[neuron_id])

    def position(self, neuron_id: int) -> int:
        """The neuron's place in its layer, from 1."""
        return self._position[neuron_id]

    def all(self) -> dict[int, str]:
        return {nid: self(nid) for nid in self._neurons}


def neuron_name(design: Design, neuron_id: int) -> str:
    """One neuron's name in one pass over the design (for a single message;
    naming many neurons, build ``NeuronNames`` once)."""
    found = None
    position = 0
    for n in design.neurons:
        if n.id == neuron_id:
            found = n
            break
    if found is None:
        return f"neuron {neuron_id}"
    for n in design.neurons:
        if n.layer == found.layer:
            position += 1
        if n is found:
            break
    layer = next((lay for lay in design.layers if lay.id == found.layer), None)
    return name_of(found, layer, position)


def neuron_names(design: Design) -> dict[int, str]:
    """Every neuron's name, by id."""
    return NeuronNames(design).all()
