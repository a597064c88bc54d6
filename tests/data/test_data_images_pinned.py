"""The digits and the synthetic shapes as a user gets them: every shape's
pixels drawn as its kind says (places, lengths, sides, both diagonals), the
draws a seed gives, the noise added, names and splits, and the shipped digits
file checked as it is read."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from nnsim.data import DataError, images
from nnsim.data.images import (
    DIGITS_FILE,
    SHAPES,
    ImageDataset,
    _draw,
    digits_images,
    image_dataset,
    load_digits,
    load_shapes,
    pixel_names,
    shapes_images,
)
from nnsim.resources import resource_path


def refusal(call) -> str:
    with pytest.raises(DataError) as refused:
        call()
    return str(refused.value)


def expected_shape(kind: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """The shape as the module's docstrings describe it, drawn in the same order."""
    img = np.zeros((size, size), dtype=int)
    if kind in (0, 1):
        length = int(rng.integers(size // 2, size + 1))
        r, c = int(rng.integers(0, size)), int(rng.integers(0, size - length + 1))
        for k in range(length):
            img[r, c + k] = 1
        return img if kind == 0 else img.T
    if kind == 2:
        length = int(rng.integers(4, size + 1))
        r, c = (int(v) for v in rng.integers(0, size - length + 1, size=2))
        for k in range(length):
            img[r + k, c + k] = 1
        return img if rng.integers(0, 2) else img[:, ::-1]
    if kind == 3:
        arm = int(rng.integers(1, min(3, (size - 1) // 2) + 1))
        r, c = (int(v) for v in rng.integers(arm, size - arm, size=2))
        for k in range(-arm, arm + 1):
            img[r, c + k] = img[r + k, c] = 1
        return img
    side = int(rng.integers(3, min(7, size) + 1))
    r, c = (int(v) for v in rng.integers(0, size - side + 1, size=2))
    for i in range(side):
        for j in range(side):
            img[r + i, c + j] = i in (0, side - 1) or j in (0, side - 1)
    return img


@pytest.mark.parametrize("size", [5, 6, 10, 12])
def test_each_shape_is_drawn_pixel_for_pixel_as_its_kind_says(size):
    for kind in range(5):
        ours, theirs = np.random.default_rng(kind), np.random.default_rng(kind)
        for _ in range(60):
            img = _draw(kind, ours, size)
            assert img.shape == (size, size) and img.dtype == np.float64
            assert np.array_equal(img, expected_shape(kind, theirs, size)), (kind, size)


def runs(img: np.ndarray) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each row's pixels that are set."""
    out = []
    for r, row in enumerate(img):
        cols = np.flatnonzero(row)
        if len(cols):
            assert cols.tolist() == list(range(cols[0], cols[-1] + 1))  # one unbroken run
            out.append((r, int(cols[0]), len(cols)))
    return out


def test_the_shapes_take_every_length_place_arm_and_side_the_docs_allow():
    rng = np.random.default_rng(11)
    bars, columns, diagonals, arms, sides = set(), set(), set(), set(), set()
    for _ in range(400):
        bar = runs(_draw(0, rng, 10))
        assert len(bar) == 1
        bars.add(bar[0])
        (row, first, length), = runs(_draw(1, rng, 10).T)
        columns.add((row, first, length))
        diag = _draw(2, rng, 10)
        r, c = np.nonzero(diag)
        down = np.all(np.diff(c) == 1)
        assert np.all(np.diff(r) == 1) and (down or np.all(np.diff(c) == -1))
        diagonals.add((len(r), bool(down)))
        plus = _draw(3, rng, 10)
        arms.add((int(plus.sum()) - 1) // 4)
        square = _draw(4, rng, 10)
        side = int(square.any(axis=1).sum())
        rows, cols = np.flatnonzero(square.any(axis=1)), np.flatnonzero(square.any(axis=0))
        box = square[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        assert box.shape == (side, side) and not box[1:-1, 1:-1].any()
        assert int(square.sum()) == 4 * (side - 1)
        sides.add(side)
    assert {length for _, _, length in bars} == set(range(5, 11))
    assert {r for r, _, _ in bars} == set(range(10)) and {c for _, c, _ in bars} == set(range(6))
    assert {n for _, _, n in columns} == set(range(5, 11)) and any(c + n == 10 for _, c, n in columns)  # to the edge
    assert {n for n, _ in diagonals} == set(range(4, 11)) and {d for _, d in diagonals} == {True, False}
    assert arms == {1, 2, 3} and sides == set(range(3, 8))


def test_shapes_come_in_turn_with_the_noise_drawn_after_them():
    clean, labels = shapes_images(7, 0.0, np.random.default_rng(3))
    assert labels.tolist() == [0, 1, 2, 3, 4, 0, 1] and labels.dtype == np.int64
    assert clean.shape == (7, 1, 10, 10) and set(np.unique(clean)) == {0.0, 1.0}
    rng = np.random.default_rng(3)
    for k, kind in enumerate(labels):
        assert np.array_equal(clean[k, 0], expected_shape(int(kind), rng, 10))
    noise = rng.normal(0.0, 0.2, size=(7, 10, 10))
    noisy, again = shapes_images(7, 0.2, np.random.default_rng(3))
    assert np.array_equal(noisy[:, 0], clean[:, 0] + noise) and again.tolist() == labels.tolist()
    small, _ = shapes_images(3, 0.0, np.random.default_rng(0), size=5)
    assert small.shape == (3, 1, 5, 5)


def test_shapes_refuse_too_few_images_too_small_a_size_and_bad_noise_in_words():
    assert refusal(lambda: shapes_images(0)) == "shapes need at least 1 image, not 0"
    assert refusal(lambda: shapes_images(2, size=4)) == "shapes need images of at least 5 × 5 pixels, not 4"
    assert refusal(lambda: shapes_images(2, noise=-0.1)) == "noise -0.1 must be 0 or more"
    assert refusal(lambda: shapes_images(2, noise=float("nan"))) == "noise nan must be 0 or more"
    assert shapes_images(1, rng=None)[0].shape == (1, 1, 10, 10)


def test_the_shapes_data_set_is_named_split_and_seeded_as_shown():
    data = load_shapes(10, 0.0, 0.8, np.random.default_rng(6))
    rng = np.random.default_rng(6)
    labels = np.arange(10) % 5
    pictures = np.array([expected_shape(int(k), rng, 10) for k in labels], dtype=float)
    order = rng.permutation(10)  # without noise nothing more is drawn before the split
    assert np.array_equal(data.x_train, pictures.reshape(10, 100)[order[:8]])
    assert np.array_equal(data.x_test, pictures.reshape(10, 100)[order[8:]])
    assert data.y_train.tolist() == labels[order[:8]].tolist() and data.y_test.tolist() == labels[order[8:]].tolist()
    assert (data.name, data.task, data.target_names, data.input_shape) == (
        "Shapes", "classification", list(SHAPES), (1, 10, 10))
    assert data.feature_names[:3] == ["r0c0", "r0c1", "r0c2"] and data.feature_names[-1] == "r9c9"
    default = load_shapes(rng=np.random.default_rng(1))
    assert (len(default.x_train), len(default.x_test)) == (400, 100) and default.x_train.std() > 0.05
    assert load_shapes(5, 0.0).x_train.shape == (4, 100)  # no generator given: a fresh one


def test_pixel_names_go_row_by_row_and_channel_by_channel():
    assert pixel_names((1, 2, 3)) == ["r0c0", "r0c1", "r0c2", "r1c0", "r1c1", "r1c2"]
    assert pixel_names((2, 1, 2)) == ["ch0r0c0", "ch0r0c1", "ch1r0c0", "ch1r0c1"]


def test_an_image_data_set_holds_its_images_as_float_rows_and_gives_them_back():
    pictures = np.arange(24, dtype=np.uint8).reshape(2, 3, 2, 2)
    data = image_dataset("mine", pictures, [1, 0], ["a", "b"], 0.5, np.random.default_rng(0))
    order = np.random.default_rng(0).permutation(2)
    assert data.x_train.dtype == np.float64 and data.y_train.dtype == np.int64
    assert data.x_train.tolist() == [pictures[order[0]].ravel().tolist()]
    assert data.y_train.tolist() == [[1, 0][order[0]]] and data.y_test.tolist() == [[1, 0][order[1]]]
    assert (data.name, data.task, data.target_names, data.input_shape) == ("mine", "classification", ["a", "b"],
                                                                        (3, 2, 2))
    assert data.feature_names[:5] == ["ch0r0c0", "ch0r0c1", "ch0r1c0", "ch0r1c1", "ch1r0c0"]
    assert np.array_equal(data.images(data.x_test), pictures[order[1:]])
    assert ImageDataset(name="", task="", x_train=None, y_train=None, x_test=None, y_test=None).input_shape == (1, 1, 1)
    assert len(image_dataset("r", pictures, [1, 0], ["a", "b"], 1.0, None).x_train) == 2


def test_the_digits_are_the_shipped_counts_over_16_in_file_order():
    with open(resource_path(*DIGITS_FILE), newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][-1] == "digit" and len(rows) == 1798
    pictures, labels = digits_images()
    assert pictures.shape == (1797, 1, 8, 8) and labels.dtype == np.int64
    for k in (0, 1, 900, 1796):
        assert pictures[k].ravel().tolist() == [int(v) / 16 for v in rows[k + 1][:64]]
        assert labels[k] == int(rows[k + 1][64])
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert pictures.min() == 0.0 and pictures.max() == 1.0
    data = load_digits(rng=np.random.default_rng(0))
    assert (len(data.x_train), len(data.x_test), data.name, data.target_names) == (
        1438, 359, "Digits", [str(d) for d in range(10)])
    assert data.input_shape == (1, 8, 8) and data.feature_names[8] == "r1c0"


def fake_digits(monkeypatch, tmp_path, text: str) -> None:
    path = tmp_path / "digits.csv"
    path.write_text(text)
    monkeypatch.setattr(images, "resource_path", lambda *parts: path)


def table(rows: int, header: str = "digit", value: int = 0, digit: int = 0) -> str:
    line = ",".join([str(value)] * 64 + [str(digit)])
    return ",".join(f"p{k}" for k in range(64)) + f",{header}\n" + (line + "\n") * rows


def test_a_damaged_digits_file_is_refused_saying_what_is_wrong(monkeypatch, tmp_path):
    fake_digits(monkeypatch, tmp_path, table(2))
    assert refusal(digits_images) == "the shipped digits file has 2 rows of 65 numbers, not 1797 of 65"
    fake_digits(monkeypatch, tmp_path, table(1797, header="label"))
    assert refusal(digits_images) == "the shipped digits file has 1797 rows of 65 numbers, not 1797 of 65"
    fake_digits(monkeypatch, tmp_path, "a,digit\n1,2\n")
    assert refusal(digits_images) == "the shipped digits file has 1 rows of 2 numbers, not 1797 of 65"
    for value, digit in ((17, 0), (-1, 0), (0, 10), (0, -1)):
        fake_digits(monkeypatch, tmp_path, table(1797, value=value, digit=digit))
        assert refusal(digits_images) == "the shipped digits file has values outside 0..16 or digits outside 0..9"
    fake_digits(monkeypatch, tmp_path, table(1797, value=16, digit=9))
    pictures, labels = digits_images()
    assert pictures.max() == 1.0 and labels.max() == 9
    fake_digits(monkeypatch, tmp_path, "digit\nx\n")
    assert refusal(digits_images).startswith("the shipped digits file cannot be read: ")
    monkeypatch.setattr(images, "resource_path", lambda *parts: tmp_path / "missing.csv")
    assert refusal(digits_images).startswith("the shipped digits file cannot be read: [Errno 2] No such file")
