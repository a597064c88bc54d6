"""What ONNX and PyTorch export share: what neither can express, said the
same way for both (``common_refusal``), and names for layers as the other
side's identifiers (``unique_identifiers``)."""

from __future__ import annotations

import keyword
import re

from nnsim.design.model import Design
from nnsim.engine.ops.lstm import LSTM


def layer_name(design: Design, node) -> str:
    """The drawn layer a compiled node comes from, by its name."""
    return design.layer(int(node.key.split(":")[1])).name


def common_refusal(design: Design, net, target: str) -> str | None:
    """Several networks in one design (export a GAN with
    ``nnsim.exchange.export``, which writes each), an LSTM without a forget
    gate (``target``'s LSTM always has one), a recurrent block starting from
    a learned initial state, or a recurrent block inside
    drawn loops; None when none of these."""
    groups = sorted({layer.group for layer in design.layers if layer.group})
    if len(groups) > 1:
        return f"the design holds several networks ({', '.join(groups)}): export each on its own"
    stateful = [n for n in net.layers if n.op is not None and n.op.stateful]
    for n in stateful:
        if isinstance(n.op, LSTM) and not n.op.forget_gate:
            return f"layer '{layer_name(design, n)}': {target}'s LSTM always has a forget gate; this one has none"
        if getattr(n.op, "initial_name", None) is not None:
            return (f"layer '{layer_name(design, n)}': it starts from a learned initial state, which this "
                    f"export does not write yet (set its initial state to zeros to export it)")
    if net.recurrent and stateful:
        return (f"layer '{layer_name(design, stateful[0])}': a recurrent block in a network with drawn loops "
                "(connections to the next step) cannot be exported")
    return None


def unique_identifiers(names: list[str], lower: bool = False, taken=()) -> list[str]:
    """Identifiers made from layer names, each different from the others and
    from ``taken``: 'hidden 1' -> 'hidden_1', a second 'hidden 1' ->
    'hidden_1_2'; one that starts with a digit or is a Python keyword gets
    'l_' in front (``lower``: in lower case)."""
    out, seen = [], set(taken)
    for name in names:
        text = name.strip().lower() if lower else name.strip()
        base = re.sub(r"\W+", "_", text).strip("_") or "layer"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = "l_" + base
        candidate, k = base, 2
        while candidate in seen:
            candidate, k = f"{base}_{k}", k + 1
        seen.add(candidate)
        out.append(candidate)
    return out
