"""`nnsim train` on a GAN: the JSON summary carries both losses and the
divergences; a saved GAN reopens with its weights and settings."""

from __future__ import annotations

import json

import numpy as np

import nnsim
from nnsim import cli


def test_train_gan_ring_json_adds_both_losses_and_the_divergences(capsys, tmp_path):
    out = tmp_path / "ring.nnsim"
    assert cli.main(["train", "gan-ring", "--epochs", "2", "--json", "--save", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["epochs"] == 2 and summary["status"] == "completed"
    for key in ("discriminator_loss", "generator_loss", "js_divergence", "kl_divergence"):
        assert isinstance(summary[key], float) and np.isfinite(summary[key])
    assert summary["train_loss"] == summary["discriminator_loss"]
    saved = nnsim.load(out)
    assert saved.gan == nnsim.example("gan-ring").gan and len(saved.history) == 2
    assert not np.array_equal(nnsim.generate(saved, 5), nnsim.generate(nnsim.example("gan-ring"), 5))


def test_predict_on_a_gan_is_the_discriminators_verdict(capsys):
    assert cli.main(["predict", "gan-ring", "0.8", "0.45"]) == 0
    verdict = float(capsys.readouterr().out.strip())
    assert 0.0 < verdict < 1.0
    assert verdict == np.float64(nnsim.predict(nnsim.example("gan-ring"), [0.8, 0.45])[0]).round(6)
