"""A folder of the user's images read whole: every pixel converted, laid over
white and resized as worked out by hand, the classes, order and split of the
images, and each refusal word for word."""

from __future__ import annotations

import os

import numpy as np
import pytest

from nnsim.data import DataError, image_folder
from nnsim.data.image_folder import _area_weights, load_image_folder, resize, scan_image_folder, to_channels


def refusal(call, kind=DataError) -> str:
    with pytest.raises(kind) as refused:
        call()
    return str(refused.value)


def test_grey_pixels_of_8_and_16_bits_and_floats_become_shares_of_white():
    grey = np.array([[0, 255], [51, 102]], np.uint8)
    assert to_channels(grey, 1).tolist() == [[[0.0, 1.0], [0.2, 0.4]]]
    assert to_channels(grey, 3).tolist() == [[[0.0, 1.0], [0.2, 0.4]]] * 3
    assert to_channels(np.array([[[65535], [13107]]], np.uint16), 1).tolist() == [[[1.0, 0.2]]]
    floats = np.array([[0.0, 0.25, 1.0]])
    out = to_channels(floats, 1)
    assert out.tolist() == [[[0.0, 0.25, 1.0]]] and out.dtype == np.float64 and out.flags.c_contiguous


def test_colour_pixels_are_kept_or_made_grey_by_the_bt601_weights():
    rgb = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]], np.uint8)
    colour = to_channels(rgb, 3)
    assert colour.shape == (3, 2, 2) and colour.flags.c_contiguous
    assert colour.tolist() == [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]], [[0.0, 0.0], [1.0, 1.0]]]
    grey = to_channels(rgb, 1)
    assert grey.shape == (1, 2, 2) and grey[0, 1, 1] == 1.0  # white stays exactly 1
    assert grey[0].ravel()[:3].tolist() == pytest.approx([0.299, 0.587, 0.114], abs=1e-12)


def test_transparent_pixels_are_laid_over_white():
    grey_alpha = np.array([[[0, 0], [0, 255], [0, 51], [255, 51]]], np.uint8)
    assert to_channels(grey_alpha, 1)[0, 0].tolist() == pytest.approx([1.0, 0.0, 0.8, 1.0], abs=1e-12)
    rgba = np.array([[[1.0, 0.0, 0.0, 0.5], [0.0, 0.0, 1.0, 1.0]]])
    assert to_channels(rgba, 3)[:, 0].tolist() == [[1.0, 0.0], [0.5, 0.0], [0.5, 1.0]]
    assert to_channels(rgba, 1)[0, 0].tolist() == pytest.approx([0.299 + 0.5 * (0.587 + 0.114), 0.114], abs=1e-12)


def test_pixels_that_are_not_an_image_are_refused_saying_why():
    cases = [
        (np.zeros((1, 1, 1, 1)), "pixels of shape (1, 1, 1, 1) are not an image"),
        (np.zeros(3), "pixels of shape (3,) are not an image"),
        (np.zeros((2, 2, 5)), "pixels of shape (2, 2, 5) are not an image"),
        (np.zeros((0, 3)), "pixels of shape (0, 3, 1) are not an image"),
        (np.zeros((3, 0, 1)), "pixels of shape (3, 0, 1) are not an image"),
        (np.array([[1.5]]), "pixel values are not all within 0 and 1"),
        (np.array([[-0.1]]), "pixel values are not all within 0 and 1"),
        (np.array([[np.inf]]), "pixel values are not all within 0 and 1"),
        (np.zeros((2, 2), np.int32), "pixels of type int32 are not 8- or 16-bit or float"),
        (np.zeros((2, 2), bool), "pixels of type bool are not 8- or 16-bit or float"),
    ]
    for pixels, message in cases:
        assert refusal(lambda: to_channels(pixels, 1), ValueError) == message
    assert to_channels(np.zeros((1, 1, 2), np.float32), 1).tolist() == [[[1.0]]]  # fully transparent: white


def test_area_weights_share_each_input_pixel_by_its_overlap():
    assert _area_weights(3, 2) == pytest.approx(np.array([[2 / 3, 1 / 3, 0.0], [0.0, 1 / 3, 2 / 3]]), abs=1e-15)
    assert _area_weights(2, 4).tolist() == [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    assert _area_weights(4, 2).tolist() == [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    assert _area_weights(3, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


def test_images_are_resized_by_area_or_by_the_pixel_under_each_centre():
    img = np.array([[[0.0, 3.0, 6.0], [6.0, 9.0, 12.0]]])
    assert resize(img, 1, 2) == pytest.approx(np.array([[[4.0, 8.0]]]), abs=1e-12)
    assert resize(img, 4, 6, "nearest").tolist() == [[[0, 0, 3, 3, 6, 6], [0, 0, 3, 3, 6, 6],
                                                      [6, 6, 9, 9, 12, 12], [6, 6, 9, 9, 12, 12]]]
    assert resize(img, 1, 1, "nearest").tolist() == [[[9.0]]]
    assert resize(img, 2, 1, "nearest").tolist() == [[[3.0], [9.0]]]
    same = resize(img, 2, 3, "bogus")  # nothing to resize: the method is not read
    assert same.tolist() == img.tolist() and same is not img
    assert refusal(lambda: resize(img, 3, 3, "Area"), ValueError) == "resize method 'Area' is not one of area, nearest"


def make(root, layout):
    for cls, names in layout.items():
        (root / cls).mkdir(parents=True)
        for name in names:
            (root / cls / name).write_bytes(b"")
    return root


def test_a_folder_s_images_are_read_in_order_converted_resized_and_split(tmp_path):
    root = make(tmp_path / "pets", {"dog": ["z.PNG", "a.jpeg"], "cat": ["b.jpg"], "bird": ["notes.txt"]})
    pixels = {"z.PNG": np.array([[0, 255], [255, 0]], np.uint8),
              "a.jpeg": np.full((1, 1, 3), 255, np.uint8),
              "b.jpg": np.array([[0.25, 0.75]])}
    read = []

    def decode(path):
        read.append(f"{path.parent.name}/{path.name}")
        return pixels[path.name]

    data = load_image_folder(root, decode, (1, 2, 2), train_ratio=1.0, rng=np.random.default_rng(0))
    assert read == ["cat/b.jpg", "dog/a.jpeg", "dog/z.PNG"]
    assert (data.name, data.target_names, data.input_shape) == ("pets", ["cat", "dog"], (1, 2, 2))
    order = np.random.default_rng(0).permutation(3)
    rows = np.array([[0.25, 0.75, 0.25, 0.75], [1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0]])
    assert np.array_equal(data.x_train, rows[order]) and data.y_train.tolist() == np.array([0, 1, 1])[order].tolist()
    nearest = load_image_folder(root, decode, (3, 1, 1), train_ratio=0.5, rng=np.random.default_rng(1),
                                method="nearest")
    assert (len(nearest.x_train), len(nearest.x_test)) == (2, 1)  # round(1.5) = 2
    got = sorted(np.concatenate([nearest.x_train, nearest.x_test]).tolist())
    assert got == [[0.0] * 3, [0.75] * 3, [1.0] * 3]  # the pixel under the centre
    assert load_image_folder(str(root), decode, (1, 1, 1)).n_features == 1  # a fresh generator


def test_weighted_sums_just_outside_0_and_1_are_clipped_back(tmp_path, monkeypatch):
    root = make(tmp_path / "r", {"a": ["x.png"], "b": ["y.png"]})
    monkeypatch.setattr(image_folder, "resize", lambda image, h, w, method: image * 1.5 - 0.25)
    data = load_image_folder(root, lambda p: np.array([[0.0, 1.0]]), (1, 1, 2), train_ratio=1.0,
                             rng=np.random.default_rng(0))
    assert data.x_train.tolist() == [[0.0, 1.0], [0.0, 1.0]]


def test_a_folder_and_its_settings_are_refused_word_for_word(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    assert refusal(lambda: scan_image_folder(missing)) == f"'{missing}' is not a folder"
    one = make(tmp_path / "one", {"cat": ["a.png"], "dog": ["b.gif"]})
    assert refusal(lambda: scan_image_folder(one)) == (
        "'one' needs a sub-folder of .png or .jpg images for each class, at least two (found 1)")
    root = make(tmp_path / "two", {"cat": ["a.png", "b.png"], "dog": ["c.png"]})
    assert scan_image_folder(root)[0] == ["cat", "dog"]
    monkeypatch.setattr(image_folder, "MAX_IMAGES", 2)
    assert refusal(lambda: scan_image_folder(root)) == "'two' holds more than 2 images; use a smaller selection"
    monkeypatch.setattr(image_folder, "MAX_IMAGES", 3)
    assert len(scan_image_folder(root)[1]) == 3
    good = lambda p: np.zeros((2, 2))  # noqa: E731
    assert refusal(lambda: load_image_folder(root, good, (2, 2, 2))) == (
        "images are read as 1 channel (grey) or 3 (colour), not 2")
    assert refusal(lambda: load_image_folder(root, good, (1, 2, 2), method="cubic")) == (
        "resize method 'cubic' is not one of area, nearest")
    monkeypatch.setattr(image_folder, "MAX_VALUES", 12)
    assert load_image_folder(root, good, (1, 2, 2)).n_features == 4  # exactly at the limit
    monkeypatch.setattr(image_folder, "MAX_VALUES", 11)
    assert refusal(lambda: load_image_folder(root, good, (1, 2, 2))) == (
        "3 images of 1 × 2 × 2 need 0.0 GB; use fewer images or a smaller input")
    monkeypatch.setattr(image_folder, "MAX_VALUES", 64)

    def bad(path):
        if path.name == "b.png":
            raise KeyError()
        return np.zeros((1, 1, 6)) if path.name == "c.png" else np.zeros((2, 2))

    assert refusal(lambda: load_image_folder(root, bad, (1, 2, 2))) == f"image 'cat{os.sep}b.png' cannot be read: KeyError"
    ok = lambda p: None if p.name == "c.png" else np.zeros((2, 2))  # noqa: E731
    assert refusal(lambda: load_image_folder(root, ok, (1, 2, 2))) == f"image 'dog{os.sep}c.png' cannot be read"
    shaped = lambda p: np.zeros((1, 1, 6)) if p.name == "c.png" else np.zeros((2, 2))  # noqa: E731
    assert refusal(lambda: load_image_folder(root, shaped, (1, 2, 2))) == (
        f"image 'dog{os.sep}c.png': pixels of shape (1, 1, 6) are not an image")


def test_a_folder_that_cannot_be_listed_is_named_with_the_reason(tmp_path, monkeypatch):
    root = make(tmp_path / "r", {"a": ["x.png"], "b": ["y.png"]})
    listing = type(root).iterdir

    def failing(path):
        if path.name == fail:
            raise OSError("no entry")
        return listing(path)

    monkeypatch.setattr(type(root), "iterdir", failing)
    for fail in ("r", "b"):
        assert refusal(lambda: scan_image_folder(root)) == f"the folder '{fail}' cannot be listed: no entry"
