"""The adversarial training program: a discriminator and a generator
trained against each other (``nnsim.engine.adversarial``).

One *round* is ``k`` discriminator updates (each on a fresh batch of real
samples and a fresh batch of fakes) followed by the generator's updates
(each on fresh noise); ``step_count`` counts rounds, and an *epoch* is as
many rounds as there are batches in the pool of real samples. Each player
has its own optimizer and learning rate. The generator's gradient comes
through the discriminator, whose numbers the generator's update leaves as
they were.

The history records, per epoch, both losses measured on a fixed evaluation
set (the first 450 real samples of the pool and 450 fakes from fixed
noise) and, for points in the plane, the KL and JS divergences by grid
(``nnsim.engine.divergence``). ``train_loss`` is the discriminator's loss.

Each epoch's random draws (noise, the order of the real samples) come from
the seed and the epoch's number, and ``state``/``restore`` carry both
players' optimizer memory and the rounds run, so a GAN trained, saved and
continued ends with the numbers of one uninterrupted run.
"""

from __future__ import annotations

import math

import numpy as np

from nnsim.engine import divergence, fastpath
from nnsim.engine.adversarial import (
    DISCRIMINATOR,
    GENERATOR,
    Players,
    discriminator_loss,
    discriminator_loss_joined,
    generator_loss,
    input_delta,
    sample_noise,
)
from nnsim.engine.network import Network, Trace
from nnsim.engine.ops.dense import Dense
from nnsim.engine.optimizers import KINDS, make_optimizer
from nnsim.engine.program import READY, TrainingData, TrainingProgram, add_regularization, epoch_seed
from nnsim.engine.vocab import HistoryRecord, Optimizer, TrainingSettings

EVAL_REAL = 450  # real samples the evaluation measures against (GAN Lab shows 450)
EVAL_FAKE = 450  # generated samples it measures (as many: the floor of two real samples is then GAN Lab's)


class _PlayerSettings:
    """What one player's optimizer reads: its own optimizer and learning
    rate, the design's training settings for the rest (β, momentum, ε)."""

    def __init__(self, training: TrainingSettings, players: Players, group: str):
        self._training, self._players, self._group = training, players, group

    @property
    def learning_rate(self) -> float:
        return self._players.settings.player(self._group).learning_rate

    @property
    def optimizer(self) -> Optimizer:
        return self._players.settings.player(self._group).optimizer

    def __getattr__(self, name):
        return getattr(self._training, name)


class AdversarialProgram(TrainingProgram):
    """A GAN's training (see the module docstring)."""

    uses_loss = False  # its losses are its own, not the design's loss setting

    @staticmethod
    def problem(network) -> str | None:
        if not isinstance(network, Players):
            return "adversarial training needs two networks, a generator and a discriminator"
        return network.problem()

    def __init__(self, players: Players, settings: TrainingSettings, data: TrainingData,
                 rng: np.random.Generator | int):
        super().__init__(players, settings, data)
        self.players = players
        self.seed = epoch_seed(rng)  # each epoch's draws come from the seed and the epoch's number
        self._rng_epoch: int | None = None  # the epoch ``rng`` was made for
        self._begin_epoch()
        self._views = {g: _PlayerSettings(settings, players, g) for g in (GENERATOR, DISCRIMINATOR)}
        self._optimizers = {g: make_optimizer(players.network(g).parameters, self._views[g])
                            for g in (GENERATOR, DISCRIMINATOR)}
        self._grads = {g: players.network(g).parameters.like() for g in (GENERATOR, DISCRIMINATOR)}
        self._scratch = players.discriminator.parameters.like()  # D's gradients in G's step: never applied
        self.updates = {GENERATOR: 0, DISCRIMINATOR: 0}
        self.last_losses = {GENERATOR: math.nan, DISCRIMINATOR: math.nan}
        self._shuffled: np.ndarray | None = None  # the pool in this pass's order
        self._round = 0  # rounds done in the current epoch
        self._eval_rng_seed = int(np.random.default_rng(self.seed).integers(2**63))
        self._eval_noise: tuple | None = None
        self._plans: dict = {}

    # -- the pieces of a round -------------------------------------------------------------
    def _begin_epoch(self) -> None:
        """The random draws of this epoch (noise, the order of the real
        samples) from the seed and the epoch's number only, so training that
        is stopped, saved and continued draws what one run would."""
        self.rng = np.random.default_rng([self.seed % 2**63, int(self.epoch)])
        self._rng_epoch = self.epoch
        self._shuffled = None

    @property
    def batch_size(self) -> int:
        return max(1, min(int(self.settings.batch_size), len(self.data.x_train)))

    def noise(self, n: int) -> np.ndarray:
        return sample_noise(self.players.settings.noise, n, self.players.noise_dims, self.rng, self.players.dtype)

    def real_batch(self) -> np.ndarray:
        """The next batch of real samples: slices of the pool in an order
        shuffled afresh each time it runs out."""
        n, b = len(self.data.x_train), self.batch_size
        if self._shuffled is None or self._pos + b > n:
            self._shuffled = self.data.x_train[self.rng.permutation(n)]
            self._pos = 0
        self._pos += b
        return self._shuffled[self._pos - b : self._pos]

    def _plan(self, net: Network, n: int):
        """The preallocated dense step for ``net`` and batch size ``n``
        (None where a layer is not dense: the general path then runs)."""
        key = (id(net), n)
        plan = self._plans.get(key, False)
        if plan is False:
            dense = all(node.op is None or type(node.op) is Dense for node in net.layers)
            if len(self._plans) > 8:  # a few batch sizes at most
                self._plans.clear()
            plan = self._plans[key] = fastpath.DensePlan(net, n) if dense else None
        return plan

    def _fakes(self, noise: np.ndarray) -> np.ndarray:
        plan = self._plan(self.players.generator, len(noise))
        if plan is None:
            return self.players.generate(noise)
        return self.players.generator.outputs(fastpath_trace(plan.forward(noise)))

    def discriminator_gradients(self, real: np.ndarray, fake: np.ndarray, grads=None):
        """D's loss on real and fake samples and its parameter gradients
        (frozen entries masked, penalty included), not applied."""
        D = self.players.discriminator
        gs = self.players.settings
        grads = self._grads[DISCRIMINATOR] if grads is None else grads
        x = np.concatenate([real, fake])
        plan = self._plan(D, len(x))
        if plan is not None:
            acts = plan.forward(x)
            loss, delta = discriminator_loss_joined(gs.loss, plan.output_z(), len(real), gs.real_label,
                                                    plan.output_a())
            plan.backward(acts, grads, out_delta=delta)
        else:
            trace = D.forward(x)
            z = trace.z[D.output_layers[0].index]
            loss, d_real, d_fake = discriminator_loss(gs.loss, z[: len(real)], z[len(real):], gs.real_label)
            D.backward(trace, None, grads=grads, mask_frozen=False, out_delta=np.concatenate([d_real, d_fake]))
        self._finish(D, grads)
        return loss, grads

    def generator_gradients(self, noise: np.ndarray, grads=None):
        """G's loss for noise and its parameter gradients, which come
        through D (whose own gradients are computed aside and dropped)."""
        G, D = self.players.generator, self.players.discriminator
        kind = self.players.settings.loss
        grads = self._grads[GENERATOR] if grads is None else grads
        plan_g, plan_d = self._plan(G, len(noise)), self._plan(D, len(noise))
        if plan_g is not None and plan_d is not None:
            acts_g = plan_g.forward(noise)
            acts_d = plan_d.forward(G.outputs(fastpath_trace(acts_g)))
            loss, d_out = generator_loss(kind, plan_d.output_z(), plan_d.output_a())
            _, into = plan_d.backward(acts_d, self._scratch, out_delta=d_out, input_delta=True, params=False)
            plan_g.backward(acts_g, grads, out_grad=_by_columns(D, into))
        else:
            trace_g = G.forward(noise)
            trace_d = D.forward(G.outputs(trace_g))
            loss, d_out = generator_loss(kind, trace_d.z[D.output_layers[0].index])
            back = D.backward(trace_d, None, need_input_delta=True, grads=self._scratch, mask_frozen=False,
                              out_delta=d_out)
            G.backward(trace_g, None, grads=grads, mask_frozen=False, out_grad=input_delta(D, back.delta))
        self._finish(G, grads)
        return loss, grads

    def _finish(self, net: Network, grads) -> None:
        """The penalty added, frozen entries out."""
        add_regularization(net, self.settings, grads)
        if net.train_mask is not None:
            grads.flat *= net.train_mask

    def step_discriminator(self) -> float:
        """One update of the discriminator; returns its loss before it."""
        fake = self._fakes(self.noise(self.batch_size))
        loss, grads = self.discriminator_gradients(self.real_batch(), fake)
        if math.isfinite(loss):
            self._optimizers[DISCRIMINATOR].apply(self.players.discriminator.parameters, grads)
            self.updates[DISCRIMINATOR] += 1
        self.last_losses[DISCRIMINATOR] = loss
        return loss

    def step_generator(self) -> float:
        """One update of the generator; returns its loss before it."""
        loss, grads = self.generator_gradients(self.noise(self.batch_size))
        if math.isfinite(loss):
            self._optimizers[GENERATOR].apply(self.players.generator.parameters, grads)
            self.updates[GENERATOR] += 1
        self.last_losses[GENERATOR] = loss
        return loss

    # -- running ---------------------------------------------------------------------------
    def train_steps(self, n: int, evaluate: bool = True) -> int:
        """Run up to ``n`` rounds; returns how many ran."""
        done = 0
        gs = self.players.settings
        with np.errstate(all="ignore"):
            while done < n and self.status == READY:
                if self.at_limit():
                    break
                if self._rng_epoch != self.epoch:
                    self._begin_epoch()
                for _ in range(int(gs.discriminator.steps)):
                    loss = self.step_discriminator()
                    if not math.isfinite(loss):
                        return done + self._diverged(f"the discriminator's loss became {loss}")
                for _ in range(int(gs.generator.steps)):
                    loss = self.step_generator()
                    if not math.isfinite(loss):
                        return done + self._diverged(f"the generator's loss became {loss}")
                self.last_loss = self.last_losses[DISCRIMINATOR]
                self.step_count += 1
                done += 1
                self._round += 1
                if self._round >= self.steps_per_epoch:
                    self._end_epoch(evaluate)
        return done

    def train_player(self, group: str, n: int = 1) -> int:
        """``n`` updates of one player alone (the window's "step the
        discriminator" / "step the generator"); each counts as a step.
        Returns how many ran."""
        step = self.step_generator if group == GENERATOR else self.step_discriminator
        done = 0
        with np.errstate(all="ignore"):
            while done < n and self.status == READY:
                loss = step()
                if not math.isfinite(loss):
                    self._diverged(f"the {group}'s loss became {loss}")
                    break
                self.last_loss = self.last_losses[DISCRIMINATOR]
                self.step_count += 1
                done += 1
        return done

    def steps_left_in_epoch(self) -> int:
        return max(1, self.steps_per_epoch - self._round)

    @property
    def steps_per_epoch(self) -> int:
        return max(1, math.ceil(len(self.data.x_train) / self.batch_size))

    def _end_epoch(self, evaluate: bool) -> None:
        self.epoch += 1
        self._round = 0
        if not self.players.all_finite():
            self._diverged("a weight became infinite or not a number", epoch_done=True)
            return
        if evaluate:
            rec = self.evaluate()
            self.history.append(rec)
        self._keep_good()

    def _diverged(self, what: str, epoch_done: bool = False) -> int:
        step, epoch = (self.step_count, self.epoch) if epoch_done else (self.step_count + 1, self.epoch + 1)
        self._restore_good(what, step, epoch)
        for opt in self._optimizers.values():
            opt.reset()
        return 0

    def state(self) -> dict | None:
        """Where training stands, to continue exactly (as ``Trainer.state``):
        the epoch, the step, the rounds of this epoch already run and both
        players' optimizer memory, the generator's vectors followed by the
        discriminator's. None where the two players' optimizers differ in
        kind, or Adam's step counts differ (one record holds one of each):
        training then goes on with fresh optimizers."""
        g, d = self._optimizers[GENERATOR], self._optimizers[DISCRIMINATOR]
        if g.kind != d.kind:
            return None
        mg, md = g.state(), d.state()
        t = int(mg.pop("t", 0))
        if int(md.pop("t", 0)) != t:
            return None
        arrays = {moment: np.concatenate([mg[moment], md[moment]]) for moment in mg}
        return {"epoch": self.epoch, "step": self.step_count, "position": self._round, "optimizer": g.kind.value,
                "t": t, "arrays": arrays}

    def restore(self, state: dict) -> None:
        """Continue from ``state()`` (the players hold the weights it was
        taken with): the draws of the rounds already run in this epoch are
        made again, unused, so the next round draws what it would have."""
        self.continue_from(int(state["epoch"]), int(state["step"]))
        self._begin_epoch()
        position = int(state.get("position", 0))
        if 0 < position < self.steps_per_epoch:
            gs = self.players.settings
            for _ in range(position):
                for _ in range(int(gs.discriminator.steps)):
                    self.noise(self.batch_size)
                    self.real_batch()
                for _ in range(int(gs.generator.steps)):
                    self.noise(self.batch_size)
            self._round = position
        n = self.players.generator.layout.size
        for group, part in ((GENERATOR, slice(0, n)), (DISCRIMINATOR, slice(n, None))):
            opt = self._optimizers[group]
            if state.get("optimizer") == opt.kind.value:
                opt.load_state({k: v[part] for k, v in state.get("arrays", {}).items()}, int(state.get("t", 0)))

    @property
    def optimizers(self) -> list:
        return [self._optimizers[GENERATOR], self._optimizers[DISCRIMINATOR]]

    def optimizer_of(self, group: str):
        return self._optimizers[group]

    def apply_settings(self) -> None:
        """A player's optimizer changed while training: a fresh one of that kind."""
        for g, opt in self._optimizers.items():
            if type(opt) is not KINDS[Optimizer(self.players.settings.player(g).optimizer)]:
                self._optimizers[g] = make_optimizer(self.players.network(g).parameters, self._views[g])

    # -- measuring -------------------------------------------------------------------------
    def evaluation_set(self) -> tuple[np.ndarray, np.ndarray]:
        """(real samples, fixed noise) the history is measured on."""
        kind = self.players.settings.noise
        if self._eval_noise is None or self._eval_noise[0] != kind:
            rng = np.random.default_rng(self._eval_rng_seed)
            self._eval_noise = (kind, sample_noise(kind, EVAL_FAKE, self.players.noise_dims, rng, self.players.dtype))
        return self.data.x_train[:EVAL_REAL], self._eval_noise[1]

    def measure(self) -> dict[str, float]:
        """Both losses on the evaluation set and, for points in the plane,
        the KL and JS divergences by grid."""
        real, noise = self.evaluation_set()
        gs = self.players.settings
        with np.errstate(all="ignore"):
            fake = self.players.generate(noise)
            D = self.players.discriminator
            z = D.forward(np.concatenate([real, fake])).z[D.output_layers[0].index]
            d_loss, _, _ = discriminator_loss(gs.loss, z[: len(real)], z[len(real):], gs.real_label)
            g_loss, _ = generator_loss(gs.loss, z[len(real):])
        out = {DISCRIMINATOR: d_loss, GENERATOR: g_loss}
        if self.players.data_dims == 2:
            out["kl_divergence"], out["js_divergence"] = divergence.kl_js(real, fake)
        return out

    def evaluate(self) -> HistoryRecord:
        m = self.measure()
        return HistoryRecord(epoch=self.epoch, step=self.step_count, train_loss=m[DISCRIMINATOR], losses=m)


def fastpath_trace(acts: list) -> Trace:
    """A plan's outputs as a trace (for ``Network.outputs``)."""
    return Trace(z=[], a=acts)


def _by_columns(net: Network, into: dict) -> np.ndarray:
    """∂L/∂x (batch, n_inputs) from a plan's per-input-node gradients."""
    parts = [into[n.index] if n.index in into else np.zeros((len(next(iter(into.values()))), n.size))
             for n in net.input_layers]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


def sample_gradients(players: Players, x: np.ndarray) -> np.ndarray:
    """For each generated sample (n, data dims), the direction the
    generator's loss pushes it: −∂L_G/∂x per sample (the arrows GAN Lab
    draws)."""
    D: Network = players.discriminator
    with np.errstate(all="ignore"):
        trace = D.forward(x)
        _, d_out = generator_loss(players.settings.loss, trace.z[D.output_layers[0].index])
        back = D.backward(trace, None, need_input_delta=True, mask_frozen=False, out_delta=d_out * len(x))
    return -input_delta(D, back.delta)
