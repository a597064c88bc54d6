"""Reading the user's image files (PNG, JPEG) with Qt, for the headless
parts that take images (``nnsim.data.image_folder``, ``nnsim predict``):
``decode(path)`` gives the pixels as a NumPy array."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage, QImageReader


def decode(path: str | Path) -> np.ndarray:
    """The pixels of an image file: (H, W) grey or (H, W, 4) RGBA, uint8.
    Raises ValueError naming what is wrong when the file cannot be read."""
    reader = QImageReader(str(path))
    image = reader.read()
    if image.isNull():
        raise ValueError(reader.errorString().lower() or "not an image")
    if image.isGrayscale() and not image.hasAlphaChannel():
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
        h, w = image.height(), image.width()
        rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * h)
        return rows.reshape(h, image.bytesPerLine())[:, :w].copy()
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.bytesPerLine() * h)
    return rows.reshape(h, image.bytesPerLine())[:, : 4 * w].reshape(h, w, 4).copy()


__all__ = ["decode"]
