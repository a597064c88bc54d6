"""Pictures for slides: the canvas or a plot written as a PNG, SVG or PDF file,
copied to the clipboard, or printed.

A *picture* is anything with a ``size(options)`` in drawing units (a QSizeF)
and a ``paint(painter, target, options)`` that draws the whole of it into ``target``; the
canvas (``nnsim.app.canvas.export.CanvasPicture``) and any widget
(``WidgetPicture``) are pictures. SVG files are written with ``QSvgGenerator``
in its SVG 1.1 mode, which keeps clip paths (the tiny profile drops them);
pyqtgraph's own SVG exporter is broken in 0.14.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPageLayout, QPainter, QRegion
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

MAX_SIDE = 12000  # pixels; bigger pictures are written at a smaller scale
SCALES = (1.0, 2.0, 3.0, 4.0)
BACKGROUNDS = {"white": "White", "transparent": "Transparent", "canvas": "The canvas's grey"}
KINDS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "pdf": "PDF document (*.pdf)"}
RENDER_HINTS = QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform


@dataclass(frozen=True)
class PictureOptions:
    """How a picture is written: ``background`` one of BACKGROUNDS, ``scale``
    pixels per drawing unit (PNG and the clipboard), ``clean`` leaves out
    the canvas's editing controls and step-through numbers."""

    kind: str = "png"
    background: str = "white"
    scale: float = 2.0
    clean: bool = True


def background_color(options: PictureOptions, canvas_color: QColor) -> QColor | None:
    """The colour to fill first (None: leave transparent)."""
    if options.background == "transparent":
        return None
    if options.background == "canvas":
        return QColor(canvas_color)
    return QColor("#ffffff")


class WidgetPicture:
    """A widget as it looks on screen (a plot, a matrix, a map), drawn through
    ``QWidget.render`` so an SVG keeps its lines and text as vectors."""

    canvas_color = QColor("#ffffff")

    def __init__(self, widget: QWidget, title: str = "nnsim plot"):
        self.widget = widget
        self.title = title

    def size(self, options: PictureOptions | None = None) -> QSizeF:
        return QSizeF(self.widget.size())

    def paint(self, painter: QPainter, target: QRectF, options: PictureOptions) -> None:
        size = self.size(options)
        painter.save()
        painter.translate(target.topLeft())
        painter.scale(target.width() / max(size.width(), 1.0), target.height() / max(size.height(), 1.0))
        # QWidget's own render: a QGraphicsView (every pyqtgraph plot) overrides render() to draw its scene only.
        QWidget.render(self.widget, painter, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
        painter.restore()


def _scale_for(picture, options: PictureOptions) -> float:
    size = picture.size(options)
    return min(options.scale, MAX_SIDE / max(size.width(), size.height(), 1.0))


def render_image(picture, options: PictureOptions) -> QImage:
    """The picture as an image, ``options.scale`` pixels per drawing unit."""
    size = picture.size(options)
    scale = _scale_for(picture, options)
    image = QImage(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)),
                   QImage.Format_ARGB32_Premultiplied)
    fill = background_color(options, picture.canvas_color)
    image.fill(fill if fill is not None else Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHints(RENDER_HINTS)
    try:
        picture.paint(painter, QRectF(image.rect()), options)
    finally:
        painter.end()
    return image


def write_png(picture, path, options: PictureOptions) -> bool:
    return render_image(picture, options).save(str(Path(path)), "PNG")


def write_svg(picture, path, options: PictureOptions) -> bool:
    size = picture.size(options)
    gen = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    gen.setFileName(str(Path(path)))
    gen.setSize(QSize(round(size.width()), round(size.height())))
    gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
    gen.setTitle(getattr(picture, "title", "nnsim"))
    painter = QPainter()
    if not painter.begin(gen):
        return False
    painter.setRenderHints(RENDER_HINTS)
    target = QRectF(0, 0, size.width(), size.height())
    fill = background_color(options, picture.canvas_color)
    try:
        if fill is not None:
            painter.fillRect(target, fill)
        picture.paint(painter, target, options)
    finally:
        painter.end()
    return Path(path).exists() and Path(path).stat().st_size > 0


def print_picture(picture, printer: QPrinter, options: PictureOptions) -> bool:
    """The picture on one page of ``printer`` (a real printer, or a PDF file
    when its output format is PDF), as large as fits, keeping its shape."""
    size = picture.size(options)
    if size.width() > size.height():
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    painter = QPainter()
    if not painter.begin(printer):
        return False
    painter.setRenderHints(RENDER_HINTS)
    page = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
    page.moveTo(0, 0)
    k = min(page.width() / max(size.width(), 1.0), page.height() / max(size.height(), 1.0))
    target = QRectF(0, 0, size.width() * k, size.height() * k)
    fill = background_color(options, picture.canvas_color)
    try:
        if fill is not None and options.background != "white":  # paper is white already
            painter.fillRect(target, fill)
        picture.paint(painter, target, options)
    finally:
        ended = painter.end()
    return ended


def write_pdf(picture, path, options: PictureOptions) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(Path(path)))
    printer.setDocName(getattr(picture, "title", "nnsim"))
    return print_picture(picture, printer, options) and Path(path).exists()


WRITERS = {"png": write_png, "svg": write_svg, "pdf": write_pdf}


def write_picture(picture, path, options: PictureOptions) -> bool:
    """Write the picture in the format its file name ends with (else ``options.kind``)."""
    kind = Path(path).suffix.lower().lstrip(".")
    return WRITERS.get(kind, WRITERS[options.kind])(picture, path, options)


def copy_picture(picture, options: PictureOptions) -> QImage:
    """Put the picture on the clipboard as an image; returns the image."""
    image = render_image(picture, options)
    QGuiApplication.clipboard().setImage(image)
    return image
