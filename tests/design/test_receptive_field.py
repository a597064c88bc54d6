"""The pixels of the input one value of a feature map looks at."""

from __future__ import annotations

from nnsim.design.build import add_block, link
from nnsim.design.model import Design, LayerKind
from nnsim.design.receptive import receptive_field


def _chain(*blocks) -> tuple[Design, list[int]]:
    d = Design()
    ids = [add_block(d, "image", LayerKind.INPUT, height=8, width=8).id]
    for type_name, options in blocks:
        ids.append(add_block(d, type_name, **options).id)
        link(d, ids[-2], ids[-1])
    return d, ids


def test_a_same_convolution_looks_at_the_kernel_around_the_pixel_clipped_at_the_border():
    d, (_, conv) = _chain(("conv", dict(kernel=3, padding="same")))
    assert receptive_field(d, conv, 4, 4) == (3, 3, 5, 5)
    assert receptive_field(d, conv, 0, 7) == (0, 6, 1, 7)


def test_pooling_after_a_valid_strided_convolution_widens_the_field():
    d, (_, conv, pool) = _chain(("conv", dict(kernel=3, padding="valid", stride=1)), ("maxpool", dict(pool=2)))
    assert receptive_field(d, conv, 0, 0) == (0, 0, 2, 2)
    assert receptive_field(d, pool, 1, 2) == (2, 4, 5, 7)


def test_a_block_not_fed_from_an_image_has_no_field():
    d = Design()
    conv = add_block(d, "conv")
    assert receptive_field(d, conv.id, 0, 0) is None
