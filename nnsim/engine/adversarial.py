"""The words and the arithmetic of a generative adversarial network (GAN):
two networks, a generator G (noise → a sample shaped like the data) and a
discriminator D (a sample → one sigmoid output, "how real it looks"),
trained against each other.

- ``GanSettings``: each player's optimizer, learning rate and updates per
  round, the loss (log loss, with optional one-sided label smoothing, or
  least squares) and the noise G reads (uniform on [0, 1], or Gaussian with
  mean 0.5 and deviation 0.25 truncated at two deviations, i.e. to [0, 1]).
- ``Players``: the two compiled networks as one thing to train (one flat
  copy of both players' numbers, to keep and restore).
- ``discriminator_loss`` / ``generator_loss``: each loss and its gradient at
  D's weighted sum z (the output is σ(z)), exact where σ saturates.

The losses, over a batch of b real samples x and b fakes G(z), with
D = σ(zD) and t the target for real samples (1; less with smoothing):

- log loss: D minimises mean BCE(D(x), t) + mean BCE(D(G(z)), 0), i.e.
  −[t·log D(x) + (1 − t)·log(1 − D(x))] − log(1 − D(G(z))); G minimises
  −mean log D(G(z)) (the "non-saturating" loss of Goodfellow et al.);
- least squares: D minimises mean (D(x) − t)² + mean D(G(z))²; G minimises
  mean (D(G(z)) − 1)².
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from nnsim.engine.losses import softplus
from nnsim.engine.network import Network
from nnsim.engine.params import ParameterLayout, Parameters
from nnsim.engine.vocab import Optimizer

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
GROUPS = (GENERATOR, DISCRIMINATOR)
MAX_PLAYER_STEPS = 100  # updates of one player in one round


class GanLoss(str, enum.Enum):
    LOG = "log"
    LEAST_SQUARES = "least_squares"


class Noise(str, enum.Enum):
    UNIFORM = "uniform"  # U[0, 1]
    GAUSSIAN = "gaussian"  # N(0.5, 0.25²), truncated to [0, 1]


@dataclass
class PlayerSettings:
    """How one player learns: its optimizer, learning rate and how many
    updates it makes in each round."""

    optimizer: Optimizer = Optimizer.SGD
    learning_rate: float = 0.1
    steps: int = 1


@dataclass
class GanSettings:
    """A GAN's own settings (the design's training settings give the rest:
    batch size, seed, Adam's β, regularisation). ``real_label`` is the target
    for real samples in D's loss: below 1 is one-sided label smoothing."""

    loss: GanLoss = GanLoss.LOG
    real_label: float = 1.0
    noise: Noise = Noise.UNIFORM
    discriminator: PlayerSettings = field(default_factory=PlayerSettings)
    generator: PlayerSettings = field(default_factory=PlayerSettings)

    def player(self, group: str) -> PlayerSettings:
        return self.generator if group == GENERATOR else self.discriminator


def sample_noise(kind: Noise, n: int, dims: int, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """``n`` noise vectors (n, dims) of the kind; a truncated Gaussian draws
    again where a value falls more than two deviations from the mean."""
    if Noise(kind) == Noise.UNIFORM:
        return rng.random((n, dims), dtype=np.float64).astype(dtype, copy=False)
    z = rng.normal(0.5, 0.25, (n, dims))
    bad = np.abs(z - 0.5) > 0.5
    while bad.any():
        z[bad] = rng.normal(0.5, 0.25, int(bad.sum()))
        bad = np.abs(z - 0.5) > 0.5
    return z.astype(dtype, copy=False)


def discriminator_loss(kind: GanLoss, z_real: np.ndarray, z_fake: np.ndarray,
                       real_label: float = 1.0) -> tuple[float, np.ndarray, np.ndarray]:
    """D's loss from its weighted sums on real (b, 1) and fake (b', 1)
    samples, and its gradients ∂L/∂z on each (each mean's 1/b included)."""
    loss, delta = discriminator_loss_joined(kind, np.concatenate([z_real, z_fake]), len(z_real), real_label)
    return loss, delta[: len(z_real)], delta[len(z_real):]


def discriminator_loss_joined(kind: GanLoss, z: np.ndarray, n_real: int, real_label: float = 1.0,
                              a: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """``discriminator_loss`` on one array: the first ``n_real`` rows of z
    (and of ``a`` = σ(z), computed when not given) real, the rest fake;
    returns the loss and ∂L/∂z for all rows."""
    t = float(real_label)
    br, bf = n_real, len(z) - n_real
    a = _sigmoid(z) if a is None else a
    delta = np.empty_like(z)
    if GanLoss(kind) == GanLoss.LOG:
        # BCE(σ(z), t) = softplus(z) − t·z; ∂/∂z = σ(z) − t.
        sp = softplus(z)
        loss = (float(np.sum(sp[:br]) - t * np.sum(z[:br]))) / br + float(np.sum(sp[br:])) / bf
        np.subtract(a[:br], t, out=delta[:br])
        delta[:br] /= br
        np.divide(a[br:], bf, out=delta[br:])
        return loss, delta
    ar, af = a[:br], a[br:]
    loss = float(np.sum((ar - t) ** 2)) / br + float(np.sum(af**2)) / bf
    delta[:br] = 2.0 * (ar - t) * ar * (1.0 - ar) / br
    delta[br:] = 2.0 * af * af * (1.0 - af) / bf
    return loss, delta


def generator_loss(kind: GanLoss, z_fake: np.ndarray, a: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """G's loss from D's weighted sums on its fakes (b, 1) (and σ of them,
    ``a``, computed when not given), and ∂L/∂z."""
    b = len(z_fake)
    a = _sigmoid(z_fake) if a is None else a
    if GanLoss(kind) == GanLoss.LOG:
        # −log σ(z) = softplus(−z); ∂/∂z = σ(z) − 1.
        return float(np.sum(softplus(-z_fake))) / b, (a - 1.0) / b
    return float(np.sum((a - 1.0) ** 2)) / b, 2.0 * (a - 1.0) * a * (1.0 - a) / b


def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 0.5 * (1.0 + np.tanh(0.5 * z))


class Players:
    """The generator and the discriminator, trained as one program. Both
    players' numbers, kept or restored together, are one flat vector: the
    generator's followed by the discriminator's."""

    def __init__(self, generator: Network, discriminator: Network, settings: GanSettings):
        self.generator = generator
        self.discriminator = discriminator
        self.settings = settings  # read live
        self.dtype = generator.dtype
        # One flat vector holds both players' numbers, generator first; each
        # network keeps a view of its part, so the pair's named arrays are one
        # store (``parameters``), as a single network's are.
        specs = [(k, generator.layout.shapes[k]) for k in generator.layout.names]
        specs += [(k, discriminator.layout.shapes[k]) for k in discriminator.layout.names]
        self.parameters = Parameters(ParameterLayout(specs), self.dtype)
        self.layout = self.parameters.layout
        n = generator.layout.size
        generator.share(self.parameters.flat[:n])
        discriminator.share(self.parameters.flat[n:])

    def network(self, group: str) -> Network:
        return self.generator if group == GENERATOR else self.discriminator

    @property
    def noise_dims(self) -> int:
        return self.generator.n_inputs

    @property
    def data_dims(self) -> int:
        return self.discriminator.n_inputs

    def problem(self) -> str | None:
        """Why these two networks cannot play (None if they can)."""
        g, d = self.generator, self.discriminator
        if g.recurrent or d.recurrent or any(n.op is not None and n.op.stateful for n in g.layers + d.layers):
            return "a GAN's networks cannot have loops or recurrent layers"
        if g.n_inputs < 1:
            return "the generator needs at least one noise input"
        if g.n_outputs != d.n_inputs:
            return (f"the generator makes {g.n_outputs} number(s) per sample but the discriminator reads "
                    f"{d.n_inputs}: they must match")
        if d.n_outputs != 1 or len(d.output_layers) != 1:
            return f"the discriminator needs exactly one output neuron (it has {d.n_outputs})"
        from nnsim.engine.vocab import Activation  # the output must be a probability

        if d.output_layers[0].act is None or d.output_layers[0].act.kinds != [Activation.SIGMOID]:
            return "the discriminator's output neuron must use the sigmoid activation (its verdict is a probability)"
        return None

    def generate(self, noise: np.ndarray) -> np.ndarray:
        """G's samples (n, data dims) for noise (n, noise dims)."""
        return self.generator.predict(noise)

    def verdict(self, x: np.ndarray) -> np.ndarray:
        """D's probability that each sample (n, data dims) is real: (n,)."""
        return self.discriminator.predict(x)[:, 0]

    def copy_params(self) -> np.ndarray:
        return self.parameters.flat.copy()

    def set_params(self, values) -> None:
        self.parameters.assign(values)

    def all_finite(self) -> bool:
        return self.generator.all_finite() and self.discriminator.all_finite()


def input_delta(net: Network, delta: list) -> np.ndarray:
    """∂L/∂x (batch, n_inputs) from a backward pass's error terms, the
    input layers' columns side by side."""
    parts = [delta[n.index] for n in net.input_layers]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
