"""A folder of the user's own images as a data set: one sub-folder per class.

    my-images/
        cat/   a.png  b.jpg ...
        dog/   c.jpeg ...

The classes are the sub-folders holding at least one image, in sorted order;
the images are the files ending in .png, .jpg or .jpeg (any case); other
files and deeper folders are not read. Decoding a file is not done here (the
window decodes with Qt): ``load_image_folder`` takes a ``decode(path)``
that returns the pixels as an array, (H, W) grey or (H, W, 3 or 4) RGB(A),
of 8- or 16-bit whole numbers or floats in [0, 1], and raises (any
exception) for a file it cannot read.

Every image is converted to the input's channels (grey: 0.299 R + 0.587 G
+ 0.114 B, as ITU-R BT.601 and Qt's grey; colour from grey: three equal
channels; transparency is laid over white, as an image viewer shows it),
then resized to the input's height and width, by area averaging (each output
pixel the mean of the input area it covers, so shrinking keeps thin strokes
as shades) or nearest pixel. Values end in [0, 1].

A file that cannot be used stops the loading with a one-line ``DataError``
naming it, e.g. ``image 'cat/b.jpg' cannot be read: not a JPEG file``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnsim.text import cut, quote

from .base import DataError
from .images import ImageDataset, image_dataset

EXTENSIONS = (".png", ".jpg", ".jpeg")
MAX_IMAGES = 100_000  # more files than this are refused before any is decoded
MAX_VALUES = 64 * 2**20  # pixel values of all images at the input size (512 MB as float64)
RESIZE = ("area", "nearest")
GREY_PER_MILLE = np.array([299.0, 587.0, 114.0])  # R, G, B


def scan_image_folder(root: str | Path) -> tuple[list[str], list[tuple[int, Path]]]:
    """The classes (sub-folder names, sorted) and every image file as
    (class index, path), sorted by class then name."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{quote(str(root))} is not a folder")
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError as e:
        raise DataError(f"the folder {quote(root.name)} cannot be listed: {cut(e.strerror or str(e))}") from None
    classes: list[str] = []
    files: list[tuple[int, Path]] = []
    for folder in folders:
        try:
            found = sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
        except OSError as e:
            raise DataError(f"the folder {quote(folder.name)} cannot be listed: {cut(e.strerror or str(e))}") from None
        if not found:
            continue
        files.extend((len(classes), p) for p in found)
        classes.append(folder.name)
        if len(files) > MAX_IMAGES:
            raise DataError(f"{quote(root.name)} holds more than {MAX_IMAGES:,} images; use a smaller selection")
    if len(classes) < 2:
        raise DataError(f"{quote(root.name)} needs a sub-folder of .png or .jpg images for each class, "
                        f"at least two (found {len(classes)})")
    return classes, files


def to_channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    """Decoded ``pixels`` (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) as
    (channels, H, W) float64 in [0, 1]; ``channels`` is 1 (grey) or 3."""
    a = np.asarray(pixels)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3 or a.shape[2] not in (1, 2, 3, 4) or a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"pixels of shape {a.shape} are not an image")
    if a.dtype == np.uint8 or a.dtype == np.uint16:
        scale = float(np.iinfo(a.dtype).max)
    elif a.dtype.kind == "f":
        scale = 1.0
        if not np.isfinite(a).all() or a.min() < 0.0 or a.max() > 1.0:
            raise ValueError("pixel values are not all within 0 and 1")
    else:
        raise ValueError(f"pixels of type {a.dtype} are not 8- or 16-bit or float")
    # Computed on the stored values, divided by their largest value last, so
    # that white is exactly 1.
    v = a.astype(np.float64)
    colour_count = 1 if v.shape[2] in (1, 2) else 3
    colour = v[:, :, :colour_count]
    if v.shape[2] in (2, 4):  # over white
        alpha = v[:, :, -1:] / scale
        colour = colour * alpha + scale * (1.0 - alpha)
    if channels == 1 and colour_count == 3:
        colour = colour @ GREY_PER_MILLE[:, None] / 1000.0
    elif channels == 3 and colour_count == 1:
        colour = np.repeat(colour, 3, axis=2)
    colour = colour / scale
    return np.ascontiguousarray(colour.transpose(2, 0, 1))


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): the share of each input pixel in each output pixel when
    n_in pixels are stretched or squeezed onto n_out (rows sum to 1)."""
    edges = np.arange(n_out + 1) * (n_in / n_out)  # output pixel edges in input coordinates
    starts, ends = edges[:-1, None], edges[1:, None]
    left = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(ends, left + 1) - np.maximum(starts, left), 0.0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resize(image: np.ndarray, height: int, width: int, method: str = "area") -> np.ndarray:
    """``image`` (C, H, W) resized to (C, height, width) by area averaging
    or by taking the nearest pixel (the one under each output pixel's centre)."""
    C, H, W = image.shape
    if (H, W) == (height, width):
        return image.copy()
    if method == "nearest":
        rows = np.minimum(((np.arange(height) + 0.5) * H / height).astype(np.intp), H - 1)
        cols = np.minimum(((np.arange(width) + 0.5) * W / width).astype(np.intp), W - 1)
        return image[:, rows[:, None], cols[None, :]]
    if method != "area":
        raise ValueError(f"resize method {method!r} is not one of {', '.join(RESIZE)}")
    return _area_weights(H, height) @ image @ _area_weights(W, width).T


def load_image_folder(root: str | Path, decode: Callable[[Path], np.ndarray], input_shape: tuple[int, int, int],
                      train_ratio: float = 0.8, rng: np.random.Generator | None = None,
                      method: str = "area") -> ImageDataset:
    """The images under ``root`` (see the module docstring) as a data set
    of ``input_shape`` (channels 1 or 3, height, width), shuffled with
    ``rng`` and split ``train_ratio`` training."""
    C, H, W = (int(s) for s in input_shape)
    if C not in (1, 3):
        raise DataError(f"images are read as 1 channel (grey) or 3 (colour), not {C}")
    if method not in RESIZE:
        raise DataError(f"resize method {quote(method)} is not one of {', '.join(RESIZE)}")
    classes, files = scan_image_folder(root)
    if len(files) * C * H * W > MAX_VALUES:
        raise DataError(f"{len(files):,} images of {C} × {H} × {W} need {len(files) * C * H * W * 8 / 2**30:.1f} GB; "
                        "use fewer images or a smaller input")
    images = np.empty((len(files), C, H, W))
    labels = np.empty(len(files), dtype=np.int64)
    for i, (label, path) in enumerate(files):
        name = f"{path.parent.name}{os.sep}{path.name}"
        try:
            pixels = decode(path)
        except Exception as e:  # the decoder is the caller's: any failure is this file's
            raise DataError(f"image {quote(name)} cannot be read: {cut(str(e) or type(e).__name__)}") from None
        if pixels is None:
            raise DataError(f"image {quote(name)} cannot be read")
        try:
            # Weighted sums may land an ulp outside [0, 1]: clip them back.
            np.clip(resize(to_channels(pixels, C), H, W, method), 0.0, 1.0, out=images[i])
        except ValueError as e:
            raise DataError(f"image {quote(name)}: {cut(str(e))}") from None
        labels[i] = label
    return image_dataset(Path(root).name or str(root), images, labels, classes, train_ratio, rng)
