"""Design -> engine: turn what the user drew into per-layer array operations,
and write trained numbers back into the design."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.design.model import Design, LayerKind
from nnsim.design.validate import DesignError, check_trainable
from nnsim.engine.activations import LayerActivation
from nnsim.engine.network import Block, Network, Node
from nnsim.engine.ops.dense import Dense


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

    def neuron_ids(self, layer_index: int) -> list[int]:
        """Design ids of the neurons of a compiled layer, by column."""
        ids = [nid for nid, (li, _) in self.neuron_pos.items() if li == layer_index]
        return sorted(ids, key=lambda nid: self.neuron_pos[nid][1])

    def connection_weights(self) -> np.ndarray:
        """Current weight of every design connection, in design order."""
        out = np.empty(len(self.conn_block), dtype=np.float64)
        for b, blk in enumerate(self.network.blocks):
            sel = self.conn_block == b
            out[sel] = blk.W[self.conn_row[sel], self.conn_col[sel]]
        return out

    def write_back(self, design: Design) -> None:
        """Copy the network's weights and biases into the design."""
        for c, w in zip(design.connections, self.connection_weights().tolist()):
            c.weight = w
        for n in design.neurons:
            li, col = self.neuron_pos[n.id]
            b = self.network.layers[li].b
            if b is not None:
                n.bias = float(b[col])


def _topological_layers(design: Design) -> list[int]:
    """Layer ids, each after every layer feeding it; ties keep design order."""
    layer_of = {n.id: n.layer for n in design.neurons}
    preds: dict[int, set[int]] = {layer.id: set() for layer in design.layers}
    for c in design.connections:
        preds[layer_of[c.target]].add(layer_of[c.source])
    order: list[int] = []
    placed: set[int] = set()
    pending = [layer.id for layer in design.layers]
    while pending:
        for lid in pending:
            if preds[lid] <= placed:
                order.append(lid)
                placed.add(lid)
                pending.remove(lid)
                break
        else:  # check_design refuses cycles first; this guards the invariant
            raise DesignError("the layers form a cycle")
    return order


def compile_design(design: Design, dtype=np.float64) -> Compiled:
    """Compile a design (checked first) into a Network with its loss."""
    check_trainable(design)
    dtype = np.dtype(dtype)
    members = {layer.id: design.neurons_of(layer.id) for layer in design.layers}
    order = [lid for lid in _topological_layers(design) if members[lid]]
    layer_index = {lid: i for i, lid in enumerate(order)}
    neuron_pos = {n.id: (layer_index[lid], col) for lid in order for col, n in enumerate(members[lid])}

    n_conn = len(design.connections)
    src = np.empty(n_conn, dtype=np.intp)
    dst = np.empty(n_conn, dtype=np.intp)
    row = np.empty(n_conn, dtype=np.intp)
    col = np.empty(n_conn, dtype=np.intp)
    weight = np.empty(n_conn, dtype=np.float64)
    frozen = np.empty(n_conn, dtype=bool)
    for k, c in enumerate(design.connections):
        src[k], row[k] = neuron_pos[c.source]
        dst[k], col[k] = neuron_pos[c.target]
        weight[k] = c.weight
        frozen[k] = c.frozen

    sizes = [len(members[lid]) for lid in order]
    keys = [f"layer:{lid}" for lid in order]
    blocks: list[Block] = []
    values: dict[str, np.ndarray] = {}
    conn_block = np.empty(n_conn, dtype=np.intp)
    n_nodes = len(order)
    pair_key = src * n_nodes + dst
    for key in np.unique(pair_key):  # sorted: blocks come in topological order of source
        sel = pair_key == key
        s, d = int(key // n_nodes), int(key % n_nodes)
        W = np.zeros((sizes[s], sizes[d]), dtype=dtype)
        mask = np.zeros(W.shape, dtype=bool)
        trainable = np.zeros(W.shape, dtype=bool)
        W[row[sel], col[sel]] = weight[sel]
        mask[row[sel], col[sel]] = True
        trainable[row[sel], col[sel]] = ~frozen[sel]
        blk = Block(
            src=s,
            dst=d,
            name=f"{keys[s]}->{keys[d]}/weight",
            mask=None if mask.all() else mask,
            grad_mask=None if trainable.all() else trainable.astype(dtype),
        )
        values[blk.name] = W
        conn_block[sel] = len(blocks)
        blocks.append(blk)

    nodes: list[Node] = []
    for i, lid in enumerate(order):
        layer = design.layer(lid)
        neurons = members[lid]
        node = Node(index=i, key=keys[i], kind=layer.kind.value, size=len(neurons))
        if layer.kind != LayerKind.INPUT:
            act = LayerActivation(
                [design.activation_of(n) for n in neurons],
                np.array([n.threshold for n in neurons], dtype=dtype),
            )
            node.inputs = [blk for blk in blocks if blk.dst == i]
            node.sources = [blk.src for blk in node.inputs]
            bias_name = f"{keys[i]}/bias"
            node.op = Dense([sizes[s] for s in node.sources], len(neurons), act,
                            [blk.name for blk in node.inputs], bias_name,
                            [blk.grad_mask for blk in node.inputs])
            values[bias_name] = np.array([n.bias for n in neurons], dtype=dtype)
        nodes.append(node)
    _set_columns(design, nodes, layer_index)

    net = Network(nodes, design.training.loss, dtype=dtype)
    net.parameters.assign(values)
    return Compiled(net, layer_index, neuron_pos, conn_block, row, col)


def _set_columns(design: Design, ops: list[Node], layer_index: dict[int, int]) -> None:
    """Input and output layers take their columns of X and Y in design order."""
    for kind in (LayerKind.INPUT, LayerKind.OUTPUT):
        start = 0
        for layer in design.layers_of_kind(kind):
            if layer.id in layer_index:
                op = ops[layer_index[layer.id]]
                op.columns = slice(start, start + op.size)
                start += op.size
