"""Image data sets: the 8×8 handwritten digits, synthetic shapes, and
images the user gives (``nnsim.data.image_folder``).

An image data set is a ``Dataset`` like any other, with every image
flattened into a row of x (channel by channel, each row of pixels left to
right: the order of NumPy's ``reshape``), and one more field,
``input_shape`` = (channels, height, width), so a network's image input can
take the rows back to images with ``ImageDataset.images``. Code that only
knows ``Dataset`` sees a table of pixel features and keeps working.

Values lie in [0, 1] (0 black, 1 white), the shapes' noise aside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..resources import resource_path
from .base import CLASSIFICATION, DataError, Dataset, split

DIGITS_FILE = ("datasets", "digits.csv")
DIGITS_ROWS = 1797
DIGITS_SHAPE = (1, 8, 8)
DIGITS_MAX = 16  # each pixel counts the set pixels of a 4×4 block: 0..16

SHAPES = ("horizontal bar", "vertical bar", "diagonal", "plus", "hollow square")
SHAPES_SIZE = 10
SHAPES_POINTS = 500
SHAPES_NOISE = 0.1


@dataclass
class ImageDataset(Dataset):
    """A ``Dataset`` of images: rows of x are images of ``input_shape``
    (channels, height, width), flattened."""

    input_shape: tuple[int, int, int] = (1, 1, 1)

    def images(self, x: np.ndarray) -> np.ndarray:
        """Rows of x (n, C·H·W) as images (n, C, H, W) (a view)."""
        return np.asarray(x).reshape(-1, *self.input_shape)


def pixel_names(shape: tuple[int, int, int]) -> list[str]:
    """Feature names of the pixels of an image of ``shape``: ``r0c0`` ...
    for one channel, ``ch0r0c0`` ... for several."""
    C, H, W = shape
    names = [f"r{r}c{c}" for r in range(H) for c in range(W)]
    return names if C == 1 else [f"ch{ch}{name}" for ch in range(C) for name in names]


def image_dataset(name: str, images: np.ndarray, labels: np.ndarray, classes: list[str], train_ratio: float,
                  rng: np.random.Generator | None) -> ImageDataset:
    """Shuffle and split ``images`` (n, C, H, W) with their class indices
    as every data set is (``nnsim.data.base.split``)."""
    rng = np.random.default_rng() if rng is None else rng
    shape = tuple(int(s) for s in images.shape[1:])
    x = np.ascontiguousarray(images, dtype=np.float64).reshape(len(images), -1)
    x_train, y_train, x_test, y_test = split(x, np.asarray(labels, dtype=np.int64), train_ratio, rng)
    return ImageDataset(name=name, task=CLASSIFICATION, x_train=x_train, y_train=y_train, x_test=x_test,
                        y_test=y_test, feature_names=pixel_names(shape), target_names=list(classes),
                        input_shape=shape)


# -- the handwritten digits -----------------------------------------------------------------
def digits_images() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits in file order: images (1797, 1, 8, 8) float64 in
    [0, 1] (the counts 0..16 divided by 16) and their digits (1797,) int64."""
    path = resource_path(*DIGITS_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            header = f.readline().strip().split(",")
            table = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, ValueError) as e:
        raise DataError(f"the shipped digits file cannot be read: {e}") from None
    if header[-1] != "digit" or table.shape != (DIGITS_ROWS, 65):
        raise DataError(f"the shipped digits file has {table.shape[0]} rows of {table.shape[1]} numbers, "
                        f"not {DIGITS_ROWS} of 65")
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > DIGITS_MAX or labels.min() < 0 or labels.max() > 9:
        raise DataError("the shipped digits file has values outside 0..16 or digits outside 0..9")
    return (pixels / DIGITS_MAX).reshape(DIGITS_ROWS, *DIGITS_SHAPE), labels


def load_digits(train_ratio: float = 0.8, rng: np.random.Generator | None = None) -> ImageDataset:
    """The digits, shuffled with ``rng`` and split ``train_ratio`` training
    (0.8: 1,438 training and 359 test images)."""
    images, labels = digits_images()
    return image_dataset("Digits", images, labels, [str(d) for d in range(10)], train_ratio, rng)


# -- synthetic shapes ---------------------------------------------------------------------
def _draw(kind: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """One shape of class ``kind`` (index in SHAPES), 0/1 pixels, at a random
    place and of a random length."""
    img = np.zeros((size, size))
    if kind in (0, 1):  # a bar, 1 pixel thick, at least half the image long
        length = rng.integers(size // 2, size + 1)
        r, c = rng.integers(0, size), rng.integers(0, size - length + 1)
        img[r, c : c + length] = 1.0
        return img if kind == 0 else img.T.copy()
    if kind == 2:  # a diagonal either way, at least 4 pixels long
        length = rng.integers(4, size + 1)
        r, c = rng.integers(0, size - length + 1, size=2)
        steps = np.arange(length)
        img[r + steps, c + steps] = 1.0
        return img if rng.integers(0, 2) else img[:, ::-1].copy()
    if kind == 3:  # a plus with arms of 1 to 3 pixels
        arm = rng.integers(1, min(3, (size - 1) // 2) + 1)
        r, c = rng.integers(arm, size - arm, size=2)
        img[r, c - arm : c + arm + 1] = 1.0
        img[r - arm : r + arm + 1, c] = 1.0
        return img
    side = rng.integers(3, min(7, size) + 1)  # a hollow square of side 3 to 7
    r, c = rng.integers(0, size - side + 1, size=2)
    img[r : r + side, c : c + side] = 1.0
    img[r + 1 : r + side - 1, c + 1 : c + side - 1] = 0.0
    return img


def shapes_images(points: int = SHAPES_POINTS, noise: float = SHAPES_NOISE, rng: np.random.Generator | None = None,
                  size: int = SHAPES_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """``points`` images (points, 1, size, size): the classes of ``SHAPES``
    in turn (as even as ``points`` allows), each drawn at a random place in
    0/1 pixels plus normal noise of deviation ``noise``; and their classes."""
    if points < 1:
        raise DataError(f"shapes need at least 1 image, not {points}")
    if size < 5:
        raise DataError(f"shapes need images of at least 5 × 5 pixels, not {size}")
    if not noise >= 0:
        raise DataError(f"noise {noise} must be 0 or more")
    rng = np.random.default_rng() if rng is None else rng
    labels = np.arange(points, dtype=np.int64) % len(SHAPES)
    images = np.stack([_draw(int(k), rng, size) for k in labels])  # one small image each: no pixel loop
    images += rng.normal(0.0, noise, size=images.shape) if noise else 0.0
    return images.reshape(points, 1, size, size), labels


def load_shapes(points: int = SHAPES_POINTS, noise: float = SHAPES_NOISE, train_ratio: float = 0.8,
                rng: np.random.Generator | None = None) -> ImageDataset:
    """Synthetic shapes (``shapes_images``), split as every data set is."""
    rng = np.random.default_rng() if rng is None else rng
    images, labels = shapes_images(points, noise, rng)
    return image_dataset("Shapes", images, labels, list(SHAPES), train_ratio, rng)
