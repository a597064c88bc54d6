"""Copy and paste as the canvas shows the result: pasted neurons sit moved
by the offset, pasted connections keep their weights and whether they are
frozen, pasted blocks keep their type, options, arrays and group; and a
connection's weight set from the inspector is undone exactly."""

from __future__ import annotations

import numpy as np
import pytest

import nnsim
from nnsim.design.compile import compile_design
from nnsim.design.edits import apply_ops, inverse_ops
from nnsim.design.recipes import EditError, fragment, paste, set_connection


def test_pasted_neurons_are_moved_by_the_offset_and_their_connections_keep_weight_and_frozen():
    design = nnsim.example("xor-mlp")
    design.connections[0].frozen = True
    chosen = [n.id for n in design.neurons]
    before = {n.id: (n.x, n.y) for n in design.neurons}
    new_ids, ops = paste(design, fragment(design, chosen), 40.0, -25.0)
    apply_ops(design, ops)
    pasted = [design.neuron(i) for i in new_ids]
    assert [(n.x, n.y) for n in pasted] == [(x + 40.0, y - 25.0) for x, y in before.values()]
    copies = design.connections[len(design.connections) // 2:]
    originals = design.connections[: len(design.connections) // 2]
    assert [(c.weight, c.frozen) for c in copies] == [(c.weight, c.frozen) for c in originals]
    assert copies[0].frozen and not copies[1].frozen


def test_pasted_blocks_keep_type_options_arrays_and_group():
    design = nnsim.example("digits-cnn")
    blocks = [layer for layer in design.layers if layer.type in ("conv", "maxpool")]
    for layer in blocks:
        layer.group = "discriminator"
    frag = fragment(design, [], [layer.id for layer in blocks])
    assert [b.type for b in frag["blocks"]] == ["conv", "maxpool"]
    made: list[int] = []
    _, ops = paste(design, frag, 100.0, 0.0, blocks_out=made)
    apply_ops(design, ops)
    for original, new_id in zip(blocks, made):
        new = design.layer(new_id)
        assert (new.type, new.options, new.group) == (original.type, original.options, "discriminator")
        assert (new.x, new.y) == (original.x + 100.0, original.y)
        for name, array in original.arrays.items():
            assert np.array_equal(new.arrays[name].values, array.values)
    assert [(k.source, k.target) for k in design.links][-1] == (made[0], made[1])  # the link between them too


def test_a_connection_s_weight_set_from_the_inspector_is_undone_exactly():
    design = nnsim.example("xor-mlp")
    c = design.connections[2]
    old = c.weight
    ops = set_connection(design, (c.source, c.target), weight=0.25, frozen=True)
    apply_ops(design, ops)
    assert (c.weight, c.frozen) == (0.25, True)
    compile_design(design)
    apply_ops(design, inverse_ops(ops))
    assert (c.weight, c.frozen) == (old, False)
    with pytest.raises(EditError, match="there is no connection"):
        set_connection(design, (c.target, c.source), weight=1.0)


def test_a_layer_pasted_in_a_gan_joins_the_group_it_was_copied_from():
    from nnsim.design.gan import gan_problem

    design = nnsim.example("gan-line")
    hidden = next(layer for layer in design.layers if layer.kind == "hidden" and layer.group == "generator")
    new_ids, ops = paste(design, fragment(design, [n.id for n in design.neurons_of(hidden.id)]), 50.0, 50.0)
    apply_ops(design, ops)
    assert design.layer(design.neuron(new_ids[0]).layer).group == "generator"
    assert gan_problem(design) is None  # still a GAN that trains


def test_copying_a_flatten_block_with_the_whole_layer_it_feeds_copies_their_link():
    design = nnsim.example("digits-cnn")
    flatten = next(layer for layer in design.layers if layer.type == "flatten")
    output = design.layers[-1]
    frag = fragment(design, [n.id for n in design.neurons_of(output.id)], [flatten.id])
    assert [(k.source, k.target) for k in frag["links"]] == [(flatten.id, output.id)]
