"""GAN designs: a generator and a discriminator drawn in one design.

Every layer of a GAN design (learning rule ``adversarial``) belongs to one
of two groups: ``generator`` (noise inputs → layers → outputs shaped like a
sample of the data) and ``discriminator`` (inputs shaped like a sample →
layers → one sigmoid output). No connection or link joins the groups: the
generator's outputs feed the discriminator's inputs, column by column, when
it judges fakes, by the program (``nnsim.engine.adversarial_program``), not
by drawn connections.

``gan_design`` builds one; ``gan_problem`` says what keeps a design from
being a GAN; ``compile_gan`` compiles each group into its own network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.design.build import COLUMN_SPACING, add_layer, connect_all
from nnsim.design.compile import Compiled, compile_design
from nnsim.design.model import Activation, DatasetSpec, Design, GanSettings, LayerKind, LearningRule
from nnsim.design.names import neuron_name
from nnsim.design.validate import DesignError
from nnsim.engine.adversarial import DISCRIMINATOR, GENERATOR, GROUPS, Players
from nnsim.text import quote

GROUP_TITLES = {GENERATOR: "Generator", DISCRIMINATOR: "Discriminator"}


def is_gan(design: Design) -> bool:
    return design.training.rule == LearningRule.ADVERSARIAL


def gan_settings(design: Design) -> GanSettings:
    """The design's GAN settings, made (defaults) where it has none yet."""
    if design.gan is None:
        design.gan = GanSettings()
    return design.gan


def group_layers(design: Design, group: str) -> list[int]:
    return [layer.id for layer in design.layers if layer.group == group]


def gan_problem(design: Design) -> str | None:
    """Why the design is not a GAN's two networks (None if it is): every
    layer in one of the groups, each group with inputs and outputs, nothing
    drawn from one group into the other."""
    group_of = {}
    for layer in design.layers:
        if layer.group not in GROUPS:
            what = f"group {quote(layer.group)}" if layer.group else "no group"
            return (f"layer {quote(layer.name)} has {what}: in a GAN every layer belongs to the "
                    f"{GENERATOR} or the {DISCRIMINATOR}")
        group_of[layer.id] = layer.group
    for group in GROUPS:
        kinds = {layer.kind for layer in design.layers if layer.group == group}
        for kind in (LayerKind.INPUT, LayerKind.OUTPUT):
            if kind not in kinds:
                return f"the {group} has no {kind.value} layer"
    layer_of = {n.id: n.layer for n in design.neurons}
    for c in design.connections:
        s, t = group_of.get(layer_of.get(c.source)), group_of.get(layer_of.get(c.target))
        if s != t:
            return (f"connection {neuron_name(design, c.source)} → {neuron_name(design, c.target)} joins the "
                    f"{s} to the {t}: the two networks are joined only when the discriminator judges fakes")
    for link in design.links:
        if group_of.get(link.source) != group_of.get(link.target):
            return "a link joins the generator to the discriminator: the two networks must stay apart"
    return None


def group_design(design: Design, group: str) -> Design:
    """The part of the design in ``group`` as a design of its own, sharing
    the layer, neuron and connection objects (writing numbers into it
    writes them into ``design``)."""
    ids = set(group_layers(design, group))
    neurons = [n for n in design.neurons if n.layer in ids]
    nids = {n.id for n in neurons}
    return Design(
        name=f"{design.name} ({group})",
        layers=[layer for layer in design.layers if layer.id in ids],
        neurons=neurons,
        connections=[c for c in design.connections if c.source in nids],
        links=[k for k in design.links if k.source in ids],
        training=design.training,
        dataset=design.dataset,
    )


@dataclass
class GanCompiled:
    """Both players compiled: each group's ``Compiled`` and the pair the
    adversarial program trains."""

    generator: Compiled
    discriminator: Compiled
    players: Players

    def of(self, group: str) -> Compiled:
        return self.generator if group == GENERATOR else self.discriminator

    @property
    def network(self) -> Players:
        return self.players

    def write_back(self, design: Design) -> None:
        for group in GROUPS:
            self.of(group).write_back(group_design(design, group))


def compile_gan(design: Design, dtype=np.float64) -> GanCompiled:
    """Compile both groups (raises DesignError naming what is wrong)."""
    problem = gan_problem(design)
    if problem:
        raise DesignError(problem)
    parts = {}
    for group in GROUPS:
        try:
            parts[group] = compile_design(group_design(design, group), dtype)
        except DesignError as e:
            raise DesignError(f"the {group}: {e}") from None
    players = Players(parts[GENERATOR].network, parts[DISCRIMINATOR].network, gan_settings(design))
    problem = players.problem()
    if problem:
        raise DesignError(problem)
    return GanCompiled(parts[GENERATOR], parts[DISCRIMINATOR], players)


def gan_design(noise: int = 2, data: int = 2, generator: tuple[int, ...] = (8, 8),
               discriminator: tuple[int, ...] = (8, 8), name: str = "GAN",
               output: Activation = Activation.TANH, dataset: DatasetSpec | None = None,
               settings: GanSettings | None = None) -> Design:
    """A GAN with fully connected ReLU hidden layers: the generator
    ``noise`` → ``generator`` sizes → ``data`` (``output`` activation), the
    discriminator ``data`` → ``discriminator`` sizes → 1 sigmoid. Weights 0
    (see ``nnsim.design.build.initialize``)."""
    design = Design(name=name)
    design.training.rule = LearningRule.ADVERSARIAL
    design.training.batch_size = 150
    design.gan = settings or GanSettings()
    if dataset is not None:
        design.dataset = dataset
    x = 0.0
    for group, first, sizes, last, out_act in (
        (GENERATOR, noise, generator, data, output),
        (DISCRIMINATOR, data, discriminator, 1, Activation.SIGMOID),
    ):
        prev = None
        title = GROUP_TITLES[group].lower()
        for i, size in enumerate((first, *sizes, last)):
            if i == 0:
                kind, act, nm = LayerKind.INPUT, Activation.LINEAR, "noise" if group == GENERATOR else "sample"
            elif i == len(sizes) + 1:
                kind, act, nm = LayerKind.OUTPUT, out_act, f"{title} output"
            else:
                kind, act, nm = LayerKind.HIDDEN, Activation.RELU, f"{title} hidden {i}"
            layer = add_layer(design, kind, size, act, name=nm, x=x)
            layer.group = group
            if prev is not None:
                connect_all(design, prev.id, layer.id)
            prev = layer
            x += COLUMN_SPACING
        x += COLUMN_SPACING * 0.5
    return design


def initialize_gan_lab(design: Design, rng: np.random.Generator) -> None:
    """GAN Lab's starting weights: N(0, ½) from a group's inputs, N(0, 1/n)
    into later layers (n: the source layer's size), biases 0; frozen
    connections keep theirs. Draws in design order."""
    layer_of = {n.id: n.layer for n in design.neurons}
    inputs = {layer.id for layer in design.layers_of_kind(LayerKind.INPUT)}
    sizes = design.layer_sizes()
    sd = np.array([np.sqrt(0.5) if layer_of[c.source] in inputs else 1.0 / np.sqrt(max(1, sizes[layer_of[c.source]]))
                   for c in design.connections])
    w = rng.standard_normal(len(sd)) * sd
    for c, value in zip(design.connections, w.tolist()):
        if not c.frozen:
            c.weight = value
    for n in design.neurons:
        if n.layer not in inputs:
            n.bias = 0.0
