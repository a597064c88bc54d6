"""One way to add a layer and one naming rule, for designs built in code
(``nnsim.design.build``) and in the editor (``nnsim.design.recipes``)."""

from __future__ import annotations

from nnsim.design import recipes
from nnsim.design.build import add_layer, layer_name, layered
from nnsim.design.edits import apply_ops
from nnsim.design.model import LayerKind


def test_code_and_editor_add_the_same_layer():
    in_code, in_editor = layered([2, 3, 1]), layered([2, 3, 1])
    for d in (in_code, in_editor):
        d.layers[0].name = "sensors"  # renamed: "input" is free again
    made = add_layer(in_code, LayerKind.INPUT, 2, x=480)
    _, ops = recipes.add_layer(in_editor, LayerKind.INPUT, 2, 480, 0)
    apply_ops(in_editor, ops)
    assert made.name == "input"
    assert in_code == in_editor


def test_the_naming_rule():
    d = layered([2, 3, 3, 1])
    assert [layer.name for layer in d.layers] == ["input", "hidden 1", "hidden 2", "output"]
    assert layer_name(d, LayerKind.HIDDEN) == "hidden 3"
    assert layer_name(d, LayerKind.OUTPUT) == "output 2"
    d.layers[1].name = "features"
    assert layer_name(d, LayerKind.HIDDEN) == "hidden 1"
