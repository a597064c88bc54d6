"""Pictures of the blocks of an image network for the canvas, made in the
worker thread (QImages are safe to make there): each block's feature maps for
the chosen sample and each convolution's kernels, in Playground's colours
(blue positive, orange negative, grey zero; ``nnsim.app.colors``).

A layer's maps share one scale (the largest absolute value among them), so
a map that answers weakly looks weak beside its neighbours; so do a layer's
kernels. Kernels of several input channels show their sum over channels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from nnsim.app.training.colors import image_from_rgba, to_rgba
from nnsim.design.parameters import array_name

MAX_MAPS = 64  # most maps (or kernels) a block shows


def images(values: np.ndarray) -> list[QImage]:
    """One image per leading entry of values (n, h, w), on one symmetric scale."""
    values = np.asarray(values[:MAX_MAPS], dtype=np.float32)
    m = float(np.max(np.abs(values))) if values.size else 0.0
    m = m if np.isfinite(m) and m > 0 else 1.0
    rgba = to_rgba(np.nan_to_num(values), -m, m)
    return [image_from_rgba(rgba[i], flip=False) for i in range(len(rgba))]


def feature_maps(probe, sample) -> dict[int, list[QImage]]:
    """Layer id -> its maps for the sample (``SampleNumbers``) of every
    layer whose output is an image (channels, height, width)."""
    if sample is None:
        return {}
    net = probe.session.network
    out = {}
    for info, (_name, _ids, a, _z) in zip(probe.layers, sample.layers):
        shape = net.layers[info.index].shape
        if len(shape) == 3 and a.size == shape[0] * shape[1] * shape[2]:
            out[info.layer_id] = images(a.reshape(shape))
    return out


def kernels(probe) -> dict[int, list[QImage]]:
    """Layer id -> its kernels, for every convolution."""
    params = probe.session.network.parameters
    out = {}
    for info in probe.layers:
        name = array_name(info.layer_id, "kernel")
        if name in params.layout.shapes:
            w = np.asarray(params[name])  # (filters, channels, k, k)
            out[info.layer_id] = images(w.sum(axis=1))
    return out


__all__ = ["feature_maps", "images", "kernels"]
