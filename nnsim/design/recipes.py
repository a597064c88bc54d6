"""The editor's edits as operation lists (see ``nnsim.design.edits``), no Qt.

Each function looks at the design, decides what the edit means, and returns
the operations that perform it, or raises ``EditError`` with a one-line reason
when the edit makes no sense (a cycle, a connection into an input...). The
window wraps the operations in one undo command.
"""

from __future__ import annotations

import copy

import numpy as np

from nnsim.design.build import (  # noqa: F401 - the naming rule and defaults, for the editor
    COLUMN_SPACING,
    ROW_SPACING,
    column_positions,
    column_width,
    default_activation,
    layer_name,
    make_layer,
)
from nnsim.design.edits import (
    Index,
    apply_ops,
    Insert,
    Remove,
    SetField,
    SetNumbers,
    insert_at_end,
    numbers_of,
    remove_where,
    set_fields,
)
from nnsim.design.layer_types import TYPES
from nnsim.design.model import Activation, ArrayValue, Connection, Design, Layer, LayerKind, Link, Neuron
from nnsim.design.parameters import is_link_key
from nnsim.design.validate import DesignError, _layer_graph, check_design, connection_problem, matrix_problem
from nnsim.engine.init import initial_bias, initial_weights
from nnsim.text import one_line, quote

MAX_LAYER_SIZE = 10_000
BLOCK_SPACING = 250.0  # between the centres of layers drawn as blocks (wider than a column of neurons)


class EditError(ValueError):
    """An edit was refused; the message says why in one line."""

    def __init__(self, message: str = ""):
        super().__init__(one_line(message))


def _check_matrices(design: Design, grow: dict[int, int] | None = None, layers=(), neurons=(), connections=()):
    """Refuse an edit after which the design's weight matrices would pass
    the memory budget (``MAX_MATRIX_ENTRIES``): the design plus new layers,
    neurons and connections, and layers grown by ``grow[layer id]`` neurons."""
    trial = copy.copy(design)
    trial.layers = [*design.layers, *layers]
    trial.neurons = [*design.neurons, *neurons]
    sizes = trial.layer_sizes()
    for lid, extra in (grow or {}).items():
        sizes[lid] += extra
    problem = matrix_problem(trial, sizes, _layer_graph(trial, [*design.connections, *connections]))
    if problem:
        raise EditError(problem)


def _new_ids(design: Design, count: int) -> list[int]:
    start = design.next_id()
    return list(range(start, start + count))


def new_weights(design: Design, rng: np.random.Generator, pairs: list[tuple[int, int]]) -> list[float]:
    """Starting weights for new connections ``pairs`` (source, target neuron
    ids) by the design's initialisation scheme (``nnsim.engine.init``): the
    fans count each neuron's connections with the new ones added."""
    if not pairs:
        return []
    fan_in: dict[int, int] = {}
    fan_out: dict[int, int] = {}
    for c in design.connections:
        fan_in[c.target] = fan_in.get(c.target, 0) + 1
        fan_out[c.source] = fan_out.get(c.source, 0) + 1
    for s, t in pairs:
        fan_in[t] = fan_in.get(t, 0) + 1
        fan_out[s] = fan_out.get(s, 0) + 1
    ins = np.array([fan_in[t] for _, t in pairs], dtype=np.float64)
    outs = np.array([fan_out[s] for s, _ in pairs], dtype=np.float64)
    return initial_weights(design.training.init, ins, outs, rng).tolist()


# -- adding ------------------------------------------------------------------------------
def add_layer(
    design: Design,
    kind: LayerKind,
    size: int,
    x: float,
    y: float,
    activation: Activation | None = None,
    name: str | None = None,
) -> tuple[int, list]:
    """A new layer of ``size`` neurons in a column at (x, y). Returns its id
    and the operations."""
    if not 1 <= size <= MAX_LAYER_SIZE:
        raise EditError(f"a layer holds 1 to {MAX_LAYER_SIZE} neurons, not {size}")
    layer, neurons = make_layer(design, kind, size, x, y, activation, name,
                                bias=initial_bias(design.training.init))
    return layer.id, [insert_at_end(design, "layers", [layer]), insert_at_end(design, "neurons", neurons)]


def _full_partners(design: Design, layer_id: int, index: Index) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Layers fully connected into this layer (sources) and from it
    (targets), each with the delay of those connections: (layer id, delay)."""
    members = {lay.id: [n.id for n in design.neurons_of(lay.id)] for lay in design.layers}
    mine = members[layer_id]
    layer_of = {n.id: n.layer for n in design.neurons}
    counts: dict[tuple[int, int, int], int] = {}
    for c in design.connections:
        key = (layer_of[c.source], layer_of[c.target], c.delay)
        if layer_id in key[:2]:
            counts[key] = counts.get(key, 0) + 1
    sources = [(s, d) for (s, t, d), k in counts.items() if t == layer_id and k == len(members[s]) * len(mine)]
    targets = [(t, d) for (s, t, d), k in counts.items() if s == layer_id and k == len(members[t]) * len(mine)]
    return sources, targets


def add_neuron(
    design: Design, layer_id: int, x: float, y: float, rng: np.random.Generator, index: Index | None = None
) -> tuple[int, list]:
    """One more neuron in an existing layer. Where the layer is fully connected
    to another, the new neuron is connected the same way, with new weights."""
    index = index or Index(design)
    layer = index.layer(layer_id)
    if len(design.neurons_of(layer_id)) >= MAX_LAYER_SIZE:
        raise EditError(f"layer {quote(layer.name)} already holds {MAX_LAYER_SIZE} neurons")
    _check_matrices(design, grow={layer_id: 1})
    return _add_neuron(design, layer_id, x, y, rng, index)


def _add_neuron(design: Design, layer_id: int, x: float, y: float, rng: np.random.Generator, index: Index):
    layer = index.layer(layer_id)
    (nid,) = _new_ids(design, 1)
    siblings = design.neurons_of(layer_id)
    bias = siblings[-1].bias if siblings and layer.kind != LayerKind.INPUT else 0.0
    neuron = Neuron(nid, layer_id, bias=0.0 if layer.kind == LayerKind.INPUT else bias, x=float(x), y=float(y))
    ops: list = [insert_at_end(design, "neurons", [neuron])]
    sources, targets = _full_partners(design, layer_id, index)
    # connected as its siblings are, with their delay; a layer joined to itself joins the new neuron to itself too
    pairs = [(n.id, nid, d) for s, d in sources for n in design.neurons_of(s)]
    pairs += [(nid, n.id, d) for t, d in targets for n in design.neurons_of(t)]
    pairs += [(nid, nid, d) for s, d in sources if s == layer_id]
    if pairs:
        trial = copy.copy(design)
        trial.neurons = design.neurons + [neuron]
        weights = new_weights(trial, rng, [(s, t) for s, t, _ in pairs])
        ops.append(insert_at_end(design, "connections",
                                 [Connection(s, t, w, delay=d) for (s, t, d), w in zip(pairs, weights)]))
    return nid, ops


# -- connecting ------------------------------------------------------------------------
def connect(design: Design, pairs: list[tuple[int, int]], rng: np.random.Generator, skip_existing: bool = False,
            delay: int = 0) -> list:
    """Operations adding connections; refused as a whole if any pair is.
    ``delay`` 1 makes them recurrent (each carries its value to the next time
    step), which may close a loop."""
    graph = _layer_graph(design, design.connections)
    layer_of = {n.id: n.layer for n in design.neurons}
    existing = {(c.source, c.target) for c in design.connections}
    new: list[tuple[int, int]] = []
    seen = set()
    passed = set()  # layer pairs with a pair accepted above: the same verdict holds
    for s, t in pairs:
        if skip_existing and ((s, t) in seen or (s, t) in existing):
            continue
        if (s, t) in seen:
            continue
        key = (layer_of.get(s), layer_of.get(t))
        if not (key in passed and s != t and (s, t) not in existing):
            problem = connection_problem(design, s, t, graph, delay)
            if problem:
                raise EditError(problem)
            passed.add(key)
        seen.add((s, t))
        new.append((s, t))
        if not delay:
            graph.setdefault(layer_of[s], set()).add(layer_of[t])
    if not new:
        return []
    weights = new_weights(design, rng, new)
    return [insert_at_end(design, "connections",
                          [Connection(s, t, w, delay=delay) for (s, t), w in zip(new, weights)])]


def connect_layers(design: Design, source_layer: int, target_layer: int, rng: np.random.Generator,
                   delay: int = 0) -> list:
    """Connect every neuron of one layer to every neuron of another (with
    ``delay`` 1: recurrently, a layer onto itself or back to an earlier one)."""
    sources = design.neurons_of(source_layer)
    targets = design.neurons_of(target_layer)
    pairs = [(s.id, t.id) for s in sources for t in targets]
    missing = _missing(design, pairs)
    if not missing:
        s_name, t_name = design.layer(source_layer).name, design.layer(target_layer).name
        raise EditError(f"{quote(s_name)} and {quote(t_name)} are already fully connected")
    return connect(design, missing, rng, delay=delay)


def _missing(design: Design, pairs):
    existing = {(c.source, c.target) for c in design.connections}
    return [p for p in pairs if p not in existing]


# -- removing ------------------------------------------------------------------------------
def remove(design: Design, neurons=(), layers=(), connections=()) -> list:
    """Remove neurons (with their connections), whole layers (with their
    links), and single connections or links (``connections``, as (source,
    target) neuron or layer ids). A layer left without neurons goes too."""
    layers = set(layers)
    neurons = set(neurons) | {n.id for n in design.neurons if n.layer in layers}
    for layer in design.layers:
        members = design.neurons_of(layer.id)
        if members and all(n.id in neurons for n in members):
            layers.add(layer.id)
    pairs = {tuple(p) for p in connections}
    ops = []
    for op in (
        remove_where(design, "links",
                     lambda k: k.source in layers or k.target in layers or (k.source, k.target) in pairs),
        remove_where(
            design, "connections", lambda c: c.source in neurons or c.target in neurons or (c.source, c.target) in pairs
        ),
        remove_where(design, "neurons", lambda n: n.id in neurons),
        remove_where(design, "layers", lambda lay: lay.id in layers),
    ):
        if op is not None:
            ops.append(op)
    return ops


def resize_layer(design: Design, layer_id: int, size: int, rng: np.random.Generator) -> list:
    """Grow a layer (new neurons below the last one, connected like their
    siblings) or shrink it (removing its last neurons)."""
    layer = design.layer(layer_id)
    members = design.neurons_of(layer_id)
    if not 1 <= size <= MAX_LAYER_SIZE:
        raise EditError(f"layer {quote(layer.name)} can hold 1 to {MAX_LAYER_SIZE} neurons, not {size}")
    if not members:  # nothing to grow from: a block layer, or a layer emptied by hand
        kind = TYPES.get(layer.type)
        if kind is not None and kind.drawn == "block":
            raise EditError(f"layer {quote(layer.name)} ({kind.title}) takes its size from its settings")
        raise EditError(f"layer {quote(layer.name)} has no neuron to place new ones below: add one first")
    if size < len(members):
        return remove(design, neurons=[n.id for n in members[size:]])
    _check_matrices(design, grow={layer_id: size - len(members)})
    work = copy.deepcopy(design)
    index = Index(work)
    ops: list = []
    for _ in range(size - len(members)):
        last = work.neurons_of(layer_id)[-1]
        _, step = _add_neuron(work, layer_id, last.x, last.y + ROW_SPACING, rng, index)
        apply_ops(work, step, index)
        ops += step
    return ops


# -- changing ------------------------------------------------------------------------------
def move(design: Design, positions: dict[int, tuple[float, float]], index: Index | None = None) -> list:
    index = index or Index(design)
    ops = []
    for nid, (x, y) in positions.items():
        ops += set_fields(("neuron", nid), index.neuron(nid), x=float(x), y=float(y))
    return ops


def set_neuron(design: Design, neuron_id: int, index: Index | None = None, **values) -> list:
    index = index or Index(design)
    n = index.neuron(neuron_id)
    if "activation" in values:
        layer = index.layer(n.layer)
        own = values["activation"]
        mine = Activation(own) if own is not None else layer.activation
        kinds = {design.activation_of(m) for m in design.neurons_of(layer.id) if m.id != neuron_id} | {mine}
        if Activation.SOFTMAX in kinds and len(kinds) > 1:
            raise EditError(f"layer {quote(layer.name)}: softmax must be the activation of all its neurons")
    return set_fields(("neuron", neuron_id), n, **values)


def refuse_if_invalid(design: Design, ops: list) -> None:
    """Refuse ``ops`` (``EditError``, the design's own message) when the
    design they would make breaks its rules; tried on a copy, so ``design``
    is left as it is."""
    trial = copy.deepcopy(design)
    apply_ops(trial, ops)
    try:
        check_design(trial)
    except DesignError as e:
        raise EditError(str(e)) from None


def set_layer(design: Design, layer_id: int, index: Index | None = None, **values) -> list:
    """Change a layer's name, default activation or kind. Setting the layer's
    activation also clears its neurons' own choices, so the whole layer follows."""
    index = index or Index(design)
    layer = index.layer(layer_id)
    ops = set_fields(("layer", layer_id), layer, **values)
    if "activation" in values:
        for n in design.neurons_of(layer_id):
            if n.activation is not None:
                ops.append(SetField(("neuron", n.id), "activation", n.activation, None))
    if "kind" in values and ops:
        refuse_if_invalid(design, ops)
    return ops


def set_connection(design: Design, pair: tuple[int, int], index: Index | None = None, **values) -> list:
    index = index or Index(design)
    c = index.connection(pair)
    if c is None:
        raise EditError(f"there is no connection {pair[0]} → {pair[1]}")
    return set_fields(("connection", tuple(pair)), c, **values)


def set_numbers(design: Design, weights, biases, arrays=None) -> list:
    """Replace all weights and biases (design order) and, given ``arrays``
    (a mapping of (layer id, array name) to values), those layer arrays."""
    old_w, old_b = numbers_of(design)
    new_w, new_b = np.asarray(weights, dtype=np.float64), np.asarray(biases, dtype=np.float64)
    if new_w.shape != old_w.shape or new_b.shape != old_b.shape:
        raise EditError("the numbers do not fit the design (it changed)")
    if not (np.isfinite(new_w).all() and np.isfinite(new_b).all()):
        raise EditError("refusing to store weights that are not finite numbers")
    old_arrays, new_arrays = {}, {}
    index = Index(design)
    for key, values in (arrays or {}).items():
        if is_link_key(key):
            link = index.link(key[1:])
            old = None if link is None else link.weights
        else:
            lid, name = key
            old = index.layer(lid).arrays.get(name) if index.has_layer(lid) else None
        new = values if isinstance(values, ArrayValue) else ArrayValue(values)
        if old is None or new.shape != old.shape:
            raise EditError("the numbers do not fit the design (it changed)")
        if not np.isfinite(new.values).all():
            raise EditError("refusing to store weights that are not finite numbers")
        if new != old:
            old_arrays[key], new_arrays[key] = old, new
    return [SetNumbers(old_w, new_w.copy(), old_b, new_b.copy(), old_arrays, new_arrays)]


# -- copy and paste ----------------------------------------------------------------------
def fragment(design: Design, neuron_ids, block_ids=()) -> dict:
    """The selected neurons, their layers' settings and the connections among
    them, and the selected layers drawn as blocks (their options and arrays)
    with the links among the layers copied whole, as plain data for the
    clipboard."""
    chosen = [n for n in design.neurons if n.id in set(neuron_ids)]
    keep = {n.id for n in chosen}
    layers = [copy.deepcopy(design.layer(lid)) for lid in dict.fromkeys(n.layer for n in chosen)]
    conns = [copy.deepcopy(c) for c in design.connections if c.source in keep and c.target in keep]
    wanted = set(block_ids)
    blocks = [copy.deepcopy(layer) for layer in design.layers
              if layer.id in wanted and TYPES.get(layer.type) is not None and TYPES[layer.type].drawn == "block"]
    sizes = design.layer_sizes()
    counts: dict[int, int] = {}
    for n in chosen:
        counts[n.layer] = counts.get(n.layer, 0) + 1
    whole = {lid for lid, k in counts.items() if k == sizes.get(lid)} | {b.id for b in blocks}
    links = [copy.deepcopy(k) for k in design.links if k.source in whole and k.target in whole]
    return {"layers": layers, "neurons": [copy.deepcopy(n) for n in chosen], "connections": conns,
            "blocks": blocks, "links": links}


def paste(design: Design, frag: dict, dx: float, dy: float, blocks_out: list | None = None) -> tuple[list[int], list]:
    """New layers holding copies of the fragment's neurons, moved by (dx, dy),
    with the connections among them, and copies of its block layers (options
    and arrays) with the links among what is pasted. Returns the new neuron
    ids (the new block layers' ids are appended to ``blocks_out``)."""
    layers: list[Layer] = frag["layers"]
    neurons: list[Neuron] = frag["neurons"]
    blocks: list[Layer] = frag.get("blocks", [])
    if not neurons and not blocks:
        return [], []
    ids = _new_ids(design, len(layers) + len(blocks) + len(neurons))
    layer_map = {lay.id: ids[i] for i, lay in enumerate(layers + blocks)}
    neuron_map = {n.id: ids[len(layers) + len(blocks) + i] for i, n in enumerate(neurons)}
    used = {lay.name for lay in design.layers}
    new_layers = []
    for i, lay in enumerate(layers + blocks):
        name = lay.name
        while name in used:
            name = f"{lay.name} copy" if name == lay.name else f"{name}'"
        used.add(name)
        if i >= len(layers):  # a block, whole: type, options, arrays (shared: they are read-only), place
            new_layers.append(Layer(layer_map[lay.id], name, lay.kind, lay.activation, type=lay.type,
                                    options=dict(lay.options), arrays=dict(lay.arrays), group=lay.group,
                                    x=lay.x + dx, y=lay.y + dy))
            continue
        new_layers.append(Layer(layer_map[lay.id], name, lay.kind, lay.activation, group=lay.group))
    new_neurons = [
        Neuron(neuron_map[n.id], layer_map[n.layer], n.label, n.bias, n.activation, n.threshold, n.x + dx, n.y + dy)
        for n in neurons
    ]
    new_conns = [
        Connection(neuron_map[c.source], neuron_map[c.target], c.weight, c.frozen, c.delay)
        for c in frag["connections"]
        if c.source in neuron_map and c.target in neuron_map
    ]
    _check_matrices(design, layers=new_layers, neurons=new_neurons, connections=new_conns)
    new_links = [Link(layer_map[k.source], layer_map[k.target], k.weights, k.frozen)
                 for k in frag.get("links", []) if k.source in layer_map and k.target in layer_map]
    ops = [insert_at_end(design, "layers", new_layers)]
    if new_neurons:
        ops.append(insert_at_end(design, "neurons", new_neurons))
    if new_conns:
        ops.append(insert_at_end(design, "connections", new_conns))
    if new_links:
        ops.append(insert_at_end(design, "links", new_links))
    if blocks:  # the copies must keep the design's rules (one link into a block...)
        refuse_if_invalid(design, ops)
    if blocks_out is not None:
        blocks_out += [layer_map[b.id] for b in blocks]
    return [n.id for n in new_neurons], ops


# -- layout --------------------------------------------------------------------------------
def arrange(design: Design, x0: float = 0.0, y0: float = 0.0) -> list:
    """Layers in tidy columns: each layer one column to the right of the
    deepest layer feeding it; several layers at one depth side by side.
    Layers drawn as blocks (joined by links) take a wider column."""
    graph = _layer_graph(design, design.connections)
    for link in design.links:
        graph.setdefault(link.source, set()).add(link.target)
    depth = {layer.id: 0 for layer in design.layers}
    inputs = {layer.id for layer in design.layers if layer.kind == LayerKind.INPUT}
    # Longest path from the inputs, by relaxing edges |layers| times (graphs are small).
    for _ in range(len(design.layers)):
        changed = False
        for s, targets in graph.items():
            for t in targets:
                if depth[t] < depth[s] + 1:
                    depth[t] = depth[s] + 1
                    changed = True
        if not changed:
            break
    outputs = [layer.id for layer in design.layers if layer.kind == LayerKind.OUTPUT]
    deepest = max(depth.values(), default=0)
    for lid in outputs:  # outputs in the last column
        depth[lid] = max(deepest, 1 if inputs else 0)
    columns: dict[int, list[int]] = {}
    for layer in design.layers:
        columns.setdefault(depth[layer.id], []).append(layer.id)
    positions: dict[int, tuple[float, float]] = {}
    block_ops: list = []
    by_id = {layer.id: layer for layer in design.layers}
    x, after_neurons = x0, False
    for d in sorted(columns):
        for lid in columns[d]:
            members = design.neurons_of(lid)
            if not members and by_id[lid].type != "dense":  # a block: its own place, a wider column
                x += (BLOCK_SPACING - COLUMN_SPACING) / 2 if after_neurons else 0.0
                block_ops += set_fields(("layer", lid), by_id[lid], x=float(x), y=float(y0))
                x, after_neurons = x + BLOCK_SPACING, False
                continue
            for n, (px, py) in zip(members, column_positions(len(members), x, y0)):
                positions[n.id] = (px, py)
            x, after_neurons = x + COLUMN_SPACING + column_width(len(members)), True
    return move(design, positions) + block_ops


__all__ = [
    "EditError",
    "add_layer",
    "add_neuron",
    "connect",
    "connect_layers",
    "remove",
    "resize_layer",
    "move",
    "set_neuron",
    "set_layer",
    "set_connection",
    "set_numbers",
    "fragment",
    "paste",
    "arrange",
    "Insert",
    "Remove",
    "SetField",
]
