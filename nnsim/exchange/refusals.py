"""What neither ONNX nor PyTorch export can express, said the same way for
both: the checks each exporter starts with (``common_refusal``)."""

from __future__ import annotations

from nnsim.design.model import Design
from nnsim.engine.ops.lstm import LSTM


def layer_name(design: Design, node) -> str:
    """The drawn layer a compiled node comes from, by its name."""
    return design.layer(int(node.key.split(":")[1])).name


def common_refusal(design: Design, net, target: str) -> str | None:
    """Several networks in one design (export a GAN with
    ``nnsim.exchange.export``, which writes each), an LSTM without a forget
    gate (``target``'s LSTM always has one), or a recurrent block inside
    drawn loops; None when none of these."""
    groups = sorted({layer.group for layer in design.layers if layer.group})
    if len(groups) > 1:
        return f"the design holds several networks ({', '.join(groups)}): export each on its own"
    stateful = [n for n in net.layers if n.op is not None and n.op.stateful]
    for n in stateful:
        if isinstance(n.op, LSTM) and not n.op.forget_gate:
            return f"layer '{layer_name(design, n)}': {target}'s LSTM always has a forget gate; this one has none"
    if net.recurrent and stateful:
        return (f"layer '{layer_name(design, stateful[0])}': a recurrent block in a network with drawn loops "
                "(connections to the next step) cannot be exported")
    return None
