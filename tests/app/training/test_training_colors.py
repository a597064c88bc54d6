"""The live views' colouring (made in the training worker for every frame) is
done the quick way: these hold it to the plain formulas, pixel for pixel,
NaN and infinities included."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from nnsim.app.training.colors import (
    BACKGROUND_LUT, LUT, _disc, image_from_rgba, images_from_rgba, round_images, to_rgba,
)


def plain_rgba(values, lo, hi, lut=LUT):
    lo = np.asarray(lo, dtype=np.float32)
    hi = np.asarray(hi, dtype=np.float32)
    while lo.ndim and lo.ndim < values.ndim:
        lo, hi = lo[..., None], hi[..., None]
    t = (values - lo) / np.maximum(hi - lo, 1e-12)
    with np.errstate(over="ignore"):
        idx = np.clip(np.nan_to_num(t, nan=0.5) * (len(lut) - 1), 0, len(lut) - 1).astype(np.intp)
    return lut[idx]


def plain_round(rgba):
    n, h, w = rgba.shape[:3]
    cover = _disc(h, w)[None, ::-1, :, None]
    return (rgba[:, ::-1, :, [2, 1, 0, 3]] * cover).round().astype(np.uint8)


def awkward_values(shape, seed=0):
    rng = np.random.default_rng(seed)
    v = rng.uniform(-1.6, 1.6, shape).astype(np.float32)
    flat = v.reshape(-1)
    flat[::97] = np.nan
    flat[5::211] = np.inf
    flat[7::223] = -np.inf
    flat[11::50] = 1.0  # exactly at the top level
    return v


def test_maps_with_their_own_levels_colour_as_the_plain_formula():
    values = awkward_values((5, 50, 50))
    lo = np.array([-1, 0, -1, -3, 2], dtype=np.float32)
    hi = np.array([1, 1, 1, 3, 2], dtype=np.float32)  # the last: no range at all
    got = to_rgba(values, lo, hi)
    assert got.dtype == np.uint8 and got.shape == (5, 50, 50, 4)
    np.testing.assert_array_equal(got, plain_rgba(values, lo, hi))


def test_maps_laid_out_neuron_by_neuron_in_memory_colour_the_same():
    """The probe's maps come from a transposed array: neurons innermost."""
    values = np.ascontiguousarray(awkward_values((3, 60, 60), seed=4).transpose(1, 2, 0)).transpose(2, 0, 1)
    lo, hi = np.array([[-1, 0, -2], [1, 1, 2]], dtype=np.float32)
    small = values[:, ::2, ::2]
    np.testing.assert_array_equal(to_rgba(small, lo, hi), plain_rgba(small, lo, hi))


def test_one_map_with_scalar_levels_and_another_table():
    values = awkward_values((100, 100), seed=1)
    np.testing.assert_array_equal(to_rgba(values, -1.0, 1.0, BACKGROUND_LUT),
                                  plain_rgba(values, -1.0, 1.0, BACKGROUND_LUT))
    doubles = values.astype(np.float64)
    np.testing.assert_array_equal(to_rgba(doubles, -0.5, 0.5), plain_rgba(doubles, -0.5, 0.5))


def test_round_images_are_premultiplied_by_the_disc_as_the_plain_formula():
    rgba = to_rgba(awkward_values((4, 50, 50), seed=2), -1.0, 1.0)
    expected = plain_round(rgba)
    images = round_images(rgba)
    assert len(images) == 4
    for img, want in zip(images, expected):
        assert img.format() == QImage.Format.Format_ARGB32_Premultiplied
        got = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(50, img.bytesPerLine() // 4, 4)[:, :50]
        np.testing.assert_array_equal(got, want)
    assert (expected[:, 0, 0] == 0).all() and (expected[:, 25, 25] != 0).any()  # a corner is clear, the middle not


def test_a_stack_of_thumbnails_is_each_one_made_alone():
    rgba = to_rgba(awkward_values((3, 50, 50), seed=3), -1.0, 1.0)
    for one, alone in zip(images_from_rgba(rgba), (image_from_rgba(rgba[i]) for i in range(3))):
        assert one.format() == alone.format() and one.size() == alone.size()
        assert one == alone
