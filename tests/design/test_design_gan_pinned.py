"""A GAN design as the learner sees it: the two groups' layers, names, sizes
and places; each reason a design is not a GAN, word for word; each group as a
design of its own; GAN Lab's starting weights drawn in design order."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.design.build import COLUMN_SPACING, add_layer, connect_all, link
from nnsim.design.compile import compile_design
from nnsim.design.gan import (
    GROUP_TITLES, compile_gan, gan_design, gan_problem, gan_settings, group_design, group_layers,
    initialize_gan_lab, is_gan,
)
from nnsim.design.model import Activation, Connection, DatasetSpec, Design, GanSettings, LayerKind, LearningRule
from nnsim.design.names import neuron_name
from nnsim.design.validate import DesignError
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR, PlayerSettings


def test_a_gan_design_has_its_two_networks_laid_out_side_by_side():
    data = DatasetSpec(source="distribution", name="ring")
    settings = GanSettings(real_label=0.9)
    d = gan_design(3, 2, (4, 5), (6,), name="Mine", output=Activation.SIGMOID, dataset=data, settings=settings)
    assert d.name == "Mine" and d.dataset is data and d.gan is settings
    assert d.training.rule == LearningRule.ADVERSARIAL and d.training.batch_size == 150 and is_gan(d)
    rows = [(layer.name, layer.kind, layer.activation, layer.group, len(d.neurons_of(layer.id))) for layer in d.layers]
    assert rows == [
        ("noise", LayerKind.INPUT, Activation.LINEAR, GENERATOR, 3),
        ("generator hidden 1", LayerKind.HIDDEN, Activation.RELU, GENERATOR, 4),
        ("generator hidden 2", LayerKind.HIDDEN, Activation.RELU, GENERATOR, 5),
        ("generator output", LayerKind.OUTPUT, Activation.SIGMOID, GENERATOR, 2),
        ("sample", LayerKind.INPUT, Activation.LINEAR, DISCRIMINATOR, 2),
        ("discriminator hidden 1", LayerKind.HIDDEN, Activation.RELU, DISCRIMINATOR, 6),
        ("discriminator output", LayerKind.OUTPUT, Activation.SIGMOID, DISCRIMINATOR, 1),
    ]
    xs = [d.neurons_of(layer.id)[0].x for layer in d.layers]
    s = COLUMN_SPACING
    assert xs == [0.0, s, 2 * s, 3 * s, 4.5 * s, 5.5 * s, 6.5 * s]
    assert len(d.connections) == 3 * 4 + 4 * 5 + 5 * 2 + 2 * 6 + 6 * 1
    assert all(c.weight == 0.0 for c in d.connections)
    assert gan_problem(d) is None
    plain = gan_design()
    assert [len(plain.neurons_of(layer.id)) for layer in plain.layers] == [2, 8, 8, 2, 2, 8, 8, 1]
    assert plain.layers[3].activation == Activation.TANH and plain.gan == GanSettings() and plain.name == "GAN"
    assert plain.dataset == Design().dataset


def test_gan_settings_are_made_where_the_design_has_none():
    d = Design()
    assert d.gan is None and not is_gan(d)
    made = gan_settings(d)
    assert made == GanSettings() and d.gan is made and gan_settings(d) is made


def _small():
    return gan_design(2, 2, (3,), (4,))


def _layer(d, group, kind):
    return next(layer for layer in d.layers if layer.group == group and layer.kind == kind)


def test_the_reasons_a_design_is_not_a_gan():
    d = _small()
    d.layers[1].group = ""
    assert gan_problem(d) == ("layer 'generator hidden 1' has no group: in a GAN every layer belongs to the "
                              "generator or the discriminator")
    d.layers[1].group = "critic"
    assert gan_problem(d) == ("layer 'generator hidden 1' has group 'critic': in a GAN every layer belongs to the "
                              "generator or the discriminator")
    d = _small()
    _layer(d, GENERATOR, LayerKind.INPUT).kind = LayerKind.HIDDEN
    assert gan_problem(d) == "the generator has no input layer"
    d = _small()
    _layer(d, DISCRIMINATOR, LayerKind.OUTPUT).kind = LayerKind.HIDDEN
    assert gan_problem(d) == "the discriminator has no output layer"
    d = _small()
    _layer(d, GENERATOR, LayerKind.OUTPUT).kind = LayerKind.HIDDEN
    _layer(d, DISCRIMINATOR, LayerKind.INPUT).kind = LayerKind.HIDDEN
    assert gan_problem(d) == "the generator has no output layer"


def test_a_connection_or_link_across_the_groups_is_named():
    d = _small()
    g_out, d_in = _layer(d, GENERATOR, LayerKind.OUTPUT), _layer(d, DISCRIMINATOR, LayerKind.INPUT)
    connect_all(d, g_out.id, d_in.id)
    c = d.connections[-4]
    assert (c.source, c.target) == (d.neurons_of(g_out.id)[0].id, d.neurons_of(d_in.id)[0].id)
    assert gan_problem(d) == (f"connection {neuron_name(d, c.source)} → {neuron_name(d, c.target)} joins the "
                              "generator to the discriminator: the two networks are joined only when the "
                              "discriminator judges fakes")
    d = _small()
    connect_all(d, _layer(d, DISCRIMINATOR, LayerKind.OUTPUT).id, _layer(d, GENERATOR, LayerKind.HIDDEN).id)
    assert "joins the discriminator to the generator:" in gan_problem(d)
    d = _small()
    link(d, g_out.id, d_in.id)
    assert gan_problem(d) == "a link joins the generator to the discriminator: the two networks must stay apart"
    d = _small()
    link(d, g_out.id, _layer(d, GENERATOR, LayerKind.HIDDEN).id)  # within one group: allowed here
    assert gan_problem(d) is None


def test_each_group_is_a_design_of_its_own_sharing_the_records():
    d = _small()
    d.name = "Pair"
    for group in (GENERATOR, DISCRIMINATOR):
        part = group_design(d, group)
        ids = group_layers(d, group)
        assert ids == [layer.id for layer in d.layers if layer.group == group] and len(ids) == 3
        assert part.name == f"Pair ({group})"
        assert [layer.id for layer in part.layers] == ids
        assert all(a is b for a, b in zip(part.layers, [layer for layer in d.layers if layer.id in ids]))
        assert part.neurons == [n for n in d.neurons if n.layer in ids]
        nids = {n.id for n in part.neurons}
        assert part.connections == [c for c in d.connections if c.source in nids] and part.connections
        assert all(c.target in nids for c in part.connections)
        assert part.training is d.training and part.dataset is d.dataset
    d = _small()
    g_hidden, g_out = _layer(d, GENERATOR, LayerKind.HIDDEN), _layer(d, GENERATOR, LayerKind.OUTPUT)
    link(d, g_hidden.id, g_out.id)
    assert [(k.source, k.target) for k in group_design(d, GENERATOR).links] == [(g_hidden.id, g_out.id)]
    assert group_design(d, DISCRIMINATOR).links == []


def test_compiling_a_gan_names_the_group_at_fault():
    d = _small()
    compiled = compile_gan(d)
    assert compiled.of(GENERATOR) is compiled.generator and compiled.of(DISCRIMINATOR) is compiled.discriminator
    assert compiled.network is compiled.players
    assert compiled.generator.network.n_outputs == 2 and compiled.discriminator.network.n_outputs == 1
    assert compile_gan(d, np.float32).generator.network.parameters.flat.dtype == np.float32
    d.layers[0].group = ""
    with pytest.raises(DesignError) as refused:
        compile_gan(d)
    assert str(refused.value).startswith("layer 'noise' has no group")
    d = _small()
    out = _layer(d, DISCRIMINATOR, LayerKind.OUTPUT)
    out.activation = Activation.TANH
    with pytest.raises(DesignError) as refused:
        compile_gan(d)
    assert str(refused.value) == ("the discriminator's output neuron must use the sigmoid activation (its verdict "
                                  "is a probability)")
    d = _small()
    hidden = _layer(d, DISCRIMINATOR, LayerKind.HIDDEN)
    first, second = d.neurons_of(hidden.id)[:2]
    d.connections += [Connection(first.id, second.id), Connection(second.id, first.id)]  # a loop with no delay
    with pytest.raises(DesignError) as refused:
        compile_gan(d)
    expected = None
    try:
        compile_design(group_design(d, DISCRIMINATOR))
    except DesignError as e:
        expected = f"the discriminator: {e}"
    assert expected is not None and str(refused.value) == expected and hidden.name


def test_the_trained_numbers_go_back_to_each_group():
    d = _small()
    compiled = compile_gan(d)
    for group in (GENERATOR, DISCRIMINATOR):
        compiled.of(group).network.parameters.flat[:] = 0.25 if group == GENERATOR else -0.5
    compiled.write_back(d)
    gen = {n.id for n in d.neurons if d.layer(n.layer).group == GENERATOR}
    for c in d.connections:
        assert c.weight == (0.25 if c.source in gen else -0.5)


def test_gan_lab_starts_weights_by_their_source_layer_and_biases_at_zero():
    d = gan_design(2, 3, (4,), (5,))
    for n in d.neurons:
        n.bias = 7.0
    frozen = d.connections[3]
    frozen.frozen, frozen.weight = True, 9.0
    initialize_gan_lab(d, np.random.default_rng(4))
    inputs = {layer.id for layer in d.layers if layer.kind == LayerKind.INPUT}
    layer_of = {n.id: n.layer for n in d.neurons}
    sizes = d.layer_sizes()
    draws = np.random.default_rng(4).standard_normal(len(d.connections))
    for c, z in zip(d.connections, draws):
        source = layer_of[c.source]
        sd = np.sqrt(0.5) if source in inputs else 1.0 / np.sqrt(sizes[source])
        assert c.weight == (9.0 if c is frozen else pytest.approx(z * sd, rel=1e-12))
    assert [n.bias for n in d.neurons] == [7.0 if n.layer in inputs else 0.0 for n in d.neurons]
    assert frozen.weight == 9.0


def test_gan_lab_reads_an_empty_source_layer_as_one():
    d = Design()
    a = add_layer(d, LayerKind.INPUT, 1)
    b = add_layer(d, LayerKind.HIDDEN, 1)
    c = add_layer(d, LayerKind.OUTPUT, 1)
    connect_all(d, a.id, b.id)
    connect_all(d, b.id, c.id)
    initialize_gan_lab(d, np.random.default_rng(0))
    draws = np.random.default_rng(0).standard_normal(2)
    assert [x.weight for x in d.connections] == pytest.approx([draws[0] * np.sqrt(0.5), draws[1]], rel=1e-12)


def test_group_titles():
    assert GROUP_TITLES == {GENERATOR: "Generator", DISCRIMINATOR: "Discriminator"}
    assert PlayerSettings().steps == 1
