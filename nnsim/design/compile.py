"""Design -> engine: turn what the user drew into per-layer array operations,
and write trained numbers back into the design.

Compiling is near-linear in the size of the design: the neurons are grouped
by layer in one pass, the layers sorted topologically with a heap, and the
connections grouped by block with one sort.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnsim.design.layer_types import options_of
from nnsim.design.model import ArrayValue, Design, Layer, LayerKind, Neuron
from nnsim.design.shapes import layer_shapes
from nnsim.design.validate import DesignError, check_trainable, layer_order
from nnsim.engine.activations import LayerActivation
from nnsim.engine.network import Block, Network, Node
from nnsim.engine.ops.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from nnsim.engine.ops.dense import Dense
from nnsim.engine.ops.gru import GRU
from nnsim.engine.ops.lstm import LSTM
from nnsim.engine.ops.rnn import SimpleRNN


@dataclass
class Compiled:
    """A network plus the maps between design ids and array positions."""

    network: Network
    layer_index: dict[int, int]  # design layer id -> index in network.layers
    neuron_pos: dict[int, tuple[int, int]]  # neuron id -> (layer index, column)
    # For each design connection, in design order: (block index, row, column).
    conn_block: np.ndarray  # (n_connections,) int
    conn_row: np.ndarray  # (n_connections,) int
    conn_col: np.ndarray  # (n_connections,) int
    # For each design link, in design order: its block (into a dense layer), or None.
    link_block: list[int | None] = field(default_factory=list)

    def neuron_ids(self, layer_index: int) -> list[int]:
        """Design ids of the neurons of a compiled layer, by column."""
        by_layer = self.__dict__.get("_by_layer")
        if by_layer is None:  # built once: the positions never change
            by_layer = [[] for _ in self.network.layers]
            for nid, (li, col) in sorted(self.neuron_pos.items(), key=lambda item: item[1]):
                by_layer[li].append(nid)
            self._by_layer = by_layer
        return list(by_layer[layer_index])

    def block_connections(self) -> list[np.ndarray]:
        """For each block, the positions (in design order) of its connections."""
        groups = self.__dict__.get("_block_groups")
        if groups is None:
            groups = _groups(self.conn_block, len(self.network.blocks))
            self._block_groups = groups
        return groups

    def connection_weights(self) -> np.ndarray:
        """Current weight of every design connection, in design order."""
        out = np.empty(len(self.conn_block), dtype=np.float64)
        for blk, sel in zip(self.network.blocks, self.block_connections()):
            out[sel] = blk.W[self.conn_row[sel], self.conn_col[sel]]
        return out

    def write_back(self, design: Design) -> None:
        """Copy the network's numbers into the design: weights and biases,
        links' weights, and the arrays of parametric layers."""
        for c, w in zip(design.connections, self.connection_weights().tolist()):
            c.weight = w
        for n in design.neurons:
            li, col = self.neuron_pos[n.id]
            b = self.network.layers[li].b
            if b is not None:
                n.bias = float(b[col])
        for link, b in zip(design.links, self.link_block):
            if b is not None:
                link.weights = ArrayValue(self.network.blocks[b].W)
        params = self.network.parameters
        for layer in design.layers:
            if layer.arrays and layer.id in self.layer_index:
                key = self.network.layers[self.layer_index[layer.id]].key
                layer.arrays = {name: ArrayValue(params[f"{key}/{name}"]) for name in layer.arrays}


def _groups(keys: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """For each value 0..n_groups-1, the positions in ``keys`` holding it, in
    ascending order: one stable sort, not one scan per value."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n_groups + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n_groups)]


def _topological_layers(design: Design) -> list[int]:
    """Layer ids, each after every layer feeding it in the same time step;
    ties keep design order. (A delayed connection feeds the next step, so it
    orders nothing.)"""
    layer_of = {n.id: n.layer for n in design.neurons}
    graph: dict[int, set[int]] = {}
    for c in design.connections:
        if not c.delay:
            graph.setdefault(layer_of[c.source], set()).add(layer_of[c.target])
    for link in design.links:
        graph.setdefault(link.source, set()).add(link.target)
    order = layer_order([layer.id for layer in design.layers], graph)
    if order is None:  # check_design refuses cycles first; this guards the invariant
        raise DesignError("the layers form a cycle")
    return order


def compile_design(design: Design, dtype=np.float64) -> Compiled:
    """Compile a design (checked first) into a Network with its loss."""
    check_trainable(design)
    dtype = np.dtype(dtype)
    members: dict[int, list] = {layer.id: [] for layer in design.layers}
    for n in design.neurons:
        members[n.layer].append(n)
    layer_by_id = {layer.id: layer for layer in design.layers}
    shapes = layer_shapes(design)
    order = [lid for lid in _topological_layers(design) if shapes.size(lid)]
    layer_index = {lid: i for i, lid in enumerate(order)}
    neuron_pos = {n.id: (layer_index[lid], col) for lid in order for col, n in enumerate(members[lid])}

    n_conn = len(design.connections)
    src = np.empty(n_conn, dtype=np.intp)
    dst = np.empty(n_conn, dtype=np.intp)
    row = np.empty(n_conn, dtype=np.intp)
    col = np.empty(n_conn, dtype=np.intp)
    weight = np.empty(n_conn, dtype=np.float64)
    frozen = np.empty(n_conn, dtype=bool)
    delay = np.empty(n_conn, dtype=np.intp)
    for k, c in enumerate(design.connections):
        src[k], row[k] = neuron_pos[c.source]
        dst[k], col[k] = neuron_pos[c.target]
        weight[k] = c.weight
        frozen[k] = c.frozen
        delay[k] = c.delay

    sizes = [shapes.size(lid) for lid in order]
    keys = [f"layer:{lid}" for lid in order]
    blocks: list[Block] = []
    values: dict[str, np.ndarray] = {}
    conn_block = np.empty(n_conn, dtype=np.intp)
    n_nodes = len(order)
    pair_key = (src * n_nodes + dst) * 2 + delay  # one block per pair of layers and delay
    keys_found, key_of = np.unique(pair_key, return_inverse=True)  # sorted: blocks in topological order of source
    for b, sel in enumerate(_groups(key_of.reshape(-1), len(keys_found))):
        key, lag = divmod(int(keys_found[b]), 2)
        s, d = key // n_nodes, key % n_nodes
        W = np.zeros((sizes[s], sizes[d]), dtype=dtype)
        mask = np.zeros(W.shape, dtype=bool)
        trainable = np.zeros(W.shape, dtype=bool)
        W[row[sel], col[sel]] = weight[sel]
        mask[row[sel], col[sel]] = True
        trainable[row[sel], col[sel]] = ~frozen[sel]
        blk = Block(
            src=s,
            dst=d,
            name=f"{keys[s]}->{keys[d]}{'@1' if lag else ''}/weight",
            delay=lag,
            mask=None if mask.all() else mask,
            grad_mask=None if trainable.all() else trainable.astype(dtype),
        )
        values[blk.name] = W
        conn_block[sel] = len(blocks)
        blocks.append(blk)

    # Links: into a dense layer, a full block of its own; into a block
    # layer, its one input.
    link_block: list[int | None] = []
    link_into: list[list[int]] = [[] for _ in order]
    for link in design.links:
        s, d = layer_index[link.source], layer_index[link.target]
        if layer_by_id[link.target].type == "dense":
            W = np.array(link.weights.values, dtype=dtype)
            blk = Block(src=s, dst=d, name=f"{keys[s]}->{keys[d]}/weight",
                        grad_mask=np.zeros(W.shape, dtype) if link.frozen else None)
            values[blk.name] = W
            link_block.append(len(blocks))
            blocks.append(blk)
        else:
            link_block.append(None)
            link_into[d].append(s)

    into: list[list[Block]] = [[] for _ in order]
    for blk in blocks:
        into[blk.dst].append(blk)
    node_shapes = [shapes.of[lid] for lid in order]
    ctx = _Context(dtype, sizes, into, values, node_shapes, link_into)
    nodes: list[Node] = []
    for i, lid in enumerate(order):
        layer = layer_by_id[lid]
        node = Node(index=i, key=keys[i], kind=layer.kind.value, size=sizes[i], shape=node_shapes[i])
        if layer.kind != LayerKind.INPUT:
            NODE_BUILDERS[layer.type](ctx, node, layer, members[lid])
        nodes.append(node)
    _set_columns(design, nodes, layer_index)

    net = Network(nodes, design.training.loss, dtype=dtype)
    net.parameters.assign(values)
    conn_block, link_block = _network_order(net, blocks, conn_block, link_block)
    return Compiled(net, layer_index, neuron_pos, conn_block, row, col, link_block)


def _network_order(net: Network, blocks: list[Block], conn_block: np.ndarray,
                   link_block: list[int | None]) -> tuple[np.ndarray, list[int | None]]:
    """Block indices in ``blocks`` (the connections' blocks, then the links')
    made indices in ``net.blocks``, which the network orders by source,
    target and delay: a link out of an earlier layer than some connections
    comes before their block there."""
    place = {blk.name: k for k, blk in enumerate(net.blocks)}
    moved = np.array([place[blk.name] for blk in blocks], dtype=np.intp)
    return moved[conn_block], [None if b is None else int(moved[b]) for b in link_block]


@dataclass
class _Context:
    """What a layer type's compile step may use: the dtype, every node's
    size, the blocks of connections into each node, and the starting values
    of the parameter arrays (it adds its own)."""

    dtype: np.dtype
    sizes: list[int]
    into: list[list[Block]]
    values: dict[str, np.ndarray]
    shapes: list[tuple[int, ...]]  # each node's output shape per sample
    link_into: list[list[int]]  # each block node's input node (from its link)

    def arrays_of(self, layer: Layer, names: tuple[str, ...], node: Node) -> list[str]:
        """The layer's arrays as starting values, named by the node; their names."""
        out = []
        for name in names:
            full = f"{node.key}/{name}"
            self.values[full] = np.array(layer.arrays[name].values, dtype=self.dtype)
            out.append(full)
        return out


def _dense_node(ctx: _Context, node: Node, layer: Layer, neurons: list[Neuron]) -> None:
    """A dense layer: its blocks of connections in, its neurons' biases,
    their activations and thresholds."""
    act = LayerActivation(
        [n.activation or layer.activation for n in neurons],
        np.array([n.threshold for n in neurons], dtype=ctx.dtype),
    )
    node.inputs = ctx.into[node.index]
    node.sources = [blk.src for blk in node.inputs]
    node.delays = [blk.delay for blk in node.inputs]
    bias_name = f"{node.key}/bias"
    # Absent connections have no gradient; frozen ones have one, which
    # training does not apply (Network.train_mask).
    node.op = Dense([ctx.sizes[s] for s in node.sources], node.size, act,
                    [blk.name for blk in node.inputs], bias_name,
                    [None if blk.mask is None else blk.mask.astype(ctx.dtype) for blk in node.inputs])
    ctx.values[bias_name] = np.array([n.bias for n in neurons], dtype=ctx.dtype)


def _conv_node(ctx: _Context, node: Node, layer: Layer, neurons: list[Neuron]) -> None:
    o = options_of(layer)
    (src,) = ctx.link_into[node.index]
    kernel, bias = ctx.arrays_of(layer, ("kernel", "bias"), node)
    node.sources = [src]
    node.op = Conv2D(ctx.shapes[src], o["filters"], o["kernel"], layer.activation, kernel, bias,
                     o["stride"], o["padding"])
    if o["frozen"]:
        node.frozen = {kernel, bias}


def _pool_node(ctx: _Context, node: Node, layer: Layer, neurons: list[Neuron]) -> None:
    o = options_of(layer)
    (src,) = ctx.link_into[node.index]
    node.sources = [src]
    kind = MaxPool2D if layer.type == "maxpool" else AvgPool2D
    node.op = kind(ctx.shapes[src], o["pool"], o["stride"] or None)


def _flatten_node(ctx: _Context, node: Node, layer: Layer, neurons: list[Neuron]) -> None:
    (src,) = ctx.link_into[node.index]
    node.sources = [src]
    node.op = Flatten(ctx.shapes[src])


def _recurrent_node(ctx: _Context, node: Node, layer: Layer, neurons: list[Neuron]) -> None:
    o = options_of(layer)
    (src,) = ctx.link_into[node.index]
    node.sources = [src]
    n_in = ctx.sizes[src]
    if layer.type == "lstm":
        weight, bias = ctx.arrays_of(layer, ("weight", "bias"), node)
        node.op = LSTM(n_in, o["cells"], weight, bias, o["forget_gate"], o["forget_bias"])
    elif layer.type == "gru":
        weight, bias, rbias = ctx.arrays_of(layer, ("weight", "bias", "recurrent_bias"), node)
        node.op = GRU(n_in, o["cells"], weight, bias, rbias)
    else:
        weight, bias = ctx.arrays_of(layer, ("weight", "bias"), node)
        node.op = SimpleRNN(n_in, o["cells"], weight, bias)
    if o["initial_state"] == "learned":
        node.op.learn_initial(ctx.arrays_of(layer, ("initial",), node)[0])


#: Each layer type's compile step (``nnsim.design.layer_types``): it fills in
#: the node's operation, its sources and its parameters' starting values.
#: (An input layer, image or neurons, is its columns of the data: no step.)
NODE_BUILDERS = {"dense": _dense_node, "conv": _conv_node, "maxpool": _pool_node, "avgpool": _pool_node,
                 "flatten": _flatten_node, "image": None,
                 "lstm": _recurrent_node, "gru": _recurrent_node, "rnn": _recurrent_node}


def _set_columns(design: Design, ops: list[Node], layer_index: dict[int, int]) -> None:
    """Input and output layers take their columns of X and Y in design order."""
    for kind in (LayerKind.INPUT, LayerKind.OUTPUT):
        start = 0
        for layer in design.layers_of_kind(kind):
            if layer.id in layer_index:
                op = ops[layer_index[layer.id]]
                op.columns = slice(start, start + op.size)
                start += op.size
