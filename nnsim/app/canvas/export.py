"""The canvas as a picture (``nnsim.app.pictures``): the whole drawing with
every label beside its neurons, and in the clean style without editing
controls (−/+ buttons, ports), selection, hover marks or the step-through's
callouts and numbers."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas.style import BACKGROUND
from nnsim.app.pictures import PictureOptions, write_picture

MARGIN = 24.0


class _Exporting:
    """Render without selection marks, hover, toasts or pixmap caches; in the
    clean style, without any item that does not draw the design itself."""

    def __init__(self, scene, clean: bool):
        self.scene = scene
        self.clean = clean

    def __enter__(self):
        s = self.scene
        s.exporting = True
        s.clean = self.clean
        self.zoom = s._zoom
        s.set_view_zoom(1.0)  # full detail in files
        if self.clean:
            drawing = set(s.drawing_items())
            extra = [i for i in s.items() if i.parentItem() is None and i not in drawing]
        else:
            extra = [s.hover_overlay, s.select_overlay, s.tools.toast]
        self.hidden = [i for i in extra if i.isVisible()]
        for item in self.hidden:
            item.hide()
        self.cached = [b for b in s.bundle_items.values() if b.cacheMode() != QGraphicsItem.NoCache]
        for b in self.cached:
            b.setCacheMode(QGraphicsItem.NoCache)
        return self

    def __exit__(self, *exc):
        s = self.scene
        s.exporting = False
        s.clean = False
        s.set_view_zoom(self.zoom)
        for item in self.hidden:
            item.show()
        for b in self.cached:
            b.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        return False


def export_rect(scene, clean: bool = True) -> QRectF:
    """The drawing with a margin; outside the clean style, with the callouts
    and other marks drawn over it too."""
    rect = scene.content_rect()
    if not clean:
        drawing = set(scene.drawing_items())
        skip = {scene.hover_overlay, scene.select_overlay, scene.tools.toast}
        for item in scene.items():
            if item.parentItem() is None and item.isVisible() and item not in drawing and item not in skip:
                rect = rect.united(item.sceneBoundingRect())
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 120)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


class CanvasPicture:
    """The whole design on the canvas, as a picture."""

    canvas_color = BACKGROUND

    def __init__(self, scene, title: str = "nnsim design"):
        self.scene = scene
        self.title = title
        self.source = export_rect(scene)

    def source_for(self, options: PictureOptions | None) -> QRectF:
        return self.source if options is None or options.clean else export_rect(self.scene, clean=False)

    def size(self, options: PictureOptions | None = None) -> QSizeF:
        return self.source_for(options).size()

    def paint(self, painter: QPainter, target: QRectF, options: PictureOptions) -> None:
        source = self.source_for(options)
        with _Exporting(self.scene, options.clean):
            self.scene.render(painter, target, source, Qt.KeepAspectRatio)


def export_png(scene, path, scale: float = 2.0, options: PictureOptions | None = None) -> bool:
    """The whole design as a PNG (``scale`` pixels per scene unit)."""
    options = options or PictureOptions("png", scale=scale)
    return write_picture(CanvasPicture(scene), path, options)


def export_svg(scene, path, title: str = "nnsim design", options: PictureOptions | None = None) -> bool:
    """The whole design as an SVG of vector paths (heat maps clipped to their neurons)."""
    return write_picture(CanvasPicture(scene, title), path, options or PictureOptions("svg"))
