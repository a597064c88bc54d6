"""``nnsim train`` and ``nnsim predict`` on a convolutional network: pixel
values, or an image file read and resized as the image input says."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnsim
from nnsim import cli
from nnsim.data.images import digits_images


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_train_digits_cnn_json(capsys):
    code, out, _ = run(capsys, "train", "digits-cnn", "--epochs", "4", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["epochs"] == 4 and result["test_accuracy"] >= 0.9


def _digit_png(path, pixels: np.ndarray, scale: int = 4, dark_on_light: bool = False) -> None:
    """A grey PNG of an 8×8 digit, each pixel a scale × scale square."""
    from PySide6.QtGui import QImage

    big = np.kron(pixels, np.ones((scale, scale)))
    grey = np.round((1.0 - big if dark_on_light else big) * 255).astype(np.uint8)
    h, w = grey.shape
    image = QImage(np.ascontiguousarray(grey).data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    assert image.save(str(path))


def test_predict_reads_an_image_file_resized_to_the_input(capsys, tmp_path):
    images, labels = digits_images()
    pixels = images[0, 0]
    want = nnsim.predict(nnsim.example("digits-cnn"), pixels)
    _digit_png(tmp_path / "digit.png", pixels)
    code, out, err = run(capsys, "predict", "digits-cnn", str(tmp_path / "digit.png"))
    assert code == 0, err
    got = np.array([float(v) for v in out.split()])
    assert np.allclose(got, want, atol=0.02)
    _digit_png(tmp_path / "ink.png", pixels, dark_on_light=True)
    code, out, _ = run(capsys, "predict", "digits-cnn", str(tmp_path / "ink.png"), "--invert")
    assert np.allclose([float(v) for v in out.split()], want, atol=0.02)


def test_predict_takes_the_pixel_values_too(capsys):
    images, _ = digits_images()
    pixels = images[5, 0].ravel()
    code, out, _ = run(capsys, "predict", "digits-cnn", *[str(v) for v in pixels])
    assert code == 0
    assert np.allclose([float(v) for v in out.split()], nnsim.predict(nnsim.example("digits-cnn"), pixels), atol=1e-5)


@pytest.mark.parametrize("name, content, expected", [
    ("broken.png", b"not a png at all", "cannot be read"),
    ("missing.png", None, "cannot be read"),
])
def test_a_bad_image_file_is_named_in_one_line(capsys, tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "predict", "digits-cnn", str(path))
    assert code == 2 and out == ""
    assert expected in err and name in err and err.count("\n") == 1


def test_an_image_for_a_design_without_an_image_input_is_refused(capsys, tmp_path):
    _digit_png(tmp_path / "d.png", np.zeros((8, 8)))
    code, _, err = run(capsys, "predict", "xor-mlp", str(tmp_path / "d.png"))
    assert code == 2 and "no image input" in err
