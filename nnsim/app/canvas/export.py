"""Writing the canvas to PNG and SVG files (QSvgGenerator + scene.render;
pyqtgraph's SVG exporter is broken in 0.14)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas.style import BACKGROUND

MARGIN = 24.0
MAX_SIDE = 12000  # pixels; bigger designs are exported at a smaller scale


class _Exporting:
    """Render without selection marks, hover, toasts or pixmap caches."""

    def __init__(self, scene):
        self.scene = scene

    def __enter__(self):
        s = self.scene
        s.exporting = True
        self.zoom = s._zoom
        s.set_view_zoom(1.0)  # full detail in files
        self.hidden = [i for i in (s.hover_overlay, s.select_overlay, s.tools.toast) if i.isVisible()]
        for item in self.hidden:
            item.hide()
        self.cached = [b for b in s.bundle_items.values() if b.cacheMode() != QGraphicsItem.NoCache]
        for b in self.cached:
            b.setCacheMode(QGraphicsItem.NoCache)
        return self

    def __exit__(self, *exc):
        s = self.scene
        s.exporting = False
        s.set_view_zoom(self.zoom)
        for item in self.hidden:
            item.show()
        for b in self.cached:
            b.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        return False


def export_rect(scene) -> QRectF:
    rect = scene.content_rect()
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 120)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def export_png(scene, path, scale: float = 2.0) -> bool:
    """The whole design as a PNG (``scale`` pixels per scene unit)."""
    source = export_rect(scene)
    scale = min(scale, MAX_SIDE / max(source.width(), source.height()))
    image = QImage(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)),
                   QImage.Format_ARGB32_Premultiplied)
    image.fill(BACKGROUND)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
    with _Exporting(scene):
        scene.render(painter, QRectF(image.rect()), source, Qt.KeepAspectRatio)
    painter.end()
    return image.save(str(Path(path)), "PNG")


def export_svg(scene, path, title: str = "nnsim design") -> bool:
    """The whole design as an SVG of vector paths."""
    source = export_rect(scene)
    gen = QSvgGenerator()
    gen.setFileName(str(Path(path)))
    gen.setSize(QSize(round(source.width()), round(source.height())))
    gen.setViewBox(QRectF(0, 0, source.width(), source.height()))
    gen.setTitle(title)
    painter = QPainter()
    if not painter.begin(gen):
        return False
    painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, source.width(), source.height()), BACKGROUND)
    with _Exporting(scene):
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source, Qt.KeepAspectRatio)
    painter.end()
    return Path(path).exists() and Path(path).stat().st_size > 0
