"""The ``gan`` section of a .nnsim file and a drawn distribution's points
(``dataset.drawn``): written only where a design has them, read strictly.

    "gan": {"loss": "log", "real_label": 1.0, "noise": "uniform",
            "discriminator": {"optimizer": "sgd", "learning_rate": 0.1, "steps": 2},
            "generator": {"optimizer": "sgd", "learning_rate": 0.03, "steps": 1}}

Every field may be left out (its default is taken).
"""

from __future__ import annotations

from nnsim.data.distributions import MAX_DRAWN
from nnsim.design.model import GanSettings, Optimizer
from nnsim.engine.adversarial import GanLoss, Noise, PlayerSettings
from nnsim.io.fields import FormatError, _enum, _float, _list, _ranged, _Reader, _whole


def gan_record(gan: GanSettings) -> dict:
    return {
        "loss": GanLoss(gan.loss).value,
        "real_label": gan.real_label,
        "noise": Noise(gan.noise).value,
        **{g: {"optimizer": Optimizer(p.optimizer).value, "learning_rate": p.learning_rate, "steps": p.steps}
           for g, p in (("discriminator", gan.discriminator), ("generator", gan.generator))},
    }


def read_gan(obj, path) -> GanSettings:
    r = _Reader(obj, path)
    d = GanSettings()

    def player(o, where) -> PlayerSettings:
        p = _Reader(o, where)
        base = PlayerSettings()
        return PlayerSettings(
            optimizer=p.get("optimizer", _enum(Optimizer, "optimizer"), base.optimizer),
            learning_rate=p.get("learning_rate", _ranged("ganPlayer.learning_rate"), base.learning_rate),
            steps=p.get("steps", _whole("ganPlayer.steps"), base.steps),
        )

    return GanSettings(
        loss=r.get("loss", _enum(GanLoss, "GAN loss"), d.loss),
        real_label=r.get("real_label", _ranged("gan.real_label"), d.real_label),
        noise=r.get("noise", _enum(Noise, "noise"), d.noise),
        discriminator=r.get("discriminator", player, d.discriminator),
        generator=r.get("generator", player, d.generator),
    )


def read_drawn(v, where) -> list[tuple[float, float]]:
    items = _list(v, where)
    if len(items) > MAX_DRAWN:
        raise FormatError(f"{where}: {len(items):,} points is more than a drawn distribution holds ({MAX_DRAWN:,})")
    out = []
    for i, p in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(p, list) or len(p) != 2:
            raise FormatError(f"{at}: expected a point [x, y]")
        out.append((_float(p[0], f"{at}[0]"), _float(p[1], f"{at}[1]")))
    return out
