"""The shipped digits, the synthetic shapes and the image-folder reader."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from nnsim.data import DataError, Dataset
from nnsim.data import image_folder
from nnsim.data.image_folder import load_image_folder, resize, scan_image_folder, to_channels
from nnsim.data.images import (
    SHAPES,
    ImageDataset,
    digits_images,
    image_dataset,
    load_digits,
    load_shapes,
    pixel_names,
    shapes_images,
)
from nnsim.resources import resource_path

DIGIT_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
FIRST_DIGIT = [  # the first image, a 0, as counts 0..16
    [0, 0, 5, 13, 9, 1, 0, 0],
    [0, 0, 13, 15, 10, 15, 5, 0],
    [0, 3, 15, 2, 0, 11, 8, 0],
    [0, 4, 12, 0, 0, 8, 8, 0],
    [0, 5, 8, 0, 0, 9, 8, 0],
    [0, 4, 11, 0, 1, 12, 7, 0],
    [0, 2, 14, 5, 10, 12, 0, 0],
    [0, 0, 6, 13, 10, 0, 0, 0],
]


# -- digits ------------------------------------------------------------------------------------
def test_the_digits_file_has_a_header_and_1797_rows_of_64_counts_and_a_digit():
    with open(resource_path("datasets", "digits.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == pixel_names((1, 8, 8)) + ["digit"]
    assert rows[0][:3] == ["r0c0", "r0c1", "r0c2"] and rows[0][63] == "r7c7"
    assert len(rows) == 1798 and {len(r) for r in rows} == {65}


def test_digits_images_labels_and_values():
    images, labels = digits_images()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == DIGIT_COUNTS
    assert labels[:10].tolist() == list(range(10))
    assert (images[0, 0] * 16).tolist() == FIRST_DIGIT
    assert images.min() == 0.0 and images.max() == 1.0
    assert np.array_equal(images * 16, np.round(images * 16))  # counts / 16
    assert int(round(images.sum() * 16)) == 561718


def test_digits_split_like_every_data_set_and_the_same_seed_gives_the_same_arrays():
    d = load_digits(rng=np.random.default_rng(0))
    assert isinstance(d, ImageDataset) and isinstance(d, Dataset)
    assert d.name == "Digits" and d.task == "classification"
    assert d.x_train.shape == (1438, 64) and d.x_test.shape == (359, 64)
    assert d.input_shape == (1, 8, 8)
    assert d.target_names == [str(i) for i in range(10)]
    assert d.n_features == 64 and d.n_classes == 10 and d.n_targets == 10
    assert np.bincount(np.concatenate([d.y_train, d.y_test])).tolist() == DIGIT_COUNTS
    again = load_digits(rng=np.random.default_rng(0))
    other = load_digits(rng=np.random.default_rng(1))
    assert np.array_equal(again.x_train, d.x_train) and np.array_equal(again.y_test, d.y_test)
    assert not np.array_equal(other.y_train, d.y_train)
    # Rows go back to images: the first training image is one of the file's.
    images, labels = digits_images()
    img = d.images(d.x_train)[0]
    assert img.shape == (1, 8, 8)
    match = np.flatnonzero((images == img).all(axis=(1, 2, 3)))
    assert d.y_train[0] in labels[match]


def test_an_image_dataset_rows_are_its_images_flattened_channel_then_row():
    images = np.arange(2 * 3 * 2 * 4, dtype=float).reshape(2, 3, 2, 4)
    d = image_dataset("t", images, np.array([0, 1]), ["a", "b"], 1.0, np.random.default_rng(0))
    assert d.feature_names[:2] == ["ch0r0c0", "ch0r0c1"] and d.feature_names[8] == "ch1r0c0"
    first = int(d.x_train[0, 0] // 24)
    assert d.x_train[0, 1 * 8 + 1 * 4 + 2] == images[first, 1, 1, 2]
    np.testing.assert_array_equal(d.images(d.x_train)[0], images[first])


# -- shapes ------------------------------------------------------------------------------------
def test_shapes_sizes_balance_and_seeds():
    images, labels = shapes_images(500, 0.1, np.random.default_rng(0))
    assert images.shape == (500, 1, 10, 10) and labels.shape == (500,)
    assert np.bincount(labels).tolist() == [100] * 5
    assert np.bincount(shapes_images(7, 0.1, np.random.default_rng(0))[1]).tolist() == [2, 2, 1, 1, 1]
    again = shapes_images(500, 0.1, np.random.default_rng(0))
    assert np.array_equal(again[0], images) and np.array_equal(again[1], labels)
    assert not np.array_equal(shapes_images(500, 0.1, np.random.default_rng(1))[0], images)
    d = load_shapes(rng=np.random.default_rng(2))
    assert d.input_shape == (1, 10, 10) and d.target_names == list(SHAPES)
    assert d.x_train.shape == (400, 100) and d.x_test.shape == (100, 100)
    assert np.array_equal(load_shapes(rng=np.random.default_rng(2)).x_test, d.x_test)


def test_shapes_without_noise_are_0_1_pixels_of_their_class():
    images, labels = shapes_images(200, 0.0, np.random.default_rng(3))
    assert set(np.unique(images)) == {0.0, 1.0}
    positions = set()
    for img, k in zip(images[:, 0], labels):
        rows, cols = np.nonzero(img)
        positions.add((k, rows.min(), cols.min()))
        if k == 0:  # horizontal bar: one row, adjacent columns, at least 5 long
            assert len(set(rows)) == 1 and np.ptp(cols) == len(cols) - 1 >= 4
        elif k == 1:
            assert len(set(cols)) == 1 and np.ptp(rows) == len(rows) - 1 >= 4
        elif k == 2:  # one pixel per row and column, on a diagonal
            assert len(set(rows)) == len(set(cols)) == len(rows) >= 4
            assert len(set(np.abs(np.diff(cols[np.argsort(rows)])))) == 1
        elif k == 3:  # plus: one full row and one full column crossing at their middles
            r, c = np.bincount(rows).argmax(), np.bincount(cols).argmax()
            arm = (np.count_nonzero(img[r]) - 1) // 2
            assert np.count_nonzero(img[:, c]) == 2 * arm + 1 and img.sum() == 4 * arm + 1
        else:  # hollow square: its border only
            side = np.ptp(rows) + 1
            assert np.ptp(cols) + 1 == side and img.sum() == 4 * (side - 1)
    assert len(positions) > 100  # at random places


def test_shapes_noise_has_the_deviation_asked():
    clean, _ = shapes_images(300, 0.0, np.random.default_rng(4))
    noisy, _ = shapes_images(300, 0.1, np.random.default_rng(4))
    assert np.std(noisy - clean) == pytest.approx(0.1, rel=0.02)
    with pytest.raises(DataError, match="at least 1 image"):
        shapes_images(0)


# -- the image-folder reader -------------------------------------------------------------------
def make_folder(tmp_path, layout):
    """Files named by ``layout`` ({class: [file names]}); contents are not read
    (the decoder is given)."""
    for cls, names in layout.items():
        (tmp_path / cls).mkdir()
        for name in names:
            (tmp_path / cls / name).write_bytes(b"")
    return tmp_path


def decoder(pixels):
    """A decode(path) giving ``pixels[file name]`` (an array, or an exception to raise)."""

    def decode(path):
        value = pixels[path.name]
        if isinstance(value, Exception):
            raise value
        return value

    return decode


def test_classes_are_sorted_sub_folders_and_only_images_are_read(tmp_path):
    root = make_folder(tmp_path, {"dog": ["c.JPEG", "notes.txt"], "cat": ["b.jpg", "a.png"], "empty": ["x.gif"]})
    (tmp_path / "cat" / "deeper").mkdir()
    classes, files = scan_image_folder(root)
    assert classes == ["cat", "dog"]
    assert [(k, p.name) for k, p in files] == [(0, "a.png"), (0, "b.jpg"), (1, "c.JPEG")]


def test_a_folder_loads_converted_resized_and_labelled(tmp_path):
    root = make_folder(tmp_path, {"dark": ["a.png", "b.png"], "light": ["c.png", "d.png"]})
    grey = np.zeros((4, 4), np.uint8)
    rgb = np.full((8, 8, 3), 255, np.uint8)
    rgba = np.zeros((2, 2, 4), np.uint8)  # fully transparent: white
    sixteen = np.full((4, 6), 65535, np.uint16)
    d = load_image_folder(root, decoder({"a.png": grey, "b.png": grey, "c.png": rgb, "d.png": rgba}), (1, 4, 4),
                          train_ratio=1.0, rng=np.random.default_rng(0))
    assert isinstance(d, ImageDataset) and d.input_shape == (1, 4, 4)
    assert d.target_names == ["dark", "light"]
    assert d.x_train.shape == (4, 16)
    for row, label in zip(d.x_train, d.y_train):
        assert np.all(row == (0.0 if label == 0 else 1.0))
    colour = load_image_folder(root, decoder({"a.png": grey, "b.png": sixteen, "c.png": rgb, "d.png": rgba}),
                               (3, 2, 3), rng=np.random.default_rng(0))
    assert colour.input_shape == (3, 2, 3) and colour.n_features == 18


def test_grey_colour_and_transparency_conversions():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    assert to_channels(rgb, 1)[0, 0].tolist() == pytest.approx([0.299, 0.587, 0.114])
    assert to_channels(rgb, 3).shape == (3, 1, 3)
    assert to_channels(np.array([[0.25]]), 3)[:, 0, 0].tolist() == [0.25, 0.25, 0.25]
    half = np.array([[[0, 0, 0, 128]]], np.uint8)  # black at half opacity over white
    assert to_channels(half, 1)[0, 0, 0] == pytest.approx(1 - 128 / 255)
    assert to_channels(np.array([[[0, 255]]], np.uint8), 1)[0, 0, 0] == 0.0  # grey with alpha
    assert to_channels(np.array([[65535, 0]], np.uint16), 1)[0, 0].tolist() == [1.0, 0.0]


def test_resizing_by_area_and_by_nearest_pixel():
    img = np.arange(16, dtype=float).reshape(1, 4, 4)
    assert resize(img, 2, 2)[0].tolist() == [[2.5, 4.5], [10.5, 12.5]]  # block means
    assert resize(img, 2, 2, "nearest")[0].tolist() == [[5.0, 7.0], [13.0, 15.0]]
    small = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    assert resize(small, 4, 4)[0].tolist() == resize(small, 4, 4, "nearest")[0].tolist()
    assert resize(small, 4, 4)[0, 0].tolist() == [0.0, 0.0, 1.0, 1.0]
    three = np.array([[[0.0, 3.0, 6.0]]])
    assert resize(three, 1, 2)[0, 0].tolist() == pytest.approx([1.0, 5.0])  # 0 and half of 3 | half of 3 and 6
    wide = np.random.default_rng(0).random((3, 37, 23))
    out = resize(wide, 8, 8)
    assert out.shape == (3, 8, 8) and out.mean() == pytest.approx(wide.mean())
    assert 0.0 <= out.min() and out.max() <= 1.0


def refused(call) -> str:
    with pytest.raises(DataError) as info:
        call()
    message = str(info.value)
    assert len(message.splitlines()) == 1
    return message


def test_a_bad_image_is_named_in_one_line(tmp_path):
    root = make_folder(tmp_path, {"cat": ["a.png", "b.jpg"], "dog": ["c.png"]})
    good = np.zeros((3, 3), np.uint8)
    bad = {
        OSError("not a JPEG file"): "image 'cat/b.jpg' cannot be read: not a JPEG file",
        ValueError(): "image 'cat/b.jpg' cannot be read: ValueError",
        None: "image 'cat/b.jpg' cannot be read",
    }
    for value, message in bad.items():
        got = refused(lambda: load_image_folder(root, decoder({"a.png": good, "b.jpg": value, "c.png": good}),
                                                (1, 4, 4)))
        assert got == message.replace("/", image_folder.os.sep)
    for value, end in [(np.zeros((0, 3), np.uint8), "pixels of shape (0, 3, 1) are not an image"),
                       (np.zeros((3, 3, 5), np.uint8), "pixels of shape (3, 3, 5) are not an image"),
                       (np.full((3, 3), np.nan), "pixel values are not all within 0 and 1"),
                       (np.zeros((3, 3), np.int64), "pixels of type int64 are not 8- or 16-bit or float")]:
        got = refused(lambda: load_image_folder(root, decoder({"a.png": good, "b.jpg": value, "c.png": good}),
                                                (1, 4, 4)))
        assert got.endswith(end) and "b.jpg" in got


def test_hostile_names_and_folders_are_refused_in_one_line(tmp_path, monkeypatch):
    root = make_folder(tmp_path, {"c\nat": ["a\rb.png"], "dog": ["c.png"]})
    got = refused(lambda: load_image_folder(root, decoder({"a\rb.png": OSError("bad\nfile"), "c.png": None}),
                                            (1, 4, 4)))
    assert "a\\rb.png" in got and "bad\\nfile" in got
    assert "is not a folder" in refused(lambda: scan_image_folder(tmp_path / "missing"))
    (tmp_path / "one").mkdir()
    only = make_folder(tmp_path / "one", {"cat": ["a.png"]})
    assert "at least two (found 1)" in refused(lambda: scan_image_folder(only))
    assert "1 channel (grey) or 3" in refused(lambda: load_image_folder(root, decoder({}), (2, 4, 4)))
    monkeypatch.setattr(image_folder, "MAX_VALUES", 31)
    assert "use fewer images or a smaller input" in refused(lambda: load_image_folder(root, decoder({}), (1, 4, 4)))
    monkeypatch.setattr(image_folder, "MAX_IMAGES", 1)
    assert "more than 1 images" in refused(lambda: scan_image_folder(root))
