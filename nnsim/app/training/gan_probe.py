"""Measuring a GAN session for its view (no Qt): the discriminator's verdict
over the plane, real and generated samples, the direction the generator's
loss pushes each generated sample, the generator's manifold, and the
divergences with the floor two real samples reach; for images, a few
generated images with the discriminator's score on each.

``GanProbe`` stands in for ``Probe`` (``nnsim.app.training.probes``): the
views of a single network's neurons have nothing to show for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.app.training.probes import OutputSpec
from nnsim.design.model import Design
from nnsim.engine import divergence
from nnsim.engine.adversarial import sample_noise
from nnsim.engine.adversarial_program import EVAL_FAKE, EVAL_REAL, sample_gradients
from nnsim.session import Session

GRID = 40  # the verdict's cells per side
SHOWN_FAKES = 150  # generated points drawn (GAN Lab's batch)
MANIFOLD = 21  # noise grid per side pushed through the generator
IMAGES = 16  # generated images shown
COLLAPSE = 0.6  # below this share of the data covered, the view names mode collapse


@dataclass
class GanFrame:
    """One measurement of a GAN, all copies."""

    verdict: np.ndarray | None  # (GRID, GRID) D(x) over [0, 1]², row = y; None for data not in the plane
    real: np.ndarray  # (n, dims) real samples shown
    fake: np.ndarray  # (SHOWN_FAKES, dims) generated from fixed noise
    fake_verdict: np.ndarray  # (SHOWN_FAKES,) D's verdict on them
    arrows: np.ndarray | None  # (SHOWN_FAKES, 2) −∂L_G/∂x per generated point, for points in the plane
    manifold: np.ndarray | None  # (MANIFOLD, MANIFOLD, 2) or (MANIFOLD, 2) for 1-D noise
    kl: float | None
    js: float | None
    coverage: float | None  # share of the data's mass the generated points reach (coarse grid)
    images: np.ndarray | None = None  # (IMAGES, H, W) generated images, for image data
    image_scores: np.ndarray | None = None  # (IMAGES,) D's verdict on each


class GanProbe:
    """Measures a GAN session (see the module docstring)."""

    two_d = False  # no map of one network's output: the GAN view shows the plane
    sequence = False
    sequence_probe = None
    has_blocks = False  # the GAN view draws its own images
    mapped: list = []
    mapped_ids: list = []
    is_classification = False
    class_names: list = []

    def __init__(self, session: Session, design: Design):
        self.session = session
        self.players = session.compiled.players
        ds = session.dataset
        self.feature_names = list(ds.feature_names)
        self.output_spec = OutputSpec("regression", 0.0, 1.0, 0)
        self.extent = ((0.0, 1.0), (0.0, 1.0))
        self.plane = self.players.data_dims == 2
        self.image_shape = getattr(ds, "input_shape", None)
        pool = session.data.x_train
        self.real = pool[:EVAL_REAL].copy()
        self._draw_noise()
        self.floor = None
        if self.plane and len(pool) >= EVAL_REAL + EVAL_FAKE:
            self.floor = divergence.kl_js(pool[:EVAL_REAL], pool[EVAL_REAL:EVAL_REAL + EVAL_FAKE])
        xs = (np.arange(GRID) + 0.5) / GRID
        gx, gy = np.meshgrid(xs, xs)  # row = y
        self.grid_points = np.column_stack([gx.ravel(), gy.ravel()])
        t = np.linspace(0.0, 1.0, MANIFOLD)
        if self.players.noise_dims == 2:
            nx, ny = np.meshgrid(t, t)
            self.manifold_noise = np.column_stack([nx.ravel(), ny.ravel()])
        elif self.players.noise_dims == 1:
            self.manifold_noise = t[:, None]
        else:
            self.manifold_noise = None

    def _draw_noise(self) -> None:
        """The noise the shown points come from: the same every frame, so
        they move smoothly (drawn again when its kind changes)."""
        rng = np.random.default_rng(12345)
        self._noise_kind = self.players.settings.noise
        self.noise = sample_noise(self._noise_kind, SHOWN_FAKES, self.players.noise_dims, rng)

    # -- what the single-network views ask (nothing to show) ---------------------------------
    def neuron_maps(self):
        return None

    def histograms(self):
        return None

    def confusion(self):
        return None

    def sample(self, which, index):
        return None

    # -- the GAN's own measurement ------------------------------------------------------------
    def gan_frame(self) -> GanFrame:
        p = self.players
        if p.settings.noise != self._noise_kind:
            self._draw_noise()
        with np.errstate(all="ignore"):
            fake = p.generate(self.noise)
            fake_verdict = p.verdict(fake)
            frame = GanFrame(verdict=None, real=self.real, fake=fake.copy(), fake_verdict=fake_verdict.copy(),
                             arrows=None, manifold=None, kl=None, js=None, coverage=None)
            if self.plane:
                frame.verdict = p.verdict(self.grid_points).reshape(GRID, GRID)
                frame.arrows = sample_gradients(p, fake)
                trainer = self.session.trainer
                real, noise = trainer.evaluation_set()
                measured = p.generate(noise)
                frame.kl, frame.js = divergence.kl_js(real, measured)
                frame.coverage = divergence.coverage(real, measured)
                if self.manifold_noise is not None:
                    m = p.generate(self.manifold_noise)
                    frame.manifold = m.reshape(MANIFOLD, MANIFOLD, 2) if p.noise_dims == 2 else m
            elif self.image_shape is not None:
                C, H, W = self.image_shape
                frame.images = fake[:IMAGES].reshape(-1, C, H, W)[:, 0].copy()
                frame.image_scores = fake_verdict[:IMAGES].copy()
        return frame
