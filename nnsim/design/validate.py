"""Structural rules of a design, each broken rule explained in one line.

The editor asks ``connection_problem`` before it draws a connection; the
compiler and the file loader call ``check_design``. Messages name the neurons
and layers involved the way the user sees them. Every check is near-linear in
the size of the design (the cycle check is a topological sort; only when it
finds a cycle does a binary search over the connections find the one that
closes it, for the message).
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from nnsim.design.names import neuron_name
from nnsim.design.layer_types import TYPES, shape_problem
from nnsim.design.model import Activation, Connection, Design, LayerKind
from nnsim.design.shapes import check_layer, layer_shapes
from nnsim.text import one_line, quote


# The engine computes each pair of joined layers as a dense matrix of
# size(source) x size(target), however few connections the pair has. The
# matrices of a design may hold at most this many entries in total: 80 MB per
# copy as 64-bit floats, and training keeps a few copies (gradients, masks,
# optimizer state), about 600 MB at the limit.
MAX_MATRIX_ENTRIES = 10_000_000


class DesignError(ValueError):
    """A design breaks a rule; the message is one line for the user (text
    from the design in it is shown escaped)."""

    def __init__(self, message: str = ""):
        super().__init__(one_line(message))


def _layer_graph(design: Design, connections) -> dict[int, set[int]]:
    return _layer_graph_by({n.id: n.layer for n in design.neurons}, connections)


def _path(graph: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A path of layer ids from start to goal, or None. Linear in the size of
    the graph: each layer remembers the one it was reached from."""
    came_from = {start: start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            path = [node]
            while node != start:
                node = came_from[node]
                path.append(node)
            return path[::-1]
        for nxt in graph.get(node, ()):
            if nxt not in came_from:
                came_from[nxt] = node
                stack.append(nxt)
    return None


def layer_order(layer_ids: list[int], graph: dict[int, set[int]]) -> list[int] | None:
    """The layer ids in topological order (each after every layer feeding
    it; ties keep the order of ``layer_ids``), or None if the graph has a
    cycle. Kahn's algorithm with a heap: O((layers + edges) log layers)."""
    rank = {lid: i for i, lid in enumerate(layer_ids)}
    waiting = dict.fromkeys(layer_ids, 0)  # layer -> sources not yet placed
    for targets in graph.values():
        for t in targets:
            waiting[t] += 1
    ready = [rank[lid] for lid, k in waiting.items() if k == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        lid = layer_ids[heapq.heappop(ready)]
        order.append(lid)
        for t in graph.get(lid, ()):
            waiting[t] -= 1
            if waiting[t] == 0:
                heapq.heappush(ready, rank[t])
    return order if len(order) == len(layer_ids) else None


def connection_problem(design: Design, source: int, target: int, graph=None, delay: int = 0) -> str | None:
    """Why a connection from ``source`` to ``target`` (with ``delay``)
    cannot be added to the design (None if it can). ``graph`` is the layer
    graph of the design's undelayed connections, when the caller already has
    it."""
    try:
        design.neuron(source), design.neuron(target)
    except KeyError as e:
        return f"connection {source} → {target}: {e.args[0]}"
    if design.connection(source, target) is not None:
        return (
            f"{neuron_name(design, source)} → {neuron_name(design, target)} "
            "is already connected"
        )
    if graph is None:
        graph = _layer_graph(design, design.connections)
    problem = _structural_problem(design, Connection(source, target, delay=delay), graph)
    if problem is None:
        ls, lt = design.neuron(source).layer, design.neuron(target).layer
        joined = _loop_graph(design) if delay else graph
        if lt not in joined.get(ls, ()):  # a new pair of joined layers: a new matrix
            loops = joined if delay else _loop_graph(design)
            trial = {k: set(v) for k, v in joined.items()}
            trial.setdefault(ls, set()).add(lt)
            trial_graph, trial_loops = (graph, trial) if delay else (trial, loops)
            problem = matrix_problem(design, design.layer_sizes(), trial_graph, trial_loops)
    return problem


def check_design(design: Design) -> None:
    """Raise DesignError naming the first broken rule."""
    layer_ids = [layer.id for layer in design.layers]
    neuron_ids = [n.id for n in design.neurons]
    seen: set[int] = set()
    for i in layer_ids + neuron_ids:
        if i in seen:
            raise DesignError(f"id {i} is used twice")
        seen.add(i)
    layers = set(layer_ids)
    for n in design.neurons:
        if n.layer not in layers:
            raise DesignError(f"neuron {n.id} is in layer {n.layer}, which does not exist")
        for name in ("bias", "threshold", "x", "y"):
            if not math.isfinite(getattr(n, name)):
                raise DesignError(f"neuron {n.id}: {name} is {getattr(n, name)}, not a finite number")
    layer_by_id = {layer.id: layer for layer in design.layers}
    kinds_in: dict[int, set] = {}
    for n in design.neurons:
        kinds_in.setdefault(n.layer, set()).add(n.activation or layer_by_id[n.layer].activation)
    blocks = {lid for lid, layer in layer_by_id.items() if layer.type in TYPES and TYPES[layer.type].drawn == "block"}
    for lid in kinds_in:
        if lid in blocks:
            layer = layer_by_id[lid]
            raise DesignError(f"layer {quote(layer.name)}: a {TYPES[layer.type].title.lower()} holds no neurons")
    link_graph = _check_links(design, layer_by_id, blocks)
    shapes = layer_shapes(design)
    _check_link_weights(design, layer_by_id, blocks, shapes)
    for layer in design.layers:
        problem = check_layer(design, layer, shapes)
        if problem:
            raise DesignError(problem)
        kinds = kinds_in.get(layer.id, set())
        if Activation.SOFTMAX in kinds and len(kinds) > 1:
            raise DesignError(f"layer {quote(layer.name)}: softmax must be the activation of all its neurons")
    pairs: set[tuple[int, int]] = set()
    graph: dict[int, set[int]] = {}  # layers joined by undelayed connections
    loops: dict[int, set[int]] = {}  # ... by delayed ones
    layer_of = {n.id: n.layer for n in design.neurons}
    kind_of = {lid: layer.kind for lid, layer in layer_by_id.items()}
    for k, c in enumerate(design.connections):  # rules 4 to 6
        for end in (c.source, c.target):
            if end not in layer_of:
                raise DesignError(f"connection {k + 1} ({c.source} → {c.target}): there is no neuron {end}")
        if not math.isfinite(c.weight):
            raise DesignError(
                f"connection {neuron_name(design, c.source)} → {neuron_name(design, c.target)}: "
                f"weight is {c.weight}, not a finite number"
            )
        pair = (c.source, c.target)
        if pair in pairs:
            raise DesignError(
                f"connection {neuron_name(design, c.source)} → {neuron_name(design, c.target)} "
                "appears twice"
            )
        ls, lt = layer_of[c.source], layer_of[c.target]
        # Cheap tests first; the full check (with names for the message) runs
        # only when a rule is broken.
        if kind_of[lt] == LayerKind.INPUT or (not c.delay and (ls == lt or kind_of[ls] == LayerKind.OUTPUT)):
            problem = _structural_problem(design, c, None)
            if problem:
                raise DesignError(problem)
        pairs.add(pair)
        (loops if c.delay else graph).setdefault(ls, set()).add(lt)
    if layer_order(layer_ids, graph) is None:  # rule 7: loops only through delayed connections
        raise DesignError(_first_cycle(design, layer_of))
    joined = {k: set(v) for k, v in graph.items()}
    for s, targets in link_graph.items():
        joined.setdefault(s, set()).update(targets)
    if layer_order(layer_ids, joined) is None:
        raise DesignError("the links and connections form a cycle: a layer feeds itself within one time step")
    sizes = {lid: shapes.size(lid) for lid in layer_ids}
    dense_links = {s: {t for t in ts if t not in blocks} for s, ts in link_graph.items()}
    problem = matrix_problem(design, sizes, graph, loops, dense_links)  # rule 8
    if problem:
        raise DesignError(problem)


def _check_links(design: Design, layer_by_id: dict, blocks: set[int]) -> dict[int, set[int]]:
    """The rules of links (one line each); returns the layers they join."""
    graph: dict[int, set[int]] = {}
    for k, link in enumerate(design.links):
        where = f"link {k + 1} ({link.source} → {link.target})"
        for end in (link.source, link.target):
            if end not in layer_by_id:
                raise DesignError(f"{where}: there is no layer {end}")
        s, t = layer_by_id[link.source], layer_by_id[link.target]
        names = f"link {quote(s.name)} → {quote(t.name)}"
        if s.id == t.id:
            raise DesignError(f"{names}: a layer cannot feed itself")
        if t.kind == LayerKind.INPUT:
            raise DesignError(f"{names} ends at an input layer, which only reads the data")
        if s.kind == LayerKind.OUTPUT:
            raise DesignError(f"{names} starts at an output layer, which feeds nothing")
        if t.id not in blocks and s.id not in blocks:
            raise DesignError(f"{names}: two layers of neurons are joined by connections, not a link")
        if t.id in graph.get(s.id, ()):
            raise DesignError(f"{names} appears twice")
        if t.id in blocks and link.weights is not None:
            raise DesignError(f"{names}: a link into a {TYPES[t.type].title.lower()} has no weights of its own")
        if link.weights is not None and not np.isfinite(link.weights.values).all():
            raise DesignError(f"{names}: a weight is not a finite number")
        graph.setdefault(s.id, set()).add(t.id)
    return graph


def _check_link_weights(design: Design, layer_by_id: dict, blocks: set[int], shapes) -> None:
    """A link into a dense layer holds (values of its source) × (neurons of
    its target) weights, once its source's shape is known."""
    sizes = design.layer_sizes()
    for link in design.links:
        if link.target in blocks or link.source not in shapes.of:
            continue
        need = (shapes.size(link.source), sizes[link.target])
        if link.weights is None or tuple(link.weights.shape) != need:
            s, t = layer_by_id[link.source], layer_by_id[link.target]
            has = "none" if link.weights is None else f"{tuple(link.weights.shape)}"
            raise DesignError(f"link {quote(s.name)} → {quote(t.name)}: the weights must be {need[0]} × {need[1]} "
                              f"(values of the source × neurons of the target), not {has}")


def matrix_entries(sizes: dict[int, int], *graphs: dict[int, set[int]]) -> tuple[int, tuple[int, int] | None]:
    """(entries of all the weight matrices, the pair of layers with the
    largest one) for layer sizes and layer graphs (undelayed, delayed: each
    joined pair of each is a matrix)."""
    total, largest, biggest = 0, None, -1
    for graph in graphs:
        for s, targets in graph.items():
            for t in targets:
                cells = sizes[s] * sizes[t]
                total += cells
                if cells > biggest:
                    largest, biggest = (s, t), cells
    return total, largest


def matrix_problem(design: Design, sizes: dict[int, int], graph: dict[int, set[int]],
                   loops: dict[int, set[int]] | None = None, links: dict[int, set[int]] | None = None) -> str | None:
    """Why the weight matrices of a design with these layer sizes and these
    layer graphs would not fit the memory budget (None if they fit)."""
    total, largest = matrix_entries(sizes, graph, loops or {}, links or {})
    if total <= MAX_MATRIX_ENTRIES:
        return None
    s, t = largest
    return (
        f"the joined layers need weight matrices of {total:,} entries in all, more than nnsim's budget of "
        f"{MAX_MATRIX_ENTRIES:,} (each pair of joined layers costs size × size, however few connections "
        f"join them; the largest: {_layer_names(design, [s, t])}, {sizes[s]:,} × {sizes[t]:,}): "
        "join smaller layers or split the big ones"
    )


def _first_cycle(design: Design, layer_of: dict[int, int]) -> str:
    """The message for the first connection, in design order, that closes a
    cycle. Whether the first k connections hold a cycle only grows with k, so
    a binary search finds it with O(log n) topological sorts."""
    layer_ids = [layer.id for layer in design.layers]
    conns = design.connections

    def graph_of(k: int) -> dict[int, set[int]]:
        return _layer_graph_by(layer_of, conns[:k])

    low, high = 0, len(conns)  # the first `low` are acyclic, the first `high` are not
    while high - low > 1:
        mid = (low + high) // 2
        if layer_order(layer_ids, graph_of(mid)) is None:
            high = mid
        else:
            low = mid
    return _structural_problem(design, conns[high - 1], graph_of(high - 1)) or "the layers form a cycle"


def _loop_graph(design: Design) -> dict[int, set[int]]:
    """The layers joined by delayed connections."""
    layer_of = {n.id: n.layer for n in design.neurons}
    loops: dict[int, set[int]] = {}
    for c in design.connections:
        if c.delay:
            loops.setdefault(layer_of[c.source], set()).add(layer_of[c.target])
    return loops


def _layer_graph_by(layer_of: dict[int, int], connections) -> dict[int, set[int]]:
    """The layers joined by undelayed connections (delayed ones close no
    cycle: they carry a value to the next time step)."""
    graph: dict[int, set[int]] = {}
    for c in connections:
        if not c.delay:
            graph.setdefault(layer_of[c.source], set()).add(layer_of[c.target])
    return graph


def _structural_problem(design: Design, c: Connection, graph) -> str | None:
    s, t = design.neuron(c.source), design.neuron(c.target)
    name_s, name_t = neuron_name(design, c.source), neuron_name(design, c.target)
    if design.layer(t.layer).kind == LayerKind.INPUT:
        return f"connection {name_s} → {name_t} ends at an input neuron, which only reads the data"
    if c.delay:
        return None  # a loop to the next time step: into itself, its own layer or back, all allowed
    if c.source == c.target:
        return f"{name_s} cannot connect to itself without a delay (a recurrent connection)"
    if design.layer(s.layer).kind == LayerKind.OUTPUT:
        return (f"connection {name_s} → {name_t} starts at an output neuron, which feeds nothing "
                "in the same time step (a recurrent connection, with a delay, can)")
    if s.layer == t.layer:
        return (f"connection {name_s} → {name_t} joins two neurons of layer {quote(design.layer(s.layer).name)} "
                "in the same time step (a recurrent connection, with a delay, can)")
    if graph is not None:
        back = _path(graph, t.layer, s.layer)
        if back is not None:
            names = _layer_names(design, back + [t.layer])
            return (
                f"connection {name_s} → {name_t} closes a cycle ({names}) within one time step; "
                "a loop needs a delayed (recurrent) connection"
            )
    return None


def _layer_names(design: Design, ids: list[int], most: int = 8) -> str:
    """'a → b → c', with the middle of a long path left out."""
    names = [one_line(design.layer(i).name) or f"layer {i}" for i in ids]
    names = [n if len(n) <= 30 else n[:29] + "…" for n in names]
    if len(names) > most:
        names = names[:3] + [f"… {len(names) - 6:,} more …"] + names[-3:]
    return " → ".join(names)


def check_trainable(design: Design) -> None:
    """Rules for a design that is about to be compiled and run."""
    check_design(design)
    shapes = layer_shapes(design)
    for layer in design.layers:
        problem = shape_problem(layer, shapes)
        if problem:
            raise DesignError(problem)
    if design.input_size == 0:
        raise DesignError("the design has no input neurons")
    if design.output_size == 0:
        raise DesignError("the design has no output neurons")
